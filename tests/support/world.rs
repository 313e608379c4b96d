//! Seeded random RBAC worlds for the differential tests: namespaces, ServiceAccounts, Roles, ClusterRoles
//! (some aggregated by label), RoleBindings and ClusterRoleBindings with mixed subjects and dangling roleRefs,
//! plus a sampler of requests biased toward what the world grants. The same generator, given a [`Size`], writes the
//! large snapshots of the benchmarks (`examples/gen-world.rs`).

use serde_json::{Value, json};

/// SplitMix64: small, seedable, good enough to draw test worlds.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub fn some<T: Clone>(&mut self, items: &[T], max: usize) -> Vec<T> {
        let n = 1 + self.below(max);
        let mut out: Vec<T> = Vec::new();
        for _ in 0..n {
            out.push(self.pick(items).clone());
        }
        out
    }
}

const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "*",
    "impersonate",
    "bind",
    "GET",
    "use",
    "approve",
    "frobnicate",
];
const GROUPS: &[&str] =
    &["", "", "apps", "batch", "*", "example.com", "rbac.authorization.k8s.io", "cert-manager.io", "extensions"];
const RULE_RESOURCES: &[&str] = &[
    "pods",
    "pods",
    "pods/log",
    "pods/exec",
    "pods/status",
    "pods/*",
    "*/scale",
    "*/status",
    "*",
    "deployments",
    "deployments/scale",
    "secrets",
    "configmaps",
    "nodes",
    "namespaces",
    "widgets",
    "widgets/status",
    "jobs",
    "serviceaccounts",
    "serviceaccounts/token",
    "roles",
    "persistentvolumes",
    "*/*",
    "certificates",
    "*/finalizers",
    "nodes/metrics",
    "pods/a/b",
    "frobs",
    "users",
    "ingresses",
    "tier.networkpolicies",
];
const NAMES: &[&str] = &["n1", "n2", "n3"];

/// What the rules of real roles name: an API group and some of its resources, with the usual verb sets.
const REAL_RESOURCES: &[(&str, &[&str])] = &[
    ("", &["pods", "pods/log", "services", "endpoints", "configmaps", "events", "persistentvolumeclaims"]),
    ("", &["secrets", "serviceaccounts", "pods/exec", "pods/portforward"]),
    ("", &["nodes", "namespaces", "persistentvolumes"]),
    ("apps", &["deployments", "statefulsets", "daemonsets", "replicasets", "deployments/scale"]),
    ("batch", &["jobs", "cronjobs"]),
    ("networking.k8s.io", &["ingresses", "networkpolicies"]),
    ("coordination.k8s.io", &["leases"]),
    ("example.com", &["widgets", "widgets/status"]),
    ("monitoring.coreos.com", &["servicemonitors", "prometheusrules"]),
];
const REAL_READ: &[&str] = &["get", "list", "watch"];
const REAL_WRITE: &[&str] = &["create", "update", "patch", "delete"];
const REAL_ALL: &[&str] = &["get", "list", "watch", "create", "update", "patch", "delete"];
const URLS: &[&str] = &["/healthz", "/metrics", "/logs/*", "/api*", "*", "/version", "/foo/*", "/foo", "/metrics*"];

/// (group, resource, subresource, namespaced) the requests are drawn from; all exist in the test cluster
/// (widgets.example.com is a CRD the tests install).
pub const REQUEST_RESOURCES: &[(&str, &str, &str, bool)] = &[
    ("", "pods", "", true),
    ("", "pods", "log", true),
    ("", "pods", "exec", true),
    ("", "pods", "status", true),
    ("apps", "deployments", "", true),
    ("apps", "deployments", "scale", true),
    ("apps", "replicasets", "scale", true),
    ("", "secrets", "", true),
    ("", "configmaps", "", true),
    ("", "nodes", "", false),
    ("", "nodes", "proxy", false),
    ("", "namespaces", "", false),
    ("example.com", "widgets", "", true),
    ("example.com", "widgets", "status", true),
    ("batch", "jobs", "", true),
    ("", "serviceaccounts", "token", true),
    ("rbac.authorization.k8s.io", "roles", "", true),
    ("", "persistentvolumes", "", false),
];
/// Requests no API serves but a SubjectAccessReview answers: custom resources without their CRD, a legacy group,
/// unknown resources and subresources, several subresource segments, literal `*`s, and resources only authorizers
/// check. (group, resource, subresource, namespaced: whether the command line must say where it is asked)
pub const UNSERVED_REQUEST_RESOURCES: &[(&str, &str, &str, bool)] = &[
    ("cert-manager.io", "certificates", "", true),
    ("extensions", "ingresses", "", true),
    ("", "frobs", "", true),
    ("", "pods", "a/b", true),
    ("", "*", "", true),
    ("*", "*", "", true),
    ("", "nodes", "metrics", false),
    ("apps", "deployments", "finalizers", true),
    ("", "users", "", false),
    ("made.up.io", "things", "status", true),
    ("projectcalico.org", "tier.networkpolicies", "", true),
];
/// Verbs beyond the REST API's: special, custom and the literal `*`.
const SPECIAL_REQUEST_VERBS: &[&str] = &["use", "approve", "frobnicate", "*", "escalate", "impersonate", "bind"];
/// Users and groups a request is asked for besides ServiceAccounts (alice and devs are bound in every world).
const USERS: &[&str] = &["alice", "bob", "carol"];
const USER_GROUPS: &[&str] =
    &["devs", "system:masters", "system:authenticated", "system:unauthenticated", "system:serviceaccounts", "team-x"];

