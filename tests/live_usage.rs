//! `usage` on a real audit log: a cluster started with an audit policy (Metadata level), requests made as
//! ServiceAccounts with TokenRequest tokens, then the report, and --suggest applied to fresh ServiceAccounts and
//! judged by SubjectAccessReview.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::cluster::{OwnedCluster, TestCluster};
use support::review::{allowed, runtime, sa_review};

/// A client that authenticates with `token` (a ServiceAccount's) instead of the admin's.
async fn client_with_token(c: &TestCluster, token: &str) -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(&c.kubeconfig).unwrap();
    let mut config = kube::Config::from_custom_kubeconfig(kc, &Default::default()).await.unwrap();
    config.auth_info = Default::default();
    config.headers.push((http::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap()));
    kube::Client::try_from(config).unwrap()
}

async fn call(client: &kube::Client, method: &str, path: &str, body: Option<Value>) -> u16 {
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(body.map(|b| b.to_string().into_bytes()).unwrap_or_default())
        .unwrap();
    match client.request::<Value>(req).await {
        Ok(_) => 200,
        Err(kube::Error::Api(s)) => s.code,
        Err(e) => panic!("{method} {path}: {e}"),
    }
}

fn usage_json(c: &TestCluster, args: &[&str]) -> (i32, Value, String) {
    let out = c.kubectl_sa().arg("usage").args(args).args(["-o", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), v, stderr)
}

fn sa_report<'a>(v: &'a Value, ns: &str, name: &str) -> &'a Value {
    v["serviceAccounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["namespace"] == ns && s["name"] == name)
        .unwrap_or_else(|| panic!("{ns}/{name} not in {v}"))
}

fn find_request<'a>(sa: &'a Value, verb: &str, resource: &str, forbidden: bool) -> &'a Value {
    sa["byRequest"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["verb"] == verb && r["resource"] == resource && r["forbidden"] == forbidden)
        .unwrap_or_else(|| panic!("no {verb} {resource} (forbidden={forbidden}) in {}", sa["byRequest"]))
}

