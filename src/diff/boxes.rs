//! Exact set algebra on RBAC rules: a resource rule is a union of boxes in five dimensions (verb, API group,
//! resource, subresource, resource name), each dimension a finite or co-finite set of strings. Differences of
//! unions of boxes are unions of boxes, so "what the after-state allows and the before-state does not" is computed
//! exactly, without enumerating requests, and reads back as rule-shaped entries (a co-finite set is `*` with
//! exceptions).

use std::collections::BTreeSet;

use crate::model::Rule;

/// A set of strings: these, or all strings but these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Set {
    Only(BTreeSet<String>),
    AllBut(BTreeSet<String>),
}

impl Set {
    pub fn all() -> Set {
        Set::AllBut(BTreeSet::new())
    }

    pub fn only<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Set {
        Set::Only(items.into_iter().map(Into::into).collect())
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Set::Only(s) if s.is_empty())
    }

    pub fn contains(&self, value: &str) -> bool {
        match self {
            Set::Only(s) => s.contains(value),
            Set::AllBut(s) => !s.contains(value),
        }
    }

    pub fn complement(&self) -> Set {
        match self {
            Set::Only(s) => Set::AllBut(s.clone()),
            Set::AllBut(s) => Set::Only(s.clone()),
        }
    }

    pub fn intersect(&self, other: &Set) -> Set {
        match (self, other) {
            (Set::Only(a), Set::Only(b)) => Set::Only(a.intersection(b).cloned().collect()),
            (Set::Only(a), Set::AllBut(b)) | (Set::AllBut(b), Set::Only(a)) => {
                Set::Only(a.difference(b).cloned().collect())
            }
            (Set::AllBut(a), Set::AllBut(b)) => Set::AllBut(a.union(b).cloned().collect()),
        }
    }

    /// Whether the sets share a value (without building the intersection).
    pub fn meets(&self, other: &Set) -> bool {
        match (self, other) {
            (Set::Only(a), Set::Only(b)) => {
                let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
                small.iter().any(|v| large.contains(v))
            }
            (Set::Only(a), Set::AllBut(b)) | (Set::AllBut(b), Set::Only(a)) => a.iter().any(|v| !b.contains(v)),
            (Set::AllBut(_), Set::AllBut(_)) => true,
        }
    }

    pub fn minus(&self, other: &Set) -> Set {
        self.intersect(&other.complement())
    }

    pub fn union(&self, other: &Set) -> Set {
        self.complement().intersect(&other.complement()).complement()
    }
}

/// The dimensions of a resource request, in box order.
pub const VERB: usize = 0;
pub const GROUP: usize = 1;
pub const RESOURCE: usize = 2;
/// "" for a request without a subresource.
pub const SUBRESOURCE: usize = 3;
/// "" for a request without a name (list, create, deletecollection).
pub const NAME: usize = 4;

/// The requests whose five attributes are each in their dimension's set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cube(pub [Set; 5]);

impl Cube {
    pub fn is_empty(&self) -> bool {
        self.0.iter().any(Set::is_empty)
    }

    pub fn contains(&self, request: [&str; 5]) -> bool {
        self.0.iter().zip(request).all(|(set, value)| set.contains(value))
    }

    /// Whether the cubes share a request.
    pub fn meets(&self, other: &Cube) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a.meets(b))
    }

    pub fn intersect(&self, other: &Cube) -> Cube {
        Cube(std::array::from_fn(|i| self.0[i].intersect(&other.0[i])))
    }

    /// `self` minus `other`, as disjoint cubes: for each dimension i, the part of `self` that agrees with `other`
    /// on the dimensions before i and leaves it on dimension i.
    pub fn minus(&self, other: &Cube) -> Vec<Cube> {
        if !self.meets(other) {
            return vec![self.clone()];
        }
        let mut out = Vec::new();
        for i in 0..5 {
            let mut piece = self.clone();
            for j in 0..i {
                piece.0[j] = self.0[j].intersect(&other.0[j]);
            }
            piece.0[i] = self.0[i].minus(&other.0[i]);
            if !piece.is_empty() {
                out.push(piece);
            }
        }
        out
    }
}

/// The cubes of one resource rule (one per entry of its `resources`: `*`, `*/sub`, `res` and `res/sub` select
/// different resource and subresource sets). Non-resource rules have none.
pub fn cubes_of(rule: &Rule) -> Vec<Cube> {
    let wild_or = |values: &[String]| {
        if values.iter().any(|v| v == "*") { Set::all() } else { Set::only(values.iter().cloned()) }
    };
    let verbs = wild_or(&rule.verbs);
    let groups = wild_or(&rule.api_groups);
    let names =
        if rule.resource_names.is_empty() { Set::all() } else { Set::only(rule.resource_names.iter().cloned()) };
    rule.resources
        .iter()
        .map(|r| {
            let (resource, subresource) = match r.split_once('/') {
                _ if r == "*" => (Set::all(), Set::all()),
                Some(("*", sub)) => (Set::all(), Set::only([sub])),
                Some((res, sub)) => (Set::only([res]), Set::only([sub])),
                None => (Set::only([r.as_str()]), Set::only([""])),
            };
            Cube([verbs.clone(), groups.clone(), resource, subresource, names.clone()])
        })
        .filter(|c| !c.is_empty())
        .collect()
}