const REQUEST_PATHS: &[&str] = &[
    "/healthz",
    "/metrics",
    "/logs",
    "/logs/",
    "/logs/x",
    "/api",
    "/apis/foo",
    "/version",
    "/foo",
    "/foo/bar",
    "/metricsz",
];
const REQUEST_URL_VERBS: &[&str] = &["get", "post", "put", "head", "delete"];

pub const CRD: &str = r#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
"metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
"names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"]},
"versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}"#;

fn rng_pick_value<'a>(rng: &mut Rng, items: &'a [Value]) -> &'a Value {
    &items[rng.below(items.len())]
}

/// How many objects of each kind a world has. Counts are spread evenly over the namespaces.
#[derive(Debug, Clone)]
pub struct Size {
    pub namespaces: usize,
    pub service_accounts: usize,
    pub roles: usize,
    pub role_bindings: usize,
    pub cluster_roles: usize,
    pub cluster_role_bindings: usize,
    /// Rules per role are drawn from 1..=max_rules.
    pub max_rules: usize,
    /// Shape the world like a real cluster: ServiceAccount subjects of a RoleBinding mostly from its own
    /// namespace, few bindings to every ServiceAccount, and rules mostly naming the resources and verbs of real
    /// roles (wildcards in 2% of them). The small differential worlds draw everything uniformly, to exercise
    /// cross-namespace grants and wildcards.
    pub realistic: bool,
}

impl Size {
    /// The differential-test world: 3 namespaces, 3 ServiceAccounts, 2 Roles and 3 RoleBindings in each.
    pub fn small() -> Size {
        Size {
            namespaces: 3,
            service_accounts: 9,
            roles: 6,
            role_bindings: 9,
            cluster_roles: 6,
            cluster_role_bindings: 3,
            max_rules: 3,
            realistic: false,
        }
    }

    /// The benchmark world at `scale` (1.0 = 2,000 namespaces, 20,000 ServiceAccounts, 50,000 RoleBindings,
    /// 5,000 ClusterRoleBindings, 15,000 Roles, 5,000 ClusterRoles: a large multi-tenant cluster).
    pub fn scaled(scale: f64) -> Size {
        let n = |x: f64| ((x * scale).round() as usize).max(1);
        Size {
            namespaces: n(2_000.0),
            service_accounts: n(20_000.0),
            roles: n(15_000.0),
            role_bindings: n(50_000.0),
            cluster_roles: n(5_000.0).max(3),
            cluster_role_bindings: n(5_000.0),
            max_rules: 6,
            realistic: true,
        }
    }
}

/// The share of `total` objects that namespace number `i` of `n` gets.
fn share(total: usize, n: usize, i: usize) -> usize {
    total / n + usize::from(i < total % n)
}

pub struct World {
    pub seed: u64,
    pub prefix: String,
    pub namespaces: Vec<String>,
    /// (namespace, name) of every ServiceAccount created (the `default` SAs come from the controller).
    pub service_accounts: Vec<(String, String)>,
    /// SAs referenced by bindings but never created.
    pub ghosts: Vec<(String, String)>,
    pub objects: Vec<Value>,
    /// (verb, group, resource/sub) triples used in rules, to bias requests toward grants.
    granted: Vec<(String, String, String)>,
}

fn meta(name: &str, ns: Option<&str>) -> Value {
    match ns {
        Some(ns) => json!({"name": name, "namespace": ns}),
        None => json!({"name": name}),
    }
}

impl World {
    pub fn generate(seed: u64) -> World {
        World::generate_sized(seed, &Size::small())
    }

