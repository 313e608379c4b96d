//! `diff` on generated worlds: for sampled requests of every ServiceAccount, the requests whose RBAC answer changed
//! between two states are exactly those the entries cover (none missed, no phantom), in the right direction.

mod support;

use kubectl_sa::diff;
use kubectl_sa::model::Cluster;
use kubectl_sa::rbac::{Request, UserInfo, authorize};
use serde_json::Value;
use support::world::{Asker, Rng, World};

/// The world with some objects dropped and some rules rewritten: a change touching bindings, roles and
/// aggregation labels.
fn changed(w: &World, rng: &mut Rng) -> Cluster {
    let mut objects: Vec<Value> = Vec::new();
    for o in &w.objects {
        let kind = o["kind"].as_str().unwrap_or("");
        if matches!(kind, "RoleBinding" | "ClusterRoleBinding" | "Role" | "ClusterRole") && rng.chance(15) {
            continue;
        }
        let mut o = o.clone();
        if matches!(kind, "Role" | "ClusterRole")
            && rng.chance(20)
            && let Some(rules) = o["rules"].as_array_mut()
        {
            for r in rules.iter_mut() {
                if let Some(verbs) = r["verbs"].as_array_mut() {
                    if rng.chance(50) {
                        verbs.push("*".into());
                    } else if verbs.len() > 1 {
                        verbs.pop();
                    }
                }
                if rng.chance(30) {
                    r["resourceNames"] = serde_json::json!(["n1"]);
                }
            }
        }
        if kind == "ClusterRole" && rng.chance(10) {
            o["metadata"]["labels"] = serde_json::json!({});
        }
        objects.push(o);
    }
    let text = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects}).to_string();
    let mut b = kubectl_sa::model::ClusterBuilder::default();
    kubectl_sa::source::snapshot::load_text("after", &text, &mut b).expect("the changed world loads");
    b.build()
}

#[test]
fn entries_cover_exactly_the_requests_whose_answer_changed() {
    let (mut checked, mut changes) = (0, 0);
    for seed in [3, 4, 5, 6] {
        let w = World::generate(seed);
        let before = w.cluster();
        let mut rng = Rng::new(seed * 31);
        let after = changed(&w, &mut rng);
        let report = diff::compare(&before, &after);
        for i in 0..8000 {
            let (asker, sample) = w.sample_asked(&mut rng);
            let Asker::Sa(ns, name) = &asker else { continue };
            // Half the requests go to another ServiceAccount than the one they were drawn for.
            let other = rng.pick(&w.service_accounts).clone();
            let (ns, name) = if i % 2 == 1 { (&other.0, &other.1) } else { (ns, name) };
            // A ServiceAccount that neither exists nor is named is no concrete subject: its groups carry the change.
            if name != "default" && !w.service_accounts.contains(&(ns.clone(), name.clone())) {
                continue;
            }
            let request = sample.to_request();
            let user = UserInfo::service_account(ns, name);
            let was = authorize(&before, &user, &request).allowed;
            let is = authorize(&after, &user, &request).allowed;
            let subject = report
                .subjects
                .iter()
                .find(|s| s.subject.kind == "ServiceAccount" && s.subject.namespace == *ns && s.subject.name == *name);
            let added = subject.map(|s| s.covering(&s.added, &request)).unwrap_or(0);
            let removed = subject.map(|s| s.covering(&s.removed, &request)).unwrap_or(0);
            checked += 1;
            changes += usize::from(was != is);
            assert_eq!(
                (added, removed),
                (usize::from(is && !was), usize::from(was && !is)),
                "seed {seed}: {ns}/{name} {request}: before {was}, after {is}; entries {:?}",
                subject.map(|s| (&s.added, &s.removed))
            );
        }
    }
    assert!(changes > 50, "too few changed answers to test: {changes} of {checked}");
}

fn load(name: &str, yaml: &str) -> Cluster {
    let mut b = kubectl_sa::model::ClusterBuilder::default();
    kubectl_sa::source::snapshot::load_text(name, yaml, &mut b).expect("the test state loads");
    b.build()
}

const BASE: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
- {apiGroups: [apps], resources: [deployments], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: api, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: probes}
rules:
- {verbs: [get], nonResourceURLs: ["/*", "/api/v1*", "/healthz"]}
"#;

