//! `paths` on snapshots: every technique the fixture gives a ServiceAccount fires with exactly that technique, and
//! every look-alike (a precondition that does not escalate) reports no path; the JSON contract, --all-paths, dot and
//! mermaid, request targets and errors. tests/live_paths.rs executes the steps on a real cluster.

use std::collections::BTreeMap;

use assert_cmd::Command;
use serde_json::Value;

const FIXTURE: &str = "tests/fixtures/paths/techniques.json";

fn sa() -> Command {
    let mut c = Command::cargo_bin("kubectl-sa").expect("binary built by cargo");
    c.env("KUBECONFIG", "/nonexistent/kubeconfig").env("NO_COLOR", "1");
    c
}

fn paths_json(args: &[&str]) -> (Value, i32) {
    let out = sa().args(["-f", FIXTURE, "paths"]).args(args).args(["-o", "json"]).output().unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap())
}

/// ServiceAccount (ns/name) -> the techniques of its shortest path.
fn shortest(v: &Value) -> BTreeMap<String, Vec<String>> {
    v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let from = format!("{}/{}", p["from"]["namespace"].as_str().unwrap(), p["from"]["name"].as_str().unwrap());
            let steps: Vec<String> =
                p["steps"].as_array().unwrap().iter().map(|s| s["technique"].as_str().unwrap().to_string()).collect();
            assert_eq!(p["length"].as_u64().unwrap() as usize, steps.len(), "length is the number of steps");
            (from, steps)
        })
        .collect()
}

const LOOK_ALIKES: &[&str] = &[
    "a/imp-sa-harmless",
    "a/imp-user-harmless",
    "a/cimp-sa-no-on",
    "a/secret-read-invalid",
    "a/pod-create-harmless",
    "a/bind-only",
    "a/escalate-only",
    "a/csr-no-approve",
    // pods in a namespace whose PodSecurity level (baseline) refuses privileged pods, and whose ServiceAccount
    // holds nothing
    "a/pod-patcher-harmless",
    "a/webhook-reader",
    "a/map-policy-only",
    // `get` on pods/attach and pods/ephemeralcontainers: kube-apiserver asks for create and patch
    "a/attach-get",
    "a/debug-get",
    "a/aws-auth-get",
    "a/cimp-user-no-on",
    "a/cimp-node-no-on",
    "ops/agent-no-on",
    // a token for a ServiceAccount that holds nothing; a token Secret it cannot read back; a Deployment in a
    // namespace whose ServiceAccounts hold nothing; `get` on pods/exec; the kubelet API of a node whose pods hold
    // nothing; a group without a username to assert it with
    "a/token-harmless",
    "a/secret-create-no-get",
    "a/deploy-create-harmless",
    "a/exec-get",
    "a/node-proxy-harmless",
    "a/imp-group-no-user",
];

#[test]
fn every_technique_fires_and_no_look_alike_does() {
    let (v, code) = paths_json(&["-A", "--to", "cluster-admin"]);
    assert_eq!(code, 0);
    assert_eq!(v["target"], "cluster-admin");
    let got = shortest(&v);
    let expected: &[(&str, &[&str])] = &[
        ("prod/admin", &[]),
        ("ops/deployer", &[]),
        ("a/imp-sa", &["P-IMP-SA"]),
        ("a/imp-user", &["P-IMP-USER"]),
        ("a/imp-group", &["P-IMP-GROUP"]),
        ("a/token", &["P-TOKEN-REQUEST"]),
        ("a/secret-read", &["P-SECRET-READ"]),
        ("a/secret-create", &["P-SECRET-CREATE"]),
        ("a/pod-create", &["P-POD-CREATE"]),
        ("a/deploy-create", &["P-WORKLOAD-CREATE"]),
        ("a/exec", &["P-POD-EXEC"]),
        ("a/node-proxy", &["P-NODE-PROXY"]),
        ("a/binder", &["P-RBAC-BIND"]),
        ("a/escalator", &["P-RBAC-ESCALATE"]),
        ("a/csr", &["P-CSR-CLIENT"]),
        ("a/chain", &["P-POD-CREATE", "P-POD-ATTACH"]),
        ("a/attach", &["P-POD-ATTACH"]),
        ("a/debug", &["P-POD-EPHEMERAL"]),
        ("a/pod-patcher", &["P-POD-UPDATE"]),
        ("a/node-takeover", &["P-NODE-TAKEOVER", "P-NODE-SA-TOKEN"]),
        ("a/webhook-writer", &["P-WEBHOOK-MUTATE"]),
        ("a/map-writer", &["P-MAP-MUTATE"]),
        ("a/cimp-node", &["P-CIMP-ARBITRARY-NODE", "P-NODE-SA-TOKEN"]),
        ("ops/agent", &["P-CIMP-ASSOCIATED-NODE", "P-NODE-SA-TOKEN"]),
        ("a/csr-kubelet", &["P-CSR-KUBELET", "P-NODE-SA-TOKEN"]),
        ("a/aws-auth", &["P-AWS-AUTH"]),
        // user-info impersonation limited to `get secrets`: root-user reads prod/admin's token Secret.
        ("a/cimp-user", &["P-CIMP-USER-INFO", "P-SECRET-READ"]),
        // Constrained impersonation limited to `get secrets` still wins: the impersonated admin reads its own
        // legacy token Secret, and with that credential it is no longer limited.
        ("a/cimp-sa", &["P-CIMP-SA", "P-SECRET-READ"]),
    ];
    for (from, techniques) in expected {
        assert_eq!(
            got.get(*from).map(Vec::as_slice),
            Some(&techniques.iter().map(|t| t.to_string()).collect::<Vec<_>>()[..]),
            "{from}: {got:?}"
        );
    }
    for look_alike in LOOK_ALIKES {
        assert!(!got.contains_key(*look_alike), "{look_alike} must not reach cluster-admin: {got:?}");
    }
    // Constrained impersonation limited to `get configmaps` cannot: impersonate-on never names every verb at once.
    assert!(!got.contains_key("a/cimp-cm"));
    assert_eq!(got.len(), expected.len(), "nothing else: {got:?}");
    // Between them, the fixture's paths (and the request target of a/cimp-cm) use every technique.
    let mut used: std::collections::BTreeSet<String> = got.values().flatten().cloned().collect();
    used.insert("P-CIMP-SA".into());
    let all: std::collections::BTreeSet<String> = kubectl_sa::paths::Technique::ALL
        .iter()
        .map(|t| serde_json::to_value(t).unwrap().as_str().unwrap().to_string())
        .collect();
    assert_eq!(used, all, "every technique fires in the fixture");
}

