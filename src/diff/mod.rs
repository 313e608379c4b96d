//! `diff`: what an RBAC change grants and takes away, per subject (issue 19, in progress on this branch).
//!
//! For each subject and scope, the requests the after-state allows and the before-state does not (and the
//! reverse) are computed exactly as differences of rule cubes ([`boxes`]), then written as rule-shaped entries.
//! Scope `cluster` is the requests without a namespace (decided by ClusterRoleBindings alone); a namespace is
//! listed with entries of its own only where its change differs from the cluster scope's (its RoleBindings
//! change, or hold before part of what a ClusterRoleBinding adds); every other namespace changed exactly as the
//! cluster scope did. Pure: no I/O.

pub mod boxes;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{BindingKind, Cluster};
use crate::rbac::UserInfo;
use crate::rbac::access::IdentityRules;
use boxes::{Cube, GROUP, NAME, RESOURCE, SUBRESOURCE, Set, VERB};

/// Who a change concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SubjectRef {
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
}

impl SubjectRef {
    fn user_info(&self) -> UserInfo {
        match self.kind.as_str() {
            "ServiceAccount" => UserInfo::service_account(&self.namespace, &self.name),
            "User" => UserInfo { username: self.name.clone(), ..Default::default() },
            _ => UserInfo { groups: vec![self.name.clone()], ..Default::default() },
        }
    }
}

/// A binding -> role that causes an entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Via {
    pub binding: String,
    pub role: String,
}

/// Requests at one scope, written with the fields of an RBAC rule; `except*` fields remove values from a `*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub scope: String,
    pub verbs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except_verbs: Vec<String>,
    pub api_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except_api_groups: Vec<String>,
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except_resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except_resource_names: Vec<String>,
    pub via: Vec<Via>,
    /// The exact set the entry covers.
    #[serde(skip)]
    pub cube: Cube,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubjectDiff {
    #[serde(flatten)]
    pub subject: SubjectRef,
    pub added: Vec<Entry>,
    pub removed: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub subjects: Vec<SubjectDiff>,
    pub warnings: Vec<String>,
}

