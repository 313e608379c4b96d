//! `kubectl sa list [-n NS | -A]`: one row per ServiceAccount: exists or missing, pods, automount, tokens, cloud
//! identity, bindings and highest audit severity; plus the bindings that name missing ServiceAccounts or roles.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::audit::{self, Severity};
use crate::cli::{ListArgs, ListOutput, ListSort};
use crate::cmd::audit::{Selection, load, prepare_loaded};
use crate::identity::authn::{self, CloudIdentity, LegacyToken};
use crate::output::{self, dim, heading, no, warn};
use crate::rbac::{ObjectRef, UserInfo, bindings_for_user};
use crate::source::ConnectionSettings;
use crate::source::Loaded;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub namespace: String,
    pub name: String,
    /// False when bindings or pods name it but it does not exist.
    pub exists: bool,
    /// Pods that run as it (null when pods were not read).
    pub pods: Option<usize>,
    /// Pods that get a token mounted (null when pods were not read).
    pub pods_with_token: Option<usize>,
    /// The ServiceAccount's automountServiceAccountToken (null = unset = true; pods may override).
    pub automount: Option<bool>,
    /// Token kinds in use: `projected` (pods with a mounted or explicitly projected token), `legacy-secret`.
    pub token_kinds: Vec<String>,
    /// Legacy token Secrets (null when they were not read).
    pub legacy_tokens: Option<Vec<LegacyToken>>,
    pub cloud_identities: Vec<CloudIdentity>,
    /// Bindings that apply to it (directly, by its User alias, or by group).
    pub bindings: usize,
    /// Of those, bindings that name it directly or by its User alias.
    pub direct_bindings: usize,
    /// The highest audit severity (null when the audit finds nothing).
    pub risk: Option<Severity>,
    pub findings: usize,
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dangling {
    pub binding: ObjectRef,
    /// `serviceAccount` (a ServiceAccount subject that does not exist) or `roleRef` (the role does not exist).
    pub kind: String,
    pub message: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    service_accounts: &'a [Row],
    dangling: &'a [Dangling],
    notes: &'a [String],
}

