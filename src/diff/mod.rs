//! `diff`: what an RBAC change grants and takes away, per subject, and what it does to the audit's findings and to
//! the paths to cluster-admin.
//!
//! For each subject and scope, the requests the after-state allows and the before-state does not (and the
//! reverse) are computed exactly as differences of rule cubes ([`boxes`]), then written as rule-shaped entries.
//! Scope `cluster` is the requests without a namespace (decided by ClusterRoleBindings alone); a namespace is
//! listed with entries of its own only where its change differs from the cluster scope's (its RoleBindings
//! change, or hold before part of what a ClusterRoleBinding adds); every other namespace changed exactly as the
//! cluster scope did. Only subjects a changed binding or role concerns are evaluated: every other subject matches
//! the same rules on both sides. Pure: no I/O.

pub mod boxes;
mod urls;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;

use crate::audit::{self, Finding, Severity};
use crate::model::{Binding, BindingId, BindingKind, Cluster, Rule};
use crate::rbac::Request;
use crate::rbac::UserInfo;
use crate::rbac::access::IdentityRules;
use crate::rbac::request::{AUTHENTICATED_GROUP, parse_sa_username};
use boxes::{Cube, GROUP, NAME, RESOURCE, SUBRESOURCE, Set, VERB};
use urls::UrlClasses;

/// Who a change concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SubjectRef {
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
}

impl SubjectRef {
    fn service_account(namespace: &str, name: &str) -> SubjectRef {
        SubjectRef { kind: "ServiceAccount".into(), namespace: namespace.into(), name: name.into() }
    }

    fn user_info(&self) -> UserInfo {
        match self.kind.as_str() {
            "ServiceAccount" => UserInfo::service_account(&self.namespace, &self.name),
            "User" => UserInfo { username: self.name.clone(), ..Default::default() },
            _ => UserInfo { groups: vec![self.name.clone()], ..Default::default() },
        }
    }
}

impl std::fmt::Display for SubjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{} {}", self.kind, self.name)
        } else {
            write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// A binding -> role that causes an entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Via {
    pub binding: String,
    pub role: String,
}

/// Requests at one scope, written with the fields of an RBAC rule; `except*` fields remove requests from what the
/// others match. Resources use the notation of rules (`pods/*` is the literal subresource `*`, as in a rule) plus
/// `RES/**` and `*/**`: every subresource of RES, of every resource; an empty `resourceNames` matches every name and requests without one, `""` in it only the latter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub scope: String,
    pub verbs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except_verbs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except_api_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except_resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except_resource_names: Vec<String>,
    #[serde(rename = "nonResourceURLs", skip_serializing_if = "Vec::is_empty")]
    pub non_resource_urls: Vec<String>,
    #[serde(rename = "exceptNonResourceURLs", skip_serializing_if = "Vec::is_empty")]
    pub except_non_resource_urls: Vec<String>,
    pub via: Vec<Via>,
}

impl Entry {
    /// Whether the entry's fields match a request (at any scope: the caller picks the entries of the request's).
    pub fn covers(&self, request: &Request) -> bool {
        let listed = |values: &[String], v: &str| values.iter().any(|x| x == "*" || x == v);
        let excepted = |values: &[String], v: &str| values.iter().any(|x| x == v);
        match request {
            Request::NonResource { verb, path } => {
                let url = |patterns: &[String]| {
                    patterns
                        .iter()
                        .any(|u| u == path || (u.ends_with('*') && path.starts_with(u.trim_end_matches('*'))))
                };
                !self.non_resource_urls.is_empty()
                    && listed(&self.verbs, verb)
                    && !excepted(&self.except_verbs, verb)
                    && url(&self.non_resource_urls)
                    && !url(&self.except_non_resource_urls)
            }
            Request::Resource { verb, attrs } => {
                let resource = |patterns: &[String]| {
                    patterns.iter().any(|r| resource_pattern_matches(r, &attrs.resource, &attrs.subresource))
                };
                let names = self.resource_names.is_empty() || self.resource_names.contains(&attrs.name);
                !self.resources.is_empty()
                    && listed(&self.verbs, verb)
                    && !excepted(&self.except_verbs, verb)
                    && listed(&self.api_groups, &attrs.group)
                    && !excepted(&self.except_api_groups, &attrs.group)
                    && resource(&self.resources)
                    && !resource(&self.except_resources)
                    && names
                    && !excepted(&self.except_resource_names, &attrs.name)
            }
        }
    }
}

