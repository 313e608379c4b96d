//! `audit`, `list` and `token inspect` on the real test cluster (tests/cluster/up.sh).
//!
//! - The bootstrap policy alone (the objects labelled kubernetes.io/bootstrapping=rbac-defaults, so objects other
//!   test binaries leave behind do not count) gives the expected findings for the system ServiceAccounts, and a
//!   fresh namespace's `default` ServiceAccount gets nothing beyond hygiene (SA-24, LOW).
//! - Every permission a finding reports is allowed by the API server's SubjectAccessReview for that ServiceAccount,
//!   in the finding's scope (for its names when the finding is narrowed).
//! - The binary live: audit, list, and token inspect of a real TokenRequest token.

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::cluster::{TestCluster, shared};
use support::review::{allowed, runtime, sa_review};

/// A namespace of our own, with its default ServiceAccount created by the controller manager.
fn fresh_namespace(c: &TestCluster, what: &str) -> String {
    let ns = format!("audit-{what}-{}", std::process::id());
    c.kubectl_ok(&["create", "namespace", &ns], None);
    let deadline = Instant::now() + Duration::from_secs(60);
    while c
        .kubectl()
        .args(["get", "serviceaccount", "default", "-n", &ns])
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        assert!(Instant::now() < deadline, "the default ServiceAccount of {ns} did not appear in 60 s");
        std::thread::sleep(Duration::from_millis(200));
    }
    ns
}

fn run_json(c: &TestCluster, args: &[&str]) -> Value {
    let out = c.kubectl_sa().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "kubectl-sa {args:?}: {}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn findings_of<'a>(v: &'a Value, ns: &str, name: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["serviceAccount"]["namespace"] == ns && f["serviceAccount"]["name"] == name)
        .collect()
}

fn has(v: &Value, id: &str, ns: &str, name: &str, severity: &str, scope: &str) -> bool {
    findings_of(v, ns, name).iter().any(|f| f["id"] == id && f["severity"] == severity && f["scope"][0] == scope)
}

/// `verb resource[.group][/sub]` -> SubjectAccessReview resourceAttributes (without namespace and name).
fn attributes(permission: &str) -> Option<Value> {
    let (verb, target) = permission.split_once(' ')?;
    if target.contains(' ') || verb.contains('*') || target.contains('*') {
        return None;
    }
    let (res_group, sub) = target.split_once('/').unwrap_or((target, ""));
    let (resource, group) = res_group.split_once('.').unwrap_or((res_group, ""));
    Some(json!({"verb": verb, "resource": resource, "group": group, "subresource": sub}))
}

async fn sar(client: &kube::Client, ns: &str, name: &str, mut attrs: Value) -> bool {
    if attrs["namespace"].is_null() {
        attrs["namespace"] = json!("");
    }
    allowed(client, &sa_review(ns, name, json!({"resourceAttributes": attrs}))).await
}

