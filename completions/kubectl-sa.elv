
use builtin;
use str;

set edit:completion:arg-completer[kubectl-sa] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'kubectl-sa'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'kubectl-sa'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand who-can 'List every subject and ServiceAccount that may make a request, with the binding -> role -> rule granting it'
            cand explain 'Explain whether a ServiceAccount may make a request, and which bindings allow it'
            cand matrix 'The who-can-do-what matrix of a ServiceAccount (resources x verbs), or of every ServiceAccount for one resource (--resource), computed from the rules without an API call per cell'
            cand bindings 'Every binding that applies to a ServiceAccount and how (directly, by group, by User alias), with its role and rules, as a tree; -o dot or -o mermaid draw it'
            cand list 'Every ServiceAccount: whether it exists, the pods that use it, automount, its tokens (projected, legacy Secrets), its cloud identity, how many bindings reach it and its highest audit severity'
            cand audit 'Audit every ServiceAccount against the risky-permission catalogue (SA-01 ... SA-27) with the exact RBAC engine: severity, CIS id, scope, binding -> role -> rule, why, and the least-privilege alternative'
            cand token 'ServiceAccount tokens: `token inspect` decodes one locally'
            cand usage 'What each ServiceAccount really did (Kubernetes audit logs) against what it is granted; --suggest writes the least privilege that covers it'
            cand version 'Print the version, the commit and the Kubernetes API version it was built against'
            cand completion 'Print a shell completion script for the kubectl-sa binary; `kubectl sa <TAB>` itself is completed by kubectl through kubectl_complete-sa (see the README, Shell completion)'
            cand man 'Print the man page (roff), or write every page into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-sa;who-can'= {
            cand --subresource 'Subresource, as an alternative to RESOURCE/SUBRESOURCE'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -A 'Across all namespaces'
            cand --all-namespaces 'Across all namespaces'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-sa;explain'= {
            cand --subresource 'Subresource, as an alternative to RESOURCE/SUBRESOURCE'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --as-group 'A group the identity carries besides the ServiceAccount''s three (as an authenticating proxy or impersonation could add), e.g. system:masters. Repeatable'
            cand --object 'The object of a create/update/patch (YAML or JSON), for objectSelector, PodSecurity and --dry-run'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -A 'Across all namespaces'
            cand --all-namespaces 'Across all namespaces'
            cand --fix 'Print only the least-privilege Role/ClusterRole and binding YAML that would allow exactly this request'
            cand --no-server-check 'Skip the SubjectAccessReview that asks the live API server for its own decision'
            cand --dry-run 'Live: perform the request server-side as the ServiceAccount with dryRun=All (impersonating it) and report the real authorization and admission outcome. Needs permission to impersonate the ServiceAccount'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-sa;matrix'= {
            cand --resource 'One resource, with ServiceAccounts as rows (everyone that holds anything on it)'
            cand --verbs 'Verbs as columns: a comma-separated list, or `all` for the standard verbs plus bind, escalate, impersonate, use, approve'
            cand -o 'o'
            cand --output 'output'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand --subresources 'Also rows for dangerous subresources: pods/exec, pods/log, pods/attach, pods/portforward, pods/ephemeralcontainers, serviceaccounts/token, nodes/proxy, */scale, */status'
            cand --all-sas 'Without a ServiceAccount: the matrix of every ServiceAccount of the namespace (-A: of the cluster). With --resource: also ServiceAccounts that hold nothing on it'
            cand -A 'Across all namespaces: cells say where (cluster-wide or which namespaces)'
            cand --all-namespaces 'Across all namespaces: cells say where (cluster-wide or which namespaces)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-sa;bindings'= {
            cand -o 'o'
            cand --output 'output'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-sa;list'= {
            cand --sort 'sort'
            cand -o 'o'
            cand --output 'output'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -A 'ServiceAccounts of every namespace'
            cand --all-namespaces 'ServiceAccounts of every namespace'
            cand --unused 'Only ServiceAccounts no pod runs as'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-sa;audit'= {
            cand --privileged-namespaces 'Namespaces whose workloads count as privileged (default: kube-system); namespaces whose ServiceAccounts hold CRITICAL findings are always added. Comma-separated'
            cand --baseline 'Hide the findings recorded in this baseline file (written by --write-baseline)'
            cand --write-baseline 'Write the findings shown (after -n/-A, SA and --baseline) to FILE as a baseline'
            cand --fail-on 'Exit with status 3 when a finding at or above this severity remains (for CI pipelines)'
            cand --min-severity 'Show only findings at or above this severity'
            cand -o 'o'
            cand --output 'output'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -A 'ServiceAccounts of every namespace (else those of -n, or of the context''s namespace)'
            cand --all-namespaces 'ServiceAccounts of every namespace (else those of -n, or of the context''s namespace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-sa;token'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand inspect 'Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its signature is neither checked nor printed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-sa;token;inspect'= {
            cand -o 'o'
            cand --output 'output'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand --offline 'Do not read the cluster for the RBAC summary (snapshots given with -f are still read)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-sa;token;help'= {
            cand inspect 'Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its signature is neither checked nor printed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-sa;token;help;inspect'= {
        }
        &'kubectl-sa;token;help;help'= {
        }
        &'kubectl-sa;usage'= {
            cand --audit-log 'Audit log files (JSON lines, audit.k8s.io/v1 Events; plain or gzip), directories, or - for stdin'
            cand --since 'Only events at or after this time: RFC 3339 (2026-11-01T00:00:00Z) or a duration ago (24h, 30m, 7d)'
            cand --until 'Only events at or before this time (same forms as --since)'
            cand -o 'o'
            cand --output 'output'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand --suggest 'Print the least-privilege Role/ClusterRole and bindings that cover exactly the allowed requests, with what could be removed and why the forbidden ones failed (as YAML comments)'
            cand --offline 'Read only the logs: no cluster or snapshot, so no grants-vs-use comparison'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-sa;version'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-sa;completion'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-sa;man'= {
            cand --dir 'Write every page (kubectl-sa.1 and one per subcommand) into this directory instead of printing the main page'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)'
            cand --context 'The kubeconfig context to use'
            cand --cluster 'The kubeconfig cluster to use'
            cand --user 'The kubeconfig user to use'
            cand -n 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --namespace 'Namespace of the request (default: the context''s namespace, else "default")'
            cand --request-timeout 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever'
            cand --chunk-size 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]'
            cand -f 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --filename 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests'
            cand --color 'When to color output: auto (terminal and NO_COLOR unset), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-sa;help'= {
            cand who-can 'List every subject and ServiceAccount that may make a request, with the binding -> role -> rule granting it'
            cand explain 'Explain whether a ServiceAccount may make a request, and which bindings allow it'
            cand matrix 'The who-can-do-what matrix of a ServiceAccount (resources x verbs), or of every ServiceAccount for one resource (--resource), computed from the rules without an API call per cell'
            cand bindings 'Every binding that applies to a ServiceAccount and how (directly, by group, by User alias), with its role and rules, as a tree; -o dot or -o mermaid draw it'
            cand list 'Every ServiceAccount: whether it exists, the pods that use it, automount, its tokens (projected, legacy Secrets), its cloud identity, how many bindings reach it and its highest audit severity'
            cand audit 'Audit every ServiceAccount against the risky-permission catalogue (SA-01 ... SA-27) with the exact RBAC engine: severity, CIS id, scope, binding -> role -> rule, why, and the least-privilege alternative'
            cand token 'ServiceAccount tokens: `token inspect` decodes one locally'
            cand usage 'What each ServiceAccount really did (Kubernetes audit logs) against what it is granted; --suggest writes the least privilege that covers it'
            cand version 'Print the version, the commit and the Kubernetes API version it was built against'
            cand completion 'Print a shell completion script for the kubectl-sa binary; `kubectl sa <TAB>` itself is completed by kubectl through kubectl_complete-sa (see the README, Shell completion)'
            cand man 'Print the man page (roff), or write every page into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-sa;help;who-can'= {
        }
        &'kubectl-sa;help;explain'= {
        }
        &'kubectl-sa;help;matrix'= {
        }
        &'kubectl-sa;help;bindings'= {
        }
        &'kubectl-sa;help;list'= {
        }
        &'kubectl-sa;help;audit'= {
        }
        &'kubectl-sa;help;token'= {
            cand inspect 'Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its signature is neither checked nor printed'
        }
        &'kubectl-sa;help;token;inspect'= {
        }
        &'kubectl-sa;help;usage'= {
        }
        &'kubectl-sa;help;version'= {
        }
        &'kubectl-sa;help;completion'= {
        }
        &'kubectl-sa;help;man'= {
        }
        &'kubectl-sa;help;help'= {
        }
    ]
    $completions[$command]
}
