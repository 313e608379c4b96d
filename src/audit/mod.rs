//! `audit`: the risky-permission catalogue (docs/catalogue.md, SA-01 ... SA-29) evaluated for every
//! ServiceAccount with the exact RBAC engine. Pure: works on the cluster in memory.
//!
//! Matching goes through [`IdentityRules`], so apiGroups matter, `*` covers subresources, `*/sub` matches,
//! groups and User aliases are expanded and RoleBindings of every namespace count (each with its scope).
//! resourceNames narrow a finding (they are reported, and lower the severity where the names limit the harm) but
//! never erase it, except where the API server itself ignores them: a rule with resourceNames never allows
//! `create` on a collection (A.7).
//!
//! Evaluation has two phases. The RBAC matching (expensive, once per ServiceAccount) records where each
//! catalogue pattern is held. Severities then depend on two facts that depend on each other: which namespaces
//! are privileged (kube-system, or given, plus every namespace whose ServiceAccounts hold a CRITICAL finding)
//! and which ServiceAccounts are powerful (hold a CRITICAL finding). They are iterated to a fixed point, so
//! two-step escalations (create pods where a powerful ServiceAccount lives => its power) are found.

pub mod baseline;
pub mod catalogue;
pub mod sarif;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::{BindingId, BindingKind, Cluster, Rule, Subject};
use crate::rbac::access::{IdentityRules, Matched};
use crate::rbac::request::{AUTHENTICATED_GROUP, MASTERS_GROUP, parse_sa_username};
use crate::rbac::{ObjectRef, UserInfo, matching_subject};
pub use catalogue::{CHECKS, Check};

const UNAUTHENTICATED_GROUP: &str = "system:unauthenticated";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// One step less (LOW stays LOW).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            _ => Severity::Low,
        }
    }

    pub const ALL: [Severity; 4] = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SaRef {
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for SaRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// One binding -> role -> rule chain that grants (part of) a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Chain {
    pub binding: ObjectRef,
    pub role: ObjectRef,
    pub rule_index: usize,
    pub rule: Arc<Rule>,
    /// The binding's subject that reaches the ServiceAccount (namespace defaulted as the authorizer does).
    pub subject: Subject,
    /// directly, user-alias or group.
    pub how: String,
    /// "cluster" or the RoleBinding's namespace.
    pub scope: String,
    /// The permissions of the catalogue pattern this rule grants, e.g. `create pods`.
    pub permissions: Vec<String>,
}

/// The second step of an escalation: a ServiceAccount whose power the finding's holder can take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Escalation {
    pub service_account: SaRef,
    /// How the power is taken, e.g. "run a pod as it".
    pub via: String,
    /// The target's CRITICAL findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    /// The cloud identities it maps to (SA-27).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cloud_identities: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingSa {
    pub namespace: String,
    pub name: String,
    /// False for a ServiceAccount that bindings name but that does not exist (anyone who may create it gets the
    /// power). Always true for the `*` of binding-wide findings (SA-25).
    pub exists: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cis: Option<String>,
    /// `{"namespace": "*", "name": "*"}` for SA-25, which concerns a binding to a group of every identity.
    pub service_account: FindingSa,
    /// SA-25: the group the binding names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    /// `["cluster"]` or the namespaces where it is held.
    pub scope: Vec<String>,
    /// The catalogue permissions held, e.g. `create pods`.
    pub permissions: Vec<String>,
    /// True when every grant is limited to resourceNames (listed in `resourceNames`, by scope).
    pub narrowed: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_names: BTreeMap<String, Vec<String>>,
    /// binding -> role -> rule chains.
    pub grants: Vec<Chain>,
    /// The ServiceAccounts whose power this one can take (two-step chains): powerful ones first, at most
    /// [`MAX_ESCALATIONS`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub escalation: Vec<Escalation>,
    /// True when the escalation reaches more ServiceAccounts than `escalation` lists.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub escalation_truncated: bool,
    /// The steps of this ServiceAccount's shortest path to cluster-admin (`kubectl sa paths`), when it has one
    /// within the default --max-steps; 0 when it already holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps_to_cluster_admin: Option<usize>,
    pub why: String,
    pub remediation: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// Stable key for baselines and SARIF: id, ServiceAccount, severity and scope.
    pub fingerprint: String,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Namespaces treated as privileged from the start (default: kube-system). Namespaces whose ServiceAccounts
    /// hold CRITICAL findings are added to them.
    pub privileged_namespaces: Option<Vec<String>>,
    /// Whether pods and token Secrets were read (else SA-08/09/10 assume any ServiceAccount of the namespace may
    /// run there, and SA-24 looks only at automount).
    pub workloads_known: bool,
    /// Build findings only for the ServiceAccounts of this namespace (severities still come from the whole
    /// cluster).
    pub only_namespace: Option<String>,
    /// Build findings only for this ServiceAccount.
    pub only_service_account: Option<SaRef>,
}

impl Options {
    fn shows(&self, sa: &SaRef) -> bool {
        self.only_namespace.as_ref().is_none_or(|ns| *ns == sa.namespace)
            && self.only_service_account.as_ref().is_none_or(|only| only == sa)
    }

    /// SA-25 findings concern every identity of a group: every namespace has them, and one ServiceAccount has
    /// those of system:authenticated.
    fn shows_everyone(&self, f: &Finding) -> bool {
        self.only_service_account.is_none() || f.subject.as_ref().is_some_and(|s| s.name == AUTHENTICATED_GROUP)
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    pub findings: Vec<Finding>,
    /// The privileged namespaces the severities used (seed plus those holding CRITICAL ServiceAccounts).
    pub privileged_namespaces: Vec<String>,
    /// How many ServiceAccounts were evaluated (existing ones and missing ones bindings name).
    pub service_accounts: usize,
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 1: where each pattern is held.
//
// Phase 1 keeps its facts for every ServiceAccount until the fixed point is reached (tens of thousands on large
// clusters), so they borrow from the cluster instead of copying names: a grant is a binding id and a rule, and
// the subject and texts of its chain are built only when a finding is written.

/// A catalogue permission held, e.g. `create pods`. Small, because phase 1 holds about a million of them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Perm<'a> {
    Text(&'static str),
    /// SA-02: a rule with a wildcard (its text is built when a finding is written).
    Wildcard(&'a Rule),
    /// SA-24 / SA-27: facts found outside RBAC.
    Owned(Box<str>),
}

impl Perm<'_> {
    /// The permission of a probe, e.g. `create pods/exec`: one text per probe for the whole process.
    fn of(pr: &Probe) -> Perm<'static> {
        type Key = (&'static str, &'static str, &'static str, &'static str);
        static TEXTS: std::sync::LazyLock<std::sync::Mutex<HashMap<Key, &'static str>>> =
            std::sync::LazyLock::new(Default::default);
        let mut texts = TEXTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let text = texts.entry((pr.verb, pr.group, pr.resource, pr.subresource)).or_insert_with(|| {
            let mut s = format!("{} {}", pr.verb, pr.resource);
            if !pr.group.is_empty() {
                s.push('.');
                s.push_str(pr.group);
            }
            if !pr.subresource.is_empty() {
                s.push('/');
                s.push_str(pr.subresource);
            }
            // Bounded: the catalogue's probes are a fixed set of about a hundred.
            Box::leak(s.into_boxed_str())
        });
        Perm::Text(text)
    }

    fn text(&self) -> String {
        match self {
            Perm::Text(t) => (*t).to_string(),
            Perm::Wildcard(rule) => format!("wildcard rule {rule}"),
            Perm::Owned(t) => t.to_string(),
        }
    }
}

/// Adds a permission to a short list unless it is there.
fn add_perm<'a>(perms: &mut Vec<Perm<'a>>, p: Perm<'a>) {
    if !perms.contains(&p) {
        perms.push(p);
    }
}