#[test]
fn a_change_without_effect_gives_an_empty_diff() {
    // Rules reordered, a duplicate binding, a binding to system:masters (allowed everything before RBAC anyway).
    let after = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [list]}
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: api, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader-again, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: User, name: "system:serviceaccount:shop:api"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: masters-probes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: probes}
subjects: [{kind: Group, name: "system:masters"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: probes}
rules:
- {verbs: [get], nonResourceURLs: ["/healthz", "/api/v1*", "/*"]}
"#;
    let report = diff::compare(&load("before", BASE), &load("after", after));
    assert!(report.subjects.is_empty(), "{:?}", report.subjects);
}

#[test]
fn non_resource_urls_with_nested_prefixes_are_exact() {
    // Before: `/*` minus nothing for Group ops; after: `/*` is narrowed to `/api/v1*` and `/healthz`.
    let bind = r#"
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-probes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: probes}
subjects: [{kind: Group, name: ops}]
"#;
    let before = load("before", &format!("{BASE}{bind}"));
    let narrowed = BASE.replace(
        r#"nonResourceURLs: ["/*", "/api/v1*", "/healthz"]"#,
        r#"nonResourceURLs: ["/api/v1*", "/healthz", "/api*"]"#,
    );
    let narrowed = narrowed.replace("verbs: [get], nonResourceURLs", "verbs: [get, post], nonResourceURLs");
    let after = load("after", &format!("{narrowed}{bind}"));
    let report = diff::compare(&before, &after);
    let ops = report.subjects.iter().find(|s| s.subject.name == "ops").expect("Group ops changed");
    let user = UserInfo { groups: vec!["ops".into()], ..Default::default() };
    for path in ["/", "/healthz", "/healthz/x", "/api", "/api/v1", "/api/v1/pods", "/api/v2", "/apis", "/x"] {
        for verb in ["get", "post", "put"] {
            let request = Request::NonResource { verb: verb.into(), path: path.into() };
            let was = authorize(&before, &user, &request).allowed;
            let is = authorize(&after, &user, &request).allowed;
            let added = ops.covering(&ops.added, &request);
            let removed = ops.covering(&ops.removed, &request);
            assert_eq!((added, removed), (usize::from(is && !was), usize::from(was && !is)), "{verb} {path}: {ops:?}");
        }
    }
    assert!(ops.added.iter().all(|e| e.scope == "cluster" && !e.non_resource_urls.is_empty()));
}

fn demo_diff(extra: &[&str]) -> std::process::Output {
    let root = env!("CARGO_MANIFEST_DIR");
    std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sa"))
        .current_dir(root)
        .args(["diff", "--before", "examples/demo-cluster.yaml", "--after", "examples/demo-cluster.yaml"])
        .arg("examples/diff-pr.yaml")
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("kubectl-sa runs")
}