#[test]
fn steps_carry_identities_grants_and_commands() {
    // a/chain creates a pod in its own namespace as another ServiceAccount of it, which holds a technique.
    let (v, _) = paths_json(&["a:chain", "--to", "cluster-admin"]);
    let p = &v["paths"][0];
    assert_eq!(p["from"]["kind"], "ServiceAccount");
    assert_eq!(p["length"], 2);
    let first = &p["steps"][0];
    assert_eq!(first["technique"], "P-POD-CREATE");
    assert_eq!(first["from"]["name"], "chain");
    assert_eq!(first["to"]["namespace"], "a");
    assert_eq!(
        first["to"]["groups"],
        serde_json::json!(["system:serviceaccounts", "system:serviceaccounts:a", "system:authenticated"])
    );
    assert_eq!(first["grant"]["binding"], "RoleBinding/a/p-chain");
    assert_eq!(first["grant"]["role"], "ClusterRole/p-chain");
    assert_eq!(first["grant"]["rule"], 0);
    let gained = first["to"]["name"].as_str().unwrap();
    assert!(first["command"].as_str().unwrap().contains(&format!("serviceAccountName\":\"{gained}")), "{first}");
    // A step with two preconditions: the bind grant first, the binding write second.
    let (v, _) = paths_json(&["a:binder", "--to", "cluster-admin"]);
    let step = &v["paths"][0]["steps"][0];
    assert_eq!(step["technique"], "P-RBAC-BIND");
    assert_eq!(step["grant"]["role"], "ClusterRole/p-binder");
    assert_eq!(step["grants"][0]["rule"], 1, "the binding write is the second precondition");
    assert!(
        step["command"].as_str().unwrap().ends_with(
            "create clusterrolebinding kubectl-sa-path --clusterrole=cluster-admin --serviceaccount=a:binder"
        ),
        "{step}"
    );
}

#[test]
fn impersonated_requests_count_two_steps_and_carry_as() {
    // a/imp-sa impersonates prod/admin: holding cluster-admin at the end is a check, not a step.
    let (v, _) = paths_json(&["a:imp-sa", "--to", "cluster-admin"]);
    assert_eq!(v["paths"][0]["length"], 1);
    assert_eq!(v["paths"][0]["steps"][0]["command"], "kubectl --as=system:serviceaccount:prod:admin auth whoami");
    // Constrained impersonation, limited by impersonate-on to `get configmaps`, reaches that request only.
    let (v, code) = paths_json(&["a:cimp-cm", "--to", "get configmaps -n prod"]);
    assert_eq!(code, 0);
    assert_eq!(v["target"], "get configmaps in namespace \"prod\"");
    assert_eq!(v["paths"][0]["length"], 1);
    assert_eq!(v["paths"][0]["steps"][0]["technique"], "P-CIMP-SA");
    let (v, code) = paths_json(&["a:cimp-cm", "--to", "list configmaps -n prod"]);
    assert_eq!((code, v["paths"].as_array().unwrap().len()), (1, 0), "{v}");
}