pub fn run(
    args: &ListArgs,
    flags: &ConnectionSettings,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let loaded = load(flags, runtime)?;
    if args.unused && !loaded.workloads_known {
        bail!(
            "--unused needs the pods, and none were read (live: listing pods was refused; snapshot: add pods, e.g. \
             `kubectl get pods -A -o yaml`)"
        );
    }
    let namespace = (!args.all_namespaces).then(|| loaded.namespace.clone());
    let (mut rows, dangling) = rows(&loaded, namespace.as_deref());
    if args.unused {
        rows.retain(|r| r.exists && r.pods == Some(0));
    }
    if args.sort == ListSort::Risk {
        rows.sort_by(|a, b| b.risk.cmp(&a.risk).then_with(|| b.findings.cmp(&a.findings)));
    }
    let mut notes = loaded.cluster.notes.clone();
    if !loaded.workloads_known {
        notes.push("pods and token Secrets were not read: PODS and TOKENS are unknown".into());
    }
    match args.output {
        Some(ListOutput::Json) => {
            output::write_json(out, &Report { service_accounts: &rows, dangling: &dangling, notes: &notes })?
        }
        Some(ListOutput::Yaml) => {
            output::write_yaml(out, &Report { service_accounts: &rows, dangling: &dangling, notes: &notes })?
        }
        None | Some(ListOutput::Wide) => {
            print_table(out, &rows, &dangling, &notes, args.output == Some(ListOutput::Wide))?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The rows for `namespace` (None = every namespace), sorted by namespace and name, and the dangling bindings.
pub fn rows(loaded: &Loaded, namespace: Option<&str>) -> (Vec<Row>, Vec<Dangling>) {
    let selection = match namespace {
        Some(ns) => Selection::Namespace(ns.to_string()),
        None => Selection::All,
    };
    // Findings are streamed: only each ServiceAccount's count and highest severity are kept.
    let audit = prepare_loaded(loaded, None, &selection);
    rows_with_findings(loaded, namespace, audit.findings())
}

/// The rows of [`rows`], from findings the caller already has (the audit of the same selection).
pub fn rows_with_findings(
    loaded: &Loaded,
    namespace: Option<&str>,
    findings: impl Iterator<Item = impl std::borrow::Borrow<audit::Finding>>,
) -> (Vec<Row>, Vec<Dangling>) {
    let cluster = &loaded.cluster;
    let mut highest: HashMap<(String, String), Severity> = HashMap::new();
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    for f in findings {
        let f = f.borrow();
        if f.subject.is_some() {
            continue;
        }
        let key = (f.service_account.namespace.clone(), f.service_account.name.clone());
        let top = highest.entry(key.clone()).or_insert(f.severity);
        *top = (*top).max(f.severity);
        *counts.entry(key).or_default() += 1;
    }
    let mut sas: BTreeMap<(String, String), bool> =
        audit::service_accounts(cluster).into_iter().map(|(k, v)| ((k.namespace, k.name), v)).collect();
    let mut pods_of: HashMap<(String, String), usize> = HashMap::new();
    for p in &cluster.pods {
        sas.entry((p.namespace.clone(), p.service_account.clone())).or_insert(false);
        *pods_of.entry((p.namespace.clone(), p.service_account.clone())).or_default() += 1;
    }
    let mut secrets_of: HashMap<(String, String), usize> = HashMap::new();
    for s in &cluster.token_secrets {
        *secrets_of.entry((s.namespace.clone(), s.service_account.clone())).or_default() += 1;
    }
    let known = loaded.workloads_known;
    let mut rows = Vec::new();
    for ((ns, name), exists) in sas {
        if namespace.is_some_and(|n| n != ns) {
            continue;
        }
        let key = (ns.clone(), name.clone());
        let object = cluster.service_account(&ns, &name);
        let user = UserInfo::service_account(&ns, &name);
        let ids = bindings_for_user(cluster, &user);
        let direct = ids
            .iter()
            .filter(|id| {
                let b = cluster.binding(**id);
                b.subjects.iter().any(|s| {
                    crate::rbac::subject_applies(b, s, &user) && (s.kind == "ServiceAccount" || s.kind == "User")
                })
            })
            .count();
        // The full analysis only where there is something to analyse (it scans pods and Secrets).
        let interesting = pods_of.contains_key(&key)
            || secrets_of.contains_key(&key)
            || cluster.cloud.maps_service_accounts()
            || object.is_some_and(|o| !o.annotations.is_empty() || !o.labels.is_empty());
        let (pods, pods_with_token, legacy, cloud, mut warnings, projected) = if interesting {
            let a = authn::analyse(cluster, &ns, &name, loaded.is_live(), known);
            let pods = a.pods.as_ref().map(|p| p.len());
            let with_token = a.pods.as_ref().map(|p| p.iter().filter(|t| t.automount).count());
            let projected =
                a.pods.as_ref().is_some_and(|p| p.iter().any(|t| t.automount || !t.projected_tokens.is_empty()));
            (pods, with_token, a.legacy_tokens, a.cloud_identities, a.warnings, projected)
        } else {
            (known.then_some(0), known.then_some(0), known.then(Vec::new), Vec::new(), Vec::new(), false)
        };
        if !exists {
            warnings.insert(0, "does not exist: bindings or pods name it; whoever may create it gets its power".into());
        }
        let mut token_kinds = Vec::new();
        if projected {
            token_kinds.push("projected".to_string());
        }
        if legacy.as_ref().is_some_and(|l| !l.is_empty()) {
            token_kinds.push("legacy-secret".to_string());
        }
        rows.push(Row {
            exists,
            pods,
            pods_with_token,
            automount: object.and_then(|o| o.automount),
            token_kinds,
            legacy_tokens: legacy,
            cloud_identities: cloud,
            bindings: ids.len(),
            direct_bindings: direct,
            risk: highest.get(&key).copied(),
            findings: counts.get(&key).copied().unwrap_or(0),
            warnings,
            namespace: ns,
            name,
        });
    }
    (rows, dangling(loaded, namespace))
}

/// Bindings that name ServiceAccounts that do not exist, or roles that do not exist.
fn dangling(loaded: &Loaded, namespace: Option<&str>) -> Vec<Dangling> {
    let cluster = &loaded.cluster;
    let mut out = Vec::new();
    for (_, b) in cluster.all_bindings() {
        if let Err(message) = cluster.resolve_role(b)
            && namespace.is_none_or(|n| b.namespace.is_empty() || b.namespace == n)
        {
            out.push(Dangling {
                binding: ObjectRef::of_binding(b),
                kind: "roleRef".into(),
                message: format!("its roleRef dangles: {message}"),
            });
        }
        for s in &b.subjects {
            if s.kind != "ServiceAccount" {
                continue;
            }
            let ns = if s.namespace.is_empty() { &b.namespace } else { &s.namespace };
            if ns.is_empty() || namespace.is_some_and(|n| n != ns) {
                continue;
            }
            if cluster.service_account(ns, &s.name).is_none()
                && (!cluster.service_accounts.is_empty() || loaded.is_live())
            {
                out.push(Dangling {
                    binding: ObjectRef::of_binding(b),
                    kind: "serviceAccount".into(),
                    message: format!("names ServiceAccount {ns}/{}, which does not exist", s.name),
                });
            }
        }
    }
    out
}

fn risk_text(r: Option<Severity>) -> String {
    match r {
        Some(s @ (Severity::Critical | Severity::High)) => no(s.as_str()),
        Some(Severity::Medium) => warn("MEDIUM"),
        Some(Severity::Low) => "LOW".into(),
        None => dim("-"),
    }
}

fn opt(n: Option<usize>) -> String {
    n.map(|n| n.to_string()).unwrap_or_else(|| "?".into())
}

fn tokens_text(r: &Row, wide: bool) -> String {
    let mut parts = Vec::new();
    if r.token_kinds.iter().any(|k| k == "projected") {
        parts.push("projected".to_string());
    }
    match &r.legacy_tokens {
        None => parts.push("?".into()),
        Some(l) => {
            for t in l {
                let mut s = if wide { format!("legacy {}", t.secret) } else { "legacy".to_string() };
                if let Some(d) = &t.last_used {
                    s.push_str(&format!(" (used {d})"));
                } else if let Some(d) = &t.invalid_since {
                    s.push_str(&format!(" (invalid since {d})"));
                }
                parts.push(s);
            }
        }
    }
    if parts.is_empty() { "-".into() } else { parts.join(", ") }
}

fn cloud_text(r: &Row) -> String {
    if r.cloud_identities.is_empty() {
        return "-".into();
    }
    r.cloud_identities
        .iter()
        .map(|c| if c.identity.is_empty() { c.provider.clone() } else { format!("{} {}", c.provider, c.identity) })
        .collect::<Vec<_>>()
        .join(", ")
}

fn automount_text(r: &Row) -> String {
    if !r.exists {
        return "-".into();
    }
    match r.automount {
        Some(true) => "true".into(),
        Some(false) => "false".into(),
        None => "true (default)".into(),
    }
}

fn print_table(out: &mut dyn Write, rows: &[Row], dangling: &[Dangling], notes: &[String], wide: bool) -> Result<()> {
    let mut headers = vec!["NAMESPACE", "NAME", "PODS", "AUTOMOUNT", "TOKENS", "CLOUD IDENTITY", "BINDINGS", "RISK"];
    if wide {
        headers.push("FINDINGS");
        headers.push("WARNINGS");
    }
    let table_rows = rows
        .iter()
        .map(|r| {
            let name = if r.exists { r.name.clone() } else { format!("{} [missing]", r.name) };
            let pods = match (r.pods, r.pods_with_token) {
                (Some(p), Some(t)) if wide => format!("{p} ({t} with token)"),
                (p, _) => opt(p),
            };
            let bindings =
                if wide { format!("{} ({} direct)", r.bindings, r.direct_bindings) } else { r.bindings.to_string() };
            let mut row = vec![
                r.namespace.clone(),
                name,
                pods,
                automount_text(r),
                tokens_text(r, wide),
                cloud_text(r),
                bindings,
                risk_text(r.risk),
            ];
            if wide {
                row.push(r.findings.to_string());
                row.push(r.warnings.join("; "));
            }
            row
        })
        .collect();
    if rows.is_empty() {
        writeln!(out, "No ServiceAccounts.")?;
    } else {
        writeln!(out, "{}", output::table(&headers, table_rows))?;
    }
    if !dangling.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", heading("BINDINGS TO MISSING SERVICEACCOUNTS OR ROLES"))?;
        for d in dangling {
            writeln!(out, "{} {}", d.binding, d.message)?;
        }
    }
    if !wide {
        let warned: Vec<&Row> = rows.iter().filter(|r| !r.warnings.is_empty() && r.exists).collect();
        for r in warned {
            for w in &r.warnings {
                writeln!(out, "{}", warn(&format!("warning: {}/{}: {w}", r.namespace, r.name)))?;
            }
        }
    }
    for n in notes {
        writeln!(out, "{}", dim(&format!("note: {n}")))?;
    }
    Ok(())
}
