//! `kubectl sa explain SA VERB RESOURCE [NAME]`: one request by a ServiceAccount through the API server's stages:
//! authentication, authorization (with "why not" and the server's own answer) and admission, then one verdict.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::admission::{self, AdmissionObjects, AdmissionReport, AdmissionRequest, NamespaceInfo, Operation, Verdict};
use crate::cli::{ExplainArgs, OutputFormat};
use crate::cmd::{answer_notes, parse_request};
use crate::identity::authn::{self, AuthenticationReport};
use crate::output::{self, dim, heading, no, warn, yes};
use crate::rbac::near_miss::{NearMiss, near_misses};
use crate::rbac::{self, Grant, ObjectRef, ResolutionError, UserInfo, fix};
use crate::request::subject::{self, Identity};
use crate::request::view::RequestView;
use crate::source::ConnectionSettings;
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
    /// The final authorization answer: the server's when it was asked, else system:masters' or RBAC's.
    allowed: bool,
    /// The identity is in system:masters, which the API server allows everything before any authorizer.
    superuser: bool,
    /// Who decided the final answer: "system:masters", "RBAC" or "server" (another authorizer, seen by the server
    /// check).
    decided_by: &'static str,
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
    /// Who is evaluated: kind ServiceAccount or User, with the username, groups and uid evaluated and sent.
    subject: SubjectView,
    /// The ServiceAccount, when the identity is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    service_account: Option<&'a authn::ServiceAccountView>,
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
    /// What the catalogue did not know and what was answered instead.
    warnings: &'a [String],
    verdict: String,
}

/// The evaluated identity in JSON.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectView {
    /// "ServiceAccount" or "User".
    pub kind: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// The ServiceAccount's name, or the username.
    pub name: String,
    pub groups: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uid: String,
}

impl SubjectView {
    pub fn of(identity: &Identity) -> Self {
        let (kind, namespace, name) = match &identity.service_account {
            Some((ns, name)) => ("ServiceAccount", ns.clone(), name.clone()),
            None => ("User", String::new(), identity.user.username.clone()),
        };
        SubjectView { kind, namespace, name, groups: identity.user.groups.clone(), uid: identity.user.uid.clone() }
    }
}

pub use crate::request::subject::parse_service_account;

