//! `kubectl sa explain SA VERB RESOURCE [NAME]`: may this ServiceAccount make the request, and why.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::cli::{ExplainArgs, OutputFormat};
use crate::cmd::{answer_notes, parse_request};
use crate::output::{self, dim, heading, no, warn, yes};
use crate::rbac::request::parse_sa_username;
use crate::rbac::{self, Decision, ObjectRef, UserInfo};
use crate::request_view::RequestView;
use crate::source::Loaded;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountView {
    pub namespace: String,
    pub name: String,
    pub exists: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExplainReport<'a> {
    allowed: bool,
    service_account: ServiceAccountView,
    user: UserInfo,
    request: RequestView,
    authorization: &'a Decision,
    /// What the API server would answer when not allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    forbidden_message: Option<String>,
    notes: Vec<String>,
}

/// Parses `NAMESPACE:NAME`, `NAMESPACE/NAME`, `system:serviceaccount:NAMESPACE:NAME` or `NAME`.
pub fn parse_service_account(arg: &str, default_namespace: &str) -> Result<(String, String)> {
    let (ns, name) = if arg.starts_with("system:serviceaccount:") {
        match parse_sa_username(arg) {
            Some((ns, name)) => (ns.to_string(), name.to_string()),
            None => bail!("invalid ServiceAccount {arg:?}: expected system:serviceaccount:NAMESPACE:NAME"),
        }
    } else if let Some((ns, name)) = arg.split_once('/').or_else(|| arg.split_once(':')) {
        (ns.to_string(), name.to_string())
    } else {
        (default_namespace.to_string(), arg.to_string())
    };
    if ns.is_empty() || name.is_empty() || name.contains([':', '/']) {
        bail!(
            "invalid ServiceAccount {arg:?}: use NAMESPACE:NAME, NAMESPACE/NAME, system:serviceaccount:NAMESPACE:NAME or NAME with -n"
        );
    }
    Ok((ns, name))
}

pub fn run(args: &ExplainArgs, loaded: &Loaded, out: &mut dyn Write) -> Result<ExitCode> {
    let (ns, name) = parse_service_account(&args.service_account, &loaded.namespace)?;
    let parsed = parse_request(&args.request, loaded)?;
    let user = UserInfo::service_account(&ns, &name);
    let decision = rbac::authorize(&loaded.cluster, &user, &parsed.request);
    let sa = loaded.cluster.service_account(&ns, &name);
    let involved: Vec<ObjectRef> = rbac::bindings_for_user(&loaded.cluster, &user)
        .into_iter()
        .map(|id| ObjectRef::of_role_ref(loaded.cluster.binding(id)))
        .collect();
    let mut notes = answer_notes(&parsed.request, loaded, involved.iter());
    if sa.is_none() {
        notes.push(if loaded.is_live() {
            format!(
                "ServiceAccount {ns}/{name} does not exist: no token can authenticate as it; RBAC is evaluated anyway \
                 (the authorizer does not check existence)"
            )
        } else {
            format!(
                "ServiceAccount {ns}/{name} is not in the snapshot: if it does not exist, no token can authenticate as \
                 it; RBAC is evaluated anyway (the authorizer does not check existence)"
            )
        });
    }
    let report = ExplainReport {
        allowed: decision.allowed,
        service_account: ServiceAccountView {
            namespace: ns.clone(),
            name: name.clone(),
            exists: sa.is_some(),
            uid: sa.and_then(|s| s.uid.clone()),
        },
        request: RequestView::from(&parsed.request),
        forbidden_message: (!decision.allowed).then(|| parsed.request.forbidden_message(&user.username)),
        user,
        authorization: &decision,
        notes,
    };
    match args.request.output {
        Some(OutputFormat::Json) => output::write_json(out, &report)?,
        Some(OutputFormat::Yaml) => output::write_yaml(out, &report)?,
        format => print_text(out, &report, &parsed.request, format == Some(OutputFormat::Wide))?,
    }
    Ok(if decision.allowed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn print_text(out: &mut dyn Write, r: &ExplainReport, request: &rbac::Request, wide: bool) -> Result<()> {
    let sa = &r.service_account;
    let sa_state = match (&sa.exists, &sa.uid) {
        (true, Some(uid)) => format!("exists, uid {uid}"),
        (true, None) => "exists".to_string(),
        (false, _) => warn("not found"),
    };
    let rows = vec![
        vec!["REQUEST".to_string(), request.to_string()],
        vec!["SERVICEACCOUNT".to_string(), format!("{}/{} ({sa_state})", sa.namespace, sa.name)],
        vec!["USER".to_string(), r.user.username.clone()],
        vec!["GROUPS".to_string(), r.user.groups.join(", ")],
    ];
    writeln!(out, "{}\n", output::table(&["", ""], rows).lines().skip(1).collect::<Vec<_>>().join("\n"))?;

    let d = r.authorization;
    if d.allowed {
        writeln!(out, "{} {}", heading("AUTHORIZATION (RBAC):"), yes("ALLOWED"))?;
        for g in &d.grants {
            let line =
                format!("  {} -> {}  rule #{}: {}  (subject {})", g.binding, g.role, g.rule_index, g.rule, g.subject);
            writeln!(out, "{line}")?;
        }
        if wide {
            writeln!(out, "  {}", dim(&format!("API server reason: {}", d.reason)))?;
        }
    } else {
        writeln!(out, "{} {}", heading("AUTHORIZATION (RBAC):"), no("DENIED"))?;
        writeln!(
            out,
            "  No binding of this ServiceAccount, its groups or its User alias has a rule that allows the request."
        )?;
        if let Some(msg) = &r.forbidden_message {
            writeln!(out, "  The API server would answer 403 Forbidden: {msg}")?;
        }
    }
    for e in &d.errors {
        writeln!(out, "  {}", warn(&format!("warning: {} has a dangling roleRef: {}", e.binding, e.message)))?;
    }
    for n in &r.notes {
        writeln!(out, "  {}", dim(&format!("note: {n}")))?;
    }
    writeln!(out)?;
    let who = format!("{}/{}", sa.namespace, sa.name);
    if d.allowed {
        writeln!(out, "{} {who} can {request}", yes("yes:"))?;
    } else {
        writeln!(out, "{} {who} cannot {request}", no("no:"))?;
    }
    Ok(())
}