/// An entry's resource notation: `*` (everything), `RES`, `RES/SUB`, `*/SUB` as in rules, and `RES/**`, `*/**` for
/// every subresource.
fn resource_pattern_matches(pattern: &str, resource: &str, subresource: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.split_once('/') {
        None => subresource.is_empty() && pattern == resource,
        Some((base, sub)) => {
            !subresource.is_empty() && (base == "*" || base == resource) && (sub == "**" || sub == subresource)
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectDiff {
    #[serde(flatten)]
    pub subject: SubjectRef,
    pub added: Vec<Entry>,
    pub removed: Vec<Entry>,
    /// The namespaces described by entries of their own scope (in `added`, `removed` or neither: a namespace
    /// listed without removed entries lost nothing); every other namespace changed as the `cluster` scope did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub listed_namespaces: Vec<String>,
}

impl SubjectDiff {
    /// The entries of `added` or `removed` that describe a request's namespace ("" for requests without one).
    pub fn entries_for<'a>(&'a self, entries: &'a [Entry], namespace: &str) -> impl Iterator<Item = &'a Entry> {
        let scope = if self.listed_namespaces.iter().any(|n| n == namespace) { namespace } else { "cluster" };
        entries.iter().filter(move |e| e.scope == scope)
    }

    /// How many of `entries` (its `added` or `removed`) cover a request: 0 or 1 when the diff is exact.
    pub fn covering(&self, entries: &[Entry], request: &Request) -> usize {
        let namespace = match request {
            Request::Resource { attrs, .. } => attrs.namespace.as_str(),
            Request::NonResource { .. } => "",
        };
        self.entries_for(entries, namespace).filter(|e| e.covers(request)).count()
    }
}

/// Findings present on one side only (by fingerprint: id, ServiceAccount, severity, scope).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingsDiff {
    pub added: Vec<Finding>,
    pub removed: Vec<Finding>,
}

/// ServiceAccounts that reach cluster-admin on one side only, with the shortest path of that side.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PathsDiff {
    pub added: Vec<crate::paths::Path>,
    pub removed: Vec<crate::paths::Path>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub subjects: Vec<SubjectDiff>,
    pub findings: FindingsDiff,
    pub paths: PathsDiff,
    pub warnings: Vec<String>,
}

impl Report {
    /// The most severe finding the change adds.
    pub fn worst_added(&self) -> Option<Severity> {
        self.findings.added.iter().map(|f| f.severity).max()
    }
}

/// What each side's workloads were read for (the audit's SA-08/09/10 and SA-24 depend on it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sides {
    pub before_workloads_known: bool,
    pub after_workloads_known: bool,
}

/// The subjects a change may concern: those of every binding that differs between the states (added, removed,
/// other roleRef or subjects, or a role whose rules differ), with the groups of ServiceAccounts expanded.
#[derive(Default)]
struct Touched {
    subjects: BTreeSet<SubjectRef>,
    every_service_account: bool,
    service_account_namespaces: BTreeSet<String>,
    every_user: bool,
}

impl Touched {
    fn of(before: &Cluster, after: &Cluster) -> Touched {
        let (was, is) = (binding_index(before), binding_index(after));
        let rules = |c: &Cluster, b: &Binding| c.resolve_role(b).ok().map(|r| r.rules.clone());
        let mut out = Touched::default();
        for (key, b) in &was {
            match is.get(key) {
                Some(a)
                    if a.role_ref == b.role_ref && a.subjects == b.subjects && rules(after, a) == rules(before, b) => {}
                Some(a) => {
                    out.add(b);
                    out.add(a);
                }
                None => out.add(b),
            }
        }
        for (key, a) in &is {
            if !was.contains_key(key) {
                out.add(a);
            }
        }
        out
    }

