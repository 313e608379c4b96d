//! The binary on snapshot fixtures: the demo cluster and real `kubectl get -o yaml|json` output.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const DEMO: &str = "examples/demo-cluster.yaml";
const REAL_YAML: &str = "tests/fixtures/real/rbac-bootstrap.yaml";
const REAL_JSON: &str = "tests/fixtures/real/rbac-bootstrap.json";

fn sa() -> Command {
    let mut c = Command::cargo_bin("kubectl-sa").expect("binary built by cargo");
    // No kubeconfig of the machine may leak into the tests.
    c.env("KUBECONFIG", "/nonexistent/kubeconfig").env_remove("NO_COLOR");
    c
}

fn json_of(args: &[&str]) -> (Value, i32) {
    let out = sa().args(args).output().expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code().expect("exit code"))
}

fn sa_names(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = v["serviceAccounts"]
        .as_array()
        .expect("serviceAccounts is a list")
        .iter()
        .map(|s| format!("{}/{}", s["namespace"].as_str().unwrap(), s["name"].as_str().unwrap()))
        .collect();
    names.sort();
    names
}

#[test]
fn who_can_lists_direct_and_missing_service_accounts() {
    let (v, code) = json_of(&["-f", DEMO, "who-can", "get", "secrets", "-n", "payments", "-o", "json"]);
    assert_eq!(code, 0);
    assert_eq!(sa_names(&v), ["ci/deployer", "ci/release-bot"]);
    let bot = v["serviceAccounts"].as_array().unwrap().iter().find(|s| s["name"] == "release-bot").unwrap();
    assert_eq!(bot["exists"], false);
    assert_eq!(v["subjects"][0]["name"], "system:masters");
    // The dangling roleRef in payments is reported, not fatal.
    assert!(v["errors"].as_array().unwrap().iter().any(|e| e["binding"]["name"] == "old-batch-runner"));
}

#[test]
fn who_can_with_a_name_includes_resource_names_grants() {
    let (v, _) = json_of(&["-f", DEMO, "who-can", "get", "secrets", "payments-db", "-n", "payments", "-o", "json"]);
    assert_eq!(sa_names(&v), ["ci/deployer", "ci/release-bot", "payments/api"]);
    let (v, _) = json_of(&["-f", DEMO, "who-can", "get", "secrets", "other", "-n", "payments", "-o", "json"]);
    assert_eq!(sa_names(&v), ["ci/deployer", "ci/release-bot"]);
}

#[test]
fn who_can_expands_namespace_groups_and_aggregated_roles() {
    let (v, _) =
        json_of(&["-f", DEMO, "who-can", "list", "refunds.payments.example.com", "-n", "payments", "-o", "json"]);
    // view is aggregated from refunds-view (computed union) and bound to system:serviceaccounts:payments.
    assert_eq!(sa_names(&v), ["ci/deployer", "payments/api", "payments/default", "payments/worker"]);
    let (v, _) = json_of(&["-f", DEMO, "who-can", "create", "pods/exec", "-n", "web", "-o", "json"]);
    assert_eq!(sa_names(&v), ["ci/deployer", "web/default", "web/frontend"]);
}

#[test]
fn who_can_all_namespaces_keeps_role_bindings_with_their_scope() {
    let (v, _) = json_of(&["-f", DEMO, "who-can", "get", "pods/log", "-A", "-o", "json"]);
    assert_eq!(v["allNamespaces"], true);
    let names = sa_names(&v);
    // edit (bound in web) has no pods/log; view (bound in payments) has.
    assert!(!names.contains(&"web/frontend".to_string()));
    for expected in ["monitoring/log-shipper", "payments/api", "ci/deployer"] {
        assert!(names.contains(&expected.to_string()), "{expected} missing from {names:?}");
    }
    let find = |n: &str| v["serviceAccounts"].as_array().unwrap().iter().find(|s| s["name"] == n).unwrap().clone();
    assert_eq!(find("log-shipper")["scopes"], serde_json::json!(["cluster"]));
    assert_eq!(find("api")["scopes"], serde_json::json!(["payments"]));
    assert_eq!(find("log-shipper")["via"][0]["subject"]["kind"], "User");
    // Without -A, the namespace decides.
    let (v, _) = json_of(&["-f", DEMO, "who-can", "get", "pods/log", "-n", "web", "-o", "json"]);
    assert!(!sa_names(&v).contains(&"payments/api".to_string()));
}

