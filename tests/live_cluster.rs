//! Tests against the real test cluster (tests/cluster/up.sh): the API server is the judge.
//!
//! All live tests live in this one test binary so they share one cluster.

mod support;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use kubectl_sa::rbac::{UserInfo, WhoCanScope, bindings_for_user, server_allows, who_can};
use kubectl_sa::source::ConnectionSettings;
use kubectl_sa::source::{Loaded, load};
use serde_json::{Value, json};
use support::cluster::{TestCluster, shared};
use support::review::{allowed_all, listed_service_accounts, runtime};
use support::world::{Asker, CRD, Rng, Sample, World, classes};

/// Serialises tests that change cluster state, and installs the shared CRD once.
fn cluster() -> &'static TestCluster {
    static READY: OnceLock<()> = OnceLock::new();
    let c = shared();
    READY.get_or_init(|| {
        c.kubectl_ok(&["apply", "-f", "-"], Some(CRD));
        c.kubectl_ok(&["wait", "--for=condition=Established", "--timeout=60s", "crd/widgets.example.com"], None);
    });
    c
}

fn live_flags(c: &TestCluster) -> ConnectionSettings {
    ConnectionSettings {
        kubeconfig: Some(c.kubeconfig.clone()),
        request_timeout: Some(Duration::from_secs(30)),
        chunk_size: None,
        ..Default::default()
    }
}

fn snapshot_flags(path: &Path) -> ConnectionSettings {
    ConnectionSettings {
        filename: vec![path.to_path_buf()],
        request_timeout: None,
        chunk_size: None,
        ..Default::default()
    }
}

