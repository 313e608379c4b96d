//! `token inspect`: tokens built here (fake signatures), bound and legacy, decoded locally; the token and its
//! signature never appear in the output; the RBAC summary comes from a snapshot.

use std::time::{SystemTime, UNIX_EPOCH};

use assert_cmd::Command;
use kubectl_sa::identity::token::{base64url_encode, inspect};
use predicates::prelude::*;
use serde_json::{Value, json};

const DEMO: &str = "examples/demo-cluster.yaml";
/// A fake signature: recognisable, so a test can prove it is never printed.
const SIGNATURE: &[u8] = b"SIGNATURE-MUST-NOT-BE-PRINTED";

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn jwt(header: Value, claims: Value) -> String {
    format!(
        "{}.{}.{}",
        base64url_encode(header.to_string().as_bytes()),
        base64url_encode(claims.to_string().as_bytes()),
        base64url_encode(SIGNATURE)
    )
}

fn bound(exp_in: i64, warn_in: Option<i64>) -> String {
    let n = now();
    let mut k8s = json!({
        "namespace": "ci",
        "serviceaccount": {"name": "deployer", "uid": "0b0c3d9e-1111-4c1e-9d00-000000000030"},
        "pod": {"name": "deploy-job-29411-7xk2p", "uid": "6b1d7c1e-0000-4000-8000-000000000001"},
        "node": {"name": "node-1", "uid": "6b1d7c1e-0000-4000-8000-000000000002"},
    });
    if let Some(w) = warn_in {
        k8s["warnafter"] = json!(n + w);
    }
    jwt(
        json!({"alg": "RS256", "kid": "test-key"}),
        json!({
            "aud": ["https://kubernetes.default.svc.cluster.local"],
            "exp": n + exp_in, "iat": n - 60, "nbf": n - 60,
            "iss": "https://kubernetes.default.svc.cluster.local",
            "jti": "0d0a2b6e-1111-2222-3333-444455556666",
            "kubernetes.io": k8s,
            "sub": "system:serviceaccount:ci:deployer",
        }),
    )
}

fn legacy() -> String {
    jwt(
        json!({"alg": "RS256", "kid": "legacy-key"}),
        json!({
            "iss": "kubernetes/serviceaccount",
            "kubernetes.io/serviceaccount/namespace": "ci",
            "kubernetes.io/serviceaccount/secret.name": "deployer-token",
            "kubernetes.io/serviceaccount/service-account.name": "deployer",
            "kubernetes.io/serviceaccount/service-account.uid": "0b0c3d9e-1111-4c1e-9d00-000000000030",
            "sub": "system:serviceaccount:ci:deployer",
        }),
    )
}

fn sa() -> Command {
    let mut c = Command::cargo_bin("kubectl-sa").expect("binary built by cargo");
    c.env("KUBECONFIG", "/nonexistent/kubeconfig").env_remove("NO_COLOR");
    c
}

fn no_secrets(out: &[u8], token: &str) {
    let text = String::from_utf8_lossy(out);
    let sig = base64url_encode(SIGNATURE);
    assert!(!text.contains(&sig), "the signature is printed:\n{text}");
    assert!(!text.contains("SIGNATURE-MUST-NOT"), "the signature is printed:\n{text}");
    let payload = token.split('.').nth(1).unwrap();
    assert!(!text.contains(payload), "the raw token is printed:\n{text}");
}

#[test]
fn a_bound_token_is_decoded_with_expiry_binding_and_warnafter() {
    let t = inspect(&bound(3600 * 24 * 365, Some(3540)), now()).unwrap();
    assert_eq!(t.kind, "bound");
    assert_eq!(t.issuer.as_deref(), Some("https://kubernetes.default.svc.cluster.local"));
    assert_eq!(t.audiences, ["https://kubernetes.default.svc.cluster.local"]);
    let sa = t.service_account.as_ref().unwrap();
    assert_eq!((sa.namespace.as_str(), sa.name.as_str()), ("ci", "deployer"));
    let b = t.bound_object.as_ref().unwrap();
    assert_eq!((b.kind.as_str(), b.name.as_str()), ("Pod", "deploy-job-29411-7xk2p"));
    assert_eq!(t.node.as_ref().unwrap().name, "node-1");
    assert!(!t.expired);
    assert!(t.seconds_left.unwrap() > 3600 * 24 * 364);
    assert!(!t.past_warn_after);
    assert!(t.signature_present);
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    // Past warnafter: stale but still accepted; expired: rejected.
    let stale = inspect(&bound(3600, Some(-10)), now()).unwrap();
    assert!(stale.past_warn_after && stale.warnings.iter().any(|w| w.contains("stale")));
    let expired = inspect(&bound(-7200, None), now()).unwrap();
    assert!(expired.expired && expired.warnings.iter().any(|w| w.contains("expired 2h")));
    // A long lifetime without warnafter is flagged.
    let long = inspect(&bound(3600 * 24 * 30, None), now()).unwrap();
    assert!(long.warnings.iter().any(|w| w.contains("long-lived")));
}

