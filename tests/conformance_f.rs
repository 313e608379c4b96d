//! Conformance tests: one test per row of the table in docs/semantics.md (section "Conformance table")
//! ("Facts from Kubernetes' own tests"), restricted to the rows about authorization decisions, subject matching
//! and who-can. Expectations come from that table (and, where it is terse, from the Kubernetes test it cites:
//! plugin/pkg/auth/authorizer/rbac/rbac_test.go, subject_locator_test.go, pkg/registry/rbac/validation/rule_test.go).
//!
//! Rows NOT covered here:
//! - 47, 48, 50, 51, 52: need a live API server (HTTP status codes, escalation checks, create-on-update).
//!   The authorizer half of 47 and 48 (which requests RBAC allows) is exercised in tests/edge_cases.rs.
//! - 58, 59: request parsing (HTTP method/path -> verb, name, namespace), not authorization decisions.
//! - 61: admission webhook rule matching (docs/semantics.md, Admission), not RBAC.
//! - 18, 32, 33, 34, 37, 38, 46, 53-57, 60: not present in the document's table.
//!
//! Rule notation in comments is the document's `verbs|groups|resources|urls`.

use kubectl_sa::model::{Cluster, ClusterBuilder};
use kubectl_sa::rbac::{Request, UserInfo, WhoCanScope, authorize, who_can};
use kubectl_sa::source::snapshot::load_text;

// ---------------------------------------------------------------------------------------------------------------
// Helpers: tiny manifest writers, requests, identities and assertions.
// ---------------------------------------------------------------------------------------------------------------

const RBAC: &str = "rbac.authorization.k8s.io";

fn world(docs: &[String]) -> Cluster {
    let text = docs.join("---\n");
    let mut b = ClusterBuilder::default();
    if let Err(e) = load_text("world", &text, &mut b) {
        panic!("the world does not load: {e:#}\n{text}");
    }
    b.build()
}

/// A rule as a YAML flow mapping. Empty slices are left out (as an absent list).
fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str], urls: &[&str]) -> String {
    let list = |v: &[&str]| v.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
    let mut parts = vec![format!("verbs: [{}]", list(verbs))];
    if !groups.is_empty() {
        parts.push(format!("apiGroups: [{}]", list(groups)));
    }
    if !resources.is_empty() {
        parts.push(format!("resources: [{}]", list(resources)));
    }
    if !names.is_empty() {
        parts.push(format!("resourceNames: [{}]", list(names)));
    }
    if !urls.is_empty() {
        parts.push(format!("nonResourceURLs: [{}]", list(urls)));
    }
    format!("{{{}}}", parts.join(", "))
}

fn rules_yaml(rules: &[String]) -> String {
    if rules.is_empty() {
        return "rules: []\n".into();
    }
    let mut s = String::from("rules:\n");
    for r in rules {
        s.push_str(&format!("- {r}\n"));
    }
    s
}

fn cluster_role(name: &str, rules: &[String]) -> String {
    format!("apiVersion: {RBAC}/v1\nkind: ClusterRole\nmetadata: {{name: {name:?}}}\n{}", rules_yaml(rules))
}

fn role(ns: &str, name: &str, rules: &[String]) -> String {
    format!("apiVersion: {RBAC}/v1\nkind: Role\nmetadata: {{name: {name:?}, namespace: {ns:?}}}\n{}", rules_yaml(rules))
}

fn subjects_yaml(subjects: &[String]) -> String {
    let mut s = String::from("subjects:\n");
    for x in subjects {
        s.push_str(&format!("- {x}\n"));
    }
    s
}

fn cluster_role_binding(name: &str, cluster_role: &str, subjects: &[String]) -> String {
    format!(
        "apiVersion: {RBAC}/v1\nkind: ClusterRoleBinding\nmetadata: {{name: {name:?}}}\n\
         roleRef: {{apiGroup: {RBAC}, kind: ClusterRole, name: {cluster_role:?}}}\n{}",
        subjects_yaml(subjects)
    )
}

