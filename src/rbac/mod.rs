//! Pure RBAC evaluation: what kube-apiserver's RBAC authorizer decides, and who it would allow.
//! No I/O here: everything works on a [`Cluster`] already in memory.

pub mod access;
pub mod fix;
pub mod near_miss;
pub mod rules;

use std::sync::Arc;

use rayon::prelude::*;

use serde::Serialize;

pub use crate::model::request;
use crate::model::{Binding, BindingId, BindingKind, Cluster, Role, Rule, Subject};
pub use crate::model::{ObjectRef, ResolutionError};
use request::{AUTHENTICATED_GROUP, MASTERS_GROUP, SA_ALL_GROUP, parse_sa_username};
pub use request::{Request, ResourceAttributes, UserInfo};

/// One binding -> role -> rule chain that allows a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    /// Shared by the grants of one binding (who-can makes thousands of grants).
    pub binding: Arc<ObjectRef>,
    pub role: Arc<ObjectRef>,
    pub rule_index: usize,
    pub rule: Arc<Rule>,
    /// The binding's subject entry that matched (namespace defaulted as the authorizer does); shared by the grants
    /// of one subject.
    pub subject: Arc<Subject>,
    /// Where the grant applies: `"cluster"` for ClusterRoleBindings, else the RoleBinding's namespace.
    pub scope: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub allowed: bool,
    /// The API server's RBAC reason: for the first grant in its evaluation order, else "" or the resolution errors.
    pub reason: String,
    pub grants: Vec<Grant>,
    pub errors: Vec<ResolutionError>,
}

fn scope_of(b: &Binding) -> String {
    match b.kind {
        BindingKind::ClusterRoleBinding => "cluster".into(),
        BindingKind::RoleBinding => b.namespace.clone(),
    }
}

/// Does this subject entry of binding `b` apply to the user? (pkg/registry/rbac/validation/rule.go appliesToUser)
pub fn subject_applies(b: &Binding, s: &Subject, user: &UserInfo) -> bool {
    match s.kind.as_str() {
        "User" => user.username == s.name,
        "Group" => user.groups.contains(&s.name),
        "ServiceAccount" => {
            let ns = if s.namespace.is_empty() { &b.namespace } else { &s.namespace };
            !ns.is_empty() && parse_sa_username(&user.username) == Some((ns.as_str(), s.name.as_str()))
        }
        _ => false,
    }
}

/// How a subject entry that applies reaches a user: "directly" (a ServiceAccount subject, or a User subject of a
/// user that is not a ServiceAccount), "user-alias" (a User subject naming a ServiceAccount's username) or "group".
pub fn reach_of(s: &Subject, user: &UserInfo) -> &'static str {
    match s.kind.as_str() {
        "ServiceAccount" => "directly",
        "User" if parse_sa_username(&user.username).is_some() => "user-alias",
        "User" => "directly",
        _ => "group",
    }
}

/// The first subject entry of `b` that applies to `user`, with its namespace defaulted, and how it reaches the user.
pub fn matching_subject(b: &Binding, user: &UserInfo) -> Option<(Subject, &'static str)> {
    b.subjects.iter().find(|s| subject_applies(b, s, user)).map(|s| (effective_subject(b, s), reach_of(s, user)))
}

/// A subject entry with the authorizer's defaulting: a ServiceAccount without namespace is in the binding's.
pub fn effective_subject(b: &Binding, s: &Subject) -> Subject {
    let mut s = s.clone();
    if s.kind == "ServiceAccount" && s.namespace.is_empty() {
        s.namespace = b.namespace.clone();
    }
    s
}

/// The bindings whose subjects name this user, directly or through a group or the User alias of a ServiceAccount.
pub fn bindings_for_user(cluster: &Cluster, user: &UserInfo) -> Vec<BindingId> {
    // A ServiceAccount's User alias and its ServiceAccount subjects share the username key.
    let mut ids: Vec<BindingId> = cluster.bindings_for_username(&user.username).to_vec();
    for g in &user.groups {
        ids.extend_from_slice(cluster.bindings_for_group(g));
    }
    ids.sort();
    ids.dedup();
    // The index keys are candidates (a subject name with `:` can collide); the authorizer's check decides.
    ids.retain(|&id| {
        let b = cluster.binding(id);
        b.subjects.iter().any(|s| subject_applies(b, s, user))
    });
    ids
}

