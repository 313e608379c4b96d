//! The cluster in memory: ServiceAccounts, roles and bindings, indexed for the evaluator.
//!
//! Both sources (live API server and snapshot files) produce the same [`ClusterBuilder`] input, so everything
//! after fetching is shared.

pub mod cloud;
pub mod raw;
pub mod request;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use indexmap::{Equivalent, IndexMap};

/// An insertion-ordered map with a fast hasher: entries also have a stable position (see [`RoleSlot`]).
pub type IndexedMap<K, V> = IndexMap<K, V, foldhash::fast::RandomState>;

use anyhow::{Result, bail};
use k8s_openapi::api::rbac::v1::PolicyRule;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Serialize;

pub use raw::Meta;

/// One RBAC rule, normalised (absent lists are empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub verbs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(rename = "nonResourceURLs", skip_serializing_if = "Vec::is_empty")]
    pub non_resource_urls: Vec<String>,
    /// Computed from the lists at construction (they are never changed after), hence private.
    #[serde(skip)]
    sieve: Sieve,
}

impl Rule {
    pub fn new(
        verbs: Vec<String>,
        api_groups: Vec<String>,
        resources: Vec<String>,
        resource_names: Vec<String>,
        non_resource_urls: Vec<String>,
    ) -> Rule {
        let sieve = Sieve::of_rule(&verbs, &resources);
        Rule { verbs, api_groups, resources, resource_names, non_resource_urls, sieve }
    }

    /// False when the rule cannot match the question `sieve` stands for; true says only "maybe": the matching
    /// functions of `rbac::rules` decide.
    pub fn may_match(&self, question: &Sieve) -> bool {
        self.sieve.verbs & question.verbs != 0 && self.sieve.resources & question.resources != 0
    }
}

impl From<PolicyRule> for Rule {
    fn from(r: PolicyRule) -> Self {
        Rule::new(
            r.verbs,
            r.api_groups.unwrap_or_default(),
            r.resources.unwrap_or_default(),
            r.resource_names.unwrap_or_default(),
            r.non_resource_urls.unwrap_or_default(),
        )
    }
}

/// A rule's verbs and resources as one-word Bloom filters, so that a question skips most rules with two ANDs
/// instead of string comparisons (audit asks each identity dozens of questions, escalation paths thousands).
/// Resources are hashed split at their first `/` (`pods/log` as ("pods", "log")) so a question needs no
/// joined string; `*` verbs and `*`, `*/sub` resources set the wildcard bit, which every question meets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sieve {
    verbs: u64,
    resources: u64,
}

const SIEVE_WILDCARD: u64 = 1 << 63;

fn sieve_bit(value: impl Hash) -> u64 {
    let hash = std::hash::BuildHasher::hash_one(&foldhash::fast::FixedState::default(), value);
    1 << (hash % 63)
}

fn split_resource(r: &str) -> (&str, &str) {
    r.split_once('/').unwrap_or((r, ""))
}

impl Sieve {
    fn of_rule(verbs: &[String], resources: &[String]) -> Sieve {
        let verbs = verbs.iter().fold(0, |m, v| m | if v == "*" { SIEVE_WILDCARD } else { sieve_bit(v.as_str()) });
        let resources = resources.iter().fold(0, |m, r| {
            m | if r == "*" || r.starts_with("*/") { SIEVE_WILDCARD } else { sieve_bit(split_resource(r)) }
        });
        Sieve { verbs, resources }
    }

