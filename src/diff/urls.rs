//! Non-resource URLs as finite classes, so that URL rules take part in the cube algebra of [`super::boxes`].
//!
//! A rule's URL is a literal path or a prefix (`/apis/*`; `*` is the empty prefix). Given every pattern of both
//! states, a path's answer under any rule depends only on its class: the literal it equals, else the longest
//! prefix it starts with (a path starts with a chain of prefixes, fixed by the longest), else none (no rule
//! matches it). Rules become finite sets of classes; cubes hold them in the resource dimension.

use std::collections::BTreeSet;

use super::Via;
use super::boxes::{Cube, RESOURCE, Set, VERB};
use super::{Entry, listed};
use crate::model::{Cluster, Rule};

/// The classes of one comparison: every literal and every prefix any ClusterRole of either side names.
pub struct UrlClasses {
    literals: BTreeSet<String>,
    prefixes: BTreeSet<String>,
}

const LITERAL: &str = "L:";
const PREFIX: &str = "P:";

impl UrlClasses {
    pub fn of(states: [&Cluster; 2]) -> UrlClasses {
        let mut out = UrlClasses { literals: BTreeSet::new(), prefixes: BTreeSet::new() };
        for c in states {
            for (_, role) in c.cluster_roles.iter() {
                for rule in &role.rules {
                    for u in &rule.non_resource_urls {
                        match pattern(u) {
                            Pattern::Literal(l) => out.literals.insert(l.to_string()),
                            Pattern::Prefix(p) => out.prefixes.insert(p.to_string()),
                        };
                    }
                }
            }
        }
        out
    }

    /// The classes a rule's URLs match, as a cube over (verb, class); None for a rule without URLs.
    pub fn cube_of(&self, rule: &Rule) -> Option<Cube> {
        if rule.non_resource_urls.is_empty() {
            return None;
        }
        let mut classes = BTreeSet::new();
        for u in &rule.non_resource_urls {
            match pattern(u) {
                Pattern::Literal(l) => {
                    classes.insert(format!("{LITERAL}{l}"));
                }
                Pattern::Prefix(p) => {
                    classes.extend(self.literals.iter().filter(|l| l.starts_with(p)).map(|l| format!("{LITERAL}{l}")));
                    classes.extend(self.prefixes.iter().filter(|q| q.starts_with(p)).map(|q| format!("{PREFIX}{q}")));
                }
            }
        }
        let verbs =
            if rule.verbs.iter().any(|v| v == "*") { Set::all() } else { Set::only(rule.verbs.iter().cloned()) };
        let mut dims = [Set::all(), Set::all(), Set::Only(classes), Set::all(), Set::all()];
        dims[VERB] = verbs;
        Some(Cube(dims))
    }

    /// A URL cube as entries: its literals, and the prefixes that need no exception, in one entry; each prefix
    /// class that leaves out longer patterns in an entry of its own (exceptions apply to a whole entry).
    pub fn entries(&self, cube: &Cube, via: Vec<Via>) -> Vec<Entry> {
        let Set::Only(classes) = &cube.0[RESOURCE] else { return Vec::new() };
        let (verbs, except_verbs) = listed(&cube.0[VERB]);
        let entry = |urls: Vec<String>, except: Vec<String>| Entry {
            scope: "cluster".into(),
            verbs: verbs.clone(),
            except_verbs: except_verbs.clone(),
            api_groups: Vec::new(),
            except_api_groups: Vec::new(),
            resources: Vec::new(),
            except_resources: Vec::new(),
            resource_names: Vec::new(),
            except_resource_names: Vec::new(),
            non_resource_urls: urls,
            except_non_resource_urls: except,
            via: via.clone(),
        };
        let (mut plain, mut out) = (Vec::new(), Vec::new());
        for class in classes {
            if let Some(l) = class.strip_prefix(LITERAL) {
                plain.push(l.to_string());
            } else if let Some(p) = class.strip_prefix(PREFIX) {
                let mut except: Vec<String> = self.literals.iter().filter(|l| l.starts_with(p)).cloned().collect();
                except.extend(self.prefixes.iter().filter(|q| q.starts_with(p) && *q != p).map(|q| format!("{q}*")));
                if except.is_empty() {
                    plain.push(format!("{p}*"));
                } else {
                    out.push(entry(vec![format!("{p}*")], except));
                }
            }
        }
        if !plain.is_empty() {
            out.insert(0, entry(plain, Vec::new()));
        }
        out
    }
}

enum Pattern<'a> {
    Literal(&'a str),
    Prefix(&'a str),
}

/// RBAC's reading of a nonResourceURLs entry (rbac/v1 helpers): `*` matches every path, a trailing `*` a prefix
/// (all trailing stars trimmed), anything else the path itself.
fn pattern(u: &str) -> Pattern<'_> {
    if u.ends_with('*') { Pattern::Prefix(u.trim_end_matches('*')) } else { Pattern::Literal(u) }
}
