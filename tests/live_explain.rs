//! explain on the real test cluster: near misses and --fix judged by SubjectAccessReview on the differential
//! worlds; the server cross-check against a Webhook authorizer placed before RBAC and against system:masters;
//! admission (PodSecurity, a ValidatingAdmissionPolicy, a validating webhook) and --dry-run.

mod support;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use kubectl_sa::rbac::near_miss::near_misses;
use kubectl_sa::rbac::{UserInfo, authorize, fix};
use kubectl_sa::source::ConnectionSettings;
use kubectl_sa::source::load;
use serde_json::{Value, json};
use support::cluster::{OwnedCluster, TestCluster, shared};
use support::review::allowed as sar;
use support::review::{allowed_all, runtime};
use support::webhook::WebhookServer;
use support::world::{CRD, REQUEST_RESOURCES, Rng, Sample, World};

static STATE_LOCK: Mutex<()> = Mutex::new(());

/// Requests that differ from `s` in exactly one dimension: verb, name, namespace, resource (same group) or
/// subresource.
fn neighbours(s: &Sample, w: &World) -> Vec<Sample> {
    let mut out = Vec::new();
    let Sample::Resource { verb, group, resource, subresource, name, namespace, namespaced } = s else { return out };
    if resource == "namespaces" {
        return out;
    }
    let with = |f: &dyn Fn(&mut Sample)| {
        let mut c = s.clone();
        f(&mut c);
        c
    };
    for v in ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] {
        if v != verb {
            out.push(with(&|c| {
                if let Sample::Resource { verb, .. } = c {
                    *verb = v.to_string()
                }
            }));
        }
    }
    for n in ["", "n1", "n2", "n3"] {
        if n != name {
            out.push(with(&|c| {
                if let Sample::Resource { name, .. } = c {
                    *name = n.to_string()
                }
            }));
        }
    }
    if *namespaced {
        for ns in &w.namespaces {
            if ns != namespace {
                out.push(with(&|c| {
                    if let Sample::Resource { namespace, .. } = c {
                        *namespace = ns.clone()
                    }
                }));
            }
        }
    }
    for &(g, r, sub, nsd) in REQUEST_RESOURCES {
        let same_group_other_resource = g == group && r != resource && sub == subresource && nsd == *namespaced;
        let same_resource_other_sub = g == group && r == resource && sub != subresource;
        if same_group_other_resource || same_resource_other_sub {
            out.push(with(&|c| {
                if let Sample::Resource { resource, subresource, .. } = c {
                    *resource = r.to_string();
                    *subresource = sub.to_string();
                }
            }));
        }
    }
    out
}

fn same_but_name(a: &Sample, b: &Sample) -> bool {
    match (a, b) {
        (
            Sample::Resource { verb: v1, group: g1, resource: r1, subresource: s1, namespace: n1, .. },
            Sample::Resource { verb: v2, group: g2, resource: r2, subresource: s2, namespace: n2, .. },
        ) => (v1, g1, r1, s1, n1) == (v2, g2, r2, s2, n2),
        _ => false,
    }
}

fn cluster() -> &'static TestCluster {
    let c = shared();
    c.kubectl_ok(&["apply", "-f", "-"], Some(CRD));
    c.kubectl_ok(&["wait", "--for=condition=Established", "--timeout=60s", "crd/widgets.example.com"], None);
    c
}

