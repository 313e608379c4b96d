//! `kubectl sa audit [SA] [-n NS | -A]`: the risky-permission catalogue for every ServiceAccount, grouped by
//! severity for people, JSON/YAML/SARIF for machines, baselines and `--fail-on` for CI.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::audit::baseline::{Baseline, Entry};
use crate::audit::{self, Audit, AuditReport, CHECKS, Finding, Options, Severity};
use crate::cli::{AuditArgs, AuditOutput};
use crate::cmd::explain::parse_service_account;
use crate::output::{self, dim, heading, no, warn};
use crate::source::ConnectionSettings;
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
struct Report<'a, F: Serialize> {
    /// What was audited: `{allNamespaces}`, `{namespace}` or `{serviceAccount}`.
    selection: serde_json::Value,
    summary: Summary,
    findings: F,
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
pub fn load(flags: &ConnectionSettings, runtime: &tokio::runtime::Runtime) -> Result<Loaded> {
    runtime.block_on(source::load_with(flags, &Needs { all_workloads: true, ..Default::default() }))
}

fn options(loaded: &Loaded, privileged: Option<Vec<String>>, selection: &Selection) -> Options {
    let (only_namespace, only_service_account) = match selection {
        Selection::All => (None, None),
        Selection::Namespace(ns) => (Some(ns.clone()), None),
        Selection::ServiceAccount(ns, name) => (None, Some(audit::SaRef { namespace: ns.clone(), name: name.clone() })),
    };
    Options {
        privileged_namespaces: privileged,
        workloads_known: loaded.workloads_known,
        only_namespace,
        only_service_account,
    }
}

/// The audit of a selection, with its findings built on demand.
pub fn prepare_loaded<'a>(loaded: &'a Loaded, privileged: Option<Vec<String>>, selection: &Selection) -> Audit<'a> {
    audit::prepare(&loaded.cluster, &options(loaded, privileged, selection))
}

/// The audit of a selection and the shortest path to cluster-admin of each ServiceAccount it shows that has one,
/// from one search (dropped before the audit's facts are built, as in [`audit::prepare`]).
pub fn prepare_with_paths<'a>(loaded: &'a Loaded, selection: &Selection) -> (Audit<'a>, Vec<crate::paths::Path>) {
    use crate::paths::{DEFAULT_MAX_STEPS, Search, Target};
    let options = options(loaded, None, selection);
    let starts = audit::shown_service_accounts(&loaded.cluster, &options);
    let (steps, paths) = {
        let search = Search::new(&loaded.cluster, Target::ClusterAdmin, &starts, DEFAULT_MAX_STEPS);
        (search.steps(), search.shortest_paths(&starts))
    };
    (audit::prepare_with_steps(&loaded.cluster, &options, steps, None), paths)
}

/// The audit of a selection with every finding collected.
pub fn audit_loaded(loaded: &Loaded, privileged: Option<Vec<String>>, selection: &Selection) -> AuditReport {
    prepare_loaded(loaded, privileged, selection).report()
}

/// The findings a report shows, serialized as they are built (a large cluster has a hundred thousand).
struct Streamed<'x, 'a, F> {
    audit: &'x Audit<'a>,
    keep: F,
}

impl<F: Fn(&Finding) -> bool> Serialize for Streamed<'_, '_, F> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.audit.findings().filter(|f| (self.keep)(f)))
    }
}

