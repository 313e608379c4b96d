//! The live code path against a stub API server on 127.0.0.1 that misbehaves on purpose: 403, 410 Gone
//! mid-pagination, 500, garbage, a hang, and nothing listening. (The real-cluster tests cover the normal path.)

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use assert_cmd::Command;
use serde_json::{Value, json};
use support::stub::{Reply, Stub, kubeconfig};

fn status(code: u16, reason: &str, message: &str) -> Reply {
    Reply::Json(
        code,
        json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code, "reason": reason, "message": message})
            .to_string(),
    )
}

fn discovery(path: &str) -> Option<Reply> {
    let core = json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "items": [
    {"metadata": {"name": ""}, "versions": [{"version": "v1", "resources": [
        {"resource": "pods", "responseKind": {"group": "", "version": "v1", "kind": "Pod"}, "scope": "Namespaced",
         "singularResource": "pod", "shortNames": ["po"], "verbs": ["get", "list"], "subresources": [{"subresource": "log"}]},
        {"resource": "secrets", "responseKind": {"group": "", "version": "v1", "kind": "Secret"}, "scope": "Namespaced",
         "singularResource": "secret", "verbs": ["get", "list"]}
    ]}]}]});
    match path {
        "/api" => Some(Reply::Json(200, core.to_string())),
        "/apis" => Some(Reply::Json(200, json!({"kind": "APIGroupDiscoveryList", "items": []}).to_string())),
        _ => None,
    }
}

fn list(items: Vec<Value>, continue_token: &str) -> Reply {
    Reply::Json(
        200,
        json!({"kind": "List", "apiVersion": "v1", "metadata": {"continue": continue_token}, "items": items})
            .to_string(),
    )
}

fn sa_item(ns: &str, name: &str) -> Value {
    json!({"metadata": {"namespace": ns, "name": name, "uid": format!("uid-{name}")}})
}

