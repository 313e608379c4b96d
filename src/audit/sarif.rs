//! SARIF 2.1.0 for code-scanning UIs: one rule per catalogue entry, one result per finding.

use serde_json::{Value, json};

use super::{AuditReport, CHECKS, Finding, Severity};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// SARIF `level` of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// The `security-severity` score code-scanning UIs sort by (CVSS-like: critical >= 9.0, high >= 7.0, ...).
pub fn score(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
    }
}

/// The severity an entry has at worst, for the rule's default (results carry their own).
fn worst(id: &str) -> Severity {
    match id {
        "SA-02" | "SA-20" | "SA-22" | "SA-27" => Severity::Medium,
        "SA-24" | "SA-29" => Severity::Low,
        "SA-12" | "SA-15" | "SA-19" | "SA-21" | "SA-26" | "SA-28" => Severity::High,
        _ => Severity::Critical,
    }
}

fn message(f: &Finding) -> String {
    let who = if f.service_account.name == "*" {
        format!("Every identity (Group {})", f.subject.as_ref().map(|s| s.name.as_str()).unwrap_or("?"))
    } else {
        format!("ServiceAccount {}/{}", f.service_account.namespace, f.service_account.name)
    };
    let mut text = format!("{who}: {} [{}] in {}", f.title, f.severity, f.scope.join(", "));
    if let Some(g) = f.grants.first() {
        text.push_str(&format!(" via {} -> {} rule #{}", g.binding, g.role, g.rule_index));
        if f.grants.len() > 1 {
            text.push_str(&format!(" (+{} more)", f.grants.len() - 1));
        }
    }
    if !f.resource_names.is_empty() {
        let names: Vec<String> = f.resource_names.iter().map(|(s, n)| format!("{s}: {}", n.join(","))).collect();
        text.push_str(&format!("; only for resourceNames ({})", names.join("; ")));
    }
    if !f.escalation.is_empty() {
        let to: Vec<String> = f.escalation.iter().map(|e| e.service_account.to_string()).collect();
        text.push_str(&format!("; escalates to {}", to.join(", ")));
    }
    text.push_str(&format!(". {}. Fix: {}.", capitalise(&f.why), f.remediation));
    text
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The SARIF log. `artifact` is the snapshot file the objects came from, if any (a physical location for UIs
/// that need one).
pub fn sarif(report: &AuditReport, artifact: Option<&str>) -> Value {
    let rules: Vec<Value> = CHECKS
        .iter()
        .map(|c| {
            let mut props = json!({
                "tags": ["security", "kubernetes", "rbac", "serviceaccount"],
                "security-severity": score(worst(c.id)),
            });
            if let Some(cis) = c.cis {
                props["cis"] = json!(cis);
            }
            json!({
                "id": c.id,
                "name": c.title,
                "shortDescription": {"text": format!("{}: {}", c.id, c.title)},
                "fullDescription": {"text": capitalise(c.why)},
                "help": {"text": format!("Least-privilege alternative: {}", c.remediation)},
                "defaultConfiguration": {"level": level(worst(c.id))},
                "properties": props,
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = CHECKS.iter().position(|c| c.id == f.id).unwrap_or(0);
            let (name, fqn) = if f.service_account.name == "*" {
                let g = f.subject.as_ref().map(|s| s.name.clone()).unwrap_or_default();
                (format!("Group {g}"), g)
            } else {
                (
                    format!("{}/{}", f.service_account.namespace, f.service_account.name),
                    format!("system:serviceaccount:{}:{}", f.service_account.namespace, f.service_account.name),
                )
            };
            let mut location = json!({
                "logicalLocations": [{"name": name, "fullyQualifiedName": fqn, "kind": "object"}],
            });
            if let Some(uri) = artifact {
                location["physicalLocation"] = json!({"artifactLocation": {"uri": uri}});
            }
            let grants: Vec<String> = f
                .grants
                .iter()
                .map(|g| format!("{} -> {} rule #{}: {}", g.binding, g.role, g.rule_index, g.rule))
                .collect();
            json!({
                "ruleId": f.id,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": message(f)},
                "locations": [location],
                "partialFingerprints": {"kubectlSaFinding/v1": f.fingerprint},
                "properties": {
                    "severity": f.severity,
                    "security-severity": score(f.severity),
                    "serviceAccount": f.service_account,
                    "scope": f.scope,
                    "permissions": f.permissions,
                    "narrowed": f.narrowed,
                    "grants": grants,
                    "escalatesTo": f.escalation.iter().map(|e| e.service_account.to_string()).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kubectl-sa",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {"privilegedNamespaces": report.privileged_namespaces},
        }],
    })
}
