
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-sa' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-sa'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-sa' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('who-can', 'who-can', [CompletionResultType]::ParameterValue, 'List every subject and ServiceAccount that may make a request, with the binding -> role -> rule granting it')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain whether a ServiceAccount or user may make a request: authentication, authorization (which bindings allow it, or the near misses) and admission')
            [CompletionResult]::new('matrix', 'matrix', [CompletionResultType]::ParameterValue, 'The who-can-do-what matrix of a ServiceAccount (resources x verbs), or of every ServiceAccount for one resource (--resource), computed from the rules without an API call per cell')
            [CompletionResult]::new('bindings', 'bindings', [CompletionResultType]::ParameterValue, 'Every binding that applies to a ServiceAccount and how (directly, by group, by User alias), with its role and rules, as a tree; -o dot or -o mermaid draw it')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every ServiceAccount: whether it exists, the pods that use it, automount, its tokens (projected, legacy Secrets), its cloud identity, how many bindings reach it and its highest audit severity')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Audit every ServiceAccount against the risky-permission catalogue (SA-01 ... SA-29) with the exact RBAC engine: severity, CIS id, scope, binding -> role -> rule, why, and the least-privilege alternative')
            [CompletionResult]::new('paths', 'paths', [CompletionResultType]::ParameterValue, 'How a ServiceAccount could become more powerful: its shortest path (or every path) to a target, each step a documented technique whose preconditions are exact RBAC requests')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'What an RBAC change grants and takes away, per subject: the requests each may make after and not before, and the reverse, as rule-shaped entries with the bindings that cause them')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'One self-contained HTML page for people who do not run kubectl: an overview, every audit finding and every ServiceAccount, filterable and searchable, with a link for each; it makes no network request')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'ServiceAccount tokens: `token inspect` decodes one locally')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'What each ServiceAccount really did (Kubernetes audit logs) against what it is granted; --suggest writes the least privilege that covers it')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version, the commit and the Kubernetes API version it was built against')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script for the kubectl-sa binary; `kubectl sa <TAB>` itself is completed by kubectl through kubectl_complete-sa (see the README, Shell completion)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or write every page into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sa;who-can' {
            [CompletionResult]::new('--subresource', '--subresource', [CompletionResultType]::ParameterName, 'Subresource, as an alternative to RESOURCE/SUBRESOURCE (several segments are allowed: a/b)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The API group, given apart: RESOURCE is then taken whole, dots included (e.g. --group projectcalico.org tier.networkpolicies); --group "" is the core group')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Across all namespaces (namespace ""); for who-can: in any namespace, each grant with its scope')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Across all namespaces (namespace ""); for who-can: in any namespace, each grant with its scope')
            [CompletionResult]::new('--cluster-scope', '--cluster-scope', [CompletionResultType]::ParameterName, 'Ask at cluster scope (namespace "") whatever the resource: for a cluster-scoped resource the catalogue does not know, or a namespaced one across all namespaces (only ClusterRoleBindings count)')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-sa;explain' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Evaluate for this user (system:serviceaccount:NS:NAME for a ServiceAccount), as `kubectl auth can-i --as`: its groups are --as-group plus system:authenticated')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'A group of the evaluated identity (repeatable): with --as, its groups; with a ServiceAccount, a group besides its three (as an authenticating proxy could add), e.g. system:masters')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'The uid of the evaluated identity (sent in the server''s SubjectAccessReview)')
            [CompletionResult]::new('--subresource', '--subresource', [CompletionResultType]::ParameterName, 'Subresource, as an alternative to RESOURCE/SUBRESOURCE (several segments are allowed: a/b)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The API group, given apart: RESOURCE is then taken whole, dots included (e.g. --group projectcalico.org tier.networkpolicies); --group "" is the core group')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--object', '--object', [CompletionResultType]::ParameterName, 'The object of a create/update/patch (YAML or JSON), for objectSelector, PodSecurity and --dry-run')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Across all namespaces (namespace ""); for who-can: in any namespace, each grant with its scope')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Across all namespaces (namespace ""); for who-can: in any namespace, each grant with its scope')
            [CompletionResult]::new('--cluster-scope', '--cluster-scope', [CompletionResultType]::ParameterName, 'Ask at cluster scope (namespace "") whatever the resource: for a cluster-scoped resource the catalogue does not know, or a namespaced one across all namespaces (only ClusterRoleBindings count)')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Print only the least-privilege Role/ClusterRole and binding YAML that would allow exactly this request')
            [CompletionResult]::new('--no-server-check', '--no-server-check', [CompletionResultType]::ParameterName, 'Skip the SubjectAccessReview that asks the live API server for its own decision')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Live: perform the request server-side as the evaluated identity with dryRun=All (impersonating it) and report the real authorization and admission outcome. Needs permission to impersonate it')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-sa;matrix' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Evaluate for this user (system:serviceaccount:NS:NAME for a ServiceAccount), as `kubectl auth can-i --as`: its groups are --as-group plus system:authenticated')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'A group of the evaluated identity (repeatable): with --as, its groups; with a ServiceAccount, a group besides its three (as an authenticating proxy could add), e.g. system:masters')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'The uid of the evaluated identity (sent in the server''s SubjectAccessReview)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'One resource, with ServiceAccounts as rows (everyone that holds anything on it)')
            [CompletionResult]::new('--verbs', '--verbs', [CompletionResultType]::ParameterName, 'Verbs as columns: a comma-separated list, or `all` for the standard verbs plus bind, escalate, impersonate, use, approve')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--subresources', '--subresources', [CompletionResultType]::ParameterName, 'Also rows for dangerous subresources: pods/exec, pods/log, pods/attach, pods/portforward, pods/ephemeralcontainers, serviceaccounts/token, nodes/proxy, */scale, */status')
            [CompletionResult]::new('--all-sas', '--all-sas', [CompletionResultType]::ParameterName, 'Without a ServiceAccount: the matrix of every ServiceAccount of the namespace (-A: of the cluster). With --resource: also ServiceAccounts that hold nothing on it')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Across all namespaces: cells say where (cluster-wide or which namespaces)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Across all namespaces: cells say where (cluster-wide or which namespaces)')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-sa;bindings' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Evaluate for this user (system:serviceaccount:NS:NAME for a ServiceAccount), as `kubectl auth can-i --as`: its groups are --as-group plus system:authenticated')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'A group of the evaluated identity (repeatable): with --as, its groups; with a ServiceAccount, a group besides its three (as an authenticating proxy could add), e.g. system:masters')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'The uid of the evaluated identity (sent in the server''s SubjectAccessReview)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-sa;list' {
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'sort')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'ServiceAccounts of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'ServiceAccounts of every namespace')
            [CompletionResult]::new('--unused', '--unused', [CompletionResultType]::ParameterName, 'Only ServiceAccounts no pod runs as')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-sa;audit' {
            [CompletionResult]::new('--privileged-namespaces', '--privileged-namespaces', [CompletionResultType]::ParameterName, 'Namespaces whose workloads count as privileged (default: kube-system); namespaces whose ServiceAccounts hold CRITICAL findings are always added. Comma-separated')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Hide the findings recorded in this baseline file (written by --write-baseline)')
            [CompletionResult]::new('--write-baseline', '--write-baseline', [CompletionResultType]::ParameterName, 'Write the findings shown (after -n/-A, SA and --baseline) to FILE as a baseline')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 3 when a finding at or above this severity remains (for CI pipelines)')
            [CompletionResult]::new('--min-severity', '--min-severity', [CompletionResultType]::ParameterName, 'Show only findings at or above this severity')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'ServiceAccounts of every namespace (else those of -n, or of the context''s namespace)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'ServiceAccounts of every namespace (else those of -n, or of the context''s namespace)')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-sa;paths' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, '`cluster-admin`, or a request in who-can''s grammar, quoted: ''get secrets -n kube-system''')
            [CompletionResult]::new('--max-steps', '--max-steps', [CompletionResultType]::ParameterName, 'The longest path searched, in steps')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Start from every ServiceAccount of the cluster')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Start from every ServiceAccount of the cluster')
            [CompletionResult]::new('--all-paths', '--all-paths', [CompletionResultType]::ParameterName, 'Every path up to --max-steps, not only the shortest (with a ServiceAccount)')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-sa;diff' {
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'The state before: snapshot files, directories or `-` (as -f takes them); left out, the live cluster')
            [CompletionResult]::new('--after', '--after', [CompletionResultType]::ParameterName, 'The state after: snapshot files. Without --before, they are laid over the live cluster (an object of the same kind, namespace and name replaces the live one), unless --replace')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with status 3 when the change adds a finding at or above this severity (for pull-request gates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Without --before: the files are the whole new state, not a change laid over the live cluster')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-sa;report' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'ServiceAccounts of every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'ServiceAccounts of every namespace')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-sa;token' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its signature is neither checked nor printed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sa;token;inspect' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not read the cluster for the RBAC summary (snapshots given with -f are still read)')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-sa;token;help' {
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its signature is neither checked nor printed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sa;token;help;inspect' {
            break
        }
        'kubectl-sa;token;help;help' {
            break
        }
        'kubectl-sa;usage' {
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Audit log files (JSON lines, audit.k8s.io/v1 Events; plain or gzip), directories, or - for stdin')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this time: RFC 3339 (2026-11-01T00:00:00Z) or a duration ago (24h, 30m, 7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events at or before this time (same forms as --since)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--suggest', '--suggest', [CompletionResultType]::ParameterName, 'Print the least-privilege Role/ClusterRole and bindings that cover exactly the allowed requests, with what could be removed and why the forbidden ones failed (as YAML comments)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Read only the logs: no cluster or snapshot, so no grants-vs-use comparison')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-sa;version' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-sa;completion' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-sa;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write every page (kubectl-sa.1 and one per subcommand) into this directory instead of printing the main page')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (overrides the kubeconfig''s; works without one)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server (overrides the kubeconfig user''s; never printed)')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (default: the server''s host name)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the request (default: the context''s namespace, else "default")')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output: auto (terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-sa;help' {
            [CompletionResult]::new('who-can', 'who-can', [CompletionResultType]::ParameterValue, 'List every subject and ServiceAccount that may make a request, with the binding -> role -> rule granting it')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain whether a ServiceAccount or user may make a request: authentication, authorization (which bindings allow it, or the near misses) and admission')
            [CompletionResult]::new('matrix', 'matrix', [CompletionResultType]::ParameterValue, 'The who-can-do-what matrix of a ServiceAccount (resources x verbs), or of every ServiceAccount for one resource (--resource), computed from the rules without an API call per cell')
            [CompletionResult]::new('bindings', 'bindings', [CompletionResultType]::ParameterValue, 'Every binding that applies to a ServiceAccount and how (directly, by group, by User alias), with its role and rules, as a tree; -o dot or -o mermaid draw it')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every ServiceAccount: whether it exists, the pods that use it, automount, its tokens (projected, legacy Secrets), its cloud identity, how many bindings reach it and its highest audit severity')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Audit every ServiceAccount against the risky-permission catalogue (SA-01 ... SA-29) with the exact RBAC engine: severity, CIS id, scope, binding -> role -> rule, why, and the least-privilege alternative')
            [CompletionResult]::new('paths', 'paths', [CompletionResultType]::ParameterValue, 'How a ServiceAccount could become more powerful: its shortest path (or every path) to a target, each step a documented technique whose preconditions are exact RBAC requests')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'What an RBAC change grants and takes away, per subject: the requests each may make after and not before, and the reverse, as rule-shaped entries with the bindings that cause them')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'One self-contained HTML page for people who do not run kubectl: an overview, every audit finding and every ServiceAccount, filterable and searchable, with a link for each; it makes no network request')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'ServiceAccount tokens: `token inspect` decodes one locally')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'What each ServiceAccount really did (Kubernetes audit logs) against what it is granted; --suggest writes the least privilege that covers it')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version, the commit and the Kubernetes API version it was built against')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script for the kubectl-sa binary; `kubectl sa <TAB>` itself is completed by kubectl through kubectl_complete-sa (see the README, Shell completion)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or write every page into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sa;help;who-can' {
            break
        }
        'kubectl-sa;help;explain' {
            break
        }
        'kubectl-sa;help;matrix' {
            break
        }
        'kubectl-sa;help;bindings' {
            break
        }
        'kubectl-sa;help;list' {
            break
        }
        'kubectl-sa;help;audit' {
            break
        }
        'kubectl-sa;help;paths' {
            break
        }
        'kubectl-sa;help;diff' {
            break
        }
        'kubectl-sa;help;report' {
            break
        }
        'kubectl-sa;help;token' {
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its signature is neither checked nor printed')
            break
        }
        'kubectl-sa;help;token;inspect' {
            break
        }
        'kubectl-sa;help;usage' {
            break
        }
        'kubectl-sa;help;version' {
            break
        }
        'kubectl-sa;help;completion' {
            break
        }
        'kubectl-sa;help;man' {
            break
        }
        'kubectl-sa;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