/// The requests in `a` and in none of `b`, as disjoint cubes.
pub fn difference<'a>(a: &[Cube], b: impl IntoIterator<Item = &'a Cube>) -> Vec<Cube> {
    let mut left: Vec<Cube> = disjoint(a);
    for cut in b {
        if !left.iter().any(|c| c.meets(cut)) {
            continue;
        }
        left = left.iter().flat_map(|c| c.minus(cut)).collect();
        if left.is_empty() {
            break;
        }
    }
    merge(left)
}

/// A union of cubes rewritten as disjoint cubes.
fn disjoint(cubes: &[Cube]) -> Vec<Cube> {
    let mut out: Vec<Cube> = Vec::new();
    for c in cubes {
        let mut pieces = vec![c.clone()];
        for seen in &out {
            pieces = pieces.iter().flat_map(|p| p.minus(seen)).collect();
        }
        out.extend(pieces);
    }
    out
}

/// Joins cubes that differ in one dimension only (their union is then a cube), until none do.
fn merge(mut cubes: Vec<Cube>) -> Vec<Cube> {
    cubes.sort();
    cubes.dedup();
    loop {
        let mut joined = None;
        'search: for i in 0..cubes.len() {
            for j in i + 1..cubes.len() {
                let differing: Vec<usize> = (0..5).filter(|&d| cubes[i].0[d] != cubes[j].0[d]).collect();
                if let [d] = differing[..] {
                    joined = Some((i, j, d));
                    break 'search;
                }
            }
        }
        let Some((i, j, d)) = joined else { return cubes };
        let other = cubes.remove(j);
        cubes[i].0[d] = cubes[i].0[d].union(&other.0[d]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> Rule {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        Rule::new(v(verbs), v(groups), v(resources), v(names), Vec::new())
    }

    /// What RBAC says for one rule (the matching rules of src/rbac/rules.rs, restated).
    fn allows(rule: &Rule, [verb, group, resource, sub, name]: [&str; 5]) -> bool {
        let has = |v: &[String], x: &str| v.iter().any(|s| s == "*" || s == x);
        let combined = if sub.is_empty() { resource.to_string() } else { format!("{resource}/{sub}") };
        has(&rule.verbs, verb)
            && has(&rule.api_groups, group)
            && rule
                .resources
                .iter()
                .any(|r| r == "*" || *r == combined || (!sub.is_empty() && *r == format!("*/{sub}")))
            && (rule.resource_names.is_empty() || rule.resource_names.iter().any(|n| n == name))
    }

    #[test]
    fn differences_cover_exactly_the_requests_one_side_allows() {
        let verbs = ["get", "list", "create", "*", "escalate"];
        let groups = ["", "apps", "*"];
        let resources = ["pods", "pods/log", "*", "*/scale", "deployments", "deployments/scale", "pods/*"];
        let names = [&[][..], &["a"][..], &["a", "b"][..]];
        // Values asked, including ones no rule names.
        let ask_verbs = ["get", "list", "create", "escalate", "watch", "frob"];
        let ask_groups = ["", "apps", "batch"];
        let ask_resources = [
            ("pods", ""),
            ("pods", "log"),
            ("pods", "exec"),
            ("pods", "*"),
            ("deployments", "scale"),
            ("deployments", ""),
            ("secrets", ""),
            ("secrets", "scale"),
            ("nodes", "proxy"),
        ];
        let ask_names = ["", "a", "b", "c"];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % n
        };
        for _ in 0..300 {
            let mut random_rules = |count: usize| -> Vec<Rule> {
                (0..count)
                    .map(|_| {
                        let v: Vec<&str> = (0..1 + next(2)).map(|_| verbs[next(verbs.len())]).collect();
                        let g = [groups[next(groups.len())]];
                        let r: Vec<&str> = (0..1 + next(2)).map(|_| resources[next(resources.len())]).collect();
                        rule(&v, &g, &r, names[next(names.len())])
                    })
                    .collect()
            };
            let (before, after) = (random_rules(2), random_rules(3));
            let cubes = |rules: &[Rule]| rules.iter().flat_map(cubes_of).collect::<Vec<_>>();
            let added = difference(&cubes(&after), &cubes(&before)[..]);
            for verb in ask_verbs {
                for group in ask_groups {
                    for (resource, sub) in ask_resources {
                        for name in ask_names {
                            let request = [verb, group, resource, sub, name];
                            let expected =
                                after.iter().any(|r| allows(r, request)) && !before.iter().any(|r| allows(r, request));
                            let covered = added.iter().filter(|c| c.contains(request)).count();
                            assert_eq!(
                                covered,
                                usize::from(expected),
                                "{request:?}\nbefore {before:?}\nafter {after:?}\nadded {added:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}
