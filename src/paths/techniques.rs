//! The escalation techniques: stable IDs, and for each the successors of a state (candidates from the actor's
//! rules, each confirmed with exact requests by [`Actor::allows`]).

use serde::Serialize;

use super::{Actor, Edge, Graph, Held, Identity, IdentityKind, ImpersonationMode, State};
use crate::model::request::MASTERS_GROUP;
use crate::rbac::Request;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Technique {
    #[serde(rename = "P-IMP-USER")]
    ImpersonateUser,
    #[serde(rename = "P-IMP-GROUP")]
    ImpersonateGroup,
    #[serde(rename = "P-IMP-SA")]
    ImpersonateServiceAccount,
    #[serde(rename = "P-CIMP-USER-INFO")]
    ConstrainedUserInfo,
    #[serde(rename = "P-CIMP-SA")]
    ConstrainedServiceAccount,
    #[serde(rename = "P-CIMP-ARBITRARY-NODE")]
    ConstrainedArbitraryNode,
    #[serde(rename = "P-TOKEN-REQUEST")]
    TokenRequest,
    #[serde(rename = "P-SECRET-READ")]
    SecretRead,
    #[serde(rename = "P-SECRET-CREATE")]
    SecretCreate,
    #[serde(rename = "P-POD-CREATE")]
    PodCreate,
    #[serde(rename = "P-WORKLOAD-CREATE")]
    WorkloadCreate,
    #[serde(rename = "P-POD-EXEC")]
    PodExec,
    #[serde(rename = "P-POD-ATTACH")]
    PodAttach,
    #[serde(rename = "P-POD-EPHEMERAL")]
    PodEphemeral,
    #[serde(rename = "P-NODE-PROXY")]
    NodeProxy,
    #[serde(rename = "P-NODE-SA-TOKEN")]
    NodeServiceAccountToken,
    #[serde(rename = "P-RBAC-BIND")]
    RbacBind,
    #[serde(rename = "P-RBAC-ESCALATE")]
    RbacEscalate,
    #[serde(rename = "P-CSR-CLIENT")]
    CsrClient,
    #[serde(rename = "P-CSR-KUBELET")]
    CsrKubelet,
    #[serde(rename = "P-AWS-AUTH")]
    AwsAuth,
}