/// Units by scope, sorted by scope. Most hits have one or two scopes; a BTreeMap node has room for eleven.
#[derive(Debug, Clone, Default)]
struct Units<'a>(Vec<(&'a str, Unit<'a>)>);

impl<'a> Units<'a> {
    fn one(scope: &'a str, unit: Unit<'a>) -> Self {
        Units(vec![(scope, unit)])
    }

    fn position(&self, scope: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(s, _)| (*s).cmp(scope))
    }

    /// The unit of a scope, added if missing.
    fn entry(&mut self, scope: &'a str) -> &mut Unit<'a> {
        let i = match self.position(scope) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (scope, Unit::default()));
                i
            }
        };
        &mut self.0[i].1
    }

    fn get(&self, scope: &str) -> Option<&Unit<'a>> {
        self.position(scope).ok().map(|i| &self.0[i].1)
    }

    fn contains_key(&self, scope: &str) -> bool {
        self.position(scope).is_ok()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = (&'a str, &Unit<'a>)> {
        self.0.iter().map(|(s, u)| (*s, u))
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = (&'a str, &mut Unit<'a>)> {
        self.0.iter_mut().map(|(s, u)| (*s, u))
    }

    fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.0.iter().map(|(s, _)| *s)
    }

    fn values(&self) -> impl Iterator<Item = &Unit<'a>> {
        self.0.iter().map(|(_, u)| u)
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut Unit<'a>> {
        self.0.iter_mut().map(|(_, u)| u)
    }

    fn retain(&mut self, mut keep: impl FnMut(&str, &Unit<'a>) -> bool) {
        self.0.retain(|(s, u)| keep(s, u));
    }

    /// Gives back spare capacity: phase 1 keeps its units until the end.
    fn shrink(&mut self) {
        self.0.shrink_to_fit();
        for (_, u) in &mut self.0 {
            u.permissions.shrink_to_fit();
        }
    }
}

/// Where one pattern is held within one scope ("cluster" or a namespace).
#[derive(Debug, Clone, Default)]
struct Unit<'a> {
    /// Held for any name.
    any: bool,
    /// Held only for these names.
    names: BTreeSet<&'a str>,
    permissions: Vec<Perm<'a>>,
}

/// One binding -> role -> rule chain of a ServiceAccount, as phase 1 keeps it (see [`Chain`]).
#[derive(Debug, Clone)]
struct Grant<'a> {
    /// The unit (scope key of [`Hit::units`]) this grant supports.
    unit: &'a str,
    binding: BindingId,
    rule_index: usize,
    rule: &'a Arc<Rule>,
    /// "cluster" or the RoleBinding's namespace.
    scope: &'a str,
    permissions: Vec<Perm<'a>>,
}

/// Where one pattern is held, by scope, with the chains that grant it.
#[derive(Debug, Clone, Default)]
struct Hit<'a> {
    units: Units<'a>,
    grants: Vec<Grant<'a>>,
}

impl<'a> Hit<'a> {
    fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Gives back spare capacity: phase 1 keeps its hits until the end.
    fn shrink(&mut self) {
        self.units.shrink();
        self.grants.shrink_to_fit();
    }

    fn any_in(&self, scope: &str) -> bool {
        self.units.get(scope).is_some_and(|u| u.any)
    }

    fn merge(&mut self, other: Hit<'a>) {
        for (scope, u) in other.units.0 {
            let e = self.units.entry(scope);
            e.any |= u.any;
            e.names.extend(u.names);
            for p in u.permissions {
                add_perm(&mut e.permissions, p);
            }
        }
        for g in other.grants {
            push_grant(&mut self.grants, g);
        }
    }

    /// Keeps the units (and their grants) for which `keep` holds.
    fn filter(mut self, mut keep: impl FnMut(&str, &Unit<'a>) -> bool) -> Hit<'a> {
        self.units.retain(|s, u| keep(s, u));
        let units = &self.units;
        self.grants.retain(|g| units.contains_key(g.unit));
        self
    }

    /// Adds `other`'s chains and permissions to every unit of this hit (the second half of a combination).
    fn combine(&mut self, other: &Hit<'a>) {
        for (k, unit) in self.units.iter_mut() {
            for p in other.units.values().flat_map(|u| u.permissions.iter()) {
                add_perm(&mut unit.permissions, p.clone());
            }
            for g in &other.grants {
                push_grant(&mut self.grants, Grant { unit: k, ..g.clone() });
            }
        }
    }
}

struct Probe {
    verb: &'static str,
    group: &'static str,
    resource: &'static str,
    subresource: &'static str,
    /// False for cluster-scoped resources: RoleBindings never reach them.
    namespaced: bool,
}

const fn p(verb: &'static str, group: &'static str, resource: &'static str, sub: &'static str, ns: bool) -> Probe {
    Probe { verb, group, resource, subresource: sub, namespaced: ns }
}

/// Adds a grant for a unit, merging it with one of the same binding and rule (for one ServiceAccount a binding
/// always reaches it through the same subject).
fn push_grant<'a>(grants: &mut Vec<Grant<'a>>, grant: Grant<'a>) {
    match grants
        .iter_mut()
        .find(|g| g.unit == grant.unit && g.binding == grant.binding && g.rule_index == grant.rule_index)
    {
        Some(g) => {
            for p in grant.permissions {
                add_perm(&mut g.permissions, p);
            }
        }
        None => grants.push(grant),
    }
}

/// One ServiceAccount's rules, with what is needed to describe the chains.
struct Identity<'a> {
    cluster: &'a Cluster,
    rules: IdentityRules<'a>,
}

impl<'a> Identity<'a> {
    fn grant(m: &Matched<'a>, unit: &'a str, permission: Perm<'a>) -> Grant<'a> {
        Grant {
            unit,
            binding: m.binding,
            rule_index: m.rule_index,
            rule: m.rule,
            scope: m.scope,
            permissions: vec![permission],
        }
    }

    fn add(&self, hit: &mut Hit<'a>, m: &Matched<'a>, permission: Perm<'a>, names_void: bool, namespace_object: bool) {
        let mut names: BTreeSet<&'a str> = m.rule.resource_names.iter().map(String::as_str).collect();
        if names_void && !names.is_empty() {
            // resourceNames never allow a request without a name (create on a collection).
            return;
        }
        if namespace_object && m.scope != "cluster" {
            // A RoleBinding in NS reaches only the namespace object NS.
            if !names.is_empty() && !names.contains(m.scope) {
                return;
            }
            names = BTreeSet::from([m.scope]);
        }
        let unit = hit.units.entry(m.scope);
        if names.is_empty() {
            unit.any = true;
        } else {
            unit.names.extend(names);
        }
        add_perm(&mut unit.permissions, permission.clone());
        push_grant(&mut hit.grants, Self::grant(m, m.scope, permission));
    }

    /// Where any of the probes is allowed.
    fn hit(&self, probes: &[Probe]) -> Hit<'a> {
        let mut hit = Hit::default();
        for pr in probes {
            let names_void = pr.subresource.is_empty() && matches!(pr.verb, "create" | "deletecollection");
            let namespace_object = pr.group.is_empty() && pr.resource == "namespaces" && pr.subresource.is_empty();
            for m in self.rules.matching(pr.verb, pr.group, pr.resource, pr.subresource, pr.namespaced) {
                self.add(&mut hit, &m, Perm::of(pr), names_void, namespace_object);
            }
        }
        hit
    }
}

/// A pattern held by one ServiceAccount, before severities. `mode` distinguishes variants of one entry.
#[derive(Debug, Clone)]
struct Candidate<'a> {
    id: &'static str,
    mode: Mode,
    hit: Hit<'a>,
    details: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    /// SA-09 with get only (websocket exec before 1.35).
    GetOnly,
    /// SA-14 without create on bindings.
    BindOnly,
    /// SA-16 on serviceaccounts.
    ServiceAccounts,
    /// SA-24 / SA-27: not an RBAC permission.
    Workload,
}