#[test]
fn who_can_non_resource_urls_and_cluster_scoped_resources() {
    let (v, _) = json_of(&["-f", DEMO, "who-can", "get", "/metrics", "-o", "json"]);
    assert_eq!(sa_names(&v), ["ci/deployer", "monitoring/prometheus"]);
    assert_eq!(v["request"]["path"], "/metrics");
    let (v, _) = json_of(&["-f", DEMO, "who-can", "get", "/healthz", "-o", "json"]);
    // system:discovery is bound to system:authenticated: every ServiceAccount.
    assert_eq!(sa_names(&v).len(), 11);
    // nodes are cluster-scoped: RoleBindings never count, whatever -n says.
    let (v, _) = json_of(&["-f", DEMO, "who-can", "list", "nodes", "-n", "web", "-o", "json"]);
    assert_eq!(v["request"]["namespace"], "");
    assert_eq!(sa_names(&v), ["ci/deployer", "monitoring/prometheus"]);
}

#[test]
fn resource_name_forms_resolve_like_kubectl() {
    // `pods.v1.` is the fully qualified core form kubectl accepts too.
    for spec in ["pods", "pod", "po", "Pod", "pods.v1."] {
        let (v, code) = json_of(&["-f", DEMO, "who-can", "get", spec, "-n", "web", "-o", "json"]);
        assert_eq!(code, 0, "{spec}");
        assert_eq!(v["request"]["resource"], "pods", "{spec}");
    }
    let (v, _) = json_of(&["-f", DEMO, "who-can", "update", "deployments.apps/scale", "-n", "web", "-o", "json"]);
    assert_eq!(v["request"]["group"], "apps");
    assert_eq!(v["request"]["subresource"], "scale");
    let (v, _) =
        json_of(&["-f", DEMO, "who-can", "update", "deploy", "--subresource", "scale", "-n", "web", "-o", "json"]);
    assert_eq!(v["request"]["subresource"], "scale");
    let (v, _) = json_of(&["-f", DEMO, "who-can", "get", "rf", "-n", "payments", "-o", "json"]);
    assert_eq!(v["request"]["group"], "payments.example.com");
    // namespaces NAME carries namespace NAME.
    let (v, _) = json_of(&["-f", DEMO, "who-can", "get", "namespaces", "web", "-o", "json"]);
    assert_eq!(v["request"]["namespace"], "web");
}

