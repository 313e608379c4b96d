//! `audit` and `list`: every catalogue entry (docs/catalogue.md) has a fixture that triggers it exactly
//! once and a look-alike that must not trigger it (tests/fixtures/audit/); peer defects as regressions; the
//! binary's JSON contract, SARIF 2.1.0 (validated against the schema shipped in the serde-sarif crate), baselines and
//! --fail-on.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use kubectl_sa::audit::{self, AuditReport, Finding, Options, Severity};
use kubectl_sa::model::{Cluster, ClusterBuilder};
use predicates::prelude::*;
use serde_json::Value;
use support::world::World;

const DIR: &str = "tests/fixtures/audit";
const DEMO: &str = "examples/demo-cluster.yaml";

fn cluster_of(path: &Path) -> Cluster {
    let mut b = ClusterBuilder::default();
    kubectl_sa::source::snapshot::load_paths(&[path.to_path_buf()], &mut b)
        .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
    b.build()
}

fn audit_file(name: &str, options: Options) -> AuditReport {
    let cluster = cluster_of(&Path::new(DIR).join(name));
    let options = Options { workloads_known: !cluster.pods.is_empty(), ..options };
    audit::audit(&cluster, &options)
}

fn of<'a>(r: &'a AuditReport, id: &str, ns: &str, name: &str) -> Vec<&'a Finding> {
    r.findings
        .iter()
        .filter(|f| f.id == id && f.service_account.namespace == ns && f.service_account.name == name)
        .collect()
}

/// The ServiceAccount a fixture is about: team/subject, team/default for SA-24, `*` for SA-25.
fn subject_of(id: &str) -> (&'static str, &'static str) {
    match id {
        "SA-24" => ("team", "default"),
        "SA-25" => ("*", "*"),
        _ => ("team", "subject"),
    }
}