fn grants_from<'a>(role: &'a Role, request: &'a Request) -> impl Iterator<Item = (usize, &'a Arc<Rule>)> + 'a {
    role.rules.iter().enumerate().filter(move |(_, r)| rules::rule_allows(r, request))
}

/// The RBAC authorizer's decision for this user and request, with every grant (not only the first).
pub fn authorize(cluster: &Cluster, user: &UserInfo, request: &Request) -> Decision {
    let ns = request.namespace();
    let mut grants = Vec::new();
    let mut errors = Vec::new();
    // ClusterRoleBindings are visited before RoleBindings (BindingId orders them so).
    for id in bindings_for_user(cluster, user) {
        let b = cluster.binding(id);
        if b.kind == BindingKind::RoleBinding && (ns.is_empty() || b.namespace != ns) {
            continue;
        }
        let Some(subject) = b.subjects.iter().find(|s| subject_applies(b, s, user)) else { continue };
        match cluster.resolve_role(b) {
            Err(message) => errors.push(ResolutionError { binding: ObjectRef::of_binding(b), message }),
            Ok(role) => {
                let mut matched = grants_from(role, request).peekable();
                if matched.peek().is_none() {
                    continue;
                }
                let (binding, role_ref) = (Arc::new(ObjectRef::of_binding(b)), Arc::new(ObjectRef::of_role_ref(b)));
                let subject = Arc::new(effective_subject(b, subject));
                for (i, rule) in matched {
                    grants.push(Grant {
                        binding: Arc::clone(&binding),
                        role: Arc::clone(&role_ref),
                        rule_index: i,
                        rule: rule.clone(),
                        subject: Arc::clone(&subject),
                        scope: scope_of(b),
                    });
                }
            }
        }
    }
    let reason = match grants.first() {
        Some(g) => reason_for(g),
        None => denied_reason(&errors),
    };
    Decision { allowed: !grants.is_empty(), reason, grants, errors }
}

/// What the API server decides before and with RBAC, as a SubjectAccessReview reports it: system:masters is
/// allowed everything by the first link of the authorizer chain, everyone else by RBAC (this cluster's only other
/// authorizer that kubectl-sa can evaluate; the server check in explain tells when another one decides).
pub fn server_allows(cluster: &Cluster, user: &UserInfo, request: &Request) -> bool {
    user.is_superuser() || authorize(cluster, user, request).allowed
}

/// The reason of a non-allow: "" or `RBAC: ` + the resolution errors, aggregated as Kubernetes'
/// utilerrors.NewAggregate prints them (one error alone, several as `[e1, e2]`).
fn denied_reason(errors: &[ResolutionError]) -> String {
    match errors {
        [] => String::new(),
        [one] => format!("RBAC: {}", one.message),
        many => format!("RBAC: [{}]", many.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(", ")),
    }
}

/// `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"` (the API server's wording).
pub fn reason_for(g: &Grant) -> String {
    let binding = if g.binding.kind == "RoleBinding" {
        format!("RoleBinding \"{}/{}\"", g.binding.name, g.binding.namespace)
    } else {
        format!("ClusterRoleBinding \"{}\"", g.binding.name)
    };
    format!("RBAC: allowed by {binding} of {} \"{}\" to {}", g.role.kind, g.role.name, g.subject.reason_form())
}

/// Which bindings `who-can` consults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhoCanScope {
    /// The request as given: ClusterRoleBindings, plus RoleBindings of the request's namespace if it has one.
    Request,
    /// Anywhere: ClusterRoleBindings and RoleBindings of every namespace (namespaced resources only).
    AllNamespaces,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectGrants {
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub grants: Vec<Arc<Grant>>,
    /// Why this subject is special (system:masters) or never matches (an unknown kind, an SA without namespace).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountGrants {
    pub namespace: String,
    pub name: String,
    pub exists: bool,
    /// Namespaces where it holds the permission, or `["cluster"]`.
    pub scopes: Vec<String>,
    /// Shared with the other ServiceAccounts a group grant reaches: `system:authenticated` reaches all of them.
    pub via: Vec<Arc<Grant>>,
}

