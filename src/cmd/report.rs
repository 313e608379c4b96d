//! `kubectl sa report [-n NS | -A] [-o html|json] [--output-file FILE]`: the audit's findings and the `list`
//! rows of every ServiceAccount, with an overview, as one self-contained HTML page (or the data it embeds).

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::audit::{Finding, Severity};
use crate::cli::{ReportArgs, ReportOutput};
use crate::cmd::audit::{Selection, load, prepare_loaded};
use crate::cmd::list::{Row, rows_with_findings};
use crate::output;
use crate::source::{ConnectionSettings, Loaded};

/// What the page shows; `-o json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportData {
    #[serde(flatten)]
    pub header: Header,
    pub findings: Vec<Finding>,
    pub service_accounts: Vec<Row>,
}

/// Everything but the findings and rows (the page embeds it as it is, and packs those two lists).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    pub version: &'static str,
    /// When the report was made (UTC, RFC 3339).
    pub generated: String,
    pub source: Source,
    /// `{"allNamespaces": true}` or `{"namespace": NS}`.
    pub scope: serde_json::Value,
    /// True when part of the input could not be read (the page says so on its first screen).
    pub partial: bool,
    pub notes: Vec<String>,
    pub counts: Counts,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// `cluster` or `snapshot`.
    pub kind: &'static str,
    /// The API server's URL, or the snapshot files.
    pub name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub service_accounts: usize,
    /// RoleBindings of the namespaces in scope.
    pub role_bindings: usize,
    pub cluster_role_bindings: usize,
    pub findings: usize,
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings by the namespace of their ServiceAccount (`*` for binding-wide ones).
    pub by_namespace: BTreeMap<String, usize>,
}

pub fn run(
    args: &ReportArgs,
    connection: &ConnectionSettings,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let loaded = load(connection, runtime)?;
    let data = data(&loaded, connection, args.all_namespaces);
    let text = match args.output {
        ReportOutput::Html => output::report::html(&data.header, &data.findings, &data.service_accounts)?,
        ReportOutput::Json => serde_json::to_string_pretty(&data)? + "\n",
    };
    match &args.output_file {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {} (check that its directory exists)", path.display()))?,
        None => out.write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn data(loaded: &Loaded, connection: &ConnectionSettings, all_namespaces: bool) -> ReportData {
    let selection = if all_namespaces { Selection::All } else { Selection::Namespace(loaded.namespace.clone()) };
    let audit = prepare_loaded(loaded, None, &selection);
    let findings: Vec<Finding> = audit.findings().collect();
    let namespace = (!all_namespaces).then_some(loaded.namespace.as_str());
    let (service_accounts, _) = rows_with_findings(loaded, namespace, findings.iter());
    let mut by_severity: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut by_namespace: BTreeMap<String, usize> = BTreeMap::new();
    for f in &findings {
        *by_severity.entry(f.severity).or_default() += 1;
        *by_namespace.entry(f.service_account.namespace.clone()).or_default() += 1;
    }
    let cluster = &loaded.cluster;
    let counts = Counts {
        service_accounts: service_accounts.len(),
        role_bindings: cluster.role_bindings.iter().filter(|b| namespace.is_none_or(|ns| b.namespace == ns)).count(),
        cluster_role_bindings: cluster.cluster_role_bindings.len(),
        findings: findings.len(),
        by_severity,
        by_namespace,
    };
    let source = match &loaded.connection {
        Some(c) => Source { kind: "cluster", name: c.server.clone() },
        None => Source {
            kind: "snapshot",
            name: connection.filename.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        },
    };
    let mut notes = cluster.notes.clone();
    if !loaded.workloads_known {
        notes.push(
            "pods and token Secrets were not read: pods, tokens and the findings that depend on them are unknown"
                .into(),
        );
    }
    let header = Header {
        version: env!("CARGO_PKG_VERSION"),
        generated: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source,
        scope: match namespace {
            None => serde_json::json!({ "allNamespaces": true }),
            Some(ns) => serde_json::json!({ "namespace": ns }),
        },
        partial: !loaded.workloads_known,
        notes,
        counts,
    };
    ReportData { header, findings, service_accounts }
}