fn describe(r: &AuditReport) -> String {
    r.findings
        .iter()
        .map(|f| {
            format!("{} {} {}/{} {:?}", f.id, f.severity, f.service_account.namespace, f.service_account.name, f.scope)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_catalogue_entry_fires_exactly_once_on_its_fixture_and_never_on_its_look_alike() {
    assert_eq!(audit::CHECKS.len(), 29);
    for check in audit::CHECKS {
        let (ns, name) = subject_of(check.id);
        let lower = check.id.to_lowercase();
        let fire = audit_file(&format!("{lower}.yaml"), Options::default());
        let hits = of(&fire, check.id, ns, name);
        assert_eq!(hits.len(), 1, "{} must fire once on {lower}.yaml; findings:\n{}", check.id, describe(&fire));
        let f = hits[0];
        assert_eq!(f.title, check.title);
        assert_eq!(f.cis.as_deref(), check.cis);
        assert!(!f.why.is_empty() && !f.remediation.is_empty());
        if !["SA-24", "SA-27", "SA-28", "SA-29"].contains(&check.id) {
            assert!(!f.grants.is_empty(), "{}: a granting chain is reported", check.id);
        }
        let clean = audit_file(&format!("{lower}-clean.yaml"), Options::default());
        let hits = of(&clean, check.id, ns, name);
        assert!(hits.is_empty(), "{} must not fire on {lower}-clean.yaml; findings:\n{}", check.id, describe(&clean));
    }
}

#[test]
fn severities_follow_the_guide() {
    let sev = |id: &str| {
        let (ns, name) = subject_of(id);
        let r = audit_file(&format!("{}.yaml", id.to_lowercase()), Options::default());
        of(&r, id, ns, name)[0].severity
    };
    use Severity::*;
    for (id, expected) in [
        ("SA-01", Critical),
        ("SA-03", High),
        ("SA-05", Critical),
        ("SA-06", High),
        ("SA-11", Critical),
        ("SA-13", Critical),
        ("SA-14", High),
        ("SA-16", Critical),
        ("SA-17", Critical),
        ("SA-19", High),
        ("SA-20", Medium),
        ("SA-22", Medium),
        ("SA-23", Critical),
        ("SA-24", Low),
        ("SA-25", Critical),
        ("SA-27", Medium),
        ("SA-28", High),
        ("SA-29", Low),
    ] {
        assert_eq!(sev(id), expected, "{id}");
    }
}

#[test]
fn the_chain_names_binding_role_and_rule_with_scope() {
    let r = audit_file("sa-03.yaml", Options::default());
    let f = of(&r, "SA-03", "team", "subject")[0];
    assert_eq!(f.scope, ["team"]);
    let g = &f.grants[0];
    assert_eq!(g.binding.to_string(), "RoleBinding/team/rb");
    assert_eq!(g.role.to_string(), "Role/team/r");
    assert_eq!(g.rule_index, 0);
    assert_eq!(g.how, "directly");
    assert_eq!(g.scope, "team");
    assert_eq!(g.permissions, ["get secrets"]);
    let r = audit_file("sa-01.yaml", Options::default());
    assert_eq!(of(&r, "SA-01", "team", "subject")[0].scope, ["cluster"]);
}

#[test]
fn resource_names_narrow_a_finding_but_do_not_erase_it() {
    let r = audit_file("narrowed.yaml", Options::default());
    let hits = of(&r, "SA-03", "team", "subject");
    assert_eq!(hits.len(), 1, "{}", describe(&r));
    let f = hits[0];
    assert!(f.narrowed);
    assert_eq!(f.resource_names["team"], ["db-password"]);
    // One step below the unrestricted grant (HIGH in a namespace).
    assert_eq!(f.severity, Severity::Medium);
}

#[test]
fn groups_and_user_aliases_are_expanded() {
    let r = audit_file("group-only.yaml", Options::default());
    let f = of(&r, "SA-03", "team", "subject");
    assert_eq!(f.len(), 1, "{}", describe(&r));
    assert_eq!(f[0].grants[0].how, "group");
    assert_eq!(f[0].grants[0].subject.name, "system:serviceaccounts:team");
    let r = audit_file("user-alias.yaml", Options::default());
    let f = of(&r, "SA-11", "team", "subject");
    assert_eq!(f.len(), 1, "{}", describe(&r));
    assert_eq!(f[0].grants[0].how, "user-alias");
}

#[test]
fn get_only_exec_is_reported_as_medium() {
    let r = audit_file("exec-get-only.yaml", Options::default());
    let f = of(&r, "SA-09", "team", "subject");
    assert_eq!(f.len(), 1, "{}", describe(&r));
    assert_eq!(f[0].severity, Severity::Medium);
    assert!(f[0].details.iter().any(|d| d.contains("1.35")));
}

#[test]
fn two_step_escalations_are_followed() {
    let r = audit_file("escalation.yaml", Options::default());
    let pods = of(&r, "SA-06", "ci", "deployer");
    assert_eq!(pods.len(), 1, "{}", describe(&r));
    assert_eq!(pods[0].severity, Severity::Critical);
    assert_eq!(pods[0].escalation[0].service_account.to_string(), "team/admin");
    assert!(pods[0].escalation[0].findings.contains(&"SA-01".to_string()));
    let token = of(&r, "SA-18", "ci", "deployer");
    assert_eq!(token[0].severity, Severity::Critical);
    assert_eq!(token[0].resource_names["team"], ["admin"]);
    // team holds a CRITICAL ServiceAccount: it is privileged, and so is ci once deployer is CRITICAL.
    assert!(r.privileged_namespaces.contains(&"team".to_string()));
    assert!(r.privileged_namespaces.contains(&"ci".to_string()));
    // Nothing powerful in apps: HIGH, no escalation.
    let builder = of(&r, "SA-06", "ci", "builder");
    assert_eq!(builder[0].severity, Severity::High);
    assert!(builder[0].escalation.is_empty());
    assert_eq!(of(&r, "SA-18", "ci", "builder")[0].severity, Severity::High);
}

#[test]
fn privileged_namespaces_are_configurable() {
    let r = audit_file("sa-06.yaml", Options::default());
    assert_eq!(of(&r, "SA-06", "team", "subject")[0].severity, Severity::High);
    assert_eq!(r.privileged_namespaces, ["kube-system"]);
    let r =
        audit_file("sa-06.yaml", Options { privileged_namespaces: Some(vec!["team".into()]), ..Default::default() });
    assert_eq!(of(&r, "SA-06", "team", "subject")[0].severity, Severity::Critical);
}

#[test]
fn missing_service_accounts_named_by_bindings_are_audited() {
    let r = audit_file("missing.yaml", Options::default());
    let f = of(&r, "SA-06", "team", "ghost");
    assert_eq!(f.len(), 1, "{}", describe(&r));
    assert!(!f[0].service_account.exists);
}

// ----------------------------------------------------------------------------------------------------------------
// The binary.

fn sa() -> Command {
    let mut c = Command::cargo_bin("kubectl-sa").expect("binary built by cargo");
    c.env("KUBECONFIG", "/nonexistent/kubeconfig").env_remove("NO_COLOR");
    c
}

fn json_of(args: &[&str]) -> (Value, i32) {
    let out = sa().args(args).output().expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code().expect("exit code"))
}

#[test]
fn audit_json_contract_on_the_demo() {
    let (v, code) = json_of(&["-f", DEMO, "audit", "-A", "-o", "json"]);
    assert_eq!(code, 0);
    let findings = v["findings"].as_array().expect("findings is a list");
    assert!(!findings.is_empty());
    for f in findings {
        assert!(f["id"].as_str().unwrap().starts_with("SA-"));
        assert!(["CRITICAL", "HIGH", "MEDIUM", "LOW"].contains(&f["severity"].as_str().unwrap()));
        assert!(f["serviceAccount"]["namespace"].is_string() && f["serviceAccount"]["name"].is_string());
        assert!(
            f["scope"].is_array() && f["grants"].is_array() && f["why"].is_string() && f["remediation"].is_string()
        );
    }
    let has = |id: &str, ns: &str, name: &str, sev: &str| {
        findings.iter().any(|f| {
            f["id"] == id
                && f["serviceAccount"]["namespace"] == ns
                && f["serviceAccount"]["name"] == name
                && f["severity"] == sev
        })
    };
    assert!(has("SA-01", "ci", "deployer", "CRITICAL"));
    // payments/api reads one named Secret: narrowed to MEDIUM; it maps to an AWS role.
    assert!(has("SA-03", "payments", "api", "MEDIUM"));
    assert!(has("SA-27", "payments", "api", "MEDIUM"));
    // web's SAs edit web through the namespace group.
    assert!(has("SA-06", "web", "frontend", "HIGH"));
    assert!(has("SA-24", "web", "default", "LOW"));
    assert_eq!(v["summary"]["total"].as_u64().unwrap() as usize, findings.len());
    // -n keeps one namespace, SA keeps one ServiceAccount.
    let (v, _) = json_of(&["-f", DEMO, "audit", "-n", "web", "-o", "json"]);
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["serviceAccount"]["namespace"] == "web"));
    let (v, _) = json_of(&["-f", DEMO, "audit", "payments:api", "-o", "json"]);
    let ids: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["SA-03", "SA-27"]);
}

