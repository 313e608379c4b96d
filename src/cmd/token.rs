//! `kubectl sa token inspect [FILE|-]`: decode a ServiceAccount token locally and say what it lets its holder do.
//! The token never leaves the process: only the RBAC objects are read (from -f, or from the cluster with the
//! kubeconfig's own credentials), and neither the token nor its signature is printed.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::audit::Finding;
use crate::cli::{TokenInspectArgs, TokenOutput};
use crate::cmd::audit::{audit_loaded, load};
use crate::identity::token::{self, Inspection, human_duration, rfc3339};
use crate::output::{self, dim, heading, no, warn, yes};
use crate::rbac::{UserInfo, bindings_for_user};
use crate::source::ConnectionSettings;
use crate::source::Loaded;

/// Tokens are small; anything larger is not a token.
const MAX_INPUT: u64 = 64 * 1024;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rbac {
    /// `snapshot`, `cluster`, or absent when no objects could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_account_exists: Option<bool>,
    /// Whether the ServiceAccount's uid equals the token's (a recreated ServiceAccount rejects old tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    uid_matches: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bindings: Option<usize>,
    findings: Vec<Finding>,
    /// IAM roles of the inputs (`aws iam` exports) whose trust policy admits this token's own iss, sub and aud.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aws_roles: Vec<AssumableRole>,
    notes: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AssumableRole {
    arn: String,
    reason: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    token: &'a Inspection,
    rbac: Rbac,
}

fn read_input(file: Option<&std::path::Path>) -> Result<String> {
    let mut text = String::new();
    match file {
        None => {
            std::io::stdin().take(MAX_INPUT).read_to_string(&mut text).context("cannot read the token from stdin")?;
        }
        Some(p) if p.as_os_str() == "-" => {
            std::io::stdin().take(MAX_INPUT).read_to_string(&mut text).context("cannot read the token from stdin")?;
        }
        Some(p) => {
            let f = std::fs::File::open(p).with_context(|| format!("cannot read token file {}", p.display()))?;
            f.take(MAX_INPUT)
                .read_to_string(&mut text)
                .with_context(|| format!("token file {} is not text", p.display()))?;
        }
    }
    if text.len() as u64 >= MAX_INPUT {
        bail!("the input is larger than 64 KiB: not a ServiceAccount token");
    }
    Ok(text)
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

pub fn run(
    args: &TokenInspectArgs,
    flags: &ConnectionSettings,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let text = read_input(args.file.as_deref())?;
    let inspection = token::inspect(&text, now())?;
    drop(text);
    let rbac = rbac_summary(&inspection, args, flags, runtime);
    let report = Report { token: &inspection, rbac };
    match args.output {
        Some(TokenOutput::Json) => output::write_json(out, &report)?,
        Some(TokenOutput::Yaml) => output::write_yaml(out, &report)?,
        None => print(out, &report)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn rbac_summary(
    t: &Inspection,
    args: &TokenInspectArgs,
    flags: &ConnectionSettings,
    runtime: &tokio::runtime::Runtime,
) -> Rbac {
    let mut rbac = Rbac {
        source: None,
        service_account_exists: None,
        uid_matches: None,
        bindings: None,
        findings: Vec::new(),
        aws_roles: Vec::new(),
        notes: Vec::new(),
    };
    let Some(sa) = &t.service_account else {
        rbac.notes.push("the token names no ServiceAccount: no RBAC summary".into());
        return rbac;
    };
    let snapshot = !flags.filename.is_empty();
    if !snapshot && args.offline {
        rbac.notes.push("--offline: the cluster was not read".into());
        return rbac;
    }
    if !snapshot && crate::source::live::read_kubeconfig(flags).is_err() {
        rbac.notes.push("no snapshot (-f) and no kubeconfig: RBAC summary unavailable".into());
        return rbac;
    }
    let mut flags = flags.clone();
    if !snapshot && flags.request_timeout.is_none() {
        // A summary is optional: do not hang on an unreachable cluster.
        flags.request_timeout = Some(std::time::Duration::from_secs(10));
    }
    let loaded: Loaded = match load(&flags, runtime) {
        Ok(l) => l,
        Err(e) if snapshot => {
            rbac.notes.push(format!("the snapshot could not be read: {e:#}"));
            return rbac;
        }
        Err(e) => {
            rbac.notes.push(format!("the cluster could not be read: {e:#}"));
            return rbac;
        }
    };
    rbac.source = Some(if snapshot { "snapshot" } else { "cluster" }.into());
    let cluster = &loaded.cluster;
    let object = cluster.service_account(&sa.namespace, &sa.name);
    rbac.service_account_exists = Some(object.is_some());
    if let (Some(o), Some(uid)) = (object, &sa.uid)
        && let Some(actual) = &o.uid
    {
        rbac.uid_matches = Some(actual == uid);
        if actual != uid {
            rbac.notes.push(format!(
                "the ServiceAccount's uid is {actual}, the token's {uid}: it was recreated, and the API server \
                 rejects this token"
            ));
        }
    }
    if object.is_none() && (loaded.is_live() || !cluster.service_accounts.is_empty()) {
        rbac.notes.push(format!(
            "ServiceAccount {}/{} does not exist here: the API server rejects the token",
            sa.namespace, sa.name
        ));
    }
    if t.kind == "legacy"
        && loaded.workloads_known
        && let Some(secret) = &t.bound_object
    {
        match cluster.token_secrets.iter().find(|s| s.namespace == sa.namespace && s.name == secret.name) {
            None => rbac
                .notes
                .push(format!("token Secret {:?} is not there: the API server rejects the token", secret.name)),
            Some(s) => {
                if let Some(d) = &s.invalid_since {
                    rbac.notes.push(format!("token Secret {:?} is marked invalid since {d}: rejected", s.name));
                } else if let Some(d) = &s.last_used {
                    rbac.notes.push(format!("token Secret {:?} exists, last used {d}", s.name));
                }
            }
        }
    }
    if t.kind == "bound"
        && loaded.workloads_known
        && let Some(b) = t.bound_object.as_ref().filter(|b| b.kind == "Pod")
        && !cluster.pods.iter().any(|p| p.namespace == sa.namespace && p.name == b.name)
    {
        rbac.notes.push(format!("pod {:?} is not there: a token bound to a deleted pod is rejected", b.name));
    }
    let user = UserInfo::service_account(&sa.namespace, &sa.name);
    rbac.bindings = Some(bindings_for_user(cluster, &user).len());
    let report = audit_loaded(
        &loaded,
        None,
        &crate::cmd::audit::Selection::ServiceAccount(sa.namespace.clone(), sa.name.clone()),
    );
    rbac.findings = report
        .findings
        .into_iter()
        .filter(|f| f.service_account.namespace == sa.namespace && f.service_account.name == sa.name)
        .collect();
    if let (false, Some(iss), Some(sub)) = (cluster.cloud.aws_roles.is_empty(), &t.issuer, &t.subject) {
        let claims = crate::identity::aws::WebIdentity::from_claims(iss, sub, &t.audiences);
        match crate::identity::aws::roles_admitting(&cluster.cloud.aws_roles, &claims) {
            Ok(roles) => {
                rbac.aws_roles = roles.into_iter().map(|(arn, reason)| AssumableRole { arn, reason }).collect();
            }
            Err(e) => rbac.notes.push(format!("IAM trust policies could not be evaluated: {e:#}")),
        }
    }
    rbac
}

fn print(out: &mut dyn Write, r: &Report<'_>) -> Result<()> {
    let t = r.token;
    let now = now();
    let kind = match t.kind.as_str() {
        "bound" => "bound ServiceAccount token (TokenRequest / projected volume)",
        "legacy" => "legacy ServiceAccount token (from a kubernetes.io/service-account-token Secret; never expires)",
        _ => "a JWT that is not a Kubernetes ServiceAccount token",
    };
    let mut rows: Vec<Vec<String>> = vec![vec!["KIND".into(), kind.into()]];
    let mut sig = format!("alg {}", if t.header.alg.is_empty() { "(none)" } else { &t.header.alg });
    if let Some(kid) = &t.header.kid {
        sig.push_str(&format!(", key id {kid}"));
    }
    sig.push_str(if t.signature_present {
        "; signature present, not verified and not shown"
    } else {
        "; no signature"
    });
    rows.push(vec!["SIGNATURE".into(), sig]);
    if let Some(i) = &t.issuer {
        rows.push(vec!["ISSUER".into(), i.clone()]);
    }
    if let Some(s) = &t.subject {
        rows.push(vec!["SUBJECT".into(), s.clone()]);
    }
    if let Some(sa) = &t.service_account {
        let uid = sa.uid.as_deref().map(|u| format!(" (uid {u})")).unwrap_or_default();
        rows.push(vec!["SERVICEACCOUNT".into(), format!("{}/{}{uid}", sa.namespace, sa.name)]);
    }
    rows.push(vec!["AUDIENCES".into(), if t.audiences.is_empty() { "(none)".into() } else { t.audiences.join(", ") }]);
    if let Some(iat) = t.issued_at {
        rows.push(vec!["ISSUED".into(), format!("{} ({} ago)", rfc3339(iat), human_duration(now - iat))]);
    }
    if let Some(nbf) = t.not_before {
        rows.push(vec!["NOT BEFORE".into(), rfc3339(nbf)]);
    }
    let expiry = match t.expires_at {
        None => warn("never"),
        Some(exp) if t.expired => no(&format!("{} (expired {} ago)", rfc3339(exp), human_duration(now - exp))),
        Some(exp) => {
            let life = t.lifetime_seconds.map(|l| format!("; lifetime {}", human_duration(l))).unwrap_or_default();
            yes(&format!("{} ({} left{life})", rfc3339(exp), human_duration(exp - now)))
        }
    };
    rows.push(vec!["EXPIRES".into(), expiry]);
    if let Some(w) = t.warn_after {
        let when = if w <= now {
            format!("{} ago", human_duration(now - w))
        } else {
            format!("in {}", human_duration(w - now))
        };
        rows.push(vec!["WARN AFTER".into(), format!("{} ({when})", rfc3339(w))]);
    }
    if let Some(b) = &t.bound_object {
        let uid = b.uid.as_deref().map(|u| format!(" (uid {u})")).unwrap_or_default();
        let label = if t.kind == "legacy" { "SECRET" } else { "BOUND TO" };
        rows.push(vec![label.into(), format!("{} {}{uid}", b.kind, b.name)]);
    }
    if let Some(n) = &t.node {
        let uid = n.uid.as_deref().map(|u| format!(" (uid {u})")).unwrap_or_default();
        rows.push(vec!["NODE".into(), format!("{}{uid}", n.name)]);
    }
    if let Some(j) = &t.credential_id {
        rows.push(vec!["CREDENTIAL ID".into(), format!("JTI={j}")]);
    }
    for row in rows {
        writeln!(out, "{:<16} {}", row[0], row[1])?;
    }
    for w in &t.warnings {
        writeln!(out, "{}", warn(&format!("warning: {w}")))?;
    }
    let rbac = &r.rbac;
    writeln!(out)?;
    match (&t.service_account, &rbac.source) {
        (Some(sa), Some(source)) => {
            writeln!(
                out,
                "{}",
                heading(&format!(
                    "WHAT IT LETS ITS HOLDER DO (RBAC of {}/{}, from the {source})",
                    sa.namespace, sa.name
                ))
            )?;
            let exists = match rbac.service_account_exists {
                Some(true) => "exists",
                _ => "does not exist",
            };
            writeln!(
                out,
                "ServiceAccount {}/{} {exists}; {} binding(s) apply to it; {} audit finding(s)",
                sa.namespace,
                sa.name,
                rbac.bindings.unwrap_or(0),
                rbac.findings.len()
            )?;
            if !rbac.findings.is_empty() {
                let rows = rbac
                    .findings
                    .iter()
                    .map(|f| {
                        vec![
                            f.id.clone(),
                            f.severity.to_string(),
                            f.scope.join(","),
                            crate::cmd::audit::compact_permissions(&f.permissions),
                            f.grants.first().map(|g| format!("{} -> {}", g.binding, g.role)).unwrap_or_default(),
                        ]
                    })
                    .collect();
                writeln!(out, "{}", output::table(&["ID", "SEVERITY", "SCOPE", "PERMISSIONS", "VIA"], rows))?;
            } else {
                writeln!(
                    out,
                    "No risky permission from the catalogue (run `kubectl sa matrix` for everything it may do)."
                )?;
            }
            for role in &rbac.aws_roles {
                writeln!(out, "It can assume IAM role {} ({}).", role.arn, role.reason)?;
            }
        }
        _ => writeln!(out, "{}", heading("WHAT IT LETS ITS HOLDER DO: unknown"))?,
    }
    for n in &rbac.notes {
        writeln!(out, "{}", dim(&format!("note: {n}")))?;
    }
    Ok(())
}