fn role_binding(ns: &str, name: &str, role_kind: &str, role_name: &str, subjects: &[String]) -> String {
    format!(
        "apiVersion: {RBAC}/v1\nkind: RoleBinding\nmetadata: {{name: {name:?}, namespace: {ns:?}}}\n\
         roleRef: {{apiGroup: {RBAC}, kind: {role_kind}, name: {role_name:?}}}\n{}",
        subjects_yaml(subjects)
    )
}

fn service_account(ns: &str, name: &str) -> String {
    format!("apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: {name:?}, namespace: {ns:?}}}\n")
}

fn namespace(name: &str) -> String {
    format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name:?}}}\n")
}

fn user_subject(name: &str) -> String {
    format!("{{kind: User, apiGroup: {RBAC}, name: {name:?}}}")
}

fn group_subject(name: &str) -> String {
    format!("{{kind: Group, apiGroup: {RBAC}, name: {name:?}}}")
}

/// A ServiceAccount subject; `ns` = None leaves the namespace out.
fn sa_subject(name: &str, ns: Option<&str>) -> String {
    match ns {
        Some(ns) => format!("{{kind: ServiceAccount, name: {name:?}, namespace: {ns:?}}}"),
        None => format!("{{kind: ServiceAccount, name: {name:?}}}"),
    }
}

fn user(name: &str, groups: &[&str]) -> UserInfo {
    UserInfo::new(name, groups)
}

fn sa(ns: &str, name: &str) -> UserInfo {
    UserInfo::service_account(ns, name)
}

fn res(verb: &str, group: &str, resource: &str, subresource: &str, ns: &str) -> Request {
    named(verb, group, resource, subresource, "", ns)
}

fn named(verb: &str, group: &str, resource: &str, subresource: &str, name: &str, ns: &str) -> Request {
    Request::resource(verb, group, resource, subresource, name, ns)
}

fn url(verb: &str, path: &str) -> Request {
    Request::NonResource { verb: verb.into(), path: path.into() }
}

#[track_caller]
fn assert_allow(c: &Cluster, u: &UserInfo, r: &Request, row: &str) {
    let d = authorize(c, u, r);
    assert!(
        d.allowed,
        "{row}: expected Allow for {u:?} {r:?}; got Deny (reason {:?}, errors {:?})",
        d.reason, d.errors
    );
    assert!(!d.grants.is_empty(), "{row}: Allow without any grant for {u:?} {r:?}");
    assert!(
        d.reason.starts_with("RBAC: allowed by "),
        "{row}: Allow for {u:?} {r:?} with reason {:?} (A.4 wants `RBAC: allowed by ...`)",
        d.reason
    );
}

#[track_caller]
fn assert_deny(c: &Cluster, u: &UserInfo, r: &Request, row: &str) {
    let d = authorize(c, u, r);
    assert!(
        !d.allowed,
        "{row}: expected Deny for {u:?} {r:?}; got Allow (reason {:?}, grants {:?})",
        d.reason, d.grants
    );
    assert!(d.grants.is_empty(), "{row}: Deny but grants listed for {u:?} {r:?}: {:?}", d.grants);
}

#[track_caller]
fn assert_reason(c: &Cluster, u: &UserInfo, r: &Request, want: &str, row: &str) {
    let d = authorize(c, u, r);
    assert!(d.allowed, "{row}: expected Allow for {u:?} {r:?}");
    assert_eq!(d.reason, want, "{row}: reason for {u:?} {r:?}");
}

/// Row 1-4 world (rbac_test.go case 0): CR admin `*|*|*|*`; RoleBinding in ns1 -> User admin, Group admins.
fn admin_rb_world() -> Cluster {
    world(&[
        cluster_role("admin", &[rule(&["*"], &["*"], &["*"], &[], &["*"])]),
        role_binding("ns1", "admin", "ClusterRole", "admin", &[user_subject("admin"), group_subject("admins")]),
    ])
}

/// One ClusterRole with `rules`, bound cluster-wide to User `u` (so only rule matching is under test).
fn rule_world(rules: &[String]) -> Cluster {
    world(&[cluster_role("r", rules), cluster_role_binding("r", "r", &[user_subject("u")])])
}

fn u() -> UserInfo {
    user("u", &[])
}

