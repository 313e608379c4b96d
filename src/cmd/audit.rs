//! `kubectl sa audit [SA] [-n NS | -A]`: the risky-permission catalogue for every ServiceAccount, grouped by
//! severity for people, JSON/YAML/SARIF for machines, baselines and `--fail-on` for CI.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::audit::baseline::Baseline;
use crate::audit::{self, AuditReport, CHECKS, Finding, Options, Severity};
use crate::cli::{AuditArgs, AuditOutput, ConnectionFlags};
use crate::cmd::explain::parse_service_account;
use crate::output::{self, dim, heading, no, warn};
use crate::rbac::request::AUTHENTICATED_GROUP;
use crate::source::{self, Loaded, Needs};

/// Exit status when `--fail-on` finds a finding at or above its severity.
pub const EXIT_FINDINGS: u8 = 3;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    total: usize,
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    /// Hidden by --baseline.
    baselined: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    /// What was audited: `{allNamespaces}`, `{namespace}` or `{serviceAccount}`.
    selection: serde_json::Value,
    summary: Summary,
    findings: &'a [Finding],
    privileged_namespaces: &'a [String],
    service_accounts_audited: usize,
    notes: &'a [String],
}

/// Which findings a command shows.
pub enum Selection {
    All,
    Namespace(String),
    ServiceAccount(String, String),
}

impl Selection {
    pub fn of(service_account: Option<&str>, all_namespaces: bool, loaded: &Loaded) -> Result<Selection> {
        Ok(match (service_account, all_namespaces) {
            (Some(arg), _) => {
                let (ns, name) = parse_service_account(arg, &loaded.namespace)?;
                Selection::ServiceAccount(ns, name)
            }
            (None, true) => Selection::All,
            (None, false) => Selection::Namespace(loaded.namespace.clone()),
        })
    }