const WORKLOADS: &[(&str, &str)] = &[
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
];

const ADMISSION: &[&str] = &[
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicybindings",
];

fn rbac_candidates<'a>(id: &Identity<'a>) -> Vec<Candidate<'a>> {
    let mut out = Vec::new();
    let mut push = |cid: &'static str, mode: Mode, mut hit: Hit<'a>| {
        if !hit.is_empty() {
            hit.shrink();
            out.push(Candidate { id: cid, mode, hit, details: Vec::new() });
        }
    };
    const RBAC: &str = "rbac.authorization.k8s.io";

    // SA-01: a full-wildcard rule. The probe `* * *` matches exactly the rules listing `*` in all three.
    let mut full = id.hit(&[p("*", "*", "*", "", true)]);
    for g in &mut full.grants {
        g.permissions = vec![Perm::Text("* *.*")];
    }
    for u in full.units.values_mut() {
        u.permissions = vec![Perm::Text("* *.*")];
    }
    // Any binding to cluster-admin, whatever its rules say.
    for m in id.rules.all() {
        let b = id.cluster.binding(m.binding);
        if b.role_ref.kind == "ClusterRole" && b.role_ref.name == "cluster-admin" && m.rule_index == 0 {
            let unit = full.units.entry(m.scope);
            unit.any = true;
            add_perm(&mut unit.permissions, Perm::Text("cluster-admin"));
            if !full.grants.iter().any(|g| g.binding == m.binding) {
                full.grants.push(Identity::grant(&m, m.scope, Perm::Text("cluster-admin")));
            }
        }
    }
    let full_bindings: BTreeSet<BindingId> = full.grants.iter().map(|g| g.binding).collect();
    push("SA-01", Mode::Normal, full);

    // SA-02: any `*` in verbs, resources or apiGroups (rules of SA-01 bindings are reported there).
    let mut wild = Hit::default();
    for m in id.rules.all() {
        let r = m.rule;
        let star = |v: &[String]| v.iter().any(|x| x == "*");
        if !(star(&r.verbs) || star(&r.api_groups) || star(&r.resources)) {
            continue;
        }
        if m.scope != "cluster" && r.resources.is_empty() {
            // nonResourceURLs rules are never reached through a RoleBinding.
            continue;
        }
        if full_bindings.contains(&m.binding) {
            continue;
        }
        id.add(&mut wild, &m, Perm::Wildcard(r), false, false);
    }
    push("SA-02", Mode::Normal, wild);

    push("SA-03", Mode::Normal, id.hit(&[p("get", "", "secrets", "", true)]));
    push("SA-04", Mode::Normal, id.hit(&[p("list", "", "secrets", "", true), p("watch", "", "secrets", "", true)]));
    push(
        "SA-05",
        Mode::Normal,
        id.hit(&[
            p("create", "", "secrets", "", true),
            p("update", "", "secrets", "", true),
            p("patch", "", "secrets", "", true),
        ]),
    );
    push("SA-06", Mode::Normal, id.hit(&[p("create", "", "pods", "", true)]));
    let mut workload_probes = Vec::new();
    for &(g, r) in WORKLOADS {
        for v in ["create", "update", "patch"] {
            workload_probes.push(p(v, g, r, "", true));
        }
    }
    push("SA-07", Mode::Normal, id.hit(&workload_probes));
    push("SA-08", Mode::Normal, id.hit(&[p("update", "", "pods", "", true), p("patch", "", "pods", "", true)]));
    let exec_create = id.hit(&[p("create", "", "pods", "exec", true), p("create", "", "pods", "attach", true)]);
    let exec_get = id.hit(&[p("get", "", "pods", "exec", true), p("get", "", "pods", "attach", true)]);
    let covered: BTreeSet<&str> = exec_create.units.keys().collect();
    let cluster_covered = exec_create.any_in("cluster");
    push("SA-09", Mode::Normal, exec_create);
    push("SA-09", Mode::GetOnly, exec_get.filter(|s, _| !cluster_covered && !covered.contains(s)));
    push(
        "SA-10",
        Mode::Normal,
        id.hit(&[
            p("update", "", "pods", "ephemeralcontainers", true),
            p("patch", "", "pods", "ephemeralcontainers", true),
        ]),
    );
    push(
        "SA-11",
        Mode::Normal,
        id.hit(&[p("get", "", "nodes", "proxy", false), p("create", "", "nodes", "proxy", false)]),
    );
    push("SA-12", Mode::Normal, id.hit(&[p("create", "", "persistentvolumes", "", false)]));
    push(
        "SA-13",
        Mode::Normal,
        id.hit(&[p("escalate", RBAC, "roles", "", true), p("escalate", RBAC, "clusterroles", "", false)]),
    );
    // bind on clusterroles through a RoleBinding lets it bind ClusterRoles in RoleBindings of that namespace.
    let bind = id.hit(&[p("bind", RBAC, "roles", "", true), p("bind", RBAC, "clusterroles", "", true)]);
    if !bind.is_empty() {
        let create =
            id.hit(&[p("create", RBAC, "rolebindings", "", true), p("create", RBAC, "clusterrolebindings", "", false)]);
        let can_create = |s: &str| create.any_in("cluster") || (s != "cluster" && create.any_in(s));
        let mut full = bind.clone().filter(|s, _| can_create(s));
        for (scope, unit) in full.units.iter_mut() {
            // The create grants that make this unit exploitable: cluster-wide ones, or those of its namespace.
            for g in &create.grants {
                if g.unit == "cluster" || g.unit == scope {
                    push_grant(&mut full.grants, Grant { unit: scope, ..g.clone() });
                    for p in &g.permissions {
                        add_perm(&mut unit.permissions, p.clone());
                    }
                }
            }
        }
        push("SA-14", Mode::Normal, full);
        push("SA-14", Mode::BindOnly, bind.filter(|s, _| !can_create(s)));
    }
    let mut rbac_writes = Vec::new();
    for v in ["create", "update", "patch"] {
        rbac_writes.push(p(v, RBAC, "roles", "", true));
        rbac_writes.push(p(v, RBAC, "rolebindings", "", true));
        rbac_writes.push(p(v, RBAC, "clusterroles", "", false));
        rbac_writes.push(p(v, RBAC, "clusterrolebindings", "", false));
    }
    push("SA-15", Mode::Normal, id.hit(&rbac_writes));
    push(
        "SA-16",
        Mode::Normal,
        id.hit(&[
            p("impersonate", "", "users", "", false),
            p("impersonate", "", "groups", "", false),
            p("impersonate", "authentication.k8s.io", "userextras", "", false),
            p("impersonate", "authentication.k8s.io", "uids", "", false),
        ]),
    );
    push("SA-16", Mode::ServiceAccounts, id.hit(&[p("impersonate", "", "serviceaccounts", "", true)]));
    let csr_create = id.hit(&[p("create", "certificates.k8s.io", "certificatesigningrequests", "", false)]);
    let csr_approval = id.hit(&[
        p("update", "certificates.k8s.io", "certificatesigningrequests", "approval", false),
        p("patch", "certificates.k8s.io", "certificatesigningrequests", "approval", false),
    ]);
    let signers = id.hit(&[p("approve", "certificates.k8s.io", "signers", "", false)]);
    if !csr_create.is_empty() && !csr_approval.is_empty() && !signers.is_empty() {
        let mut all = csr_create;
        all.merge(csr_approval);
        all.merge(signers);
        push("SA-17", Mode::Normal, all);
    }
    push("SA-18", Mode::Normal, id.hit(&[p("create", "", "serviceaccounts", "token", true)]));
    let mut admission = Vec::new();
    for v in ["create", "update", "patch"] {
        for r in ADMISSION {
            admission.push(p(v, "admissionregistration.k8s.io", r, "", false));
        }
    }
    push("SA-19", Mode::Normal, id.hit(&admission));
    push(
        "SA-20",
        Mode::Normal,
        id.hit(&[p("update", "", "namespaces", "", true), p("patch", "", "namespaces", "", true)]),
    );
    let nodes = id.hit(&[p("patch", "", "nodes", "", false), p("update", "", "nodes", "", false)]);
    if !nodes.is_empty() {
        let mut evict = id.hit(&[p("delete", "", "pods", "", true), p("create", "", "pods", "eviction", true)]);
        if !evict.is_empty() {
            evict.combine(&nodes);
            push("SA-21", Mode::Normal, evict);
        }
    }
    push(
        "SA-22",
        Mode::Normal,
        id.hit(&[
            p("update", "", "nodes", "status", false),
            p("patch", "", "nodes", "status", false),
            p("update", "", "pods", "status", true),
            p("patch", "", "pods", "status", true),
            p("update", "", "services", "status", true),
            p("patch", "", "services", "status", true),
        ]),
    );
    let cm = id.hit(&[p("update", "", "configmaps", "", true), p("patch", "", "configmaps", "", true)]);
    push(
        "SA-23",
        Mode::Normal,
        cm.filter(|s, u| (s == "cluster" || s == "kube-system") && (u.any || u.names.contains("aws-auth"))),
    );
    let mut crd = Vec::new();
    for v in ["create", "update", "patch", "delete"] {
        crd.push(p(v, "apiextensions.k8s.io", "customresourcedefinitions", "", false));
    }
    push("SA-26", Mode::Normal, id.hit(&crd));
    // SA-23 only concerns aws-auth: drop other names.
    for c in &mut out {
        if c.id == "SA-23" {
            for u in c.hit.units.values_mut() {
                u.names.retain(|n| *n == "aws-auth");
            }
        }
    }
    out
}

