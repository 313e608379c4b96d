//! `kubectl sa diff --before PATH... --after PATH...`: what an RBAC change grants and takes away, per subject.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{DiffArgs, DiffOutput};
use crate::diff::{self, Entry, Report};
use crate::output::{self, dim, heading};
use crate::source::{self, ConnectionSettings};

pub fn run(
    args: &DiffArgs,
    connection: &ConnectionSettings,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let live_before = args.before.is_empty();
    let before = runtime
        .block_on(source::load_state(connection, &args.before, live_before))
        .context("reading the state before")?;
    let after = runtime
        .block_on(source::load_state(connection, &args.after, live_before && !args.replace))
        .context("reading the state after")?;
    let report = diff::compare(&before, &after);
    match args.output {
        Some(DiffOutput::Json) => output::write_json(out, &report)?,
        Some(DiffOutput::Yaml) => output::write_yaml(out, &report)?,
        None => print_text(out, &report)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `get,list secrets, configmaps [names a,b]`, with what a `*` leaves out.
pub fn describe(e: &Entry) -> String {
    let except = |what: &str, v: &[String]| {
        if v.is_empty() { String::new() } else { format!(" (except {what} {})", v.join(",")) }
    };
    let groups = if e.api_groups == [""] {
        String::new()
    } else {
        format!(
            " in groups {}",
            e.api_groups.iter().map(|g| if g.is_empty() { "\"\"" } else { g }).collect::<Vec<_>>().join(",")
        )
    };
    let names =
        if e.resource_names.is_empty() { String::new() } else { format!(" named {}", e.resource_names.join(",")) };
    format!(
        "{}{} {}{}{groups}{}{names}{}",
        e.verbs.join(","),
        except("verbs", &e.except_verbs),
        e.resources.join(","),
        except("resources", &e.except_resources),
        except("groups", &e.except_api_groups),
        except("names", &e.except_resource_names),
    )
}

fn print_text(out: &mut dyn Write, r: &Report) -> Result<()> {
    if r.subjects.is_empty() {
        writeln!(out, "No subject may do anything it could not before, and none lost anything.")?;
    }
    for s in &r.subjects {
        let who = if s.subject.namespace.is_empty() {
            format!("{} {}", s.subject.kind, s.subject.name)
        } else {
            format!("{} {}/{}", s.subject.kind, s.subject.namespace, s.subject.name)
        };
        writeln!(out, "{}", heading(&who))?;
        for (sign, entries) in [("+", &s.added), ("-", &s.removed)] {
            for e in entries {
                let scope = if e.scope == "cluster" { "cluster-wide".to_string() } else { format!("in {}", e.scope) };
                let via: Vec<String> = e.via.iter().map(|v| format!("{} -> {}", v.binding, v.role)).collect();
                writeln!(out, "  {sign} {}  {}  {}", describe(e), dim(&scope), dim(&via.join("; ")))?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
