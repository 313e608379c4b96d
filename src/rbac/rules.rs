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
    rule.non_resource_urls
        .iter()
        .any(|u| u == "*" || u == path || (u.ends_with('*') && path.starts_with(u.trim_end_matches('*'))))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str], urls: &[&str]) -> Rule {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        Rule::new(v(verbs), v(groups), v(resources), v(names), v(urls))
    }

    #[test]
    fn verbs_are_exact_or_star_and_case_sensitive() {
        let r = rule(&["get", "list"], &[], &[], &[], &[]);
        assert!(verb_matches(&r, "get"));
        assert!(!verb_matches(&r, "watch"));
        assert!(!verb_matches(&rule(&["GET"], &[], &[], &[], &[]), "get"));
        assert!(verb_matches(&rule(&["*"], &[], &[], &[], &[]), "impersonate"));
        assert!(!verb_matches(&rule(&["ge*"], &[], &[], &[], &[]), "get"));
    }

    #[test]
    fn api_groups_are_exact_or_star() {
        assert!(api_group_matches(&rule(&[], &[""], &[], &[], &[]), ""));
        assert!(!api_group_matches(&rule(&[], &[""], &[], &[], &[]), "apps"));
        assert!(api_group_matches(&rule(&[], &["*"], &[], &[], &[]), ""));
        assert!(!api_group_matches(&rule(&[], &["app*"], &[], &[], &[]), "apps"));
        assert!(!api_group_matches(&rule(&[], &[], &[], &[], &[]), ""));
    }

    #[test]
    fn resources_star_covers_subresources_but_nothing_else_is_a_wildcard() {
        let star = rule(&[], &[], &["*"], &[], &[]);
        assert!(resource_matches(&star, "pods", ""));
        assert!(resource_matches(&star, "pods", "log"));
        let pods = rule(&[], &[], &["pods"], &[], &[]);
        assert!(resource_matches(&pods, "pods", ""));
        assert!(!resource_matches(&pods, "pods", "status"));
        let pods_any = rule(&[], &[], &["pods/*"], &[], &[]);
        assert!(!resource_matches(&pods_any, "pods", "log"));
        let star_star = rule(&[], &[], &["*/*"], &[], &[]);
        assert!(!resource_matches(&star_star, "pods", "log"));
        let star_scale = rule(&[], &[], &["*/scale"], &[], &[]);
        assert!(resource_matches(&star_scale, "deployments", "scale"));
        assert!(!resource_matches(&star_scale, "deployments", ""));
        assert!(!resource_matches(&star_scale, "deployments", "status"));
        let exact = rule(&[], &[], &["pods/log"], &[], &[]);
        assert!(resource_matches(&exact, "pods", "log"));
        assert!(!resource_matches(&exact, "pods", "logs"));
        assert!(!resource_matches(&exact, "pod", "s/log"));
        assert!(!resource_matches(&rule(&[], &[], &["pod*"], &[], &[]), "pods", ""));
        // `*/log` must not match a longer subresource ending in log.
        assert!(!resource_matches(&rule(&[], &[], &["*/log"], &[], &[]), "pods", "catalog"));
    }

    #[test]
    fn resource_names_narrow_and_never_match_an_empty_name() {
        let named = rule(&[], &[], &[], &["foo"], &[]);
        assert!(resource_name_matches(&named, "foo"));
        assert!(!resource_name_matches(&named, "bar"));
        assert!(!resource_name_matches(&named, ""));
        assert!(resource_name_matches(&rule(&[], &[], &[], &[], &[]), ""));
    }

    #[test]
    fn non_resource_urls_match_exactly_or_by_trailing_star_prefix() {
        let sub = rule(&[], &[], &[], &[], &["/foo/*"]);
        assert!(!non_resource_url_matches(&sub, "/foo"));
        assert!(non_resource_url_matches(&sub, "/foo/"));
        assert!(non_resource_url_matches(&sub, "/foo/a/b"));
        assert!(!non_resource_url_matches(&sub, "/foobar"));
        assert!(non_resource_url_matches(&rule(&[], &[], &[], &[], &["/foo*"]), "/foobar"));
        assert!(non_resource_url_matches(&rule(&[], &[], &[], &[], &["/foo**"]), "/foox"));
        assert!(non_resource_url_matches(&rule(&[], &[], &[], &[], &["*"]), "/anything"));
        assert!(non_resource_url_matches(&rule(&[], &[], &[], &[], &["/healthz"]), "/healthz"));
        assert!(!non_resource_url_matches(&rule(&[], &[], &[], &[], &["/healthz"]), "/healthz/etcd"));
    }

    #[test]
    fn a_rule_with_only_urls_never_allows_resource_requests_and_vice_versa() {
        let urls = rule(&["get"], &[], &[], &[], &["*"]);
        let attrs = ResourceAttributes { resource: "pods".into(), ..Default::default() };
        assert!(!resource_rule_allows(&urls, "get", &attrs));
        let res = rule(&["get"], &["*"], &["*"], &[], &[]);
        assert!(!rule_allows(&res, &Request::NonResource { verb: "get".into(), path: "/healthz".into() }));
    }
}
