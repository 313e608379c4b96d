//! `kubectl sa paths [SA] --to TARGET`: how ServiceAccounts could become more powerful, step by step.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{PathsArgs, PathsOutput};
use crate::output::{self, dim, heading};
use crate::paths::{self, Identity, IdentityKind, Report, Target};
use crate::request::{Placement, RequestSpec};
use crate::source::Loaded;

/// The target: `cluster-admin`, or a request in who-can's grammar (VERB RESOURCE [NAME] with -n, --group,
/// --subresource, --cluster-scope).
pub fn parse_target(text: &str, loaded: &Loaded) -> Result<(Target, String, Vec<String>)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words == ["cluster-admin"] {
        return Ok((Target::ClusterAdmin, "cluster-admin".into(), Vec::new()));
    }
    let mut positional = Vec::new();
    let (mut namespace, mut group, mut subresource, mut cluster_scope) = (None, None, None, false);
    let mut it = words.iter();
    while let Some(&w) = it.next() {
        let mut value = |flag: &str| -> Result<String> {
            match it.next() {
                Some(v) => Ok(v.to_string()),
                None => bail!("--to {text:?}: {flag} needs a value"),
            }
        };
        match w {
            "-n" | "--namespace" => namespace = Some(value(w)?),
            "--group" => group = Some(value(w)?),
            "--subresource" => subresource = Some(value(w)?),
            "--cluster-scope" => cluster_scope = true,
            _ if w.starts_with("--namespace=") => namespace = Some(w["--namespace=".len()..].to_string()),
            _ if w.starts_with('-') && w.len() > 1 => {
                bail!("--to {text:?}: unknown flag {w} (a target takes -n, --group, --subresource, --cluster-scope)")
            }
            _ => positional.push(w),
        }
    }
    let (verb, resource, name) = match positional.as_slice() {
        [verb, resource] => (*verb, *resource, None),
        [verb, resource, name] => (*verb, *resource, Some(*name)),
        _ => bail!("--to {text:?}: expected cluster-admin or 'VERB RESOURCE [NAME] [-n NAMESPACE]'"),
    };
    let placement = if cluster_scope {
        Placement::Cluster
    } else {
        Placement::Namespace(namespace.unwrap_or_else(|| loaded.namespace.clone()))
    };
    let spec =
        RequestSpec { verb, resource, name, subresource: subresource.as_deref(), group: group.as_deref(), placement };
    let parsed = crate::request::parse(&spec, &loaded.catalogue, &loaded.cluster)?;
    Ok((Target::Request(parsed.request.clone()), parsed.request.to_string(), parsed.warnings))
}

