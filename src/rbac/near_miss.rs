//! "Why not": for a denied request, the bindings that almost grant it, ranked. A near miss differs from an
//! allowing grant in exactly one dimension: a rule dimension (verb, apiGroup, resource, subresource, resourceName,
//! URL), the binding's namespace or scope, a dangling roleRef, or a subject that does not quite name the SA.

use serde::Serialize;
use std::sync::Arc;

use crate::model::{Binding, BindingKind, Cluster, Rule, Subject};
use crate::rbac::request::{SA_USER_PREFIX, parse_sa_username};
use crate::rbac::rules::{
    api_group_matches, non_resource_url_matches, resource_matches, resource_name_matches, rule_allows, verb_matches,
};
use crate::rbac::{ObjectRef, Request, UserInfo, bindings_for_user, effective_subject, reach_of, subject_applies};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NearMiss {
    pub binding: ObjectRef,
    pub role: ObjectRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Arc<Rule>>,
    /// The binding's subject entry this is about.
    pub subject: Subject,
    /// How that subject reaches the ServiceAccount: directly, user-alias, group, or does-not-match.
    pub reaches: String,
    /// verb, apiGroup, resource, subresource, resourceName, nonResourceURL, namespace, scope, roleRef, subject.
    pub dimension: String,
    pub message: String,
}

fn reach_rank(reaches: &str) -> u8 {
    match reaches {
        "directly" => 0,
        "user-alias" => 1,
        "group" => 2,
        _ => 3,
    }
}

fn dimension_rank(d: &str) -> u8 {
    match d {
        "namespace" | "scope" => 0,
        "subject" => 1,
        "resourceName" => 2,
        "subresource" => 3,
        "verb" => 4,
        "resource" | "nonResourceURL" => 5,
        "apiGroup" => 6,
        _ => 7,
    }
}

fn list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| if s.is_empty() { "\"\"".into() } else { s.clone() }).collect();
    format!("[{}]", items.join(", "))
}

/// The one dimension in which `rule` misses the request, if it misses in exactly one.
fn single_mismatch(rule: &Rule, request: &Request) -> Option<(&'static str, String)> {
    let mut misses: Vec<(&'static str, String)> = Vec::new();
    match request {
        Request::Resource { verb, attrs } => {
            if rule.resources.is_empty() {
                return None;
            }
            if !verb_matches(rule, verb) {
                misses.push(("verb", format!("allows verbs {}, not {verb:?}", list(&rule.verbs))));
            }
            if !api_group_matches(rule, &attrs.group) {
                misses
                    .push(("apiGroup", format!("is for apiGroups {}, not {:?}", list(&rule.api_groups), attrs.group)));
            }
            if !resource_matches(rule, &attrs.resource, &attrs.subresource) {
                let prefix = format!("{}/", attrs.resource);
                let about_sub = (!attrs.subresource.is_empty() && resource_matches(rule, &attrs.resource, ""))
                    || (attrs.subresource.is_empty() && rule.resources.iter().any(|r| r.starts_with(&prefix)));
                if about_sub {
                    let combined = if attrs.subresource.is_empty() {
                        attrs.resource.clone()
                    } else {
                        format!("{}/{}", attrs.resource, attrs.subresource)
                    };
                    misses.push((
                        "subresource",
                        format!(
                            "covers {} but not {combined:?} (subresources are named separately)",
                            list(&rule.resources)
                        ),
                    ));
                } else {
                    misses.push((
                        "resource",
                        format!("covers resources {}, not {:?}", list(&rule.resources), attrs.resource),
                    ));
                }
            }
            if !resource_name_matches(rule, &attrs.name) {
                let text = if attrs.name.is_empty() {
                    format!(
                        "is limited to resourceNames {}; a {verb} request without a name can never match it{}",
                        list(&rule.resource_names),
                        if verb == "list" || verb == "watch" {
                            " (list/watch match only with fieldSelector metadata.name=NAME)"
                        } else {
                            ""
                        }
                    )
                } else {
                    format!("is limited to resourceNames {}, not {:?}", list(&rule.resource_names), attrs.name)
                };
                misses.push(("resourceName", text));
            }
        }
        Request::NonResource { verb, path } => {
            if rule.non_resource_urls.is_empty() {
                return None;
            }
            if !verb_matches(rule, verb) {
                misses.push(("verb", format!("allows verbs {}, not {verb:?}", list(&rule.verbs))));
            }
            if !non_resource_url_matches(rule, path) {
                misses.push((
                    "nonResourceURL",
                    format!(
                        "allows nonResourceURLs {}, not {path:?} (only a trailing * is a prefix)",
                        list(&rule.non_resource_urls)
                    ),
                ));
            }
        }
    }
    (misses.len() == 1).then(|| misses.remove(0))
}

/// For a request without a name (list, watch, create, deletecollection, or a get/update/delete without NAME): a rule
/// that covers its resource but is limited by resourceNames, whatever its verbs. resourceNames can never allow such
/// a request, the most common RBAC surprise.
fn names_can_never_match(rule: &Rule, request: &Request) -> Option<String> {
    let Request::Resource { verb, attrs } = request else { return None };
    if !attrs.name.is_empty()
        || rule.resource_names.is_empty()
        || !api_group_matches(rule, &attrs.group)
        || !resource_matches(rule, &attrs.resource, &attrs.subresource)
    {
        return None;
    }
    let hint = match verb.as_str() {
        "list" | "watch" => " (a list or watch matches only with fieldSelector metadata.name=NAME, one object)",
        "create" | "deletecollection" => "",
        _ => " (give the NAME of the object)",
    };
    Some(format!(
        "allows verbs {} only on the objects named {}; a {verb} request without a name can never match \
         resourceNames, so this rule cannot allow it{hint}",
        list(&rule.verbs),
        list(&rule.resource_names)
    ))
}

fn reaches(b: &Binding, s: &Subject, user: &UserInfo) -> &'static str {
    if !subject_applies(b, s, user) {
        return "does-not-match";
    }
    reach_of(s, user)
}

