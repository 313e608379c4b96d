//! The RBAC that operators ship, read as a user reviewing it would (tests/fixtures/corpus/, without the CRDs its
//! rules name): for every request those rules name, plus neighbours, who-can must list exactly the ServiceAccounts
//! of the corpus that SubjectAccessReview allows: live, on a `kubectl get` snapshot, and on the manifest files read
//! on top of the cluster they are applied to.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kubectl_sa::model::{Cluster, ClusterBuilder, Rule};
use kubectl_sa::rbac::{Request, WhoCanScope, who_can};
use kubectl_sa::source::ConnectionSettings;
use kubectl_sa::source::{Loaded, load};
use serde_json::{Value, json};
use support::cluster::{TestCluster, repo_root, shared};
use support::review::{allowed_all, listed_service_accounts, runtime, sa_review};
use support::world::Rng;

const CORPUS: &str = "tests/fixtures/corpus";

fn corpus_dir() -> PathBuf {
    repo_root().join(CORPUS)
}

/// The corpus alone, as kubectl-sa reads manifest files.
fn corpus_cluster() -> Cluster {
    let mut builder = ClusterBuilder::default();
    kubectl_sa::source::snapshot::load_paths(&[corpus_dir()], &mut builder).expect("the corpus loads");
    builder.build()
}

fn flags(files: &[&Path], c: &TestCluster) -> ConnectionSettings {
    ConnectionSettings {
        kubeconfig: files.is_empty().then(|| c.kubeconfig.clone()),
        filename: files.iter().map(|p| p.to_path_buf()).collect(),
        request_timeout: Some(Duration::from_secs(30)),
        ..Default::default()
    }
}