    pub fn keeps(&self, f: &Finding) -> bool {
        let everyone = f.service_account.name == "*";
        match self {
            Selection::All => true,
            Selection::Namespace(ns) => everyone || &f.service_account.namespace == ns,
            Selection::ServiceAccount(ns, name) => {
                if everyone {
                    f.subject.as_ref().is_some_and(|s| s.name == AUTHENTICATED_GROUP)
                } else {
                    &f.service_account.namespace == ns && &f.service_account.name == name
                }
            }
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Selection::All => serde_json::json!({"allNamespaces": true}),
            Selection::Namespace(ns) => serde_json::json!({"namespace": ns}),
            Selection::ServiceAccount(ns, name) => {
                serde_json::json!({"serviceAccount": {"namespace": ns, "name": name}})
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Selection::All => "all namespaces".into(),
            Selection::Namespace(ns) => format!("namespace {ns:?}"),
            Selection::ServiceAccount(ns, name) => format!("ServiceAccount {ns}/{name}"),
        }
    }
}

/// Loads the cluster with pods and token Secrets of every namespace (best effort live).
pub fn load(flags: &ConnectionFlags, runtime: &tokio::runtime::Runtime) -> Result<Loaded> {
    runtime.block_on(source::load_with(flags, &Needs { all_workloads: true, ..Default::default() }))
}

pub fn audit_loaded(loaded: &Loaded, privileged: Option<Vec<String>>, selection: &Selection) -> AuditReport {
    let (only_namespace, only_service_account) = match selection {
        Selection::All => (None, None),
        Selection::Namespace(ns) => (Some(ns.clone()), None),
        Selection::ServiceAccount(ns, name) => (None, Some(audit::SaRef { namespace: ns.clone(), name: name.clone() })),
    };
    audit::audit(
        &loaded.cluster,
        &Options {
            privileged_namespaces: privileged,
            workloads_known: loaded.workloads_known,
            only_namespace,
            only_service_account,
        },
    )
}

pub fn run(
    args: &AuditArgs,
    flags: &ConnectionFlags,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    if let Some(list) = &args.privileged_namespaces
        && let Some(bad) = list.iter().find(|n| n.is_empty() || n.contains(char::is_whitespace))
    {
        anyhow::bail!("invalid --privileged-namespaces entry {bad:?}: give comma-separated namespace names");
    }
    // Read the baseline first: a bad file is reported before any work.
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let loaded = load(flags, runtime)?;
    let selection = Selection::of(args.service_account.as_deref(), args.all_namespaces, &loaded)?;
    let mut report = audit_loaded(&loaded, args.privileged_namespaces.clone(), &selection);
    let audited = report.service_accounts;
    let mut notes = loaded.cluster.notes.clone();
    if let Selection::ServiceAccount(ns, name) = &selection
        && loaded.cluster.service_account(ns, name).is_none()
        && !audit::service_accounts(&loaded.cluster)
            .contains_key(&audit::SaRef { namespace: ns.clone(), name: name.clone() })
    {
        notes.push(format!("ServiceAccount {ns}/{name} does not exist and no binding names it"));
    }
    if !loaded.workloads_known {
        notes.push(
            "pods were not read (none in the snapshot, or refused): SA-24 looks only at automount, SA-27 only at \
             ServiceAccount annotations, and pod-based escalations assume any ServiceAccount of the namespace"
                .into(),
        );
    }
    report.findings.retain(|f| selection.keeps(f) && args.min_severity.is_none_or(|m| f.severity >= m));
    let baselined = baseline.as_ref().map(|b| b.suppress(&mut report.findings)).unwrap_or(0);
    if let Some(path) = &args.write_baseline {
        Baseline::of(&report.findings).write(path)?;
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let summary = Summary {
        total: report.findings.len(),
        critical: count(Severity::Critical),
        high: count(Severity::High),
        medium: count(Severity::Medium),
        low: count(Severity::Low),
        baselined,
    };
    match args.output {
        Some(AuditOutput::Json) | Some(AuditOutput::Yaml) => {
            let r = Report {
                selection: selection.json(),
                summary,
                findings: &report.findings,
                privileged_namespaces: &report.privileged_namespaces,
                service_accounts_audited: audited,
                notes: &notes,
            };
            if args.output == Some(AuditOutput::Json) {
                output::write_json(out, &r)?;
            } else {
                output::write_yaml(out, &r)?;
            }
        }
        Some(AuditOutput::Sarif) => {
            let artifact = match flags.filename.as_slice() {
                [one] if one.as_os_str() != "-" && one.is_file() => Some(one.display().to_string()),
                _ => None,
            };
            output::write_json(out, &audit::sarif::sarif(&report, artifact.as_deref()))?;
        }
        None | Some(AuditOutput::Wide) => {
            print_table(out, &report, &selection, &summary, audited, &notes, args.output == Some(AuditOutput::Wide))?
        }
    }
    let failed = args.fail_on.is_some_and(|min| report.findings.iter().any(|f| f.severity >= min));
    Ok(if failed { ExitCode::from(EXIT_FINDINGS) } else { ExitCode::SUCCESS })
}

fn colored_severity(s: Severity) -> String {
    match s {
        Severity::Critical | Severity::High => no(s.as_str()),
        Severity::Medium => warn(s.as_str()),
        Severity::Low => dim(s.as_str()),
    }
}

fn who(f: &Finding) -> String {
    if f.service_account.name == "*" {
        format!("* (Group {})", f.subject.as_ref().map(|s| s.name.as_str()).unwrap_or(""))
    } else if f.service_account.exists {
        format!("{}/{}", f.service_account.namespace, f.service_account.name)
    } else {
        format!("{}/{} [missing]", f.service_account.namespace, f.service_account.name)
    }
}

fn via(f: &Finding) -> String {
    match f.grants.first() {
        Some(g) => {
            let mut s = format!("{} -> {}", g.binding, g.role);
            let more = f.grants.iter().map(|g| &g.binding).collect::<BTreeSet<_>>().len();
            if more > 1 {
                s.push_str(&format!(" (+{} more)", more - 1));
            }
            s
        }
        None => f.details.first().cloned().unwrap_or_default(),
    }
}

/// `create/patch/update deployments.apps, create pods (+3 more)`: verbs grouped by resource, at most two groups.
pub fn compact_permissions(perms: &[String]) -> String {
    let mut by_target: Vec<(String, Vec<String>)> = Vec::new();
    for p in perms {
        let (verb, target) = p.split_once(' ').unwrap_or((p.as_str(), ""));
        match by_target.iter_mut().find(|(t, _)| t == target) {
            Some((_, verbs)) => verbs.push(verb.to_string()),
            None => by_target.push((target.to_string(), vec![verb.to_string()])),
        }
    }
    let shown: Vec<String> = by_target
        .iter()
        .take(2)
        .map(|(t, v)| if t.is_empty() { v.join("/") } else { format!("{} {t}", v.join("/")) })
        .collect();
    let more = if by_target.len() > 2 { format!(" (+{} more)", by_target.len() - 2) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

fn detail(f: &Finding) -> String {
    let mut parts = Vec::new();
    if !f.resource_names.is_empty() {
        let names: Vec<String> =
            f.resource_names.values().flatten().cloned().collect::<BTreeSet<_>>().into_iter().collect();
        parts.push(format!("only {}", names.join(",")));
    }
    if !f.escalation.is_empty() {
        let targets: Vec<String> = f
            .escalation
            .iter()
            .take(3)
            .map(|e| {
                let what = match e.findings.as_slice() {
                    [] => e.cloud_identities.join(","),
                    [a] => a.clone(),
                    [a, b] => format!("{a},{b}"),
                    [a, rest @ ..] => format!("{a} +{}", rest.len()),
                };
                format!("{} ({what})", e.service_account)
            })
            .collect();
        let more = match (f.escalation.len(), f.escalation_truncated) {
            (n, true) => format!(" +{} more", n.saturating_sub(3)).replace(" more", " or more"),
            (n, false) if n > 3 => format!(" +{} more", n - 3),
            _ => String::new(),
        };
        parts.push(format!("=> {}{more}", targets.join(", ")));
    }
    parts.join("; ")
}

fn print_table(
    out: &mut dyn Write,
    report: &AuditReport,
    selection: &Selection,
    summary: &Summary,
    audited: usize,
    notes: &[String],
    wide: bool,
) -> Result<()> {
    writeln!(
        out,
        "{}",
        heading(&format!(
            "Audit of {} ({audited} ServiceAccounts evaluated): {} CRITICAL, {} HIGH, {} MEDIUM, {} LOW{}",
            selection.describe(),
            summary.critical,
            summary.high,
            summary.medium,
            summary.low,
            if summary.baselined > 0 {
                format!(" ({} hidden by the baseline)", summary.baselined)
            } else {
                String::new()
            }
        ))
    )?;
    writeln!(out, "Privileged namespaces: {}", report.privileged_namespaces.join(", "))?;
    for sev in Severity::ALL {
        let group: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "{} ({})", colored_severity(sev), group.len())?;
        if wide {
            for f in group {
                print_wide(out, f)?;
            }
            continue;
        }
        let rows = group
            .iter()
            .map(|f| {
                vec![f.id.clone(), who(f), f.scope.join(","), compact_permissions(&f.permissions), via(f), detail(f)]
            })
            .collect();
        writeln!(out, "{}", output::table(&["ID", "SERVICEACCOUNT", "SCOPE", "PERMISSIONS", "VIA", "DETAIL"], rows))?;
    }
    if !wide && !report.findings.is_empty() {
        let ids: BTreeSet<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
        writeln!(out)?;
        writeln!(out, "{}", heading("WHY, AND THE LEAST-PRIVILEGE ALTERNATIVE"))?;
        for c in CHECKS.iter().filter(|c| ids.contains(c.id)) {
            let cis = c.cis.map(|x| format!(" [CIS {x}]")).unwrap_or_default();
            writeln!(out, "{} {}{cis}: {}.", c.id, c.title, c.why)?;
            writeln!(out, "  {} {}", dim("fix:"), c.remediation)?;
        }
    }
    if report.findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "No findings.")?;
    }
    for n in notes {
        writeln!(out, "{}", dim(&format!("note: {n}")))?;
    }
    Ok(())
}

fn print_wide(out: &mut dyn Write, f: &Finding) -> Result<()> {
    let cis = f.cis.as_deref().map(|c| format!(" [CIS {c}]")).unwrap_or_default();
    writeln!(out, "{} {} {}: {}{cis}", f.id, colored_severity(f.severity), who(f), f.title)?;
    writeln!(out, "  scope:       {}", f.scope.join(", "))?;
    writeln!(out, "  permissions: {}", f.permissions.join(", "))?;
    for (scope, names) in &f.resource_names {
        writeln!(out, "  only names:  {} in {scope}", names.join(", "))?;
    }
    for g in &f.grants {
        writeln!(
            out,
            "  granted by:  {} -> {} rule #{}: {} ({}: {}, scope {})",
            g.binding, g.role, g.rule_index, g.rule, g.how, g.subject, g.scope
        )?;
    }
    for e in &f.escalation {
        let what = if e.findings.is_empty() {
            format!("cloud identity {}", e.cloud_identities.join(", "))
        } else {
            e.findings.join(", ")
        };
        writeln!(out, "  escalates:   {} to {} ({what})", e.via, e.service_account)?;
    }
    for d in &f.details {
        writeln!(out, "  detail:      {d}")?;
    }
    writeln!(out, "  why:         {}", f.why)?;
    writeln!(out, "  fix:         {}", f.remediation)?;
    Ok(())
}
