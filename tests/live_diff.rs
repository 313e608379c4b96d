//! `diff` against the real API server: a state is applied and snapshotted, a change is applied and snapshotted;
//! for thousands of sampled requests of the world's ServiceAccounts, the requests whose SubjectAccessReview answer
//! changed are exactly those the diff's entries cover: none missed, no phantom.

mod support;

use std::time::{Duration, Instant};

use kubectl_sa::diff;
use kubectl_sa::model::Cluster;
use kubectl_sa::rbac::Request;
use serde_json::{Value, json};
use support::cluster::{TestCluster, shared};
use support::review::{allowed_all, runtime};
use support::world::{Asker, Rng, World};

/// A snapshot of the cluster and the answers to `reviews`, once the controllers and the authorizer's caches have
/// caught up: the aggregation controller has filled every aggregated role, the snapshot is the same before and
/// after the reviews, and two rounds of reviews agree (bounded: 60 s).
fn settled(
    c: &TestCluster,
    rt: &tokio::runtime::Runtime,
    client: &kube::Client,
    dir: &std::path::Path,
    name: &str,
    reviews: &[Value],
) -> (std::path::PathBuf, Cluster, Vec<bool>) {
    let path = dir.join(name);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last: Option<Vec<bool>> = None;
    loop {
        let text = c.snapshot_yaml();
        let mut b = kubectl_sa::model::ClusterBuilder::default();
        kubectl_sa::source::snapshot::load_text(name, &text, &mut b).expect("snapshot loads");
        let cluster = b.build();
        if !cluster.has_computed_aggregation() {
            let answers = rt.block_on(allowed_all(client, reviews.to_vec()));
            if c.snapshot_yaml() == text && last.as_ref() == Some(&answers) {
                std::fs::write(&path, &text).unwrap();
                return (path, cluster, answers);
            }
            last = Some(answers);
        }
        assert!(Instant::now() < deadline, "the cluster did not settle in 60 s");
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn list(items: Vec<Value>) -> String {
    json!({"apiVersion": "v1", "kind": "List", "items": items}).to_string()
}

fn rbac(kind: &str, ns: Option<&str>, name: &str, body: Value) -> Value {
    let mut meta = json!({"name": name});
    if let Some(ns) = ns {
        meta["namespace"] = json!(ns);
    }
    let mut o = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta});
    for (k, v) in body.as_object().unwrap() {
        o[k] = v.clone();
    }
    o
}

fn role_ref(kind: &str, name: &str) -> Value {
    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name})
}

fn sa_subject(ns: &str, name: &str) -> Value {
    json!([{"kind": "ServiceAccount", "namespace": ns, "name": name}])
}