/// Workload controllers whose pods run as a ServiceAccount their spec names: (group, resource).
pub const WORKLOADS: &[(&str, &str)] = &[
    ("apps", "deployments"),
    ("apps", "replicasets"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
];

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";
const AUTHN_GROUP: &str = "authentication.k8s.io";
const CSR_GROUP: &str = "certificates.k8s.io";
const CLIENT_SIGNER: &str = "kubernetes.io/kube-apiserver-client";
const KUBELET_SIGNER: &str = "kubernetes.io/kube-apiserver-client-kubelet";
/// The name kubectl-sa gives the objects a step creates (CSRs, Secrets, bindings).
pub const OBJECT_NAME: &str = "kubectl-sa-path";

/// The exact requests a step needs, all of them allowed; the first one's grant is the step's grant.
pub fn preconditions(technique: Technique, to: &State, e: &Edge) -> Vec<Request> {
    use Technique::*;
    let r = Request::resource;
    let (ns, name) = (e.namespace.as_str(), e.name.as_str());
    match technique {
        ImpersonateUser => vec![r("impersonate", "", "users", "", &to.identity.name, "")],
        ImpersonateGroup => vec![
            r("impersonate", "", "groups", "", &to.identity.name, ""),
            r("impersonate", "", "users", "", &to.identity.user, ""),
        ],
        ImpersonateServiceAccount => {
            vec![r("impersonate", "", "serviceaccounts", "", &to.identity.name, &to.identity.namespace)]
        }
        ConstrainedUserInfo => vec![r("impersonate:user-info", AUTHN_GROUP, "users", "", &to.identity.name, "")],
        ConstrainedServiceAccount => vec![r(
            "impersonate:serviceaccount",
            AUTHN_GROUP,
            "serviceaccounts",
            "",
            &to.identity.name,
            &to.identity.namespace,
        )],
        ConstrainedArbitraryNode => {
            vec![r("impersonate:arbitrary-node", AUTHN_GROUP, "nodes", "", &to.identity.name, "")]
        }
        TokenRequest => vec![r("create", "", "serviceaccounts", "token", &to.identity.name, &to.identity.namespace)],
        SecretRead => match e.variant.as_str() {
            "list" => vec![r("list", "", "secrets", "", "", ns)],
            _ => vec![r("get", "", "secrets", "", name, ns)],
        },
        SecretCreate => vec![r("create", "", "secrets", "", "", ns), r("get", "", "secrets", "", name, ns)],
        PodCreate => vec![r("create", "", "pods", "", "", ns)],
        WorkloadCreate => {
            let (group, resource) = WORKLOADS.iter().find(|(_, res)| *res == e.variant).copied().unwrap_or(("", ""));
            vec![r("create", group, resource, "", "", ns)]
        }
        PodExec => vec![r("create", "", "pods", "exec", name, ns)],
        PodAttach => vec![r("create", "", "pods", "attach", name, ns)],
        PodEphemeral => vec![r(&e.variant, "", "pods", "ephemeralcontainers", name, ns)],
        NodeProxy => vec![r(&e.variant, "", "nodes", "proxy", name, "")],
        NodeServiceAccountToken => Vec::new(),
        RbacBind => match ns {
            "" => vec![
                r("bind", RBAC_GROUP, "clusterroles", "", name, ""),
                r("create", RBAC_GROUP, "clusterrolebindings", "", "", ""),
            ],
            _ => vec![
                r("bind", RBAC_GROUP, &e.variant, "", name, ns),
                r("create", RBAC_GROUP, "rolebindings", "", "", ns),
            ],
        },
        RbacEscalate => {
            let resource = if ns.is_empty() { "clusterroles" } else { "roles" };
            let mut needs = vec![
                r("escalate", RBAC_GROUP, resource, "", name, ns),
                r(&e.variant, RBAC_GROUP, resource, "", name, ns),
            ];
            // `kubectl patch` reads the object first; the update is made with `kubectl replace --raw`, which does not.
            if e.variant == "patch" {
                needs.push(r("get", RBAC_GROUP, resource, "", name, ns));
            }
            needs
        }
        CsrClient | CsrKubelet => {
            vec![
                r("approve", CSR_GROUP, "signers", "", &e.variant, ""),
                r("create", CSR_GROUP, "certificatesigningrequests", "", "", ""),
                r("update", CSR_GROUP, "certificatesigningrequests", "approval", name, ""),
                r("get", CSR_GROUP, "certificatesigningrequests", "", name, ""),
            ]
        }
        AwsAuth => vec![r(&e.variant, "", "configmaps", "", "aws-auth", "kube-system")],
    }
}

/// Every edge out of state `s`, each confirmed with its exact preconditions.
pub fn successors(graph: &mut Graph, s: usize) -> Vec<Edge> {
    let state = graph.states[s].clone();
    let actor = Actor::new(graph, &state);
    let mut candidates: Vec<(Technique, State, String, String, String)> = Vec::new();
    let held = |identity: Identity| State { identity, held: Held::Credential, augmented: None };
    let impersonated =
        |identity: Identity, mode| State { identity, held: Held::Impersonated { by: s, mode }, augmented: None };
    let may_impersonate = state.held == Held::Credential;
    // Cheap guards from the actor's rules: most identities hold none of these, and the loops below are long.
    let anywhere = |verb: &str, group: &str, resource: &str, sub: &str, namespaced: bool| {
        let a = actor.access(verb, group, resource, sub, namespaced);
        a.cluster || !a.namespaces.is_empty() || !a.names.is_empty()
    };
    let cluster = graph.cluster;
    let world = &graph.world;
    let all_namespaces = |a: &crate::rbac::access::Access| -> Vec<String> {
        if a.cluster { world.namespaces.iter().cloned().collect() } else { a.namespaces.iter().cloned().collect() }
    };
    let names_or = |a: &crate::rbac::access::Access, ns: &str, all: &mut dyn Iterator<Item = String>| -> Vec<String> {
        if a.cell_in(ns) == crate::rbac::access::Cell::Yes {
            all.collect()
        } else {
            a.names_in(ns).into_iter().collect()
        }
    };

    if may_impersonate {
        // Legacy and constrained impersonation of ServiceAccounts.
        for (technique, verb, group, mode) in [
            (Technique::ImpersonateServiceAccount, "impersonate", "", ImpersonationMode::Legacy),
            (
                Technique::ConstrainedServiceAccount,
                "impersonate:serviceaccount",
                AUTHN_GROUP,
                ImpersonationMode::ServiceAccount,
            ),
        ] {
            let a = actor.access(verb, group, "serviceaccounts", "", true);
            let mut namespaces: Vec<String> = all_namespaces(&a);
            namespaces.extend(a.names.keys().filter(|k| *k != "cluster").cloned());
            if a.names.contains_key("cluster") {
                namespaces.extend(world.namespaces.iter().cloned());
            }
            namespaces.sort();
            namespaces.dedup();
            for ns in namespaces {
                let mut all = cluster.service_accounts_in(&ns).map(|sa| sa.name.clone());
                for name in names_or(&a, &ns, &mut all) {
                    candidates.push((
                        technique,
                        impersonated(Identity::service_account(&ns, &name), mode),
                        ns.clone(),
                        name,
                        String::new(),
                    ));
                }
            }
        }
        // Users, legacy and constrained (user-info), and groups (legacy only: constrained refuses system:masters).
        for (technique, verb, group, mode) in [
            (Technique::ImpersonateUser, "impersonate", "", ImpersonationMode::Legacy),
            (Technique::ConstrainedUserInfo, "impersonate:user-info", AUTHN_GROUP, ImpersonationMode::UserInfo),
        ] {
            let a = actor.access(verb, group, "users", "", false);
            let mut all = world.users.iter().cloned();
            for user in names_or(&a, "", &mut all) {
                if crate::model::request::parse_sa_username(&user).is_none() && !user.starts_with("system:node:") {
                    candidates.push((
                        technique,
                        impersonated(Identity::user(&user), mode),
                        String::new(),
                        user,
                        String::new(),
                    ));
                }
            }
        }
        let users = actor.access("impersonate", "", "users", "", false);
        let username = if users.cell_in("") == crate::rbac::access::Cell::Yes {
            Some(OBJECT_NAME.to_string())
        } else {
            users.names_in("").into_iter().next()
        };
        if let Some(username) = username {
            let a = actor.access("impersonate", "", "groups", "", false);
            let mut all = world.groups.iter().cloned();
            for g in names_or(&a, "", &mut all) {
                let to = impersonated(Identity::group(&username, &g), ImpersonationMode::Legacy);
                candidates.push((Technique::ImpersonateGroup, to, String::new(), g, String::new()));
            }
        }
        let a = actor.access("impersonate:arbitrary-node", AUTHN_GROUP, "nodes", "", false);
        let mut all = world.pods_by_node.keys().cloned();
        for node in names_or(&a, "", &mut all) {
            let to = impersonated(Identity::node(&node), ImpersonationMode::ArbitraryNode);
            candidates.push((Technique::ConstrainedArbitraryNode, to, String::new(), node, String::new()));
        }
    }

    // Credentials minted for a ServiceAccount.
    let a = actor.access("create", "", "serviceaccounts", "token", true);
    let mut token_namespaces = all_namespaces(&a);
    token_namespaces.extend(a.names.keys().filter(|k| *k != "cluster").cloned());
    token_namespaces.sort();
    token_namespaces.dedup();
    for ns in token_namespaces {
        let mut all = cluster.service_accounts_in(&ns).map(|sa| sa.name.clone());
        for name in names_or(&a, &ns, &mut all) {
            if cluster.service_account(&ns, &name).is_some() {
                candidates.push((
                    Technique::TokenRequest,
                    held(Identity::service_account(&ns, &name)),
                    ns.clone(),
                    name,
                    String::new(),
                ));
            }
        }
    }
    let reads_secrets = anywhere("get", "", "secrets", "", true) || anywhere("list", "", "secrets", "", true);
    for t in cluster.token_secrets.iter().filter(|_| reads_secrets) {
        if t.invalid_since.is_some() || cluster.service_account(&t.namespace, &t.service_account).is_none() {
            continue;
        }
        let to = held(Identity::service_account(&t.namespace, &t.service_account));
        candidates.push((Technique::SecretRead, to.clone(), t.namespace.clone(), t.name.clone(), "get".into()));
        candidates.push((Technique::SecretRead, to, t.namespace.clone(), t.name.clone(), "list".into()));
    }
    // Namespaces where pods, workloads or token Secrets can be created: every ServiceAccount there.
    let mut by_namespace: Vec<(Technique, String, String, String)> = Vec::new();
    for ns in all_namespaces(&actor.access("create", "", "pods", "", true)) {
        by_namespace.push((Technique::PodCreate, ns, String::new(), String::new()));
    }
    for (group, resource) in WORKLOADS {
        for ns in all_namespaces(&actor.access("create", group, resource, "", true)) {
            by_namespace.push((Technique::WorkloadCreate, ns, String::new(), resource.to_string()));
        }
    }
    let secrets = actor.access("get", "", "secrets", "", true);
    for ns in all_namespaces(&actor.access("create", "", "secrets", "", true)) {
        let name = if secrets.cell_in(&ns) == crate::rbac::access::Cell::Yes {
            Some(OBJECT_NAME.to_string())
        } else {
            secrets.names_in(&ns).into_iter().next()
        };
        if let Some(name) = name {
            by_namespace.push((Technique::SecretCreate, ns, name, String::new()));
        }
    }
    for (technique, ns, name, variant) in by_namespace {
        for sa in cluster.service_accounts_in(&ns) {
            let to = held(Identity::service_account(&ns, &sa.name));
            candidates.push((technique, to, ns.clone(), name.clone(), variant.clone()));
        }
    }
    // Pods that run as another ServiceAccount (their token is in the container).
    let into_pods = anywhere("create", "", "pods", "exec", true)
        || anywhere("create", "", "pods", "attach", true)
        || anywhere("patch", "", "pods", "ephemeralcontainers", true)
        || anywhere("update", "", "pods", "ephemeralcontainers", true);
    for p in cluster.pods.iter().filter(|_| into_pods) {
        let to = held(Identity::service_account(&p.namespace, &p.service_account));
        for (technique, variant) in [
            (Technique::PodExec, ""),
            (Technique::PodAttach, ""),
            (Technique::PodEphemeral, "patch"),
            (Technique::PodEphemeral, "update"),
        ] {
            candidates.push((technique, to.clone(), p.namespace.clone(), p.name.clone(), variant.into()));
        }
    }
    // The kubelet API of a node reaches the containers of every pod on it.
    let proxies = anywhere("get", "", "nodes", "proxy", false) || anywhere("create", "", "nodes", "proxy", false);
    for (node, pods) in world.pods_by_node.iter().filter(|_| proxies) {
        for (ns, sa) in pods {
            for verb in ["get", "create"] {
                let to = held(Identity::service_account(ns, sa));
                candidates.push((Technique::NodeProxy, to, ns.clone(), node.clone(), verb.into()));
            }
        }
    }
    // The Node authorizer: a node may create tokens for the ServiceAccounts of the pods bound to it.
    if state.identity.kind == IdentityKind::Node
        && let Some(pods) = world.pods_by_node.get(&state.identity.name)
    {
        for (ns, sa) in pods {
            let to = held(Identity::service_account(ns, sa));
            candidates.push((Technique::NodeServiceAccountToken, to, ns.clone(), sa.clone(), String::new()));
        }
    }
    // Role writes that grant the target: bind (a role that already holds it) and escalate (a role already bound).
    let holder = match state.held {
        Held::Credential => s,
        Held::Impersonated { by, .. } => by,
    };
    let holder_identity = graph.states[holder].identity.clone();
    let target = graph.target.request();
    let target_ns = target.namespace().to_string();
    let binds = anywhere("bind", RBAC_GROUP, "clusterroles", "", true);
    for (name, role) in cluster.cluster_roles.iter().filter(|_| binds) {
        if !role.rules.iter().any(|r| crate::rbac::rules::rule_allows(r, &target)) {
            continue;
        }
        let to = State {
            identity: holder_identity.clone(),
            held: Held::Credential,
            augmented: Some(format!("ClusterRoleBinding {OBJECT_NAME} to ClusterRole {name}")),
        };
        candidates.push((Technique::RbacBind, to, String::new(), name.clone(), "clusterroles".into()));
        if !target_ns.is_empty() {
            let to = State {
                identity: holder_identity.clone(),
                held: Held::Credential,
                augmented: Some(format!("RoleBinding {target_ns}/{OBJECT_NAME} to ClusterRole {name}")),
            };
            candidates.push((Technique::RbacBind, to, target_ns.clone(), name.clone(), "clusterroles".into()));
        }
    }
    let escalates = anywhere("escalate", RBAC_GROUP, "clusterroles", "", true)
        || anywhere("escalate", RBAC_GROUP, "roles", "", true);
    if escalates && !matches!(state.held, Held::Impersonated { mode, .. } if mode != ImpersonationMode::Legacy) {
        let user = state.identity.user_info();
        for id in crate::rbac::bindings_for_user(cluster, &user) {
            let b = cluster.binding(id);
            let Ok(role) = cluster.resolve_role(b) else { continue };
            if role.aggregation_selectors.is_some() {
                continue;
            }
            let scope_fits = b.kind == crate::model::BindingKind::ClusterRoleBinding
                || (!target_ns.is_empty() && b.namespace == target_ns);
            if !scope_fits {
                continue;
            }
            let role_ns = if b.role_ref.kind == "Role" { b.namespace.clone() } else { String::new() };
            for verb in ["patch", "update"] {
                let to = State {
                    identity: state.identity.clone(),
                    held: state.held,
                    augmented: Some(format!("{} {} with the target's rule", b.role_ref.kind, b.role_ref.name)),
                };
                candidates.push((Technique::RbacEscalate, to, role_ns.clone(), b.role_ref.name.clone(), verb.into()));
            }
        }
    }
    // Client certificates from an approved CSR: any user or group but system:masters (CertificateSubjectRestriction).
    let approves = anywhere("approve", CSR_GROUP, "signers", "", false)
        && anywhere("create", CSR_GROUP, "certificatesigningrequests", "", false);
    for signer in [CLIENT_SIGNER, "kubernetes.io/*"].into_iter().filter(|_| approves) {
        for user in &world.users {
            candidates.push((
                Technique::CsrClient,
                held(Identity::user(user)),
                String::new(),
                OBJECT_NAME.into(),
                signer.into(),
            ));
        }
        for g in world.groups.iter().filter(|g| *g != MASTERS_GROUP) {
            let to = held(Identity::group(OBJECT_NAME, g));
            candidates.push((Technique::CsrClient, to, String::new(), OBJECT_NAME.into(), signer.into()));
        }
    }
    for signer in [KUBELET_SIGNER, "kubernetes.io/*"].into_iter().filter(|_| approves) {
        for node in world.pods_by_node.keys() {
            candidates.push((
                Technique::CsrKubelet,
                held(Identity::node(node)),
                String::new(),
                OBJECT_NAME.into(),
                signer.into(),
            ));
        }
    }
    if world.eks {
        for verb in ["patch", "update"] {
            let to = held(Identity::group(OBJECT_NAME, MASTERS_GROUP));
            candidates.push((Technique::AwsAuth, to, "kube-system".into(), "aws-auth".into(), verb.into()));
        }
    }

    let mut edges: Vec<Edge> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Many candidates share a request (create pods in N yields every ServiceAccount of N): each is decided once.
    let mut decided: std::collections::HashMap<Request, bool> = std::collections::HashMap::new();
    for (technique, to, namespace, name, variant) in candidates {
        if to.identity == state.identity && to.augmented.is_none() {
            continue;
        }
        let probe = Edge { technique, to: 0, namespace, name, variant };
        let allowed = preconditions(technique, &to, &probe)
            .into_iter()
            .all(|r| *decided.entry(r).or_insert_with_key(|r| actor.allows(r)));
        if !allowed {
            continue;
        }
        let to = graph.intern(to);
        if seen.insert(to) {
            edges.push(Edge { to, ..probe });
        }
    }
    edges
}

/// The kubectl command that performs a step, as the step's source identity runs it.
pub fn command(graph: &Graph, from: usize, e: &Edge) -> String {
    use Technique::*;
    let state = &graph.states[from];
    let to = &graph.states[e.to].identity;
    let prefix = match state.held {
        Held::Impersonated { mode, .. } => {
            let as_user = format!("kubectl --as={}", state.identity.user_info().username);
            match (mode, state.identity.kind) {
                (ImpersonationMode::Legacy, IdentityKind::Group) => {
                    format!("{as_user} --as-group={}", state.identity.name)
                }
                _ => as_user,
            }
        }
        Held::Credential => "kubectl".to_string(),
    };
    let (ns, name, variant) = (&e.namespace, &e.name, &e.variant);
    let sa = &to.name;
    let subject = |identity: &Identity| match identity.kind {
        IdentityKind::ServiceAccount => format!("--serviceaccount={}:{}", identity.namespace, identity.name),
        IdentityKind::Group => format!("--group={}", identity.name),
        IdentityKind::User => format!("--user={}", identity.name),
        IdentityKind::Node => format!("--user=system:node:{}", identity.name),
    };
    match e.technique {
        ImpersonateUser | ImpersonateServiceAccount => format!("{prefix} --as={} auth whoami", to.user_info().username),
        ImpersonateGroup => format!("{prefix} --as={} --as-group={} auth whoami", to.user, to.name),
        ConstrainedUserInfo | ConstrainedServiceAccount | ConstrainedArbitraryNode => {
            format!(
                "{prefix} --as={} <request>  # constrained: only requests allowed by impersonate-on",
                to.user_info().username
            )
        }
        TokenRequest => format!("{prefix} create token {sa} -n {ns}"),
        SecretRead if variant == "list" => format!("{prefix} get secrets -n {ns} -o json  # the token of {name}"),
        SecretRead => format!("{prefix} get secret {name} -n {ns} -o jsonpath='{{.data.token}}' | base64 -d"),
        SecretCreate => format!(
            "echo '{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{{\"name\":\"{name}\",\
             \"annotations\":{{\"kubernetes.io/service-account.name\":\"{sa}\"}}}},\"type\":\"kubernetes.io/service-account-token\"}}' \
             | {prefix} create -n {ns} -f - && sleep 2 && {prefix} get secret {name} -n {ns} -o jsonpath='{{.data.token}}' | base64 -d"
        ),
        PodCreate => format!(
            "{prefix} run {OBJECT_NAME} -n {ns} --image=busybox --restart=Never --overrides='{{\"spec\":{{\"serviceAccountName\":\"{sa}\"}}}}' -- sleep 3600"
        ),
        WorkloadCreate => format!(
            "{prefix} create -n {ns} -f {variant}.yaml  # a {variant} whose pod template has serviceAccountName: {sa}"
        ),
        PodExec => format!("{prefix} exec {name} -n {ns} -- cat /var/run/secrets/kubernetes.io/serviceaccount/token"),
        PodAttach => format!("{prefix} attach {name} -n {ns} -i"),
        PodEphemeral => format!(
            "{prefix} debug {name} -n {ns} -it --image=busybox -- cat /proc/1/root/var/run/secrets/kubernetes.io/serviceaccount/token"
        ),
        NodeProxy => format!(
            "{prefix} get --raw /api/v1/nodes/{name}/proxy/runningpods/  # then the kubelet's /exec into a pod of {}/{sa}",
            to.namespace
        ),
        NodeServiceAccountToken => format!(
            "kubectl --client-certificate=node.crt --client-key=node.key create token {sa} -n {} --bound-object-kind=Pod --bound-object-name=<its pod on {}>",
            to.namespace, state.identity.name
        ),
        RbacBind => {
            let holder = to;
            if ns.is_empty() {
                format!("{prefix} create clusterrolebinding {OBJECT_NAME} --clusterrole={name} {}", subject(holder))
            } else {
                format!("{prefix} create rolebinding {OBJECT_NAME} -n {ns} --clusterrole={name} {}", subject(holder))
            }
        }
        RbacEscalate if variant == "update" => {
            let role = if ns.is_empty() {
                graph.cluster.cluster_roles.get(name.as_str())
            } else {
                graph.cluster.role(ns, name)
            };
            let mut rules: Vec<serde_json::Value> = role
                .map(|r| r.rules.iter().filter_map(|rule| serde_json::to_value(&**rule).ok()).collect())
                .unwrap_or_default();
            rules.push(serde_json::json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}));
            let (kind, path) = if ns.is_empty() {
                ("ClusterRole", format!("/apis/{RBAC_GROUP}/v1/clusterroles/{name}"))
            } else {
                ("Role", format!("/apis/{RBAC_GROUP}/v1/namespaces/{ns}/roles/{name}"))
            };
            let mut metadata = serde_json::json!({"name": name});
            if !ns.is_empty() {
                metadata["namespace"] = serde_json::json!(ns);
            }
            let object = serde_json::json!({"apiVersion": format!("{RBAC_GROUP}/v1"), "kind": kind, "metadata": metadata, "rules": rules});
            format!("echo '{object}' | {prefix} replace --raw {path} -f -")
        }
        RbacEscalate => {
            let patch = r#"--type=json -p '[{"op":"add","path":"/rules/-","value":{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}}]'"#;
            if ns.is_empty() {
                format!("{prefix} patch clusterrole {name} {patch}")
            } else {
                format!("{prefix} patch role {name} -n {ns} {patch}")
            }
        }
        CsrClient | CsrKubelet => {
            let (cn, o, signer) = match to.kind {
                IdentityKind::Node => (format!("system:node:{}", to.name), "system:nodes".to_string(), KUBELET_SIGNER),
                IdentityKind::Group => (to.user.clone(), to.name.clone(), CLIENT_SIGNER),
                _ => (to.user_info().username, String::new(), CLIENT_SIGNER),
            };
            let subj = if o.is_empty() { format!("/CN={cn}") } else { format!("/CN={cn}/O={o}") };
            format!(
                "openssl req -new -newkey rsa:2048 -nodes -keyout k.key -subj '{subj}' -out r.csr && echo \
                 \"{{\\\"apiVersion\\\":\\\"certificates.k8s.io/v1\\\",\\\"kind\\\":\\\"CertificateSigningRequest\\\",\\\"metadata\\\":{{\\\"name\\\":\\\"{name}\\\"}},\
                 \\\"spec\\\":{{\\\"signerName\\\":\\\"{signer}\\\",\\\"usages\\\":[\\\"client auth\\\"],\\\"request\\\":\\\"$(base64 -w0 r.csr)\\\"}}}}\" | {prefix} create -f - \
                 && {prefix} certificate approve {name} && {prefix} get csr {name} -o jsonpath='{{.status.certificate}}' | base64 -d > k.crt"
            )
        }
        AwsAuth => format!(
            "{prefix} edit configmap aws-auth -n kube-system  # map an IAM role you control to the group system:masters"
        ),
    }
}