/// Everything phase 1 learns about one ServiceAccount.
struct SaFacts<'a> {
    sa: SaRef,
    exists: bool,
    candidates: Vec<Candidate<'a>>,
    /// How many of `candidates` come from RBAC (the rest from workloads).
    rbac_len: usize,
    /// The RBAC candidates were lent by an audit of another state: they give the same severities and
    /// fingerprints, but their grants point into that state, so findings are built from fresh ones.
    borrowed: bool,
    pod_count: usize,
}

/// RBAC candidates of an audit of one state, lent to an audit of another for the ServiceAccounts whose
/// permissions are the same in both (see [`Audit::lend`]).
pub struct Lent<'a> {
    candidates: HashMap<(String, String), Vec<Candidate<'a>>>,
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 2: severities, escalations, fixed point.

struct Ctx {
    privileged: BTreeSet<String>,
    /// ServiceAccount -> its CRITICAL findings (existing ServiceAccounts only).
    powerful: BTreeMap<SaRef, Vec<String>>,
    /// ServiceAccount -> its cloud identities.
    cloud: BTreeMap<SaRef, Vec<String>>,
    /// Powerful ServiceAccounts by namespace, rebuilt per iteration.
    powerful_by_ns: BTreeMap<String, BTreeSet<String>>,
    /// ServiceAccounts with a cloud identity that are not powerful, by namespace.
    cloud_by_ns: BTreeMap<String, BTreeSet<String>>,
    /// Pods by namespace: pod name -> ServiceAccount.
    pods_by_ns: BTreeMap<String, BTreeMap<String, String>>,
    /// The ServiceAccounts pods run as, by namespace.
    pod_sas_by_ns: BTreeMap<String, BTreeSet<String>>,
    workloads_known: bool,
}