/// A healthy world: pods readable by group system:serviceaccounts:team; three SAs paged one per page.
fn healthy(target: &str) -> Reply {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if let Some(r) = discovery(path) {
        return r;
    }
    // A namespaced collection (`BASE/namespaces/NS/RESOURCE`): the items of NS from the all-namespaces list.
    if let Some((base, rest)) = path.split_once("/namespaces/")
        && let Some((ns, resource)) = rest.split_once('/')
    {
        return match healthy(&format!("{base}/{resource}?{query}")) {
            Reply::Json(200, body) => {
                let mut list: Value = serde_json::from_str(&body).expect("stub JSON");
                if let Some(items) = list["items"].as_array_mut() {
                    items.retain(|i| i["metadata"]["namespace"] == ns);
                }
                Reply::Json(200, list.to_string())
            }
            other => other,
        };
    }
    let cont = query.split('&').find_map(|kv| kv.strip_prefix("continue=")).unwrap_or("");
    match path {
        // One Namespace object (who-can without -A reads only the namespace it answers for).
        "/api/v1/namespaces/team" | "/api/v1/namespaces/other" => Reply::Json(
            200,
            json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": &path["/api/v1/namespaces/".len()..]}})
                .to_string(),
        ),
        "/api/v1/serviceaccounts" => match cont {
            "" => list(vec![sa_item("team", "a")], "page2"),
            "page2" => list(vec![sa_item("team", "b")], "page3"),
            "page3" => list(vec![sa_item("other", "c")], ""),
            _ => status(410, "Expired", "continue token expired"),
        },
        "/api/v1/namespaces" => {
            list(vec![json!({"metadata": {"name": "team"}}), json!({"metadata": {"name": "other"}})], "")
        }
        "/apis/rbac.authorization.k8s.io/v1/clusterroles" => list(
            vec![
                json!({"metadata": {"name": "pod-reader"}, "rules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}]}),
            ],
            "",
        ),
        "/apis/rbac.authorization.k8s.io/v1/rolebindings" => list(
            vec![json!({"metadata": {"name": "readers", "namespace": "team"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "pod-reader"},
                "subjects": [{"kind": "Group", "name": "system:serviceaccounts:team"}]})],
            "",
        ),
        "/apis/rbac.authorization.k8s.io/v1/roles" | "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings" => {
            list(vec![], "")
        }
        _ => status(404, "NotFound", "the server could not find the requested resource"),
    }
}

fn run(kubeconfig_dir: &tempfile::TempDir, url: &str, args: &[&str]) -> (i32, String, String) {
    let kc = kubeconfig(kubeconfig_dir.path(), url, "team");
    let out = Command::cargo_bin("kubectl-sa")
        .unwrap()
        .env("KUBECONFIG", &kc)
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("http_proxy")
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line_error(code: i32, stdout: &str, stderr: &str, needle: &str) {
    assert!(code >= 2, "exit {code}, stderr {stderr}");
    assert!(stdout.is_empty(), "nothing partial on stdout: {stdout}");
    assert!(stderr.starts_with("error: ") && stderr.trim_end().lines().count() == 1, "one line: {stderr}");
    assert!(stderr.contains(needle), "{stderr:?} lacks {needle:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn pages_are_followed_and_an_expired_continue_token_restarts_the_list() {
    let expired_once = Arc::new(AtomicBool::new(false));
    let flag = expired_once.clone();
    let stub = Stub::start(move |target| {
        // The first time page 3 is asked for, its token has expired.
        if target.contains("/api/v1/serviceaccounts")
            && target.contains("continue=page3")
            && !flag.swap(true, Ordering::SeqCst)
        {
            return status(410, "Expired", "The provided continue parameter is too old");
        }
        healthy(target)
    });
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(&dir, &stub.url, &["--chunk-size", "1", "who-can", "get", "pods", "-o", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let names: Vec<&str> =
        v["serviceAccounts"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(v["serviceAccounts"].as_array().unwrap().iter().all(|s| s["exists"] == true));
    let paths = stub.paths();
    assert!(expired_once.load(Ordering::SeqCst), "the 410 was served");
    assert!(paths.iter().any(|p| p.contains("/api/v1/serviceaccounts?limit=1&continue=page2")), "{paths:?}");
    // Restarted from the first page after the 410.
    assert!(paths.iter().filter(|p| *p == "/api/v1/serviceaccounts?limit=1").count() >= 2, "{paths:?}");
    // The context's namespace is the default: team/a can get pods there.
    let (code, _, stderr) = run(&dir, &stub.url, &["explain", "a", "get", "pods"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, _) = run(&dir, &stub.url, &["explain", "other:c", "get", "pods"]);
    assert_eq!(code, 1);
}

#[test]
fn forbidden_lists_name_the_missing_permission() {
    let stub = Stub::start(|target| {
        if target.starts_with("/apis/rbac.authorization.k8s.io/v1/clusterroles") {
            return status(
                403,
                "Forbidden",
                "clusterroles.rbac.authorization.k8s.io is forbidden: User \"bob\" cannot list resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope",
            );
        }
        healthy(target)
    });
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(&dir, &stub.url, &["who-can", "get", "pods"]);
    assert_one_line_error(code, &stdout, &stderr, "refused to list clusterroles.rbac.authorization.k8s.io");
    assert!(stderr.contains("cannot list resource \"clusterroles\""), "{stderr}");
    // A report is refused, not written from what could be read.
    let page = dir.path().join("report.html");
    let (code, stdout, stderr) = run(&dir, &stub.url, &["report", "-A", "--output-file", page.to_str().unwrap()]);
    assert_one_line_error(code, &stdout, &stderr, "refused to list clusterroles.rbac.authorization.k8s.io");
    assert!(!page.exists(), "a page was written from partial data");
}

#[test]
fn server_errors_and_garbage_are_reported() {
    let stub = Stub::start(|target| {
        if target.starts_with("/api/v1/namespaces") {
            return status(500, "InternalError", "etcdserver: request timed out");
        }
        healthy(target)
    });
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(&dir, &stub.url, &["who-can", "get", "pods"]);
    assert_one_line_error(code, &stdout, &stderr, "answered 500 while trying to get namespace \"team\"");
    let (code, stdout, stderr) = run(&dir, &stub.url, &["who-can", "get", "pods", "-A"]);
    assert_one_line_error(code, &stdout, &stderr, "answered 500 while trying to list namespaces");

    let garbage = Stub::start(|target| {
        if target.starts_with("/apis/rbac.authorization.k8s.io/v1/rolebindings") {
            return Reply::Json(200, "<html>proxy login</html>".into());
        }
        healthy(target)
    });
    let (code, stdout, stderr) = run(&dir, &garbage.url, &["explain", "a", "get", "pods"]);
    assert_one_line_error(code, &stdout, &stderr, "not valid Kubernetes JSON");

    let bad_discovery = Stub::start(|target| {
        if target == "/apis" {
            return Reply::Json(200, r#"{"kind":"APIGroupList","groups":[]}"#.into());
        }
        healthy(target)
    });
    let (code, stdout, stderr) = run(&dir, &bad_discovery.url, &["who-can", "get", "pods"]);
    assert_one_line_error(code, &stdout, &stderr, "does not serve aggregated discovery");
}

#[test]
fn commands_on_one_namespace_list_only_its_roles_and_bindings() {
    let stub = Stub::start(healthy);
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(&dir, &stub.url, &["matrix", "a", "-o", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let m: Value = serde_json::from_str(&stdout).unwrap();
    let pods = m["rows"].as_array().unwrap().iter().find(|r| r["resource"] == "pods").unwrap();
    assert_eq!(pods["verbs"]["get"], "yes", "{pods}");
    let paths = stub.paths();
    let rbac = "/apis/rbac.authorization.k8s.io/v1";
    for wanted in [
        format!("{rbac}/namespaces/team/rolebindings?"),
        format!("{rbac}/namespaces/team/roles?"),
        "/api/v1/namespaces/team/serviceaccounts?".to_string(),
        format!("{rbac}/clusterrolebindings?"),
    ] {
        assert!(paths.iter().any(|p| p.starts_with(&wanted)), "{wanted} not in {paths:?}");
    }
    assert!(!paths.iter().any(|p| p.starts_with(&format!("{rbac}/rolebindings"))), "{paths:?}");
    assert!(stub.user_agents().iter().all(|ua| ua.starts_with("kubectl-sa/v")), "{:?}", stub.user_agents());

    // who-can without -A: RoleBindings of the namespace; ServiceAccounts of every namespace (groups expand).
    let stub = Stub::start(healthy);
    let (code, stdout, stderr) = run(&dir, &stub.url, &["who-can", "get", "pods", "-o", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["serviceAccounts"].as_array().unwrap().len(), 2, "{v}");
    let paths = stub.paths();
    assert!(paths.iter().any(|p| p.starts_with(&format!("{rbac}/namespaces/team/rolebindings?"))), "{paths:?}");
    assert!(paths.iter().any(|p| p.starts_with("/api/v1/serviceaccounts?")), "{paths:?}");
    // Only the Namespace object asked about is read, not the list of them all.
    assert!(paths.iter().any(|p| p == "/api/v1/namespaces/team"), "{paths:?}");
    assert!(!paths.iter().any(|p| p.starts_with("/api/v1/namespaces?")), "{paths:?}");
    assert!(v["notes"].as_array().unwrap().is_empty(), "{v}");
    // A namespace that is not there is said so, as when every namespace is listed.
    let (code, stdout, stderr) = run(&dir, &stub.url, &["who-can", "get", "pods", "-n", "gone", "-o", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let notes = v["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("namespace \"gone\" does not exist")), "{v}");

    // With -A, every namespace's.
    let stub = Stub::start(healthy);
    let (code, _, stderr) = run(&dir, &stub.url, &["who-can", "get", "pods", "-A"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stub.paths().iter().any(|p| p.starts_with(&format!("{rbac}/rolebindings?"))), "{:?}", stub.paths());
}

#[test]
fn unreachable_and_hanging_servers_fail_clearly() {
    // Nothing listens on this port: bind, learn the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(&dir, &format!("http://127.0.0.1:{port}"), &["who-can", "get", "pods"]);
    assert_one_line_error(code, &stdout, &stderr, "cannot reach the API server at http://127.0.0.1");

    let hang =
        Stub::start(|target| if target.starts_with("/api/v1/serviceaccounts") { Reply::Hang } else { healthy(target) });
    let (code, stdout, stderr) = run(&dir, &hang.url, &["--request-timeout", "1s", "who-can", "get", "pods"]);
    assert_one_line_error(code, &stdout, &stderr, "list serviceaccounts");
    assert!(stderr.contains("timed out") || stderr.contains("imeout"), "{stderr}");
    let page = dir.path().join("report.html");
    let (code, stdout, stderr) =
        run(&dir, &hang.url, &["--request-timeout", "1s", "report", "-A", "--output-file", page.to_str().unwrap()]);
    assert_one_line_error(code, &stdout, &stderr, "list serviceaccounts");
    assert!(!page.exists(), "a page was written after a timeout");
}

#[test]
fn a_slow_fetch_shows_progress_on_a_terminal_only() {
    let hang =
        Stub::start(|target| if target.starts_with("/api/v1/serviceaccounts") { Reply::Hang } else { healthy(target) });
    let dir = tempfile::tempdir().unwrap();
    // Not a terminal: the error line only.
    let (code, stdout, stderr) = run(&dir, &hang.url, &["--request-timeout", "3s", "who-can", "get", "pods", "-A"]);
    assert_one_line_error(code, &stdout, &stderr, "list serviceaccounts");
    assert!(!stderr.contains("fetching"), "{stderr}");

    // On a terminal (a pty from util-linux `script`), a spinner after a second, cleared before the error.
    let kc = kubeconfig(dir.path(), &hang.url, "team");
    let bin = assert_cmd::cargo::cargo_bin!("kubectl-sa");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{} --request-timeout 3s who-can get pods -A", bin.display()), "/dev/null"])
        .env("KUBECONFIG", &kc)
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .output()
        .expect("util-linux script runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains(&format!("fetching from {}", hang.url)), "{screen}");
    assert!(screen.contains("objects"), "{screen}");
    assert!(screen.contains("error: "), "{screen}");
}