#[test]
fn bootstrap_policy_findings_and_a_fresh_default_service_account() {
    let c = shared();
    let ns = fresh_namespace(c, "fresh");
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("bootstrap.yaml");
    let rbac = c.kubectl_ok(
        &[
            "get",
            "clusterroles,clusterrolebindings,roles,rolebindings",
            "-A",
            "-l",
            "kubernetes.io/bootstrapping=rbac-defaults",
            "-o",
            "yaml",
        ],
        None,
    );
    let sas = c.kubectl_ok(&["get", "namespaces,serviceaccounts", "-A", "-o", "yaml"], None);
    std::fs::write(&snap, format!("{rbac}\n---\n{sas}")).unwrap();
    let snap = snap.to_str().unwrap();
    let v = run_json(c, &["-f", snap, "audit", "-A", "-o", "json"]);

    // The system components every cluster has (bound even where their ServiceAccounts are not created).
    let ks = "kube-system";
    for (id, sa, severity, scope) in [
        ("SA-03", "generic-garbage-collector", "CRITICAL", "cluster"),
        ("SA-04", "generic-garbage-collector", "CRITICAL", "cluster"),
        ("SA-11", "generic-garbage-collector", "CRITICAL", "cluster"),
        ("SA-23", "generic-garbage-collector", "CRITICAL", "cluster"),
        ("SA-02", "generic-garbage-collector", "MEDIUM", "cluster"),
        ("SA-04", "namespace-controller", "CRITICAL", "cluster"),
        ("SA-06", "replicaset-controller", "CRITICAL", "cluster"),
        ("SA-06", "job-controller", "CRITICAL", "cluster"),
        ("SA-07", "deployment-controller", "CRITICAL", "cluster"),
        ("SA-13", "clusterrole-aggregation-controller", "CRITICAL", "cluster"),
        ("SA-03", "bootstrap-signer", "CRITICAL", ks),
        ("SA-04", "token-cleaner", "CRITICAL", ks),
    ] {
        assert!(
            has(&v, id, ks, sa, severity, scope),
            "expected {id} {severity} {scope} for {ks}/{sa}; got {:#?}",
            findings_of(&v, ks, sa)
        );
    }
    // The bootstrap policy binds nothing risky to every identity.
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["id"] != "SA-25"));
    // A fresh namespace's default ServiceAccount: hygiene only.
    let fresh = findings_of(&v, &ns, "default");
    assert_eq!(fresh.len(), 1, "{fresh:#?}");
    assert_eq!(fresh[0]["id"], "SA-24");
    assert_eq!(fresh[0]["severity"], "LOW");
    // No default ServiceAccount holds anything beyond hygiene in the bootstrap policy.
    for f in v["findings"].as_array().unwrap().iter().filter(|f| f["serviceAccount"]["name"] == "default") {
        assert_eq!(f["id"], "SA-24", "{f:#}");
    }

    // Every reported permission is allowed by the API server, in the finding's scope.
    let rt = runtime();
    let client = rt.block_on(c.client());
    let mut checked = 0;
    let mut seen = BTreeSet::new();
    for f in v["findings"].as_array().unwrap() {
        let (sns, sname) =
            (f["serviceAccount"]["namespace"].as_str().unwrap(), f["serviceAccount"]["name"].as_str().unwrap());
        if sname == "*" || f["grants"].as_array().unwrap().is_empty() {
            continue;
        }
        for scope in f["scope"].as_array().unwrap() {
            let scope = scope.as_str().unwrap();
            for p in f["permissions"].as_array().unwrap() {
                let Some(mut attrs) = attributes(p.as_str().unwrap()) else { continue };
                if !seen.insert((sns.to_string(), sname.to_string(), scope.to_string(), p.to_string())) {
                    continue;
                }
                let cluster_scoped = [
                    "nodes",
                    "persistentvolumes",
                    "clusterroles",
                    "clusterrolebindings",
                    "namespaces",
                    "customresourcedefinitions",
                    "certificatesigningrequests",
                    "signers",
                    "users",
                    "groups",
                    "userextras",
                    "uids",
                    "mutatingwebhookconfigurations",
                    "validatingwebhookconfigurations",
                    "validatingadmissionpolicies",
                    "validatingadmissionpolicybindings",
                    "mutatingadmissionpolicies",
                    "mutatingadmissionpolicybindings",
                ]
                .contains(&attrs["resource"].as_str().unwrap());
                if scope != "cluster" && !cluster_scoped {
                    attrs["namespace"] = json!(scope);
                }
                let names: Vec<String> = f["resourceNames"][scope]
                    .as_array()
                    .map(|a| a.iter().map(|n| n.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default();
                let targets: Vec<Option<String>> =
                    if names.is_empty() { vec![None] } else { names.into_iter().map(Some).collect() };
                for name in targets {
                    let mut a = attrs.clone();
                    if let Some(n) = name {
                        a["name"] = json!(n);
                    }
                    let allowed = rt.block_on(sar(&client, sns, sname, a.clone()));
                    assert!(allowed, "{} {sns}/{sname}: the API server denies {a} (finding {f:#})", f["id"]);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} permissions checked");
    eprintln!("live_audit: {checked} reported permissions confirmed by SubjectAccessReview");
    c.kubectl_ok(&["delete", "namespace", &ns, "--wait=false"], None);
}

#[test]
fn the_binary_live_audit_list_and_token_inspect() {
    let c = shared();
    let ns = fresh_namespace(c, "cli");
    c.kubectl_ok(&["create", "serviceaccount", "builder", "-n", &ns], None);
    c.kubectl_ok(
        &[
            "create",
            "rolebinding",
            "builder-edit",
            "--clusterrole=edit",
            &format!("--serviceaccount={ns}:builder"),
            "-n",
            &ns,
        ],
        None,
    );
    let v = run_json(c, &["audit", "-n", &ns, "-o", "json"]);
    let builder = findings_of(&v, &ns, "builder");
    let ids: BTreeSet<&str> = builder.iter().map(|f| f["id"].as_str().unwrap()).collect();
    for id in ["SA-03", "SA-04", "SA-06", "SA-07", "SA-08", "SA-09"] {
        assert!(ids.contains(id), "{id} missing for {ns}/builder: {ids:?}");
    }
    // The real `edit` is aggregated: the chain names the RoleBinding and the ClusterRole.
    assert_eq!(builder[0]["grants"][0]["binding"]["name"], "builder-edit");
    assert_eq!(builder[0]["grants"][0]["role"]["name"], "edit");
    // --fail-on works live too.
    c.kubectl_sa().args(["audit", "-n", &ns, "--fail-on", "high"]).assert().code(3);

    // report live: the audit's findings and the list's rows of the namespace, from the cluster, complete.
    let r = run_json(c, &["report", "-n", &ns, "-o", "json"]);
    assert_eq!(r["source"]["kind"], "cluster");
    assert_eq!(r["scope"]["namespace"], ns.as_str());
    assert_eq!(r["partial"], false, "pods and token Secrets are readable here: {:?}", r["notes"]);
    let fingerprints = |v: &Value| -> BTreeSet<String> {
        v["findings"].as_array().unwrap().iter().map(|f| f["fingerprint"].to_string()).collect()
    };
    assert_eq!(fingerprints(&r), fingerprints(&v), "the report holds the audit's findings");
    assert_eq!(r["counts"]["findings"], v["findings"].as_array().unwrap().len());
    let page = tempfile::NamedTempFile::new().unwrap();
    c.kubectl_sa().args(["report", "-n", &ns, "--output-file", page.path().to_str().unwrap()]).assert().success();
    let html = std::fs::read_to_string(page.path()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("builder-edit"), "the page embeds the findings' chains");
    // builder's page: its RoleBinding, and every cell of its matrix as the API server answers it in the namespace
    // (`n`: allowed there, not cluster-wide; `-`: denied there).
    let rows = r["serviceAccounts"].as_array().unwrap();
    let at = rows.iter().position(|x| x["name"] == "builder").unwrap();
    let d = &r["serviceAccountDetails"][at];
    assert_eq!(d["name"], "builder");
    assert!(d["bindings"].as_array().unwrap().iter().any(|b| b["binding"]["name"] == "builder-edit"
        && b["role"]["name"] == "edit"
        && b["how"] == "directly"
        && b["scope"] == ns.as_str()));
    let verbs: Vec<&str> = r["matrixVerbs"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let rt = runtime();
    let client = rt.block_on(c.client());
    let mut cells = Vec::new();
    for row in d["matrix"].as_array().unwrap() {
        let (resource, sub) =
            row["resource"].as_str().unwrap().split_once('/').unwrap_or((row["resource"].as_str().unwrap(), ""));
        for (verb, letter) in verbs.iter().zip(row["cells"].as_str().unwrap().chars()) {
            if letter == 'n' || letter == '-' {
                let attrs = json!({"verb": verb, "group": row["group"], "resource": resource, "subresource": sub,
                    "namespace": ns});
                cells.push((format!("{verb} {}", row["resource"]), letter, attrs));
            }
        }
    }
    let reviews = cells.iter().map(|(_, _, a)| sa_review(&ns, "builder", json!({"resourceAttributes": a}))).collect();
    let answers = rt.block_on(support::review::allowed_all(&client, reviews));
    for ((what, letter, _), allowed) in cells.iter().zip(&answers) {
        assert_eq!(*letter == 'n', *allowed, "builder's matrix cell {what} ({letter}) in {ns}");
    }
    assert!(cells.len() > 100, "only {} cells checked", cells.len());
    eprintln!("live_audit: {} cells of the report's matrix confirmed by SubjectAccessReview", cells.len());
    let create_pods = r["riskyRequests"].as_array().unwrap().iter().find(|q| q["id"] == "create-pods").unwrap();
    assert!(
        create_pods["serviceAccounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == "builder" && x["namespace"] == ns.as_str() && x["scopes"] == json!([ns]))
    );

    let v = run_json(c, &["list", "-n", &ns, "-o", "json"]);
    let rows = v["serviceAccounts"].as_array().unwrap();
    let names = |rows: &[Value]| -> BTreeSet<String> { rows.iter().map(|r| r["name"].to_string()).collect() };
    assert_eq!(names(r["serviceAccounts"].as_array().unwrap()), names(rows), "the report holds the list's rows");
    let row = rows.iter().find(|r| r["name"] == "builder").unwrap();
    assert_eq!(row["exists"], true);
    assert_eq!(row["pods"], 0);
    assert_eq!(row["risk"], "HIGH");
    assert!(rows.iter().any(|r| r["name"] == "default"));

    // A real bound token from the TokenRequest API, inspected against the live cluster.
    let token = c.kubectl_ok(&["create", "token", "builder", "-n", &ns, "--duration=10m"], None);
    let out = c.kubectl_sa().args(["token", "inspect", "-", "-o", "json"]).write_stdin(token.clone()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(token.trim().split('.').nth(2).unwrap()), "the signature is printed");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["token"]["kind"], "bound");
    assert_eq!(v["token"]["serviceAccount"]["name"], "builder");
    assert!(v["token"]["secondsLeft"].as_i64().unwrap() > 500);
    assert_eq!(v["rbac"]["source"], "cluster");
    assert_eq!(v["rbac"]["uidMatches"], true);
    assert!(v["rbac"]["findings"].as_array().unwrap().iter().any(|f| f["id"] == "SA-06"));

    // IAM trust policies evaluated against the real claims of tokens the API server minted: the federated principal
    // names this API server's issuer, the conditions test the token's own sub and aud.
    let issuer = v["token"]["issuer"].as_str().unwrap().to_string();
    let host = issuer.strip_prefix("https://").unwrap_or(&issuer).trim_end_matches('/').to_string();
    let role = |name: &str, provider: &str, condition: Value| {
        json!({"RoleName": name, "Arn": format!("arn:aws:iam::111122223333:role/{name}"),
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Principal": {"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{provider}")},
                "Condition": condition}]}})
    };
    let sub = |name: &str| format!("system:serviceaccount:{ns}:{name}");
    let roles = json!({"Roles": [
        role("exact", &host, json!({"StringEquals": {format!("{host}:sub"): sub("builder"), format!("{host}:aud"): "sts.amazonaws.com"}})),
        role("look-alike", &host, json!({"StringEquals": {format!("{host}:sub"): sub("builder2")}})),
        role("namespace", &host, json!({"StringLike": {format!("{host}:sub"): format!("system:serviceaccount:{ns}:*")}})),
        role("other-issuer", &format!("{host}x"), json!({"StringLike": {format!("{host}x:sub"): "*"}})),
    ]});
    let dir = tempfile::tempdir().unwrap();
    let roles_file = dir.path().join("roles.json");
    std::fs::write(&roles_file, roles.to_string()).unwrap();
    let sa_file = dir.path().join("sa.yaml");
    std::fs::write(&sa_file, c.kubectl_ok(&["get", "serviceaccount", "builder", "-n", &ns, "-o", "yaml"], None))
        .unwrap();
    let assumable = |token: &str| -> Vec<String> {
        let out = c
            .kubectl_sa()
            .args(["token", "inspect", "-", "-o", "json", "-f", sa_file.to_str().unwrap(), "-f"])
            .arg(&roles_file)
            .write_stdin(token.to_string())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let roles = v["rbac"]["awsRoles"].as_array().cloned().unwrap_or_default();
        roles.iter().map(|r| r["arn"].as_str().unwrap().rsplit('/').next().unwrap().to_string()).collect()
    };
    let sts = c.kubectl_ok(&["create", "token", "builder", "-n", &ns, "--audience", "sts.amazonaws.com"], None);
    assert_eq!(assumable(&sts), ["exact", "namespace"], "a token with the STS audience");
    assert_eq!(assumable(&token), ["namespace"], "a token with the API server's audience fails the aud condition");
    c.kubectl_ok(&["delete", "namespace", &ns, "--wait=false"], None);
}
