//! The risky-permission catalogue (docs/catalogue.md): what each entry means, why it is dangerous,
//! and the least-privilege alternative. The matching itself is in [`super`].

/// One catalogue entry.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    /// CIS Kubernetes Benchmark control, where one exists.
    pub cis: Option<&'static str>,
    /// Why it is dangerous, in one sentence.
    pub why: &'static str,
    /// The least-privilege alternative.
    pub remediation: &'static str,
}

pub const CHECKS: &[Check] = &[
    Check {
        id: "SA-01",
        title: "Full control: * verbs on * resources in * API groups (or cluster-admin)",
        cis: Some("5.1.1"),
        why: "full control of the cluster (through a RoleBinding: of the namespace)",
        remediation: "bind a role listing only the verbs and resources the workload uses (see `kubectl sa usage` / \
                      `explain --fix`); keep cluster-admin for break-glass humans",
    },
    Check {
        id: "SA-02",
        title: "Wildcard (*) in verbs, resources or apiGroups",
        cis: Some("5.1.3"),
        why: "a wildcard silently covers resource types, subresources and verbs added later",
        remediation: "replace each * with the explicit verbs, API groups and resources needed",
    },
    Check {
        id: "SA-03",
        title: "get secrets",
        cis: Some("5.1.2"),
        why: "reads any secret in scope, including legacy token Secrets of more powerful ServiceAccounts",
        remediation: "limit the rule to the Secrets it needs with resourceNames, in its own namespace only; or mount \
                      the Secret into the pod instead of reading it through the API",
    },
    Check {
        id: "SA-04",
        title: "list or watch secrets",
        cis: Some("5.1.2"),
        why: "list and watch return the full contents of every secret in scope",
        remediation: "use get with resourceNames on the Secrets needed instead of list/watch",
    },
    Check {
        id: "SA-05",
        title: "create/update/patch secrets where powerful ServiceAccounts live",
        cis: None,
        why: "a kubernetes.io/service-account-token Secret created there gets a non-expiring token of a powerful \
              ServiceAccount",
        remediation: "do not grant secret writes in namespaces that hold powerful ServiceAccounts; move those \
                      ServiceAccounts to a namespace of their own",
    },
    Check {
        id: "SA-06",
        title: "create pods",
        cis: Some("5.1.4"),
        why: "a new pod can run as any ServiceAccount of its namespace and mount its Secrets; a privileged pod \
              reaches the node",
        remediation: "let a controller (Deployment, Job) create pods; grant create pods only in namespaces without \
                      powerful ServiceAccounts and enforce PodSecurity restricted there",
    },
    Check {
        id: "SA-07",
        title: "create/update/patch workload controllers (deployments, daemonsets, statefulsets, replicasets, jobs, \
                cronjobs, replicationcontrollers)",
        cis: Some("5.1.4"),
        why: "a controller creates pods for you: the same as create pods (any ServiceAccount of the namespace)",
        remediation: "grant workload writes only in the application's namespace, without powerful ServiceAccounts, \
                      with PodSecurity restricted; use resourceNames for the workloads it manages",
    },
    Check {
        id: "SA-08",
        title: "update/patch pods",
        cis: None,
        why: "swapping the image of a running pod runs any code as that pod's (possibly powerful) ServiceAccount",
        remediation: "drop update/patch on pods; change workloads through their controllers",
    },
    Check {
        id: "SA-09",
        title: "exec or attach into pods (create pods/exec, pods/attach)",
        cis: None,
        why: "runs commands in existing pods, with their ServiceAccount tokens and Secrets",
        remediation: "remove pods/exec and pods/attach from workload roles; give humans short-lived access instead",
    },
    Check {
        id: "SA-10",
        title: "update/patch pods/ephemeralcontainers",
        cis: None,
        why: "injects a (privileged) debug container into a running pod",
        remediation: "remove pods/ephemeralcontainers from workload roles",
    },
    Check {
        id: "SA-11",
        title: "nodes/proxy (get or create)",
        cis: Some("5.1.10"),
        why: "the kubelet API behind nodes/proxy runs commands in every pod of the node, bypassing audit and admission \
              (get alone is enough for websocket exec)",
        remediation: "remove nodes/proxy; for metrics use nodes/metrics or the /metrics endpoints",
    },
    Check {
        id: "SA-12",
        title: "create persistentvolumes",
        cis: Some("5.1.9"),
        why: "a hostPath PersistentVolume exposes the node's filesystem to a pod",
        remediation: "create PersistentVolumeClaims against a StorageClass instead",
    },
    Check {
        id: "SA-13",
        title: "escalate on roles/clusterroles",
        cis: Some("5.1.8"),
        why: "writes roles with permissions the ServiceAccount does not hold",
        remediation: "remove the escalate verb",
    },
    Check {
        id: "SA-14",
        title: "bind on roles/clusterroles",
        cis: Some("5.1.8"),
        why: "with create on (cluster)rolebindings, binds itself to any role it may bind, such as cluster-admin",
        remediation: "remove bind, or limit it with resourceNames to the roles it must hand out",
    },
    Check {
        id: "SA-15",
        title: "create/update/patch roles, clusterroles, rolebindings, clusterrolebindings",
        cis: Some("5.1.8"),
        why: "RBAC self-management: only the escalation checks stand between it and more power",
        remediation: "manage RBAC from CI with a human-approved pipeline, not from a workload",
    },
    Check {
        id: "SA-16",
        title: "impersonate users, groups, serviceaccounts, userextras or uids",
        cis: Some("5.1.8"),
        why: "acts as any identity in scope, including system:masters",
        remediation: "remove impersonate, or limit it with resourceNames to the identities it must act as",
    },
    Check {
        id: "SA-17",
        title: "create CSRs, approve them (certificatesigningrequests/approval) and approve for signers",
        cis: Some("5.1.11"),
        why: "issues client certificates for any identity, including system:masters",
        remediation: "split requesting and approving between different identities; limit approve to named signers",
    },
    Check {
        id: "SA-18",
        title: "create serviceaccounts/token",
        cis: Some("5.1.13"),
        why: "mints tokens for any ServiceAccount in scope and so gets their permissions",
        remediation: "remove it, or limit it with resourceNames to ServiceAccounts that hold nothing powerful",
    },
    Check {
        id: "SA-19",
        title: "create/update/patch admission webhooks or admission policies",
        cis: Some("5.1.12"),
        why: "a webhook sees and can rewrite every admitted object, including Secrets and pods",
        remediation: "manage admission configuration from CI, not from workloads",
    },
    Check {
        id: "SA-20",
        title: "update/patch namespaces",
        cis: None,
        why: "relabels a namespace: relaxes its PodSecurity level or escapes NetworkPolicy namespace selectors",
        remediation: "remove update/patch on namespaces from workload roles",
    },
    Check {
        id: "SA-21",
        title: "delete or evict pods, and patch/update nodes",
        cis: None,
        why: "taints or cordons nodes and evicts pods so powerful pods reschedule onto a compromised node",
        remediation: "do not combine node writes with pod deletion in one identity",
    },
    Check {
        id: "SA-22",
        title: "update/patch nodes/status, pods/status or services/status",
        cis: None,
        why: "forges status: scheduling decisions and Service load-balancer addresses (CVE-2020-8554)",
        remediation: "leave status writes to the controllers and kubelets that own them",
    },
    Check {
        id: "SA-23",
        title: "update/patch ConfigMap aws-auth in kube-system",
        cis: None,
        why: "maps any AWS identity to system:masters on EKS",
        remediation: "manage aws-auth (or EKS access entries) outside the cluster; never grant it to workloads",
    },
    Check {
        id: "SA-24",
        title: "the namespace's default ServiceAccount used by pods or with its token automounted",
        cis: Some("5.1.5, 5.1.6"),
        why: "a shared identity: every pod without a ServiceAccount gets its token and its permissions",
        remediation: "set automountServiceAccountToken: false on the default ServiceAccount and give each workload \
                      its own ServiceAccount",
    },
    Check {
        id: "SA-25",
        title: "binding to system:masters, system:authenticated or system:unauthenticated",
        cis: Some("5.1.7"),
        why: "grants the role to every identity at once (every ServiceAccount, user and, for unauthenticated, \
              anonymous requests)",
        remediation: "bind the role to the ServiceAccounts or groups that need it",
    },
    Check {
        id: "SA-26",
        title: "create/update/patch/delete customresourcedefinitions",
        cis: None,
        why: "controls cluster extensions: deleting a CRD deletes every object of that type",
        remediation: "manage CRDs from CI, not from workloads",
    },
    Check {
        id: "SA-27",
        title: "mapped to a cloud identity",
        cis: None,
        why: "anyone who runs a pod as this ServiceAccount or mints its token pivots from the cluster into the cloud \
              account",
        remediation: "give the cloud role only what the workload needs, and keep create pods / serviceaccounts/token \
                      in this namespace to trusted identities",
    },
    Check {
        id: "SA-28",
        title: "cloud trust admits every ServiceAccount or any audience",
        cis: None,
        why: "an IAM trust policy with a wildcard (or no condition) on sub lets whoever can create a ServiceAccount, or \
              run a pod as any one, assume the role; without an aud condition any audience the provider accepts works",
        remediation: "name the ServiceAccount exactly (StringEquals on ISSUER:sub system:serviceaccount:NS:NAME) and \
                      require ISSUER:aud sts.amazonaws.com",
    },
    Check {
        id: "SA-29",
        title: "workload identity mapped on one side only",
        cis: None,
        why: "the ServiceAccount names a cloud identity that does not trust it (broken IRSA, a missing federated \
              credential or workloadIdentityUser grant), or an association overrides its annotation: the workload \
              fails or runs with another identity than its manifest says",
        remediation: "make the trust name exactly this ServiceAccount (or remove the stale annotation or association)",
    },
];

/// The entry with this id.
pub fn check(id: &str) -> &'static Check {
    CHECKS.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("unknown catalogue id {id}"))
}
