//! `kubectl sa report [-n NS | -A] [-o html|json] [--output-file FILE]`: the audit's findings, the `list` rows
//! of every ServiceAccount with its matrix, bindings and path to cluster-admin, and who-can for the catalogue's
//! risky requests, with an overview, as one self-contained HTML page (or the data it embeds).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;

use crate::audit::{CHECKS, Finding, Severity};
use crate::cli::{ReportArgs, ReportOutput};
use crate::cmd::audit::{Selection, load, prepare_with_paths};
use crate::cmd::list::{Row, rows_with_findings};
use crate::cmd::matrix::{LetterRow, MatrixLayout};
use crate::model::{BindingId, Cluster, ObjectRef};
use crate::output::report::Page;
use crate::paths::Path;
use crate::rbac::access::IdentityRules;
use crate::rbac::{self, UserInfo, WhoCanScope};
use crate::request::view::RequestView;
use crate::request::{Placement, RequestSpec};
use crate::source::{ConnectionSettings, Loaded};

/// What the page shows; `-o json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportData {
    #[serde(flatten)]
    pub header: Header,
    pub findings: Vec<Finding>,
    pub service_accounts: Vec<Row>,
    /// One per row of `service_accounts`, in the same order.
    pub service_account_details: Vec<ServiceAccountDetail>,
    /// The bindings of every group that reaches a ServiceAccount of the report (shared by all its members).
    pub group_bindings: Vec<GroupBindings>,
    pub risky_requests: Vec<RiskyRequest>,
}

/// What one ServiceAccount's page shows beyond its `list` row and findings.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountDetail {
    pub namespace: String,
    pub name: String,
    /// Bindings that name it (as a ServiceAccount subject or by its User alias).
    pub bindings: Vec<BindingEdge>,
    /// Groups of it that bindings name (their bindings are in `groupBindings`).
    pub groups: Vec<String>,
    /// Rows of resources where some verb is allowed somewhere, lettered per `matrixVerbs`.
    pub matrix: Vec<LetterRow>,
    /// nonResourceURLs it may use (through ClusterRoleBindings), with their verbs.
    pub non_resource_urls: BTreeMap<String, Vec<String>>,
    /// Its shortest escalation path to cluster-admin (`paths`), when it has one within the default 4 steps.
    pub path_to_cluster_admin: Option<Path>,
}

/// A binding and the role it grants.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BindingEdge {
    pub binding: ObjectRef,
    /// `directly`, `user-alias` or `group`.
    pub how: &'static str,
    pub role: ObjectRef,
    /// False when the roleRef names a role that does not exist (it grants nothing).
    pub role_found: bool,
    /// The number of rules of the role.
    pub rules: usize,
    /// `cluster` for ClusterRoleBindings, else the RoleBinding's namespace.
    pub scope: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupBindings {
    pub group: String,
    pub bindings: Vec<BindingEdge>,
}