// ---------------------------------------------------------------------------------------------------------------
// Rows 1-4: RoleBinding to a ClusterRole `*|*|*|*` (A.4, A.6).
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn f01_rolebinding_admin_get_pods_in_its_namespace_allowed() {
    let c = admin_rb_world();
    let r = res("get", "", "pods", "", "ns1");
    assert_allow(&c, &user("admin", &[]), &r, "F.1");
    // A.4: the reason names the RoleBinding as `<rb>/<ns>` and the matched subject.
    assert_reason(
        &c,
        &user("admin", &[]),
        &r,
        r#"RBAC: allowed by RoleBinding "admin/ns1" of ClusterRole "admin" to User "admin""#,
        "F.1",
    );
    assert_allow(&c, &user("admin", &[]), &res("watch", "", "pods", "", "ns1"), "F.1 (watch)");
}

#[test]
fn f02_group_member_watch_foobar_allowed() {
    let c = admin_rb_world();
    assert_allow(&c, &user("joe", &["group1", "admins"]), &res("watch", "", "foobar", "", "ns1"), "F.2");
    assert_allow(&c, &user("joe", &["admins"]), &res("watch", "", "foobar", "", "ns1"), "F.2 (only admins)");
    assert_deny(&c, &user("joe", &["group1"]), &res("watch", "", "foobar", "", "ns1"), "F.2 (not a member)");
}

#[test]
fn f03_rolebinding_does_not_reach_other_namespace() {
    let c = admin_rb_world();
    assert_deny(&c, &user("admin", &[]), &res("get", "", "pods", "", "ns2"), "F.3");
    assert_deny(&c, &user("admin", &["admins"]), &res("get", "", "pods", "", "ns2"), "F.3 (with group)");
}

#[test]
fn f04_rolebinding_never_grants_cluster_scoped_nodes() {
    let c = admin_rb_world();
    assert_deny(&c, &user("admin", &[]), &res("get", "", "nodes", "", ""), "F.4");
    assert_deny(&c, &user("admin", &["admins"]), &res("get", "", "nodes", "", ""), "F.4 (with group)");
}

// ---------------------------------------------------------------------------------------------------------------
// Rows 5-10: non-resource URLs through ClusterRoleBindings (A.2 non-resource).
// ---------------------------------------------------------------------------------------------------------------

fn url_world() -> Cluster {
    world(&[
        cluster_role("non-resource-url-getter", &[rule(&["get"], &[], &[], &[], &["/apis"])]),
        cluster_role("non-resource-url", &[rule(&["*"], &[], &[], &[], &["/apis"])]),
        cluster_role("non-resource-url-prefix", &[rule(&["get"], &[], &[], &[], &["/apis/*"])]),
        cluster_role_binding("getter", "non-resource-url-getter", &[user_subject("foo"), group_subject("bar")]),
        cluster_role_binding("all-verbs", "non-resource-url", &[user_subject("admin"), group_subject("admin")]),
        cluster_role_binding(
            "prefix",
            "non-resource-url-prefix",
            &[user_subject("prefixed"), group_subject("prefixed")],
        ),
    ])
}

#[test]
fn f05_get_apis_allowed() {
    let c = url_world();
    assert_allow(&c, &user("foo", &[]), &url("get", "/apis"), "F.5 (user)");
    assert_allow(&c, &user("", &["bar"]), &url("get", "/apis"), "F.5 (group)");
    assert_reason(
        &c,
        &user("foo", &[]),
        &url("get", "/apis"),
        r#"RBAC: allowed by ClusterRoleBinding "getter" of ClusterRole "non-resource-url-getter" to User "foo""#,
        "F.5",
    );
}

#[test]
fn f06_watch_apis_denied_for_get_only_rule() {
    let c = url_world();
    assert_deny(&c, &user("foo", &[]), &url("watch", "/apis"), "F.6 (user)");
    assert_deny(&c, &user("", &["bar"]), &url("watch", "/apis"), "F.6 (group)");
}