    /// What a rule must meet to possibly allow `verb` on resource/subresource.
    pub fn question(verb: &str, resource: &str, subresource: &str) -> Sieve {
        let resources = if subresource.is_empty() {
            sieve_bit(split_resource(resource))
        } else if resource.contains('/') {
            // `a/b` + `c` is the rule entry `a/b/c`, hashed as ("a", "b/c"): not worth the allocation.
            !0
        } else {
            sieve_bit((resource, subresource))
        };
        Sieve { verbs: sieve_bit(verb) | SIEVE_WILDCARD, resources: resources | SIEVE_WILDCARD }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |v: &[String]| {
            v.iter().map(|s| if s.is_empty() { "\"\"".to_string() } else { s.clone() }).collect::<Vec<_>>().join(",")
        };
        write!(f, "verbs=[{}]", list(&self.verbs))?;
        if !self.non_resource_urls.is_empty() {
            write!(f, " nonResourceURLs=[{}]", list(&self.non_resource_urls))?;
        }
        if !self.api_groups.is_empty() || !self.resources.is_empty() {
            write!(f, " apiGroups=[{}] resources=[{}]", list(&self.api_groups), list(&self.resources))?;
        }
        if !self.resource_names.is_empty() {
            write!(f, " resourceNames=[{}]", list(&self.resource_names))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RoleKind {
    Role,
    ClusterRole,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Role => "Role",
            RoleKind::ClusterRole => "ClusterRole",
        }
    }
}

/// A Role or ClusterRole with the rules the authorizer evaluates.
#[derive(Debug, Clone)]
pub struct Role {
    pub kind: RoleKind,
    /// Empty for ClusterRoles.
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub rules: Vec<Arc<Rule>>,
    pub aggregation_selectors: Option<Vec<LabelSelector>>,
    /// Set when the stored rules lacked rules the aggregation controller would add and the union was computed here.
    pub aggregation_computed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum BindingKind {
    RoleBinding,
    ClusterRoleBinding,
}

impl BindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BindingKind::RoleBinding => "RoleBinding",
            BindingKind::ClusterRoleBinding => "ClusterRoleBinding",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleRef {
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub api_group: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

impl std::fmt::Display for Subject {
    /// `ServiceAccount "ns/name"` (kubectl's order), `User "u"`, `Group "g"`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.kind == "ServiceAccount" {
            write!(f, "ServiceAccount \"{}/{}\"", self.namespace, self.name)
        } else {
            write!(f, "{} \"{}\"", self.kind, self.name)
        }
    }
}

impl Subject {
    /// The form of the API server's RBAC reasons (`RBAC: allowed by ... to ServiceAccount "name/ns"`): name first,
    /// as in rbac.go's subject printing. Only the RBAC evaluator's `reason_for` uses it.
    pub fn reason_form(&self) -> String {
        if self.kind == "ServiceAccount" {
            format!("ServiceAccount \"{}/{}\"", self.name, self.namespace)
        } else {
            self.to_string()
        }
    }
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub kind: BindingKind,
    /// Empty for ClusterRoleBindings.
    pub namespace: String,
    pub name: String,
    pub role_ref: RoleRef,
    pub subjects: Vec<Subject>,
}

#[derive(Debug, Clone)]
pub struct ServiceAccount {
    pub namespace: String,
    pub name: String,
    pub uid: Option<String>,
    pub automount: Option<bool>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Namespace {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub phase: Option<String>,
}

/// A CustomResourceDefinition, reduced to what resource-name resolution needs.
#[derive(Debug, Clone)]
pub struct Crd {
    pub group: String,
    pub version: String,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub short_names: Vec<String>,
    pub namespaced: bool,
    pub subresources: Vec<String>,
}

/// A Pod: which ServiceAccount it runs as and how its token reaches it.
#[derive(Debug, Clone)]
pub struct Pod {
    pub namespace: String,
    pub name: String,
    pub service_account: String,
    pub automount: Option<bool>,
    pub node_name: Option<String>,
    /// Explicit projected serviceAccountToken volumes: (audience, expirationSeconds).
    pub projected_tokens: Vec<(Option<String>, Option<i64>)>,
    /// Secret volumes (to spot legacy token Secrets mounted by hand).
    pub secret_volumes: Vec<String>,
    pub env_names: BTreeSet<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// A Secret of type kubernetes.io/service-account-token (a legacy, non-expiring token). Metadata only.
#[derive(Debug, Clone)]
pub struct TokenSecret {
    pub namespace: String,
    pub name: String,
    pub service_account: String,
    pub last_used: Option<String>,
    pub invalid_since: Option<String>,
    pub created: Option<String>,
}

/// Kinds the admission evaluator reads.
pub const ADMISSION_KINDS: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
];

pub const SA_TOKEN_SECRET_TYPE: &str = "kubernetes.io/service-account-token";

/// Identifies a binding inside [`Cluster`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BindingId {
    Cluster(usize),
    Namespaced(usize),
}

/// A reference to a named object, as printed in grants and errors.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    /// Borrowed for the kinds kubectl-sa names itself (no allocation on the evaluation path).
    pub kind: Cow<'static, str>,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

impl ObjectRef {
    pub fn of_binding(b: &Binding) -> Self {
        ObjectRef { kind: Cow::Borrowed(b.kind.as_str()), name: b.name.clone(), namespace: b.namespace.clone() }
    }