/// Loads the cluster live and from a fresh `kubectl get -o yaml` snapshot, once the controllers have settled
/// (default ServiceAccounts created, aggregated ClusterRoles filled).
fn load_both(c: &TestCluster, rt: &tokio::runtime::Runtime, w: &World, snap_path: &Path) -> (Loaded, Loaded) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let live = rt.block_on(load(&live_flags(c))).expect("live load");
        std::fs::write(snap_path, c.snapshot_yaml()).unwrap();
        let snap = rt.block_on(load(&snapshot_flags(snap_path))).expect("snapshot load");
        let settled = |l: &Loaded| {
            !l.cluster.has_computed_aggregation()
                && w.service_accounts.iter().all(|(ns, name)| l.cluster.service_account(ns, name).is_some())
        };
        if settled(&live) && settled(&snap) {
            return (live, snap);
        }
        assert!(
            Instant::now() < deadline,
            "seed {}: controllers did not settle in 60 s: {:?}",
            w.seed,
            live.cluster.notes
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The objects that decide a request for an SA: its bindings and their roles' rules.
fn minimal_objects(l: &Loaded, user: &UserInfo) -> String {
    let mut out = String::new();
    for id in bindings_for_user(&l.cluster, user) {
        let b = l.cluster.binding(id);
        out.push_str(&format!(
            "  {} {}/{} -> {} {}\n",
            b.kind.as_str(),
            b.namespace,
            b.name,
            b.role_ref.kind,
            b.role_ref.name
        ));
        match l.cluster.resolve_role(b) {
            Ok(role) => role.rules.iter().for_each(|r| out.push_str(&format!("      {r}\n"))),
            Err(e) => out.push_str(&format!("      (dangling: {e})\n")),
        }
    }
    out
}

fn seeds() -> Vec<u64> {
    match std::env::var("KUBECTL_SA_DIFF_SEEDS") {
        Ok(s) if !s.trim().is_empty() => s.split(',').map(|x| x.trim().parse().expect("numeric seed")).collect(),
        _ => vec![11, 22, 33, 44],
    }
}

static STATE_LOCK: Mutex<()> = Mutex::new(());

#[test]
fn differential_conformance_against_subject_access_review() {
    let _guard = STATE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let rt = runtime();
    let client = rt.block_on(c.client());
    let tmp = tempfile::tempdir().unwrap();
    let snap_path = tmp.path().join("snapshot.yaml");
    let per_seed: usize = std::env::var("KUBECTL_SA_DIFF_REQUESTS").ok().and_then(|s| s.parse().ok()).unwrap_or(1400);
    let mut checks = 0usize;
    let mut who_can_checks = 0usize;
    let mut cli_checks = 0usize;
    let mut server_allows_count = 0usize;
    let mut user_checks = 0usize;
    let mut by_class: std::collections::BTreeMap<&str, usize> = Default::default();
    let (mut matrix_cells, mut matrix_some) = (0usize, 0usize);
    let mut failures: Vec<String> = Vec::new();

    for seed in seeds() {
        let w = World::generate(seed);
        c.kubectl_ok(&["apply", "-f", "-"], Some(&w.manifest()));
        let (live, snap) = load_both(c, &rt, &w, &snap_path);
        let mut rng = Rng::new(seed.wrapping_mul(7919));

        // 1. Decisions over the whole SubjectAccessReview space: SAR vs library (live) vs library (snapshot).
        let cases: Vec<(Asker, Sample)> = (0..per_seed).map(|_| w.sample_asked(&mut rng)).collect();
        let server = rt.block_on(allowed_all(&client, cases.iter().map(|(a, s)| s.sar_for(a)).collect()));
        for ((asker, sample), server_allowed) in cases.iter().zip(&server) {
            let user = asker.user();
            let req = sample.to_request();
            let a_live = server_allows(&live.cluster, &user, &req);
            let a_snap = server_allows(&snap.cluster, &user, &req);
            checks += 1;
            server_allows_count += usize::from(*server_allowed);
            if matches!(asker, Asker::User { .. }) {
                user_checks += 1;
            }
            for class in classes(asker, sample) {
                *by_class.entry(class).or_default() += 1;
            }
            if a_live != *server_allowed || a_snap != *server_allowed {
                failures.push(format!(
                    "seed {seed}: {asker} {req}\n  SubjectAccessReview allowed={server_allowed} live={a_live} snapshot={a_snap}\n{}",
                    minimal_objects(&live, &user)
                ));
            }
        }

        // 2. who-can: the existing ServiceAccounts listed must be exactly those SAR allows.
        let world_sas: BTreeSet<(String, String)> = w.service_accounts.iter().cloned().collect();
        for _ in 0..40 {
            let (_, sample) = w.sample_asked(&mut rng);
            let req = sample.to_request();
            let reviews = w.service_accounts.iter().map(|(ns, n)| sample.sar(ns, n)).collect();
            let allowed = rt.block_on(allowed_all(&client, reviews));
            let expected: BTreeSet<(String, String)> =
                w.service_accounts.iter().zip(&allowed).filter(|(_, a)| **a).map(|(sa, _)| sa.clone()).collect();
            for (label, l) in [("live", &live), ("snapshot", &snap)] {
                let got: BTreeSet<(String, String)> = who_can(&l.cluster, &req, &WhoCanScope::Request)
                    .service_accounts
                    .into_iter()
                    .filter(|s| s.exists)
                    .map(|s| (s.namespace, s.name))
                    .filter(|sa| world_sas.contains(sa))
                    .collect();
                who_can_checks += 1;
                if got != expected {
                    failures.push(format!(
                        "seed {seed}: who-can {req} ({label})\n  SAR allows {expected:?}\n  who-can lists {got:?}"
                    ));
                }
            }
        }

        // 3. The binary itself, live and on the kubectl snapshot: explain's exit status (ServiceAccounts and --as
        //    users, every request shape typed as a user would) and who-can's JSON.
        for i in 0..16 {
            let (asker, sample) = w.sample_asked(&mut rng);
            let server_allowed = rt.block_on(allowed_all(&client, vec![sample.sar_for(&asker)]))[0];
            let args = sample.cli_args_drawn(&mut rng);
            for source in [None, Some(&snap_path)] {
                let mut cmd = c.kubectl_sa();
                if let Some(p) = source {
                    cmd.arg("-f").arg(p);
                }
                let out = cmd.arg("explain").args(asker.cli_args()).args(&args).args(["-o", "json"]).output().unwrap();
                let code = out.status.code().unwrap();
                cli_checks += 1;
                let label = if source.is_some() { "snapshot" } else { "live" };
                let sent: Option<Value> = serde_json::from_slice::<Value>(&out.stdout).ok().map(|v| v["user"].clone());
                if code != if server_allowed { 0 } else { 1 } {
                    failures.push(format!(
                        "seed {seed}: `kubectl sa explain {} {}` ({label}) exited {code}, SAR allowed={server_allowed}: {}",
                        asker.cli_args().join(" "),
                        args.join(" "),
                        String::from_utf8_lossy(&out.stderr)
                    ));
                } else if sent.as_ref().map(|u| (&u["username"], &u["groups"]))
                    != Some((&json!(asker.user().username), &json!(asker.user().groups)))
                {
                    failures.push(format!("seed {seed}: explain evaluated {sent:?}, not {asker}'s identity"));
                }
            }
            if i % 4 == 0 {
                let reviews = w.service_accounts.iter().map(|(ns, n)| sample.sar(ns, n)).collect();
                let allowed = rt.block_on(allowed_all(&client, reviews));
                let expected: BTreeSet<String> = w
                    .service_accounts
                    .iter()
                    .zip(&allowed)
                    .filter(|(_, a)| **a)
                    .map(|((ns, n), _)| format!("{ns}/{n}"))
                    .collect();
                for source in [None, Some(&snap_path)] {
                    let mut cmd = c.kubectl_sa();
                    if let Some(p) = source {
                        cmd.arg("-f").arg(p);
                    }
                    let mut args = args.clone();
                    args.extend(["-o".to_string(), "json".to_string()]);
                    let out = cmd.arg("who-can").args(&args).output().unwrap();
                    assert!(out.status.success(), "who-can {args:?}: {}", String::from_utf8_lossy(&out.stderr));
                    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
                    let got: BTreeSet<String> = listed_service_accounts(&v)
                        .into_iter()
                        .filter(|s| s.starts_with(&format!("{}-", w.prefix)))
                        .collect();
                    cli_checks += 1;
                    if got != expected {
                        failures.push(format!(
                            "seed {seed}: `kubectl sa who-can {}`: SAR allows {expected:?}, listed {got:?}",
                            args.join(" ")
                        ));
                    }
                }
            }
        }
        // 4. matrix: every cell of a sample of ServiceAccounts equals SAR; `some` cells are true exactly for their names.
        let (m_cells, m_some, m_failures) = matrix_cells_agree(c, &rt, &client, &w, &live, &mut rng);
        matrix_cells += m_cells;
        matrix_some += m_some;
        failures.extend(m_failures);
        c.kubectl_ok(
            &["delete", "--wait=true", "--timeout=120s", "--ignore-not-found", "-f", "-"],
            Some(&w.manifest()),
        );
    }
    eprintln!(
        "matrix: {matrix_cells} cells compared with SubjectAccessReview, {matrix_some} `some` cells checked by name"
    );
    assert!(matrix_some > 0 || std::env::var("KUBECTL_SA_DIFF_REQUESTS").is_ok(), "no `some` cell was exercised");
    assert!(
        matrix_cells >= 2000 || std::env::var("KUBECTL_SA_DIFF_REQUESTS").is_ok(),
        "too few matrix cells: {matrix_cells}"
    );
    eprintln!(
        "differential: {checks} request checks (x3 answers; {user_checks} asked for users; the server allowed \
         {server_allows_count}), {who_can_checks} who-can set checks, {cli_checks} binary checks, {} disagreements",
        failures.len()
    );
    // A test world that allows (almost) nothing, or everything, would prove little.
    assert!(
        server_allows_count * 10 >= checks && server_allows_count * 10 <= checks * 9,
        "unbalanced sample: {server_allows_count}/{checks}"
    );
    eprintln!("differential: checks by class of the SubjectAccessReview space: {by_class:?}");
    if std::env::var("KUBECTL_SA_DIFF_REQUESTS").is_err() {
        for class in [
            "user (--as)",
            "system:masters",
            "arbitrary group",
            "verb *",
            "special or custom verb",
            "unserved resource, group or subresource",
            "several subresource segments",
            "resource *",
            "list, create or deletecollection without a name",
            "cluster scope of a namespaced or unknown resource",
            "non-resource URL, other verb",
        ] {
            assert!(by_class.get(class).copied().unwrap_or(0) >= 10, "too few checks of class {class:?}: {by_class:?}");
        }
    }
    assert!(failures.is_empty(), "{} disagreements with kube-apiserver:\n{}", failures.len(), failures.join("\n"));
    assert!(checks >= 5000 || std::env::var("KUBECTL_SA_DIFF_REQUESTS").is_ok(), "too few checks: {checks}");
}

/// A directory with kubectl-sa on PATH before the real kubectl, as a plugin install would have it.
fn plugin_path(c: &TestCluster) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("kubectl-sa");
    std::fs::copy(&bin, dir.path().join("kubectl-sa")).unwrap();
    let path = format!("{}:{}:/usr/bin:/bin", dir.path().display(), c.bin_dir.display());
    (dir, path)
}

