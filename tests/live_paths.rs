//! `paths` on the real cluster: each ServiceAccount gets exactly one technique's precondition, kubectl-sa reads the
//! cluster and reports the path, and the reported command is then run as written, with that ServiceAccount's own
//! token; a SelfSubjectAccessReview (`kubectl auth can-i` with the gained credentials) confirms cluster-admin.
//! Look-alikes report no path, and the write they would need is refused by the API server.

mod support;

use std::collections::BTreeMap;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::cluster::{TestCluster, shared};

fn cluster() -> &'static TestCluster {
    shared()
}

/// Waits (bounded) until `check` holds.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "{what} did not happen in 60 s");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// A reported command run by sh exactly as printed, every `kubectl` in it with `--token` of the acting identity.
fn run_as(c: &TestCluster, token: &str, command: &str) -> Output {
    let script = command.replace("kubectl ", "\"$KUBECTL\" --token=\"$TOKEN\" ");
    std::process::Command::new("sh")
        .args(["-c", &script])
        .env("KUBECTL", c.kubectl_path())
        .env("TOKEN", token)
        .env("KUBECONFIG", &c.kubeconfig)
        .output()
        .expect("run sh")
}

/// Whether these credentials may do everything (a SelfSubjectAccessReview made with them).
fn can_do_everything(c: &TestCluster, extra: &[&str]) -> bool {
    let out = c.kubectl().args(["auth", "can-i", "*", "*"]).args(extra).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "yes"
}

fn token_of(c: &TestCluster, ns: &str, sa: &str) -> String {
    c.kubectl_ok(&["create", "token", sa, "-n", ns, "--duration=10m"], None).trim().to_string()
}