pub fn run(args: &PathsArgs, loaded: &Loaded, out: &mut dyn Write) -> Result<ExitCode> {
    if args.max_steps == 0 || args.max_steps > 8 {
        bail!("--max-steps must be between 1 and 8 (got {})", args.max_steps);
    }
    let (target, target_text, warnings) = parse_target(&args.to, loaded)?;
    crate::cmd::print_warnings(&warnings);
    let cluster = &loaded.cluster;
    let starts: Vec<(String, String)> = match &args.service_account {
        Some(arg) => {
            let (ns, name) = crate::request::subject::parse_service_account(arg, &loaded.namespace)?;
            if cluster.service_account(&ns, &name).is_none() {
                bail!(
                    "ServiceAccount {ns}/{name} is not in the input: check the name, or list them with `kubectl sa list -A`"
                );
            }
            vec![(ns, name)]
        }
        None => cluster
            .service_accounts
            .keys()
            .filter(|(ns, _)| args.all_namespaces || *ns == loaded.namespace)
            .cloned()
            .collect(),
    };
    let mut report = paths::find(cluster, target, &target_text, &starts, args.all_paths, args.max_steps);
    report.warnings.splice(0..0, warnings);
    match args.output {
        Some(PathsOutput::Json) => output::write_json(out, &report)?,
        Some(PathsOutput::Yaml) => output::write_yaml(out, &report)?,
        Some(PathsOutput::Dot) => out.write_all(dot(&report).as_bytes())?,
        Some(PathsOutput::Mermaid) => out.write_all(mermaid(&report).as_bytes())?,
        None => print_table(out, &report, args.max_steps)?,
    }
    Ok(if report.paths.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `ns/name` for ServiceAccounts, `User alice`, `Group devs (as u)`, `Node n1`.
pub fn describe(i: &Identity) -> String {
    match i.kind {
        IdentityKind::ServiceAccount => format!("{}/{}", i.namespace, i.name),
        IdentityKind::User => format!("User {}", i.name),
        IdentityKind::Group => format!("Group {}", i.name),
        IdentityKind::Node => format!("Node {}", i.name),
    }
}

fn print_table(out: &mut dyn Write, r: &Report, max_steps: usize) -> Result<()> {
    writeln!(out, "{}\n", heading(&format!("Paths to {}", r.target)))?;
    if r.paths.is_empty() {
        writeln!(out, "No ServiceAccount in scope reaches {} in {max_steps} steps or fewer.", r.target)?;
    }
    for p in &r.paths {
        let how = match p.length {
            0 => "already holds it".to_string(),
            1 => "1 step".to_string(),
            n => format!("{n} steps"),
        };
        writeln!(out, "{}  {}", heading(&describe(&p.from)), dim(&how))?;
        let rows: Vec<Vec<String>> = p
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let rule = s.grant.rule.map(|n| format!(" rule {n}")).unwrap_or_default();
                vec![
                    (i + 1).to_string(),
                    serde_json::to_value(s.technique)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                    describe(&s.to),
                    format!("{} -> {}{rule}", s.grant.binding, s.grant.role),
                ]
            })
            .collect();
        if !rows.is_empty() {
            output::write_table(out, &["STEP", "TECHNIQUE", "GAINS", "GRANTED BY"], &rows)?;
            for (i, s) in p.steps.iter().enumerate() {
                writeln!(out, "  {} {}", dim(&format!("{}.", i + 1)), s.command)?;
            }
        }
        writeln!(out)?;
    }
    for w in &r.warnings {
        writeln!(out, "{}", output::warn(&format!("warning: {w}")))?;
    }
    Ok(())
}

fn node_id(i: &Identity) -> String {
    let raw = format!("{:?}_{}_{}_{}", i.kind, i.namespace, i.name, i.user);
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

pub fn technique_name(t: paths::Technique) -> String {
    serde_json::to_value(t).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

/// Every identity and step of the answer, once each.
fn graph_of(r: &Report) -> (Vec<&Identity>, Vec<(&Identity, &Identity, String)>) {
    let mut nodes: Vec<&Identity> = Vec::new();
    let mut edges = Vec::new();
    for p in &r.paths {
        nodes.push(&p.from);
        for s in &p.steps {
            nodes.push(&s.from);
            nodes.push(&s.to);
            edges.push((&s.from, &s.to, technique_name(s.technique)));
        }
    }
    nodes.sort();
    nodes.dedup();
    edges.sort();
    edges.dedup();
    (nodes, edges)
}

fn dot(r: &Report) -> String {
    let (nodes, edges) = graph_of(r);
    let mut s = String::from("digraph paths {\n  rankdir=LR;\n  node [shape=box];\n");
    let _ = writeln!(s, "  target [label={:?}, shape=doubleoctagon];", r.target);
    for n in &nodes {
        let _ = writeln!(s, "  {} [label={:?}];", node_id(n), describe(n));
    }
    for (a, b, t) in &edges {
        let _ = writeln!(s, "  {} -> {} [label={t:?}];", node_id(a), node_id(b));
    }
    for p in &r.paths {
        let last = p.steps.last().map(|s| &s.to).unwrap_or(&p.from);
        let _ = writeln!(s, "  {} -> target [style=dashed];", node_id(last));
    }
    s.push_str("}\n");
    s
}

fn mermaid(r: &Report) -> String {
    let (nodes, edges) = graph_of(r);
    let esc = |t: &str| t.replace('"', "#quot;");
    let mut s = String::from("flowchart LR\n");
    let _ = writeln!(s, "  target{{{{\"{}\"}}}}", esc(&r.target));
    for n in &nodes {
        let _ = writeln!(s, "  {}[\"{}\"]", node_id(n), esc(&describe(n)));
    }
    for (a, b, t) in &edges {
        let _ = writeln!(s, "  {} -->|{}| {}", node_id(a), t, node_id(b));
    }
    for p in &r.paths {
        let last = p.steps.last().map(|s| &s.to).unwrap_or(&p.from);
        let _ = writeln!(s, "  {} -.-> target", node_id(last));
    }
    s
}