#[derive(Clone, Copy)]
enum Target {
    /// Any ServiceAccount of the namespace (a new pod or controller can run as it).
    AnySa(&'static str),
    /// The ServiceAccounts of existing pods (optionally by pod name).
    PodSas(&'static str),
    /// ServiceAccounts by name (serviceaccounts/token, impersonate serviceaccounts).
    NamedSa(&'static str),
}

impl Ctx {
    fn privileged_scope(&self, scope: &str) -> bool {
        scope == "cluster" || self.privileged.contains(scope)
    }

    /// The ServiceAccounts whose power `holder` can take through `target` in `scope`: powerful ones first, at most
    /// [`MAX_ESCALATIONS`] of them. Scans stop as soon as the list is full, so a cluster-wide grant in a cluster
    /// with thousands of powerful ServiceAccounts costs no more than a namespaced one. `light` (severity only)
    /// builds no list.
    fn targets(&self, target: Target, holder: &SaRef, scope: &str, unit: &Unit<'_>, light: bool) -> Targets {
        let mut out = Targets::default();
        // Severity-only passes need one target at most: powerful ones come first.
        let limit = if light { 1 } else { MAX_ESCALATIONS };
        let (via, pods_only, names): (&str, bool, Option<BTreeSet<&str>>) = match target {
            Target::AnySa(v) => (v, false, None),
            Target::NamedSa(v) => (v, false, (!unit.any).then(|| unit.names.iter().copied().collect())),
            Target::PodSas(v) if !self.workloads_known => (v, false, None),
            Target::PodSas(v) if unit.any => (v, true, None),
            Target::PodSas(v) => {
                // Pods by name: their ServiceAccounts, in the namespaces in scope.
                let sas: BTreeSet<&str> = self
                    .pods_by_ns
                    .iter()
                    .filter(|(ns, _)| scope == "cluster" || ns.as_str() == scope)
                    .flat_map(|(_, pods)| {
                        pods.iter().filter(|(p, _)| unit.names.contains(p.as_str())).map(|(_, sa)| sa.as_str())
                    })
                    .collect();
                (v, false, Some(sas))
            }
        };
        for (pass, lists) in [(true, &self.powerful_by_ns), (false, &self.cloud_by_ns)] {
            let namespaces: Box<dyn Iterator<Item = (&String, &BTreeSet<String>)>> = if scope == "cluster" {
                Box::new(lists.iter())
            } else {
                Box::new(lists.get_key_value(scope).into_iter())
            };
            'ns: for (ns, members) in namespaces {
                let run_pods = self.pod_sas_by_ns.get(ns.as_str());
                let mut candidates: Box<dyn Iterator<Item = &str>> = match &names {
                    Some(n) => Box::new(n.iter().copied().filter(|x| members.contains(*x))),
                    None => Box::new(members.iter().map(String::as_str)),
                };
                for name in &mut candidates {
                    if (pods_only && !run_pods.is_some_and(|s| s.contains(name)))
                        || (holder.namespace == *ns && holder.name == *name)
                    {
                        continue;
                    }
                    if out.found == limit {
                        out.truncated = true;
                        break 'ns;
                    }
                    out.found += 1;
                    out.any_powerful |= pass;
                    if light {
                        continue;
                    }
                    let sa = SaRef { namespace: ns.clone(), name: name.to_string() };
                    out.list.push(Escalation {
                        findings: self.powerful.get(&sa).cloned().unwrap_or_default(),
                        cloud_identities: self.cloud.get(&sa).cloned().unwrap_or_default(),
                        service_account: sa,
                        via: via.to_string(),
                    });
                }
            }
            if out.truncated {
                break;
            }
        }
        out
    }

    /// Rebuilds the escalation candidates (ServiceAccounts that are powerful or have a cloud identity) by namespace.
    fn rebuild_candidates(&mut self) {
        self.powerful_by_ns.clear();
        self.cloud_by_ns.clear();
        for sa in self.powerful.keys() {
            self.powerful_by_ns.entry(sa.namespace.clone()).or_default().insert(sa.name.clone());
        }
        for sa in self.cloud.keys().filter(|s| !self.powerful.contains_key(*s)) {
            self.cloud_by_ns.entry(sa.namespace.clone()).or_default().insert(sa.name.clone());
        }
    }
}

/// At most this many escalation targets are listed per finding (`escalationTotal` counts them all).
pub const MAX_ESCALATIONS: usize = 10;

#[derive(Default)]
struct Targets {
    list: Vec<Escalation>,
    /// How many were found (the list stays empty in severity-only passes).
    found: usize,
    /// More targets exist than listed.
    truncated: bool,
    any_powerful: bool,
}

impl Targets {
    fn severity(&self) -> Option<Severity> {
        if self.any_powerful {
            Some(Severity::Critical)
        } else if self.found > 0 {
            Some(Severity::High)
        } else {
            None
        }
    }
}

/// Severity of one unit of a candidate, and the escalations it opens. None drops the unit (SA-05 outside
/// namespaces with powerful ServiceAccounts).
fn assess(
    c: &Candidate<'_>,
    ctx: &Ctx,
    holder: &SaRef,
    scope: &str,
    unit: &Unit<'_>,
    light: bool,
) -> Option<(Severity, Targets)> {
    use Severity::*;
    let narrowed = !unit.any;
    let cluster = scope == "cluster";
    let privileged = ctx.privileged_scope(scope);
    let ns_level = |base: Severity| if privileged { Critical } else { base };
    let lower_if = |s: Severity, cond: bool| if cond { s.lower() } else { s };
    let with_targets = |t: Target, base: Severity, narrowable: bool| {
        let esc = ctx.targets(t, holder, scope, unit, light);
        let sev = match esc.severity() {
            Some(Critical) => Critical,
            other => {
                let s = lower_if(ns_level(base), narrowable && narrowed);
                s.max(other.unwrap_or(Low))
            }
        };
        (sev, esc)
    };
    let sev = match (c.id, c.mode) {
        ("SA-01", _) => (lower_if(ns_level(High), narrowed), Targets::default()),
        ("SA-02", _) => (if cluster { Medium } else { Low }, Targets::default()),
        ("SA-03" | "SA-04", _) => (lower_if(ns_level(High), narrowed), Targets::default()),
        ("SA-05", _) => {
            let esc = ctx.targets(Target::AnySa("create a legacy token Secret for it"), holder, scope, unit, light);
            let sev = match esc.severity() {
                Some(s) => s,
                None if privileged => Critical,
                None => return None,
            };
            (lower_if(sev, narrowed), esc)
        }
        ("SA-06", _) => with_targets(Target::AnySa("run a pod as it"), High, false),
        ("SA-07", _) => with_targets(Target::AnySa("run a workload as it"), High, false),
        ("SA-08", _) => with_targets(Target::PodSas("replace the image of its pod"), High, true),
        ("SA-09", Mode::GetOnly) => {
            (Medium, ctx.targets(Target::PodSas("exec into its pod"), holder, scope, unit, light))
        }
        ("SA-09", _) => with_targets(Target::PodSas("exec into its pod"), High, true),
        ("SA-10", _) => with_targets(Target::PodSas("add a debug container to its pod"), High, true),
        ("SA-11", _) => (Critical, Targets::default()),
        ("SA-12", _) => (High, Targets::default()),
        ("SA-13", _) => (lower_if(ns_level(High), narrowed), Targets::default()),
        ("SA-14", Mode::BindOnly) => (Medium, Targets::default()),
        ("SA-14", _) => {
            let powerful_names = unit.names.iter().any(|n| matches!(*n, "cluster-admin" | "admin" | "edit"));
            (lower_if(ns_level(High), narrowed && !powerful_names), Targets::default())
        }
        ("SA-15", _) => (if cluster { High } else { Medium }, Targets::default()),
        ("SA-16", Mode::ServiceAccounts) => with_targets(Target::NamedSa("impersonate it"), High, false),
        ("SA-16", _) => {
            let masters = unit.names.iter().any(|n| *n == MASTERS_GROUP || n.starts_with("system:"));
            (if narrowed && !masters { High } else { Critical }, Targets::default())
        }
        ("SA-17", _) => (Critical, Targets::default()),
        ("SA-18", _) => with_targets(Target::NamedSa("mint a token for it"), High, false),
        ("SA-19", _) => (High, Targets::default()),
        ("SA-20", _) => (Medium, Targets::default()),
        ("SA-21", _) => (High, Targets::default()),
        ("SA-22", _) => (lower_if(Medium, narrowed), Targets::default()),
        ("SA-23", _) => (Critical, Targets::default()),
        ("SA-24", _) => (Low, Targets::default()),
        ("SA-26", _) => (High, Targets::default()),
        ("SA-27", _) => (Medium, Targets::default()),
        ("SA-28", _) => (High, Targets::default()),
        ("SA-29", _) => (Low, Targets::default()),
        _ => (Medium, Targets::default()),
    };
    Some(sev)
}

/// The ids of the CRITICAL findings of one ServiceAccount (severities only).
fn critical_ids(facts: &SaFacts<'_>, ctx: &Ctx) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for c in &facts.candidates {
        if ids.iter().any(|i| i == c.id) {
            continue;
        }
        let cluster_any = c.hit.any_in("cluster");
        let critical = c.hit.units.iter().filter(|(s, _)| !cluster_any || *s == "cluster").any(|(scope, unit)| {
            assess(c, ctx, &facts.sa, scope, unit, true).is_some_and(|(s, _)| s == Severity::Critical)
        });
        if critical {
            ids.push(c.id.to_string());
        }
    }
    ids
}

/// The severities at which one candidate becomes findings: one finding per severity.
fn severities_of(c: &Candidate<'_>, ctx: &Ctx, holder: &SaRef) -> BTreeSet<Severity> {
    // A cluster-wide grant for any name subsumes the namespaced ones.
    let cluster_any = c.hit.any_in("cluster");
    c.hit
        .units
        .iter()
        .filter(|(s, _)| !cluster_any || *s == "cluster")
        .filter_map(|(scope, unit)| assess(c, ctx, holder, scope, unit, true).map(|(s, _)| s))
        .collect()
}

/// The chain of a grant as findings show it, with the subject that reaches the ServiceAccount.
fn chain_of(cluster: &Cluster, user: &UserInfo, g: &Grant<'_>) -> Chain {
    let b = cluster.binding(g.binding);
    // The binding was found through this user, so some subject entry applies.
    let (subject, how) = matching_subject(b, user)
        .unwrap_or_else(|| (Subject { kind: String::new(), name: String::new(), namespace: String::new() }, "group"));
    Chain {
        binding: ObjectRef::of_binding(b),
        role: ObjectRef::of_role_ref(b),
        rule_index: g.rule_index,
        rule: g.rule.clone(),
        subject,
        how: how.into(),
        scope: g.scope.to_string(),
        permissions: g.permissions.iter().map(Perm::text).collect(),
    }
}

/// Where a finding comes from: SA-25's findings of everyone, or one ServiceAccount's at one severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingSource {
    Everyone,
    ServiceAccount(Severity, usize),
}

/// The fingerprints [`findings_of`] gives, from the same severity pass, without building escalation lists.
fn fingerprints_of(facts: &SaFacts<'_>, ctx: &Ctx, severity: Severity) -> Vec<String> {
    let mut out = Vec::new();
    for c in &facts.candidates {
        let cluster_any = c.hit.any_in("cluster");
        let scope: Vec<&str> = c
            .hit
            .units
            .iter()
            .filter(|(s, _)| !cluster_any || *s == "cluster")
            .filter(|(scope, unit)| assess(c, ctx, &facts.sa, scope, unit, true).is_some_and(|(s, _)| s == severity))
            .map(|(s, _)| s)
            .collect();
        if !scope.is_empty() {
            out.push(fingerprint(c.id, &facts.sa, severity, &scope));
        }
    }
    out
}