    pub fn of_role_ref(b: &Binding) -> Self {
        let namespace = if b.role_ref.kind == "Role" { b.namespace.clone() } else { String::new() };
        let kind = match b.role_ref.kind.as_str() {
            "Role" => Cow::Borrowed("Role"),
            "ClusterRole" => Cow::Borrowed("ClusterRole"),
            other => Cow::Owned(other.to_string()),
        };
        ObjectRef { kind, name: b.role_ref.name.clone(), namespace }
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// A roleRef that could not be resolved while evaluating (never fatal, as in the API server).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ResolutionError {
    pub binding: ObjectRef,
    pub message: String,
}

/// What a subject entry of a binding matches, after the authorizer's defaulting of SA namespaces: a username (a
/// User subject's name, or `system:serviceaccount:NS:NAME` for a ServiceAccount subject) or a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectKey {
    Username(String),
    Group(String),
}

/// Objects in the order they were read, before indexing.
#[derive(Debug, Default, Clone)]
pub struct ClusterBuilder {
    pub roles: Vec<Role>,
    pub bindings: Vec<Binding>,
    pub service_accounts: Vec<ServiceAccount>,
    pub namespaces: Vec<Namespace>,
    pub crds: Vec<Crd>,
    pub pods: Vec<Pod>,
    pub token_secrets: Vec<TokenSecret>,
    /// Admission webhook configurations and policies, as read, for the admission evaluator.
    pub admission_objects: Vec<(String, serde_json::Value)>,
    /// Kinds read but not needed, with their counts.
    pub skipped: BTreeMap<String, usize>,
    /// Namespaces looked up one by one and not found (a live load that reads only the namespace asked about).
    pub absent_namespaces: Vec<String>,
    /// Cloud exports read beside the objects (`-f`).
    pub cloud: cloud::CloudInputs,
}

/// The indexed cluster the evaluator works on.
#[derive(Debug, Default)]
pub struct Cluster {
    pub cluster_roles: IndexedMap<String, Role>,
    /// Keyed by (namespace, name); look up with [`Cluster::role`], which allocates nothing.
    pub roles: IndexedMap<(String, String), Role>,
    pub cluster_role_bindings: Vec<Binding>,
    pub role_bindings: Vec<Binding>,
    /// Sorted by (namespace, name); look up with [`Cluster::service_account`], which allocates nothing.
    pub service_accounts: IndexedMap<(String, String), ServiceAccount>,
    pub namespaces: BTreeMap<String, Namespace>,
    /// Namespaces known not to exist although `namespaces` does not hold them all (see [`Cluster::namespace_exists`]).
    pub absent_namespaces: BTreeSet<String>,
    pub crds: Vec<Crd>,
    pub pods: Vec<Pod>,
    pub token_secrets: Vec<TokenSecret>,
    pub admission_objects: Vec<(String, serde_json::Value)>,
    /// Cloud exports read beside the objects (`-f`): the cloud half of workload identity.
    pub cloud: cloud::CloudInputs,
    pub skipped: BTreeMap<String, usize>,
    /// Facts about the input worth telling the user (computed aggregation, duplicates, ...).
    pub notes: Vec<String>,
    /// Candidates by username and by group; `rbac::bindings_for_user` applies the authorizer's exact check.
    bindings_by_username: hashbrown::HashMap<String, Vec<BindingId>>,
    bindings_by_group: hashbrown::HashMap<String, Vec<BindingId>>,
    role_bindings_by_namespace: hashbrown::HashMap<String, Vec<usize>>,
    /// What each ClusterRoleBinding's and RoleBinding's roleRef resolves to, resolved once.
    cluster_role_binding_roles: Vec<RoleSlot>,
    role_binding_roles: Vec<RoleSlot>,
    /// Bindings by the role their roleRef resolves to, in binding order: those of role number `n` are
    /// `bindings_by_role[role_binding_starts[n]..role_binding_starts[n + 1]]`.
    role_binding_starts: Vec<usize>,
    bindings_by_role: Vec<BindingId>,
    /// Bindings whose roleRef resolves to nothing, with the API server's message, sorted as errors are printed.
    unresolved: Vec<(BindingId, Arc<ResolutionError>)>,
    /// Resource rules by the resource they name (without subresource): (role number, rule index) in role order.
    rules_by_resource: hashbrown::HashMap<String, Vec<RuleAt>>,
    /// Resource rules naming `*` or `*/subresource`.
    wildcard_resource_rules: Vec<RuleAt>,
}

/// A rule of a role: (role number, see [`Cluster::role_in`]; rule index).
pub type RuleAt = (usize, usize);

/// Where a binding's role is: a position in [`Cluster::cluster_roles`] or [`Cluster::roles`], or nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleSlot {
    Cluster(usize),
    Namespaced(usize),
    Missing,
}