pub fn run(
    args: &AuditArgs,
    flags: &ConnectionSettings,
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
    let audit = prepare_loaded(&loaded, args.privileged_namespaces.clone(), &selection);
    let audited = audit.service_accounts;
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
    let shown = |s: Severity| args.min_severity.is_none_or(|m| s >= m);
    let known = baseline.as_ref().map(Baseline::fingerprints).unwrap_or_default();
    let keep = |f: &Finding| shown(f.severity) && !known.contains(f.fingerprint.as_str());
    // The summary comes before the findings. Without a baseline it is known from the severities; with one, the
    // fingerprints decide, so the findings are built once more to count them.
    let mut counts: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut baselined = 0;
    if baseline.is_some() || args.write_baseline.is_some() {
        let mut entries = Vec::new();
        for f in audit.findings().filter(|f| shown(f.severity)) {
            if known.contains(f.fingerprint.as_str()) {
                baselined += 1;
                continue;
            }
            *counts.entry(f.severity).or_default() += 1;
            if args.write_baseline.is_some() {
                entries.push(Entry::of(&f));
            }
        }
        if let Some(path) = &args.write_baseline {
            Baseline::new(entries).write(path)?;
        }
    } else {
        counts = audit.counts();
        counts.retain(|s, _| shown(*s));
    }
    let count = |s: Severity| counts.get(&s).copied().unwrap_or(0);
    let summary = Summary {
        total: counts.values().sum(),
        critical: count(Severity::Critical),
        high: count(Severity::High),
        medium: count(Severity::Medium),
        low: count(Severity::Low),
        baselined,
    };
    let findings = audit.findings().filter(|f| keep(f));
    match args.output {
        Some(AuditOutput::Json) | Some(AuditOutput::Yaml) => {
            let r = Report {
                selection: selection.json(),
                summary,
                findings: Streamed { audit: &audit, keep },
                privileged_namespaces: &audit.privileged_namespaces,
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
            let report = AuditReport {
                findings: findings.collect(),
                privileged_namespaces: audit.privileged_namespaces.clone(),
                service_accounts: audited,
            };
            output::write_json(out, &audit::sarif::sarif(&report, artifact.as_deref()))?;
        }
        None | Some(AuditOutput::Wide) => {
            let table = Table { selection: &selection, summary: &summary, audited, notes: &notes };
            print_table(out, findings, &audit.privileged_namespaces, &table, args.output == Some(AuditOutput::Wide))?
        }
    }
    let failed = args.fail_on.is_some_and(|min| counts.iter().any(|(s, n)| *s >= min && *n > 0));
    Ok(if failed { ExitCode::from(EXIT_FINDINGS) } else { ExitCode::SUCCESS })
}

pub fn colored_severity(s: Severity) -> String {
    match s {
        Severity::Critical | Severity::High => no(s.as_str()),
        Severity::Medium => warn(s.as_str()),
        Severity::Low => dim(s.as_str()),
    }
}

pub fn who(f: &Finding) -> String {
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
    match f.steps_to_cluster_admin {
        Some(0) => parts.push("holds cluster-admin".into()),
        Some(1) => parts.push("cluster-admin in 1 step".into()),
        Some(n) => parts.push(format!("cluster-admin in {n} steps")),
        None => {}
    }
    parts.join("; ")
}

/// What the table's header and footer say.
struct Table<'x> {
    selection: &'x Selection,
    summary: &'x Summary,
    audited: usize,
    notes: &'x [String],
}

fn print_table(
    out: &mut dyn Write,
    findings: impl Iterator<Item = Finding>,
    privileged_namespaces: &[String],
    t: &Table<'_>,
    wide: bool,
) -> Result<()> {
    let summary = t.summary;
    writeln!(
        out,
        "{}",
        heading(&format!(
            "Audit of {} ({} ServiceAccounts evaluated): {} CRITICAL, {} HIGH, {} MEDIUM, {} LOW{}",
            t.selection.describe(),
            t.audited,
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
    writeln!(out, "Privileged namespaces: {}", privileged_namespaces.join(", "))?;
    // Findings arrive most severe first: one severity's rows are held at a time.
    let headers = ["ID", "SERVICEACCOUNT", "SCOPE", "PERMISSIONS", "VIA", "DETAIL"];
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut current: Option<Severity> = None;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for f in findings {
        if current != Some(f.severity) {
            if !rows.is_empty() {
                output::write_table(out, &headers, &rows)?;
                rows.clear();
            }
            current = Some(f.severity);
            let n = match f.severity {
                Severity::Critical => summary.critical,
                Severity::High => summary.high,
                Severity::Medium => summary.medium,
                Severity::Low => summary.low,
            };
            writeln!(out)?;
            writeln!(out, "{} ({n})", colored_severity(f.severity))?;
        }
        if wide {
            print_wide(out, &f)?;
        } else {
            rows.push(vec![
                f.id.clone(),
                who(&f),
                f.scope.join(","),
                compact_permissions(&f.permissions),
                via(&f),
                detail(&f),
            ]);
        }
        if !ids.contains(&f.id) {
            ids.insert(f.id);
        }
    }
    if !rows.is_empty() {
        output::write_table(out, &headers, &rows)?;
    }
    if !wide && !ids.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", heading("WHY, AND THE LEAST-PRIVILEGE ALTERNATIVE"))?;
        for c in CHECKS.iter().filter(|c| ids.contains(c.id)) {
            let cis = c.cis.map(|x| format!(" [CIS {x}]")).unwrap_or_default();
            writeln!(out, "{} {}{cis}: {}.", c.id, c.title, c.why)?;
            writeln!(out, "  {} {}", dim("fix:"), c.remediation)?;
        }
    }
    if current.is_none() {
        writeln!(out)?;
        writeln!(out, "No findings.")?;
    }
    for n in t.notes {
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