#[test]
fn f07_get_api_v1_denied_for_exact_apis_rule() {
    let c = url_world();
    assert_deny(&c, &user("foo", &[]), &url("get", "/api/v1"), "F.7 (user)");
    assert_deny(&c, &user("", &["bar"]), &url("get", "/api/v1"), "F.7 (group)");
    assert_deny(&c, &user("admin", &[]), &url("get", "/api/v1"), "F.7 (star verb)");
}

#[test]
fn f08_star_verb_url_allows_watch() {
    let c = url_world();
    assert_allow(&c, &user("admin", &[]), &url("watch", "/apis"), "F.8 (user)");
    assert_allow(&c, &user("", &["admin"]), &url("watch", "/apis"), "F.8 (group)");
    assert_allow(&c, &user("admin", &[]), &url("get", "/apis"), "F.8 (get)");
}

#[test]
fn f09_prefix_url_allows_subpaths() {
    let c = url_world();
    for p in ["/apis/v1", "/apis/v1/foobar"] {
        assert_allow(&c, &user("prefixed", &[]), &url("get", p), &format!("F.9 (user, {p})"));
        assert_allow(&c, &user("", &["prefixed"]), &url("get", p), &format!("F.9 (group, {p})"));
    }
}

#[test]
fn f10_prefix_url_does_not_cover_other_paths() {
    let c = url_world();
    assert_deny(&c, &user("prefixed", &[]), &url("get", "/api/v1"), "F.10 (user)");
    assert_deny(&c, &user("", &["prefixed"]), &url("get", "/api/v1"), "F.10 (group)");
}

// ---------------------------------------------------------------------------------------------------------------
// Rows 11-13, 19-20, 26-27: resources and subresources (A.2.3).
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn f11_plain_resource_does_not_cover_its_subresource() {
    let c = world(&[
        cluster_role("admin", &[rule(&["*"], &["*"], &["pods"], &[], &[])]),
        role_binding("ns1", "admin", "ClusterRole", "admin", &[user_subject("admin"), group_subject("admins")]),
    ]);
    assert_allow(&c, &user("admin", &[]), &res("get", "", "pods", "", "ns1"), "F.11 pods");
    assert_deny(&c, &user("admin", &[]), &res("get", "", "pods", "status", "ns1"), "F.11 pods/status");
}

#[test]
fn f12_exact_subresource_and_star_slash_subresource_allow() {
    let c = rule_world(&[rule(&["*"], &["*"], &["pods/status", "*/scale"], &[], &[])]);
    assert_allow(&c, &u(), &res("get", "", "pods", "status", "ns1"), "F.12 pods/status");
    assert_allow(&c, &u(), &res("update", "", "pods", "scale", "ns1"), "F.12 pods/scale");
    assert_allow(&c, &u(), &res("update", "apps", "deployments", "scale", "ns1"), "F.12 deployments/scale");
}

#[test]
fn f13_subresource_rules_do_not_cover_the_parent_resource() {
    let c = rule_world(&[rule(&["*"], &["*"], &["pods/status", "*/scale"], &[], &[])]);
    assert_deny(&c, &u(), &res("get", "", "pods", "", "ns1"), "F.13 pods");
    assert_deny(&c, &u(), &res("get", "apps", "deployments", "", "ns1"), "F.13 deployments");
}

// ---------------------------------------------------------------------------------------------------------------
// Rows 14-17: verb / group / resource wildcards (rbac_test.go TestRuleMatches, A.2.1-3).
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn f14_star_verb_exact_group_and_resource_allows_any_verb() {
    let c = rule_world(&[rule(&["*"], &["group1"], &["resource1"], &[], &[])]);
    for verb in ["verb1", "verb2", "get", "deletecollection"] {
        assert_allow(&c, &u(), &res(verb, "group1", "resource1", "", "ns1"), &format!("F.14 {verb}"));
    }
}

#[test]
fn f15_star_verb_rule_still_needs_exact_group_and_resource() {
    let c = rule_world(&[rule(&["*"], &["group1"], &["resource1"], &[], &[])]);
    for verb in ["verb1", "verb2"] {
        assert_deny(&c, &u(), &res(verb, "group2", "resource1", "", "ns1"), "F.15 group2/resource1");
        assert_deny(&c, &u(), &res(verb, "group1", "resource2", "", "ns1"), "F.15 group1/resource2");
        assert_deny(&c, &u(), &res(verb, "group2", "resource2", "", "ns1"), "F.15 group2/resource2");
    }
}

