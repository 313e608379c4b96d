//! Matching one PolicyRule against one request, exactly as kube-apiserver's RBAC authorizer does
//! (plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows; pkg/apis/rbac/v1/evaluation_helpers.go).
//! Everything is case-sensitive; the only wildcards are `*` entries, `*/subresource`, and a trailing `*` on
//! nonResourceURLs.

use crate::model::Rule;
use crate::rbac::request::{Request, ResourceAttributes};

pub fn verb_matches(rule: &Rule, verb: &str) -> bool {
    rule.verbs.iter().any(|v| v == "*" || v == verb)
}

pub fn api_group_matches(rule: &Rule, group: &str) -> bool {
    rule.api_groups.iter().any(|g| g == "*" || g == group)
}

/// `*` matches every resource including subresources; `res/sub` must equal the combined resource;
/// `*/sub` matches subresource `sub` of any resource. Nothing else is a wildcard (`pods/*` is literal).
pub fn resource_matches(rule: &Rule, resource: &str, subresource: &str) -> bool {
    rule.resources.iter().any(|r| {
        if r == "*" {
            return true;
        }
        let combined_equal = if subresource.is_empty() {
            r == resource
        } else {
            r.len() == resource.len() + 1 + subresource.len()
                && r.starts_with(resource)
                && r.as_bytes()[resource.len()] == b'/'
                && r.ends_with(subresource)
        };
        combined_equal
            || (!subresource.is_empty()
                && r.len() == subresource.len() + 2
                && r.starts_with("*/")
                && r.ends_with(subresource))
    })
}

/// An empty list allows any name (even none); otherwise the request's name must be listed.
pub fn resource_name_matches(rule: &Rule, name: &str) -> bool {
    rule.resource_names.is_empty() || rule.resource_names.iter().any(|n| n == name)
}

/// `*` matches every path; an entry ending in `*` matches paths starting with it minus its trailing `*`s.
pub fn non_resource_url_matches(rule: &Rule, path: &str) -> bool {
    rule.non_resource_urls.iter().any(|u| {
        u == "*" || u == path || (u.ends_with('*') && path.starts_with(u.trim_end_matches('*')))
    })
}

pub fn resource_rule_allows(rule: &Rule, verb: &str, attrs: &ResourceAttributes) -> bool {
    verb_matches(rule, verb)
        && api_group_matches(rule, &attrs.group)
        && resource_matches(rule, &attrs.resource, &attrs.subresource)
        && resource_name_matches(rule, &attrs.name)
}

pub fn rule_allows(rule: &Rule, request: &Request) -> bool {
    match request {
        Request::Resource { verb, attrs } => resource_rule_allows(rule, verb, attrs),
        Request::NonResource { verb, path } => verb_matches(rule, verb) && non_resource_url_matches(rule, path),
    }
}