/// Near misses for a denied request by `user` (a ServiceAccount identity), best first.
pub fn near_misses(cluster: &Cluster, user: &UserInfo, request: &Request) -> Vec<NearMiss> {
    let mut out = Vec::new();
    let ns = request.namespace();
    let in_scope = |b: &Binding| b.kind == BindingKind::ClusterRoleBinding || (!ns.is_empty() && b.namespace == ns);

    // 1. Bindings that reach the SA.
    for id in bindings_for_user(cluster, user) {
        let b = cluster.binding(id);
        let Some(s) = b.subjects.iter().find(|s| subject_applies(b, s, user)) else { continue };
        let base = |dimension: &str, rule_index: Option<usize>, rule: Option<Arc<Rule>>, message: String| NearMiss {
            binding: ObjectRef::of_binding(b),
            role: ObjectRef::of_role_ref(b),
            rule_index,
            rule,
            subject: effective_subject(b, s),
            reaches: reaches(b, s, user).to_string(),
            dimension: dimension.to_string(),
            message,
        };
        let role = match cluster.resolve_role(b) {
            Ok(r) => r,
            Err(e) => {
                let elsewhere: Vec<&str> = cluster
                    .roles
                    .values()
                    .filter(|r| b.role_ref.kind == "Role" && r.name == b.role_ref.name)
                    .map(|r| r.namespace.as_str())
                    .collect();
                let message = if elsewhere.is_empty() {
                    format!("its roleRef dangles ({e}): it grants nothing until that role exists")
                } else {
                    format!(
                        "its roleRef points at Role {:?}, which exists only in namespace(s) {}; a RoleBinding can only \
                         use a Role of its own namespace ({})",
                        b.role_ref.name,
                        elsewhere.join(", "),
                        b.namespace
                    )
                };
                out.push(base("roleRef", None, None, message));
                continue;
            }
        };
        for (i, rule) in role.rules.iter().enumerate() {
            if in_scope(b)
                && let Some(why) = names_can_never_match(rule, request)
            {
                out.push(base("resourceName", Some(i), Some(rule.clone()), format!("rule #{i} {why}")));
            } else if in_scope(b) {
                if let Some((dimension, why)) = single_mismatch(rule, request) {
                    out.push(base(dimension, Some(i), Some(rule.clone()), format!("rule #{i} {why}")));
                }
            } else if rule_allows(rule, request) {
                // A RoleBinding elsewhere grants exactly this request, in its own namespace.
                let (dimension, message) = match request {
                    Request::Resource { attrs, .. } if !attrs.namespace.is_empty() => (
                        "namespace",
                        format!(
                            "rule #{i} allows this, but the RoleBinding is in namespace {:?} and the request in {:?}",
                            b.namespace, attrs.namespace
                        ),
                    ),
                    _ => (
                        "scope",
                        format!(
                            "rule #{i} allows this inside namespace {:?} only; a cluster-wide, cluster-scoped or \
                             non-resource request needs a ClusterRoleBinding",
                            b.namespace
                        ),
                    ),
                };
                out.push(base(dimension, Some(i), Some(rule.clone()), message));
            }
        }
    }

    // 2. Subjects that almost name the SA: wrong namespace, wrong kind, a bare User name, a namespace-less SA in a
    //    ClusterRoleBinding. Reported when the binding would otherwise grant the request.
    if let Some((sa_ns, sa_name)) = parse_sa_username(&user.username) {
        for (_, b) in cluster.all_bindings() {
            for s in &b.subjects {
                if subject_applies(b, s, user) {
                    continue;
                }
                let why = almost_names(b, s, sa_ns, sa_name);
                let Some(why) = why else { continue };
                let Ok(role) = cluster.resolve_role(b) else { continue };
                let scope_ok = b.kind == BindingKind::ClusterRoleBinding || b.namespace == ns;
                if let Some((i, rule)) =
                    role.rules.iter().enumerate().find(|(_, r)| scope_ok && rule_allows(r, request))
                {
                    out.push(NearMiss {
                        binding: ObjectRef::of_binding(b),
                        role: ObjectRef::of_role_ref(b),
                        rule_index: Some(i),
                        rule: Some(rule.clone()),
                        subject: effective_subject(b, s),
                        reaches: "does-not-match".into(),
                        dimension: "subject".into(),
                        message: format!("rule #{i} allows this, but {why}"),
                    });
                }
            }
        }
    }

    out.sort_by(|a, b| {
        (reach_rank(&a.reaches), dimension_rank(&a.dimension), &a.binding, a.rule_index).cmp(&(
            reach_rank(&b.reaches),
            dimension_rank(&b.dimension),
            &b.binding,
            b.rule_index,
        ))
    });
    out.dedup();
    out
}