fn fingerprint(id: &str, sa: &SaRef, severity: Severity, scope: &[&str]) -> String {
    format!("{id}/{}/{}/{severity}/{}", sa.namespace, sa.name, scope.join(","))
}

/// The findings of one ServiceAccount at one severity, in report order (by id, then fingerprint).
fn findings_of(cluster: &Cluster, facts: &SaFacts<'_>, ctx: &Ctx, severity: Severity) -> Vec<Finding> {
    let user = UserInfo::service_account(&facts.sa.namespace, &facts.sa.name);
    let mut out = Vec::new();
    for c in &facts.candidates {
        // A cluster-wide grant for any name subsumes the namespaced ones.
        let cluster_any = c.hit.any_in("cluster");
        let hit = &c.hit;
        let mut units: Vec<(&str, &Unit<'_>, Targets)> = Vec::new();
        for (scope, unit) in hit.units.iter().filter(|(s, _)| !cluster_any || *s == "cluster") {
            // The severity-only pass first: escalation lists are built only for the units shown.
            if assess(c, ctx, &facts.sa, scope, unit, true).is_none_or(|(s, _)| s != severity) {
                continue;
            }
            if let Some((_, esc)) = assess(c, ctx, &facts.sa, scope, unit, false) {
                units.push((scope, unit, esc));
            }
        }
        if units.is_empty() {
            continue;
        }
        let check = catalogue::check(c.id);
        let scope: Vec<String> = units.iter().map(|(s, _, _)| s.to_string()).collect();
        let scope_set: BTreeSet<&str> = units.iter().map(|(s, _, _)| *s).collect();
        let narrowed = units.iter().all(|(_, u, _)| !u.any);
        let resource_names: BTreeMap<String, Vec<String>> = units
            .iter()
            .filter(|(_, u, _)| !u.any && !u.names.is_empty())
            .map(|(s, u, _)| (s.to_string(), u.names.iter().map(|n| n.to_string()).collect()))
            .collect();
        let permissions: BTreeSet<String> =
            units.iter().flat_map(|(_, u, _)| u.permissions.iter().map(Perm::text)).collect();
        let grants: Vec<Chain> =
            hit.grants.iter().filter(|g| scope_set.contains(g.unit)).map(|g| chain_of(cluster, &user, g)).collect();
        let escalation_truncated = units.iter().any(|(_, _, e)| e.truncated);
        let mut escalation: Vec<Escalation> = units.into_iter().flat_map(|(_, _, e)| e.list).collect();
        escalation.sort_by(|a, b| {
            a.findings.is_empty().cmp(&b.findings.is_empty()).then(a.service_account.cmp(&b.service_account))
        });
        escalation.dedup_by(|a, b| a.service_account == b.service_account);
        let escalation_truncated = escalation_truncated || escalation.len() > MAX_ESCALATIONS;
        escalation.truncate(MAX_ESCALATIONS);
        let mut details = c.details.clone();
        if c.mode == Mode::GetOnly {
            details.push(
                "get only: exec/attach over websockets needs only get on API servers before 1.35 (or with \
                 AuthorizePodWebsocketUpgradeCreatePermission off)"
                    .into(),
            );
        }
        if c.mode == Mode::BindOnly {
            details.push("bind without create on rolebindings/clusterrolebindings in the same scope".into());
        }
        let fingerprint = fingerprint(c.id, &facts.sa, severity, &scope.iter().map(String::as_str).collect::<Vec<_>>());
        out.push(Finding {
            id: c.id.into(),
            title: check.title.into(),
            severity,
            cis: check.cis.map(String::from),
            service_account: FindingSa {
                namespace: facts.sa.namespace.clone(),
                name: facts.sa.name.clone(),
                exists: facts.exists,
            },
            subject: None,
            scope,
            permissions: permissions.into_iter().collect(),
            narrowed,
            resource_names,
            grants,
            escalation,
            escalation_truncated,
            steps_to_cluster_admin: None,
            why: check.why.into(),
            remediation: check.remediation.into(),
            details,
            fingerprint,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.fingerprint.cmp(&b.fingerprint)));
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Non-RBAC entries and the driver.

/// Default bootstrap bindings to system:authenticated / system:unauthenticated / system:masters (A.10).
const BOOTSTRAP_GROUP_BINDINGS: &[&str] =
    &["system:basic-user", "system:discovery", "system:public-info-viewer", "cluster-admin"];

fn sa25(cluster: &Cluster) -> Vec<Finding> {
    let check = catalogue::check("SA-25");
    let mut out = Vec::new();
    for (_, b) in cluster.all_bindings() {
        let default = b.kind == BindingKind::ClusterRoleBinding
            && BOOTSTRAP_GROUP_BINDINGS.contains(&b.name.as_str())
            && b.role_ref.kind == "ClusterRole"
            && b.role_ref.name == b.name;
        if default {
            continue;
        }
        for s in &b.subjects {
            if s.kind != "Group"
                || ![MASTERS_GROUP, AUTHENTICATED_GROUP, UNAUTHENTICATED_GROUP].contains(&s.name.as_str())
            {
                continue;
            }
            let (rules, error) = match cluster.resolve_role(b) {
                Ok(r) => (r.rules.clone(), None),
                Err(e) => (Vec::new(), Some(e)),
            };
            let scope =
                if b.kind == BindingKind::ClusterRoleBinding { "cluster".to_string() } else { b.namespace.clone() };
            let grants = rules
                .iter()
                .enumerate()
                .map(|(i, r)| Chain {
                    binding: ObjectRef::of_binding(b),
                    role: ObjectRef::of_role_ref(b),
                    rule_index: i,
                    rule: r.clone(),
                    subject: s.clone(),
                    how: "group".into(),
                    scope: scope.clone(),
                    permissions: vec![r.to_string()],
                })
                .collect();
            let mut details = vec![format!(
                "{} {} binds {} to Group {:?}",
                b.kind.as_str(),
                ObjectRef::of_binding(b),
                ObjectRef::of_role_ref(b),
                s.name
            )];
            if s.name == MASTERS_GROUP {
                details.push("system:masters is allowed everything before RBAC is consulted: the binding adds nothing but hides who is superuser".into());
            }
            if let Some(e) = error {
                details.push(format!("its roleRef dangles ({e}): it grants nothing until that role exists"));
            }
            let fingerprint = format!("SA-25/*/*/CRITICAL/{}/{}", ObjectRef::of_binding(b), s.name);
            out.push(Finding {
                id: "SA-25".into(),
                title: check.title.into(),
                severity: Severity::Critical,
                cis: check.cis.map(String::from),
                service_account: FindingSa { namespace: "*".into(), name: "*".into(), exists: true },
                subject: Some(Subject { kind: "Group".into(), name: s.name.clone(), namespace: String::new() }),
                scope: vec![scope.clone()],
                permissions: vec![format!("{} bound to {}", ObjectRef::of_role_ref(b), s.name)],
                narrowed: false,
                resource_names: BTreeMap::new(),
                grants,
                escalation: Vec::new(),
                escalation_truncated: false,
                steps_to_cluster_admin: None,
                why: check.why.into(),
                remediation: check.remediation.into(),
                details,
                fingerprint,
            });
        }
    }
    out
}

/// Every ServiceAccount the audit looks at: the existing ones, and the missing ones bindings name (directly or
/// through their User alias).
pub fn service_accounts(cluster: &Cluster) -> BTreeMap<SaRef, bool> {
    sa_names(cluster)
        .into_iter()
        .map(|((namespace, name), exists)| (SaRef { namespace: namespace.into(), name: name.into() }, exists))
        .collect()
}

/// [`service_accounts`], borrowing the names from the cluster.
fn sa_names(cluster: &Cluster) -> BTreeMap<(&str, &str), bool> {
    let mut out: BTreeMap<(&str, &str), bool> =
        cluster.service_accounts.keys().map(|(ns, name)| ((ns.as_str(), name.as_str()), true)).collect();
    for (_, b) in cluster.all_bindings() {
        for s in &b.subjects {
            let r = match s.kind.as_str() {
                "ServiceAccount" => {
                    let ns = if s.namespace.is_empty() { &b.namespace } else { &s.namespace };
                    (!ns.is_empty() && !s.name.is_empty()).then_some((ns.as_str(), s.name.as_str()))
                }
                "User" => parse_sa_username(&s.name),
                _ => None,
            };
            if let Some(r) = r {
                out.entry(r).or_insert(false);
            }
        }
    }
    out
}

/// The audit of a cluster at its fixed point. Findings are built on demand, one ServiceAccount at a time, in
/// report order ([`Audit::findings`]): a large cluster has a hundred thousand of them, and holding them all (with
/// their chains and escalations) took several times the memory of the cluster itself.
pub struct Audit<'a> {
    cluster: &'a Cluster,
    facts: Vec<SaFacts<'a>>,
    ctx: Ctx,
    /// SA-25 findings (all CRITICAL, ServiceAccount `*/*`), sorted, as the options select them.
    everyone: Vec<Finding>,
    /// (severity, index in `facts`, number of findings) for the ServiceAccounts shown, in report order.
    order: Vec<(Severity, usize, usize)>,
    /// The privileged namespaces the severities used (seed plus those holding CRITICAL ServiceAccounts).
    pub privileged_namespaces: Vec<String>,
    /// How many ServiceAccounts were evaluated (existing ones and missing ones bindings name).
    pub service_accounts: usize,
    /// (namespace, name) -> the steps of its shortest path to cluster-admin (`paths`), for those with one.
    steps_to_cluster_admin: HashMap<(String, String), usize>,
    /// What the findings were built for (findings of lent candidates are rebuilt with them).
    workloads_known: bool,
}

impl<'a> Audit<'a> {
    /// How many findings of each severity [`Audit::findings`] yields.
    pub fn counts(&self) -> BTreeMap<Severity, usize> {
        let mut out = BTreeMap::new();
        *out.entry(Severity::Critical).or_default() += self.everyone.len();
        for &(severity, _, n) in &self.order {
            *out.entry(severity).or_default() += n;
        }
        out
    }

    /// The findings, most severe first, then by ServiceAccount, id and fingerprint; at most one ServiceAccount's
    /// findings of one severity are held at a time.
    pub fn findings(&self) -> impl Iterator<Item = Finding> + '_ {
        // SA-25's ServiceAccount `*` sorts before every namespace (DNS labels start with [a-z0-9]), and its
        // findings are CRITICAL: they come first.
        self.everyone.iter().cloned().chain(
            self.order.iter().flat_map(|&(severity, i, _)| self.findings_of(i, severity)).map(|mut f| {
                let sa = (f.service_account.namespace.clone(), f.service_account.name.clone());
                f.steps_to_cluster_admin = self.steps_to_cluster_admin.get(&sa).copied();
                f
            }),
        )
    }

    /// The fingerprint of every finding [`Audit::findings`] yields, with where it comes from, without building the
    /// findings (the severity pass alone): what a comparison of two audits needs for most of them.
    pub fn fingerprints(&self) -> Vec<(String, FindingSource)> {
        let mut out: Vec<(String, FindingSource)> =
            self.everyone.iter().map(|f| (f.fingerprint.clone(), FindingSource::Everyone)).collect();
        for &(severity, i, _) in &self.order {
            for fingerprint in fingerprints_of(&self.facts[i], &self.ctx, severity) {
                out.push((fingerprint, FindingSource::ServiceAccount(severity, i)));
            }
        }
        out
    }

    /// The findings with these fingerprints, built from where [`Audit::fingerprints`] says they come from, in
    /// report order.
    pub fn findings_with(&self, wanted: &[(&str, FindingSource)]) -> Vec<Finding> {
        let names: std::collections::HashSet<&str> = wanted.iter().map(|(f, _)| *f).collect();
        let sources: BTreeSet<FindingSource> = wanted.iter().map(|(_, s)| *s).collect();
        let mut out: Vec<Finding> = sources
            .into_iter()
            .flat_map(|source| match source {
                FindingSource::Everyone => self.everyone.clone(),
                FindingSource::ServiceAccount(severity, i) => self.findings_of(i, severity),
            })
            .filter(|f| names.contains(f.fingerprint.as_str()))
            .map(|mut f| {
                let sa = (f.service_account.namespace.clone(), f.service_account.name.clone());
                f.steps_to_cluster_admin = self.steps_to_cluster_admin.get(&sa).copied();
                f
            })
            .collect();
        sort_findings(&mut out);
        out
    }

    /// One ServiceAccount's findings at one severity; lent candidates are first rebuilt from this state.
    fn findings_of(&self, i: usize, severity: Severity) -> Vec<Finding> {
        let f = &self.facts[i];
        if !f.borrowed {
            return findings_of(self.cluster, f, &self.ctx, severity);
        }
        let options = Options { workloads_known: self.workloads_known, ..Default::default() };
        let (fresh, _) = sa_facts(self.cluster, &f.sa.namespace, &f.sa.name, f.exists, f.pod_count, &options, None);
        findings_of(self.cluster, &fresh, &self.ctx, severity)
    }

    /// The RBAC candidates of the ServiceAccounts `same` says hold the same permissions in another state, for an
    /// audit of that state.
    pub fn lend(&self, same: impl Fn(&str, &str) -> bool) -> Lent<'a> {
        let candidates = self
            .facts
            .iter()
            .filter(|f| !f.borrowed && same(&f.sa.namespace, &f.sa.name))
            .map(|f| ((f.sa.namespace.clone(), f.sa.name.clone()), f.candidates[..f.rbac_len].to_vec()))
            .collect();
        Lent { candidates }
    }

    /// (namespace, name) -> the steps of the shortest path to cluster-admin, for the ServiceAccounts shown that have
    /// one within the default --max-steps.
    pub fn steps_to_cluster_admin(&self) -> &HashMap<(String, String), usize> {
        &self.steps_to_cluster_admin
    }

    /// Every finding in one report (for small selections: one ServiceAccount, one namespace).
    pub fn report(&self) -> AuditReport {
        let findings: Vec<Finding> = self.findings().collect();
        AuditReport {
            findings,
            privileged_namespaces: self.privileged_namespaces.clone(),
            service_accounts: self.service_accounts,
        }
    }
}