/// ServiceAccounts reached by who-can's grants, with those grants. Existing ones are kept by their position in the
/// cluster's sorted ServiceAccounts (a group reaches thousands: no hashing, no sorting); missing ones that bindings
/// name are kept by name.
struct ReachedSas<'k> {
    /// By position in `Cluster::service_accounts`.
    existing: Vec<Option<Vec<Arc<Grant>>>>,
    missing: hashbrown::HashMap<(&'k str, &'k str), Vec<Arc<Grant>>>,
}

/// ((namespace, name), grants, exists).
type ReachedSa<'k> = ((&'k str, &'k str), Vec<Arc<Grant>>, bool);

impl<'k> ReachedSas<'k> {
    fn new(cluster: &Cluster) -> Self {
        ReachedSas { existing: vec![None; cluster.service_accounts.len()], missing: Default::default() }
    }

    fn reach_existing(&mut self, position: usize, grants: &[Arc<Grant>]) {
        self.existing[position].get_or_insert_default().extend(grants.iter().cloned());
    }

    /// A ServiceAccount named by a subject: existing or not.
    fn reach_named(&mut self, cluster: &Cluster, key: (&'k str, &'k str), grants: &[Arc<Grant>]) {
        match cluster.service_account_position(key.0, key.1) {
            Some(position) => self.reach_existing(position, grants),
            None => self.missing.entry(key).or_default().extend(grants.iter().cloned()),
        }
    }