#[test]
fn f16_star_group() {
    let c = rule_world(&[rule(&["verb1"], &["*"], &["resource1"], &[], &[])]);
    assert_allow(&c, &u(), &res("verb1", "group2", "resource1", "", "ns1"), "F.16 verb1 group2");
    assert_allow(&c, &u(), &res("verb1", "group1", "resource1", "", "ns1"), "F.16 verb1 group1");
    assert_deny(&c, &u(), &res("verb2", "group2", "resource1", "", "ns1"), "F.16 verb2");
    assert_deny(&c, &u(), &res("verb1", "group1", "resource2", "", "ns1"), "F.16 resource2");
}

#[test]
fn f17_star_resource() {
    let c = rule_world(&[rule(&["verb1"], &["group1"], &["*"], &[], &[])]);
    assert_allow(&c, &u(), &res("verb1", "group1", "resource2", "", "ns1"), "F.17 group1/resource2");
    assert_allow(&c, &u(), &res("verb1", "group1", "resource1", "", "ns1"), "F.17 group1/resource1");
    assert_deny(&c, &u(), &res("verb1", "group2", "resource1", "", "ns1"), "F.17 group2/resource1");
    assert_deny(&c, &u(), &res("verb2", "group1", "resource1", "", "ns1"), "F.17 verb2");
}

#[test]
fn f19_exact_resource_slash_subresource_allows() {
    let c = rule_world(&[rule(&["*"], &["*"], &["resource1/subresource1"], &[], &[])]);
    assert_allow(&c, &u(), &res("verb1", "group1", "resource1", "subresource1", "ns1"), "F.19 verb1");
    assert_allow(&c, &u(), &res("verb2", "group1", "resource1", "subresource1", "ns1"), "F.19 verb2");
}

#[test]
fn f20_other_subresource_or_resource_denied() {
    let c = rule_world(&[rule(&["*"], &["*"], &["resource1/subresource1"], &[], &[])]);
    assert_deny(&c, &u(), &res("verb1", "group2", "resource1", "subresource2", "ns1"), "F.20 resource1/subresource2");
    assert_deny(&c, &u(), &res("verb1", "group1", "resource2", "subresource1", "ns1"), "F.20 resource2/subresource1");
    assert_deny(&c, &u(), &res("verb1", "group1", "resource1", "", "ns1"), "F.20 resource1 alone");
}

// ---------------------------------------------------------------------------------------------------------------
// Rows 21-25, 31: non-resource URL matching (A.2 non-resource).
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn f21_star_url_matches_every_path_for_its_verb_only() {
    let c = rule_world(&[rule(&["verb1"], &[], &[], &[], &["*"])]);
    for p in ["/foo", "/foo/bar", "/foo/baz", "/foo/bar/one", "/foo/baz/one"] {
        assert_allow(&c, &u(), &url("verb1", p), &format!("F.21 verb1 {p}"));
        assert_deny(&c, &u(), &url("verb2", p), &format!("F.21 verb2 {p}"));
    }
}

#[test]
fn f22_subpath_star_does_not_match_the_bare_prefix() {
    let c = rule_world(&[rule(&["verb1"], &[], &[], &[], &["/foo/*"])]);
    assert_deny(&c, &u(), &url("verb1", "/foo"), "F.22 /foo");
}

#[test]
fn f23_subpath_star_matches_deeper_paths() {
    let c = rule_world(&[rule(&["verb1"], &[], &[], &[], &["/foo/*"])]);
    for p in ["/foo/bar", "/foo/baz", "/foo/bar/one", "/foo/baz/one"] {
        assert_allow(&c, &u(), &url("verb1", p), &format!("F.23 {p}"));
    }
}