    pub fn generate_sized(seed: u64, size: &Size) -> World {
        let mut rng = Rng::new(seed);
        let prefix = format!("w{seed}");
        let nss = size.namespaces;
        let namespaces: Vec<String> = (0..nss).map(|i| format!("{prefix}-ns{i}")).collect();
        let mut objects = Vec::new();
        let mut service_accounts = Vec::new();
        // Where each namespace's SAs start in `service_accounts`, for local subjects.
        let mut sa_ranges = Vec::with_capacity(nss);
        let mut granted = Vec::new();
        for (n, ns) in namespaces.iter().enumerate() {
            let start = service_accounts.len();
            objects.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(ns, None)}));
            service_accounts.push((ns.clone(), "default".to_string()));
            for i in 0..share(size.service_accounts, nss, n) {
                let name = format!("sa{i}");
                objects.push(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(&name, Some(ns))}));
                service_accounts.push((ns.clone(), name));
            }
            sa_ranges.push(start..service_accounts.len());
        }
        let ghosts = vec![(namespaces[0].clone(), "ghost".to_string())];

        let realistic = size.realistic;
        let mut rule = |rng: &mut Rng, allow_urls: bool| -> Value {
            if allow_urls && rng.chance(if realistic { 2 } else { 20 }) {
                return json!({"verbs": rng.some(&["get", "post", "*", "put", "head"], 2), "nonResourceURLs": rng.some(URLS, 2)});
            }
            let (verbs, groups, resources) = if realistic && !rng.chance(2) {
                let (group, resources) = rng.pick(REAL_RESOURCES);
                let verbs = if rng.chance(60) { REAL_READ } else { rng.pick(&[REAL_WRITE, REAL_ALL, REAL_READ]) };
                let n = 1 + rng.below(resources.len());
                let resources: Vec<&str> = (0..n).map(|_| *rng.pick(resources)).collect();
                (verbs.to_vec(), vec![*group], resources)
            } else {
                (rng.some(VERBS, 3), rng.some(GROUPS, 2), rng.some(RULE_RESOURCES, 3))
            };
            for v in &verbs {
                for g in &groups {
                    for r in &resources {
                        granted.push((v.to_string(), g.to_string(), r.to_string()));
                    }
                }
            }
            let mut r = json!({"verbs": verbs, "apiGroups": groups, "resources": resources});
            if rng.chance(25) {
                r["resourceNames"] = json!(rng.some(NAMES, 2));
            }
            r
        };

        // ClusterRoles: plain ones, two labelled for aggregation, and an aggregated one without rules.
        let agg_label = format!("kubectl-sa.test/agg-{prefix}");
        let mut cluster_roles = Vec::new();
        for i in 0..size.cluster_roles {
            let name = format!("{prefix}-cr{i}");
            let rules: Vec<Value> = (0..1 + rng.below(size.max_rules)).map(|_| rule(&mut rng, true)).collect();
            let mut m = meta(&name, None);
            if i < 2 {
                m["labels"] = json!({&agg_label: "true"});
            }
            objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": m, "rules": rules}));
            cluster_roles.push(name);
        }
        let agg = format!("{prefix}-aggregated");
        let selector = if rng.chance(50) {
            json!({"matchLabels": {&agg_label: "true"}})
        } else {
            json!({"matchExpressions": [{"key": &agg_label, "operator": "In", "values": ["true", "yes"]}]})
        };
        objects.push(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta(&agg, None),
            "aggregationRule": {"clusterRoleSelectors": [selector]}}),
        );
        cluster_roles.push(agg);
        // Roles: same names in every namespace, plus one that exists only in the last namespace.
        let roles_in = |n: usize| share(size.roles, nss, n);
        for (n, ns) in namespaces.iter().enumerate() {
            for i in 0..roles_in(n) {
                let rules: Vec<Value> = (0..1 + rng.below(size.max_rules)).map(|_| rule(&mut rng, false)).collect();
                objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                    "metadata": meta(&format!("{prefix}-r{i}"), Some(ns)), "rules": rules}));
            }
        }
        let only_last = format!("{prefix}-only-in-last");
        let rules = vec![rule(&mut rng, false)];
        objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": meta(&only_last, Some(namespaces.last().unwrap())), "rules": rules}));

        let namespace_index = |ns: &str| ns.rsplit_once("-ns").and_then(|(_, i)| i.parse::<usize>().ok());
        let subject = |rng: &mut Rng, binding_ns: Option<&str>| -> Value {
            let (ns, name) = match binding_ns.and_then(namespace_index) {
                Some(n) if size.realistic && rng.chance(90) => {
                    service_accounts[sa_ranges[n].start + rng.below(sa_ranges[n].len())].clone()
                }
                _ => {
                    let i = rng.below(service_accounts.len() + ghosts.len());
                    service_accounts.get(i).unwrap_or_else(|| &ghosts[i - service_accounts.len()]).clone()
                }
            };
            match rng.below(10) {
                0..=3 => match binding_ns {
                    // An SA subject without namespace defaults to the RoleBinding's namespace.
                    Some(bns) if rng.chance(30) => {
                        json!({"kind": "ServiceAccount", "name": name, "namespace": if rng.chance(50) { bns.to_string() } else { ns }})
                    }
                    Some(_) if rng.chance(40) => json!({"kind": "ServiceAccount", "name": name}),
                    _ => json!({"kind": "ServiceAccount", "name": name, "namespace": ns}),
                },
                4 => {
                    json!({"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": format!("system:serviceaccount:{ns}:{name}")})
                }
                5 | 6 => {
                    json!({"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": format!("system:serviceaccounts:{ns}")})
                }
                7 => json!({"kind": "Group", "apiGroup": "rbac.authorization.k8s.io",
                    "name": if rng.chance(50) { "system:serviceaccounts" } else { "system:authenticated" }}),
                8 => json!({"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"}),
                _ => json!({"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "devs"}),
            }
        };
        // Group-wide grants are rarer, so that most requests are not trivially allowed. A large world has none:
        // in real clusters only the bootstrap policy's few harmless bindings reach every ServiceAccount.
        let subjects = |rng: &mut Rng, ns: Option<&str>| -> Vec<Value> {
            let group_wide_percent = if size.realistic { 0 } else { 30 };
            let mut v: Vec<Value> = (0..1 + rng.below(3)).map(|_| subject(rng, ns)).collect();
            v.retain(|s| {
                !(s["kind"] == "Group"
                    && (s["name"] == "system:serviceaccounts" || s["name"] == "system:authenticated"))
                    || rng.chance(group_wide_percent)
            });
            if v.is_empty() {
                v.push(json!({"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "bob"}));
            }
            v
        };
        for i in 0..size.cluster_role_bindings {
            let role = if rng.chance(15) { format!("{prefix}-missing-cr") } else { rng.pick(&cluster_roles).clone() };
            let subs = subjects(&mut rng, None);
            objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": meta(&format!("{prefix}-crb{i}"), None),
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}, "subjects": subs}));
        }
        for (n, ns) in namespaces.iter().enumerate() {
            for i in 0..share(size.role_bindings, nss, n) {
                let (kind, role) = match rng.below(6) {
                    0 | 1 if roles_in(n) > 0 => ("Role", format!("{prefix}-r{}", rng.below(roles_in(n)))),
                    0 | 1 => ("Role", format!("{prefix}-missing-role")),
                    2 => ("Role", only_last.clone()),
                    3 => ("Role", format!("{prefix}-missing-role")),
                    _ => ("ClusterRole", rng.pick(&cluster_roles).clone()),
                };
                let subs = subjects(&mut rng, Some(ns));
                objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                    "metadata": meta(&format!("{prefix}-rb{i}"), Some(ns)),
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": role}, "subjects": subs}));
            }
        }
        World { seed, prefix, namespaces, service_accounts, ghosts, objects, granted }
    }

    /// The world as one `kind: List` JSON document for `kubectl apply -f -`.
    pub fn manifest(&self) -> String {
        json!({"apiVersion": "v1", "kind": "List", "items": self.objects}).to_string()
    }

    /// The world loaded as a snapshot of it would be.
    pub fn cluster(&self) -> kubectl_sa::model::Cluster {
        let mut builder = kubectl_sa::model::ClusterBuilder::default();
        kubectl_sa::source::snapshot::load_text("world", &self.manifest(), &mut builder)
            .expect("the generated world loads");
        builder.build()
    }

    /// Every identity requests are asked for: the SAs that exist and the ghosts.
    pub fn identities(&self) -> Vec<(String, String)> {
        self.service_accounts.iter().chain(self.ghosts.iter()).cloned().collect()
    }
}