/// Every subject either state names or holds: ServiceAccounts (existing ones, each namespace's `default`, and those
/// bindings name), Users and Groups of binding subjects.
fn subjects(states: [&Cluster; 2]) -> BTreeSet<SubjectRef> {
    let mut out = BTreeSet::new();
    for c in states {
        for (ns, name) in c.service_accounts.keys() {
            out.insert(SubjectRef { kind: "ServiceAccount".into(), namespace: ns.clone(), name: name.clone() });
        }
        // The ServiceAccount controller gives every namespace a `default`, in the input or not.
        for ns in c.namespaces.keys() {
            out.insert(SubjectRef { kind: "ServiceAccount".into(), namespace: ns.clone(), name: "default".into() });
        }
        for (_, b) in c.all_bindings() {
            for s in &b.subjects {
                let r = match s.kind.as_str() {
                    "ServiceAccount" => {
                        let ns = if s.namespace.is_empty() { &b.namespace } else { &s.namespace };
                        SubjectRef { kind: s.kind.clone(), namespace: ns.clone(), name: s.name.clone() }
                    }
                    "User" | "Group" => {
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

/// One state's rules for a subject, as cubes with their origin, by scope ("cluster" or a namespace).
struct Held {
    cubes: Vec<(String, Cube, Via)>,
}

impl Held {
    fn of(cluster: &Cluster, user: &UserInfo) -> Held {
        let rules = IdentityRules::new(cluster, user);
        let mut cubes = Vec::new();
        for m in rules.all() {
            let b = cluster.binding(m.binding);
            let via = Via {
                binding: crate::model::ObjectRef::of_binding(b).to_string(),
                role: crate::model::ObjectRef::of_role_ref(b).to_string(),
            };
            let scope =
                if b.kind == BindingKind::ClusterRoleBinding { "cluster".to_string() } else { b.namespace.clone() };
            for c in boxes::cubes_of(m.rule) {
                cubes.push((scope.clone(), c, via.clone()));
            }
        }
        Held { cubes }
    }

    /// The cubes that decide requests at `scope`: the cluster's, plus the namespace's own.
    fn at(&self, scope: &str) -> Vec<Cube> {
        self.cubes.iter().filter(|(s, _, _)| s == "cluster" || s == scope).map(|(_, c, _)| c.clone()).collect()
    }

    fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.cubes.iter().map(|(s, _, _)| s.as_str()).filter(|s| *s != "cluster")
    }

    fn via(&self, scope: &str, cube: &Cube) -> Vec<Via> {
        let mut out: Vec<Via> = self
            .cubes
            .iter()
            .filter(|(s, c, _)| (s == "cluster" || s == scope) && !c.intersect(cube).is_empty())
            .map(|(_, _, v)| v.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// What changed for every subject between two states.
pub fn compare(before: &Cluster, after: &Cluster) -> Report {
    let mut out = Vec::new();
    for subject in subjects([before, after]) {
        let user = subject.user_info();
        let (b, a) = (Held::of(before, &user), Held::of(after, &user));
        let mut added = Vec::new();
        let mut removed = Vec::new();
        let cluster_added = boxes::difference(&a.at(""), &b.at(""));
        let cluster_removed = boxes::difference(&b.at(""), &a.at(""));
        push_entries(&mut added, "cluster", &cluster_added, &a, "");
        push_entries(&mut removed, "cluster", &cluster_removed, &b, "");
        let namespaces: BTreeSet<&str> = b.namespaces().chain(a.namespaces()).collect();
        for ns in namespaces {
            let ns_added = boxes::difference(&a.at(ns), &b.at(ns));
            let ns_removed = boxes::difference(&b.at(ns), &a.at(ns));
            if !same(&ns_added, &cluster_added) || !same(&ns_removed, &cluster_removed) {
                push_entries(&mut added, ns, &ns_added, &a, ns);
                push_entries(&mut removed, ns, &ns_removed, &b, ns);
            }
        }
        if !added.is_empty() || !removed.is_empty() {
            out.push(SubjectDiff { subject, added, removed });
        }
    }
    Report { subjects: out, warnings: Vec::new() }
}

/// Whether two unions of cubes are the same set.
fn same(a: &[Cube], b: &[Cube]) -> bool {
    boxes::difference(a, b).is_empty() && boxes::difference(b, a).is_empty()
}

fn push_entries(out: &mut Vec<Entry>, scope: &str, cubes: &[Cube], side: &Held, scope_ns: &str) {
    for c in cubes {
        out.push(entry(scope, c, side.via(scope_ns, c)));
    }
}

fn listed(set: &Set) -> (Vec<String>, Vec<String>) {
    match set {
        Set::Only(v) => (v.iter().cloned().collect(), Vec::new()),
        Set::AllBut(x) => (vec!["*".into()], x.iter().cloned().collect()),
    }
}

/// A cube as rule fields. Resources: a base set and a subresource set; `*` for every base, `*/SUB` for a
/// subresource of every base, and `except_resources` for what a `*` leaves out (`*/*`: every subresource).
fn entry(scope: &str, cube: &Cube, via: Vec<Via>) -> Entry {
    let (verbs, except_verbs) = listed(&cube.0[VERB]);
    let (api_groups, except_api_groups) = listed(&cube.0[GROUP]);
    let (resource_names, except_resource_names) = match &cube.0[NAME] {
        Set::AllBut(x) if x.is_empty() => (Vec::new(), Vec::new()),
        other => listed(other),
    };
    let (mut resources, mut except_resources) = (Vec::new(), Vec::new());
    let join = |base: &str, sub: &str| if sub.is_empty() { base.to_string() } else { format!("{base}/{sub}") };
    match (&cube.0[RESOURCE], &cube.0[SUBRESOURCE]) {
        (Set::Only(bases), Set::Only(subs)) => {
            for base in bases {
                for sub in subs {
                    resources.push(join(base, sub));
                }
            }
        }
        (Set::AllBut(xb), Set::Only(subs)) => {
            for sub in subs {
                resources.push(if sub.is_empty() { "*".into() } else { format!("*/{sub}") });
                except_resources.extend(xb.iter().map(|b| join(b, sub)));
            }
            if subs.contains("") {
                except_resources.push("*/*".into());
            }
        }
        (Set::Only(bases), Set::AllBut(xs)) => {
            for base in bases {
                resources.push(format!("{base}/*"));
                except_resources.extend(xs.iter().map(|s| join(base, s)));
            }
        }
        (Set::AllBut(xb), Set::AllBut(xs)) => {
            resources.push("*".into());
            except_resources.extend(xb.iter().map(|b| format!("{b}/**")));
            except_resources.extend(xs.iter().map(|s| if s.is_empty() { "*/".into() } else { format!("*/{s}") }));
        }
    }
    Entry {
        scope: scope.into(),
        verbs,
        except_verbs,
        api_groups,
        except_api_groups,
        resources,
        except_resources,
        resource_names,
        except_resource_names,
        via,
        cube: cube.clone(),
    }
}