fn read_object(path: &std::path::Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read --object {}", path.display()))?;
    let value: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).with_context(|| format!("--object {} is not valid JSON", path.display()))?
    } else {
        yaml_serde::from_str(&text).map_err(|e| {
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
    flags: &ConnectionSettings,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let default_ns =
        flags.namespace.clone().or_else(|| live::context_namespace(flags)).unwrap_or_else(|| "default".into());
    let (sa_arg, verb, resource_arg, name_arg) = args.words()?;
    let identity = subject::identity(&args.subject.spec(sa_arg), &default_ns)?;
    let object = args.object.as_deref().map(read_object).transpose()?;
    let admitted = ADMITTED_VERBS.contains(&verb)
        || CONNECT_SUBRESOURCES.iter().any(|s| resource_arg.ends_with(&format!("/{s}")))
        || args.request.subresource.as_deref().is_some_and(|s| CONNECT_SUBRESOURCES.contains(&s));
    let needs = Needs {
        workloads_in: identity.service_account.as_ref().map(|(ns, _)| ns.clone()),
        admission: admitted && !resource_arg.starts_with('/'),
        ..Default::default()
    };
    let loaded = runtime.block_on(source::load_with(flags, &needs))?;
    if args.dry_run && !loaded.is_live() {
        bail!("--dry-run needs a live cluster: it cannot be used with -f");
    }
    let parsed = parse_request(verb, resource_arg, name_arg, &args.request, &loaded)?;
    let request = &parsed.request;
    let user = &identity.user;
    let decision = rbac::authorize(&loaded.cluster, user, request);
    let superuser = identity.is_superuser();
    let local_allowed = superuser || decision.allowed;
    let misses = if local_allowed { Vec::new() } else { near_misses(&loaded.cluster, user, request) };
    let fix_objects = match (&identity.service_account, local_allowed) {
        (Some((ns, name)), false) => fix::least_privilege(ns, name, request),
        _ => Vec::new(),
    };

    if args.fix && args.request.output.is_none() {
        let who = identity.describe();
        if local_allowed {
            writeln!(out, "# {who} may already {request}: nothing to fix")?;
        } else if fix_objects.is_empty() {
            writeln!(
                out,
                "# --fix writes bindings for ServiceAccounts; bind {who} by hand (kubectl create rolebinding --user/--group)"
            )?;
        } else {
            out.write_all(fix::to_yaml(&fix_objects)?.as_bytes())?;
        }
        return Ok(if local_allowed { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }

    let mut authentication = match &identity.service_account {
        Some((ns, name)) => authn::analyse(&loaded.cluster, ns, name, loaded.is_live(), loaded.workloads_known),
        None => authn::analyse_user(user),
    };
    authentication.user = user.clone();
    let server_check = match (&loaded.connection, args.no_server_check) {
        (None, _) => ServerCheck {
            outcome: "skipped".into(),
            server: None,
            message: "not asked: the objects come from a snapshot".into(),
        },
        (Some(_), true) => {
            ServerCheck { outcome: "skipped".into(), server: None, message: "skipped (--no-server-check)".into() }
        }
        (Some(conn), false) => server_check(
            runtime.block_on(live::subject_access_review(conn, user, request)),
            decision.allowed,
            superuser,
        ),
    };
    let allowed = server_check.server.as_ref().map_or(local_allowed, |s| s.allowed);
    let decided_by = if allowed != local_allowed {
        "server"
    } else if superuser {
        "system:masters"
    } else {
        "RBAC"
    };
    let dry_run = match (&loaded.connection, args.dry_run) {
        (Some(conn), true) => {
            let info = parsed.resource.as_ref().context(
                "--dry-run needs a resource the server serves (a non-resource URL or an unknown resource cannot be \
                 performed)",
            )?;
            Some(runtime.block_on(live::dry_run(conn, user, request, info, object.as_ref()))?)
        }
        _ => None,
    };
    let admission = admission_stage(&loaded, &parsed, object.as_ref())?;

    let involved: Vec<ObjectRef> = rbac::bindings_for_user(&loaded.cluster, user)
        .into_iter()
        .map(|id| ObjectRef::of_role_ref(loaded.cluster.binding(id)))
        .collect();
    let notes = answer_notes(request, &loaded, involved.iter());
    let verdict = verdict_line(&identity, request, allowed, decided_by, &authentication, &admission, dry_run.as_ref());
    let report = ExplainReport {
        allowed,
        subject: SubjectView::of(&identity),
        service_account: authentication.service_account.as_ref(),
        user: &authentication.user,
        request: RequestView::from(request),
        authentication: &authentication,
        authorization: AuthorizationStage {
            allowed,
            superuser,
            decided_by,
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
        warnings: &parsed.warnings,
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
    superuser: bool,
) -> ServerCheck {
    // What kubectl-sa expects the server to answer: system:masters first, then RBAC.
    let expected = superuser || rbac_allowed;
    match answer {
        Ok(s) => {
            let (outcome, message) = match (s.allowed, expected) {
                (true, true) if superuser && !rbac_allowed => (
                    "agrees",
                    "the API server's SubjectAccessReview agrees: system:masters is allowed everything before any \
                     authorizer is consulted"
                        .to_string(),
                ),
                (true, true) | (false, false) => ("agrees", "the API server's SubjectAccessReview agrees".to_string()),
                (true, false) => (
                    "another-authorizer-allowed",
                    format!(
                        "the API server allows it although RBAC does not: another authorizer decided (Node, Webhook, \
                         ABAC or AlwaysAllow){}",
                        if s.reason.is_empty() { String::new() } else { format!("; its reason: {:?}", s.reason) }
                    ),
                ),
                (false, true) => (
                    "another-authorizer-denied",
                    format!(
                        "the API server denies it although {} allows: an authorizer before RBAC (a Webhook or \
                         AlwaysDeny) decided{}",
                        if superuser && !rbac_allowed { "system:masters" } else { "RBAC" },
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
                "not checked with the API server: you may not create subjectaccessreviews ({msg}); the answer is kubectl-sa's"
            ),
        },
        Err(ServerCheckError::Other(e)) => ServerCheck {
            outcome: "error".into(),
            server: None,
            message: format!("not checked with the API server: {e:#}; the answer is kubectl-sa's"),
        },
    }
}

fn verdict_line(
    identity: &Identity,
    request: &rbac::Request,
    allowed: bool,
    decided_by: &str,
    authn: &AuthenticationReport,
    admission: &AdmissionReport,
    dry_run: Option<&DryRunOutcome>,
) -> String {
    let who = match &identity.service_account {
        Some((ns, name)) => format!("{ns}/{name}"),
        None => format!("user {:?}", identity.user.username),
    };
    let mut line = if allowed { format!("{who} can {request}") } else { format!("{who} cannot {request}") };
    if allowed && decided_by == "system:masters" {
        line.push_str(" (system:masters: allowed before RBAC is consulted)");
    }
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
    let mut rows = vec![vec!["REQUEST".to_string(), request.to_string()]];
    if let Some(sa) = r.service_account {
        let sa_state = match (&sa.exists, &sa.uid) {
            (true, Some(uid)) => format!("exists, uid {uid}"),
            (true, None) => "exists".to_string(),
            (false, _) => warn("not found"),
        };
        rows.push(vec!["SERVICEACCOUNT".to_string(), format!("{}/{} ({sa_state})", sa.namespace, sa.name)]);
    }
    rows.push(vec!["USER".to_string(), r.user.username.clone()]);
    rows.push(vec!["GROUPS".to_string(), r.user.groups.join(", ")]);
    if !r.user.uid.is_empty() {
        rows.push(vec!["UID".to_string(), r.user.uid.clone()]);
    }
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
    if z.superuser {
        writeln!(
            out,
            "{} {}",
            heading("2. AUTHORIZATION:"),
            yes("ALLOWED (system:masters: allowed everything before any authorizer is consulted)")
        )?;
        writeln!(out, "  RBAC alone would {}.", if z.rbac_allowed { "allow it too" } else { "not allow it" })?;
    } else {
        let mark = if z.rbac_allowed { yes("ALLOWED") } else { no("DENIED") };
        writeln!(out, "{} {mark}", heading("2. AUTHORIZATION (RBAC):"))?;
    }
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
        let whose = if r.service_account.is_some() {
            "this ServiceAccount, its groups or its User alias"
        } else {
            "this user or its groups"
        };
        writeln!(out, "  No binding of {whose} has a rule that allows the request.")?;
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