impl ClusterBuilder {
    pub fn add_role(&mut self, kind: RoleKind, raw: raw::RawRole) {
        let meta = raw.metadata;
        self.roles.push(Role {
            kind,
            namespace: if kind == RoleKind::Role { meta.namespace.unwrap_or_default() } else { String::new() },
            name: meta.name,
            labels: meta.labels.unwrap_or_default(),
            rules: raw.rules.unwrap_or_default().into_iter().map(|r| Arc::new(Rule::from(r))).collect(),
            aggregation_selectors: raw
                .aggregation_rule
                .and_then(|a| a.cluster_role_selectors)
                .filter(|_| kind == RoleKind::ClusterRole),
            aggregation_computed: false,
        });
    }

    /// Adds a binding; a roleRef the API server's validation would reject is an error.
    pub fn add_binding(&mut self, kind: BindingKind, raw: raw::RawBinding) -> Result<()> {
        let meta = raw.metadata;
        let role_kind = raw.role_ref.kind.as_str();
        let valid = match kind {
            BindingKind::ClusterRoleBinding => role_kind == "ClusterRole",
            BindingKind::RoleBinding => role_kind == "ClusterRole" || role_kind == "Role",
        };
        if !valid {
            bail!(
                "roleRef kind {:?} is invalid: a {} may only reference {} (the API server would reject it)",
                role_kind,
                kind.as_str(),
                if kind == BindingKind::ClusterRoleBinding { "a ClusterRole" } else { "a Role or ClusterRole" }
            );
        }
        self.bindings.push(Binding {
            kind,
            namespace: if kind == BindingKind::RoleBinding {
                meta.namespace.unwrap_or_default()
            } else {
                String::new()
            },
            name: meta.name,
            role_ref: RoleRef {
                kind: raw.role_ref.kind,
                name: raw.role_ref.name,
                api_group: raw.role_ref.api_group.unwrap_or_default(),
            },
            subjects: raw
                .subjects
                .unwrap_or_default()
                .into_iter()
                .map(|s| Subject { kind: s.kind, name: s.name, namespace: s.namespace.unwrap_or_default() })
                .collect(),
        });
        Ok(())
    }

    pub fn add_service_account(&mut self, raw: raw::RawServiceAccount) {
        let meta = raw.metadata;
        self.service_accounts.push(ServiceAccount {
            namespace: meta.namespace.unwrap_or_else(|| "default".into()),
            name: meta.name,
            uid: meta.uid,
            automount: raw.automount_service_account_token,
            labels: meta.labels.unwrap_or_default(),
            annotations: meta.annotations.unwrap_or_default(),
        });
    }

    pub fn add_namespace(&mut self, raw: raw::RawNamespace) {
        self.namespaces.push(Namespace {
            name: raw.metadata.name,
            labels: raw.metadata.labels.unwrap_or_default(),
            phase: raw.status.and_then(|s| s.phase),
        });
    }

    pub fn add_crd(&mut self, raw: raw::RawCrd) {
        let spec = raw.spec;
        // The storage version is the one whose subresources define the served set in practice.
        let version = spec.versions.iter().find(|v| v.storage).or_else(|| spec.versions.iter().find(|v| v.served));
        let mut subresources = Vec::new();
        if let Some(sub) = version.and_then(|v| v.subresources.as_ref()) {
            if sub.status.is_some() {
                subresources.push("status".to_string());
            }
            if sub.scale.is_some() {
                subresources.push("scale".to_string());
            }
        }
        self.crds.push(Crd {
            group: spec.group,
            version: version.map(|v| v.name.clone()).unwrap_or_default(),
            singular: spec.names.singular.filter(|s| !s.is_empty()).unwrap_or_else(|| spec.names.kind.to_lowercase()),
            plural: spec.names.plural,
            kind: spec.names.kind,
            short_names: spec.names.short_names.unwrap_or_default(),
            namespaced: spec.scope == "Namespaced",
            subresources,
        });
    }