#[test]
fn audit_table_is_grouped_by_severity_and_explains() {
    sa().args(["-f", DEMO, "audit", "-A"])
        .assert()
        .success()
        .stdout(predicate::str::contains("CRITICAL ("))
        .stdout(predicate::str::contains("ClusterRoleBinding/ci-deployer-admin -> ClusterRole/cluster-admin"))
        .stdout(predicate::str::contains("WHY, AND THE LEAST-PRIVILEGE ALTERNATIVE"))
        .stdout(predicate::str::contains("\x1b[").not());
    sa().args(["-f", DEMO, "audit", "payments:api", "-o", "wide"])
        .assert()
        .success()
        .stdout(predicate::str::contains("only names:  payments-db in payments"));
}

#[test]
fn fail_on_sets_exit_status_3() {
    sa().args(["-f", DEMO, "audit", "-A", "--fail-on", "critical"]).assert().code(3);
    sa().args(["-f", DEMO, "audit", "payments:api", "--fail-on", "HIGH"]).assert().code(0);
    sa().args(["-f", DEMO, "audit", "payments:api", "--fail-on", "medium"]).assert().code(3);
}

#[test]
fn baselines_hide_known_findings() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("baseline.json");
    let b = base.to_str().unwrap();
    sa().args(["-f", DEMO, "audit", "-A", "--write-baseline", b, "-o", "json"]).assert().success();
    let (v, code) = json_of(&["-f", DEMO, "audit", "-A", "--baseline", b, "--fail-on", "low", "-o", "json"]);
    assert_eq!(code, 0, "everything is baselined");
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert!(v["summary"]["baselined"].as_u64().unwrap() > 0);
    // A new finding (the same snapshot plus a new binding) is not hidden.
    let extra = dir.path().join("extra.yaml");
    std::fs::write(
        &extra,
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: prom-admin}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]\n",
    )
    .unwrap();
    let (v, code) = json_of(&[
        "-f",
        DEMO,
        "-f",
        extra.to_str().unwrap(),
        "audit",
        "-A",
        "--baseline",
        b,
        "--fail-on",
        "critical",
        "-o",
        "json",
    ]);
    assert_eq!(code, 3);
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["serviceAccount"]["name"] == "prometheus"));
}

