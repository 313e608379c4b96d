//! `kubectl sa diff --before PATH... --after PATH...`: what an RBAC change grants and takes away, per subject, and
//! the findings and paths to cluster-admin it adds and removes.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::audit::{self, AuditReport, Finding, Severity};
use crate::cli::{DiffArgs, DiffOutput};
use crate::cmd::audit::{colored_severity, who};
use crate::cmd::paths::{describe as describe_identity, technique_name};
use crate::diff::{self, Entry, Report, Sides, SubjectDiff};
use crate::output::{self, dim, heading, no, yes};
use crate::source::{self, ConnectionSettings};

pub fn run(
    args: &DiffArgs,
    connection: &ConnectionSettings,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let (before, after) = runtime.block_on(source::load_states(connection, &args.before, &args.after, args.replace))?;
    let sides = Sides { before_workloads_known: before.workloads_known, after_workloads_known: after.workloads_known };
    let mut report = diff::compare_with_risk(&before.cluster, &after.cluster, sides);
    let ranks = rank_all(&report);
    let mut order: Vec<usize> = (0..report.subjects.len()).collect();
    // Stable: subjects of equal rank keep their order (by kind, namespace and name).
    order.sort_by_key(|&i| std::cmp::Reverse(ranks[i]));
    let mut subjects: Vec<Option<SubjectDiff>> = std::mem::take(&mut report.subjects).into_iter().map(Some).collect();
    report.subjects = order.into_iter().filter_map(|i| subjects[i].take()).collect();
    match args.output {
        Some(DiffOutput::Json) => output::write_json(out, &report)?,
        Some(DiffOutput::Yaml) => output::write_yaml(out, &report)?,
        Some(DiffOutput::Markdown) => write!(out, "{}", markdown(&report))?,
        Some(DiffOutput::Sarif) => {
            let artifact = match args.after.as_slice() {
                [one] if one.as_os_str() != "-" && one.is_file() => Some(one.display().to_string()),
                _ => None,
            };
            let added = AuditReport {
                findings: report.findings.added.clone(),
                privileged_namespaces: Vec::new(),
                service_accounts: 0,
            };
            output::write_json(out, &audit::sarif::sarif(&added, artifact.as_deref()))?;
        }
        None => print_text(out, &report)?,
    }
    let failed = args.fail_on.is_some_and(|min| report.worst_added().is_some_and(|worst| worst >= min));
    // The process ends next: freeing both states object by object would take longer than the diff's output.
    std::mem::forget((before, after, report));
    Ok(if failed { ExitCode::from(3) } else { ExitCode::SUCCESS })
}

/// How much a subject's change matters, for ordering: the worst finding it gains, a new path to cluster-admin,
/// then how much it gains and loses.
fn rank_all(report: &Report) -> Vec<(Option<Severity>, bool, usize)> {
    let mut worst: HashMap<(&str, &str), Severity> = HashMap::new();
    for f in &report.findings.added {
        let w =
            worst.entry((f.service_account.namespace.as_str(), f.service_account.name.as_str())).or_insert(f.severity);
        *w = (*w).max(f.severity);
    }
    let paths: HashSet<(&str, &str)> =
        report.paths.added.iter().map(|p| (p.from.namespace.as_str(), p.from.name.as_str())).collect();
    report
        .subjects
        .iter()
        .map(|s| {
            let sa = (s.subject.namespace.as_str(), s.subject.name.as_str());
            let is_sa = s.subject.kind == "ServiceAccount";
            (worst.get(&sa).copied().filter(|_| is_sa), is_sa && paths.contains(&sa), s.added.len() + s.removed.len())
        })
        .collect()
}