    pub fn add_pod(&mut self, raw: raw::RawPod) {
        let meta = raw.metadata;
        let spec = raw.spec;
        let volumes = spec.volumes.unwrap_or_default();
        let projected_tokens = volumes
            .iter()
            .filter_map(|v| v.projected.as_ref())
            .flat_map(|p| p.sources.iter().flatten())
            .filter_map(|s| s.service_account_token.as_ref())
            .map(|t| (t.audience.clone(), t.expiration_seconds))
            .collect();
        let secret_volumes = volumes.iter().filter_map(|v| v.secret.as_ref()?.secret_name.clone()).collect();
        let env_names = spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .flat_map(|c| c.env.iter().flatten().map(|e| e.name.clone()))
            .collect();
        self.pods.push(Pod {
            namespace: meta.namespace.unwrap_or_else(|| "default".into()),
            name: meta.name,
            // The API server defaults an empty serviceAccountName to "default" (ServiceAccount admission).
            service_account: spec
                .service_account_name
                .or(spec.service_account)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "default".into()),
            automount: spec.automount_service_account_token,
            node_name: spec.node_name,
            projected_tokens,
            secret_volumes,
            env_names,
            labels: meta.labels.unwrap_or_default(),
            annotations: meta.annotations.unwrap_or_default(),
        });
    }

    /// Keeps Secrets of type kubernetes.io/service-account-token (metadata only); other Secrets are counted as skipped.
    pub fn add_secret(&mut self, raw: raw::RawSecret) {
        if raw.secret_type.as_deref() != Some(SA_TOKEN_SECRET_TYPE) {
            self.skip("Secret");
            return;
        }
        let meta = raw.metadata;
        let annotations = meta.annotations.unwrap_or_default();
        let labels = meta.labels.unwrap_or_default();
        self.token_secrets.push(TokenSecret {
            namespace: meta.namespace.unwrap_or_else(|| "default".into()),
            name: meta.name,
            service_account: annotations.get("kubernetes.io/service-account.name").cloned().unwrap_or_default(),
            last_used: labels.get("kubernetes.io/legacy-token-last-used").cloned(),
            invalid_since: labels.get("kubernetes.io/legacy-token-invalid-since").cloned(),
            created: meta.creation_timestamp,
        });
    }

    pub fn skip(&mut self, kind: &str) {
        *self.skipped.entry(kind.to_string()).or_default() += 1;
    }

    pub fn build(self) -> Cluster {
        let mut cluster = Cluster {
            crds: self.crds,
            pods: self.pods,
            token_secrets: self.token_secrets,
            admission_objects: self.admission_objects,
            cloud: self.cloud,
            ..Default::default()
        };
        if !self.skipped.is_empty() {
            let total: usize = self.skipped.values().sum();
            let kinds: Vec<String> = self.skipped.iter().map(|(k, n)| format!("{k}: {n}")).collect();
            cluster.notes.push(format!("skipped {total} objects of kinds not needed ({})", kinds.join(", ")));
        }
        cluster.skipped = self.skipped;
        for role in self.roles {
            match role.kind {
                RoleKind::ClusterRole => {
                    if let Some(old) = cluster.cluster_roles.insert(role.name.clone(), role) {
                        cluster.notes.push(format!(
                            "ClusterRole {:?} appears more than once; the last one read is used",
                            old.name
                        ));
                    }
                }
                RoleKind::Role => {
                    let key = (role.namespace.clone(), role.name.clone());
                    if cluster.roles.insert(key, role).is_some() {
                        cluster.notes.push("a Role appears more than once; the last one read is used".into());
                    }
                }
            }
        }
        for b in self.bindings {
            match b.kind {
                BindingKind::ClusterRoleBinding => cluster.cluster_role_bindings.push(b),
                BindingKind::RoleBinding => cluster.role_bindings.push(b),
            }
        }
        dedup_bindings(&mut cluster.cluster_role_bindings, &mut cluster.notes);
        dedup_bindings(&mut cluster.role_bindings, &mut cluster.notes);
        for sa in self.service_accounts {
            cluster.service_accounts.insert((sa.namespace.clone(), sa.name.clone()), sa);
        }
        cluster.service_accounts.sort_unstable_keys();
        for ns in self.namespaces {
            cluster.namespaces.insert(ns.name.clone(), ns);
        }
        cluster.absent_namespaces = self.absent_namespaces.into_iter().collect();
        cluster.aggregate_cluster_roles();
        cluster.index();
        cluster
    }
}

/// Later copies of the same binding (same kind, namespace, name) replace earlier ones, as `kubectl apply` would.
fn dedup_bindings(bindings: &mut Vec<Binding>, notes: &mut Vec<String>) {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut out: Vec<Binding> = Vec::with_capacity(bindings.len());
    for b in bindings.drain(..) {
        let key = (b.namespace.clone(), b.name.clone());
        if let Some(&i) = seen.get(&key) {
            notes.push(format!("{} {:?} appears more than once; the last one read is used", b.kind.as_str(), b.name));
            out[i] = b;
        } else {
            seen.insert(key, out.len());
            out.push(b);
        }
    }
    *bindings = out;
}