#[test]
fn f24_subpath_star_does_not_match_other_prefixes() {
    let c = rule_world(&[rule(&["verb1"], &[], &[], &[], &["/foo/*"])]);
    for p in ["/notfoo", "/notfoo/bar", "/notfoo/baz", "/notfoo/bar/one", "/notfoo/baz/one"] {
        assert_deny(&c, &u(), &url("verb1", p), &format!("F.24 {p}"));
    }
}

#[test]
fn f25_exact_urls_with_star_verb() {
    let c = rule_world(&[rule(&["*"], &[], &[], &[], &["/foo", "/foo/bar/one"])]);
    for verb in ["verb1", "verb2"] {
        assert_allow(&c, &u(), &url(verb, "/foo"), &format!("F.25 {verb} /foo"));
        assert_allow(&c, &u(), &url(verb, "/foo/bar/one"), &format!("F.25 {verb} /foo/bar/one"));
        assert_deny(&c, &u(), &url(verb, "/foo/bar"), &format!("F.25 {verb} /foo/bar"));
        assert_deny(&c, &u(), &url(verb, "/foo/baz"), &format!("F.25 {verb} /foo/baz"));
        assert_deny(&c, &u(), &url(verb, "/foo/baz/one"), &format!("F.25 {verb} /foo/baz/one"));
    }
}

#[test]
fn f26_star_resource_covers_subresources() {
    let c = rule_world(&[rule(&["get"], &[""], &["*"], &[], &[])]);
    assert_allow(&c, &u(), &res("get", "", "pods", "status", "ns1"), "F.26 pods/status");
}

#[test]
fn f27_resource_slash_star_is_not_a_wildcard() {
    let c = rule_world(&[rule(&["get"], &[""], &["pods/*"], &[], &[])]);
    assert_deny(&c, &u(), &res("get", "", "pods", "log", "ns1"), "F.27 pods/log");
}

#[test]
fn f28_verbs_are_case_sensitive() {
    let c = rule_world(&[rule(&["GET"], &[""], &["pods"], &[], &[])]);
    assert_deny(&c, &u(), &res("get", "", "pods", "", "ns1"), "F.28 get vs GET");
}

#[test]
fn f29_resource_names_restrict_named_requests_only() {
    let c = rule_world(&[rule(&["get", "list", "create"], &[""], &["pods"], &["foo"], &[])]);
    assert_allow(&c, &u(), &named("get", "", "pods", "", "foo", "ns1"), "F.29 get foo");
    assert_deny(&c, &u(), &named("get", "", "pods", "", "bar", "ns1"), "F.29 get bar");
    // A.7: plain list and create on a collection carry an empty name, which never matches resourceNames.
    assert_deny(&c, &u(), &named("list", "", "pods", "", "", "ns1"), "F.29 list");
    assert_deny(&c, &u(), &named("create", "", "pods", "", "", "ns1"), "F.29 create");
}

#[test]
fn f30_list_with_name_field_selector_matches_resource_names() {
    // A.7: a list whose fieldSelector is exactly metadata.name=foo reaches the authorizer with name "foo".
    let c = rule_world(&[rule(&["get", "list", "create"], &[""], &["pods"], &["foo"], &[])]);
    assert_allow(&c, &u(), &named("list", "", "pods", "", "foo", "ns1"), "F.30 list name=foo");
}

#[test]
fn f31_url_prefix_star_without_slash() {
    let c = rule_world(&[rule(&["get"], &[], &[], &[], &["/foo*"])]);
    assert_allow(&c, &u(), &url("get", "/foobar"), "F.31 /foobar");
}

// ---------------------------------------------------------------------------------------------------------------
// Rows 35-43: subject matching (A.3).
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn f35_user_star_is_literal() {
    let c = world(&[
        cluster_role("r", &[rule(&["get"], &[""], &["pods"], &[], &[])]),
        role_binding("default", "star", "ClusterRole", "r", &[user_subject("*")]),
        cluster_role_binding("star", "r", &[user_subject("*")]),
    ]);
    assert_deny(&c, &user("foobar", &[]), &res("get", "", "pods", "", "default"), "F.35 foobar");
    assert_deny(&c, &user("foobar", &["system:authenticated"]), &res("get", "", "pods", "", "default"), "F.35");
}