#[test]
fn usage_reports_what_service_accounts_did_and_suggest_is_least_privilege() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = tmp.path().join("audit-policy.yaml");
    std::fs::write(
        &policy,
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n",
    )
    .unwrap();
    let log = tmp.path().join("audit.log");
    let owned =
        OwnedCluster::start(&format!("--audit-policy-file={} --audit-log-path={}", policy.display(), log.display()));
    let c = &owned.cluster;
    for ns in ["usage-a", "usage-b"] {
        c.kubectl_ok(&["create", "namespace", ns], None);
    }
    for sa in ["reader", "writer", "reader2", "writer2"] {
        c.kubectl_ok(&["create", "serviceaccount", sa, "-n", "usage-a"], None);
    }
    c.kubectl_ok(
        &[
            "create",
            "rolebinding",
            "reader-view",
            "--clusterrole=view",
            "--serviceaccount=usage-a:reader",
            "-n",
            "usage-a",
        ],
        None,
    );
    c.kubectl_ok(
        &[
            "create",
            "rolebinding",
            "writer-edit",
            "--clusterrole=edit",
            "--serviceaccount=usage-a:writer",
            "-n",
            "usage-a",
        ],
        None,
    );
    c.kubectl_ok(&["create", "clusterrole", "node-reader", "--verb=get,list,watch", "--resource=nodes"], None);
    c.kubectl_ok(
        &[
            "create",
            "clusterrolebinding",
            "reader-nodes",
            "--clusterrole=node-reader",
            "--serviceaccount=usage-a:reader",
        ],
        None,
    );
    for cm in ["cm1", "cm2"] {
        c.kubectl_ok(&["create", "configmap", cm, "-n", "usage-a", "--from-literal=k=v"], None);
    }
    let reader_token = c.kubectl_ok(&["create", "token", "reader", "-n", "usage-a"], None).trim().to_string();
    let writer_token = c.kubectl_ok(&["create", "token", "writer", "-n", "usage-a"], None).trim().to_string();

    let rt = runtime();
    rt.block_on(async {
        let reader = client_with_token(c, &reader_token).await;
        let writer = client_with_token(c, &writer_token).await;
        assert_eq!(call(&reader, "GET", "/api/v1/namespaces/usage-a/pods", None).await, 200);
        assert_eq!(call(&reader, "GET", "/api/v1/namespaces/usage-a/pods", None).await, 200);
        assert_eq!(call(&reader, "GET", "/api/v1/namespaces/usage-a/configmaps/cm1", None).await, 200);
        assert_eq!(call(&reader, "GET", "/api/v1/namespaces/usage-a/secrets", None).await, 403);
        assert_eq!(
            call(
                &writer,
                "POST",
                "/api/v1/namespaces/usage-a/configmaps",
                Some(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "made-by-writer"}}))
            )
            .await,
            200
        );
        assert_eq!(call(&writer, "DELETE", "/api/v1/namespaces/usage-a/configmaps/made-by-writer", None).await, 200);
        assert_eq!(call(&writer, "GET", "/api/v1/nodes", None).await, 403);
    });
    // The log backend writes each event as the request completes: wait until the last one is there.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("\"/api/v1/nodes\"") {
        assert!(Instant::now() < deadline, "the audit log never recorded the requests");
        std::thread::sleep(Duration::from_millis(200));
    }
    let log_arg = log.display().to_string();
    // KUBECTL_SA_KEEP_AUDIT_LOG=PATH keeps a copy (how examples/audit.log was made).
    if let Some(keep) = std::env::var_os("KUBECTL_SA_KEEP_AUDIT_LOG") {
        std::fs::copy(&log, keep).unwrap();
    }

    let (code, v, stderr) = usage_json(c, &["--audit-log", &log_arg]);
    assert_eq!(code, 0, "{stderr}");
    let reader = sa_report(&v, "usage-a", "reader");
    let pods = find_request(reader, "list", "pods", false);
    assert_eq!((pods["count"].as_u64(), pods["namespace"].as_str()), (Some(2), Some("usage-a")));
    let cm = find_request(reader, "get", "configmaps", false);
    assert_eq!(cm["names"], json!(["cm1"]));
    let secrets = find_request(reader, "list", "secrets", true);
    assert!(secrets["explain"]["forbiddenMessage"].as_str().unwrap().contains("cannot list resource \"secrets\""));
    assert!(
        reader["credentialIds"][0].as_str().unwrap().starts_with("JTI="),
        "bound tokens carry their credential id: {reader}"
    );
    assert_eq!(reader["forbidden"], 1);
    // Grants against use: view's rules for pods and configmaps are used; node-reader's nodes rule is not.
    let grants = reader["grants"].as_array().unwrap();
    assert!(grants.iter().any(|g| g["binding"]["name"] == "reader-view" && g["used"] == true));
    assert!(grants.iter().any(|g| g["binding"]["name"] == "reader-nodes" && g["used"] == false));
    assert!(reader["unusedBindings"].as_array().unwrap().iter().any(|b| b["name"] == "reader-nodes"));
    let writer = sa_report(&v, "usage-a", "writer");
    // A create is authorized without a name, whatever the audit objectRef says.
    let create = find_request(writer, "create", "configmaps", false);
    assert_eq!((create["names"].clone(), create["unnamed"].clone()), (json!([]), json!(true)));
    assert_eq!(find_request(writer, "delete", "configmaps", false)["names"], json!(["made-by-writer"]));
    find_request(writer, "list", "nodes", true);

    // One ServiceAccount, a window that excludes everything, offline.
    let (_, v, _) = usage_json(c, &["usage-a:writer", "--audit-log", &log_arg, "--offline"]);
    assert_eq!(v["serviceAccounts"].as_array().unwrap().len(), 1);
    assert!(v["serviceAccounts"][0].get("grants").is_none());
    let (_, v, _) = usage_json(c, &["--audit-log", &log_arg, "--until", "2000-01-01T00:00:00Z", "--offline"]);
    assert_eq!(v["eventsCounted"], 0);
    assert!(v["window"]["from"].is_null());

    // --suggest, applied to fresh ServiceAccounts: every observed allowed request is allowed, neighbours are not.
    let (_, v, _) = usage_json(c, &["--audit-log", &log_arg, "--suggest"]);
    let admin = rt.block_on(c.client());
    for (observed, fresh) in [("reader", "reader2"), ("writer", "writer2")] {
        let sa = sa_report(&v, "usage-a", observed);
        let objects: Vec<Value> = sa["suggestion"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                let mut o = o.clone();
                let text = o
                    .to_string()
                    .replace(&format!("\"{observed}\""), &format!("\"{fresh}\""))
                    .replace(&format!("{observed}-observed"), &format!("{fresh}-observed"));
                o = serde_json::from_str(&text).unwrap();
                o
            })
            .collect();
        assert!(objects.iter().all(|o| !o.to_string().contains("\"*\"")), "no wildcards: {objects:?}");
        c.kubectl_ok(
            &["apply", "-f", "-"],
            Some(&json!({"apiVersion": "v1", "kind": "List", "items": objects}).to_string()),
        );
        let until = Instant::now() + Duration::from_secs(10);
        for r in
            sa["byRequest"].as_array().unwrap().iter().filter(|r| r["forbidden"] == false && r["resource"].is_string())
        {
            let (res, sub) =
                r["resource"].as_str().unwrap().split_once('/').unwrap_or((r["resource"].as_str().unwrap(), ""));
            let names: Vec<String> = r["names"]
                .as_array()
                .map(|a| a.iter().map(|n| n.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            for name in if names.is_empty() { vec![String::new()] } else { names } {
                let attrs = json!({"verb": r["verb"], "group": r["group"], "resource": res, "subresource": sub, "namespace": r["namespace"], "name": name});
                while !rt.block_on(allowed(
                    &admin,
                    &sa_review("usage-a", fresh, json!({"resourceAttributes": attrs.clone()})),
                )) {
                    assert!(Instant::now() < until, "{fresh}: suggested grants do not allow {attrs}");
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
    }
    for (fresh, attrs) in [
        ("reader2", json!({"verb": "delete", "resource": "pods", "namespace": "usage-a"})),
        ("reader2", json!({"verb": "list", "resource": "pods", "namespace": "usage-b"})),
        ("reader2", json!({"verb": "get", "resource": "configmaps", "name": "cm2", "namespace": "usage-a"})),
        ("reader2", json!({"verb": "list", "resource": "secrets", "namespace": "usage-a"})),
        ("reader2", json!({"verb": "list", "resource": "nodes"})),
        ("writer2", json!({"verb": "delete", "resource": "configmaps", "name": "cm1", "namespace": "usage-a"})),
        ("writer2", json!({"verb": "create", "resource": "secrets", "namespace": "usage-a"})),
        ("writer2", json!({"verb": "create", "resource": "configmaps", "namespace": "usage-b"})),
    ] {
        assert!(
            !rt.block_on(allowed(&admin, &sa_review("usage-a", fresh, json!({"resourceAttributes": attrs.clone()})))),
            "{fresh} may {attrs}"
        );
    }

    // Bad lines are reported with file and line and skipped; gzip is read; a file that is not an audit log is an error.
    let mut text = std::fs::read_to_string(&log).unwrap();
    text.push_str("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"verb\":\n");
    text.push_str("not json at all\n");
    let damaged = tmp.path().join("damaged.log");
    std::fs::write(&damaged, &text).unwrap();
    let lines = text.lines().count();
    let (code, v, stderr) = usage_json(c, &["--audit-log", damaged.to_str().unwrap(), "--offline"]);
    assert_eq!(code, 0);
    assert!(stderr.contains(&format!("damaged.log:{}: skipped", lines - 1)), "{stderr}");
    assert_eq!(v["badLines"].as_array().unwrap().len(), 2);
    let gz = tmp.path().join("audit.log.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::fast());
    enc.write_all(std::fs::read(&log).unwrap().as_slice()).unwrap();
    enc.finish().unwrap();
    let (_, plain, _) = usage_json(c, &["--audit-log", &log_arg, "--offline"]);
    let (_, zipped, _) = usage_json(c, &["--audit-log", gz.to_str().unwrap(), "--offline"]);
    assert_eq!(plain["serviceAccounts"], zipped["serviceAccounts"]);
    let out =
        c.kubectl_sa().args(["usage", "--audit-log", "examples/demo-cluster.yaml", "--offline"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: ") && stderr.contains("is not a Kubernetes audit log"), "{stderr}");
}