#[test]
fn explain_allowed_denied_and_exit_codes() {
    let (v, code) = json_of(&["-f", DEMO, "explain", "ci:deployer", "delete", "pods", "-n", "payments", "-o", "json"]);
    assert_eq!((v["allowed"].clone(), code), (Value::Bool(true), 0));
    assert_eq!(
        v["user"]["groups"],
        serde_json::json!(["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"])
    );
    assert_eq!(v["authorization"]["grants"].as_array().unwrap().len(), 2);
    assert!(
        v["authorization"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("RBAC: allowed by ClusterRoleBinding \"ci-deployer-admin\"")
    );

    let (v, code) = json_of(&["-f", DEMO, "explain", "payments/api", "get", "secrets", "-n", "payments", "-o", "json"]);
    assert_eq!((v["allowed"].clone(), code), (Value::Bool(false), 1));
    assert_eq!(
        v["forbiddenMessage"],
        "User \"system:serviceaccount:payments:api\" cannot get resource \"secrets\" in API group \"\" in the namespace \"payments\""
    );
    let (v, code) = json_of(&[
        "-f",
        DEMO,
        "explain",
        "system:serviceaccount:payments:api",
        "get",
        "secrets",
        "payments-db",
        "-n",
        "payments",
        "-o",
        "json",
    ]);
    assert_eq!((v["allowed"].clone(), code), (Value::Bool(true), 0));
    // NAME alone takes -n.
    let (v, code) = json_of(&["-f", DEMO, "explain", "frontend", "create", "deployments", "-n", "web", "-o", "json"]);
    assert_eq!((v["allowed"].clone(), code), (Value::Bool(true), 0));
    assert_eq!(v["authorization"]["grants"][0]["subject"]["name"], "system:serviceaccounts:web");
    // -A asks cluster-wide: only ClusterRoleBindings count.
    let (_, code) = json_of(&["-f", DEMO, "explain", "web:frontend", "list", "pods", "-A", "-o", "json"]);
    assert_eq!(code, 1);
}

#[test]
fn explain_reports_a_missing_service_account_and_still_evaluates() {
    let (v, code) =
        json_of(&["-f", DEMO, "explain", "ci:release-bot", "get", "secrets", "-n", "payments", "-o", "json"]);
    assert_eq!(code, 0);
    assert_eq!(v["serviceAccount"]["exists"], false);
    assert_eq!(v["authentication"]["canAuthenticate"], Value::Null);
    assert!(v["authentication"]["verdict"].as_str().unwrap().contains("is not in the snapshot"));
    sa().args(["-f", DEMO, "explain", "ci:release-bot", "get", "secrets", "-n", "payments"])
        .assert()
        .success()
        .stdout(predicate::str::contains("not found"));
}

#[test]
fn explain_text_and_yaml_outputs() {
    sa().args(["-f", DEMO, "explain", "monitoring:log-shipper", "get", "pods/log", "-n", "web"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ALLOWED"))
        .stdout(predicate::str::contains("User \"system:serviceaccount:monitoring:log-shipper\""));
    let out = sa().args(["-f", DEMO, "explain", "web:frontend", "get", "nodes", "-o", "yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("allowed: false"), "{text}");
}

#[test]
fn real_kubectl_yaml_and_json_snapshots_agree() {
    for args in [
        vec!["who-can", "create", "serviceaccounts/token", "-n", "kube-system", "-o", "json"],
        vec!["who-can", "get", "/healthz", "-o", "json"],
        vec!["who-can", "delete", "pods", "-A", "-o", "json"],
        vec!["explain", "kube-system:namespace-controller", "deletecollection", "pods", "-A", "-o", "json"],
    ] {
        let (a, ca) = json_of(&[&["-f", REAL_YAML][..], &args].concat());
        let (b, cb) = json_of(&[&["-f", REAL_JSON][..], &args].concat());
        assert_eq!((ca, &a), (cb, &b), "{args:?}");
    }
    // Bootstrap policy facts: the namespace controller may delete any collection; default SAs may only discover.
    let (v, code) = json_of(&[
        "-f",
        REAL_YAML,
        "explain",
        "kube-system:namespace-controller",
        "deletecollection",
        "pods",
        "-A",
        "-o",
        "json",
    ]);
    assert_eq!((code, v["allowed"].clone()), (0, Value::Bool(true)));
    let (_, code) = json_of(&["-f", REAL_YAML, "explain", "default:default", "list", "secrets", "-o", "json"]);
    assert_eq!(code, 1);
    let (_, code) = json_of(&["-f", REAL_YAML, "explain", "default:default", "get", "/version", "-o", "json"]);
    assert_eq!(code, 0);
}

#[test]
fn a_directory_and_stdin_are_snapshots_too() {
    let (v, _) = json_of(&["-f", "examples", "who-can", "get", "/metrics", "-o", "json"]);
    assert_eq!(sa_names(&v), ["ci/deployer", "monitoring/prometheus"]);
    let demo = std::fs::read_to_string(DEMO).unwrap();
    let out = sa().args(["-f", "-", "who-can", "get", "/metrics", "-o", "json"]).write_stdin(demo).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sa_names(&v), ["ci/deployer", "monitoring/prometheus"]);
}

fn fails_with(args: &[&str], needle: &str) {
    let out = sa().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code().unwrap() >= 2, "{args:?}: exit {:?}", out.status.code());
    assert!(stderr.contains(needle), "{args:?}: stderr {stderr:?} lacks {needle:?}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: error must be one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: nothing partial on stdout");
}

/// Succeeds with exactly one warning line on stderr.
fn warns_with(args: &[&str], needle: &str) {
    let out = sa().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: stderr {stderr:?} lacks {needle:?}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: one warning line: {stderr}");
    assert!(stderr.starts_with("warning: "), "{stderr}");
    assert!(!out.stdout.is_empty(), "{args:?}: the answer is printed");
}

#[test]
fn bad_input_gives_one_line_errors() {
    fails_with(
        &["-f", "tests/fixtures/bad/malformed.yaml", "who-can", "get", "pods"],
        "malformed.yaml:16:12: invalid YAML: did not find expected ',' or ']', while parsing a flow sequence",
    );
    fails_with(
        &["-f", "tests/fixtures/bad/roleref-kind.yaml", "who-can", "get", "pods"],
        "roleRef kind \"Group\" is invalid",
    );
    fails_with(
        &["-f", "tests/fixtures/bad/no-kind.yaml", "who-can", "get", "pods"],
        "no-kind.yaml:1: document has no `kind`",
    );
    fails_with(&["-f", "does/not/exist.yaml", "who-can", "get", "pods"], "cannot read does/not/exist.yaml");
    // What the catalogue does not know is answered literally, with one warning (tests/request_grammar.rs).
    warns_with(&["-f", DEMO, "who-can", "get", "podz"], "doesn't have a resource type \"podz\"");
    warns_with(&["-f", DEMO, "who-can", "get", "pods/logs"], "has no subresource \"logs\"");
    warns_with(&["-f", DEMO, "who-can", "gett", "pods"], "literal verb");
    warns_with(&["-f", DEMO, "who-can", "GET", "pods"], "did you mean \"get\"");
    fails_with(&["-f", DEMO, "explain", "a:b:c", "get", "pods"], "invalid ServiceAccount");
    fails_with(&["-f", DEMO, "who-can", "", "pods"], "the verb is empty");
    fails_with(&["-f", DEMO, "who-can", "get", "pods/log", "--subresource", "log"], "subresource is given twice");
    fails_with(&["-f", DEMO, "who-can", "get", "/healthz", "x"], "takes no NAME");
    fails_with(&["who-can", "get", "pods"], "kubeconfig");
    fails_with(&["-f", DEMO, "who-can", "get", "pods", "--request-timeout", "soon"], "invalid --request-timeout");
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    sa().arg("who-can").assert().code(2).stderr(predicate::str::contains("Usage: kubectl sa who-can"));
    sa().args(["--help"]).assert().success().stdout(predicate::str::contains("who-can"));
    sa().args(["explain", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit status: 0 allowed, 1 denied"));
    sa().arg("version").assert().success().stdout(predicate::str::starts_with("kubectl-sa 0.1.0"));
}

#[test]
fn color_only_when_asked_and_never_in_json() {
    let esc = predicate::str::contains("\u{1b}[");
    sa().args(["-f", DEMO, "--color", "always", "who-can", "get", "pods", "-n", "web"]).assert().stdout(esc.clone());
    sa().args(["-f", DEMO, "who-can", "get", "pods", "-n", "web"]).assert().stdout(esc.clone().not());
    sa().args(["-f", DEMO, "--color", "never", "who-can", "get", "pods", "-n", "web"])
        .assert()
        .stdout(esc.clone().not());
    sa().args(["-f", DEMO, "--color", "always", "who-can", "get", "pods", "-n", "web", "-o", "json"])
        .assert()
        .stdout(esc.clone().not());
    sa().args(["-f", DEMO, "--color", "auto", "who-can", "get", "pods", "-n", "web"])
        .env("NO_COLOR", "1")
        .assert()
        .stdout(esc.not());
}

#[test]
fn wide_output_shows_the_rule() {
    sa().args(["-f", DEMO, "who-can", "get", "secrets", "payments-db", "-n", "payments", "-o", "wide"])
        .assert()
        .success()
        .stdout(predicate::str::contains("RULE"))
        .stdout(predicate::str::contains("resourceNames=[payments-db]"));
}

#[test]
fn kinds_not_needed_are_skipped_and_counted() {
    let input = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: x, namespace: default}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: p, namespace: default}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: y, namespace: default}\n";
    let out = sa().args(["-f", "-", "who-can", "get", "pods", "-o", "json"]).write_stdin(input).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "skipped 3 objects of kinds not needed (ConfigMap: 1, Deployment: 2)"),
        "{v}"
    );
}