/// Runs the whole catalogue on every ServiceAccount of the cluster and collects the findings.
pub fn audit(cluster: &Cluster, options: &Options) -> AuditReport {
    prepare(cluster, options).report()
}

/// Runs the catalogue on every ServiceAccount of the cluster up to the severities' fixed point.
pub fn prepare<'a>(cluster: &'a Cluster, options: &Options) -> Audit<'a> {
    // The escalation paths of every ServiceAccount shown, searched first: the search's graph is freed before the
    // catalogue's facts are built, so the two never take memory at once.
    let steps_to_cluster_admin = crate::paths::steps_to(
        cluster,
        crate::paths::Target::ClusterAdmin,
        &shown_service_accounts(cluster, options),
        crate::paths::DEFAULT_MAX_STEPS,
    );
    prepare_with_steps(cluster, options, steps_to_cluster_admin, None)
}

/// The existing ServiceAccounts whose findings `options` selects: the starts of their paths to cluster-admin.
pub fn shown_service_accounts(cluster: &Cluster, options: &Options) -> Vec<(String, String)> {
    cluster
        .service_accounts
        .keys()
        .filter(|(namespace, name)| options.shows(&SaRef { namespace: namespace.clone(), name: name.clone() }))
        .cloned()
        .collect()
}

/// [`prepare`], with the steps to cluster-admin of [`shown_service_accounts`] already searched (by a caller that
/// keeps the search for its paths).
pub fn prepare_with_steps<'a>(
    cluster: &'a Cluster,
    options: &Options,
    steps_to_cluster_admin: HashMap<(String, String), usize>,
    lent: Option<&Lent<'a>>,
) -> Audit<'a> {
    let sas = sa_names(cluster);
    let mut pods_by_ns: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut pods_by_sa: HashMap<(&str, &str), usize> = HashMap::new();
    let mut pod_sas_by_ns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &cluster.pods {
        pods_by_ns.entry(p.namespace.clone()).or_default().insert(p.name.clone(), p.service_account.clone());
        *pods_by_sa.entry((p.namespace.as_str(), p.service_account.as_str())).or_default() += 1;
        pod_sas_by_ns.entry(p.namespace.clone()).or_default().insert(p.service_account.clone());
    }

    let mut facts = Vec::with_capacity(sas.len());
    let mut cloud: BTreeMap<SaRef, Vec<String>> = BTreeMap::new();
    for (&(namespace, name), &exists) in &sas {
        let pod_count = pods_by_sa.get(&(namespace, name)).copied().unwrap_or(0);
        let lent = lent.and_then(|l| l.candidates.get(&(namespace.to_string(), name.to_string())));
        let (f, ids) = sa_facts(cluster, namespace, name, exists, pod_count, options, lent);
        if let Some(ids) = ids {
            cloud.insert(f.sa.clone(), ids);
        }
        facts.push(f);
    }

    let seed: BTreeSet<String> = match &options.privileged_namespaces {
        Some(list) => list.iter().cloned().collect(),
        None => BTreeSet::from(["kube-system".to_string()]),
    };
    let mut ctx = Ctx {
        privileged: seed.clone(),
        powerful: BTreeMap::new(),
        cloud,
        powerful_by_ns: BTreeMap::new(),
        cloud_by_ns: BTreeMap::new(),
        pods_by_ns,
        pod_sas_by_ns,
        workloads_known: options.workloads_known,
    };
    ctx.rebuild_candidates();
    // Monotone: more privileged namespaces and powerful SAs only raise severities, so this ends. The iterations
    // compute severities only; the findings are built at the fixed point.
    loop {
        let mut powerful: BTreeMap<SaRef, Vec<String>> = BTreeMap::new();
        for f in facts.iter().filter(|f| f.exists) {
            let ids = critical_ids(f, &ctx);
            if !ids.is_empty() {
                powerful.insert(f.sa.clone(), ids);
            }
        }
        let mut privileged = seed.clone();
        privileged.extend(powerful.keys().map(|s| s.namespace.clone()));
        if powerful == ctx.powerful && privileged == ctx.privileged {
            break;
        }
        ctx.powerful = powerful;
        ctx.privileged = privileged;
        ctx.rebuild_candidates();
    }
    let mut order = Vec::new();
    for (i, f) in facts.iter().enumerate().filter(|(_, f)| options.shows(&f.sa)) {
        let mut per: BTreeMap<Severity, usize> = BTreeMap::new();
        for c in &f.candidates {
            for s in severities_of(c, &ctx, &f.sa) {
                *per.entry(s).or_default() += 1;
            }
        }
        order.extend(per.into_iter().map(|(s, n)| (s, i, n)));
    }
    // Facts are in ServiceAccount order already.
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let privileged_namespaces = ctx.privileged.iter().cloned().collect();
    let mut everyone: Vec<Finding> = sa25(cluster).into_iter().filter(|f| options.shows_everyone(f)).collect();
    sort_findings(&mut everyone);
    Audit {
        cluster,
        facts,
        ctx,
        everyone,
        order,
        privileged_namespaces,
        service_accounts: sas.len(),
        steps_to_cluster_admin,
        workloads_known: options.workloads_known,
    }
}