#[test]
fn f36_namespaced_sa_subject_matches_from_another_namespaces_binding() {
    let c = world(&[
        cluster_role("r", &[rule(&["get"], &[""], &["pods"], &[], &[])]),
        role_binding(
            "default",
            "mixed",
            "ClusterRole",
            "r",
            &[user_subject("barfoo"), group_subject("foobar"), sa_subject("default", Some("kube-system"))],
        ),
    ]);
    // The username alone (no groups), as in rule_test.go TestAppliesTo.
    let who = user("system:serviceaccount:kube-system:default", &[]);
    assert_allow(&c, &who, &res("get", "", "pods", "", "default"), "F.36");
    assert_reason(
        &c,
        &who,
        &res("get", "", "pods", "", "default"),
        r#"RBAC: allowed by RoleBinding "mixed/default" of ClusterRole "r" to ServiceAccount "default/kube-system""#,
        "F.36",
    );
    assert_allow(&c, &sa("kube-system", "default"), &res("get", "", "pods", "", "default"), "F.36 (with SA groups)");
    assert_deny(&c, &sa("default", "default"), &res("get", "", "pods", "", "default"), "F.36 (default/default)");
}

#[test]
fn f39_rolebinding_sa_subject_without_namespace_defaults_to_binding_namespace() {
    let c = world(&[
        namespace("team"),
        namespace("other"),
        service_account("team", "builder"),
        service_account("other", "builder"),
        role("team", "r", &[rule(&["get"], &[""], &["pods"], &[], &[])]),
        role_binding("team", "rb", "Role", "r", &[sa_subject("builder", None)]),
    ]);
    let r = res("get", "", "pods", "", "team");
    assert_allow(&c, &sa("team", "builder"), &r, "F.39");
    assert_reason(
        &c,
        &sa("team", "builder"),
        &r,
        r#"RBAC: allowed by RoleBinding "rb/team" of Role "r" to ServiceAccount "builder/team""#,
        "F.39",
    );
    assert_deny(&c, &sa("other", "builder"), &r, "F.39 (other/builder)");
}

#[test]
fn f40_clusterrolebinding_sa_subject_without_namespace_never_matches() {
    let c = world(&[
        namespace("team"),
        namespace("default"),
        service_account("team", "builder"),
        service_account("default", "builder"),
        service_account("kube-system", "builder"),
        cluster_role("r", &[rule(&["get", "list"], &[""], &["pods"], &[], &[])]),
        cluster_role_binding("nons", "r", &[sa_subject("builder", None)]),
    ]);
    for (ns, name) in [("team", "builder"), ("default", "builder"), ("kube-system", "builder")] {
        for req_ns in ["team", "default", "kube-system", ""] {
            assert_deny(
                &c,
                &sa(ns, name),
                &res("list", "", "pods", "", req_ns),
                &format!("F.40 {ns}/{name} in {req_ns:?}"),
            );
        }
        assert_deny(
            &c,
            &user(&format!("system:serviceaccount:{ns}:{name}"), &[]),
            &res("get", "", "pods", "", ns),
            "F.40",
        );
    }
    // who-can agrees: no ServiceAccount holds the permission.
    let w = who_can(&c, &res("get", "", "pods", "", "team"), &WhoCanScope::Request);
    let listed: Vec<_> = w.service_accounts.iter().map(|s| (s.namespace.clone(), s.name.clone())).collect();
    assert!(listed.is_empty(), "F.40: who-can lists ServiceAccounts {listed:?}");
}

#[test]
fn f41_user_subject_with_sa_username_matches_the_sa() {
    let c = world(&[
        service_account("team", "builder"),
        service_account("other", "builder"),
        cluster_role("r", &[rule(&["get"], &[""], &["pods"], &[], &[])]),
        cluster_role_binding("alias", "r", &[user_subject("system:serviceaccount:team:builder")]),
    ]);
    assert_allow(&c, &sa("team", "builder"), &res("get", "", "pods", "", "team"), "F.41");
    assert_allow(&c, &sa("team", "builder"), &res("get", "", "pods", "", "other"), "F.41 (cluster-wide)");
    assert_deny(&c, &sa("other", "builder"), &res("get", "", "pods", "", "team"), "F.41 (other/builder)");
}