fn almost_names(b: &Binding, s: &Subject, sa_ns: &str, sa_name: &str) -> Option<String> {
    let eff_ns = if s.namespace.is_empty() { b.namespace.as_str() } else { s.namespace.as_str() };
    if s.kind == "ServiceAccount" && s.name == sa_name {
        if eff_ns.is_empty() {
            return Some(
                "the ServiceAccount subject has no namespace, which never matches in a ClusterRoleBinding".into(),
            );
        }
        if eff_ns != sa_ns {
            return Some(format!(
                "the subject names ServiceAccount {sa_name:?} in namespace {eff_ns:?}, not {sa_ns:?}"
            ));
        }
    }
    if s.kind != "ServiceAccount"
        && s.kind.eq_ignore_ascii_case("serviceaccount")
        && s.name == sa_name
        && (eff_ns == sa_ns)
    {
        return Some(format!("subject kind {:?} is not \"ServiceAccount\" (kinds are case-sensitive)", s.kind));
    }
    if s.kind == "User" && (s.name == sa_name || s.name == format!("{sa_ns}:{sa_name}")) {
        return Some(format!(
            "User {:?} is not this ServiceAccount; use kind ServiceAccount or User \"{SA_USER_PREFIX}{sa_ns}:{sa_name}\"",
            s.name
        ));
    }
    if s.kind == "User"
        && let Some((ns, name)) = parse_sa_username(&s.name)
        && name == sa_name
        && ns != sa_ns
    {
        return Some(format!("User {:?} names the ServiceAccount of namespace {ns:?}, not {sa_ns:?}", s.name));
    }
    None
}