/// One sampled request, in the terms of the SubjectAccessReview API.
#[derive(Debug, Clone)]
pub enum Sample {
    Resource {
        verb: String,
        group: String,
        resource: String,
        subresource: String,
        name: String,
        namespace: String,
        /// Whether the command line must say where it is asked (-n or --cluster-scope): false for resources kubectl-sa
        /// knows to be cluster-scoped.
        namespaced: bool,
    },
    NonResource {
        verb: String,
        path: String,
    },
}

/// Who a request is asked for: a ServiceAccount, or a user with the groups and uid given as kubectl's --as,
/// --as-group and --as-uid (the identity kubectl-sa evaluates is what the API server's impersonation would make of
/// them, and the SubjectAccessReview carries exactly that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asker {
    Sa(String, String),
    User { name: String, groups: Vec<String>, uid: String },
}

impl Asker {
    pub fn identity(&self) -> kubectl_sa::request::subject::Identity {
        use kubectl_sa::request::subject::Identity;
        match self {
            Asker::Sa(ns, name) => Identity::service_account(ns, name, &[], None),
            Asker::User { name, groups, uid } => {
                Identity::impersonated(name, groups, Some(uid.as_str()).filter(|u| !u.is_empty()))
            }
        }
    }

    pub fn user(&self) -> kubectl_sa::rbac::UserInfo {
        self.identity().user
    }