/// who-can for one request of the risky-permission catalogue, in every namespace.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskyRequest {
    /// The page's anchor: `#who-can/ID` (e.g. `get-secrets`, `create-pods-exec`).
    pub id: String,
    /// The who-can command that answers it.
    pub command: String,
    pub check: &'static str,
    pub title: &'static str,
    pub request: RequestView,
    pub all_namespaces: bool,
    /// Every ServiceAccount allowed, directly or through a group.
    pub service_account_count: usize,
    /// Subjects that are not ServiceAccounts (users and groups: a group reaches all its members).
    pub subjects: Vec<RiskySubject>,
    /// The ServiceAccounts a binding names (directly or by User alias); the others are reached through `subjects`.
    pub service_accounts: Vec<RiskyServiceAccount>,
    /// What the catalogue did not know and what was answered instead.
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskySubject {
    pub kind: String,
    pub name: String,
    /// `cluster` or the namespaces where it holds the permission.
    pub scopes: Vec<String>,
    pub bindings: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskyServiceAccount {
    pub namespace: String,
    pub name: String,
    pub exists: bool,
    /// `cluster` or the namespaces where it holds the permission (through groups too).
    pub scopes: Vec<String>,
    /// The bindings that name it.
    pub bindings: Vec<String>,
}

/// (check, verb, resource, name, namespace): a name and namespace narrow the request (aws-auth); else it is asked
/// in every namespace.
type RiskyRequestSpec = (&'static str, &'static str, &'static str, Option<&'static str>, Option<&'static str>);

/// The catalogue's risky requests that the report answers who-can for.
const RISKY_REQUESTS: &[RiskyRequestSpec] = &[
    ("SA-03", "get", "secrets", None, None),
    ("SA-04", "list", "secrets", None, None),
    ("SA-05", "create", "secrets", None, None),
    ("SA-06", "create", "pods", None, None),
    ("SA-07", "create", "deployments.apps", None, None),
    ("SA-08", "patch", "pods", None, None),
    ("SA-09", "create", "pods/exec", None, None),
    ("SA-10", "patch", "pods/ephemeralcontainers", None, None),
    ("SA-11", "get", "nodes/proxy", None, None),
    ("SA-12", "create", "persistentvolumes", None, None),
    ("SA-13", "escalate", "clusterroles.rbac.authorization.k8s.io", None, None),
    ("SA-14", "bind", "clusterroles.rbac.authorization.k8s.io", None, None),
    ("SA-15", "create", "clusterrolebindings.rbac.authorization.k8s.io", None, None),
    ("SA-15", "create", "rolebindings.rbac.authorization.k8s.io", None, None),
    ("SA-16", "impersonate", "users", None, None),
    ("SA-16", "impersonate", "serviceaccounts", None, None),
    ("SA-17", "approve", "signers.certificates.k8s.io", None, None),
    ("SA-18", "create", "serviceaccounts/token", None, None),
    ("SA-19", "create", "mutatingwebhookconfigurations.admissionregistration.k8s.io", None, None),
    ("SA-19", "create", "validatingadmissionpolicies.admissionregistration.k8s.io", None, None),
    ("SA-20", "patch", "namespaces", None, None),
    ("SA-21", "patch", "nodes", None, None),
    ("SA-22", "patch", "pods/status", None, None),
    ("SA-23", "patch", "configmaps", Some("aws-auth"), Some("kube-system")),
    ("SA-26", "create", "customresourcedefinitions.apiextensions.k8s.io", None, None),
];

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
    /// The verbs of the matrices' letters, in order.
    pub matrix_verbs: Vec<String>,
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
    let text = match args.output {
        ReportOutput::Html => {
            // The findings and rows are packed while the ServiceAccounts' details are computed.
            let (data, page) = data(&loaded, connection, args.all_namespaces, |findings, rows| {
                let mut page = Page::default();
                page.add("findings", findings)?;
                page.add("serviceAccounts", rows)?;
                anyhow::Ok(page)
            });
            let mut page = page?;
            page.add("serviceAccountDetails", &data.service_account_details)?;
            page.add("groupBindings", &data.group_bindings)?;
            page.add("riskyRequests", &data.risky_requests)?;
            page.html(&data.header)?
        }
        ReportOutput::Json => {
            let (data, ()) = data(&loaded, connection, args.all_namespaces, |_, _| ());
            serde_json::to_string_pretty(&data)? + "\n"
        }
    };
    match &args.output_file {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {} (check that its directory exists)", path.display()))?,
        None => out.write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The report's data, and what `alongside` makes of its findings and rows while the ServiceAccounts' details and
/// the risky requests are computed.
fn data<R: Send>(
    loaded: &Loaded,
    connection: &ConnectionSettings,
    all_namespaces: bool,
    alongside: impl FnOnce(&[Finding], &[Row]) -> R + Send,
) -> (ReportData, R) {
    let selection = if all_namespaces { Selection::All } else { Selection::Namespace(loaded.namespace.clone()) };
    let (audit, paths) = prepare_with_paths(loaded, &selection);
    let findings: Vec<Finding> = audit.findings().collect();
    drop(audit);
    let namespace = (!all_namespaces).then_some(loaded.namespace.as_str());
    let (service_accounts, _) = rows_with_findings(loaded, namespace, findings.iter());
    let layout = MatrixLayout::new(loaded);
    let (made, ((service_account_details, group_bindings), risky_requests)) = rayon::join(
        || alongside(&findings, &service_accounts),
        || {
            let details = details(&loaded.cluster, &layout, &service_accounts, paths);
            (details, risky_requests(loaded, namespace))
        },
    );
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
        matrix_verbs: layout.verbs.clone(),
    };
    let data =
        ReportData { header, findings, service_accounts, service_account_details, group_bindings, risky_requests };
    (data, made)
}

fn edge(cluster: &Cluster, id: BindingId, how: &'static str) -> BindingEdge {
    let b = cluster.binding(id);
    let role = cluster.resolve_role(b).ok();
    BindingEdge {
        binding: ObjectRef::of_binding(b),
        how,
        role: ObjectRef::of_role_ref(b),
        role_found: role.is_some(),
        rules: role.map_or(0, |r| r.rules.len()),
        scope: if b.namespace.is_empty() { "cluster".into() } else { b.namespace.clone() },
    }
}

/// Each row's page data (in parallel: a matrix per ServiceAccount), and the bindings of the groups they reach.
fn details(
    cluster: &Cluster,
    layout: &MatrixLayout,
    rows: &[Row],
    paths: Vec<Path>,
) -> (Vec<ServiceAccountDetail>, Vec<GroupBindings>) {
    let mut paths: HashMap<(String, String), Path> =
        paths.into_iter().map(|p| ((p.from.namespace.clone(), p.from.name.clone()), p)).collect();
    let mut details: Vec<ServiceAccountDetail> = rows
        .par_iter()
        .map(|row| {
            let user = UserInfo::service_account(&row.namespace, &row.name);
            let mut bindings = Vec::new();
            let mut groups = BTreeSet::new();
            for id in rbac::bindings_for_user(cluster, &user) {
                match rbac::matching_subject(cluster.binding(id), &user) {
                    Some((subject, "group")) => {
                        groups.insert(subject.name);
                    }
                    Some((_, how)) => bindings.push(edge(cluster, id, how)),
                    None => {}
                }
            }
            let rules = IdentityRules::new(cluster, &user);
            ServiceAccountDetail {
                namespace: row.namespace.clone(),
                name: row.name.clone(),
                bindings,
                groups: groups.into_iter().collect(),
                matrix: layout.allowed_rows(&rules),
                non_resource_urls: rules
                    .non_resource_urls()
                    .into_iter()
                    .map(|(url, verbs)| (url, verbs.into_iter().collect()))
                    .collect(),
                path_to_cluster_admin: None,
            }
        })
        .collect();
    for d in &mut details {
        d.path_to_cluster_admin = paths.remove(&(d.namespace.clone(), d.name.clone()));
    }
    let groups: BTreeSet<&String> = details.iter().flat_map(|d| &d.groups).collect();
    let group_bindings = groups
        .into_iter()
        .map(|group| {
            let mut ids = cluster.bindings_for_group(group).to_vec();
            ids.sort();
            ids.dedup();
            let bindings = ids
                .into_iter()
                .filter(|&id| cluster.binding(id).subjects.iter().any(|s| s.kind == "Group" && &s.name == group))
                .map(|id| edge(cluster, id, "group"))
                .collect();
            GroupBindings { group: group.clone(), bindings }
        })
        .collect();
    (details, group_bindings)
}

/// who-can for each of [`RISKY_REQUESTS`]; ServiceAccounts outside `namespace` (when one is given) are left out.
fn risky_requests(loaded: &Loaded, namespace: Option<&str>) -> Vec<RiskyRequest> {
    RISKY_REQUESTS
        .par_iter()
        .filter_map(|&(check, verb, resource, name, in_namespace)| {
            let spec = RequestSpec {
                verb,
                resource,
                name,
                subresource: None,
                group: None,
                placement: match in_namespace {
                    Some(ns) => Placement::Namespace(ns.to_string()),
                    None => Placement::AllNamespaces,
                },
            };
            // The list is fixed and parses against the built-in catalogue; a CRD cannot make it fail.
            let parsed = crate::request::parse(&spec, &loaded.catalogue, &loaded.cluster).ok()?;
            let scope = if in_namespace.is_none() && parsed.namespaced != Some(false) {
                WhoCanScope::AllNamespaces
            } else {
                WhoCanScope::Request
            };
            let answer = rbac::who_can(&loaded.cluster, &parsed.request, &scope);
            let bindings_of = |grants: &mut dyn Iterator<Item = &std::sync::Arc<rbac::Grant>>| {
                grants.map(|g| g.binding.to_string()).collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>()
            };
            let subjects = answer
                .subjects
                .iter()
                .filter(|s| s.kind != "ServiceAccount" && !s.grants.is_empty())
                .map(|s| RiskySubject {
                    kind: s.kind.clone(),
                    name: s.name.clone(),
                    scopes: s.grants.iter().map(|g| g.scope.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
                    bindings: bindings_of(&mut s.grants.iter()),
                })
                .collect();
            let in_scope = |ns: &str| namespace.is_none_or(|n| n == ns);
            let reached: Vec<_> = answer.service_accounts.iter().filter(|sa| in_scope(&sa.namespace)).collect();
            let service_accounts = reached
                .iter()
                .filter(|sa| sa.via.iter().any(|g| g.subject.kind != "Group"))
                .map(|sa| RiskyServiceAccount {
                    namespace: sa.namespace.clone(),
                    name: sa.name.clone(),
                    exists: sa.exists,
                    scopes: sa.scopes.clone(),
                    bindings: bindings_of(&mut sa.via.iter().filter(|g| g.subject.kind != "Group")),
                })
                .collect();
            let words = [Some(verb), Some(resource), name].into_iter().flatten().collect::<Vec<_>>().join("-");
            let id = words.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
            let command = match (name, in_namespace) {
                (Some(n), Some(ns)) => format!("kubectl sa who-can {verb} {resource} {n} -n {ns}"),
                _ => format!("kubectl sa who-can {verb} {resource} -A"),
            };
            Some(RiskyRequest {
                id,
                command,
                check,
                title: CHECKS.iter().find(|c| c.id == check).map_or("", |c| c.title),
                request: RequestView::from(&parsed.request),
                all_namespaces: scope == WhoCanScope::AllNamespaces,
                service_account_count: reached.len(),
                subjects,
                service_accounts,
                warnings: parsed.warnings,
            })
        })
        .collect()
}