#[test]
fn bad_input_is_one_line_error_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"not\": \"a baseline\"}").unwrap();
    for args in [
        vec!["-f", DEMO, "audit", "-A", "--baseline", bad.to_str().unwrap()],
        vec!["-f", DEMO, "audit", "-A", "--baseline", "/nonexistent/baseline.json"],
        vec!["-f", DEMO, "audit", "-A", "--fail-on", "urgent"],
        vec!["-f", DEMO, "audit", "a:b:c"],
        vec!["-f", DEMO, "audit", "-A", "--privileged-namespaces", ","],
        vec!["-f", "/nonexistent.yaml", "list", "-A"],
        vec!["-f", DEMO, "list", "-o", "xml"],
    ] {
        let out = sa().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(out.stdout.is_empty() || args.contains(&"xml"), "{args:?}");
    }
}

/// The SARIF 2.1.0 schema as shipped in the serde-sarif crate (a dev-dependency): cargo downloaded it with the
/// other dependencies; `cargo metadata` says where.
fn sarif_schema() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Only this platform's packages: the ones cargo has already downloaded to build the tests.
    let rustc = std::process::Command::new("rustc").arg("-vV").output().expect("rustc -vV");
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc -vV names the host");
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--filter-platform", &host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifest = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .expect("serde-sarif is a dev-dependency")["manifest_path"]
        .as_str()
        .unwrap()
        .to_string();
    let path = PathBuf::from(manifest).parent().unwrap().join("src/schema.json");
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // The published schema's patterns for `language` have a lone `]`, a literal only in ECMA-262's Annex B
    // (non-unicode) syntax, which strict validators reject when compiling the schema. Escape it: same meaning.
    fn fix(v: &mut Value, fixed: &mut usize) {
        match v {
            Value::Object(m) => {
                if let Some(p) = m.get_mut("pattern")
                    && p == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$"
                {
                    *p = Value::from("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$");
                    *fixed += 1;
                }
                m.values_mut().for_each(|v| fix(v, fixed));
            }
            Value::Array(a) => a.iter_mut().for_each(|v| fix(v, fixed)),
            _ => {}
        }
    }
    let mut fixed = 0;
    fix(&mut schema, &mut fixed);
    assert!(fixed > 0, "the schema's language patterns changed: drop this workaround");
    assert_eq!(schema["title"], "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
    schema
}