/// One ServiceAccount's candidates (RBAC ones lent by an audit of another state when given), and its cloud
/// identities if it exists and has some.
fn sa_facts<'a>(
    cluster: &'a Cluster,
    namespace: &'a str,
    name: &str,
    exists: bool,
    pod_count: usize,
    options: &Options,
    lent: Option<&Vec<Candidate<'a>>>,
) -> (SaFacts<'a>, Option<Vec<String>>) {
    let mut cloud = None;
    let sa = SaRef { namespace: namespace.to_string(), name: name.to_string() };
    let (mut candidates, borrowed) = match lent {
        Some(lent) => (lent.clone(), true),
        None => {
            let user = UserInfo::service_account(namespace, name);
            (rbac_candidates(&Identity { cluster, rules: IdentityRules::new(cluster, &user) }), false)
        }
    };
    let rbac_len = candidates.len();
    let object = cluster.service_account(namespace, name);
    // Cloud identities come from the SA's annotations and its pods: only those SAs need the full analysis.
    // With IAM roles or Pod Identity associations among the inputs, any of them may be mapped.
    let trusts = cluster.cloud.maps_service_accounts();
    if pod_count > 0 || trusts || object.is_some_and(|o| !o.annotations.is_empty() || !o.labels.is_empty()) {
        let report = crate::identity::authn::analyse(cluster, namespace, name, false, options.workloads_known);
        if !report.cloud_identities.is_empty() {
            let ids: Vec<String> =
                report
                    .cloud_identities
                    .iter()
                    .map(|c| {
                        if c.identity.is_empty() {
                            c.provider.clone()
                        } else {
                            format!("{} {}", c.provider, c.identity)
                        }
                    })
                    .collect();
            let mut details: Vec<String> = report
                .cloud_identities
                .iter()
                .map(|c| format!("{} {} ({})", c.provider, c.identity, c.source))
                .collect();
            details.extend(report.warnings.iter().filter(|w| !w.contains("legacy token")).cloned());
            if exists {
                cloud = Some(ids.clone());
            }
            candidates.push(workload_candidate("SA-27", namespace, ids, details));
        }
        let trust = &report.cloud_trust;
        if !trust.broad.is_empty() {
            let what = vec!["cloud trust admits too broadly".to_string()];
            candidates.push(workload_candidate("SA-28", namespace, what, trust.broad.clone()));
        }
        if !trust.broken.is_empty() {
            let what = vec!["workload identity mapped on one side only".to_string()];
            candidates.push(workload_candidate("SA-29", namespace, what, trust.broken.clone()));
        }
    }
    if name == "default" && exists {
        let mut reasons = Vec::new();
        if pod_count > 0 {
            reasons.push(format!("{pod_count} pod(s) run as the namespace's default ServiceAccount (CIS 5.1.5)"));
        }
        if object.is_some_and(|o| o.automount != Some(false)) {
            reasons.push(
                "automountServiceAccountToken is not false: pods without a ServiceAccount get its token (CIS 5.1.6)"
                    .to_string(),
            );
        }
        if !reasons.is_empty() {
            candidates.push(workload_candidate("SA-24", namespace, vec!["default ServiceAccount".into()], reasons));
        }
    }
    (SaFacts { sa, exists, candidates, rbac_len, borrowed, pod_count }, cloud)
}

fn workload_candidate<'a>(
    id: &'static str,
    namespace: &'a str,
    permissions: Vec<String>,
    details: Vec<String>,
) -> Candidate<'a> {
    let permissions = permissions.into_iter().map(|p| Perm::Owned(p.into_boxed_str())).collect();
    let unit = Unit { any: true, names: BTreeSet::new(), permissions };
    Candidate { id, mode: Mode::Workload, hit: Hit { units: Units::one(namespace, unit), grants: Vec::new() }, details }
}

/// Most severe first, then by ServiceAccount and id.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.service_account.namespace.cmp(&b.service_account.namespace))
            .then_with(|| a.service_account.name.cmp(&b.service_account.name))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}