    fn add(&mut self, b: &Binding) {
        for s in &b.subjects {
            match s.kind.as_str() {
                "ServiceAccount" => {
                    let ns = if s.namespace.is_empty() { &b.namespace } else { &s.namespace };
                    self.subjects.insert(SubjectRef::service_account(ns, &s.name));
                }
                "User" => {
                    if let Some((ns, name)) = parse_sa_username(&s.name) {
                        self.subjects.insert(SubjectRef::service_account(ns, name));
                    }
                    self.subjects.insert(SubjectRef {
                        kind: "User".into(),
                        namespace: String::new(),
                        name: s.name.clone(),
                    });
                }
                "Group" => {
                    match s.name.strip_prefix("system:serviceaccounts:") {
                        Some(ns) => {
                            self.service_account_namespaces.insert(ns.to_string());
                        }
                        None if s.name == "system:serviceaccounts" => self.every_service_account = true,
                        None if s.name == AUTHENTICATED_GROUP => {
                            self.every_service_account = true;
                            self.every_user = true;
                        }
                        None => {}
                    }
                    self.subjects.insert(SubjectRef {
                        kind: "Group".into(),
                        namespace: String::new(),
                        name: s.name.clone(),
                    });
                }
                _ => {}
            }
        }
    }

    fn contains(&self, s: &SubjectRef) -> bool {
        self.subjects.contains(s)
            || match s.kind.as_str() {
                "ServiceAccount" => {
                    self.every_service_account || self.service_account_namespaces.contains(&s.namespace)
                }
                "User" => self.every_user,
                _ => false,
            }
    }
}

type BindingKey<'a> = (BindingKind, &'a str, &'a str);

fn binding_index(c: &Cluster) -> HashMap<BindingKey<'_>, &Binding> {
    c.all_bindings().map(|(_, b)| ((b.kind, b.namespace.as_str(), b.name.as_str()), b)).collect()
}

/// Every subject either state names or holds: ServiceAccounts (existing ones, each namespace's `default`, and those
/// bindings name, directly or by their User alias), Users and Groups of binding subjects.
fn subjects(states: [&Cluster; 2]) -> BTreeSet<SubjectRef> {
    let mut out = BTreeSet::new();
    for c in states {
        for (ns, name) in c.service_accounts.keys() {
            out.insert(SubjectRef::service_account(ns, name));
        }
        // The ServiceAccount controller gives every namespace a `default`, in the input or not.
        for ns in c.namespaces.keys() {
            out.insert(SubjectRef::service_account(ns, "default"));
        }
        for (_, b) in c.all_bindings() {
            for s in &b.subjects {
                let r = match s.kind.as_str() {
                    "ServiceAccount" => {
                        let ns = if s.namespace.is_empty() { &b.namespace } else { &s.namespace };
                        SubjectRef::service_account(ns, &s.name)
                    }
                    "User" | "Group" => {
                        if let Some((ns, name)) = parse_sa_username(&s.name).filter(|_| s.kind == "User") {
                            out.insert(SubjectRef::service_account(ns, name));
                        }
                        SubjectRef { kind: s.kind.clone(), namespace: String::new(), name: s.name.clone() }
                    }
                    _ => continue,
                };
                if !r.name.is_empty() {
                    out.insert(r);
                }
            }
        }
    }
    out
}

/// One state's rules for a subject, with the binding that holds each: resource rules by scope ("cluster" or a
/// namespace), non-resource cubes (ClusterRoleBindings only: non-resource requests have no namespace). Kept by
/// scope because a subject can hold tens of thousands of rules (a group bound in every namespace), and each scope
/// is decided by the cluster's rules and its own only. Rules point at their cubes, built once per state.
struct Held<'a> {
    cluster: &'a Cluster,
    scopes: FastMap<&'a str, Vec<(Arc<RuleCubes>, BindingId)>>,
    url_cubes: Vec<(Cube, BindingId)>,
    /// The cluster scope's rules by the resources they name, built when first asked.
    cluster_index: std::cell::OnceCell<ResourceIndex>,
}

/// Rules (positions in a scope's list) by resource: those naming each resource, and those for every resource.
#[derive(Default)]
struct ResourceIndex {
    named: FastMap<String, Vec<usize>>,
    every: Vec<usize>,
}

impl ResourceIndex {
    fn of(rules: &[(Arc<RuleCubes>, BindingId)]) -> ResourceIndex {
        let mut index = ResourceIndex::default();
        for (i, (r, _)) in rules.iter().enumerate() {
            for c in &r.cubes {
                match &c.0[RESOURCE] {
                    Set::Only(names) => {
                        for n in names {
                            index.named.entry(n.clone()).or_default().push(i);
                        }
                    }
                    Set::AllBut(_) => index.every.push(i),
                }
            }
        }
        index
    }

