//! `who-can assume ROLE-ARN`: IAM trust policies read from `aws iam` and `aws eks` exports beside the cluster's
//! objects, evaluated for every ServiceAccount (the exact operator semantics are unit-tested in
//! src/identity/aws.rs). Inputs are the shipped examples (examples/aws/) and fixtures (tests/fixtures/cloud/).

use assert_cmd::Command;
use serde_json::Value;

fn ksa() -> Command {
    let mut c = Command::cargo_bin("kubectl-sa").unwrap();
    c.env("NO_COLOR", "1").env_remove("KUBECONFIG").current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

const EKS: &str = "examples/aws/eks-cluster.json";

/// The GKE fixtures: ServiceAccounts, the cluster's workload pool, Google service accounts' IAM policies.
const GCP: [&str; 6] = [
    "-f",
    "tests/fixtures/cloud/gcp-service-accounts.yaml",
    "-f",
    "tests/fixtures/cloud/gke-cluster.json",
    "-f",
    "tests/fixtures/cloud/gcp-iam-policies.json",
];

/// The Azure fixtures: ServiceAccounts, the AKS issuer, managed identities and their federated credentials.
const AZURE: [&str; 8] = [
    "-f",
    "tests/fixtures/cloud/azure-service-accounts.yaml",
    "-f",
    "tests/fixtures/cloud/azure-aks.json",
    "-f",
    "tests/fixtures/cloud/azure-identities.json",
    "-f",
    "tests/fixtures/cloud/azure-federated-credentials.json",
];

fn assume(role: &str, inputs: &[&str]) -> Value {
    let mut c = ksa();
    c.args(["who-can", "assume", &format!("arn:aws:iam::111122223333:role/{role}"), "-o", "json"]);
    for i in inputs {
        c.args(["-f", i]);
    }
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn names(v: &Value) -> Vec<String> {
    v["serviceAccounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}/{}", s["namespace"].as_str().unwrap(), s["name"].as_str().unwrap()))
        .collect()
}

#[test]
fn the_demo_roles_admit_exactly_their_service_accounts() {
    let inputs = ["examples/demo-cluster.yaml", "examples/aws/iam-roles.json", EKS];
    let api = assume("payments-api", &inputs);
    assert_eq!(names(&api), ["payments/api"]);
    assert_eq!(api["serviceAccounts"][0]["annotated"], true);
    assert_eq!(api["serviceAccounts"][0]["admitted"], true);
    assert_eq!(api["admitsAnyServiceAccount"], false);
    assert_eq!(api["issuer"], "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE");

    // `system:serviceaccount:*:*` without an audience condition: every ServiceAccount, and any created later.
    let ci = assume("ci-artifacts", &inputs);
    let demo_sas = ksa().args(["list", "-A", "-f", "examples/demo-cluster.yaml", "-o", "json"]).output().unwrap();
    let demo_sas: Value = serde_json::from_slice(&demo_sas.stdout).unwrap();
    let existing: Vec<String> = demo_sas["serviceAccounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["exists"] == true)
        .map(|r| format!("{}/{}", r["namespace"].as_str().unwrap(), r["name"].as_str().unwrap()))
        .collect();
    assert_eq!(names(&ci), existing);
    assert_eq!(ci["admitsAnyServiceAccount"], true);

    // `system:serviceaccount:monitoring:*`: that namespace only.
    let logs = assume("monitoring-logs", &inputs);
    assert_eq!(names(&logs), ["monitoring/log-shipper", "monitoring/prometheus"]);
    assert_eq!(logs["admitsAnyServiceAccount"], false);
}

#[test]
fn an_annotation_the_trust_does_not_admit_is_broken_irsa() {
    let v =
        assume("uploader", &["tests/fixtures/cloud/broken-irsa.yaml", "tests/fixtures/cloud/uploader-role.json", EKS]);
    // The URL-encoded trust policy of `get-role` names medias/uploader; media/uploader carries the annotation.
    assert_eq!(names(&v), ["media/uploader", "medias/uploader"]);
    let media = &v["serviceAccounts"][0];
    assert_eq!((media["annotated"].clone(), media["admitted"].clone()), (Value::Bool(true), Value::Bool(false)));
    let medias = &v["serviceAccounts"][1];
    assert_eq!((medias["annotated"].clone(), medias["admitted"].clone()), (Value::Bool(false), Value::Bool(true)));
    let text = ksa()
        .args(["who-can", "assume", "arn:aws:iam::111122223333:role/uploader"])
        .args([
            "-f",
            "tests/fixtures/cloud/broken-irsa.yaml",
            "-f",
            "tests/fixtures/cloud/uploader-role.json",
            "-f",
            EKS,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("no (broken IRSA)"), "{text}");
}

#[test]
fn missing_inputs_and_malformed_exports_are_one_line_errors() {
    let cases: &[(&[&str], &str)] = &[
        (&["examples/demo-cluster.yaml", EKS], "is not in the input (0 IAM roles read)"),
        (&["examples/demo-cluster.yaml", "examples/aws/iam-roles.json"], "the cluster's OIDC issuer is unknown"),
        (
            &["examples/demo-cluster.yaml", "tests/fixtures/cloud/role-without-trust.json", EKS],
            "role-without-trust.json",
        ),
    ];
    for (inputs, needle) in cases {
        let mut c = ksa();
        c.args(["who-can", "assume", "arn:aws:iam::111122223333:role/payments-api"]);
        for i in *inputs {
            c.args(["-f", i]);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{inputs:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(needle), "{inputs:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}

/// `who-can assume` is only the cloud question for an ARN: `assume` on an RBAC resource is still an RBAC request.
#[test]
fn assume_on_a_resource_is_an_rbac_request() {
    let out =
        ksa().args(["who-can", "assume", "pods", "-f", "examples/demo-cluster.yaml", "-o", "json"]).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["request"]["verb"], "assume");
    assert_eq!(v["request"]["resource"], "pods");
}

fn json_of(args: &[&str]) -> Value {
    let out = ksa().args(args).args(["-o", "json"]).output().unwrap();
    // explain exits 1 when the request is denied, as `kubectl auth can-i` does.
    assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `list`, `explain` and `audit` show both planes: what the annotation says and what the trust policies admit.
#[test]
fn list_explain_and_audit_show_what_the_trust_admits() {
    let broken = ["-f", "tests/fixtures/cloud/broken-irsa.yaml", "-f", "tests/fixtures/cloud/uploader-role.json"];
    let with_issuer = [&broken[..], &["-f", EKS]].concat();
    let rows = json_of(&[&["list", "-A"], &with_issuer[..]].concat());
    let row =
        |ns: &str| rows["serviceAccounts"].as_array().unwrap().iter().find(|r| r["namespace"] == ns).unwrap().clone();
    let media = row("media");
    assert!(media["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().starts_with("broken IRSA")));
    let medias = row("medias");
    let ids = medias["cloudIdentities"].as_array().unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0]["identity"], "arn:aws:iam::111122223333:role/uploader");
    assert!(ids[0]["source"].as_str().unwrap().contains("without any annotation"), "{ids:?}");
    // Without the issuer the trust cannot be evaluated: only the annotation counts.
    let rows = json_of(&[&["list", "-A"], &broken[..]].concat());
    let medias = rows["serviceAccounts"].as_array().unwrap().iter().find(|r| r["namespace"] == "medias").unwrap();
    assert!(medias["cloudIdentities"].as_array().unwrap().is_empty());

    let audit = json_of(&[&["audit", "-A"], &with_issuer[..]].concat());
    let sa27: Vec<String> = audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "SA-27")
        .map(|f| f["serviceAccount"]["namespace"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sa27, ["media", "medias"]);

    let demo = ["-f", "examples/demo-cluster.yaml", "-f", "examples/aws/iam-roles.json", "-f", EKS];
    let explain = json_of(&[&["explain", "payments:api", "get", "secrets", "-n", "payments"], &demo[..]].concat());
    let ids: Vec<&str> = explain["authentication"]["cloudIdentities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["identity"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["arn:aws:iam::111122223333:role/payments-api", "arn:aws:iam::111122223333:role/ci-artifacts"]);
}

/// EKS Pod Identity: an association gives the role to its ServiceAccount's pods when the role's trust allows
/// `pods.eks.amazonaws.com` both `sts:AssumeRole` and `sts:TagSession`; it overrides an IRSA annotation.
#[test]
fn pod_identity_associations_and_their_trust() {
    let inputs = [
        "examples/demo-cluster.yaml",
        "examples/aws/iam-roles.json",
        EKS,
        "tests/fixtures/cloud/pod-identity-roles.json",
        "tests/fixtures/cloud/pod-identity-worker.json",
        "tests/fixtures/cloud/pod-identity-api.json",
        "tests/fixtures/cloud/pod-identity-list.json",
        "tests/fixtures/cloud/pod-identity-prometheus.json",
    ];
    let worker = assume("payments-worker", &inputs);
    assert_eq!(names(&worker), ["payments/worker"]);
    let w = &worker["serviceAccounts"][0];
    assert_eq!((w["podIdentity"].clone(), w["podIdentityAdmitted"].clone()), (Value::Bool(true), Value::Bool(true)));
    assert_eq!(w["admitted"], false, "no IRSA trust");
    // Only sts:AssumeRole: the look-alike trust refuses Pod Identity.
    let half = assume("reports-half", &inputs);
    assert_eq!(half["serviceAccounts"][0]["podIdentityAdmitted"], false);
    // A conditional trust is allowed with its condition keys named, not evaluated.
    let conditional = assume("conditional", &inputs);
    let reason = conditional["serviceAccounts"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("aws:SourceAccount") && reason.contains("not evaluated"), "{reason}");
    // Another service's trust gives nobody anything.
    assert!(names(&assume("ec2-only", &inputs)).is_empty());

    let files: Vec<&str> = inputs.iter().flat_map(|i| ["-f", i]).collect();
    let rows = json_of(&[&["list", "-A"], &files[..]].concat());
    let row = |ns: &str, name: &str| {
        rows["serviceAccounts"].as_array().unwrap().iter().find(|r| r["namespace"] == ns && r["name"] == name).unwrap()
    };
    let api = row("payments", "api");
    let warnings: Vec<&str> = api["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(warnings.iter().any(|w| w.contains("takes precedence over the IRSA annotation")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("does not allow EKS Pod Identity")), "{warnings:?}");
    // list-pod-identity-associations output has no role: the association is shown, its role unknown.
    let frontend = row("web", "frontend");
    let pi: Vec<&Value> = frontend["cloudIdentities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["provider"] == "aws-eks-pod-identity")
        .collect();
    assert_eq!(pi.len(), 1);
    assert_eq!(pi[0]["identity"], "");
    assert!(pi[0]["source"].as_str().unwrap().contains("describe-pod-identity-association"));
}

/// Azure Workload Identity: a federated credential trusts a ServiceAccount when its issuer is the AKS cluster's
/// (exactly, trailing slash included), its subject names the ServiceAccount exactly and its audiences hold
/// api://AzureADTokenExchange.
#[test]
fn azure_federated_credentials_trust_exact_subjects() {
    let files = AZURE;
    let rows = json_of(&[&["list", "-A"], &files[..]].concat());
    let row = |ns: &str, name: &str| {
        rows["serviceAccounts"].as_array().unwrap().iter().find(|r| r["namespace"] == ns && r["name"] == name).unwrap()
    };
    let frontend = &row("web", "frontend")["cloudIdentities"][0];
    assert!(frontend["source"].as_str().unwrap().contains("federated credential web-frontend of web-id trusts"));
    let other = row("web", "other");
    let warnings = other["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w.as_str().unwrap().starts_with("no federated credential of managed identity web-id"))
    );
    // No annotation, but a federated credential trusts it: the mapping exists on the Azure side.
    let runner = &row("batch", "runner")["cloudIdentities"][0];
    assert_eq!(runner["identity"], "66666666-7777-8888-9999-000000000000");
    assert!(runner["source"].as_str().unwrap().contains("without the client-id annotation"));
    // Without the AKS issuer nothing is matched: only the annotations count.
    let rows = json_of(&["list", "-A", "-f", files[1], "-f", files[5], "-f", files[7]]);
    let runner = rows["serviceAccounts"].as_array().unwrap().iter().find(|r| r["namespace"] == "batch").unwrap();
    assert!(runner["cloudIdentities"].as_array().unwrap().is_empty());
}

/// GKE Workload Identity: roles/iam.workloadIdentityUser on a Google service account for the pool's member of the
/// ServiceAccount (serviceAccount:POOL[NS/NAME], principal://.../subject/ns/NS/sa/NAME, principalSet://.../namespace/NS).
#[test]
fn gcp_policies_grant_workload_identity_user() {
    let files = GCP;
    let rows = json_of(&[&["list", "-A"], &files[..]].concat());
    let identities = |ns: &str, name: &str| -> Vec<(String, String)> {
        let row = rows["serviceAccounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["namespace"] == ns && r["name"] == name)
            .unwrap();
        row["cloudIdentities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["identity"].as_str().unwrap().to_string(), c["source"].as_str().unwrap().to_string()))
            .collect()
    };
    let app = identities("shop", "app");
    assert_eq!(app.len(), 1);
    assert!(app[0].1.contains("its IAM policy grants roles/iam.workloadIdentityUser"), "{app:?}");
    // Annotated, but the policy grants it only serviceAccountTokenCreator: a warning.
    let cart = rows["serviceAccounts"].as_array().unwrap().iter().find(|r| r["name"] == "cart").unwrap();
    assert!(cart["warnings"][0].as_str().unwrap().contains("grants shop/cart no roles/iam.workloadIdentityUser"));
    // Namespace-wide principalSet, and principal:// for one ServiceAccount (not its look-alikes).
    assert_eq!(identities("reports", "viewer")[0].0, "reports@my-project.iam.gserviceaccount.com");
    assert_eq!(identities("batch", "runner")[0].0, "batch@my-project.iam.gserviceaccount.com");
    assert!(identities("batch", "runner3").is_empty());
    // Without the workload pool the members cannot be matched.
    let rows = json_of(&["list", "-A", "-f", files[1], "-f", files[5]]);
    let viewer = rows["serviceAccounts"].as_array().unwrap().iter().find(|r| r["name"] == "viewer").unwrap();
    assert!(viewer["cloudIdentities"].as_array().unwrap().is_empty());
}

/// `who-can assume` in the other direction for GCP and Azure: every ServiceAccount mapped to the identity, with why.
#[test]
fn who_can_assume_a_google_service_account_or_an_azure_client_id() {
    let gcp = json_of(&[&["who-can", "assume", "app@my-project.iam.gserviceaccount.com"], &GCP[..]].concat());
    assert_eq!(names(&gcp), ["shop/app", "shop/cart"]);
    assert!(gcp["serviceAccounts"][0]["warnings"].as_array().unwrap().is_empty());
    assert_eq!(gcp["serviceAccounts"][1]["warnings"].as_array().unwrap().len(), 1, "cart's grant is missing");
    let azure = json_of(&[&["who-can", "assume", "11111111-2222-3333-4444-555555555555"], &AZURE[..]].concat());
    assert_eq!(names(&azure), ["web/frontend", "web/other"]);
    assert!(azure["serviceAccounts"][1]["warnings"][0].as_str().unwrap().contains("the token exchange fails"));
    let batch = json_of(&[&["who-can", "assume", "66666666-7777-8888-9999-000000000000"], &AZURE[..]].concat());
    assert_eq!(names(&batch), ["batch/runner"]);
}