#[test]
fn the_demo_pull_request_in_every_output() {
    let json = demo_diff(&["-o", "json"]);
    assert!(json.status.success(), "{}", String::from_utf8_lossy(&json.stderr));
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    let subject = |kind: &str, ns: &str, name: &str| {
        v["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == kind && s["name"] == name && (ns.is_empty() || s["namespace"] == ns))
            .cloned()
    };
    let prometheus = subject("ServiceAccount", "monitoring", "prometheus").expect("prometheus gains");
    assert!(
        prometheus["added"].as_array().unwrap().iter().any(|e| e["resources"] == serde_json::json!(["nodes/proxy"]))
    );
    let frontend = subject("ServiceAccount", "web", "frontend").expect("web/frontend gains through its group");
    assert!(frontend["added"].as_array().unwrap().iter().all(|e| e["scope"] == "payments"));
    let shipper = subject("ServiceAccount", "monitoring", "log-shipper").expect("log-shipper loses (User alias)");
    assert_eq!(shipper["removed"][0]["resources"], serde_json::json!(["pods"]));
    let added: Vec<&str> =
        v["findings"]["added"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert!(added.contains(&"SA-11"), "{added:?}");
    assert!(v["paths"]["added"].is_array() && v["warnings"].is_array());

    // --fail-on: exit 3 when a finding at or above the severity is added, 0 otherwise.
    assert_eq!(demo_diff(&["--fail-on", "critical"]).status.code(), Some(3));
    assert_eq!(demo_diff(&["--fail-on", "HIGH", "-o", "json"]).status.code(), Some(3));
    let unchanged = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sa"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "diff",
            "--before",
            "examples/demo-cluster.yaml",
            "--after",
            "examples/demo-cluster.yaml",
            "--fail-on",
            "low",
        ])
        .output()
        .unwrap();
    assert_eq!(unchanged.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&unchanged.stdout).contains("0 subjects gain permissions"));

    let text = String::from_utf8(demo_diff(&[]).stdout).unwrap();
    assert!(
        text.contains(
            "+ get,list,watch nodes/proxy  cluster-wide  ClusterRoleBinding/prometheus -> ClusterRole/prometheus"
        ),
        "{text}"
    );
    assert!(text.contains("CRITICAL  SA-11  monitoring/prometheus"), "{text}");
    let markdown = String::from_utf8(demo_diff(&["-o", "markdown"]).stdout).unwrap();
    assert!(markdown.starts_with("### kubectl sa diff") && markdown.contains("| CRITICAL | SA-11"), "{markdown}");
    let sarif: Value = serde_json::from_slice(&demo_diff(&["-o", "sarif"]).stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), added.len());
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sa"))
        .args(["diff", "--before", "/nonexistent/before.yaml", "--after", "/nonexistent/after.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("state before"), "{err}");
}

/// The findings and paths to cluster-admin a diff reports are the differences of two whole audits and two whole
/// searches: the diff's shortcuts (candidates lent from one side's audit to the other, findings built only for
/// fingerprints that differ) change nothing.
#[test]
fn risk_of_a_change_equals_the_difference_of_two_whole_audits() {
    use kubectl_sa::audit::{self, Options};
    use kubectl_sa::paths::{self, Target};
    use std::collections::{BTreeMap, BTreeSet};
    let mut differing = 0;
    for seed in [3, 7] {
        let w = World::generate(seed);
        let before = w.cluster();
        let after = changed(&w, &mut Rng::new(seed * 31));
        let sides = diff::Sides { before_workloads_known: true, after_workloads_known: true };
        let report = diff::compare_with_risk(&before, &after, sides);
        let options = Options { workloads_known: true, ..Default::default() };
        let whole = |c: &Cluster| -> BTreeMap<String, String> {
            let findings = audit::audit(c, &options).findings;
            findings.into_iter().map(|f| (f.fingerprint.clone(), serde_json::to_string(&f).unwrap())).collect()
        };
        let (was, is) = (whole(&before), whole(&after));
        let only = |a: &BTreeMap<String, String>, b: &BTreeMap<String, String>| -> BTreeMap<String, String> {
            a.iter().filter(|(k, _)| !b.contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        let reported = |findings: &[audit::Finding]| -> BTreeMap<String, String> {
            findings.iter().map(|f| (f.fingerprint.clone(), serde_json::to_string(f).unwrap())).collect()
        };
        assert_eq!(reported(&report.findings.added), only(&is, &was), "seed {seed}: findings added");
        assert_eq!(reported(&report.findings.removed), only(&was, &is), "seed {seed}: findings removed");
        differing += report.findings.added.len() + report.findings.removed.len();

        let reaching = |c: &Cluster| -> BTreeSet<(String, String)> {
            let starts = audit::shown_service_accounts(c, &options);
            paths::steps_to(c, Target::ClusterAdmin, &starts, paths::DEFAULT_MAX_STEPS).into_keys().collect()
        };
        let (was, is) = (reaching(&before), reaching(&after));
        let from = |p: &[paths::Path]| -> BTreeSet<(String, String)> {
            p.iter().map(|p| (p.from.namespace.clone(), p.from.name.clone())).collect()
        };
        assert_eq!(from(&report.paths.added), is.difference(&was).cloned().collect(), "seed {seed}: paths added");
        assert_eq!(from(&report.paths.removed), was.difference(&is).cloned().collect(), "seed {seed}: paths removed");
        differing += report.paths.added.len() + report.paths.removed.len();
    }
    assert!(differing > 10, "too few differing findings and paths to test: {differing}");
}