#[test]
fn runs_as_a_plugin_of_the_real_kubectl() {
    let c = cluster();
    let (_dir, path) = plugin_path(c);
    let out = c.kubectl().env("PATH", &path).args(["plugin", "list"]).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("/kubectl-sa"), "{stdout}");
    assert!(!stderr.to_lowercase().contains("warning"), "plugin list warns: {stderr}");

    let out = c.kubectl().env("PATH", &path).args(["sa", "who-can", "get", "/version", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["serviceAccounts"].as_array().unwrap().iter().any(|s| s["namespace"] == "default" && s["name"] == "default")
    );

    let code = |args: &[&str]| c.kubectl().env("PATH", &path).args(args).status().unwrap().code().unwrap();
    assert_eq!(code(&["sa", "explain", "kube-system:default", "get", "/healthz"]), 0);
    assert_eq!(code(&["sa", "explain", "kube-system:default", "list", "secrets", "-n", "kube-system"]), 1);
    // The context's namespace (default) is used for a bare NAME.
    assert_eq!(code(&["sa", "explain", "default", "get", "pods"]), 1);

    // kubeconfig flags reach the plugin: --kubeconfig, KUBECONFIG and --context.
    let out = c
        .kubectl_sa()
        .env_remove("KUBECONFIG")
        .arg("--kubeconfig")
        .arg(&c.kubeconfig)
        .args(["who-can", "get", "pods"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out =
        c.kubectl().env("PATH", &path).args(["sa", "--context", "limited", "who-can", "get", "pods"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: the API server refused to list"), "{stderr}");
    assert!(stderr.contains("User \"limited\" cannot list resource"), "names the missing permission: {stderr}");
    // KUBECONFIG with several files merged: the first file sets the current context.
    let tmp = tempfile::tempdir().unwrap();
    let second = tmp.path().join("second");
    std::fs::write(&second, "apiVersion: v1\nkind: Config\ncurrent-context: limited\n").unwrap();
    let merged = format!("{}:{}", c.kubeconfig.display(), second.display());
    let out = c.kubectl_sa().env("KUBECONFIG", &merged).args(["who-can", "get", "pods"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let merged = format!("{}:{}", second.display(), c.kubeconfig.display());
    let out = c.kubectl_sa().env("KUBECONFIG", &merged).args(["who-can", "get", "pods"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "the limited context from the first file is used");
}

/// Runs openssl in `dir`, panicking with its output on failure.
fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl").current_dir(dir).args(args).output().expect("run openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn kubectl_connection_flags_override_the_kubeconfig() {
    let c = cluster();
    let tmp = tempfile::tempdir().unwrap();
    let ca = c.dir.join("ca.crt");
    let limited = std::fs::read_to_string(c.dir.join("limited.token")).unwrap();
    // No kubeconfig anywhere: the flags alone connect, as with kubectl.
    let bare = || {
        let mut cmd = c.kubectl_sa();
        cmd.env("KUBECONFIG", tmp.path().join("no-such-kubeconfig"));
        cmd
    };
    let who_can = ["who-can", "get", "pods", "-n", "kube-system", "-o", "json"];
    let ok = |out: std::process::Output, what: &str| {
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["subjects"].as_array().unwrap().len() > 1, "{what}: {v}");
    };
    let one_line_error = |out: std::process::Output, what: &str, needle: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert!(out.stdout.is_empty(), "{what}: nothing partial on stdout");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{what}: one line: {stderr}");
        assert!(stderr.to_lowercase().contains(needle), "{what}: {stderr} lacks {needle:?}");
    };

    // A token alone, with the CA, -s and --server.
    let out = bare()
        .args(["-s", &c.server, "--token", &c.admin_token, "--certificate-authority"])
        .arg(&ca)
        .args(who_can)
        .output()
        .unwrap();
    ok(out, "--server --token --certificate-authority");
    let out = bare()
        .args(["--server", &c.server, "--token", &c.admin_token, "--insecure-skip-tls-verify"])
        .args(who_can)
        .output()
        .unwrap();
    ok(out, "--insecure-skip-tls-verify");
    // --tls-server-name: the server certificate names localhost and 127.0.0.1, not other.example.
    let out = bare()
        .args(["-s", &c.server, "--token", &c.admin_token, "--tls-server-name", "localhost", "--certificate-authority"])
        .arg(&ca)
        .args(who_can)
        .output()
        .unwrap();
    ok(out, "--tls-server-name localhost");
    let out = bare()
        .args([
            "-s",
            &c.server,
            "--token",
            &c.admin_token,
            "--tls-server-name",
            "other.example",
            "--certificate-authority",
        ])
        .arg(&ca)
        .args(who_can)
        .output()
        .unwrap();
    one_line_error(out, "--tls-server-name other.example", "certificate");

    // The token beats the kubeconfig user's credentials (admin): the limited user may not list RBAC.
    let out = c.kubectl_sa().args(["--token", limited.trim()]).args(who_can).output().unwrap();
    one_line_error(out, "--token over the kubeconfig", "user \"limited\" cannot");

    // A client certificate alone (CN = user, O = group), signed by the cluster's client CA.
    let dir = tmp.path();
    std::fs::copy(c.dir.join("ca.key"), dir.join("ca.key")).unwrap();
    std::fs::copy(&ca, dir.join("ca.crt")).unwrap();
    openssl(
        dir,
        &"req -new -nodes -newkey rsa:2048 -keyout client.key -out client.csr -subj /CN=cert-admin/O=system:masters"
            .split(' ')
            .collect::<Vec<_>>(),
    );
    // An X.509 v3 client certificate (rustls refuses v1).
    let ext =
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n";
    std::fs::write(dir.join("client.ext"), ext).unwrap();
    let sign =
        "x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile client.ext -out client.crt";
    openssl(dir, &sign.split(' ').collect::<Vec<_>>());
    let with_certificate = || {
        let mut cmd = bare();
        cmd.args(["-s", &c.server, "--certificate-authority"])
            .arg(&ca)
            .arg("--client-certificate")
            .arg(dir.join("client.crt"))
            .arg("--client-key")
            .arg(dir.join("client.key"));
        cmd
    };
    let out = with_certificate().args(who_can).output().unwrap();
    ok(out, "--client-certificate --client-key");
    // The certificate's identity is what the server sees: explain --as evaluates another user, while the
    // connection stays the certificate's.
    let out = with_certificate()
        .args(["explain", "--as", "nobody", "list", "secrets", "-n", "kube-system", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["authorization"]["serverCheck"]["outcome"], "agrees", "{v}");

    // A wrong CA: a one-line TLS error, exit 2.
    let other_ca =
        "req -x509 -new -nodes -newkey rsa:2048 -keyout other-ca.key -out other-ca.crt -days 1 -subj /CN=some-other-ca";
    openssl(dir, &other_ca.split(' ').collect::<Vec<_>>());
    let out = bare()
        .args(["-s", &c.server, "--token", &c.admin_token, "--certificate-authority"])
        .arg(dir.join("other-ca.crt"))
        .args(who_can)
        .output()
        .unwrap();
    one_line_error(out, "a wrong CA", "certificate");
    // --certificate-authority replaces the kubeconfig's CA data (clientcmd's precedence).
    let out =
        c.kubectl_sa().arg("--certificate-authority").arg(dir.join("other-ca.crt")).args(who_can).output().unwrap();
    one_line_error(out, "a wrong CA over the kubeconfig's", "certificate");
    // A missing file is named.
    let out =
        bare().args(["-s", &c.server, "--certificate-authority", "/no/such/ca.crt"]).args(who_can).output().unwrap();
    one_line_error(out, "a missing CA file", "/no/such/ca.crt");
}

#[test]
fn live_pagination_missing_namespace_and_snapshot_equality() {
    let _guard = STATE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    // More objects than one page: compare a tiny page size with the default.
    let run = |extra: &[&str]| {
        let out = c.kubectl_sa().args(extra).args(["who-can", "get", "/healthz", "-o", "json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let paged = run(&["--chunk-size", "2"]);
    let whole = run(&[]);
    assert_eq!(paged, whole);
    assert!(whole["subjects"].as_array().unwrap().len() > 2);

    // Live and snapshot agree on a whole who-can answer.
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap.yaml");
    std::fs::write(&snap, c.snapshot_yaml()).unwrap();
    let from_snapshot = run(&["-f", snap.to_str().unwrap()]);
    assert_eq!(from_snapshot["serviceAccounts"], whole["serviceAccounts"]);

    // matrix (per ServiceAccount and per resource) and bindings: live equals the snapshot.
    for args in [
        vec!["matrix", "kube-system:default", "-n", "kube-system", "--subresources", "--verbs", "all", "-o", "json"],
        vec!["matrix", "-n", "kube-system", "--resource", "serviceaccounts/token", "--all-sas", "-o", "json"],
        vec!["bindings", "kube-system:default", "-o", "json"],
    ] {
        let live = c.kubectl_sa().args(&args).output().unwrap();
        assert!(live.status.success(), "{args:?}: {}", String::from_utf8_lossy(&live.stderr));
        let from_snap = c.kubectl_sa().arg("-f").arg(&snap).args(&args).output().unwrap();
        let (a, b): (Value, Value) =
            (serde_json::from_slice(&live.stdout).unwrap(), serde_json::from_slice(&from_snap.stdout).unwrap());
        if args[0] == "matrix" && args[1] == "kube-system:default" {
            // Live rows come from discovery, snapshot rows from the built-in catalogue of the same version.
            assert_eq!(a["rows"].as_array().unwrap().len(), b["rows"].as_array().unwrap().len(), "{args:?}");
        }
        assert_eq!(a, b, "{args:?}: live and snapshot differ");
    }
    let v: Value = serde_json::from_slice(
        &c.kubectl_sa().args(["bindings", "kube-system:default", "-o", "json"]).output().unwrap().stdout,
    )
    .unwrap();
    assert!(
        v["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["binding"]["name"] == "system:discovery" && b["how"] == "group")
    );

    // A namespace that does not exist: RBAC is still evaluated, and the output says so.
    let out = c
        .kubectl_sa()
        .args(["explain", "default:default", "get", "pods", "-n", "no-such-ns", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("namespace \"no-such-ns\" does not exist")),
        "{v}"
    );
}

/// A loopback TCP proxy to the API server that cuts every connection once `budget` bytes came back, and counts the
/// connections it accepted. It stops after 30 s, or once cut.
fn cutting_proxy(upstream: &str, budget: usize) -> (String, Arc<AtomicBool>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let upstream = upstream.trim_start_matches("https://").to_string();
    let cut = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let cut2 = cut.clone();
    let accepted = Arc::new(AtomicUsize::new(0));
    let accepted2 = accepted.clone();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline && !cut2.load(Ordering::SeqCst) {
            let Ok((client, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            accepted2.fetch_add(1, Ordering::SeqCst);
            client.set_nonblocking(false).unwrap();
            let server = TcpStream::connect(&upstream).unwrap();
            let (c1, s1) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (cut_a, cut_b, sent_b) = (cut2.clone(), cut2.clone(), sent.clone());
            std::thread::spawn(move || pump(c1, s1, &cut_a, None));
            std::thread::spawn(move || pump(server, client, &cut_b, Some((&sent_b, budget))));
        }
    });
    (format!("https://{addr}"), cut, accepted)
}

fn pump(mut from: TcpStream, mut to: TcpStream, cut: &AtomicBool, budget: Option<(&AtomicUsize, usize)>) {
    from.set_read_timeout(Some(Duration::from_millis(200))).ok();
    let mut buf = [0u8; 4096];
    let until = Instant::now() + Duration::from_secs(30);
    while Instant::now() < until && !cut.load(Ordering::SeqCst) {
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if let Some((sent, budget)) = budget
                    && sent.fetch_add(n, Ordering::SeqCst) + n > budget
                {
                    cut.store(true, Ordering::SeqCst);
                    break;
                }
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    let _ = from.shutdown(std::net::Shutdown::Both);
    let _ = to.shutdown(std::net::Shutdown::Both);
}

/// The test cluster's kubeconfig with its server replaced by `proxy` (in a temporary directory kept by the caller).
fn kubeconfig_via(c: &TestCluster, proxy: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let kc = tmp.path().join("kubeconfig");
    let text = std::fs::read_to_string(&c.kubeconfig).unwrap().replace(&c.server, proxy);
    std::fs::write(&kc, text).unwrap();
    (tmp, kc)
}

#[test]
fn an_api_server_that_goes_away_mid_run_is_an_error_not_a_partial_answer() {
    let c = cluster();
    let (proxy, cut, _) = cutting_proxy(&c.server, 40_000);
    let (_tmp, kc) = kubeconfig_via(c, &proxy);
    let out = c
        .kubectl_sa()
        .env("KUBECONFIG", &kc)
        .args(["--request-timeout", "20s", "who-can", "get", "pods", "-A"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(cut.load(Ordering::SeqCst), "the proxy cut the connection");
    assert!(out.status.code().unwrap() >= 2, "exit {:?}: {stderr}", out.status.code());
    assert!(out.stdout.is_empty(), "no partial answer");
    assert!(stderr.starts_with("error: ") && stderr.trim_end().lines().count() == 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_live_load_shares_one_http2_connection() {
    let c = cluster();
    let (proxy, stop, accepted) = cutting_proxy(&c.server, usize::MAX);
    let (_tmp, kc) = kubeconfig_via(c, &proxy);
    // Eight requests (discovery twice, six lists), several pages each at this page size.
    let out = c
        .kubectl_sa()
        .env("KUBECONFIG", &kc)
        .args(["--chunk-size", "20", "who-can", "get", "pods", "-A", "-o", "json"])
        .output()
        .unwrap();
    stop.store(true, Ordering::SeqCst);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["subjects"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "every request of the load went over one connection");
}

/// Compares `matrix` cells (library, live objects) with SubjectAccessReview for every ServiceAccount of the world,
/// and the binary's JSON with the library for one of them.
fn matrix_cells_agree(
    c: &TestCluster,
    rt: &tokio::runtime::Runtime,
    client: &kube::Client,
    w: &World,
    live: &Loaded,
    rng: &mut Rng,
) -> (usize, usize, Vec<String>) {
    use kubectl_sa::rbac::access::{Cell, IdentityRules};
    use support::world::REQUEST_RESOURCES;
    const VERBS: [&str; 8] = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
    let mut failures = Vec::new();
    let (mut cells, mut some) = (0, 0);
    // Every ServiceAccount, and two users: one with a group the world binds, one in system:masters.
    let users = [
        Asker::User { name: "alice".into(), groups: vec!["devs".into()], uid: String::new() },
        Asker::User { name: "bob".into(), groups: vec!["system:masters".into()], uid: "bob-uid".into() },
    ];
    let askers = w.service_accounts.iter().map(|(ns, n)| Asker::Sa(ns.clone(), n.clone())).chain(users);
    for (k, asker) in askers.enumerate() {
        let ns = rng.pick(&w.namespaces).clone();
        let rules = IdentityRules::new(&live.cluster, &asker.user());
        let mut reviews = Vec::new();
        let mut expected = Vec::new();
        for &(group, resource, sub, namespaced) in REQUEST_RESOURCES {
            if resource == "namespaces" {
                continue;
            }
            let req_ns = if namespaced { ns.clone() } else { String::new() };
            for verb in VERBS {
                let access = rules.access(verb, group, resource, sub, namespaced);
                let cell = access.cell_in(&req_ns);
                let sample = |name: &str| Sample::Resource {
                    verb: verb.into(),
                    group: group.into(),
                    resource: resource.into(),
                    subresource: sub.into(),
                    name: name.into(),
                    namespace: req_ns.clone(),
                    namespaced,
                };
                reviews.push(sample("").sar_for(&asker));
                expected.push((format!("{verb} {group}/{resource}/{sub} in {req_ns:?}"), cell == Cell::Yes));
                if cell == Cell::Some {
                    some += 1;
                    for n in access.names_in(&req_ns) {
                        reviews.push(sample(&n).sar_for(&asker));
                        expected.push((format!("{verb} {group}/{resource}/{sub} {n:?} in {req_ns:?} (some)"), true));
                    }
                    reviews.push(sample("zz-not-listed").sar_for(&asker));
                    expected.push((
                        format!("{verb} {group}/{resource}/{sub} \"zz-not-listed\" in {req_ns:?} (some)"),
                        false,
                    ));
                }
            }
        }
        let answers = rt.block_on(allowed_all(client, reviews));
        for ((what, want), got) in expected.iter().zip(answers) {
            cells += 1;
            if *want != got {
                failures.push(format!("seed {}: matrix {asker} {what}: matrix says {want}, SAR says {got}", w.seed));
            }
        }
        if k == 0 || matches!(asker, Asker::User { .. }) {
            // The binary agrees with the library on the same rows.
            let out = c
                .kubectl_sa()
                .arg("matrix")
                .args(asker.cli_args())
                .args(["-n", &ns, "--subresources", "-o", "json"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            for &(group, resource, sub, namespaced) in REQUEST_RESOURCES {
                let name = if sub.is_empty() { resource.to_string() } else { format!("{resource}/{sub}") };
                let Some(row) =
                    v["rows"].as_array().unwrap().iter().find(|r| r["group"] == group && r["resource"] == name)
                else {
                    failures.push(format!("seed {}: matrix has no row {group}/{name}", w.seed));
                    continue;
                };
                for verb in VERBS {
                    let req_ns = if namespaced { ns.as_str() } else { "" };
                    let want = match rules.access(verb, group, resource, sub, namespaced).cell_in(req_ns) {
                        Cell::Yes => "yes",
                        Cell::No => "no",
                        Cell::Some => "some",
                    };
                    if row["verbs"][verb] != want {
                        failures.push(format!(
                            "seed {}: binary matrix {group}/{name} {verb}: {} vs library {want}",
                            w.seed, row["verbs"][verb]
                        ));
                    }
                }
            }
        }
    }
    (cells, some, failures)
}

/// Objects that use every field the protobuf decoding reads, beside what the cluster already holds (bootstrap
/// policy with aggregation rules, controller ServiceAccounts, namespaces).
const WIRE_FIXTURE: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: wire-check, labels: {team: wire}, annotations: {note: "both encodings"}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: wire-sa, namespace: wire-check, labels: {app: wire}, annotations: {"iam.gke.io/gcp-service-account": "a@b.iam.gserviceaccount.com"}}
automountServiceAccountToken: false
secrets: [{name: wire-token}]
imagePullSecrets: [{name: wire-pull}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: wire-aggregate}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {wire: "yes"}
  - matchExpressions: [{key: tier, operator: In, values: [a, b]}, {key: gone, operator: DoesNotExist}]
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: wire-role, namespace: wire-check}
rules:
- {apiGroups: [""], resources: [pods], resourceNames: [p1], verbs: [get]}
- {apiGroups: [apps], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: wire-nonresource}
rules:
- {nonResourceURLs: ["/healthz", "/metrics/*"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: wire-binding, namespace: wire-check}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: wire-role}
subjects:
- {kind: ServiceAccount, name: wire-sa, namespace: wire-check}
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:wire-check"}
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: alice}
"#;

/// One collection read both ways: the server's protobuf (one page, and paged 7 at a time) decodes to exactly the
/// items its JSON decodes to, in the same order.
async fn same_in_both_encodings<T: std::fmt::Debug + serde::de::DeserializeOwned + Send + 'static>(
    conn: &kubectl_sa::source::Connection,
    path: &str,
    decode: kubectl_sa::source::protobuf::Decoder<T>,
) -> usize {
    use http_body_util::BodyExt;
    use kubectl_sa::source::live::{Format, list_all_as};
    let show = |items: &[T]| items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>();
    let json = list_all_as(conn, path, "list as JSON", Format::Json).await.unwrap();
    assert!(!json.is_empty(), "{path}: nothing listed");

    let req = http::Request::get(path)
        .header(http::header::ACCEPT, kubectl_sa::source::protobuf::CONTENT_TYPE)
        .body(kube::client::Body::empty())
        .unwrap();
    let res = conn.client.send(req).await.unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
    assert!(
        kubectl_sa::source::protobuf::is_protobuf(res.headers().get(http::header::CONTENT_TYPE)),
        "{path}: the server did not answer in protobuf: {:?}",
        res.headers().get(http::header::CONTENT_TYPE)
    );
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let (items, token) = decode(&body).unwrap();
    assert_eq!(token, None, "{path}: an unpaged list has no continue token");
    assert_eq!(show(&items), show(&json), "{path}: protobuf and JSON differ");

    let mut paged = conn.clone();
    paged.chunk_size = Some(7);
    let items = list_all_as(&paged, path, "list as protobuf", Format::Protobuf(decode)).await.unwrap();
    assert_eq!(show(&items), show(&json), "{path}: paged protobuf and JSON differ");
    json.len()
}

#[test]
fn protobuf_lists_decode_exactly_like_their_json() {
    use kubectl_sa::source::protobuf as pb;
    let _guard = STATE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    c.kubectl_ok(&["apply", "-f", "-"], Some(WIRE_FIXTURE));
    let rt = runtime();
    rt.block_on(async {
        let conn = kubectl_sa::source::live::connect(&live_flags(c)).await.unwrap();
        let rbac = "/apis/rbac.authorization.k8s.io/v1";
        let mut counts = Vec::new();
        counts.push(same_in_both_encodings(&conn, "/api/v1/serviceaccounts", pb::service_accounts).await);
        counts.push(same_in_both_encodings(&conn, "/api/v1/namespaces", pb::namespaces).await);
        counts.push(same_in_both_encodings(&conn, &format!("{rbac}/roles"), pb::roles).await);
        counts.push(same_in_both_encodings(&conn, &format!("{rbac}/clusterroles"), pb::cluster_roles).await);
        counts.push(same_in_both_encodings(&conn, &format!("{rbac}/rolebindings"), pb::role_bindings).await);
        counts.push(
            same_in_both_encodings(&conn, &format!("{rbac}/clusterrolebindings"), pb::cluster_role_bindings).await,
        );
        // Bootstrap policy alone: dozens of ClusterRoles and bindings, so paging 7 at a time takes several pages.
        assert!(counts.iter().all(|&n| n > 0) && counts[3] > 50 && counts[5] > 40, "{counts:?}");

        // One Namespace object, as who-can without -A reads it.
        let req = http::Request::get("/api/v1/namespaces/wire-check")
            .header(http::header::ACCEPT, pb::CONTENT_TYPE)
            .body(kube::client::Body::empty())
            .unwrap();
        let body = http_body_util::BodyExt::collect(conn.client.send(req).await.unwrap().into_body()).await.unwrap();
        let one = pb::namespace(&body.to_bytes()).unwrap();
        assert_eq!(one.metadata.name, "wire-check");
        assert_eq!(one.metadata.labels.unwrap()["team"], "wire");
        assert_eq!(one.status.and_then(|s| s.phase).as_deref(), Some("Active"));
    });
    c.kubectl_ok(&["delete", "-f", "-", "--wait=false"], Some(WIRE_FIXTURE));
}
