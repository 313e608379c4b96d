//! What one identity may do on one kind of resource, everywhere at once: cluster-wide, in which namespaces, and
//! where only for named objects. Computed from the rules (one pass over the identity's bindings), never with one
//! API call per cell. This is the basis of `matrix`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use crate::model::{BindingId, BindingKind, Cluster, Rule, Sieve};
use crate::rbac::rules::{api_group_matches, non_resource_url_matches, resource_matches, rule_allows, verb_matches};
use crate::rbac::{Request, UserInfo, bindings_for_user};

/// Where an identity holds one verb on one resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    /// Allowed for any name, cluster-wide (a ClusterRoleBinding).
    pub cluster: bool,
    /// Allowed for any name in these namespaces (RoleBindings).
    pub namespaces: BTreeSet<String>,
    /// Allowed only for these names, by scope ("cluster" or a namespace).
    pub names: BTreeMap<String, BTreeSet<String>>,
}

/// The value of one matrix cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cell {
    Yes,
    No,
    /// Only for specific resourceNames.
    Some,
}

impl Access {
    /// The cell for requests in `namespace` ("" = cluster-wide or a cluster-scoped resource).
    pub fn cell_in(&self, namespace: &str) -> Cell {
        if self.cluster || (!namespace.is_empty() && self.namespaces.contains(namespace)) {
            Cell::Yes
        } else if !self.names_in(namespace).is_empty() {
            Cell::Some
        } else {
            Cell::No
        }
    }

    /// The names allowed in `namespace` (cluster-wide names count everywhere).
    pub fn names_in(&self, namespace: &str) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self.names.get("cluster").cloned().unwrap_or_default();
        if !namespace.is_empty()
            && let Some(n) = self.names.get(namespace)
        {
            out.extend(n.iter().cloned());
        }
        out
    }

    /// The cell anywhere (for -A): yes if allowed for any name somewhere.
    pub fn cell_anywhere(&self) -> Cell {
        if self.cluster || !self.namespaces.is_empty() {
            Cell::Yes
        } else if !self.names.is_empty() {
            Cell::Some
        } else {
            Cell::No
        }
    }

    /// Where it is allowed for any name: `["cluster"]` or the namespaces.
    pub fn scopes(&self) -> Vec<String> {
        if self.cluster { vec!["cluster".into()] } else { self.namespaces.iter().cloned().collect() }
    }
}

/// A view of one identity's rules, for answering many (verb, resource) questions quickly.
pub struct IdentityRules<'a> {
    /// (scope, rule): scope is "cluster" for ClusterRoleBindings, else the RoleBinding's namespace.
    rules: Vec<(&'a str, &'a Arc<Rule>)>,
    /// Where each entry of `rules` comes from: the binding and the rule's index in its role.
    origins: Vec<(BindingId, usize)>,
    /// In system:masters: allowed everything before RBAC, whatever the rules.
    superuser: bool,
}

/// One rule of an identity that matches a (verb, resource) question, with where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Matched<'a> {
    /// "cluster" for ClusterRoleBindings, else the RoleBinding's namespace.
    pub scope: &'a str,
    pub rule: &'a Arc<Rule>,
    pub binding: BindingId,
    pub rule_index: usize,
}

impl<'a> IdentityRules<'a> {
    pub fn new(cluster: &'a Cluster, user: &UserInfo) -> Self {
        let mut rules = Vec::new();
        let mut origins = Vec::new();
        for id in bindings_for_user(cluster, user) {
            let b = cluster.binding(id);
            let Ok(role) = cluster.resolve_role(b) else { continue };
            let scope = if b.kind == BindingKind::ClusterRoleBinding { "cluster" } else { b.namespace.as_str() };
            rules.extend(role.rules.iter().map(|r| (scope, r)));
            origins.extend((0..role.rules.len()).map(|i| (id, i)));
        }
        IdentityRules { rules, origins, superuser: user.is_superuser() }
    }

    /// Whether the identity is in system:masters (every cell is allowed, before RBAC).
    pub fn is_superuser(&self) -> bool {
        self.superuser
    }