#[test]
fn near_misses_exist_whenever_a_one_dimension_change_is_allowed_and_fix_is_least_privilege() {
    let _g = STATE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let rt = runtime();
    let client = rt.block_on(c.client());
    let flags = ConnectionSettings {
        kubeconfig: Some(c.kubeconfig.clone()),
        request_timeout: Some(Duration::from_secs(30)),
        chunk_size: None,
        ..Default::default()
    };
    let (mut denied_checked, mut with_near_miss, mut fixes) = (0, 0, 0);
    let mut failures = Vec::new();
    for seed in [901u64, 902] {
        let w = World::generate(seed);
        c.kubectl_ok(&["apply", "-f", "-"], Some(&w.manifest()));
        // Wait for the controllers (default SAs, aggregation) like the differential test.
        let deadline = Instant::now() + Duration::from_secs(60);
        let live = loop {
            let l = rt.block_on(load(&flags)).expect("live load");
            if !l.cluster.has_computed_aggregation()
                && w.service_accounts.iter().all(|(ns, n)| l.cluster.service_account(ns, n).is_some())
            {
                break l;
            }
            assert!(Instant::now() < deadline, "controllers did not settle");
            std::thread::sleep(Duration::from_millis(300));
        };
        let mut rng = Rng::new(seed);
        let mut fix_budget = 10;
        let mut tries = 0;
        while denied_checked < 150 * (seed - 900) as usize && tries < 3000 {
            tries += 1;
            let ((ns, name), sample) = w.sample_case(&mut rng);
            let user = UserInfo::service_account(&ns, &name);
            let req = sample.to_request();
            if authorize(&live.cluster, &user, &req).allowed {
                continue;
            }
            let near = neighbours(&sample, &w);
            if near.is_empty() {
                continue;
            }
            denied_checked += 1;
            let reviews: Vec<Value> = near.iter().map(|n| n.sar(&ns, &name)).collect();
            let allowed = rt.block_on(allowed_all(&client, reviews.clone()));
            let misses = near_misses(&live.cluster, &user, &req);
            let allowed_neighbour = near.iter().zip(&allowed).find(|(_, a)| **a).map(|(n, _)| n.to_request());
            if let Some(n) = &allowed_neighbour {
                if misses.is_empty() {
                    failures.push(format!(
                        "seed {seed}: {ns}:{name} {req}: SAR allows the neighbour {n}, but no near miss is named"
                    ));
                } else {
                    with_near_miss += 1;
                }
            }
            // --fix: applied, it allows the request and none of the neighbours that were denied.
            let ns_exists = req.namespace().is_empty() || w.namespaces.iter().any(|n| n == req.namespace());
            if fix_budget > 0 && ns_exists && allowed.iter().filter(|a| !**a).count() >= 3 {
                fix_budget -= 1;
                fixes += 1;
                let objects = fix::least_privilege(&ns, &name, &req);
                let yaml = fix::to_yaml(&objects).unwrap();
                c.kubectl_ok(&["apply", "-f", "-"], Some(&yaml));
                let review = sample.sar(&ns, &name);
                let until = Instant::now() + Duration::from_secs(10);
                while !rt.block_on(sar(&client, &review)) {
                    assert!(
                        Instant::now() < until,
                        "seed {seed}: after --fix, SAR still denies {ns}:{name} {req}\n{yaml}"
                    );
                    std::thread::sleep(Duration::from_millis(100));
                }
                // A request without a name can only be allowed by a rule without resourceNames, which allows every
                // name as well: name neighbours of a nameless request are not "more" than it.
                let nameless = matches!(&sample, Sample::Resource { name, .. } if name.is_empty());
                let still_denied: Vec<Value> = near
                    .iter()
                    .zip(&allowed)
                    .filter(|(n, a)| !(**a || (nameless && same_but_name(&sample, n))))
                    .map(|(n, _)| n.sar(&ns, &name))
                    .collect();
                let after = rt.block_on(allowed_all(&client, still_denied.clone()));
                for (review, a) in still_denied.iter().zip(after) {
                    if a {
                        failures
                            .push(format!("seed {seed}: --fix for {ns}:{name} {req} also allows {}", review["spec"]));
                    }
                }
                c.kubectl_ok(&["delete", "--ignore-not-found", "-f", "-"], Some(&yaml));
            }
        }
        c.kubectl_ok(
            &["delete", "--wait=true", "--timeout=120s", "--ignore-not-found", "-f", "-"],
            Some(&w.manifest()),
        );
    }
    eprintln!(
        "near misses: {denied_checked} denied requests checked, {with_near_miss} with an allowed one-dimension neighbour (all named); {fixes} fixes applied"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(with_near_miss >= 20, "too few near-miss situations exercised: {with_near_miss}");
    assert!(fixes >= 10, "too few fixes exercised: {fixes}");
}

/// A cluster whose authorizer chain is Node -> Webhook (tests/support/webhook_server.py) -> RBAC.
fn webhook_authorizer_cluster(hook: &WebhookServer, dir: &std::path::Path) -> OwnedCluster {
    let kubeconfig = dir.join("authz-webhook.kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: hook\n  cluster:\n    server: {}/authorize\n    certificate-authority: {}\nusers:\n- name: apiserver\n  user: {{}}\ncontexts:\n- name: hook\n  context: {{cluster: hook, user: apiserver}}\ncurrent-context: hook\n",
            hook.url,
            hook.ca_file.display()
        ),
    )
    .unwrap();
    let config = dir.join("authorization.yaml");
    std::fs::write(
        &config,
        format!(
            "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- type: Node\n  name: node\n- type: Webhook\n  name: test-webhook\n  webhook:\n    timeout: 3s\n    subjectAccessReviewVersion: v1\n    matchConditionSubjectAccessReviewVersion: v1\n    failurePolicy: NoOpinion\n    authorizedTTL: 1s\n    unauthorizedTTL: 1s\n    connectionInfo:\n      type: KubeConfigFile\n      kubeConfigFile: {}\n- type: RBAC\n  name: rbac\n",
            kubeconfig.display()
        ),
    )
    .unwrap();
    OwnedCluster::start(&format!("--authorization-config={}", config.display()))
}

