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

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::audit::{self, Finding, Severity};
use crate::model::{Binding, BindingKind, Cluster};
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

/// One state's rules for a subject, as cubes with their origin: resource cubes by scope ("cluster" or a
/// namespace), non-resource cubes (ClusterRoleBindings only: non-resource requests have no namespace).
struct Held {
    cubes: Vec<(String, Cube, Via)>,
    url_cubes: Vec<(Cube, Via)>,
}

impl Held {
    fn of(cluster: &Cluster, user: &UserInfo, urls: &UrlClasses) -> Held {
        let rules = IdentityRules::new(cluster, user);
        let (mut cubes, mut url_cubes) = (Vec::new(), Vec::new());
        for m in rules.all() {
            let b = cluster.binding(m.binding);
            let via = Via {
                binding: crate::model::ObjectRef::of_binding(b).to_string(),
                role: crate::model::ObjectRef::of_role_ref(b).to_string(),
            };
            let cluster_wide = b.kind == BindingKind::ClusterRoleBinding;
            let scope = if cluster_wide { "cluster".to_string() } else { b.namespace.clone() };
            for c in boxes::cubes_of(m.rule) {
                cubes.push((scope.clone(), c, via.clone()));
            }
            if cluster_wide && let Some(c) = urls.cube_of(m.rule) {
                url_cubes.push((c, via.clone()));
            }
        }
        Held { cubes, url_cubes }
    }

    /// The cubes of `self` that `other` does not hold at the same scope (as a multiset).
    fn without(&self, other: &Held) -> Held {
        let mut theirs: HashMap<(&str, &Cube), usize> = HashMap::new();
        for (s, c, _) in &other.cubes {
            *theirs.entry((s.as_str(), c)).or_default() += 1;
        }
        let mut cubes = Vec::new();
        for (s, c, v) in &self.cubes {
            match theirs.get_mut(&(s.as_str(), c)) {
                Some(n) if *n > 0 => *n -= 1,
                _ => cubes.push((s.clone(), c.clone(), v.clone())),
            }
        }
        let mut their_urls: HashMap<&Cube, usize> = HashMap::new();
        for (c, _) in &other.url_cubes {
            *their_urls.entry(c).or_default() += 1;
        }
        let mut url_cubes = Vec::new();
        for (c, v) in &self.url_cubes {
            match their_urls.get_mut(c) {
                Some(n) if *n > 0 => *n -= 1,
                _ => url_cubes.push((c.clone(), v.clone())),
            }
        }
        Held { cubes, url_cubes }
    }

    /// The cubes that decide requests at `scope`: the cluster's, plus the namespace's own.
    fn at(&self, scope: &str) -> Vec<Cube> {
        self.cuts(scope).cloned().collect()
    }

    /// [`Held::at`], borrowed: the side subtracted from.
    fn cuts<'s>(&'s self, scope: &'s str) -> impl Iterator<Item = &'s Cube> + 's {
        self.cubes.iter().filter(move |(s, _, _)| s == "cluster" || s == scope).map(|(_, c, _)| c)
    }

    fn urls(&self) -> Vec<Cube> {
        self.url_cubes.iter().map(|(c, _)| c.clone()).collect()
    }

    fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.cubes.iter().map(|(s, _, _)| s.as_str()).filter(|s| *s != "cluster")
    }

    fn via(&self, scope: &str, cube: &Cube) -> Vec<Via> {
        let mut out: Vec<Via> = self
            .cubes
            .iter()
            .filter(|(s, c, _)| (s == "cluster" || s == scope) && c.meets(cube))
            .map(|(_, _, v)| v.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn url_via(&self, cube: &Cube) -> Vec<Via> {
        let mut out: Vec<Via> = self.url_cubes.iter().filter(|(c, _)| c.meets(cube)).map(|(_, v)| v.clone()).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// What changed for every subject between two states: permissions only (see [`compare_with_risk`]).
pub fn compare(before: &Cluster, after: &Cluster) -> Report {
    let touched = Touched::of(before, after);
    let urls = UrlClasses::of([before, after]);
    let mut out = Vec::new();
    for subject in subjects([before, after]) {
        if !touched.contains(&subject) {
            continue;
        }
        let user = subject.user_info();
        if user.is_superuser() {
            // system:masters is allowed everything before RBAC is asked, on both sides.
            continue;
        }
        let (b, a) = (Held::of(before, &user, &urls), Held::of(after, &user, &urls));
        // What both sides hold cancels out: (C + A') minus (C + B') is A' minus (C + B'). Only the cubes one side
        // holds and the other does not are split, which keeps the algebra small for subjects with many rules.
        let (b_only, a_only) = (b.without(&a), a.without(&b));
        if b_only.cubes.is_empty()
            && a_only.cubes.is_empty()
            && b_only.url_cubes.is_empty()
            && a_only.url_cubes.is_empty()
        {
            continue;
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
            for (s, c, _) in &held.cubes {
                if s != "cluster" && !namespaces.contains(s.as_str()) && change.iter().any(|x| x.meets(c)) {
                    namespaces.insert(s.as_str());
                }
            }
        }
        let mut listed_namespaces = Vec::new();
        for ns in namespaces {
            let ns_added = boxes::difference(&a_only.at(ns), b.cuts(ns));
            let ns_removed = boxes::difference(&b_only.at(ns), a.cuts(ns));
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
        if !added.is_empty() || !removed.is_empty() {
            out.push(SubjectDiff { subject, added, removed, listed_namespaces });
        }
    }
    Report { subjects: out, findings: FindingsDiff::default(), paths: PathsDiff::default(), warnings: Vec::new() }
}

/// [`compare`], with the audit findings and the paths to cluster-admin each side has and the other does not. The
/// two sides are audited on two threads: each audit is the cost of a whole `audit -A`.
pub fn compare_with_risk(before: &Cluster, after: &Cluster, sides: Sides) -> Report {
    let audit_side = |c: &Cluster, workloads_known: bool| {
        let options = audit::Options { workloads_known, ..Default::default() };
        let prepared = audit::prepare(c, &options);
        let findings: BTreeMap<String, Finding> = prepared.findings().map(|f| (f.fingerprint.clone(), f)).collect();
        (findings, prepared.steps_to_cluster_admin().clone())
    };
    let (mut report, (was, is)) = std::thread::scope(|scope| {
        let b = scope.spawn(|| audit_side(before, sides.before_workloads_known));
        let a = audit_side(after, sides.after_workloads_known);
        let report = compare(before, after);
        (report, (b.join().expect("the audit of the state before does not panic"), a))
    });
    let only = |x: &BTreeMap<String, Finding>, y: &BTreeMap<String, Finding>| -> Vec<Finding> {
        let mut v: Vec<Finding> = x.iter().filter(|(k, _)| !y.contains_key(*k)).map(|(_, f)| f.clone()).collect();
        audit::sort_findings(&mut v);
        v
    };
    report.findings = FindingsDiff { added: only(&is.0, &was.0), removed: only(&was.0, &is.0) };
    let reach = |c: &Cluster, from: &HashMap<(String, String), usize>, other: &HashMap<(String, String), usize>| {
        let mut starts: Vec<(String, String)> = from.keys().filter(|k| !other.contains_key(*k)).cloned().collect();
        starts.sort();
        let target = crate::paths::Target::ClusterAdmin;
        crate::paths::find(c, target, "cluster-admin", &starts, false, crate::paths::DEFAULT_MAX_STEPS).paths
    };
    report.paths = PathsDiff { added: reach(after, &is.1, &was.1), removed: reach(before, &was.1, &is.1) };
    report
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