    /// The subject on the command line of explain and matrix.
    pub fn cli_args(&self) -> Vec<String> {
        match self {
            Asker::Sa(ns, name) => vec![format!("{ns}:{name}")],
            Asker::User { name, groups, uid } => {
                let mut args = vec!["--as".to_string(), name.clone()];
                for g in groups {
                    args.extend(["--as-group".to_string(), g.clone()]);
                }
                if !uid.is_empty() {
                    args.extend(["--as-uid".to_string(), uid.clone()]);
                }
                args
            }
        }
    }
}

impl std::fmt::Display for Asker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Asker::Sa(ns, name) => write!(f, "{ns}:{name}"),
            Asker::User { name, groups, .. } => write!(f, "user {name:?} groups {groups:?}"),
        }
    }
}

/// Which requests a sampler draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// Requests on served resources with the REST verbs, asked by ServiceAccounts.
    Served,
    /// The whole SubjectAccessReview space: also unserved resources, groups and subresources, literal `*`s,
    /// special and custom verbs, and users with arbitrary groups (system:masters among them).
    Whole,
}

impl World {
    /// A ServiceAccount and a request on a served resource. Most cases start from a binding of the world: an
    /// identity its subjects reach and a request one of its role's rules allows, sometimes mutated in one dimension
    /// (near misses); the rest are drawn at random.
    pub fn sample_case(&self, rng: &mut Rng) -> ((String, String), Sample) {
        match self.sample_in(rng, Space::Served) {
            (Asker::Sa(ns, name), sample) => ((ns, name), sample),
            (Asker::User { .. }, _) => unreachable!("the served space asks only for ServiceAccounts"),
        }
    }

    /// Like [`World::sample_case`], over the whole SubjectAccessReview space.
    pub fn sample_asked(&self, rng: &mut Rng) -> (Asker, Sample) {
        self.sample_in(rng, Space::Whole)
    }

    fn sample_in(&self, rng: &mut Rng, space: Space) -> (Asker, Sample) {
        if rng.chance(85)
            && let Some(case) = self.targeted(rng, space)
        {
            return case;
        }
        (self.random_asker(rng, space), self.sample_from(rng, space))
    }

    fn random_asker(&self, rng: &mut Rng, space: Space) -> Asker {
        if space == Space::Served || rng.chance(70) {
            let (ns, name) = rng.pick(&self.identities()).clone();
            return Asker::Sa(ns, name);
        }
        let name = if rng.chance(15) {
            let (ns, n) = rng.pick(&self.service_accounts);
            format!("system:serviceaccount:{ns}:{n}")
        } else {
            rng.pick(USERS).to_string()
        };
        let mut groups: Vec<String> = (0..rng.below(3)).map(|_| rng.pick(USER_GROUPS).to_string()).collect();
        if rng.chance(20) {
            groups.push(format!("system:serviceaccounts:{}", rng.pick(&self.namespaces)));
        }
        let uid = if rng.chance(20) { format!("uid-{}", rng.below(100)) } else { String::new() };
        Asker::User { name, groups, uid }
    }

    fn bindings(&self) -> Vec<&Value> {
        self.objects.iter().filter(|o| o["kind"] == "RoleBinding" || o["kind"] == "ClusterRoleBinding").collect()
    }

    fn rules_of(&self, binding: &Value) -> Vec<Value> {
        let (kind, name) = (&binding["roleRef"]["kind"], &binding["roleRef"]["name"]);
        let ns = &binding["metadata"]["namespace"];
        let mut roles: Vec<&Value> = self
            .objects
            .iter()
            .filter(|o| {
                o["kind"] == *kind
                    && o["metadata"]["name"] == *name
                    && (*kind == "ClusterRole" || o["metadata"]["namespace"] == *ns)
            })
            .collect();
        // The aggregated ClusterRole's rules come from the labelled ones.
        if roles.iter().any(|r| r.get("aggregationRule").is_some()) {
            roles = self
                .objects
                .iter()
                .filter(|o| o["kind"] == "ClusterRole" && o["metadata"].get("labels").is_some())
                .collect();
        }
        roles.iter().flat_map(|r| r["rules"].as_array().cloned().unwrap_or_default()).collect()
    }