#[test]
fn audit_sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for args in [
        vec!["-f", DEMO, "audit", "-A", "-o", "sarif"],
        vec!["-f", "tests/fixtures/audit/escalation.yaml", "audit", "-A", "-o", "sarif"],
        vec!["-f", "tests/fixtures/audit/sa-25.yaml", "audit", "-A", "-o", "sarif"],
        vec!["-f", "tests/fixtures/audit/sa-24-clean.yaml", "audit", "-A", "-o", "sarif"],
    ] {
        let (v, code) = json_of(&args);
        assert_eq!(code, 0);
        let errors: Vec<String> =
            validator.iter_errors(&v).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: SARIF invalid:\n{}", errors.join("\n"));
        assert_eq!(v["version"], "2.1.0");
        // The typed model of the same crate reads it back.
        let typed: serde_sarif::sarif::Sarif = serde_json::from_value(v.clone()).expect("serde-sarif reads it");
        assert_eq!(typed.runs.len(), 1);
    }
    let (v, _) = json_of(&["-f", DEMO, "audit", "-A", "-o", "sarif"]);
    // The validator does reject what the schema forbids.
    let mut bad = v.clone();
    bad["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&bad));
    let results = v["runs"][0]["results"].as_array().unwrap();
    let (j, _) = json_of(&["-f", DEMO, "audit", "-A", "-o", "json"]);
    assert_eq!(results.len(), j["findings"].as_array().unwrap().len());
    assert_eq!(v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), 29);
    assert!(results.iter().all(|r| r["partialFingerprints"]["kubectlSaFinding/v1"].is_string()));
    let critical = results.iter().find(|r| r["ruleId"] == "SA-01").unwrap();
    assert_eq!(critical["level"], "error");
    assert_eq!(critical["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], DEMO);
}

#[test]
fn list_shows_every_service_account_with_tokens_cloud_identity_and_risk() {
    let (v, code) = json_of(&["-f", DEMO, "list", "-A", "-o", "json"]);
    assert_eq!(code, 0);
    let rows = v["serviceAccounts"].as_array().unwrap();
    let row = |ns: &str, name: &str| rows.iter().find(|r| r["namespace"] == ns && r["name"] == name).unwrap().clone();
    let deployer = row("ci", "deployer");
    assert_eq!(deployer["risk"], "CRITICAL");
    assert_eq!(deployer["pods"], 1);
    assert_eq!(deployer["tokenKinds"], serde_json::json!(["projected", "legacy-secret"]));
    assert_eq!(deployer["legacyTokens"][0]["lastUsed"], "2026-11-20");
    let bot = row("ci", "release-bot");
    assert_eq!(bot["exists"], false);
    let api = row("payments", "api");
    assert_eq!(api["cloudIdentities"][0]["provider"], "aws-irsa");
    assert_eq!(row("payments", "default")["automount"], false);
    assert_eq!(row("payments", "worker")["podsWithToken"], 0);
    let dangling = v["dangling"].as_array().unwrap();
    assert!(dangling.iter().any(|d| d["kind"] == "roleRef" && d["binding"]["name"] == "old-batch-runner"));
    assert!(
        dangling
            .iter()
            .any(|d| d["kind"] == "serviceAccount" && d["message"].as_str().unwrap().contains("release-bot"))
    );
    // --unused: existing ServiceAccounts no pod runs as.
    let (v, _) = json_of(&["-f", DEMO, "list", "-A", "--unused", "-o", "json"]);
    let names: Vec<String> = v["serviceAccounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}/{}", r["namespace"].as_str().unwrap(), r["name"].as_str().unwrap()))
        .collect();
    assert!(names.contains(&"web/frontend".to_string()) && !names.contains(&"ci/deployer".to_string()));
    assert!(!names.contains(&"ci/release-bot".to_string()));
    // --sort risk: CRITICAL first.
    let (v, _) = json_of(&["-f", DEMO, "list", "-A", "--sort", "risk", "-o", "json"]);
    assert_eq!(v["serviceAccounts"][0]["risk"], "CRITICAL");
    // -n keeps one namespace; the table has the columns.
    let (v, _) = json_of(&["-f", DEMO, "list", "-n", "payments", "-o", "json"]);
    assert!(v["serviceAccounts"].as_array().unwrap().iter().all(|r| r["namespace"] == "payments"));
    sa().args(["-f", DEMO, "list", "-A"])
        .assert()
        .success()
        .stdout(predicate::str::contains("NAMESPACE"))
        .stdout(predicate::str::contains("CLOUD IDENTITY"))
        .stdout(predicate::str::contains("release-bot [missing]"))
        .stdout(predicate::str::contains("BINDINGS TO MISSING SERVICEACCOUNTS OR ROLES"));
}