#[test]
fn f42_namespace_sa_group_matches_only_that_namespace() {
    let c = world(&[
        service_account("team", "a"),
        service_account("other", "a"),
        cluster_role("r", &[rule(&["get"], &[""], &["pods"], &[], &[])]),
        cluster_role_binding("team-sas", "r", &[group_subject("system:serviceaccounts:team")]),
    ]);
    for req_ns in ["team", "other"] {
        let r = res("get", "", "pods", "", req_ns);
        assert_allow(&c, &sa("team", "a"), &r, &format!("F.42 team/a in {req_ns}"));
        assert_allow(&c, &sa("team", "someone"), &r, &format!("F.42 team/someone in {req_ns}"));
        assert_deny(&c, &sa("other", "a"), &r, &format!("F.42 other/a in {req_ns}"));
    }
}

#[test]
fn f43_wrong_case_subject_kind_never_matches() {
    let c = world(&[
        namespace("team"),
        service_account("team", "builder"),
        cluster_role("r", &[rule(&["get"], &[""], &["pods"], &[], &[])]),
        role_binding(
            "team",
            "lower",
            "ClusterRole",
            "r",
            &["{kind: serviceaccount, name: builder, namespace: team}".into()],
        ),
        cluster_role_binding("lower", "r", &["{kind: serviceaccount, name: builder, namespace: team}".into()]),
    ]);
    for req_ns in ["team", ""] {
        let r = res("get", "", "pods", "", req_ns);
        assert_deny(&c, &sa("team", "builder"), &r, &format!("F.43 SA in {req_ns:?}"));
        assert_deny(&c, &user("builder", &[]), &r, &format!("F.43 User builder in {req_ns:?}"));
        assert_deny(&c, &user("system:serviceaccount:team:builder", &[]), &r, &format!("F.43 alias in {req_ns:?}"));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Rows 44-45: who-can (subject_locator_test.go; A.9 subject locator).
// ---------------------------------------------------------------------------------------------------------------

fn who_can_world() -> Cluster {
    world(&[
        cluster_role("admin", &[rule(&["*"], &["*"], &["*"], &[], &["*"])]),
        cluster_role_binding("super", "admin", &[user_subject("super-admin"), group_subject("super-admins")]),
        role_binding("ns1", "admin", "ClusterRole", "admin", &[user_subject("admin"), group_subject("admins")]),
    ])
}

fn subject_list(c: &Cluster, r: &Request) -> Vec<(String, String)> {
    who_can(c, r, &WhoCanScope::Request).subjects.iter().map(|s| (s.kind.clone(), s.name.clone())).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(k, n)| (k.to_string(), n.to_string())).collect()
}

#[test]
fn f44_who_can_in_namespace_lists_masters_cluster_and_namespace_subjects() {
    let c = who_can_world();
    let got = subject_list(&c, &res("get", "", "pods", "", "ns1"));
    assert_eq!(got.first(), Some(&("Group".to_string(), "system:masters".to_string())), "F.44: first subject");
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut want = pairs(&[
        ("Group", "system:masters"),
        ("User", "super-admin"),
        ("Group", "super-admins"),
        ("User", "admin"),
        ("Group", "admins"),
    ]);
    want.sort();
    assert_eq!(got_sorted, want, "F.44: who-can get pods -n ns1 (got in order {got:?})");
}

#[test]
fn f45_who_can_without_namespace_lists_only_masters_and_cluster_subjects() {
    let c = who_can_world();
    for r in [res("get", "", "pods", "", ""), res("*", "", "pods", "", "")] {
        let got = subject_list(&c, &r);
        assert_eq!(got.first(), Some(&("Group".to_string(), "system:masters".to_string())), "F.45: first subject");
        let mut got_sorted = got.clone();
        got_sorted.sort();
        let mut want = pairs(&[("Group", "system:masters"), ("User", "super-admin"), ("Group", "super-admins")]);
        want.sort();
        assert_eq!(got_sorted, want, "F.45: who-can {r:?} (got in order {got:?})");
    }
}