    /// Every rule that allows `verb` on group/resource/subresource somewhere (for any name or for some names),
    /// with the same scoping as [`IdentityRules::access`].
    pub fn matching(
        &self,
        verb: &str,
        group: &str,
        resource: &str,
        subresource: &str,
        namespaced: bool,
    ) -> impl Iterator<Item = Matched<'a>> {
        let namespace_object = group.is_empty() && resource == "namespaces";
        let question = Sieve::question(verb, resource, subresource);
        self.rules.iter().zip(&self.origins).filter_map(move |(&(scope, rule), &(binding, rule_index))| {
            if !rule.may_match(&question) || (scope != "cluster" && !namespaced && !namespace_object) {
                return None;
            }
            (verb_matches(rule, verb)
                && api_group_matches(rule, group)
                && resource_matches(rule, resource, subresource))
            .then_some(Matched { scope, rule, binding, rule_index })
        })
    }

    /// Every rule of the identity with its scope and origin (for checks on the rules themselves, e.g. wildcards).
    pub fn all(&self) -> impl Iterator<Item = Matched<'a>> {
        self.rules.iter().zip(&self.origins).map(|(&(scope, rule), &(binding, rule_index))| Matched {
            scope,
            rule,
            binding,
            rule_index,
        })
    }

    /// Where `verb` on group/resource/subresource is allowed. RoleBindings never grant cluster-scoped resources
    /// (`namespaced == false`), except `namespaces` itself, whose requests carry the namespace's own name.
    pub fn access(&self, verb: &str, group: &str, resource: &str, subresource: &str, namespaced: bool) -> Access {
        let mut a = Access { cluster: self.superuser, ..Default::default() };
        let namespace_object = group.is_empty() && resource == "namespaces";
        for Matched { scope, rule, .. } in self.matching(verb, group, resource, subresource, namespaced) {
            let scope = scope.to_string();
            if rule.resource_names.is_empty() {
                if scope == "cluster" {
                    a.cluster = true;
                } else if namespace_object {
                    // A RoleBinding in NS reaches only the namespace object NS.
                    a.names.entry(scope.clone()).or_default().insert(scope.clone());
                } else {
                    a.namespaces.insert(scope.clone());
                }
            } else {
                let names = a.names.entry(scope.clone()).or_default();
                if namespace_object && scope != "cluster" {
                    names.extend(rule.resource_names.iter().filter(|n| **n == scope).cloned());
                } else {
                    names.extend(rule.resource_names.iter().cloned());
                }
            }
        }
        a.names.retain(|_, v| !v.is_empty());
        a
    }

    /// The decision of [`crate::rbac::server_allows`] for one request (system:masters first, then RBAC), from the
    /// rules gathered once: for an identity asked many questions (escalation paths ask thousands).
    pub fn allows(&self, request: &Request) -> bool {
        let ns = request.namespace();
        let question = match request {
            Request::Resource { verb, attrs } => Some(Sieve::question(verb, &attrs.resource, &attrs.subresource)),
            Request::NonResource { .. } => None,
        };
        self.superuser
            || self.rules.iter().any(|&(scope, rule)| {
                question.as_ref().is_none_or(|q| rule.may_match(q))
                    && (scope == "cluster" || (!ns.is_empty() && scope == ns))
                    && rule_allows(rule, request)
            })
    }

    /// Verbs allowed on a non-resource URL (only ClusterRoleBindings count).
    pub fn non_resource_allows(&self, verb: &str, path: &str) -> bool {
        self.superuser
            || self
                .rules
                .iter()
                .any(|(scope, r)| *scope == "cluster" && verb_matches(r, verb) && non_resource_url_matches(r, path))
    }

    /// The nonResourceURLs named by rules reachable through ClusterRoleBindings, with their verbs.
    pub fn non_resource_urls(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        if self.superuser {
            out.entry("*".into()).or_default().insert("*".into());
        }
        for &(scope, r) in &self.rules {
            if scope != "cluster" {
                continue;
            }
            for u in &r.non_resource_urls {
                out.entry(u.clone()).or_default().extend(r.verbs.iter().cloned());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sieve only skips rules that cannot match: every question finds the rules a plain scan finds.
    #[test]
    fn sieved_questions_find_the_rules_a_plain_scan_finds() {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let lists: &[(&[&str], &[&str])] = &[
            (&["get"], &["pods"]),
            (&["get", "create"], &["pods/log", "pods/exec"]),
            (&["*"], &["*"]),
            (&["list"], &["*/scale"]),
            (&["get"], &["pods/"]),
            (&["*"], &["*/"]),
            (&["get"], &["a/b/c"]),
            (&["watch", "get"], &["a/b", "deployments/scale", "pods"]),
            (&["get"], &[]),
            (&[], &["pods"]),
        ];
        let rules: Vec<Arc<Rule>> = lists
            .iter()
            .map(|(verbs, resources)| Arc::new(Rule::new(v(verbs), v(&["*"]), v(resources), vec![], vec![])))
            .collect();
        let identity = IdentityRules {
            rules: rules.iter().map(|r| ("cluster", r)).collect(),
            origins: (0..rules.len()).map(|i| (BindingId::Cluster(0), i)).collect(),
            superuser: false,
        };
        let mut found = 0;
        for verb in ["get", "list", "create", "*", "watch"] {
            for resource in ["pods", "a", "a/b", "*", "deployments", "", "pods/"] {
                for sub in ["", "log", "scale", "b", "b/c", "c", "*"] {
                    let sieved: Vec<usize> =
                        identity.matching(verb, "", resource, sub, true).map(|m| m.rule_index).collect();
                    let scanned: Vec<usize> = (0..rules.len())
                        .filter(|&i| verb_matches(&rules[i], verb) && resource_matches(&rules[i], resource, sub))
                        .collect();
                    assert_eq!(sieved, scanned, "{verb} {resource:?} / {sub:?}");
                    let request = Request::resource(verb, "", resource, sub, "", "");
                    assert_eq!(identity.allows(&request), !scanned.is_empty(), "{verb} {resource:?} / {sub:?}");
                    found += scanned.len();
                }
            }
        }
        assert!(found > 100, "the questions should meet many rules, met {found}");
    }
}