/// Every (verb, group, resource, subresource, name) a rule names, wildcards made concrete, at `namespaces`, and
/// the neighbours that differ in one dimension.
fn requests_of(rule: &Rule, namespaces: &[String], out: &mut BTreeSet<RequestKey>) {
    let expand = |v: &[String], star: &[&str]| -> Vec<String> {
        v.iter()
            .flat_map(|x| if x == "*" { star.iter().map(|s| s.to_string()).collect() } else { vec![x.clone()] })
            .collect()
    };
    if !rule.non_resource_urls.is_empty() {
        for verb in expand(&rule.verbs, &["get", "*", "frobnicate"]).into_iter().chain(["put".to_string()]) {
            for url in &rule.non_resource_urls {
                let path = match url.as_str() {
                    "*" => "/anything".to_string(),
                    u if u.ends_with('*') => format!("{}x", u.trim_end_matches('*')),
                    u => u.to_string(),
                };
                for p in [path.clone(), format!("{path}/deeper"), path.trim_end_matches('/').to_string() + "z"] {
                    out.insert(RequestKey::Path(verb.clone(), p));
                }
            }
        }
        return;
    }
    let verbs = expand(&rule.verbs, &["get", "*", "frobnicate"]);
    let groups = expand(&rule.api_groups, &["", "made.up.io"]);
    let mut names: Vec<String> = rule.resource_names.clone();
    names.push(String::new());
    for resource_entry in &rule.resources {
        let (res, sub) = match resource_entry.split_once('/') {
            Some(("*", sub)) => ("deployments".to_string(), sub.to_string()),
            Some((r, s)) => (r.to_string(), s.to_string()),
            None if resource_entry == "*" => ("made-up-things".to_string(), String::new()),
            None => (resource_entry.clone(), String::new()),
        };
        for group in &groups {
            for ns in namespaces {
                for verb in verbs.iter().cloned().chain(["deletecollection".to_string(), "escalate".to_string()]) {
                    for name in names.iter().cloned().chain(["not-listed".to_string()]) {
                        out.insert(RequestKey::Resource(
                            verb.clone(),
                            group.clone(),
                            res.clone(),
                            sub.clone(),
                            name,
                            ns.clone(),
                        ));
                    }
                }
                // Neighbours: another group, the subresource added or taken away.
                let verb = verbs[0].clone();
                out.insert(RequestKey::Resource(
                    verb.clone(),
                    "other.example.io".into(),
                    res.clone(),
                    sub.clone(),
                    String::new(),
                    ns.clone(),
                ));
                let other_sub = if sub.is_empty() { "status".to_string() } else { String::new() };
                out.insert(RequestKey::Resource(
                    verb,
                    group.clone(),
                    res.clone(),
                    other_sub,
                    String::new(),
                    ns.clone(),
                ));
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum RequestKey {
    /// verb, group, resource, subresource, name, namespace
    Resource(String, String, String, String, String, String),
    Path(String, String),
}

impl RequestKey {
    fn request(&self) -> Request {
        match self {
            RequestKey::Resource(v, g, r, s, n, ns) => Request::resource(v, g, r, s, n, ns),
            RequestKey::Path(v, p) => Request::NonResource { verb: v.clone(), path: p.clone() },
        }
    }

    /// The words a user types for it.
    fn cli_words(&self) -> Vec<String> {
        match self {
            RequestKey::Path(v, p) => vec![v.clone(), p.clone()],
            RequestKey::Resource(v, g, r, s, n, ns) => {
                let mut words = vec![v.clone()];
                let mut spec = if r.contains('.') || g.is_empty() { r.clone() } else { format!("{r}.{g}") };
                if !s.is_empty() {
                    spec = format!("{spec}/{s}");
                }
                words.push(spec);
                if !n.is_empty() {
                    words.push(n.clone());
                }
                if r.contains('.') {
                    words.extend(["--group".to_string(), g.clone()]);
                }
                if ns.is_empty() {
                    words.push("--cluster-scope".into());
                } else {
                    words.extend(["-n".to_string(), ns.clone()]);
                }
                words
            }
        }
    }
}

fn attributes(r: &Request) -> Value {
    match r {
        Request::Resource { verb, attrs } => json!({"resourceAttributes": {"verb": verb, "group": attrs.group,
            "resource": attrs.resource, "subresource": attrs.subresource, "name": attrs.name, "namespace": attrs.namespace}}),
        Request::NonResource { verb, path } => json!({"nonResourceAttributes": {"verb": verb, "path": path}}),
    }
}

/// The request a who-can JSON answer says it answered.
fn answered(v: &Value) -> Request {
    let r = &v["request"];
    let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
    match r.get("path") {
        Some(path) => Request::NonResource { verb: s("verb"), path: path.as_str().unwrap().to_string() },
        None => {
            Request::resource(&s("verb"), &s("group"), &s("resource"), &s("subresource"), &s("name"), &s("namespace"))
        }
    }
}

fn listed(l: &Cluster, r: &Request, corpus_sas: &BTreeSet<(String, String)>) -> BTreeSet<(String, String)> {
    who_can(l, r, &WhoCanScope::Request)
        .service_accounts
        .into_iter()
        .filter(|s| s.exists)
        .map(|s| (s.namespace, s.name))
        .filter(|sa| corpus_sas.contains(sa))
        .collect()
}

#[test]
fn who_can_agrees_with_subject_access_review_on_the_rbac_operators_ship() {
    let c = shared();
    let rt = runtime();
    let client = rt.block_on(c.client());
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus_cluster();
    let corpus_sas: BTreeSet<(String, String)> = corpus.service_accounts.keys().cloned().collect();
    assert!(corpus_sas.len() >= 15, "the corpus has ServiceAccounts: {corpus_sas:?}");

    // The cluster before the corpus: the manifests are read on top of it, as when reviewing a change to it.
    let before = tmp.path().join("before.yaml");
    std::fs::write(&before, c.snapshot_yaml()).unwrap();
    c.kubectl_ok(&["apply", "-f", &corpus_dir().to_string_lossy()], None);

    // Wait for the controllers: aggregated ClusterRoles filled (their stored rules are what the server evaluates).
    let deadline = Instant::now() + Duration::from_secs(60);
    let live: Loaded = loop {
        let l = rt.block_on(load(&flags(&[], c))).expect("live load");
        if !l.cluster.has_computed_aggregation()
            && corpus_sas.iter().all(|(ns, n)| l.cluster.service_account(ns, n).is_some())
        {
            break l;
        }
        assert!(Instant::now() < deadline, "controllers did not settle in 60 s: {:?}", l.cluster.notes);
        std::thread::sleep(Duration::from_millis(300));
    };
    let after = tmp.path().join("after.yaml");
    std::fs::write(&after, c.snapshot_yaml()).unwrap();
    let snapshot = rt.block_on(load(&flags(&[&after], c))).expect("snapshot load");
    let dir = corpus_dir();
    let manifests = rt.block_on(load(&flags(&[&before, &dir], c))).expect("manifest load");
    assert!(
        manifests.cluster.has_computed_aggregation(),
        "the manifests' aggregation labels are evaluated as the controller would"
    );

    // The requests: every rule of the corpus, at the namespaces where it applies and at cluster scope.
    let mut keys = BTreeSet::new();
    let corpus_namespaces: Vec<String> = corpus.namespaces.keys().cloned().collect();
    for role in corpus.cluster_roles.values().chain(corpus.roles.values()) {
        let mut namespaces: Vec<String> = if role.namespace.is_empty() {
            let mut ns: Vec<String> = corpus
                .role_bindings
                .iter()
                .filter(|b| b.role_ref.kind == "ClusterRole" && b.role_ref.name == role.name)
                .map(|b| b.namespace.clone())
                .collect();
            ns.push(String::new());
            ns
        } else {
            vec![role.namespace.clone()]
        };
        namespaces.push(corpus_namespaces[keys.len() % corpus_namespaces.len()].clone());
        namespaces.sort();
        namespaces.dedup();
        for rule in &role.rules {
            requests_of(rule, &namespaces, &mut keys);
        }
    }
    let mut keys: Vec<RequestKey> = keys.into_iter().collect();
    let total = keys.len();
    // A bounded, seeded sample keeps the run short: every rule contributes (the keys are in rule order).
    let mut rng = Rng::new(5284);
    let budget = 700;
    if keys.len() > budget {
        let mut picked = Vec::with_capacity(budget);
        for (i, k) in keys.iter().enumerate() {
            if rng.below(keys.len() - i) < budget - picked.len() {
                picked.push(k.clone());
            }
        }
        keys = picked;
    }

    let sas: Vec<&(String, String)> = corpus_sas.iter().collect();
    let mut failures = Vec::new();
    let (mut reviews_sent, mut allowed_pairs) = (0usize, 0usize);
    for key in &keys {
        let request = key.request();
        let reviews = sas.iter().map(|(ns, n)| sa_review(ns, n, attributes(&request))).collect();
        let answers = rt.block_on(allowed_all(&client, reviews));
        reviews_sent += answers.len();
        let expected: BTreeSet<(String, String)> =
            sas.iter().zip(&answers).filter(|(_, a)| **a).map(|(sa, _)| (*sa).clone()).collect();
        allowed_pairs += expected.len();
        for (label, l) in [("live", &live), ("kubectl get snapshot", &snapshot), ("manifest files", &manifests)] {
            let got = listed(&l.cluster, &request, &corpus_sas);
            if got != expected {
                failures.push(format!("who-can {request} ({label}): SAR allows {expected:?}, who-can lists {got:?}"));
            }
        }
    }

    // The binary, typing the requests as a user would, on the three sources.
    let mut cli_checks = 0;
    for key in keys.iter().step_by((keys.len() / 40).max(1)) {
        let words = key.cli_words();
        for files in [vec![], vec![after.clone()], vec![before.clone(), dir.clone()]] {
            let mut cmd = c.kubectl_sa();
            for f in &files {
                cmd.arg("-f").arg(f);
            }
            let out = cmd.arg("who-can").args(&words).args(["-o", "json"]).output().unwrap();
            assert!(out.status.success(), "who-can {words:?}: {}", String::from_utf8_lossy(&out.stderr));
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            // What the binary says it answered is what the review asks, but for the two rewrites a real request
            // makes: a cluster-scoped resource's namespace is dropped, and a named namespace is its own namespace
            // (`/api/v1/namespaces/NAME` is in namespace NAME).
            let request = answered(&v);
            let intended = key.request();
            let namespace_named = matches!(&request, Request::Resource { attrs, .. }
                if attrs.group.is_empty() && attrs.resource == "namespaces" && attrs.namespace == attrs.name);
            if request != intended && request.namespace() != "" && !namespace_named {
                failures.push(format!("who-can {words:?} answered {request}, not {intended}"));
            }
            let reviews = sas.iter().map(|(ns, n)| sa_review(ns, n, attributes(&request))).collect();
            let answers = rt.block_on(allowed_all(&client, reviews));
            let expected: BTreeSet<String> =
                sas.iter().zip(&answers).filter(|(_, a)| **a).map(|((ns, n), _)| format!("{ns}/{n}")).collect();
            let got: BTreeSet<String> = listed_service_accounts(&v)
                .into_iter()
                .filter(|s| sas.iter().any(|(ns, n)| format!("{ns}/{n}") == *s))
                .collect();
            cli_checks += 1;
            if got != expected {
                failures.push(format!(
                    "`kubectl sa who-can {}` ({files:?}): SAR allows {expected:?}, listed {got:?}",
                    words.join(" ")
                ));
            }
        }
    }
    c.kubectl_ok(
        &["delete", "--ignore-not-found", "--wait=true", "--timeout=120s", "-f", &dir.to_string_lossy()],
        None,
    );
    // The tests that run after this one see the built-in roles as they were: wait for the aggregation controller
    // to take the corpus's rules out of view, edit and admin again.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let l = rt.block_on(load(&flags(&[], c))).expect("live load");
        let leftover = ["view", "edit", "admin"].iter().any(|name| {
            l.cluster.cluster_roles.get(*name).is_some_and(|r| {
                r.rules
                    .iter()
                    .any(|rule| rule.api_groups.iter().any(|g| g.ends_with("example.com") || g.ends_with("example.io")))
            })
        });
        if !leftover {
            break;
        }
        assert!(Instant::now() < deadline, "the aggregation controller kept the corpus's rules for 60 s");
        std::thread::sleep(Duration::from_millis(300));
    }
    eprintln!(
        "corpus: {} rules' requests ({total} with neighbours, {} checked), {} ServiceAccounts, {reviews_sent} \
         SubjectAccessReviews ({allowed_pairs} allowed), x3 sources; {cli_checks} binary checks; {} disagreements",
        corpus.cluster_roles.values().chain(corpus.roles.values()).map(|r| r.rules.len()).sum::<usize>(),
        keys.len(),
        sas.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} disagreements with kube-apiserver:\n{}", failures.len(), failures.join("\n"));
    assert!(allowed_pairs > 200, "the corpus's grants were exercised: {allowed_pairs}");
}