fn explain_json(c: &TestCluster, args: &[&str]) -> (i32, Value) {
    let out = c.kubectl_sa().arg("explain").args(args).args(["-o", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("explain {args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), v)
}

#[test]
fn the_server_check_names_the_authorizer_that_decided() {
    let hook = WebhookServer::start();
    let dir = tempfile::tempdir().unwrap();
    let owned = webhook_authorizer_cluster(&hook, dir.path());
    let c = &owned.cluster;
    c.kubectl_ok(&["create", "serviceaccount", "webhook-allowed", "-n", "default"], None);
    c.kubectl_ok(&["create", "serviceaccount", "webhook-denied", "-n", "default"], None);
    c.kubectl_ok(
        &[
            "create",
            "rolebinding",
            "wd-view",
            "--clusterrole=view",
            "--serviceaccount=default:webhook-denied",
            "-n",
            "default",
        ],
        None,
    );

    // The Webhook allows what RBAC does not.
    let (code, v) = explain_json(c, &["default:webhook-allowed", "get", "configmaps", "-n", "default"]);
    let check = &v["authorization"]["serverCheck"];
    assert_eq!(
        (code, &v["authorization"]["rbacAllowed"], &check["outcome"]),
        (0, &json!(false), &json!("another-authorizer-allowed")),
        "{v}"
    );
    assert!(check["message"].as_str().unwrap().contains("allowed by the test webhook"), "{check}");
    assert_eq!(v["allowed"], true);

    // The Webhook, before RBAC, denies what RBAC allows.
    let (code, v) = explain_json(c, &["default:webhook-denied", "get", "pods", "-n", "default"]);
    let check = &v["authorization"]["serverCheck"];
    assert_eq!(
        (code, &v["authorization"]["rbacAllowed"], &check["outcome"]),
        (1, &json!(true), &json!("another-authorizer-denied")),
        "{v}"
    );
    assert_eq!(check["server"]["denied"], true);

    // Both agree.
    let (code, v) = explain_json(c, &["default:webhook-denied", "list", "configmaps", "-n", "default"]);
    assert_eq!((code, &v["authorization"]["serverCheck"]["outcome"]), (0, &json!("agrees")));

    // system:masters is allowed before any authorizer: with cluster-admin's binding gone, RBAC says no.
    c.kubectl_ok(&["delete", "clusterrolebinding", "cluster-admin"], None);
    // kubectl-sa knows it too: its answer is the server's, decided by system:masters, and the groups evaluated
    // (and sent) include the extra one.
    let (code, v) = explain_json(c, &["default:default", "delete", "nodes", "--as-group", "system:masters"]);
    let check = &v["authorization"]["serverCheck"];
    assert_eq!(
        (code, &v["authorization"]["rbacAllowed"], &check["outcome"], &v["authorization"]["decidedBy"]),
        (0, &json!(false), &json!("agrees"), &json!("system:masters")),
        "{v}"
    );
    assert!(check["message"].as_str().unwrap().contains("system:masters"), "{check}");
    assert!(v["subject"]["groups"].as_array().unwrap().contains(&json!("system:masters")), "{v}");
    assert!(v["user"]["groups"].as_array().unwrap().contains(&json!("system:masters")), "{v}");
    // The same for a user given with --as.
    let (code, v) = explain_json(c, &["--as", "root", "--as-group", "system:masters", "delete", "nodes"]);
    assert_eq!((code, &v["authorization"]["serverCheck"]["outcome"]), (0, &json!("agrees")), "{v}");
    assert_eq!(v["subject"]["kind"], "User");

    // --no-server-check keeps RBAC's answer.
    let (code, v) =
        explain_json(c, &["default:webhook-allowed", "get", "configmaps", "-n", "default", "--no-server-check"]);
    assert_eq!((code, &v["authorization"]["serverCheck"]["outcome"]), (1, &json!("skipped")));

    // A user who may read RBAC but not create SubjectAccessReviews: said plainly, local answer kept.
    c.kubectl_ok(
        &[
            "create",
            "clusterrole",
            "rbac-reader",
            "--verb=get,list,watch",
            "--resource=serviceaccounts,namespaces,pods,roles,rolebindings,clusterroles,clusterrolebindings",
        ],
        None,
    );
    c.kubectl_ok(
        &["create", "clusterrolebinding", "limited-rbac-reader", "--clusterrole=rbac-reader", "--user=limited"],
        None,
    );
    let out = c
        .kubectl_sa()
        .args([
            "--context",
            "limited",
            "explain",
            "default:webhook-denied",
            "get",
            "pods",
            "-n",
            "default",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(v["authorization"]["serverCheck"]["outcome"], "forbidden", "{v}");
    assert!(v["authorization"]["serverCheck"]["message"].as_str().unwrap().contains("subjectaccessreviews"));
    assert_eq!(out.status.code(), Some(0), "RBAC's answer (allowed through view) is kept");
}

fn steps(v: &Value) -> Vec<(String, String, String)> {
    v["admission"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["plugin"].as_str().unwrap().to_string(),
                s["name"].as_str().unwrap().to_string(),
                s["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn plugins(v: &Value) -> Vec<String> {
    steps(v).into_iter().map(|(p, _, _)| p).collect()
}

#[test]
fn admission_lists_what_matches_and_dry_run_shows_the_real_denial() {
    let hook = WebhookServer::start();
    let owned = OwnedCluster::start("");
    let c = &owned.cluster;
    let tmp = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    c.kubectl_ok(&["create", "namespace", "adm"], None);
    c.kubectl_ok(&["label", "namespace", "adm", "pod-security.kubernetes.io/enforce=restricted", "webhook=on"], None);
    c.kubectl_ok(&["create", "namespace", "other"], None);
    c.kubectl_ok(&["create", "serviceaccount", "deployer", "-n", "adm"], None);
    for ns in ["adm", "other"] {
        c.kubectl_ok(
            &[
                "create",
                "rolebinding",
                "deployer-edit",
                "--clusterrole=edit",
                "--serviceaccount=adm:deployer",
                "-n",
                ns,
            ],
            None,
        );
    }
    let policy = json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy", "metadata": {"name": "no-forbidden-configmaps"},
         "spec": {"failurePolicy": "Fail", "matchConstraints": {"resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"], "resources": ["configmaps"]}]},
                  "validations": [{"expression": "object.metadata.name != 'forbidden'", "message": "a ConfigMap named forbidden is not allowed"}]}},
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding", "metadata": {"name": "no-forbidden-configmaps-binding"},
         "spec": {"policyName": "no-forbidden-configmaps", "validationActions": ["Deny"], "matchResources": {"namespaceSelector": {"matchLabels": {"webhook": "on"}}}}},
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": {"name": "deny-secrets"},
         "webhooks": [{"name": "deny-secrets.kubectl-sa.test", "clientConfig": {"url": format!("{}/validate", hook.url), "caBundle": hook.ca_base64()},
                       "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["secrets"]}],
                       "namespaceSelector": {"matchLabels": {"webhook": "on"}}, "failurePolicy": "Fail", "sideEffects": "None",
                       "admissionReviewVersions": ["v1"], "timeoutSeconds": 5}]}
    ]});
    c.kubectl_ok(&["apply", "-f", "-"], Some(&policy.to_string()));

    // What matches, client-side.
    let (code, v) = explain_json(c, &["adm:deployer", "create", "configmaps", "-n", "adm"]);
    assert_eq!(code, 0);
    assert_eq!(plugins(&v), ["NamespaceLifecycle", "ValidatingAdmissionPolicy"], "{}", v["admission"]);
    assert!(steps(&v).contains(&(
        "ValidatingAdmissionPolicy".into(),
        "no-forbidden-configmaps".into(),
        "may-deny".into()
    )));
    let (_, v) = explain_json(c, &["adm:deployer", "create", "secrets", "-n", "adm"]);
    assert_eq!(plugins(&v), ["NamespaceLifecycle", "ValidatingAdmissionWebhook"], "{}", v["admission"]);
    assert_eq!(steps(&v)[1].1, "deny-secrets");
    let (_, v) = explain_json(c, &["adm:deployer", "create", "secrets", "-n", "other"]);
    assert_eq!(
        plugins(&v),
        ["NamespaceLifecycle"],
        "nothing matches outside the labelled namespace: {}",
        v["admission"]
    );
    let (_, v) = explain_json(c, &["adm:deployer", "get", "secrets", "-n", "adm"]);
    assert_eq!(v["admission"]["applies"], false);
    let pod = file(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n  serviceAccountName: deployer\n  hostNetwork: true\n  containers: [{name: sh, image: busybox, securityContext: {privileged: true}}]\n",
    );
    let (_, v) = explain_json(c, &["adm:deployer", "create", "pods", "-n", "adm", "--object", &pod]);
    assert!(steps(&v).iter().any(|(p, _, verdict)| p == "PodSecurity" && verdict == "deny"), "{}", v["admission"]);
    assert!(v["verdict"].as_str().unwrap().contains("admission denies it (PodSecurity)"));

    // The real outcome, server-side, as the ServiceAccount.
    let secret = file("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s1}\nstringData: {k: v}\n");
    let (code, v) =
        explain_json(c, &["adm:deployer", "create", "secrets", "-n", "adm", "--object", &secret, "--dry-run"]);
    assert_eq!(code, 0, "authorization allows it");
    assert_eq!(v["dryRun"]["succeeded"], false, "{}", v["dryRun"]);
    assert!(
        v["dryRun"]["message"].as_str().unwrap().contains("denied by the test admission webhook"),
        "{}",
        v["dryRun"]
    );
    let cm = file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: forbidden}\ndata: {k: v}\n");
    // The policy takes effect once the API server has loaded it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let v = loop {
        let (_, v) =
            explain_json(c, &["adm:deployer", "create", "configmaps", "-n", "adm", "--object", &cm, "--dry-run"]);
        if v["dryRun"]["succeeded"] == false || Instant::now() > deadline {
            break v;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(
        v["dryRun"]["message"].as_str().unwrap().contains("a ConfigMap named forbidden is not allowed"),
        "{}",
        v["dryRun"]
    );
    let (_, v) = explain_json(c, &["adm:deployer", "create", "pods", "-n", "adm", "--object", &pod, "--dry-run"]);
    assert!(
        v["dryRun"]["message"].as_str().unwrap().contains("violates PodSecurity \"restricted:latest\""),
        "{}",
        v["dryRun"]
    );
    let (_, v) =
        explain_json(c, &["adm:deployer", "create", "configmaps", "-n", "other", "--object", &cm, "--dry-run"]);
    assert_eq!(v["dryRun"]["succeeded"], true, "{}", v["dryRun"]);
    // Nothing was created.
    assert!(
        c.kubectl_ok(&["get", "configmaps", "-n", "other", "-o", "name"], None)
            .lines()
            .all(|l| l != "configmap/forbidden")
    );
    // Without impersonation rights the dry run says so.
    c.kubectl_ok(
        &[
            "create",
            "clusterrole",
            "reader",
            "--verb=get,list,watch",
            "--resource=serviceaccounts,namespaces,pods,roles,rolebindings,clusterroles,clusterrolebindings",
        ],
        None,
    );
    c.kubectl_ok(&["create", "clusterrolebinding", "limited-reader", "--clusterrole=reader", "--user=limited"], None);
    let out = c
        .kubectl_sa()
        .args([
            "--context",
            "limited",
            "explain",
            "adm:deployer",
            "create",
            "configmaps",
            "-n",
            "other",
            "--object",
            &cm,
            "--dry-run",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(v["dryRun"]["impersonationRefused"], true, "{}", v["dryRun"]);
}