/// `get,list secrets,configmaps named a,b`, with what a `*` leaves out.
pub fn describe(e: &Entry) -> String {
    let except = |what: &str, v: &[String]| {
        if v.is_empty() { String::new() } else { format!(" except {what} {}", v.join(",")) }
    };
    if !e.non_resource_urls.is_empty() {
        return format!(
            "{}{} {}{}",
            e.verbs.join(","),
            except("verbs", &e.except_verbs),
            e.non_resource_urls.join(","),
            except("URLs", &e.except_non_resource_urls)
        );
    }
    let groups = if e.api_groups == [""] {
        String::new()
    } else {
        let shown: Vec<&str> = e.api_groups.iter().map(|g| if g.is_empty() { "\"\"" } else { g.as_str() }).collect();
        format!(" in groups {}", shown.join(","))
    };
    let names = if e.resource_names.is_empty() {
        String::new()
    } else {
        let shown: Vec<&str> =
            e.resource_names.iter().map(|n| if n.is_empty() { "(no name)" } else { n.as_str() }).collect();
        format!(" named {}", shown.join(","))
    };
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

fn scope(e: &Entry) -> String {
    if e.scope == "cluster" { "cluster-wide".to_string() } else { format!("in {}", e.scope) }
}

fn via(e: &Entry) -> String {
    e.via.iter().map(|v| format!("{} -> {}", v.binding, v.role)).collect::<Vec<_>>().join("; ")
}

fn summary(r: &Report) -> String {
    let gaining = r.subjects.iter().filter(|s| !s.added.is_empty()).count();
    let losing = r.subjects.iter().filter(|s| !s.removed.is_empty()).count();
    let worst = r.worst_added().map(|s| format!(" (worst added: {})", s.as_str())).unwrap_or_default();
    format!(
        "{gaining} subject{} gain{} permissions, {losing} lose{}; findings +{} -{}{worst}; paths to cluster-admin +{} -{}",
        if gaining == 1 { "" } else { "s" },
        if gaining == 1 { "s" } else { "" },
        if losing == 1 { "s" } else { "" },
        r.findings.added.len(),
        r.findings.removed.len(),
        r.paths.added.len(),
        r.paths.removed.len(),
    )
}

fn finding_line(f: &Finding) -> String {
    format!("{}  {}  {}", f.id, who(f), crate::cmd::audit::compact_permissions(&f.permissions))
}

fn path_line(p: &crate::paths::Path) -> String {
    let steps: Vec<String> = p.steps.iter().map(|s| technique_name(s.technique)).collect();
    let how = if steps.is_empty() { "holds it".to_string() } else { steps.join(" -> ") };
    format!("{}: {} step{} ({how})", describe_identity(&p.from), p.length, if p.length == 1 { "" } else { "s" })
}

fn print_text(out: &mut dyn Write, r: &Report) -> Result<()> {
    writeln!(out, "{}\n", heading(&summary(r)))?;
    if r.subjects.is_empty() {
        writeln!(out, "No subject may do anything it could not before, and none lost anything.")?;
    }
    for s in &r.subjects {
        writeln!(out, "{}", heading(&s.subject.to_string()))?;
        for (sign, entries) in [(yes("+"), &s.added), (no("-"), &s.removed)] {
            for e in entries {
                writeln!(out, "  {sign} {}  {}  {}", describe(e), dim(&scope(e)), dim(&via(e)))?;
            }
        }
        writeln!(out)?;
    }
    for (title, findings) in [("Findings added", &r.findings.added), ("Findings removed", &r.findings.removed)] {
        if findings.is_empty() {
            continue;
        }
        writeln!(out, "{}", heading(title))?;
        for f in findings {
            writeln!(out, "  {:<8}  {}", colored_severity(f.severity), finding_line(f))?;
        }
        writeln!(out)?;
    }
    for (title, paths) in
        [("Paths to cluster-admin added", &r.paths.added), ("Paths to cluster-admin removed", &r.paths.removed)]
    {
        if paths.is_empty() {
            continue;
        }
        writeln!(out, "{}", heading(title))?;
        for p in paths {
            writeln!(out, "  {}", path_line(p))?;
        }
        writeln!(out)?;
    }
    for w in &r.warnings {
        writeln!(out, "warning: {w}")?;
    }
    Ok(())
}

/// A cell of a Markdown table: pipes escaped, code spans for names.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The pull-request comment: the summary, findings added (most severe first), paths, then each subject's entries.
pub fn markdown(r: &Report) -> String {
    let mut s = format!("### kubectl sa diff\n\n{}\n\n", summary(r));
    let findings = |s: &mut String, title: &str, list: &[Finding]| {
        if list.is_empty() {
            return;
        }
        s.push_str(&format!(
            "#### {title}\n\n| Severity | Check | ServiceAccount | Permissions |\n|---|---|---|---|\n"
        ));
        for f in list {
            s.push_str(&format!(
                "| {} | {} {} | `{}` | {} |\n",
                f.severity.as_str(),
                f.id,
                cell(&f.title),
                who(f),
                cell(&crate::cmd::audit::compact_permissions(&f.permissions))
            ));
        }
        s.push('\n');
    };
    findings(&mut s, "Findings added", &r.findings.added);
    findings(&mut s, "Findings removed", &r.findings.removed);
    for (title, paths) in
        [("Paths to cluster-admin added", &r.paths.added), ("Paths to cluster-admin removed", &r.paths.removed)]
    {
        if paths.is_empty() {
            continue;
        }
        s.push_str(&format!("#### {title}\n\n"));
        for p in paths {
            s.push_str(&format!("- {}\n", cell(&path_line(p))));
        }
        s.push('\n');
    }
    if r.subjects.is_empty() {
        s.push_str("No subject gains or loses any permission.\n");
        return s;
    }
    s.push_str("#### Permissions\n\n| Subject | | Requests | Scope | Via |\n|---|---|---|---|---|\n");
    for d in &r.subjects {
        for (sign, entries) in [("+", &d.added), ("−", &d.removed)] {
            for e in entries {
                s.push_str(&format!(
                    "| `{}` | {sign} | {} | {} | {} |\n",
                    d.subject,
                    cell(&describe(e)),
                    scope(e),
                    cell(&via(e))
                ));
            }
        }
    }
    for w in &r.warnings {
        s.push_str(&format!("\n> warning: {}\n", cell(w)));
    }
    s
}