    /// Every ServiceAccount reached, sorted by namespace and name: the existing ones are in order already, the
    /// missing ones are sorted and merged in.
    fn into_sorted(self, cluster: &'k Cluster) -> Vec<ReachedSa<'k>> {
        let mut missing: Vec<_> = self.missing.into_iter().collect();
        missing.sort_unstable_by_key(|(key, _)| *key);
        let mut existing = cluster
            .service_accounts
            .keys()
            .zip(self.existing)
            .filter_map(|((ns, name), grants)| Some(((ns.as_str(), name.as_str()), grants?, true)))
            .peekable();
        let mut missing = missing.into_iter().map(|(key, grants)| (key, grants, false)).peekable();
        let mut out = Vec::new();
        loop {
            let next = match (existing.peek(), missing.peek()) {
                (Some(a), Some(b)) if a.0 <= b.0 => existing.next(),
                (Some(_), Some(_)) => missing.next(),
                (Some(_), None) => existing.next(),
                (None, _) => missing.next(),
            };
            match next {
                Some(entry) => out.push(entry),
                None => return out,
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoCan {
    pub subjects: Vec<SubjectGrants>,
    pub service_accounts: Vec<ServiceAccountGrants>,
    /// Shared with the cluster, which resolves every roleRef once.
    pub errors: Vec<Arc<ResolutionError>>,
}

/// Everyone RBAC allows to make this request (or, with [`WhoCanScope::AllNamespaces`], to make it in some namespace).
pub fn who_can(cluster: &Cluster, request: &Request, scope: &WhoCanScope) -> WhoCan {
    let ns = request.namespace();
    // Role (by its number) -> its rules that allow the request: for every role at once from the resource index
    // across all namespaces, else on first use.
    let mut matching_rules: Vec<Option<Vec<usize>>> = match (scope, request) {
        (WhoCanScope::AllNamespaces, Request::Resource { attrs, .. }) => {
            matching_rules_by_role(cluster, request, attrs)
        }
        _ => vec![None; cluster.role_count()],
    };
    let namespaced_candidates: Box<dyn Iterator<Item = (usize, &Binding)>> = match (scope, ns.is_empty()) {
        (WhoCanScope::Request, true) => Box::new(std::iter::empty()),
        (WhoCanScope::Request, false) => Box::new(cluster.role_bindings_in(ns)),
        (WhoCanScope::AllNamespaces, _) => Box::new(cluster.role_bindings.iter().enumerate()),
    };
    let role_of = |id: BindingId| cluster.role_in(cluster.role_slot(id));
    // Unresolved roleRefs are reported below, from the cluster's list.
    let indexed = matches!((scope, request), (WhoCanScope::AllNamespaces, Request::Resource { .. }));
    let candidates: Vec<(&Binding, usize, &Role)> = if indexed {
        // Every role's matching rules are known: only the bindings of roles with some are visited, in binding
        // order (the order of a subject's grants).
        let mut ids: Vec<BindingId> = matching_rules
            .iter()
            .enumerate()
            .filter(|(_, rules)| rules.as_ref().is_some_and(|r| !r.is_empty()))
            .flat_map(|(number, _)| cluster.bindings_of_role(number).iter().copied())
            .collect();
        ids.sort_unstable();
        ids.into_iter().filter_map(|id| role_of(id).map(|(number, role)| (cluster.binding(id), number, role))).collect()
    } else {
        cluster
            .cluster_role_bindings
            .iter()
            .enumerate()
            .map(|(i, b)| (BindingId::Cluster(i), b))
            .chain(namespaced_candidates.map(|(i, b)| (BindingId::Namespaced(i), b)))
            .filter_map(|(id, b)| role_of(id).map(|(number, role)| (b, number, role)))
            .collect()
    };
    for &(_, number, role) in &candidates {
        matching_rules[number].get_or_insert_with(|| grants_from(role, request).map(|(i, _)| i).collect());
    }
    let by_subject = grants_by_subject(&candidates, &matching_rules);

    // Service accounts reached by each granted subject, with whether they are known to exist (those reached
    // through a group are taken from the cluster's ServiceAccounts).
    let mut sas = ReachedSas::new(cluster);
    for (subject, (grants, never)) in &by_subject {
        if never.is_some() {
            continue;
        }
        match subject.kind.as_str() {
            "ServiceAccount" => sas.reach_named(cluster, (&subject.namespace, &subject.name), grants),
            "User" => {
                if let Some(key) = parse_sa_username(&subject.name) {
                    sas.reach_named(cluster, key, grants);
                }
            }
            "Group" => {
                let positions = if subject.name == SA_ALL_GROUP || subject.name == AUTHENTICATED_GROUP {
                    0..cluster.service_accounts.len()
                } else if let Some(group_ns) = subject.name.strip_prefix("system:serviceaccounts:") {
                    cluster.service_account_positions(group_ns)
                } else {
                    0..0
                };
                for position in positions {
                    sas.reach_existing(position, grants);
                }
            }
            _ => {}
        }
    }

    // Thousands of ServiceAccounts on a large cluster: their lists are sorted on every core (order is kept).
    let service_accounts = sas
        .into_sorted(cluster)
        .into_par_iter()
        .map(|((namespace, name), mut via, exists)| {
            if via.len() > 1 {
                via.sort_by(|a, b| (&a.binding, a.rule_index, &a.subject).cmp(&(&b.binding, b.rule_index, &b.subject)));
                // The binding and rule index determine the role, rule and scope of a grant.
                via.dedup_by(|a, b| {
                    Arc::ptr_eq(a, b)
                        || (a.rule_index == b.rule_index && a.binding == b.binding && a.subject == b.subject)
                });
            }
            // Borrowed until deduplicated: a ServiceAccount reached through groups has many grants, few scopes.
            let scopes: Vec<String> = if via.iter().any(|g| g.scope == "cluster") {
                vec!["cluster".into()]
            } else {
                let mut scopes: Vec<&str> = via.iter().map(|g| g.scope.as_str()).collect();
                scopes.sort_unstable();
                scopes.dedup();
                scopes.into_iter().map(String::from).collect()
            };
            ServiceAccountGrants { exists, namespace: namespace.to_string(), name: name.to_string(), scopes, via }
        })
        .collect();

    // system:masters is allowed everything before RBAC is consulted (the API server's first authorizer).
    let mut subjects = vec![SubjectGrants {
        kind: "Group".into(),
        name: MASTERS_GROUP.into(),
        namespace: String::new(),
        grants: Vec::new(),
        note: Some("superuser: allowed everything before RBAC is consulted".into()),
    }];
    let mut by_subject: Vec<_> = by_subject.into_iter().collect();
    by_subject.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    subjects.extend(by_subject.into_iter().map(|(s, (grants, note))| {
        // The grants share the subject: its fields are copied.
        let s = Arc::unwrap_or_clone(s);
        SubjectGrants { kind: s.kind, name: s.name, namespace: s.namespace, grants, note }
    }));
    // The API server reports every binding it visits whose role is missing.
    let errors = cluster
        .unresolved_bindings()
        .iter()
        .filter(|(id, _)| match (scope, id) {
            (WhoCanScope::AllNamespaces, _) | (_, BindingId::Cluster(_)) => true,
            (WhoCanScope::Request, BindingId::Namespaced(_)) => !ns.is_empty() && cluster.binding(*id).namespace == ns,
        })
        .map(|(_, error)| Arc::clone(error))
        .collect();
    WhoCan { subjects, service_accounts, errors }
}

/// Every role's rules that allow a resource request, found through the cluster's resource index: only rules that
/// name the resource, or a wildcard, are evaluated. Roles no candidate rule allows get an empty list.
fn matching_rules_by_role(cluster: &Cluster, request: &Request, attrs: &ResourceAttributes) -> Vec<Option<Vec<usize>>> {
    let mut out: Vec<Option<Vec<usize>>> = vec![Some(Vec::new()); cluster.role_count()];
    let (named, wildcard) = cluster.resource_rule_candidates(&attrs.resource);
    for &(number, i) in named.iter().chain(wildcard) {
        let Some(role) = cluster.role_by_number(number) else { continue };
        if rules::rule_allows(&role.rules[i], request)
            && let Some(ids) = &mut out[number]
        {
            ids.push(i);
        }
    }
    for ids in out.iter_mut().flatten().filter(|ids| ids.len() > 1) {
        // A rule may be a candidate twice (named and wildcard); grants list rules in role order.
        ids.sort_unstable();
        ids.dedup();
    }
    out
}

/// Subject (as granted, namespace defaulted) -> its grants, and the note of a subject that never matches.
type GrantsBySubject = hashbrown::HashMap<Arc<Subject>, (Vec<Arc<Grant>>, Option<String>)>;

/// A binding's subject entry with the authorizer's namespace defaulting, borrowed: it hashes and compares like the
/// [`Subject`] it stands for, so looking a subject up allocates nothing.
#[derive(Hash)]
struct SubjectKey<'a> {
    kind: &'a str,
    name: &'a str,
    namespace: &'a str,
}

impl<'a> SubjectKey<'a> {
    fn of(b: &'a Binding, s: &'a Subject) -> Self {
        let namespace = if s.kind == "ServiceAccount" && s.namespace.is_empty() { &b.namespace } else { &s.namespace };
        SubjectKey { kind: &s.kind, name: &s.name, namespace }
    }
}

impl hashbrown::Equivalent<Arc<Subject>> for SubjectKey<'_> {
    fn equivalent(&self, key: &Arc<Subject>) -> bool {
        self.kind == key.kind && self.name == key.name && self.namespace == key.namespace
    }
}

/// The grants of these bindings (with their roles), by subject; `matching_rules` holds every role's matching rules.
fn grants_by_subject(bindings: &[(&Binding, usize, &Role)], matching_rules: &[Option<Vec<usize>>]) -> GrantsBySubject {
    let mut by_subject = GrantsBySubject::new();
    for &(b, number, role) in bindings {
        let Some((&last, others)) = matching_rules[number].as_deref().and_then(<[usize]>::split_last) else {
            continue;
        };
        let (binding, role_ref) = (Arc::new(ObjectRef::of_binding(b)), Arc::new(ObjectRef::of_role_ref(b)));
        for s in &b.subjects {
            let (subject, entry) = match by_subject.get_key_value_mut(&SubjectKey::of(b, s)) {
                Some((subject, entry)) => (Arc::clone(subject), entry),
                None => {
                    let subject = Arc::new(effective_subject(b, s));
                    let entry = by_subject
                        .entry(Arc::clone(&subject))
                        .or_insert_with(|| (Vec::new(), never_matches_note(b, s)));
                    (subject, entry)
                }
            };
            entry.0.extend(others.iter().chain([&last]).map(|&i| {
                Arc::new(Grant {
                    binding: Arc::clone(&binding),
                    role: Arc::clone(&role_ref),
                    rule_index: i,
                    rule: role.rules[i].clone(),
                    subject: Arc::clone(&subject),
                    scope: scope_of(b),
                })
            }));
        }
    }
    by_subject
}

fn never_matches_note(b: &Binding, s: &Subject) -> Option<String> {
    match s.kind.as_str() {
        "User" | "Group" => None,
        "ServiceAccount" if s.namespace.is_empty() && b.namespace.is_empty() => {
            Some("never matches: a ServiceAccount subject of a ClusterRoleBinding needs a namespace".into())
        }
        "ServiceAccount" => None,
        other => Some(format!(
            "never matches: subject kind {other:?} is not one of ServiceAccount, User, Group (case-sensitive)"
        )),
    }
}