#[test]
fn explain_authentication_stage_reports_pods_tokens_and_cloud_identity() {
    let (v, _) = json_of(&["-f", DEMO, "explain", "ci:deployer", "get", "pods", "-n", "ci", "-o", "json"]);
    let a = &v["authentication"];
    assert_eq!(a["canAuthenticate"], true);
    assert_eq!(a["pods"][0]["name"], "deploy-job-29411-7xk2p");
    assert_eq!(a["pods"][0]["automount"], true);
    assert_eq!(a["legacyTokens"][0]["secret"], "deployer-token");
    assert_eq!(a["legacyTokens"][0]["lastUsed"], "2026-11-20");
    assert!(a["warnings"][0].as_str().unwrap().contains("never expires"));
    let (v, _) = json_of(&["-f", DEMO, "explain", "payments:api", "get", "pods", "-n", "payments", "-o", "json"]);
    assert_eq!(v["authentication"]["cloudIdentities"][0]["provider"], "aws-irsa");
    assert_eq!(v["authentication"]["cloudIdentities"][0]["identity"], "arn:aws:iam::111122223333:role/payments-api");
    // The pod's automountServiceAccountToken wins over the ServiceAccount's.
    let (v, _) = json_of(&["-f", DEMO, "explain", "payments:worker", "get", "pods", "-n", "payments", "-o", "json"]);
    assert_eq!(v["authentication"]["pods"][0]["automount"], false);
    assert_eq!(v["authentication"]["pods"][0]["automountSource"], "pod");
    // Pods without serviceAccountName run as default: a shared identity.
    let (v, _) = json_of(&["-f", DEMO, "explain", "web:default", "get", "pods", "-n", "web", "-o", "json"]);
    assert_eq!(v["authentication"]["pods"][0]["name"], "frontend-5b7d9c-abcde");
    assert!(
        v["authentication"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("default ServiceAccount"))
    );
    // Secret data is never read or printed.
    let out =
        sa().args(["-f", DEMO, "explain", "ci:deployer", "get", "pods", "-n", "ci", "-o", "yaml"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("data"));
}

#[test]
fn explain_near_misses_are_ranked_and_name_the_dimension() {
    let (v, code) =
        json_of(&["-f", DEMO, "explain", "payments:worker", "get", "secrets", "-n", "payments", "-o", "json"]);
    assert_eq!(code, 1);
    let misses = v["authorization"]["nearMisses"].as_array().unwrap();
    // The binding naming the SA directly comes first: its roleRef dangles.
    assert_eq!(misses[0]["binding"]["name"], "old-batch-runner");
    assert_eq!(misses[0]["dimension"], "roleRef");
    assert_eq!(misses[0]["reaches"], "directly");
    // Then the group binding whose view rule misses only on the resource.
    assert!(
        misses.iter().any(|m| m["binding"]["name"] == "payments-view"
            && m["dimension"] == "resource"
            && m["reaches"] == "group")
    );

    // resourceNames never match a request without a name.
    let (v, _) = json_of(&["-f", DEMO, "explain", "payments:api", "get", "secrets", "-n", "payments", "-o", "json"]);
    let m = &v["authorization"]["nearMisses"][0];
    assert_eq!(
        (m["dimension"].as_str(), m["binding"]["name"].as_str()),
        (Some("resourceName"), Some("api-db-credentials"))
    );
    assert!(m["message"].as_str().unwrap().contains("without a name can never match"), "{m}");

    // A RoleBinding in another namespace grants it: the namespace is the one dimension.
    let (v, _) =
        json_of(&["-f", DEMO, "explain", "web:frontend", "create", "pods/exec", "-n", "payments", "-o", "json"]);
    let m = &v["authorization"]["nearMisses"][0];
    assert_eq!((m["dimension"].as_str(), m["binding"]["name"].as_str()), (Some("namespace"), Some("web-edit")));

    // Verb and subresource.
    let (v, _) = json_of(&[
        "-f",
        DEMO,
        "explain",
        "payments:worker",
        "delete",
        "refunds.payments.example.com",
        "-n",
        "payments",
        "-o",
        "json",
    ]);
    assert!(
        v["authorization"]["nearMisses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["dimension"] == "verb" && m["binding"]["name"] == "worker-refunds")
    );
    let (v, _) = json_of(&["-f", DEMO, "explain", "monitoring:prometheus", "get", "nodes/proxy", "-o", "json"]);
    assert!(v["authorization"]["nearMisses"].as_array().unwrap().iter().any(|m| m["dimension"] == "subresource"));

    // A subject naming the SA in the wrong namespace.
    let wrong_ns = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: [{verbs: [get], apiGroups: [\"\"], resources: [pods]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}\nsubjects: [{kind: ServiceAccount, name: builder, namespace: team-b}, {kind: serviceaccount, name: builder, namespace: team-a}]\n";
    let out = sa()
        .args(["-f", "-", "explain", "team-a:builder", "get", "pods", "-n", "x", "-o", "json"])
        .write_stdin(wrong_ns)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let msgs: Vec<&str> =
        v["authorization"]["nearMisses"].as_array().unwrap().iter().map(|m| m["message"].as_str().unwrap()).collect();
    assert!(msgs.iter().any(|m| m.contains("in namespace \"team-b\", not \"team-a\"")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("is not \"ServiceAccount\" (kinds are case-sensitive)")), "{msgs:?}");
}

#[test]
fn explain_fix_prints_least_privilege_yaml() {
    let out = sa()
        .args(["-f", DEMO, "explain", "payments:api", "list", "secrets", "-n", "payments", "--fix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let docs: Vec<Value> = parse_yaml_stream(&text);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["kind"], "Role");
    assert_eq!(docs[0]["metadata"]["namespace"], "payments");
    assert_eq!(docs[0]["rules"], serde_json::json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]));
    assert_eq!(docs[1]["kind"], "RoleBinding");
    assert_eq!(
        docs[1]["subjects"],
        serde_json::json!([{"kind": "ServiceAccount", "name": "api", "namespace": "payments"}])
    );
    // The fixed world allows the request: feed it back with the demo.
    let tmp = tempfile::tempdir().unwrap();
    let fix = tmp.path().join("fix.yaml");
    std::fs::write(&fix, &text).unwrap();
    let (v, code) = json_of(&[
        "-f",
        DEMO,
        "-f",
        fix.to_str().unwrap(),
        "explain",
        "payments:api",
        "list",
        "secrets",
        "-n",
        "payments",
        "-o",
        "json",
    ]);
    assert_eq!((code, v["allowed"].clone()), (0, Value::Bool(true)));
    // Cluster-wide and non-resource requests get a ClusterRole and ClusterRoleBinding.
    let out = sa().args(["-f", DEMO, "explain", "payments:api", "get", "/logs/kubelet", "--fix"]).output().unwrap();
    let docs = parse_yaml_stream(&String::from_utf8(out.stdout).unwrap());
    assert_eq!((docs[0]["kind"].as_str(), docs[1]["kind"].as_str()), (Some("ClusterRole"), Some("ClusterRoleBinding")));
    assert_eq!(docs[0]["rules"][0]["nonResourceURLs"], serde_json::json!(["/logs/kubelet"]));
    // Already allowed: nothing to fix.
    sa().args(["-f", DEMO, "explain", "ci:deployer", "get", "pods", "--fix"])
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing to fix"));
}

/// Parses a multi-document YAML stream with the binary's own snapshot reader semantics (via kubectl-sa is
/// overkill here): split on `---` and parse each document as JSON-compatible YAML through serde_json.
fn parse_yaml_stream(text: &str) -> Vec<Value> {
    text.split("---\n").filter(|d| !d.trim().is_empty()).map(|d| yaml_serde::from_str(d).expect("valid YAML")).collect()
}

fn row<'a>(v: &'a Value, resource: &str) -> &'a Value {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == resource)
        .unwrap_or_else(|| panic!("no row {resource}"))
}

#[test]
fn matrix_for_a_service_account() {
    let (v, code) = json_of(&["-f", DEMO, "matrix", "payments:api", "-n", "payments", "--subresources", "-o", "json"]);
    assert_eq!(code, 0);
    assert_eq!(v["namespace"], "payments");
    let secrets = row(&v, "secrets");
    assert_eq!(secrets["group"], "");
    assert_eq!(secrets["verbs"]["get"], "some");
    assert_eq!(secrets["names"]["get"], serde_json::json!(["payments-db"]));
    assert_eq!(secrets["verbs"]["list"], "no");
    assert_eq!(row(&v, "pods")["verbs"]["get"], "yes");
    assert_eq!(row(&v, "pods/log")["verbs"]["get"], "yes");
    assert_eq!(row(&v, "pods/exec")["verbs"]["create"], "no");
    assert_eq!(row(&v, "deployments/scale")["verbs"]["get"], "yes");
    assert_eq!(row(&v, "refunds")["group"], "payments.example.com");
    assert_eq!(row(&v, "refunds")["verbs"]["watch"], "yes");
    assert_eq!(row(&v, "nodes")["verbs"]["get"], "no");
    let urls: Vec<&str> = v["nonResourceUrls"].as_array().unwrap().iter().map(|u| u["url"].as_str().unwrap()).collect();
    assert!(urls.contains(&"/healthz"));
    // Another namespace: the RoleBindings of payments do not count.
    let (v, _) = json_of(&["-f", DEMO, "matrix", "payments:api", "-n", "web", "-o", "json"]);
    assert_eq!(row(&v, "pods")["verbs"]["get"], "no");
    // -A says where.
    let (v, _) = json_of(&["-f", DEMO, "matrix", "ci:deployer", "-A", "--verbs", "get,create", "-o", "json"]);
    assert_eq!(v["verbs"], serde_json::json!(["get", "create"]));
    assert_eq!(row(&v, "pods")["where"]["create"], serde_json::json!(["cluster"]));
    let (v, _) = json_of(&["-f", DEMO, "matrix", "web:frontend", "-A", "-o", "json"]);
    assert_eq!(row(&v, "secrets")["where"]["get"], serde_json::json!(["web"]));
    // Special verbs only where they apply.
    let (v, _) = json_of(&["-f", DEMO, "matrix", "ci:deployer", "--verbs", "all", "-o", "json"]);
    assert_eq!(row(&v, "users")["verbs"]["impersonate"], "yes");
    assert!(row(&v, "users")["verbs"].get("get").is_some());
    assert!(row(&v, "pods")["verbs"].get("impersonate").is_none());
    assert_eq!(row(&v, "clusterroles")["verbs"]["escalate"], "yes");
}

#[test]
fn matrix_for_a_resource_lists_service_accounts() {
    let (v, code) = json_of(&["-f", DEMO, "matrix", "-n", "payments", "--resource", "secrets", "-o", "json"]);
    assert_eq!(code, 0);
    let names: Vec<String> = v["serviceAccounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}/{}", s["namespace"].as_str().unwrap(), s["name"].as_str().unwrap()))
        .collect();
    assert_eq!(names, ["ci/deployer", "payments/api"]);
    assert_eq!(v["serviceAccounts"][1]["verbs"]["get"], "some");
    let (v, _) = json_of(&["-f", DEMO, "matrix", "-n", "payments", "--resource", "secrets", "--all-sas", "-o", "json"]);
    assert_eq!(v["serviceAccounts"].as_array().unwrap().len(), 11);
    // Through a group: every SA of web edits pods there.
    let (v, _) = json_of(&["-f", DEMO, "matrix", "-n", "web", "--resource", "pods/exec", "-o", "json"]);
    let names: Vec<&str> =
        v["serviceAccounts"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["deployer", "default", "frontend"]);
}

#[test]
fn matrix_of_every_service_account_of_a_namespace_equals_each_one_alone() {
    let (all, code) = json_of(&["-f", DEMO, "matrix", "--all-sas", "-n", "payments", "--verbs", "all", "-o", "json"]);
    assert_eq!(code, 0);
    assert_eq!(all["namespace"], "payments");
    let matrices = all["matrices"].as_array().unwrap();
    let names: Vec<&str> = matrices.iter().map(|m| m["serviceAccount"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["api", "default", "worker"]);
    for m in matrices {
        let sa = format!("payments:{}", m["serviceAccount"]["name"].as_str().unwrap());
        let (one, _) = json_of(&["-f", DEMO, "matrix", &sa, "-n", "payments", "--verbs", "all", "-o", "json"]);
        assert_eq!(*m, one, "{sa}");
    }
    let text = sa().args(["-f", DEMO, "matrix", "--all-sas", "-n", "payments"]).assert().success();
    let out = String::from_utf8_lossy(&text.get_output().stdout).into_owned();
    assert_eq!(out.matches("What payments/").count(), 3, "{out}");
    // A ServiceAccount and --all-sas together, or neither with --all-sas nor --resource, are usage errors.
    sa().args(["-f", DEMO, "matrix", "payments:api", "--all-sas"]).assert().code(2);
    sa().args(["-f", DEMO, "matrix", "-n", "payments"]).assert().code(2);
}

#[test]
fn matrix_text_uses_icons_on_color_and_words_otherwise() {
    sa().args(["-f", DEMO, "matrix", "payments:api", "-n", "payments"])
        .assert()
        .success()
        .stdout(predicate::str::contains("some"))
        .stdout(predicate::str::contains("✔").not());
    sa().args(["-f", DEMO, "--color", "always", "matrix", "payments:api", "-n", "payments"])
        .assert()
        .success()
        .stdout(predicate::str::contains("✔"))
        .stdout(predicate::str::contains("◐"));
    sa().args(["-f", DEMO, "matrix", "payments:api", "-n", "payments", "-o", "wide"])
        .assert()
        .stdout(predicate::str::contains("some payments-db"));
    fails_with(&["-f", DEMO, "matrix", "payments:api", "--verbs", "get, list"], "invalid --verbs entry");
    warns_with(&["-f", DEMO, "matrix", "-n", "x", "--resource", "podz"], "doesn't have a resource type");
}

#[test]
fn bindings_tree_json_dot_and_mermaid() {
    let (v, code) = json_of(&["-f", DEMO, "bindings", "payments:worker", "-o", "json"]);
    assert_eq!(code, 0);
    let bindings = v["bindings"].as_array().unwrap();
    let how = |name: &str| bindings.iter().find(|b| b["binding"]["name"] == name).unwrap()["how"].clone();
    assert_eq!(how("worker-refunds"), "directly");
    assert_eq!(how("payments-view"), "group");
    assert_eq!(how("system:discovery"), "group");
    let dangling = bindings.iter().find(|b| b["binding"]["name"] == "old-batch-runner").unwrap();
    assert_eq!(dangling["roleFound"], false);
    let (v, _) = json_of(&["-f", DEMO, "bindings", "monitoring:log-shipper", "-o", "json"]);
    assert!(v["bindings"].as_array().unwrap().iter().any(|b| b["how"] == "user-alias"));

    let dot = sa().args(["-f", DEMO, "bindings", "payments:worker", "-o", "dot"]).output().unwrap();
    let dot = String::from_utf8(dot.stdout).unwrap();
    assert!(dot.starts_with("digraph bindings {") && dot.trim_end().ends_with('}'), "{dot}");
    assert!(dot.contains("style=dashed, color=red"), "dangling role drawn dashed");
    let mermaid = sa().args(["-f", DEMO, "bindings", "payments:worker", "-o", "mermaid"]).output().unwrap();
    let mermaid = String::from_utf8(mermaid.stdout).unwrap();
    assert!(mermaid.starts_with("graph LR"));
    assert!(mermaid.contains("(missing)"));
    sa().args(["-f", DEMO, "bindings", "payments:worker"])
        .assert()
        .success()
        .stdout(predicate::str::contains("└─ Role/payments/batch-runner [dangling"));
}