#[test]
fn list_unused_needs_pods() {
    sa().args(["-f", "tests/fixtures/audit/sa-03.yaml", "list", "-A", "--unused"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: --unused needs the pods"));
}

/// Findings are built on demand, one ServiceAccount at a time: the summary (counted from severities alone) must
/// match what is streamed, the stream must come in report order, and a namespace's audit must be the -A audit's
/// findings for that namespace.
#[test]
fn streamed_findings_match_their_counts_order_and_selections() {
    let mut total = 0;
    for seed in 1..=6u64 {
        let world = World::generate(seed);
        let cluster = world.cluster();
        let all = audit::prepare(&cluster, &Options::default());
        let findings: Vec<Finding> = all.findings().collect();
        let mut counted: BTreeMap<Severity, usize> = BTreeMap::new();
        for f in &findings {
            *counted.entry(f.severity).or_default() += 1;
        }
        let mut expected = all.counts();
        expected.retain(|_, n| *n > 0);
        assert_eq!(expected, counted, "seed {seed}: counts from severities vs findings streamed");
        let mut sorted = findings.clone();
        audit::sort_findings(&mut sorted);
        let key = |f: &Finding| f.fingerprint.clone();
        assert_eq!(
            findings.iter().map(key).collect::<Vec<_>>(),
            sorted.iter().map(key).collect::<Vec<_>>(),
            "seed {seed}: report order"
        );
        for ns in world.namespaces.iter().take(3) {
            let options = Options { only_namespace: Some(ns.clone()), ..Options::default() };
            let one: Vec<String> = audit::prepare(&cluster, &options).findings().map(|f| f.fingerprint).collect();
            let filtered: Vec<String> = findings
                .iter()
                .filter(|f| f.service_account.namespace == *ns || f.service_account.name == "*")
                .map(key)
                .collect();
            assert_eq!(one, filtered, "seed {seed}: namespace {ns}");
        }
        total += findings.len();
    }
    assert!(total > 100, "the worlds give findings to compare ({total})");
}

/// docs/catalogue.md has one section per entry, headed with its ID and title, and none for an entry that is gone.
#[test]
fn every_catalogue_entry_is_documented_under_its_id_and_title() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/catalogue.md")).unwrap();
    let headings: Vec<&str> = doc.lines().filter_map(|l| l.strip_prefix("## SA-").map(|_| &l[3..])).collect();
    let expected: Vec<String> =
        kubectl_sa::audit::catalogue::CHECKS.iter().map(|c| format!("{}: {}", c.id, c.title)).collect();
    assert_eq!(headings, expected, "docs/catalogue.md's `## SA-NN: title` headings, in catalogue order");
}