    /// An identity a binding's subject reaches: a ServiceAccount, or in the whole space also the user or group
    /// itself.
    fn asker_for(&self, rng: &mut Rng, subject: &Value, binding_ns: &str, space: Space) -> Asker {
        let name = subject["name"].as_str().unwrap_or_default();
        let of_ns = |ns: &str| -> Vec<(String, String)> {
            self.service_accounts.iter().filter(|(n, _)| n == ns).cloned().collect()
        };
        let sa = |(ns, name): (String, String)| Asker::Sa(ns, name);
        let whole = space == Space::Whole && rng.chance(40);
        match subject["kind"].as_str().unwrap_or_default() {
            "ServiceAccount" => {
                let ns = subject["namespace"].as_str().filter(|n| !n.is_empty()).unwrap_or(binding_ns);
                Asker::Sa(ns.to_string(), name.to_string())
            }
            "User" => match name.strip_prefix("system:serviceaccount:").and_then(|r| r.split_once(':')) {
                Some((ns, n)) => Asker::Sa(ns.to_string(), n.to_string()),
                None if whole => Asker::User { name: name.to_string(), groups: Vec::new(), uid: String::new() },
                None => sa(rng.pick(&self.identities()).clone()),
            },
            "Group" if whole => {
                Asker::User { name: rng.pick(USERS).to_string(), groups: vec![name.to_string()], uid: String::new() }
            }
            "Group" => match name.strip_prefix("system:serviceaccounts:") {
                Some(ns) if !of_ns(ns).is_empty() => sa(rng.pick(&of_ns(ns)).clone()),
                _ => sa(rng.pick(&self.service_accounts).clone()),
            },
            _ => sa(rng.pick(&self.identities()).clone()),
        }
    }

    fn targeted(&self, rng: &mut Rng, space: Space) -> Option<(Asker, Sample)> {
        let bindings = self.bindings();
        let binding = *rng.pick(&bindings);
        let subjects = binding["subjects"].as_array()?;
        let binding_ns = binding["metadata"]["namespace"].as_str().unwrap_or_default().to_string();
        let subject = rng_pick_value(rng, subjects).clone();
        let identity = self.asker_for(rng, &subject, &binding_ns, space);
        let rules = self.rules_of(binding);
        if rules.is_empty() {
            return None;
        }
        let rule = rules[rng.below(rules.len())].clone();
        let strs = |v: &Value| -> Vec<String> {
            v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
        };
        let verbs = strs(&rule["verbs"]);
        let mut verb = rng.pick(&verbs).clone();
        if verb == "*" && (space == Space::Served || rng.chance(70)) {
            verb = rng.pick(&VERBS[..8]).to_string();
        }
        if space == Space::Served && !VERBS[..12].contains(&verb.as_str()) {
            verb = rng.pick(&VERBS[..8]).to_string();
        }
        if let Some(urls) = rule.get("nonResourceURLs") {
            let urls = strs(urls);
            let url = rng.pick(&urls).clone();
            let path = match url.as_str() {
                "*" => rng.pick(REQUEST_PATHS).to_string(),
                u if u.ends_with('*') => {
                    format!("{}{}", u.trim_end_matches('*'), if rng.chance(50) { "x" } else { "" })
                }
                u => u.to_string(),
            };
            let verb = if rng.chance(80) { verb } else { rng.pick(REQUEST_URL_VERBS).to_string() };
            return Some((identity, Sample::NonResource { verb, path }));
        }
        let (groups, resources) = (strs(&rule["apiGroups"]), strs(&rule["resources"]));
        let fits: Vec<&(&str, &str, &str, bool)> = request_resources(space)
            .filter(|(g, r, sub, _)| {
                let combined = if sub.is_empty() { r.to_string() } else { format!("{r}/{sub}") };
                (groups.iter().any(|x| x == "*" || x == g))
                    && resources
                        .iter()
                        .any(|x| x == "*" || *x == combined || (!sub.is_empty() && *x == format!("*/{sub}")))
            })
            .collect();
        let &&(group, resource, sub, namespaced) = if fits.is_empty() { return None } else { rng.pick(&fits) };
        let names = strs(&rule["resourceNames"]);
        let mut name = if !names.is_empty() && rng.chance(75) {
            rng.pick(&names).clone()
        } else if rng.chance(30) {
            rng.pick(NAMES).to_string()
        } else {
            String::new()
        };
        let mut namespace = if !namespaced {
            String::new()
        } else if !binding_ns.is_empty() && rng.chance(80) {
            binding_ns.clone()
        } else {
            rng.pick(&self.namespaces).clone()
        };
        // Near misses: change one dimension.
        match rng.below(15) {
            0 => verb = rng.pick(&VERBS[..8]).to_string(),
            1 if namespaced => {
                namespace = if rng.chance(50) { String::new() } else { rng.pick(&self.namespaces).clone() }
            }
            2 => name = if name.is_empty() { "n9".into() } else { String::new() },
            // resourceNames with requests that carry no name: list and create.
            3 if space == Space::Whole && !names.is_empty() => {
                verb = rng.pick(&["list", "create", "deletecollection"]).to_string();
                name = String::new();
            }
            _ => {}
        }
        if group.is_empty() && resource == "namespaces" {
            namespace = if name.is_empty() { String::new() } else { rng.pick(&self.namespaces).clone() };
            name = namespace.clone();
        }
        let sample = Sample::Resource {
            verb,
            group: group.into(),
            resource: resource.into(),
            subresource: sub.into(),
            name,
            namespace,
            namespaced,
        };
        Some((identity, sample))
    }

