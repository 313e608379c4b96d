//! `kubectl sa usage`: audit logs against grants.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{DateTime, Duration, Utc};

use crate::cli::{UsageArgs, UsageOutput};
use crate::cmd::explain::parse_service_account;
use crate::output::{self, dim, heading, no, warn, yes};
use crate::source::ConnectionSettings;
use crate::usage::{Aggregator, UsageReport, log};

/// RFC 3339, or a duration before now: 30m, 24h, 7d, 90s.
pub fn parse_time(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().map_err(|_| {
        anyhow::anyhow!("invalid time {s:?}: use RFC 3339 (2026-11-01T00:00:00Z) or a duration such as 24h, 30m, 7d")
    })?;
    let d = match unit {
        "s" => Duration::seconds(n),
        "m" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        _ => bail!("invalid time {s:?}: a duration needs a unit s, m, h or d (e.g. 24h)"),
    };
    Ok(now - d)
}

pub fn run(
    args: &UsageArgs,
    flags: &ConnectionSettings,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let now = Utc::now();
    let since = args.since.as_deref().map(|s| parse_time(s, now)).transpose()?;
    let until = args.until.as_deref().map(|s| parse_time(s, now)).transpose()?;
    let default_ns = flags.namespace.clone().unwrap_or_else(|| "default".into());
    let only = args.service_account.as_deref().map(|s| parse_service_account(s, &default_ns)).transpose()?;
    // Cluster objects first: a wrong context should fail before a long log is read.
    let loaded = if args.offline { None } else { Some(runtime.block_on(crate::source::load(flags))?) };
    let mut agg = Aggregator::new(only, since, until);
    let mut bad = Vec::new();
    log::for_each_event(&args.audit_log, &mut bad, |ev| agg.add(ev))?;
    for b in bad.iter().take(20) {
        eprintln!("warning: {}:{}: skipped: {}", b.file, b.line, b.error);
    }
    if bad.len() > 20 {
        eprintln!("warning: {} more malformed lines skipped", bad.len() - 20);
    }
    let report = agg.report(loaded.as_ref().map(|l| &l.cluster), args.suggest, bad);
    match args.output {
        Some(UsageOutput::Json) => output::write_json(out, &report)?,
        Some(UsageOutput::Yaml) => output::write_yaml(out, &report)?,
        None if args.suggest => print_suggestion(out, &report)?,
        None => print_text(out, &report)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn window_text(r: &UsageReport) -> String {
    match (&r.window.from, &r.window.to) {
        (Some(f), Some(t)) => format!("{f} to {t}"),
        _ => "no requests".into(),
    }
}

fn print_suggestion(out: &mut dyn Write, r: &UsageReport) -> Result<()> {
    writeln!(
        out,
        "# Least privilege for the requests observed from {} ({} events).",
        window_text(r),
        r.events_counted
    )?;
    for sa in &r.service_accounts {
        writeln!(
            out,
            "# ServiceAccount {}/{}: {} requests, {} forbidden.",
            sa.namespace, sa.name, sa.requests, sa.forbidden
        )?;
        for g in sa.grants.iter().flatten().filter(|g| !g.used) {
            writeln!(
                out,
                "#   could be removed: {} -> {} rule #{}: {} (unused in the window)",
                g.binding, g.role, g.rule_index, g.rule
            )?;
        }
        for b in sa.unused_bindings.iter().flatten() {
            writeln!(out, "#   binding no request used: {b}")?;
        }
        for req in sa.by_request.iter().filter(|q| q.forbidden) {
            let what = request_text(req);
            writeln!(out, "#   forbidden {}x: {what}", req.count)?;
            if let Some(m) = req.explain.as_ref().and_then(|e| e["nearMisses"].get(0)) {
                writeln!(
                    out,
                    "#     near miss: {} -> {}: {}",
                    obj(&m["binding"]),
                    obj(&m["role"]),
                    m["message"].as_str().unwrap_or("")
                )?;
            }
        }
        for o in sa.suggestion.iter().flatten() {
            out.write_all(crate::rbac::fix::to_yaml(std::slice::from_ref(o))?.as_bytes())?;
        }
    }
    Ok(())
}

fn obj(v: &serde_json::Value) -> String {
    let (k, n, ns) =
        (v["kind"].as_str().unwrap_or(""), v["name"].as_str().unwrap_or(""), v["namespace"].as_str().unwrap_or(""));
    if ns.is_empty() { format!("{k}/{n}") } else { format!("{k}/{ns}/{n}") }
}

fn request_text(q: &crate::usage::RequestUse) -> String {
    match (&q.resource, &q.path) {
        (Some(res), _) => {
            let group = q.group.as_deref().unwrap_or("");
            let mut t = format!("{} {}", q.verb, crate::catalogue::qualified(res, group));
            if let Some(names) = &q.names
                && !names.is_empty()
            {
                t.push_str(&format!(" {}", names.join(",")));
            } else if q.names.is_none() {
                t.push_str(" (many names)");
            }
            match q.namespace.as_deref() {
                Some("") | None => t.push_str(" (cluster-wide)"),
                Some(ns) => t.push_str(&format!(" in {ns}")),
            }
            t
        }
        (None, Some(path)) => format!("{} {path}", q.verb),
        _ => q.verb.clone(),
    }
}

fn print_text(out: &mut dyn Write, r: &UsageReport) -> Result<()> {
    writeln!(
        out,
        "{}",
        heading(&format!(
            "Audit log: {} events read, {} ServiceAccount requests counted, window {}",
            r.events_read,
            r.events_counted,
            window_text(r)
        ))
    )?;
    if !r.bad_lines.is_empty() {
        writeln!(out, "{}", warn(&format!("{} malformed lines skipped (see stderr)", r.bad_lines.len())))?;
    }
    for sa in &r.service_accounts {
        writeln!(
            out,
            "\n{}",
            heading(&format!(
                "ServiceAccount {}/{}: {} requests, {} forbidden, {} to {}",
                sa.namespace, sa.name, sa.requests, sa.forbidden, sa.first_seen, sa.last_seen
            ))
        )?;
        if !sa.pods.is_empty() {
            writeln!(out, "  from pods: {}", sa.pods.join(", "))?;
        }
        if !sa.credential_ids.is_empty() {
            writeln!(out, "  tokens: {}", sa.credential_ids.join(", "))?;
        }
        let rows = sa
            .by_request
            .iter()
            .map(|q| {
                let outcome = if q.forbidden { no("forbidden") } else { yes("allowed") };
                vec![request_text(q), q.count.to_string(), q.last_seen.clone(), outcome]
            })
            .collect();
        writeln!(out, "{}", output::table(&["REQUEST", "COUNT", "LAST SEEN", "OUTCOME"], rows))?;
        if let Some(grants) = &sa.grants {
            let rows = grants
                .iter()
                .map(|g| {
                    let used = if g.used { yes("used") } else { warn("unused") };
                    vec![
                        format!("{} -> {} #{}", g.binding, g.role, g.rule_index),
                        g.rule.to_string(),
                        used,
                        g.last_used.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            writeln!(out, "\n  grants:")?;
            writeln!(out, "{}", output::table(&["GRANT", "RULE", "USE", "LAST USED"], rows))?;
            for b in sa.unused_bindings.iter().flatten() {
                writeln!(out, "  {}", dim(&format!("no request used {b}")))?;
            }
        }
    }
    Ok(())
}
