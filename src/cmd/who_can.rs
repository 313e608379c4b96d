//! `kubectl sa who-can VERB RESOURCE [NAME]`: every subject and ServiceAccount RBAC allows.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{OutputFormat, WhoCanArgs};
use crate::cmd::{answer_notes, parse_request};
use crate::output::{self, dim, heading, warn};
use crate::rbac::{self, Grant, ResolutionError, ServiceAccountGrants, SubjectGrants, WhoCanScope};
use crate::request::view::RequestView;
use crate::source::Loaded;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WhoCanReport<'a> {
    request: RequestView,
    /// True with -A: grants from RoleBindings of every namespace count, each with its scope.
    all_namespaces: bool,
    subjects: &'a [SubjectGrants],
    service_accounts: &'a [ServiceAccountGrants],
    errors: &'a [Arc<ResolutionError>],
    notes: Vec<String>,
    /// What the catalogue did not know and what was answered instead.
    warnings: &'a [String],
}

pub fn run(args: &WhoCanArgs, loaded: &Loaded, out: &mut dyn Write) -> Result<ExitCode> {
    let req = &args.request;
    // `who-can assume arn:aws:iam::...:role/NAME` asks the cloud half: no RBAC resource is named like an ARN.
    if req.verb == "assume" && req.resource.starts_with("arn:aws") {
        return run_assume(args, loaded, out);
    }
    // A Google service account's email or an Azure client id (a GUID): the ServiceAccounts mapped to it.
    if req.verb == "assume" && (req.resource.ends_with(".gserviceaccount.com") || is_guid(&req.resource)) {
        return run_mapped(args, loaded, out);
    }
    let parsed = parse_request(&req.verb, &req.resource, req.name.as_deref(), &req.flags, loaded)?;
    // A resource of unknown scope may be namespaced: -A looks in every namespace.
    let scope = if req.flags.all_namespaces && parsed.namespaced != Some(false) {
        WhoCanScope::AllNamespaces
    } else {
        WhoCanScope::Request
    };
    let result = rbac::who_can(&loaded.cluster, &parsed.request, &scope);
    let report = WhoCanReport {
        request: RequestView::from(&parsed.request),
        all_namespaces: scope == WhoCanScope::AllNamespaces,
        subjects: &result.subjects,
        service_accounts: &result.service_accounts,
        errors: &result.errors,
        notes: answer_notes(
            &parsed.request,
            loaded,
            result.subjects.iter().flat_map(|s| s.grants.iter().map(|g| &*g.role)),
        ),
        warnings: &parsed.warnings,
    };
    match req.flags.output {
        Some(OutputFormat::Json) => output::write_json(out, &report)?,
        Some(OutputFormat::Yaml) => output::write_yaml(out, &report)?,
        format => print_table(out, &report, &parsed.request, format == Some(OutputFormat::Wide))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn via(g: &Grant) -> String {
    format!("{} -> {}", g.binding, g.role)
}

fn print_table(out: &mut dyn Write, r: &WhoCanReport, request: &rbac::Request, wide: bool) -> Result<()> {
    let what = if r.all_namespaces {
        format!("{} (in any namespace)", crate::request::view::describe_without_namespace(request))
    } else {
        request.to_string()
    };
    writeln!(out, "{}\n", heading(&format!("Who can {what}?")))?;

    let mut rows = Vec::new();
    for s in r.subjects {
        let name = if s.namespace.is_empty() { s.name.clone() } else { format!("{}/{}", s.namespace, s.name) };
        if s.grants.is_empty() {
            rows.push(vec![
                s.kind.clone(),
                name,
                dim(s.note.as_deref().unwrap_or("")),
                "cluster".into(),
                String::new(),
            ]);
            continue;
        }
        let mut seen = Vec::new();
        for g in &s.grants {
            let key = (&g.binding, &g.role);
            if !wide && seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let mut v = via(g);
            if let Some(note) = &s.note {
                v = format!("{v} {}", warn(&format!("[{note}]")));
            }
            rows.push(vec![s.kind.clone(), name.clone(), v, g.scope.clone(), format!("#{} {}", g.rule_index, g.rule)]);
        }
    }
    let mut headers = vec!["KIND", "SUBJECT", "VIA", "SCOPE"];
    if wide {
        headers.push("RULE");
    } else {
        rows.iter_mut().for_each(|r| r.truncate(4));
    }
    writeln!(out, "{}", heading("SUBJECTS"))?;
    writeln!(out, "{}\n", output::table(&headers, rows))?;

    writeln!(
        out,
        "{}",
        heading(&format!("SERVICE ACCOUNTS ({}; groups and User aliases expanded)", r.service_accounts.len()))
    )?;
    if r.service_accounts.is_empty() {
        writeln!(out, "none")?;
    } else {
        let rows = r
            .service_accounts
            .iter()
            .map(|sa| {
                // Distinct (subject, binding, role) in order; the grants are sorted by binding already.
                let mut seen = std::collections::HashSet::new();
                let mut vias: Vec<String> = Vec::new();
                for g in &sa.via {
                    if !wide && vias.len() == 1 {
                        // Only the first is printed; count the rest without formatting them.
                        if seen.insert((&g.subject, &g.binding, &g.role)) {
                            vias.push(String::new());
                        }
                        continue;
                    }
                    if seen.insert((&g.subject, &g.binding, &g.role)) {
                        vias.push(format!("{} {} ({})", g.subject.kind, subject_name(g), via(g)));
                    }
                }
                let via_text = if wide || vias.len() == 1 {
                    vias.join("; ")
                } else {
                    format!("{} (+{} more)", vias[0], vias.len() - 1)
                };
                let name = if sa.exists { sa.name.clone() } else { format!("{} {}", sa.name, warn("[missing]")) };
                vec![sa.namespace.clone(), name, sa.scopes.join(","), via_text]
            })
            .collect();
        writeln!(out, "{}", output::table(&["NAMESPACE", "NAME", "SCOPE", "VIA"], rows))?;
    }
    for e in r.errors {
        writeln!(out, "{}", warn(&format!("warning: {} has a dangling roleRef: {}", e.binding, e.message)))?;
    }
    for n in &r.notes {
        writeln!(out, "{}", dim(&format!("note: {n}")))?;
    }
    Ok(())
}

fn subject_name(g: &Grant) -> String {
    if g.subject.namespace.is_empty() {
        g.subject.name.clone()
    } else {
        format!("{}/{}", g.subject.namespace, g.subject.name)
    }
}

fn run_assume(args: &WhoCanArgs, loaded: &Loaded, out: &mut dyn Write) -> Result<ExitCode> {
    let answer = crate::identity::aws::who_can_assume(&loaded.cluster, &args.request.resource)?;
    match args.request.flags.output {
        Some(OutputFormat::Json) => output::write_json(out, &answer)?,
        Some(OutputFormat::Yaml) => output::write_yaml(out, &answer)?,
        _ => {
            writeln!(
                out,
                "{}\n",
                heading(&format!("ServiceAccounts that can assume {} (or are configured to and cannot)", answer.role))
            )?;
            writeln!(
                out,
                "{}",
                dim(&format!("OIDC issuer {}; tokens with audience sts.amazonaws.com", answer.issuer))
            )?;
            if answer.admits_any_service_account {
                writeln!(
                    out,
                    "{}",
                    warn(
                        "the trust policy admits ServiceAccounts that do not exist yet: anyone who can create one \
                          in a matching namespace can assume the role"
                    )
                )?;
            }
            let rows: Vec<Vec<String>> = answer
                .service_accounts
                .iter()
                .map(|a| {
                    vec![
                        a.namespace.clone(),
                        a.name.clone(),
                        match (a.admitted, a.annotated) {
                            (true, _) => "yes".into(),
                            (false, true) => "no (broken IRSA)".into(),
                            (false, false) => "no".into(),
                        },
                        if a.annotated { "yes".into() } else { "no".into() },
                        match a.pod_identity_admitted {
                            None => "-".into(),
                            Some(true) => "associated".into(),
                            Some(false) => "associated (trust refuses)".into(),
                        },
                        a.reason.clone(),
                    ]
                })
                .collect();
            if rows.is_empty() {
                writeln!(out, "No ServiceAccount of the input can assume it.")?;
            } else {
                writeln!(
                    out,
                    "{}",
                    output::table(
                        &["NAMESPACE", "SERVICEACCOUNT", "TRUST ADMITS", "ANNOTATED", "POD IDENTITY", "WHY"],
                        rows
                    )
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn run_mapped(args: &WhoCanArgs, loaded: &Loaded, out: &mut dyn Write) -> Result<ExitCode> {
    let identity = &args.request.resource;
    let mapped = crate::identity::authn::mapped_to(&loaded.cluster, identity, loaded.workloads_known);
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Mapped<'a> {
        identity: &'a str,
        service_accounts: &'a [crate::identity::authn::MappedServiceAccount],
    }
    let answer = Mapped { identity, service_accounts: &mapped };
    match args.request.flags.output {
        Some(OutputFormat::Json) => output::write_json(out, &answer)?,
        Some(OutputFormat::Yaml) => output::write_yaml(out, &answer)?,
        _ => {
            writeln!(out, "{}\n", heading(&format!("ServiceAccounts mapped to {identity}")))?;
            if mapped.is_empty() {
                writeln!(
                    out,
                    "No ServiceAccount of the input is mapped to it (annotations, and the IAM policies or federated \
                     credentials given with -f)."
                )?;
            } else {
                let rows = mapped
                    .iter()
                    .map(|m| vec![m.namespace.clone(), m.name.clone(), m.provider.clone(), m.source.clone()])
                    .collect();
                writeln!(out, "{}", output::table(&["NAMESPACE", "SERVICEACCOUNT", "PROVIDER", "WHY"], rows))?;
                for m in &mapped {
                    for w in &m.warnings {
                        writeln!(out, "{}", warn(&format!("warning: {}/{}: {w}", m.namespace, m.name)))?;
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