    pub fn sample(&self, rng: &mut Rng) -> Sample {
        self.sample_from(rng, Space::Served)
    }

    fn sample_from(&self, rng: &mut Rng, space: Space) -> Sample {
        if rng.chance(12) {
            let verb = if space == Space::Whole && rng.chance(20) {
                rng.pick(SPECIAL_REQUEST_VERBS).to_string()
            } else {
                rng.pick(REQUEST_URL_VERBS).to_string()
            };
            return Sample::NonResource { verb, path: rng.pick(REQUEST_PATHS).to_string() };
        }
        let &(group, resource, sub, namespaced) = if space == Space::Whole && rng.chance(30) {
            rng.pick(UNSERVED_REQUEST_RESOURCES)
        } else {
            rng.pick(REQUEST_RESOURCES)
        };
        // Half the time take a verb the world's rules name, so that grants are exercised.
        let verb = if rng.chance(50) && !self.granted.is_empty() {
            let (v, _, _) = rng.pick(&self.granted);
            // The served space keeps to the verbs its worlds always had.
            let plain = (v == "*" && (space == Space::Served || rng.chance(70)))
                || (space == Space::Served && !VERBS[..12].contains(&v.as_str()));
            if plain { rng.pick(&VERBS[..8]).to_string() } else { v.clone() }
        } else if space == Space::Whole && rng.chance(20) {
            rng.pick(SPECIAL_REQUEST_VERBS).to_string()
        } else {
            rng.pick(&VERBS[..8]).to_string()
        };
        let name = if rng.chance(45) { rng.pick(NAMES).to_string() } else { String::new() };
        let namespace = if group.is_empty() && resource == "namespaces" {
            if name.is_empty() { String::new() } else { rng.pick(&self.namespaces).clone() }
        } else if !namespaced {
            String::new()
        } else {
            match rng.below(10) {
                0 => String::new(),
                1 => "no-such-namespace".to_string(),
                _ => rng.pick(&self.namespaces).clone(),
            }
        };
        // `namespaces NAME` carries namespace NAME: keep the two equal.
        let name = if group.is_empty() && resource == "namespaces" && !namespace.is_empty() {
            namespace.clone()
        } else {
            name
        };
        Sample::Resource {
            verb,
            group: group.into(),
            resource: resource.into(),
            subresource: sub.into(),
            name,
            namespace,
            namespaced,
        }
    }
}

/// The classes of the SubjectAccessReview space a case belongs to (the differential test requires each class).
pub fn classes(asker: &Asker, sample: &Sample) -> Vec<&'static str> {
    let mut out = Vec::new();
    if let Asker::User { groups, .. } = asker {
        out.push("user (--as)");
        if groups.iter().any(|g| g == "system:masters") {
            out.push("system:masters");
        }
        if groups.iter().any(|g| g != "system:masters" && g != "system:authenticated") {
            out.push("arbitrary group");
        }
    }
    match sample {
        Sample::NonResource { verb, .. } => {
            out.push("non-resource URL");
            if !REQUEST_URL_VERBS.contains(&verb.as_str()) {
                out.push("non-resource URL, other verb");
            }
        }
        Sample::Resource { verb, group, resource, subresource, name, namespace, namespaced } => {
            match verb.as_str() {
                "*" => out.push("verb *"),
                v if !VERBS[..8].contains(&v) => out.push("special or custom verb"),
                _ => {}
            }
            if UNSERVED_REQUEST_RESOURCES.iter().any(|(g, r, sub, _)| g == group && r == resource && sub == subresource)
            {
                out.push("unserved resource, group or subresource");
            }
            if subresource.contains('/') {
                out.push("several subresource segments");
            }
            if resource == "*" {
                out.push("resource *");
            }
            if name.is_empty() && matches!(verb.as_str(), "list" | "create" | "deletecollection") {
                out.push("list, create or deletecollection without a name");
            }
            if *namespaced && namespace.is_empty() && !(group.is_empty() && resource == "namespaces") {
                out.push("cluster scope of a namespaced or unknown resource");
            }
        }
    }
    out
}

