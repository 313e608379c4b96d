# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_sa_global_optspecs
    string join \n kubeconfig= context= cluster= user= s/server= token= certificate-authority= client-certificate= client-key= insecure-skip-tls-verify tls-server-name= n/namespace= request-timeout= chunk-size= f/filename= color= h/help V/version
end

function __fish_kubectl_sa_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_sa_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_sa_using_subcommand
    set -l cmd (__fish_kubectl_sa_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -s h -l help -d 'Print help'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "who-can" -d 'List every subject and ServiceAccount that may make a request, with the binding -> role -> rule granting it'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "explain" -d 'Explain whether a ServiceAccount or user may make a request: authentication, authorization (which bindings allow it, or the near misses) and admission'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "matrix" -d 'The who-can-do-what matrix of a ServiceAccount (resources x verbs), or of every ServiceAccount for one resource (--resource), computed from the rules without an API call per cell'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "bindings" -d 'Every binding that applies to a ServiceAccount and how (directly, by group, by User alias), with its role and rules, as a tree; -o dot or -o mermaid draw it'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "list" -d 'Every ServiceAccount: whether it exists, the pods that use it, automount, its tokens (projected, legacy Secrets), its cloud identity, how many bindings reach it and its highest audit severity'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "audit" -d 'Audit every ServiceAccount against the risky-permission catalogue (SA-01 ... SA-29) with the exact RBAC engine: severity, CIS id, scope, binding -> role -> rule, why, and the least-privilege alternative'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "paths" -d 'How a ServiceAccount could become more powerful: its shortest path (or every path) to a target, each step a documented technique whose preconditions are exact RBAC requests'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "diff" -d 'What an RBAC change grants and takes away, per subject: the requests each may make after and not before, and the reverse, as rule-shaped entries with the bindings that cause them'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "report" -d 'One self-contained HTML page for people who do not run kubectl: an overview, every audit finding and every ServiceAccount, filterable and searchable, with a link for each; it makes no network request'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "token" -d 'ServiceAccount tokens: `token inspect` decodes one locally'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "usage" -d 'What each ServiceAccount really did (Kubernetes audit logs) against what it is granted; --suggest writes the least privilege that covers it'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "version" -d 'Print the version, the commit and the Kubernetes API version it was built against'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "completion" -d 'Print a shell completion script for the kubectl-sa binary; `kubectl sa <TAB>` itself is completed by kubectl through kubectl_complete-sa (see the README, Shell completion)'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "man" -d 'Print the man page (roff), or write every page into a directory'
complete -c kubectl-sa -n "__fish_kubectl_sa_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l subresource -d 'Subresource, as an alternative to RESOURCE/SUBRESOURCE (several segments are allowed: a/b)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l group -d 'The API group, given apart: RESOURCE is then taken whole, dots included (e.g. --group projectcalico.org tier.networkpolicies); --group "" is the core group' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -s o -l output -d 'Output format' -r -f -a "wide\t'More columns: the granting rule'
json\t''
yaml\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -s A -l all-namespaces -d 'Across all namespaces (namespace ""); for who-can: in any namespace, each grant with its scope'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l cluster-scope -d 'Ask at cluster scope (namespace "") whatever the resource: for a cluster-scoped resource the catalogue does not know, or a namespaced one across all namespaces (only ClusterRoleBindings count)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand who-can" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l as -d 'Evaluate for this user (system:serviceaccount:NS:NAME for a ServiceAccount), as `kubectl auth can-i --as`: its groups are --as-group plus system:authenticated' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l as-group -d 'A group of the evaluated identity (repeatable): with --as, its groups; with a ServiceAccount, a group besides its three (as an authenticating proxy could add), e.g. system:masters' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l as-uid -d 'The uid of the evaluated identity (sent in the server\'s SubjectAccessReview)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l subresource -d 'Subresource, as an alternative to RESOURCE/SUBRESOURCE (several segments are allowed: a/b)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l group -d 'The API group, given apart: RESOURCE is then taken whole, dots included (e.g. --group projectcalico.org tier.networkpolicies); --group "" is the core group' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -s o -l output -d 'Output format' -r -f -a "wide\t'More columns: the granting rule'
json\t''
yaml\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l object -d 'The object of a create/update/patch (YAML or JSON), for objectSelector, PodSecurity and --dry-run' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -s A -l all-namespaces -d 'Across all namespaces (namespace ""); for who-can: in any namespace, each grant with its scope'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l cluster-scope -d 'Ask at cluster scope (namespace "") whatever the resource: for a cluster-scoped resource the catalogue does not know, or a namespaced one across all namespaces (only ClusterRoleBindings count)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l fix -d 'Print only the least-privilege Role/ClusterRole and binding YAML that would allow exactly this request'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l no-server-check -d 'Skip the SubjectAccessReview that asks the live API server for its own decision'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l dry-run -d 'Live: perform the request server-side as the evaluated identity with dryRun=All (impersonating it) and report the real authorization and admission outcome. Needs permission to impersonate it'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l as -d 'Evaluate for this user (system:serviceaccount:NS:NAME for a ServiceAccount), as `kubectl auth can-i --as`: its groups are --as-group plus system:authenticated' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l as-group -d 'A group of the evaluated identity (repeatable): with --as, its groups; with a ServiceAccount, a group besides its three (as an authenticating proxy could add), e.g. system:masters' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l as-uid -d 'The uid of the evaluated identity (sent in the server\'s SubjectAccessReview)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l resource -d 'One resource, with ServiceAccounts as rows (everyone that holds anything on it)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l verbs -d 'Verbs as columns: a comma-separated list, or `all` for the standard verbs plus bind, escalate, impersonate, use, approve' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -s o -l output -r -f -a "wide\t'Names for `some` cells and namespaces for -A'
json\t''
yaml\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l subresources -d 'Also rows for dangerous subresources: pods/exec, pods/log, pods/attach, pods/portforward, pods/ephemeralcontainers, serviceaccounts/token, nodes/proxy, */scale, */status'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l all-sas -d 'Without a ServiceAccount: the matrix of every ServiceAccount of the namespace (-A: of the cluster). With --resource: also ServiceAccounts that hold nothing on it'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -s A -l all-namespaces -d 'Across all namespaces: cells say where (cluster-wide or which namespaces)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand matrix" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l as -d 'Evaluate for this user (system:serviceaccount:NS:NAME for a ServiceAccount), as `kubectl auth can-i --as`: its groups are --as-group plus system:authenticated' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l as-group -d 'A group of the evaluated identity (repeatable): with --as, its groups; with a ServiceAccount, a group besides its three (as an authenticating proxy could add), e.g. system:masters' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l as-uid -d 'The uid of the evaluated identity (sent in the server\'s SubjectAccessReview)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -s o -l output -r -f -a "json\t''
yaml\t''
dot\t'Graphviz: ServiceAccount -> bindings -> roles -> rules'
mermaid\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand bindings" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l sort -r -f -a "name\t'Namespace, then name'
risk\t'Highest audit severity first'"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -s o -l output -r -f -a "wide\t'Token and cloud identity details, warnings'
json\t''
yaml\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -s A -l all-namespaces -d 'ServiceAccounts of every namespace'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l unused -d 'Only ServiceAccounts no pod runs as'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l privileged-namespaces -d 'Namespaces whose workloads count as privileged (default: kube-system); namespaces whose ServiceAccounts hold CRITICAL findings are always added. Comma-separated' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l baseline -d 'Hide the findings recorded in this baseline file (written by --write-baseline)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l write-baseline -d 'Write the findings shown (after -n/-A, SA and --baseline) to FILE as a baseline' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l fail-on -d 'Exit with status 3 when a finding at or above this severity remains (for CI pipelines)' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l min-severity -d 'Show only findings at or above this severity' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -s o -l output -r -f -a "wide\t'Every granting chain and escalation'
json\t''
yaml\t''
sarif\t'SARIF 2.1.0 for code-scanning UIs'"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -s A -l all-namespaces -d 'ServiceAccounts of every namespace (else those of -n, or of the context\'s namespace)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l to -d '`cluster-admin`, or a request in who-can\'s grammar, quoted: \'get secrets -n kube-system\'' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l max-steps -d 'The longest path searched, in steps' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -s o -l output -r -f -a "json\t''
yaml\t''
dot\t'Graphviz: identities as nodes, techniques as edges'
mermaid\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -s A -l all-namespaces -d 'Start from every ServiceAccount of the cluster'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l all-paths -d 'Every path up to --max-steps, not only the shortest (with a ServiceAccount)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand paths" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l before -d 'The state before: snapshot files, directories or `-` (as -f takes them); left out, the live cluster' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l after -d 'The state after: snapshot files. Without --before, they are laid over the live cluster (an object of the same kind, namespace and name replaces the live one), unless --replace' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l fail-on -d 'Exit with status 3 when the change adds a finding at or above this severity (for pull-request gates)' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -s o -l output -r -f -a "json\t''
yaml\t''
markdown\t'A pull-request comment'
sarif\t'The findings the change adds, for code-scanning upload'"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l replace -d 'Without --before: the files are the whole new state, not a change laid over the live cluster'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -s o -l output -r -f -a "html\t'The page (the default)'
json\t'The data the page embeds'"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l output-file -d 'Write the report to FILE instead of standard output' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -s A -l all-namespaces -d 'ServiceAccounts of every namespace'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -s h -l help -d 'Print help'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -f -a "inspect" -d 'Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its signature is neither checked nor printed'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and not __fish_seen_subcommand_from inspect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -s o -l output -r -f -a "json\t''
yaml\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l offline -d 'Do not read the cluster for the RBAC summary (snapshots given with -f are still read)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its signature is neither checked nor printed'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l audit-log -d 'Audit log files (JSON lines, audit.k8s.io/v1 Events; plain or gzip), directories, or - for stdin' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l since -d 'Only events at or after this time: RFC 3339 (2026-11-01T00:00:00Z) or a duration ago (24h, 30m, 7d)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l until -d 'Only events at or before this time (same forms as --since)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -s o -l output -r -f -a "json\t''
yaml\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l suggest -d 'Print the least-privilege Role/ClusterRole and bindings that cover exactly the allowed requests, with what could be removed and why the forbidden ones failed (as YAML comments)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l offline -d 'Read only the logs: no cluster or snapshot, so no grants-vs-use comparison'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand usage" -s h -l help -d 'Print help'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand version" -s h -l help -d 'Print help'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l dir -d 'Write every page (kubectl-sa.1 and one per subcommand) into this directory instead of printing the main page' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config)' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -s s -l server -d 'The address and port of the Kubernetes API server (overrides the kubeconfig\'s; works without one)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l token -d 'Bearer token for authentication to the API server (overrides the kubeconfig user\'s; never printed)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l tls-server-name -d 'Server name to use for server certificate validation (default: the server\'s host name)' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -s n -l namespace -d 'Namespace of the request (default: the context\'s namespace, else "default")' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l request-timeout -d 'Time to wait for each API request, e.g. 10s, 1m; 0 waits forever' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l chunk-size -d 'Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles, 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts, Namespaces, Roles, ClusterRoles and their bindings]' -r
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -s f -l filename -d 'Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin. Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests' -r -F
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l color -d 'When to color output: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand man" -s h -l help -d 'Print help'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "who-can" -d 'List every subject and ServiceAccount that may make a request, with the binding -> role -> rule granting it'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "explain" -d 'Explain whether a ServiceAccount or user may make a request: authentication, authorization (which bindings allow it, or the near misses) and admission'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "matrix" -d 'The who-can-do-what matrix of a ServiceAccount (resources x verbs), or of every ServiceAccount for one resource (--resource), computed from the rules without an API call per cell'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "bindings" -d 'Every binding that applies to a ServiceAccount and how (directly, by group, by User alias), with its role and rules, as a tree; -o dot or -o mermaid draw it'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "list" -d 'Every ServiceAccount: whether it exists, the pods that use it, automount, its tokens (projected, legacy Secrets), its cloud identity, how many bindings reach it and its highest audit severity'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "audit" -d 'Audit every ServiceAccount against the risky-permission catalogue (SA-01 ... SA-29) with the exact RBAC engine: severity, CIS id, scope, binding -> role -> rule, why, and the least-privilege alternative'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "paths" -d 'How a ServiceAccount could become more powerful: its shortest path (or every path) to a target, each step a documented technique whose preconditions are exact RBAC requests'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "diff" -d 'What an RBAC change grants and takes away, per subject: the requests each may make after and not before, and the reverse, as rule-shaped entries with the bindings that cause them'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "report" -d 'One self-contained HTML page for people who do not run kubectl: an overview, every audit finding and every ServiceAccount, filterable and searchable, with a link for each; it makes no network request'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "token" -d 'ServiceAccount tokens: `token inspect` decodes one locally'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "usage" -d 'What each ServiceAccount really did (Kubernetes audit logs) against what it is granted; --suggest writes the least privilege that covers it'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "version" -d 'Print the version, the commit and the Kubernetes API version it was built against'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "completion" -d 'Print a shell completion script for the kubectl-sa binary; `kubectl sa <TAB>` itself is completed by kubectl through kubectl_complete-sa (see the README, Shell completion)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "man" -d 'Print the man page (roff), or write every page into a directory'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and not __fish_seen_subcommand_from who-can explain matrix bindings list audit paths diff report token usage version completion man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sa -n "__fish_kubectl_sa_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "inspect" -d 'Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its signature is neither checked nor printed'