    /// The rules that can meet some of `cubes` (a superset: only resources are compared), in order; None: all.
    fn candidates(&self, cubes: &[Cube]) -> Option<Vec<usize>> {
        let mut out = self.every.clone();
        for c in cubes {
            let Set::Only(names) = &c.0[RESOURCE] else { return None };
            for n in names {
                out.extend(self.named.get(n).into_iter().flatten());
            }
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

const CLUSTER: &str = "cluster";

/// A rule's cubes, hashed once: what both sides hold is cancelled by comparing cubes, not rule text, so rules that
/// differ only in order or spelling (`get,list` and `list,get`) cancel too.
struct RuleCubes {
    cubes: Vec<Cube>,
    hash: u64,
}

impl PartialEq for RuleCubes {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.cubes == other.cubes
    }
}

impl Eq for RuleCubes {}

impl std::hash::Hash for RuleCubes {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// Each rule's cubes, built once per state: roles are shared by many bindings and subjects.
#[derive(Default)]
struct CubeCache(FastMap<*const Rule, Arc<RuleCubes>>);

impl CubeCache {
    fn of(&mut self, rule: &Arc<Rule>) -> &Arc<RuleCubes> {
        self.0.entry(Arc::as_ptr(rule)).or_insert_with(|| {
            let mut cubes = boxes::cubes_of(rule);
            cubes.sort();
            cubes.dedup();
            let hash = std::hash::BuildHasher::hash_one(&foldhash::fast::FixedState::default(), &cubes);
            Arc::new(RuleCubes { cubes, hash })
        })
    }
}

impl<'a> Held<'a> {
    fn of(cluster: &'a Cluster, user: &UserInfo, urls: &UrlClasses, cubes: &mut CubeCache) -> Held<'a> {
        let rules = IdentityRules::new(cluster, user);
        let mut scopes: FastMap<&'a str, Vec<(Arc<RuleCubes>, BindingId)>> = FastMap::default();
        let mut url_cubes = Vec::new();
        for m in rules.all() {
            let cluster_wide = cluster.binding(m.binding).kind == BindingKind::ClusterRoleBinding;
            let scope = if cluster_wide { CLUSTER } else { m.scope };
            let rule_cubes = cubes.of(m.rule);
            if !rule_cubes.cubes.is_empty() {
                scopes.entry(scope).or_default().push((rule_cubes.clone(), m.binding));
            }
            if cluster_wide && let Some(c) = urls.cube_of(m.rule) {
                url_cubes.push((c, m.binding));
            }
        }
        Held { cluster, scopes, url_cubes, cluster_index: Default::default() }
    }

    fn is_empty(&self) -> bool {
        self.scopes.values().all(Vec::is_empty) && self.url_cubes.is_empty()
    }

    /// The rules of `self` that `other` does not hold at the same scope, compared by their cubes (as a multiset).
    fn without(&self, other: &Held<'_>) -> Held<'a> {
        fn minus<T: Clone + Eq + std::hash::Hash>(
            mine: &[(T, BindingId)],
            theirs: &[(T, BindingId)],
        ) -> Vec<(T, BindingId)> {
            let mut count: FastMap<&T, usize> = FastMap::default();
            for (c, _) in theirs {
                *count.entry(c).or_default() += 1;
            }
            let mut out = Vec::new();
            for (c, b) in mine {
                match count.get_mut(c) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => out.push((c.clone(), *b)),
                }
            }
            out
        }
        let scopes = self
            .scopes
            .iter()
            .map(|(scope, mine)| (*scope, minus(mine, other.scopes.get(scope).map_or(&[][..], Vec::as_slice))))
            .filter(|(_, left)| !left.is_empty())
            .collect();
        Held {
            cluster: self.cluster,
            scopes,
            url_cubes: minus(&self.url_cubes, &other.url_cubes),
            cluster_index: Default::default(),
        }
    }

    /// The rules (and their bindings) that decide requests at `scope`: the cluster's, plus the namespace's own
    /// ("": the cluster's alone).
    fn held_at<'s>(&'s self, scope: &'s str) -> impl Iterator<Item = &'s (Arc<RuleCubes>, BindingId)> + 's {
        let own = if scope.is_empty() || scope == CLUSTER { None } else { self.scopes.get(scope) };
        self.scopes.get(CLUSTER).into_iter().chain(own).flatten()
    }

    fn at(&self, scope: &str) -> Vec<Cube> {
        self.cuts(scope).cloned().collect()
    }

    /// A namespace's own cubes (of its RoleBindings).
    fn own(&self, ns: &str) -> Vec<Cube> {
        self.own_cuts(ns).cloned().collect()
    }

    fn own_cuts<'s>(&'s self, ns: &str) -> impl Iterator<Item = &'s Cube> + 's {
        self.scopes.get(ns).into_iter().flatten().flat_map(|(r, _)| &r.cubes)
    }

    /// [`Held::at`], borrowed: the side subtracted from.
    fn cuts<'s>(&'s self, scope: &'s str) -> impl Iterator<Item = &'s Cube> + 's {
        self.held_at(scope).flat_map(|(r, _)| &r.cubes)
    }

    fn urls(&self) -> Vec<Cube> {
        self.url_cubes.iter().map(|(c, _)| c.clone()).collect()
    }

    fn namespaces(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.scopes.keys().copied().filter(|s| *s != CLUSTER)
    }

    /// The cluster scope's rules that can meet some of `cubes`: a subject bound in many places holds thousands.
    fn cluster_rules_for<'s>(&'s self, cubes: &[Cube]) -> Vec<&'s (Arc<RuleCubes>, BindingId)> {
        let Some(rules) = self.scopes.get(CLUSTER) else { return Vec::new() };
        if rules.len() < 64 {
            return rules.iter().collect();
        }
        match self.cluster_index.get_or_init(|| ResourceIndex::of(rules)).candidates(cubes) {
            Some(positions) => positions.into_iter().map(|i| &rules[i]).collect(),
            None => rules.iter().collect(),
        }
    }

    /// The cluster scope's cubes that can meet some of `cubes`.
    fn cluster_cuts_for(&self, cubes: &[Cube]) -> Vec<&Cube> {
        self.cluster_rules_for(cubes).into_iter().flat_map(|(r, _)| &r.cubes).collect()
    }

    fn via(&self, scope: &str, cube: &Cube) -> Vec<Via> {
        let own = if scope.is_empty() || scope == CLUSTER { None } else { self.scopes.get(scope) };
        let rules = self.cluster_rules_for(std::slice::from_ref(cube)).into_iter().chain(own.into_iter().flatten());
        self.vias(rules.filter(|(r, _)| r.cubes.iter().any(|c| c.meets(cube))).map(|(_, b)| *b))
    }

    fn url_via(&self, cube: &Cube) -> Vec<Via> {
        self.vias(self.url_cubes.iter().filter(|(c, _)| c.meets(cube)).map(|(_, b)| *b))
    }

    fn vias(&self, bindings: impl Iterator<Item = BindingId>) -> Vec<Via> {
        let ids: BTreeSet<BindingId> = bindings.collect();
        let mut out: Vec<Via> = ids
            .into_iter()
            .map(|id| {
                let b = self.cluster.binding(id);
                Via {
                    binding: crate::model::ObjectRef::of_binding(b).to_string(),
                    role: crate::model::ObjectRef::of_role_ref(b).to_string(),
                }
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// What changed for every subject between two states: permissions only (see [`compare_with_risk`]).
pub fn compare(before: &Cluster, after: &Cluster) -> Report {
    compare_touched(before, after, &Touched::of(before, after))
}

/// [`compare`], for the subjects `touched` names.
fn compare_touched(before: &Cluster, after: &Cluster, touched: &Touched) -> Report {
    use rayon::prelude::*;
    let urls = UrlClasses::of([before, after]);
    let subjects: Vec<SubjectRef> = subjects([before, after]).into_iter().filter(|s| touched.contains(s)).collect();
    // Subjects are independent: split over the threads in a few chunks, each with its own cube caches (map_init
    // would start fresh caches at every split of the work, and recompute the cubes of the same roles many times).
    let chunk = subjects.len().div_ceil(4 * rayon::current_num_threads()).max(1);
    let out: Vec<SubjectDiff> = subjects
        .par_chunks(chunk)
        .flat_map_iter(|part| {
            let (mut before_cubes, mut after_cubes) = (CubeCache::default(), CubeCache::default());
            part.iter()
                .filter_map(|subject| {
                    subject_diff(before, after, &urls, subject.clone(), &mut before_cubes, &mut after_cubes)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    Report { subjects: out, findings: FindingsDiff::default(), paths: PathsDiff::default(), warnings: Vec::new() }
}

/// One subject's change, if it has one.
fn subject_diff(
    before: &Cluster,
    after: &Cluster,
    urls: &UrlClasses,
    subject: SubjectRef,
    before_cubes: &mut CubeCache,
    after_cubes: &mut CubeCache,
) -> Option<SubjectDiff> {
    let user = subject.user_info();
    if user.is_superuser() {
        // system:masters is allowed everything before RBAC is asked, on both sides.
        return None;
    }
    let b = Held::of(before, &user, urls, before_cubes);
    let a = Held::of(after, &user, urls, after_cubes);
    // What both sides hold cancels out: (C + A') minus (C + B') is A' minus (C + B'). Only the cubes one side
    // holds and the other does not are split, which keeps the algebra small for subjects with many rules.
    let (b_only, a_only) = (b.without(&a), a.without(&b));
    if b_only.is_empty() && a_only.is_empty() {
        return None;
    }
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let cluster_added = boxes::difference(&a_only.at(""), b.cuts(""));
    let cluster_removed = boxes::difference(&b_only.at(""), a.cuts(""));
    for c in &cluster_added {
        added.extend(entries("cluster", c, a.via("", c)));
    }
    for c in &cluster_removed {
        removed.extend(entries("cluster", c, b.via("", c)));
    }
    for c in boxes::difference(&a_only.urls(), b.url_cubes.iter().map(|(c, _)| c)) {
        added.extend(urls.entries(&c, a.url_via(&c)));
    }
    for c in boxes::difference(&b_only.urls(), a.url_cubes.iter().map(|(c, _)| c)) {
        removed.extend(urls.entries(&c, b.url_via(&c)));
    }
    // A namespace can differ from the cluster scope only where one side's own cubes changed, or where its
    // RoleBindings already held (before) part of what the cluster scope gains, or still hold (after) part of
    // what it loses; every other namespace changed exactly as the cluster scope did.
    let mut namespaces: BTreeSet<&str> = b_only.namespaces().chain(a_only.namespaces()).collect();
    for (held, change) in [(&b, &cluster_added), (&a, &cluster_removed)] {
        if change.is_empty() {
            continue;
        }
        // Namespaces bind the same roles over and over: each rule is checked once.
        let mut meets: FastMap<*const RuleCubes, bool> = FastMap::default();
        let mut meets_change = |r: &Arc<RuleCubes>| {
            *meets.entry(Arc::as_ptr(r)).or_insert_with(|| r.cubes.iter().any(|c| change.iter().any(|x| x.meets(c))))
        };
        for (ns, rules) in &held.scopes {
            if *ns != CLUSTER && !namespaces.contains(ns) && rules.iter().any(|(r, _)| meets_change(r)) {
                namespaces.insert(ns);
            }
        }
    }
    let mut listed_namespaces = Vec::new();
    for ns in namespaces {
        let ns_added = at_namespace(&cluster_added, &a_only, &b, ns);
        let ns_removed = at_namespace(&cluster_removed, &b_only, &a, ns);
        if !same(&ns_added, &cluster_added) || !same(&ns_removed, &cluster_removed) {
            listed_namespaces.push(ns.to_string());
            for c in &ns_added {
                added.extend(entries(ns, c, a.via(ns, c)));
            }
            for c in &ns_removed {
                removed.extend(entries(ns, c, b.via(ns, c)));
            }
        }
    }
    if added.is_empty() && removed.is_empty() {
        return None;
    }
    Some(SubjectDiff { subject, added, removed, listed_namespaces })
}

/// [`compare`], with the audit findings and the paths to cluster-admin each side has and the other does not.
/// Each side is searched for paths and audited once, on its own thread, next to [`compare`]; only the findings
/// and paths that differ are built.
pub fn compare_with_risk<'a>(before: &'a Cluster, after: &'a Cluster, sides: Sides) -> Report {
    use std::sync::mpsc::channel;
    let (touched_tx, touched_rx) = channel::<Arc<Touched>>();
    let (lent_tx, lent_rx) = channel::<audit::Lent<'a>>();
    let (mut report, was, is) = std::thread::scope(|scope| {
        // ServiceAccounts the change does not touch match the same rules after: their RBAC candidates are lent
        // to the audit of the state after instead of being found again.
        let lend = move |audit: &audit::Audit<'a>| {
            if let Ok(touched) = touched_rx.recv() {
                let lent = audit.lend(|ns, name| !touched.contains(&SubjectRef::service_account(ns, name)));
                let _ = lent_tx.send(lent);
            }
        };
        let b = scope.spawn(move || Risk::of(before, sides.before_workloads_known, Some(Box::new(lend)), None));
        let a = scope.spawn(move || Risk::of(after, sides.after_workloads_known, None, Some(lent_rx)));
        let touched = Arc::new(Touched::of(before, after));
        let _ = touched_tx.send(touched.clone());
        let report = compare_touched(before, after, &touched);
        let join = "the audit of a side does not panic";
        (report, b.join().expect(join), a.join().expect(join))
    });
    report.findings = FindingsDiff { added: is.findings_not_in(&was), removed: was.findings_not_in(&is) };
    report.paths = PathsDiff { added: is.paths_not_in(&was), removed: was.paths_not_in(&is) };
    // Each side's audit and search graph take hundreds of megabytes: freed on two threads.
    std::thread::scope(|scope| {
        scope.spawn(move || drop(was));
        drop(is);
    });
    report
}

/// What the audit of the state before does with its candidates once they are found: lend them to the other side.
type Lend<'a> = Box<dyn FnOnce(&audit::Audit<'a>) + Send + 'a>;

/// One side's audit (findings by fingerprint, not built yet) and its search for paths to cluster-admin, which
/// gives the audit its steps and the diff its paths.
struct Risk<'a> {
    audit: audit::Audit<'a>,
    search: crate::paths::Search<'a>,
    fingerprints: FastMap<String, audit::FindingSource>,
}

impl<'a> Risk<'a> {
    /// The search first, then the audit: the audit of the state after waits (`lent`) for the candidates the audit
    /// of the state before lends (`lend`), and both searches run meanwhile.
    fn of(
        cluster: &'a Cluster,
        workloads_known: bool,
        lend: Option<Lend<'a>>,
        lent: Option<std::sync::mpsc::Receiver<audit::Lent<'a>>>,
    ) -> Risk<'a> {
        let options = audit::Options { workloads_known, ..Default::default() };
        let search = crate::paths::Search::new(
            cluster,
            crate::paths::Target::ClusterAdmin,
            &audit::shown_service_accounts(cluster, &options),
            crate::paths::DEFAULT_MAX_STEPS,
        );
        let lent = lent.and_then(|l| l.recv().ok());
        let audit = audit::prepare_with_steps(cluster, &options, search.steps(), lent.as_ref());
        if let Some(lend) = lend {
            lend(&audit);
        }
        let fingerprints = audit.fingerprints().into_iter().collect();
        Risk { audit, search, fingerprints }
    }

    fn findings_not_in(&self, other: &Risk<'_>) -> Vec<Finding> {
        let wanted: Vec<(&str, audit::FindingSource)> = self
            .fingerprints
            .iter()
            .filter(|(f, _)| !other.fingerprints.contains_key(*f))
            .map(|(f, source)| (f.as_str(), *source))
            .collect();
        let mut findings = self.audit.findings_with(&wanted);
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        findings
    }

    fn paths_not_in(&self, other: &Risk<'_>) -> Vec<crate::paths::Path> {
        let theirs = other.audit.steps_to_cluster_admin();
        let mut starts: Vec<(String, String)> =
            self.audit.steps_to_cluster_admin().keys().filter(|k| !theirs.contains_key(*k)).cloned().collect();
        starts.sort();
        self.search.shortest_paths(&starts)
    }
}

/// What one side holds at namespace `ns` and the other does not, from the cluster scope's change:
/// (A'cl + A'ns) - (Bcl + Bns) = ((A'cl - Bcl) + (A'ns - Bcl)) - Bns, so only the namespace's own cubes meet the
/// (large) cluster scope of the other side again.
fn at_namespace(cluster_change: &[Cube], only: &Held<'_>, other: &Held<'_>, ns: &str) -> Vec<Cube> {
    let mut parts = cluster_change.to_vec();
    let own = only.own(ns);
    parts.extend(boxes::difference(&own, other.cluster_cuts_for(&own)));
    boxes::difference(&parts, other.own_cuts(ns))
}

/// Whether two unions of cubes are the same set.
fn same(a: &[Cube], b: &[Cube]) -> bool {
    boxes::difference(a, b).is_empty() && boxes::difference(b, a).is_empty()
}

/// A set of verbs, groups or names as an entry's list and exceptions (`*` minus them when co-finite).
fn listed(set: &Set) -> (Vec<String>, Vec<String>) {
    match set {
        Set::Only(v) => (v.iter().cloned().collect(), Vec::new()),
        Set::AllBut(x) => (vec!["*".into()], x.iter().cloned().collect()),
    }
}

fn join(base: &str, sub: &str) -> String {
    if sub.is_empty() { base.to_string() } else { format!("{base}/{sub}") }
}

/// A resource cube as entries. Exceptions apply to a whole entry, so a cube whose resources need different
/// exceptions per subresource is written as several entries.
fn entries(scope: &str, cube: &Cube, via: Vec<Via>) -> Vec<Entry> {
    let (verbs, except_verbs) = listed(&cube.0[VERB]);
    let (api_groups, except_api_groups) = listed(&cube.0[GROUP]);
    let (resource_names, except_resource_names) = match &cube.0[NAME] {
        Set::Only(v) => (v.iter().cloned().collect(), Vec::new()),
        Set::AllBut(x) => (Vec::new(), x.iter().cloned().collect()),
    };
    let mut shapes: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    match (&cube.0[RESOURCE], &cube.0[SUBRESOURCE]) {
        (Set::Only(bases), Set::Only(subs)) => {
            shapes.push((bases.iter().flat_map(|b| subs.iter().map(move |s| join(b, s))).collect(), Vec::new()));
        }
        (Set::AllBut(xb), Set::Only(subs)) => {
            for sub in subs {
                if sub.is_empty() {
                    let mut except = vec!["*/**".to_string()];
                    except.extend(xb.iter().cloned());
                    shapes.push((vec!["*".into()], except));
                } else {
                    shapes.push((vec![format!("*/{sub}")], xb.iter().map(|b| join(b, sub)).collect()));
                }
            }
        }
        (Set::Only(bases), Set::AllBut(xs)) => {
            let mut resources = Vec::new();
            let mut except = Vec::new();
            for base in bases {
                if !xs.contains("") {
                    resources.push(base.clone());
                }
                resources.push(format!("{base}/**"));
                except.extend(xs.iter().filter(|s| !s.is_empty()).map(|s| join(base, s)));
            }
            shapes.push((resources, except));
        }
        (Set::AllBut(xb), Set::AllBut(xs)) if xs.is_empty() => {
            // Every subresource too: the rule's own `*`, minus the excluded resources and their subresources.
            shapes.push((vec!["*".into()], xb.iter().flat_map(|b| [b.clone(), format!("{b}/**")]).collect()));
        }
        (Set::AllBut(xb), Set::AllBut(xs)) => {
            if !xs.contains("") {
                let mut except = vec!["*/**".to_string()];
                except.extend(xb.iter().cloned());
                shapes.push((vec!["*".into()], except));
            }
            let mut except: Vec<String> = xb.iter().map(|b| format!("{b}/**")).collect();
            except.extend(xs.iter().filter(|s| !s.is_empty()).map(|s| format!("*/{s}")));
            shapes.push((vec!["*/**".into()], except));
        }
    }
    shapes
        .into_iter()
        .map(|(resources, except_resources)| Entry {
            scope: scope.into(),
            verbs: verbs.clone(),
            except_verbs: except_verbs.clone(),
            api_groups: api_groups.clone(),
            except_api_groups: except_api_groups.clone(),
            resources,
            except_resources,
            resource_names: resource_names.clone(),
            except_resource_names: except_resource_names.clone(),
            non_resource_urls: Vec::new(),
            except_non_resource_urls: Vec::new(),
            via: via.clone(),
        })
        .collect()
}