/// The resources a space's requests are drawn from.
fn request_resources(space: Space) -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str, bool)> {
    let unserved = if space == Space::Whole { UNSERVED_REQUEST_RESOURCES } else { &[] };
    REQUEST_RESOURCES.iter().chain(unserved)
}

impl Sample {
    pub fn to_request(&self) -> kubectl_sa::rbac::Request {
        use kubectl_sa::rbac::Request;
        match self {
            Sample::Resource { verb, group, resource, subresource, name, namespace, .. } => {
                Request::resource(verb, group, resource, subresource, name, namespace)
            }
            Sample::NonResource { verb, path } => Request::NonResource { verb: verb.clone(), path: path.clone() },
        }
    }

    fn attributes(&self) -> Value {
        match self {
            Sample::Resource { verb, group, resource, subresource, name, namespace, .. } => json!({
                "resourceAttributes": {"verb": verb, "group": group, "resource": resource, "subresource": subresource, "name": name, "namespace": namespace}
            }),
            Sample::NonResource { verb, path } => json!({"nonResourceAttributes": {"verb": verb, "path": path}}),
        }
    }

    /// The SubjectAccessReview spec for this request by a ServiceAccount (username and its three groups).
    pub fn sar(&self, ns: &str, name: &str) -> Value {
        super::review::sa_review(ns, name, self.attributes())
    }

    /// The SubjectAccessReview for this request by `asker`: exactly the username, groups and uid kubectl-sa evaluates.
    pub fn sar_for(&self, asker: &Asker) -> Value {
        super::review::user_review(&asker.user(), self.attributes())
    }

    /// The command-line arguments of `kubectl sa explain|who-can` for this request: RESOURCE[.GROUP][/SUB] or
    /// --group/--subresource (drawn by `rng`, so both forms are exercised), -n NS or --cluster-scope.
    pub fn cli_args_drawn(&self, rng: &mut Rng) -> Vec<String> {
        match self {
            Sample::NonResource { verb, path } => vec![verb.clone(), path.clone()],
            Sample::Resource { verb, group, resource, subresource, name, namespace, namespaced } => {
                let mut args = vec![verb.clone()];
                // RESOURCE.GROUP cannot say a resource with a dot, nor a group whose first part reads as a version.
                if resource.contains('.') || rng.chance(30) {
                    args.push(resource.clone());
                    args.extend(["--group".to_string(), group.clone()]);
                } else if group.is_empty() {
                    args.push(resource.clone());
                } else {
                    args.push(format!("{resource}.{group}"));
                }
                if !subresource.is_empty() {
                    if rng.chance(30) {
                        args.extend(["--subresource".to_string(), subresource.clone()]);
                    } else {
                        let spec = args.remove(1);
                        args.insert(1, format!("{spec}/{subresource}"));
                    }
                }
                if !name.is_empty() {
                    args.insert(2, name.clone());
                }
                let namespace_object = group.is_empty() && resource == "namespaces";
                if *namespaced && !namespace_object {
                    if namespace.is_empty() {
                        args.push("--cluster-scope".into());
                    } else {
                        args.push("-n".into());
                        args.push(namespace.clone());
                    }
                }
                args
            }
        }
    }

    /// [`Sample::cli_args_drawn`] in its plainest form (RESOURCE.GROUP/SUB; -A for namespace "" as explain reads it).
    pub fn cli_args(&self) -> Vec<String> {
        match self {
            Sample::NonResource { verb, path } => vec![verb.clone(), path.clone()],
            Sample::Resource { verb, group, resource, subresource, name, namespace, namespaced } => {
                let mut spec = if group.is_empty() { resource.clone() } else { format!("{resource}.{group}") };
                if !subresource.is_empty() {
                    spec = format!("{spec}/{subresource}");
                }
                let mut args = vec![verb.clone(), spec];
                if !name.is_empty() {
                    args.push(name.clone());
                }
                if *namespaced {
                    if namespace.is_empty() {
                        args.push("-A".into());
                    } else {
                        args.push("-n".into());
                        args.push(namespace.clone());
                    }
                }
                args
            }
        }
    }
}