#[test]
fn the_entries_cover_exactly_the_requests_whose_subject_access_review_changed() {
    let c = shared();
    let rt = runtime();
    let client = rt.block_on(c.client());
    let dir = tempfile::tempdir().unwrap();
    let seed = 91;
    let w = World::generate(seed);
    let (ns0, ns1) = (format!("w{seed}-ns0"), format!("w{seed}-ns1"));
    // Targeted cases beside the random world: a binding whose Role appears only after, a role that goes away, a
    // binding that moves between namespaces, a group binding, an aggregation label, and changes without effect
    // (reordered rules, a duplicate binding) for w91-ns0/sa0's neighbour `noop`.
    let noop_rules = json!([
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]},
        {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["list"]}
    ]);
    let before_extra = vec![
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "noop", "namespace": ns0}}),
        rbac(
            "RoleBinding",
            Some(&ns0),
            "d-late-role",
            json!({"roleRef": role_ref("Role", "d-late"), "subjects": sa_subject(&ns0, "sa0")}),
        ),
        rbac(
            "Role",
            Some(&ns0),
            "d-gone",
            json!({"rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]}),
        ),
        rbac(
            "RoleBinding",
            Some(&ns0),
            "d-gone",
            json!({"roleRef": role_ref("Role", "d-gone"), "subjects": sa_subject(&ns0, "sa1")}),
        ),
        rbac(
            "ClusterRole",
            None,
            "d-moving",
            json!({"rules": [{"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}]}),
        ),
        rbac(
            "RoleBinding",
            Some(&ns0),
            "d-moving",
            json!({"roleRef": role_ref("ClusterRole", "d-moving"), "subjects": sa_subject(&ns0, "sa2")}),
        ),
        rbac("Role", Some(&ns0), "d-noop", json!({"rules": noop_rules})),
        rbac(
            "RoleBinding",
            Some(&ns0),
            "d-noop",
            json!({"roleRef": role_ref("Role", "d-noop"), "subjects": sa_subject(&ns0, "noop")}),
        ),
    ];
    let mut objects = w.objects.clone();
    objects.extend(before_extra);
    c.kubectl_ok(&["apply", "-f", "-"], Some(&list(objects)));

    let mut rng = Rng::new(seed);
    let mut samples: Vec<(String, String, Request, Value)> = (0..6000)
        .filter_map(|_| {
            let (asker, sample) = w.sample_asked(&mut rng);
            let Asker::Sa(ns, name) = asker else { return None };
            if !w.service_accounts.contains(&(ns.clone(), name.clone())) {
                return None;
            }
            let review = sample.sar(&ns, &name);
            Some((ns, name, sample.to_request(), review))
        })
        .collect();
    // Every ServiceAccount, asked requests drawn for others too.
    for (ns, name) in w.service_accounts.iter().chain([&(ns0.clone(), "noop".to_string())]) {
        for _ in 0..40 {
            let (_, sample) = w.sample_asked(&mut rng);
            samples.push((ns.clone(), name.clone(), sample.to_request(), sample.sar(ns, name)));
        }
    }
    let reviews: Vec<Value> = samples.iter().map(|s| s.3.clone()).collect();
    let (before_path, before, was) = settled(c, &rt, &client, dir.path(), "before.yaml", &reviews);

    // The change: a random sixth of the world's roles and bindings deleted, a fifth of its roles rewritten, and the
    // targeted cases.
    let (mut gone, mut rewritten) = (Vec::new(), Vec::new());
    for o in &w.objects {
        let kind = o["kind"].as_str().unwrap_or("");
        if !matches!(kind, "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding") {
            continue;
        }
        if rng.chance(16) {
            gone.push(o.clone());
        } else if matches!(kind, "Role" | "ClusterRole") && o["rules"].is_array() && rng.chance(20) {
            let mut o = o.clone();
            for r in o["rules"].as_array_mut().unwrap() {
                if rng.chance(50) {
                    r["verbs"] = json!(["*"]);
                } else {
                    r["resourceNames"] = json!(["n1"]);
                }
            }
            rewritten.push(o);
        }
    }
    gone.push(rbac("Role", Some(&ns0), "d-gone", json!({})));
    gone.push(rbac("RoleBinding", Some(&ns0), "d-moving", json!({})));
    rewritten.extend([
        rbac("Role", Some(&ns0), "d-late", json!({"rules": [{"apiGroups": [""], "resources": ["services"], "verbs": ["get", "list"]}]})),
        rbac("RoleBinding", Some(&ns1), "d-moving", json!({"roleRef": role_ref("ClusterRole", "d-moving"), "subjects": sa_subject(&ns0, "sa2")})),
        rbac("RoleBinding", Some(&ns1), "d-group", json!({"roleRef": role_ref("ClusterRole", "d-moving"),
            "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": format!("system:serviceaccounts:{ns1}")}]})),
        rbac("ClusterRole", None, "d-aggregated-in", json!({"metadata": {"name": "d-aggregated-in", "labels": {format!("kubectl-sa.test/agg-w{seed}"): "true"}},
            "rules": [{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create"]}]})),
        rbac("Role", Some(&ns0), "d-noop", json!({"rules": [noop_rules[1].clone(), noop_rules[0].clone()]})),
        rbac("RoleBinding", Some(&ns0), "d-noop-again", json!({"roleRef": role_ref("Role", "d-noop"), "subjects": sa_subject(&ns0, "noop")})),
    ]);
    c.kubectl_ok(&["delete", "--ignore-not-found", "-f", "-"], Some(&list(gone)));
    c.kubectl_ok(&["apply", "-f", "-"], Some(&list(rewritten)));
    let (after_path, after, is) = settled(c, &rt, &client, dir.path(), "after.yaml", &reviews);

    let report = diff::compare(&before, &after);
    let (mut missed, mut phantom, mut changed, mut failures) = (0, 0, 0, Vec::new());
    for ((ns, name, request, _), (was, is)) in samples.iter().zip(was.iter().zip(&is)) {
        let subject = report
            .subjects
            .iter()
            .find(|s| s.subject.kind == "ServiceAccount" && s.subject.namespace == *ns && s.subject.name == *name);
        let added = subject.map(|s| s.covering(&s.added, request)).unwrap_or(0);
        let removed = subject.map(|s| s.covering(&s.removed, request)).unwrap_or(0);
        let expected = (usize::from(*is && !*was), usize::from(*was && !*is));
        changed += usize::from(was != is);
        if (added, removed) != expected {
            if expected == (0, 0) {
                phantom += 1
            } else {
                missed += 1
            }
            if failures.len() < 5 {
                failures.push(format!(
                    "{ns}/{name} {request}: SAR before {was}, after {is}; diff added {added}, removed {removed}"
                ));
            }
        }
    }
    let asked: std::collections::BTreeSet<(&str, &str)> =
        samples.iter().map(|s| (s.0.as_str(), s.1.as_str())).collect();
    assert!(asked.len() > w.service_accounts.len(), "every ServiceAccount is asked");
    assert!(changed >= 100, "the change altered only {changed} sampled answers");
    assert_eq!((missed, phantom), (0, 0), "{changed} answers changed of {}:\n{}", samples.len(), failures.join("\n"));
    eprintln!(
        "{} sampled requests of {} ServiceAccounts, {changed} answers changed, 0 missed, 0 phantom",
        samples.len(),
        asked.len()
    );

    // The changes without effect leave their ServiceAccount out; the targeted ones are there.
    let listed =
        |ns: &str, name: &str| report.subjects.iter().any(|s| s.subject.namespace == ns && s.subject.name == name);
    // `noop` also holds what the world's group bindings give every ServiceAccount, so it may be listed for those;
    // nothing it gains or loses may come from the reordered Role or the duplicate binding.
    let noop = report.subjects.iter().filter(|s| s.subject.namespace == ns0 && s.subject.name == "noop");
    for e in noop.flat_map(|s| s.added.iter().chain(&s.removed)) {
        assert!(
            e.via.iter().all(|v| !v.binding.contains("d-noop")),
            "reordered rules and a duplicate binding change nothing: {e:?}"
        );
    }
    for sa in ["sa0", "sa1", "sa2"] {
        assert!(listed(&ns0, sa), "{ns0}/{sa}");
    }
    // The binary says the same.
    let out = c
        .kubectl_sa()
        .args(["diff", "--before"])
        .arg(&before_path)
        .arg("--after")
        .arg(&after_path)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["subjects"].as_array().unwrap().len(), report.subjects.len());
}