#[test]
fn all_paths_lists_every_simple_path_up_to_max_steps() {
    let (v, _) = paths_json(&["a:chain", "--to", "cluster-admin", "--all-paths", "--max-steps", "3"]);
    let paths = v["paths"].as_array().unwrap();
    assert!(paths.len() > 1, "{v}");
    assert!(paths.iter().all(|p| p["length"].as_u64().unwrap() <= 3));
    let lengths: Vec<u64> = paths.iter().map(|p| p["length"].as_u64().unwrap()).collect();
    assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "shortest first: {lengths:?}");
    let (v, code) = paths_json(&["a:chain", "--to", "cluster-admin", "--max-steps", "1"]);
    assert_eq!((code, v["paths"].as_array().unwrap().len()), (1, 0), "two steps needed: {v}");
}

#[test]
fn look_alikes_exit_1_with_a_clear_table() {
    for look_alike in LOOK_ALIKES {
        let out = sa()
            .args(["-f", FIXTURE, "paths", look_alike.replace('/', ":").as_str(), "--to", "cluster-admin"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{look_alike}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("No ServiceAccount in scope reaches cluster-admin in 4 steps or fewer."), "{stdout}");
    }
}

#[test]
fn table_dot_and_mermaid_draw_the_answer() {
    let out = sa().args(["-f", FIXTURE, "paths", "a:chain", "--to", "cluster-admin"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("a/chain  2 steps"), "{table}");
    assert!(table.contains("P-POD-CREATE") && table.contains("P-POD-ATTACH"), "{table}");
    let out = sa().args(["-f", FIXTURE, "paths", "a:chain", "--to", "cluster-admin", "-o", "dot"]).output().unwrap();
    let dot = String::from_utf8_lossy(&out.stdout);
    assert!(dot.starts_with("digraph paths {"), "{dot}");
    assert!(dot.contains("[label=\"P-POD-CREATE\"]") && dot.contains("-> target [style=dashed]"), "{dot}");
    let out =
        sa().args(["-f", FIXTURE, "paths", "a:chain", "--to", "cluster-admin", "-o", "mermaid"]).output().unwrap();
    let mermaid = String::from_utf8_lossy(&out.stdout);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("-->|P-POD-ATTACH|"), "{mermaid}");
}

#[test]
fn bad_targets_and_missing_service_accounts_are_one_line_errors() {
    for (args, needle) in [
        (vec!["a:chain", "--to", "get"], "expected cluster-admin or 'VERB RESOURCE [NAME] [-n NAMESPACE]'"),
        (vec!["a:chain", "--to", "get pods -x"], "unknown flag -x"),
        (vec!["a:nobody", "--to", "cluster-admin"], "ServiceAccount a/nobody is not in the input"),
        (vec!["a:chain", "--to", "cluster-admin", "--max-steps", "0"], "--max-steps must be between 1 and 8"),
    ] {
        let out = sa().args(["-f", FIXTURE, "paths"]).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error: ") && stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    }
}

#[test]
fn audit_gives_each_finding_the_steps_to_cluster_admin() {
    let out = sa().args(["-f", FIXTURE, "audit", "-A", "-o", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("audit JSON");
    let steps: BTreeMap<String, Option<u64>> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let sa = &f["serviceAccount"];
            (
                format!("{}/{}", sa["namespace"].as_str().unwrap(), sa["name"].as_str().unwrap()),
                f["stepsToClusterAdmin"].as_u64(),
            )
        })
        .collect();
    // The same numbers as `paths`: 0 for a holder, the shortest path's length, nothing for a look-alike.
    assert_eq!(steps["prod/admin"], Some(0));
    assert_eq!(steps["a/token"], Some(1));
    assert_eq!(steps["a/chain"], Some(2));
    assert_eq!(steps["a/node-takeover"], Some(2));
    assert_eq!(steps["a/bind-only"], None);
    assert_eq!(steps["a/pod-create-harmless"], None);
    let (paths, _) = paths_json(&["-A", "--to", "cluster-admin"]);
    for (from, techniques) in shortest(&paths) {
        if let Some(n) = steps.get(&from) {
            assert_eq!(*n, Some(techniques.len() as u64), "{from}");
        }
    }
    let table = sa().args(["-f", FIXTURE, "audit", "-A"]).output().unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("cluster-admin in 2 steps") && table.contains("holds cluster-admin"), "{table}");
}

#[test]
fn docs_describe_every_technique_in_order() {
    let ids: Vec<String> = kubectl_sa::paths::Technique::ALL
        .iter()
        .map(|t| serde_json::to_value(t).unwrap().as_str().unwrap().to_string())
        .collect();
    let doc = std::fs::read_to_string("docs/paths.md").unwrap();
    let rows: Vec<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| P-"))
        .map(|l| format!("P-{}", l.split(' ').next().unwrap()))
        .collect();
    assert_eq!(rows, ids, "docs/paths.md's technique table lists every technique, in order");
}