/// Does a label selector match these labels? (matchLabels AND every matchExpression.)
pub fn selector_matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    if let Some(ml) = &selector.match_labels
        && !ml.iter().all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    if let Some(exprs) = &selector.match_expressions {
        for e in exprs {
            let values = e.values.as_deref().unwrap_or_default();
            let ok = match e.operator.as_str() {
                "In" => labels.get(&e.key).is_some_and(|v| values.contains(v)),
                "NotIn" => labels.get(&e.key).is_none_or(|v| !values.contains(v)),
                "Exists" => labels.contains_key(&e.key),
                "DoesNotExist" => !labels.contains_key(&e.key),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

impl Cluster {
    /// Whether some aggregated ClusterRole's rules were computed here (see [`Role::aggregation_computed`]).
    pub fn has_computed_aggregation(&self) -> bool {
        self.cluster_roles.values().any(|r| r.aggregation_computed)
    }

    /// Rewrites the rules of aggregated ClusterRoles the way the clusterrole-aggregation controller would, when
    /// the stored rules differ from that union (hand-written manifests); snapshots of live clusters are unchanged.
    fn aggregate_cluster_roles(&mut self) {
        let aggregated: Vec<String> = {
            let mut v: Vec<String> = self
                .cluster_roles
                .values()
                .filter(|r| r.aggregation_selectors.is_some())
                .map(|r| r.name.clone())
                .collect();
            v.sort();
            v
        };
        if aggregated.is_empty() {
            return;
        }
        let mut sorted_names: Vec<String> = self.cluster_roles.keys().cloned().collect();
        sorted_names.sort();
        // Aggregated roles may select other aggregated roles; the controller converges, so iterate (bounded).
        for _round in 0..=aggregated.len() {
            let mut changed = false;
            for name in &aggregated {
                let role = &self.cluster_roles[name];
                let selectors = role.aggregation_selectors.clone().unwrap_or_default();
                let mut union: Vec<Arc<Rule>> = Vec::new();
                for sel in &selectors {
                    for other in &sorted_names {
                        if other == name {
                            continue;
                        }
                        let o = &self.cluster_roles[other];
                        if selector_matches(sel, &o.labels) {
                            for r in &o.rules {
                                if !union.contains(r) {
                                    union.push(r.clone());
                                }
                            }
                        }
                    }
                }
                let role = self.cluster_roles.get_mut(name).expect("name taken from the map");
                let stored: BTreeSet<&Rule> = role.rules.iter().map(|r| &**r).collect();
                let computed: BTreeSet<&Rule> = union.iter().map(|r| &**r).collect();
                if stored != computed {
                    role.rules = union;
                    role.aggregation_computed = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn index(&mut self) {
        let (mut users, mut groups): (hashbrown::HashMap<String, Vec<BindingId>>, hashbrown::HashMap<_, _>) =
            Default::default();
        let ids = self.cluster_role_bindings.iter().enumerate().map(|(i, b)| (BindingId::Cluster(i), b));
        let ids = ids.chain(self.role_bindings.iter().enumerate().map(|(i, b)| (BindingId::Namespaced(i), b)));
        for (id, b) in ids {
            for key in subject_keys(b) {
                let entry = match key {
                    SubjectKey::Username(u) => users.entry(u),
                    SubjectKey::Group(g) => groups.entry(g),
                };
                entry.or_default().push(id);
            }
        }
        for (i, b) in self.role_bindings.iter().enumerate() {
            self.role_bindings_by_namespace.entry(b.namespace.clone()).or_default().push(i);
        }
        for ids in users.values_mut().chain(groups.values_mut()) {
            ids.dedup();
        }
        (self.bindings_by_username, self.bindings_by_group) = (users, groups);
        self.cluster_role_binding_roles = self.cluster_role_bindings.iter().map(|b| self.slot_of(b)).collect();
        self.role_binding_roles = self.role_bindings.iter().map(|b| self.slot_of(b)).collect();
        self.index_bindings_by_role();
        let mut unresolved: Vec<(BindingId, Arc<ResolutionError>)> = self
            .all_bindings()
            .filter_map(|(id, b)| {
                let message = self.resolve_role(b).err()?;
                Some((id, Arc::new(ResolutionError { binding: ObjectRef::of_binding(b), message })))
            })
            .collect();
        unresolved.sort_by(|(_, a), (_, b)| a.cmp(b));
        self.unresolved = unresolved;
        self.index_rules();
    }

    /// The reverse of the roleRefs: who-can -A starts from the few roles whose rules match and visits only their
    /// bindings, instead of every binding of the cluster.
    fn index_bindings_by_role(&mut self) {
        let numbered: Vec<(BindingId, usize)> = self
            .all_bindings()
            .filter_map(|(id, _)| self.role_in(self.role_slot(id)).map(|(number, _)| (id, number)))
            .collect();
        let mut starts = vec![0usize; self.role_count() + 1];
        for &(_, number) in &numbered {
            starts[number + 1] += 1;
        }
        for n in 1..starts.len() {
            starts[n] += starts[n - 1];
        }
        let mut next = starts.clone();
        let mut ids = vec![BindingId::Cluster(0); numbered.len()];
        for (id, number) in numbered {
            ids[next[number]] = id;
            next[number] += 1;
        }
        (self.role_binding_starts, self.bindings_by_role) = (starts, ids);
    }

    /// The bindings whose roleRef resolves to role `number` (see [`Cluster::role_in`]), in binding order.
    pub fn bindings_of_role(&self, number: usize) -> &[BindingId] {
        match (self.role_binding_starts.get(number), self.role_binding_starts.get(number + 1)) {
            (Some(&start), Some(&end)) => &self.bindings_by_role[start..end],
            _ => &[],
        }
    }

    fn index_rules(&mut self) {
        let mut by_resource: hashbrown::HashMap<String, Vec<RuleAt>> = hashbrown::HashMap::new();
        let mut wildcard = Vec::new();
        let roles = self.cluster_roles.values().chain(self.roles.values());
        for (number, role) in roles.enumerate() {
            for (i, rule) in role.rules.iter().enumerate() {
                for resource in &rule.resources {
                    let base = resource.split('/').next().unwrap_or_default();
                    let list = if base == "*" { &mut wildcard } else { by_resource.entry_ref(base).or_default() };
                    if list.last() != Some(&(number, i)) {
                        list.push((number, i));
                    }
                }
            }
        }
        (self.rules_by_resource, self.wildcard_resource_rules) = (by_resource, wildcard);
    }

    /// The resource rules that may match `resource`: those naming it (with or without a subresource) and the
    /// wildcards, as (role number, rule index) in role order. Rules naming other resources never match it.
    pub fn resource_rule_candidates(&self, resource: &str) -> (&[RuleAt], &[RuleAt]) {
        let named = self.rules_by_resource.get(resource).map(Vec::as_slice).unwrap_or_default();
        (named, &self.wildcard_resource_rules)
    }

    /// The role with this number (see [`Cluster::role_in`]).
    pub fn role_by_number(&self, number: usize) -> Option<&Role> {
        match number.checked_sub(self.cluster_roles.len()) {
            None => self.cluster_roles.get_index(number).map(|(_, r)| r),
            Some(i) => self.roles.get_index(i).map(|(_, r)| r),
        }
    }

    /// Bindings whose roleRef resolves to nothing, with the API server's message, in the order errors are printed.
    pub fn unresolved_bindings(&self) -> &[(BindingId, Arc<ResolutionError>)] {
        &self.unresolved
    }

    fn slot_of(&self, b: &Binding) -> RoleSlot {
        let found = match b.role_ref.kind.as_str() {
            "ClusterRole" => self.cluster_roles.get_index_of(&b.role_ref.name).map(RoleSlot::Cluster),
            "Role" => {
                self.roles.get_index_of(&NamespacedName(&b.namespace, &b.role_ref.name)).map(RoleSlot::Namespaced)
            }
            _ => None,
        };
        found.unwrap_or(RoleSlot::Missing)
    }

    /// Where the role of binding `id` is (resolved when the cluster was built).
    pub fn role_slot(&self, id: BindingId) -> RoleSlot {
        match id {
            BindingId::Cluster(i) => self.cluster_role_binding_roles[i],
            BindingId::Namespaced(i) => self.role_binding_roles[i],
        }
    }

    /// The role in a slot, with a number unique among all roles (for per-role caches).
    pub fn role_in(&self, slot: RoleSlot) -> Option<(usize, &Role)> {
        match slot {
            RoleSlot::Cluster(i) => self.cluster_roles.get_index(i).map(|(_, r)| (i, r)),
            RoleSlot::Namespaced(i) => self.roles.get_index(i).map(|(_, r)| (self.cluster_roles.len() + i, r)),
            RoleSlot::Missing => None,
        }
    }

    /// How many roles there are (the bound of [`Cluster::role_in`]'s numbers).
    pub fn role_count(&self) -> usize {
        self.cluster_roles.len() + self.roles.len()
    }

    pub fn binding(&self, id: BindingId) -> &Binding {
        match id {
            BindingId::Cluster(i) => &self.cluster_role_bindings[i],
            BindingId::Namespaced(i) => &self.role_bindings[i],
        }
    }

    /// Bindings with a User subject of this name, or a ServiceAccount subject whose username it is (no allocation:
    /// this is on the path of every decision).
    pub fn bindings_for_username(&self, username: &str) -> &[BindingId] {
        self.bindings_by_username.get(username).map(Vec::as_slice).unwrap_or_default()
    }

    /// Bindings with a Group subject of this name.
    pub fn bindings_for_group(&self, group: &str) -> &[BindingId] {
        self.bindings_by_group.get(group).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn role_bindings_in(&self, namespace: &str) -> impl Iterator<Item = (usize, &Binding)> {
        self.role_bindings_by_namespace
            .get(namespace)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| (i, &self.role_bindings[i]))
    }

    pub fn all_bindings(&self) -> impl Iterator<Item = (BindingId, &Binding)> {
        self.cluster_role_bindings
            .iter()
            .enumerate()
            .map(|(i, b)| (BindingId::Cluster(i), b))
            .chain(self.role_bindings.iter().enumerate().map(|(i, b)| (BindingId::Namespaced(i), b)))
    }

    /// Resolves a binding's roleRef the way the authorizer does: `Role` in the binding's namespace, `ClusterRole`
    /// by name. The error text matches the API server's.
    pub fn resolve_role(&self, binding: &Binding) -> Result<&Role, String> {
        match binding.role_ref.kind.as_str() {
            "ClusterRole" => self
                .cluster_roles
                .get(&binding.role_ref.name)
                .ok_or_else(|| format!("clusterrole.rbac.authorization.k8s.io {:?} not found", binding.role_ref.name)),
            "Role" => self
                .role(&binding.namespace, &binding.role_ref.name)
                .ok_or_else(|| format!("role.rbac.authorization.k8s.io {:?} not found", binding.role_ref.name)),
            other => Err(format!("unsupported role reference kind: {other:?}")),
        }
    }

    /// The Role `name` of `namespace`.
    pub fn role(&self, namespace: &str, name: &str) -> Option<&Role> {
        self.roles.get(&NamespacedName(namespace, name))
    }

    /// Whether a namespace exists, when the input says: a live load reads every namespace or the one asked about;
    /// a snapshot says only if it holds Namespace objects.
    pub fn namespace_exists(&self, name: &str) -> Option<bool> {
        if self.namespaces.contains_key(name) {
            Some(true)
        } else if self.absent_namespaces.contains(name) || !self.namespaces.is_empty() {
            Some(false)
        } else {
            None
        }
    }

    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&ServiceAccount> {
        self.service_accounts.get(&NamespacedName(namespace, name))
    }

    /// The ServiceAccounts of a namespace, by name.
    pub fn service_accounts_in<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a ServiceAccount> + 'a {
        self.service_accounts.as_slice()[self.service_account_positions(namespace)].iter().map(|(_, sa)| sa)
    }

    /// The positions in [`Cluster::service_accounts`] (sorted by namespace, name) of a namespace's ServiceAccounts.
    pub fn service_account_positions(&self, namespace: &str) -> std::ops::Range<usize> {
        let sorted = self.service_accounts.as_slice();
        let start = sorted.partition_point(|(ns, _), _| ns.as_str() < namespace);
        let end = start + sorted[start..].partition_point(|(ns, _), _| ns.as_str() == namespace);
        start..end
    }

    /// The position in [`Cluster::service_accounts`] of a ServiceAccount, without allocating.
    pub fn service_account_position(&self, namespace: &str, name: &str) -> Option<usize> {
        self.service_accounts.get_index_of(&NamespacedName(namespace, name))
    }
}

/// A borrowed (namespace, name) key: hashes and compares like the owned `(String, String)`.
struct NamespacedName<'a>(&'a str, &'a str);

impl Hash for NamespacedName<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The same calls as the tuple's derived Hash, so both land in the same bucket.
        self.0.hash(state);
        self.1.hash(state);
    }
}

impl Equivalent<(String, String)> for NamespacedName<'_> {
    fn equivalent(&self, key: &(String, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

/// The keys under which a binding's subjects are found, with the authorizer's namespace defaulting applied.
/// Subjects that can never match (unknown kinds, SA subjects without any namespace) get no key.
fn subject_keys(b: &Binding) -> Vec<SubjectKey> {
    b.subjects.iter().filter_map(|s| subject_key(b, s)).collect()
}

pub fn subject_key(b: &Binding, s: &Subject) -> Option<SubjectKey> {
    match s.kind.as_str() {
        "User" => Some(SubjectKey::Username(s.name.clone())),
        "Group" => Some(SubjectKey::Group(s.name.clone())),
        "ServiceAccount" => {
            let ns = if s.namespace.is_empty() { &b.namespace } else { &s.namespace };
            (!ns.is_empty()).then(|| SubjectKey::Username(request::sa_username(ns, &s.name)))
        }
        _ => None,
    }
}
