//! `kubectl sa explain SA VERB RESOURCE [NAME]`: one request by a ServiceAccount through the API server's stages:
//! authentication, authorization (with "why not" and the server's own answer) and admission, then one verdict.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::admission::{self, AdmissionObjects, AdmissionReport, AdmissionRequest, NamespaceInfo, Operation, Verdict};
use crate::authn::{self, AuthenticationReport};
use crate::cli::{ConnectionFlags, ExplainArgs, OutputFormat};
use crate::cmd::{answer_notes, parse_request};
use crate::output::{self, dim, heading, no, warn, yes};
use crate::rbac::near_miss::{NearMiss, near_misses};
use crate::rbac::request::parse_sa_username;
use crate::rbac::{self, Grant, ObjectRef, ResolutionError, UserInfo, fix};
use crate::request_view::RequestView;
use crate::source::live::{self, DryRunOutcome, ServerCheckError};
use crate::source::{self, Needs};

/// Verbs the admission chain sees (get, list and watch are never admitted).
const ADMITTED_VERBS: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];
const CONNECT_SUBRESOURCES: &[&str] = &["exec", "attach", "portforward", "proxy"];

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerCheck {
    /// "agrees", "another-authorizer-allowed", "another-authorizer-denied", "forbidden", "error", "skipped".
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<live::ServerDecision>,
    pub message: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthorizationStage<'a> {
    /// The final authorization answer: the server's when it was asked, else RBAC's.
    allowed: bool,
    /// RBAC's own answer, computed from the objects.
    rbac_allowed: bool,
    reason: &'a str,
    grants: &'a [Grant],
    errors: &'a [ResolutionError],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    near_misses: Vec<NearMiss>,
    server_check: ServerCheck,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExplainReport<'a> {
    allowed: bool,
    service_account: &'a authn::ServiceAccountView,
    user: &'a UserInfo,
    request: RequestView,
    authentication: &'a AuthenticationReport,
    authorization: AuthorizationStage<'a>,
    admission: AdmissionReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    dry_run: Option<DryRunOutcome>,
    /// What the API server would answer when not allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    forbidden_message: Option<String>,
    /// The least-privilege objects that would allow the request (when it is denied).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fix: Vec<serde_json::Value>,
    notes: Vec<String>,
    verdict: String,
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

fn read_object(path: &std::path::Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read --object {}", path.display()))?;
    let value: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).with_context(|| format!("--object {} is not valid JSON", path.display()))?
    } else {
        serde_saphyr::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "--object {} is not valid YAML: {}",
                path.display(),
                e.to_string().lines().next().unwrap_or("")
            )
        })?
    };
    if value.get("kind").and_then(|k| k.as_str()).is_none() {
        bail!("--object {} has no kind: give one Kubernetes object", path.display());
    }
    Ok(value)
}