#[test]
fn a_legacy_token_is_recognised() {
    let t = inspect(&legacy(), now()).unwrap();
    assert_eq!(t.kind, "legacy");
    assert_eq!(t.issuer.as_deref(), Some("kubernetes/serviceaccount"));
    assert!(t.expires_at.is_none() && !t.expired && t.audiences.is_empty());
    assert_eq!(t.bound_object.as_ref().unwrap().name, "deployer-token");
    assert_eq!(t.service_account.as_ref().unwrap().uid.as_deref(), Some("0b0c3d9e-1111-4c1e-9d00-000000000030"));
    assert!(t.warnings.iter().any(|w| w.contains("never expires")));
}

#[test]
fn pasted_forms_are_accepted_and_garbage_is_an_error() {
    let tok = bound(3600, None);
    for input in [format!("  {tok}\n"), format!("Bearer {tok}"), format!("Authorization: Bearer {tok}")] {
        assert_eq!(inspect(&input, now()).unwrap().kind, "bound");
    }
    let unsigned = format!("{}.{}.", base64url_encode(br#"{"alg":"none"}"#), tok.split('.').nth(1).unwrap());
    assert!(inspect(&unsigned, now()).unwrap().warnings.iter().any(|w| w.contains("unsigned")));
    for bad in ["", "abc", "a.b", "a.b.c.d", "!!!.e30.x", "e30.bm90LWpzb24.x", "W10.e30.x", "one two"] {
        let err = inspect(bad, now()).unwrap_err().to_string();
        assert!(!err.is_empty());
        // Errors never quote the input.
        if bad.len() > 3 {
            assert!(!err.contains(bad), "{err}");
        }
    }
}

#[test]
fn inspect_prints_the_rbac_summary_from_a_snapshot_and_never_the_token() {
    let tok = bound(3600 * 24 * 365, Some(3540));
    let out = sa().args(["-f", DEMO, "token", "inspect", "-"]).write_stdin(tok.clone()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    no_secrets(&out.stdout, &tok);
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "bound ServiceAccount token",
        "ci/deployer",
        "BOUND TO         Pod deploy-job-29411-7xk2p",
        "WARN AFTER",
        "left",
        "WHAT IT LETS ITS HOLDER DO",
        "SA-01",
        "ClusterRoleBinding/ci-deployer-admin -> ClusterRole/cluster-admin",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // JSON, from a file; the legacy token's Secret is found in the snapshot.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    let tok = legacy();
    std::fs::write(&file, &tok).unwrap();
    let out = sa().args(["-f", DEMO, "token", "inspect", file.to_str().unwrap(), "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    no_secrets(&out.stdout, &tok);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["token"]["kind"], "legacy");
    assert_eq!(v["rbac"]["source"], "snapshot");
    assert_eq!(v["rbac"]["serviceAccountExists"], true);
    assert_eq!(v["rbac"]["uidMatches"], true);
    assert!(v["rbac"]["findings"].as_array().unwrap().iter().any(|f| f["id"] == "SA-01"));
    assert!(
        v["rbac"]["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("last used 2026-11-20"))
    );
}

#[test]
fn inspect_without_a_cluster_decodes_only_and_flags_a_recreated_service_account() {
    let tok = legacy();
    let out = sa().args(["token", "inspect"]).write_stdin(tok.clone()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    no_secrets(&out.stdout, &tok);
    assert!(String::from_utf8_lossy(&out.stdout).contains("RBAC summary unavailable"));
    // A token for a uid the snapshot's ServiceAccount does not have.
    let n = now();
    let tok = jwt(
        json!({"alg": "RS256"}),
        json!({"iss": "https://k", "aud": ["https://k"], "exp": n + 600, "iat": n, "sub": "system:serviceaccount:payments:api",
               "kubernetes.io": {"namespace": "payments", "serviceaccount": {"name": "api", "uid": "old-uid"}}}),
    );
    let out = sa().args(["-f", DEMO, "token", "inspect", "-", "-o", "json"]).write_stdin(tok).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rbac"]["uidMatches"], false);
    assert!(v["rbac"]["notes"][0].as_str().unwrap().contains("recreated"));
}

#[test]
fn bad_tokens_are_one_line_errors_with_status_2() {
    for (args, stdin) in [
        (vec!["token", "inspect", "-"], "not a token"),
        (vec!["token", "inspect", "-"], "aaaa.bbbb.cccc"),
        (vec!["token", "inspect", "/nonexistent/token"], ""),
        (vec!["token", "inspect", "-"], ""),
    ] {
        let out = sa().args(&args).write_stdin(stdin).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?} {stdin:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: ") && err.trim_end().lines().count() == 1, "{err}");
        assert!(!err.contains("panicked"));
        assert!(out.stdout.is_empty());
    }
    sa().args(["token", "inspect", "-"])
        .write_stdin("x".repeat(70_000))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 64 KiB"));
}