#[test]
fn every_reported_step_works_when_run_with_the_service_accounts_own_token() {
    let c = cluster();
    let ns = format!("paths-{}", std::process::id());
    c.kubectl_ok(&["delete", "clusterrolebinding", "kubectl-sa-path", "--ignore-not-found"], None);
    c.kubectl_ok(&["create", "namespace", &ns], None);
    for sa in ["victim", "tok", "imp", "reader", "binder", "escalator", "escalator-put", "bind-only", "escalate-only"] {
        c.kubectl_ok(&["create", "serviceaccount", sa, "-n", &ns], None);
    }
    let crb = |name: &str, role: &str, sa: &str| {
        c.kubectl_ok(
            &[
                "create",
                "clusterrolebinding",
                name,
                &format!("--clusterrole={role}"),
                &format!("--serviceaccount={ns}:{sa}"),
            ],
            None,
        );
    };
    let role = |name: &str, args: &[&str]| {
        let mut full = vec!["create", "role", name, "-n", ns.as_str()];
        full.extend_from_slice(args);
        c.kubectl_ok(&full, None);
        c.kubectl_ok(
            &[
                "create",
                "rolebinding",
                name,
                "-n",
                &ns,
                &format!("--role={name}"),
                &format!("--serviceaccount={ns}:{name}"),
            ],
            None,
        );
    };
    let cluster_role = |name: &str, args: &[&str]| {
        let full_name = format!("{ns}-{name}");
        let mut full = vec!["create", "clusterrole", full_name.as_str()];
        full.extend_from_slice(args);
        c.kubectl_ok(&full, None);
        crb(&full_name, &full_name, name);
    };
    crb(&format!("{ns}-victim"), "cluster-admin", "victim");
    role("tok", &["--verb=create", "--resource=serviceaccounts/token", "--resource-name=victim"]);
    role("imp", &["--verb=impersonate", "--resource=serviceaccounts", "--resource-name=victim"]);
    role("reader", &["--verb=get", "--resource=secrets", "--resource-name=victim-token"]);
    cluster_role("binder", &["--verb=bind", "--resource=clusterroles", "--resource-name=cluster-admin"]);
    c.kubectl_ok(
        &["create", "clusterrole", &format!("{ns}-binder-write"), "--verb=create", "--resource=clusterrolebindings"],
        None,
    );
    crb(&format!("{ns}-binder-write"), &format!("{ns}-binder-write"), "binder");
    let escalator_role = format!("{ns}-escalator");
    cluster_role(
        "escalator",
        &["--verb=escalate,patch,get", "--resource=clusterroles", &format!("--resource-name={escalator_role}")],
    );
    // kubectl patch reads the role first; with update only, the step is `kubectl replace --raw`.
    let put_role = format!("{ns}-escalator-put");
    cluster_role(
        "escalator-put",
        &["--verb=escalate,update", "--resource=clusterroles", &format!("--resource-name={put_role}")],
    );
    // Look-alikes: bind without a binding write; escalate without a role write.
    cluster_role("bind-only", &["--verb=bind", "--resource=clusterroles", "--resource-name=cluster-admin"]);
    let escalate_only_role = format!("{ns}-escalate-only");
    cluster_role(
        "escalate-only",
        &["--verb=escalate", "--resource=clusterroles", &format!("--resource-name={escalate_only_role}")],
    );
    // A legacy token Secret of the victim, filled by the token controller.
    let secret = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"kubernetes.io/service-account-token\",\"metadata\":{{\"name\":\"victim-token\",\"namespace\":\"{ns}\",\"annotations\":{{\"kubernetes.io/service-account.name\":\"victim\"}}}}}}"
    );
    c.kubectl_ok(&["create", "-f", "-"], Some(&secret));
    eventually("the token controller filling victim-token", || {
        !c.kubectl_ok(&["get", "secret", "victim-token", "-n", &ns, "-o", "jsonpath={.data.token}"], None).is_empty()
    });

    let out = c.kubectl_sa().args(["paths", "-A", "--to", "cluster-admin", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours: BTreeMap<String, &Value> = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["from"]["namespace"] == ns.as_str())
        .map(|p| (p["from"]["name"].as_str().unwrap().to_string(), p))
        .collect();
    let technique = |sa: &str| ours.get(sa).map(|p| p["steps"][0]["technique"].as_str().unwrap_or("").to_string());
    assert_eq!(ours.get("victim").map(|p| p["length"].as_u64()), Some(Some(0)));
    assert_eq!(technique("tok").as_deref(), Some("P-TOKEN-REQUEST"));
    assert_eq!(technique("imp").as_deref(), Some("P-IMP-SA"));
    assert_eq!(technique("reader").as_deref(), Some("P-SECRET-READ"));
    assert_eq!(technique("binder").as_deref(), Some("P-RBAC-BIND"));
    assert_eq!(technique("escalator").as_deref(), Some("P-RBAC-ESCALATE"));
    assert_eq!(technique("escalator-put").as_deref(), Some("P-RBAC-ESCALATE"));
    assert!(!ours.contains_key("bind-only") && !ours.contains_key("escalate-only"), "look-alikes: {ours:?}");

    let command = |sa: &str| ours[sa]["steps"][0]["command"].as_str().unwrap().to_string();
    // P-TOKEN-REQUEST: the command prints a token of the victim.
    let out = run_as(c, &token_of(c, &ns, "tok"), &command("tok"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let gained = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(can_do_everything(c, &["--token", &gained]), "the requested token holds cluster-admin");
    // P-IMP-SA: whoami under --as names the victim; can-i under the same --as says yes.
    let imp = token_of(c, &ns, "imp");
    let out = run_as(c, &imp, &command("imp"));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("system:serviceaccount:{ns}:victim")), "{out:?}");
    assert!(can_do_everything(c, &["--token", &imp, "--as", &format!("system:serviceaccount:{ns}:victim")]));
    assert!(!can_do_everything(c, &["--token", &imp]), "without impersonation it holds nothing");
    // P-SECRET-READ: the command prints the legacy token.
    let out = run_as(c, &token_of(c, &ns, "reader"), &command("reader"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let gained = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(can_do_everything(c, &["--token", &gained]), "the Secret's token holds cluster-admin");
    // P-RBAC-BIND and P-RBAC-ESCALATE: after the write, the ServiceAccount itself holds cluster-admin.
    for sa in ["binder", "escalator", "escalator-put"] {
        let token = token_of(c, &ns, sa);
        assert!(!can_do_everything(c, &["--token", &token]), "{sa} before");
        let out = run_as(c, &token, &command(sa));
        assert!(out.status.success(), "{sa}: {}", String::from_utf8_lossy(&out.stderr));
        eventually(&format!("{sa} holding cluster-admin"), || can_do_everything(c, &["--token", &token]));
    }
    // The look-alikes' writes are refused by the API server's escalation checks.
    let out = run_as(
        c,
        &token_of(c, &ns, "bind-only"),
        &format!(
            "kubectl create clusterrolebinding {ns}-nope --clusterrole=cluster-admin --serviceaccount={ns}:bind-only"
        ),
    );
    assert!(!out.status.success());
    let out = run_as(
        c,
        &token_of(c, &ns, "escalate-only"),
        &format!(
            "kubectl patch clusterrole {escalate_only_role} --type=json -p '[{{\"op\":\"add\",\"path\":\"/rules/-\",\"value\":{{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}}}}]'"
        ),
    );
    assert!(!out.status.success());

    c.kubectl_ok(&["delete", "clusterrolebinding", "kubectl-sa-path", "--ignore-not-found"], None);
    c.kubectl_ok(&["delete", "namespace", &ns, "--wait=false"], None);
}