pub fn run(
    args: &ExplainArgs,
    flags: &ConnectionFlags,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let default_ns =
        flags.namespace.clone().or_else(|| live::context_namespace(flags)).unwrap_or_else(|| "default".into());
    let (ns, name) = parse_service_account(&args.service_account, &default_ns)?;
    let object = args.object.as_deref().map(read_object).transpose()?;
    let resource_arg = &args.request.resource;
    let admitted = ADMITTED_VERBS.contains(&args.request.verb.as_str())
        || CONNECT_SUBRESOURCES.iter().any(|s| resource_arg.ends_with(&format!("/{s}")))
        || args.request.subresource.as_deref().is_some_and(|s| CONNECT_SUBRESOURCES.contains(&s));
    let needs = Needs {
        workloads_in: Some(ns.clone()),
        admission: admitted && !resource_arg.starts_with('/'),
        ..Default::default()
    };
    let loaded = runtime.block_on(source::load_with(flags, &needs))?;
    if args.dry_run && !loaded.is_live() {
        bail!("--dry-run needs a live cluster: it cannot be used with -f");
    }
    let parsed = parse_request(&args.request, &loaded)?;
    let request = &parsed.request;
    let mut user = UserInfo::service_account(&ns, &name);
    user.groups.extend(args.as_group.iter().filter(|g| !user.groups.contains(g)).cloned().collect::<Vec<_>>());
    let decision = rbac::authorize(&loaded.cluster, &user, request);
    let misses = if decision.allowed { Vec::new() } else { near_misses(&loaded.cluster, &user, request) };
    let fix_objects = if decision.allowed { Vec::new() } else { fix::least_privilege(&ns, &name, request) };

    if args.fix && args.request.output.is_none() {
        if decision.allowed {
            writeln!(out, "# {ns}/{name} may already {request}: nothing to fix")?;
        } else {
            out.write_all(fix::to_yaml(&fix_objects)?.as_bytes())?;
        }
        return Ok(if decision.allowed { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }

    let authentication = authn::analyse(&loaded.cluster, &ns, &name, loaded.is_live(), loaded.workloads_known);
    let server_check = match (&loaded.connection, args.no_server_check) {
        (None, _) => ServerCheck {
            outcome: "skipped".into(),
            server: None,
            message: "not asked: the objects come from a snapshot".into(),
        },
        (Some(_), true) => {
            ServerCheck { outcome: "skipped".into(), server: None, message: "skipped (--no-server-check)".into() }
        }
        (Some(conn), false) => {
            server_check(runtime.block_on(live::subject_access_review(conn, &user, request)), decision.allowed, &user)
        }
    };
    let allowed = server_check.server.as_ref().map_or(decision.allowed, |s| s.allowed);
    let dry_run = match (&loaded.connection, args.dry_run) {
        (Some(conn), true) => {
            let info = parsed.resource.as_ref().context("--dry-run applies to resource requests")?;
            Some(runtime.block_on(live::dry_run(conn, &user, request, info, object.as_ref()))?)
        }
        _ => None,
    };
    let admission = admission_stage(&loaded, &parsed, object.as_ref())?;

    let involved: Vec<ObjectRef> = rbac::bindings_for_user(&loaded.cluster, &user)
        .into_iter()
        .map(|id| ObjectRef::of_role_ref(loaded.cluster.binding(id)))
        .collect();
    let notes = answer_notes(request, &loaded, involved.iter());
    let verdict = verdict_line(&ns, &name, request, allowed, &authentication, &admission, dry_run.as_ref());
    let report = ExplainReport {
        allowed,
        service_account: &authentication.service_account,
        user: &authentication.user,
        request: RequestView::from(request),
        authentication: &authentication,
        authorization: AuthorizationStage {
            allowed,
            rbac_allowed: decision.allowed,
            reason: &decision.reason,
            grants: &decision.grants,
            errors: &decision.errors,
            near_misses: misses,
            server_check,
        },
        admission,
        dry_run,
        forbidden_message: (!allowed).then(|| request.forbidden_message(&user.username)),
        fix: fix_objects,
        notes,
        verdict,
    };
    match args.request.output {
        Some(OutputFormat::Json) => output::write_json(out, &report)?,
        Some(OutputFormat::Yaml) => output::write_yaml(out, &report)?,
        format => print_text(out, &report, request, format == Some(OutputFormat::Wide))?,
    }
    Ok(if allowed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The admission chain for write requests (get, list and watch are never admitted).
fn admission_stage(
    loaded: &crate::source::Loaded,
    parsed: &crate::cmd::ParsedRequest,
    object: Option<&serde_json::Value>,
) -> Result<AdmissionReport> {
    let not_admitted = || AdmissionReport {
        applies: false,
        verdict: Verdict::Allow,
        needs_server_dry_run: false,
        steps: Vec::new(),
        notes: vec!["not admitted: only create, update, patch, delete and connect requests pass admission".into()],
    };
    let (rbac::Request::Resource { verb, attrs }, Some(info)) = (&parsed.request, &parsed.resource) else {
        return Ok(not_admitted());
    };
    let Some(operation) = Operation::from_verb(verb, &attrs.resource, &attrs.subresource) else {
        return Ok(not_admitted());
    };
    let mut objects = AdmissionObjects::new();
    for (kind, doc) in &loaded.cluster.admission_objects {
        objects.add(kind, doc.clone())?;
    }
    let cluster = &loaded.cluster;
    // Namespaces are known live, and from a snapshot that holds Namespace objects.
    let namespaces: Option<std::collections::BTreeMap<String, NamespaceInfo>> =
        (loaded.is_live() || !cluster.namespaces.is_empty()).then(|| {
            cluster
                .namespaces
                .values()
                .map(|n| {
                    (
                        n.name.clone(),
                        NamespaceInfo { name: n.name.clone(), labels: n.labels.clone(), phase: n.phase.clone() },
                    )
                })
                .collect()
        });
    let pod_sa_exists = (attrs.resource == "pods" && attrs.subresource.is_empty() && operation == Operation::Create)
        .then(|| {
            let sa = object
                .and_then(|o| o.pointer("/spec/serviceAccountName").and_then(|v| v.as_str()))
                .filter(|s| !s.is_empty())
                .unwrap_or("default");
            (loaded.is_live() || !cluster.service_accounts.is_empty())
                .then(|| cluster.service_account(&attrs.namespace, sa).is_some())
        })
        .flatten();
    let request = AdmissionRequest {
        operation,
        group: attrs.group.clone(),
        version: info.version.clone(),
        resource: attrs.resource.clone(),
        subresource: attrs.subresource.clone(),
        kind: info.kind.clone(),
        namespace: attrs.namespace.clone(),
        name: attrs.name.clone(),
        namespaced: info.namespaced,
        object: object.cloned(),
    };
    Ok(admission::evaluate(&objects, namespaces.as_ref(), &request, pod_sa_exists))
}

fn server_check(
    answer: std::result::Result<live::ServerDecision, ServerCheckError>,
    rbac_allowed: bool,
    user: &UserInfo,
) -> ServerCheck {
    let masters = user.groups.iter().any(|g| g == crate::rbac::request::MASTERS_GROUP);
    match answer {
        Ok(s) => {
            let (outcome, message) = match (s.allowed, rbac_allowed) {
                (true, true) | (false, false) => ("agrees", "the API server's SubjectAccessReview agrees".to_string()),
                (true, false) if masters => (
                    "another-authorizer-allowed",
                    "the API server allows it although RBAC does not: the identity is in system:masters, which is \
                     allowed everything before any authorizer is consulted"
                        .to_string(),
                ),
                (true, false) => (
                    "another-authorizer-allowed",
                    format!(
                        "the API server allows it although RBAC does not: another authorizer decided (system:masters, \
                         Node, Webhook, ABAC or AlwaysAllow){}",
                        if s.reason.is_empty() { String::new() } else { format!("; its reason: {:?}", s.reason) }
                    ),
                ),
                (false, true) => (
                    "another-authorizer-denied",
                    format!(
                        "the API server denies it although RBAC allows: an authorizer before RBAC (a Webhook or \
                         AlwaysDeny) decided{}",
                        if s.reason.is_empty() { String::new() } else { format!("; its reason: {:?}", s.reason) }
                    ),
                ),
            };
            ServerCheck { outcome: outcome.into(), server: Some(s), message }
        }
        Err(ServerCheckError::Forbidden(msg)) => ServerCheck {
            outcome: "forbidden".into(),
            server: None,
            message: format!(
                "not checked with the API server: you may not create subjectaccessreviews ({msg}); the answer is RBAC's"
            ),
        },
        Err(ServerCheckError::Other(e)) => ServerCheck {
            outcome: "error".into(),
            server: None,
            message: format!("not checked with the API server: {e:#}; the answer is RBAC's"),
        },
    }
}

fn verdict_line(
    ns: &str,
    name: &str,
    request: &rbac::Request,
    allowed: bool,
    authn: &AuthenticationReport,
    admission: &AdmissionReport,
    dry_run: Option<&DryRunOutcome>,
) -> String {
    let who = format!("{ns}/{name}");
    let mut line = if allowed { format!("{who} can {request}") } else { format!("{who} cannot {request}") };
    if authn.can_authenticate == Some(false) {
        line.push_str(" (but no token can authenticate as it: the ServiceAccount does not exist)");
    }
    if allowed && admission.applies && admission.verdict != Verdict::Allow {
        let deciders: Vec<String> = admission
            .steps
            .iter()
            .filter(|s| matches!(s.verdict, Verdict::Deny | Verdict::MayDeny | Verdict::Unknown))
            .map(|s| if s.name.is_empty() { s.plugin.clone() } else { format!("{} {:?}", s.plugin, s.name) })
            .collect();
        let word = if admission.verdict == Verdict::Deny { "denies it" } else { "may deny it" };
        line.push_str(&format!("; but admission {word} ({})", deciders.join(", ")));
    }
    if let Some(d) = dry_run {
        if d.impersonation_refused {
            line.push_str("; the dry run could not impersonate it");
        } else if d.succeeded {
            line.push_str("; the server-side dry run passed authorization and admission");
        } else {
            line.push_str(&format!("; the server-side dry run failed: {} {}", d.code, d.message));
        }
    }
    line
}

fn print_text(out: &mut dyn Write, r: &ExplainReport, request: &rbac::Request, wide: bool) -> Result<()> {
    let a = r.authentication;
    let sa = r.service_account;
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

    // 1. Authentication
    let authn_mark = match a.can_authenticate {
        Some(true) => yes("OK"),
        Some(false) => no("NO TOKEN CAN AUTHENTICATE"),
        None => warn("UNKNOWN"),
    };
    writeln!(out, "{} {authn_mark}", heading("1. AUTHENTICATION:"))?;
    writeln!(out, "  {}", a.verdict)?;
    if let Some(pods) = &a.pods {
        for p in pods {
            let token = if p.automount { "token mounted" } else { "no token mounted" };
            writeln!(out, "  pod {}: {token} (automount from {})", p.name, p.automount_source)?;
            for t in &p.projected_tokens {
                writeln!(out, "    projected token, audience {:?}", t.audience)?;
            }
        }
    }
    for t in a.legacy_tokens.iter().flatten() {
        writeln!(
            out,
            "  legacy token Secret {} (last used: {}{})",
            t.secret,
            t.last_used.as_deref().unwrap_or("never recorded"),
            t.invalid_since.as_deref().map(|d| format!(", invalid since {d}")).unwrap_or_default()
        )?;
    }
    for c in &a.cloud_identities {
        writeln!(out, "  cloud identity: {} {} ({})", c.provider, c.identity, c.source)?;
    }
    for w in &a.warnings {
        writeln!(out, "  {}", warn(&format!("warning: {w}")))?;
    }
    writeln!(out)?;

    // 2. Authorization
    let z = &r.authorization;
    let mark = if z.rbac_allowed { yes("ALLOWED") } else { no("DENIED") };
    writeln!(out, "{} {mark}", heading("2. AUTHORIZATION (RBAC):"))?;
    if z.rbac_allowed {
        for g in z.grants {
            writeln!(
                out,
                "  {} -> {}  rule #{}: {}  (subject {})",
                g.binding, g.role, g.rule_index, g.rule, g.subject
            )?;
        }
        if wide {
            writeln!(out, "  {}", dim(&format!("API server reason: {}", z.reason)))?;
        }
    } else {
        writeln!(
            out,
            "  No binding of this ServiceAccount, its groups or its User alias has a rule that allows the request."
        )?;
        if !z.near_misses.is_empty() {
            writeln!(out, "  Near misses (best first):")?;
            let shown = if wide { z.near_misses.len() } else { z.near_misses.len().min(8) };
            for m in &z.near_misses[..shown] {
                writeln!(
                    out,
                    "  - {} -> {}, via {} ({}) [{}]: {}",
                    m.binding, m.role, m.subject, m.reaches, m.dimension, m.message
                )?;
            }
            if shown < z.near_misses.len() {
                writeln!(out, "  ... {} more (-o wide or -o json)", z.near_misses.len() - shown)?;
            }
        }
        if !r.fix.is_empty() {
            writeln!(out, "  Least-privilege fix: rerun with --fix | kubectl apply -f -")?;
        }
    }
    for e in z.errors {
        writeln!(out, "  {}", warn(&format!("warning: {} has a dangling roleRef: {}", e.binding, e.message)))?;
    }
    let check = &z.server_check;
    let check_text = match check.outcome.as_str() {
        "agrees" => yes(&check.message),
        "skipped" => dim(&check.message),
        _ => warn(&check.message),
    };
    writeln!(out, "  server check: {check_text}")?;
    if !r.allowed
        && let Some(msg) = &r.forbidden_message
    {
        writeln!(out, "  The API server answers 403 Forbidden: {msg}")?;
    }
    writeln!(out)?;

    // 3. Admission
    let adm = &r.admission;
    if adm.applies || r.dry_run.is_some() {
        let mark = match adm.verdict {
            Verdict::Allow => yes("ALLOW"),
            Verdict::Deny => no("DENY"),
            _ => warn(&adm.verdict.as_str().to_uppercase()),
        };
        writeln!(out, "{} {mark}", heading("3. ADMISSION:"))?;
        for step in &adm.steps {
            let v = match step.verdict {
                Verdict::Allow => yes(step.verdict.as_str()),
                Verdict::Deny => no(step.verdict.as_str()),
                _ => warn(step.verdict.as_str()),
            };
            let name = if step.name.is_empty() { String::new() } else { format!(" {:?}", step.name) };
            writeln!(out, "  {}{name}: {v}: {}", step.plugin, step.message)?;
        }
        for n in &adm.notes {
            writeln!(out, "  {}", dim(n))?;
        }
        if adm.needs_server_dry_run && r.dry_run.is_none() {
            writeln!(out, "  {}", dim("webhooks or CEL decide at request time: --dry-run asks the API server"))?;
        }
        if let Some(d) = &r.dry_run {
            let result = if d.succeeded {
                yes("passed")
            } else if d.impersonation_refused {
                warn(
                    "not run: you may not impersonate this ServiceAccount (needs impersonate on serviceaccounts, users and groups)",
                )
            } else {
                no(&format!("{} {}: {}", d.code, d.reason, d.message))
            };
            writeln!(
                out,
                "  server-side dry run ({} {}?dryRun=All as the ServiceAccount): {result}",
                d.method, d.path
            )?;
        }
        writeln!(out)?;
    }

    for n in &r.notes {
        writeln!(out, "{}", dim(&format!("note: {n}")))?;
    }
    if r.allowed {
        writeln!(out, "{} {}", yes("VERDICT: yes:"), r.verdict)?;
    } else {
        writeln!(out, "{} {}", no("VERDICT: no:"), r.verdict)?;
    }
    Ok(())
}
