//! `kubectl sa matrix`: resources x verbs for one ServiceAccount, or ServiceAccounts x verbs for one resource.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use colored::Colorize;
use serde::Serialize;

use crate::catalogue::qualified;
use crate::cli::{MatrixArgs, MatrixOutput};
use crate::cmd::explain::{SubjectView, parse_service_account};
use crate::output::{self, heading};
use crate::rbac::UserInfo;
use crate::rbac::access::{Access, Cell, IdentityRules};
use crate::request::subject::Identity;
use crate::source::{Loaded, Needs, Scope};

pub const STANDARD_VERBS: &[&str] =
    &["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
pub const SPECIAL_VERBS: &[&str] = &["bind", "escalate", "impersonate", "use", "approve"];
/// Connect and token subresources worth a row of their own with --subresources.
const DANGEROUS_SUBRESOURCES: &[(&str, &str, &str)] = &[
    ("", "pods", "exec"),
    ("", "pods", "log"),
    ("", "pods", "attach"),
    ("", "pods", "portforward"),
    ("", "pods", "ephemeralcontainers"),
    ("", "serviceaccounts", "token"),
    ("", "nodes", "proxy"),
];

/// Where a special verb applies: (verb, group, resource). Impersonation and signer targets are not served
/// resources, so they get rows of their own.
const SPECIAL_TARGETS: &[(&str, &str, &str, bool)] = &[
    ("bind", "rbac.authorization.k8s.io", "roles", true),
    ("bind", "rbac.authorization.k8s.io", "clusterroles", false),
    ("escalate", "rbac.authorization.k8s.io", "roles", true),
    ("escalate", "rbac.authorization.k8s.io", "clusterroles", false),
    ("impersonate", "", "users", false),
    ("impersonate", "", "groups", false),
    ("impersonate", "", "serviceaccounts", true),
    ("impersonate", "authentication.k8s.io", "userextras", false),
    ("impersonate", "authentication.k8s.io", "uids", false),
    ("approve", "certificates.k8s.io", "signers", false),
    ("use", "policy", "podsecuritypolicies", false),
];

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub group: String,
    /// `pods`, or `pods/exec` for a subresource.
    pub resource: String,
    pub namespaced: bool,
    /// verb -> yes | no | some (only verbs that apply to this row).
    pub verbs: BTreeMap<String, Cell>,
    /// verb -> the names allowed, for `some` cells.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, Vec<String>>,
    /// With -A: verb -> where it is allowed for any name (`["cluster"]` or namespaces).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub r#where: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NonResourceRow {
    pub url: String,
    pub verbs: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SaMatrix {
    /// Who the cells are for (a ServiceAccount or a user, with its groups).
    subject: SubjectView,
    /// The ServiceAccount, when the subject is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    service_account: Option<crate::rbac::ObjectRef>,
    /// In system:masters: every cell is allowed before RBAC is consulted.
    superuser: bool,
    /// The namespace the cells answer for; absent with -A.
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    all_namespaces: bool,
    verbs: Vec<String>,
    rows: Vec<Row>,
    non_resource_urls: Vec<NonResourceRow>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SaRow {
    namespace: String,
    name: String,
    verbs: BTreeMap<String, Cell>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    names: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    r#where: BTreeMap<String, Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceMatrix {
    group: String,
    resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    all_namespaces: bool,
    verbs: Vec<String>,
    service_accounts: Vec<SaRow>,
    /// What the catalogue did not know and what was answered instead.
    warnings: Vec<String>,
}

fn verbs_of(args: &MatrixArgs) -> Result<(Vec<String>, bool)> {
    if args.verbs.is_empty() {
        return Ok((STANDARD_VERBS.iter().map(|s| s.to_string()).collect(), false));
    }
    if args.verbs.len() == 1 && args.verbs[0] == "all" {
        let all = STANDARD_VERBS.iter().chain(SPECIAL_VERBS).map(|s| s.to_string()).collect();
        return Ok((all, true));
    }
    for v in &args.verbs {
        if v.is_empty() || v.chars().any(|c| c.is_whitespace()) {
            bail!("invalid --verbs entry {v:?}: give a comma-separated list such as get,list,watch, or all");
        }
    }
    let special = args.verbs.iter().any(|v| SPECIAL_VERBS.contains(&v.as_str()));
    Ok((args.verbs.clone(), special))
}

/// (group, resource, subresource, namespaced) rows, grouped by API group.
fn row_keys(loaded: &Loaded, subresources: bool, special: bool) -> Vec<(String, String, String, bool)> {
    let mut keys: BTreeSet<(String, String, String, bool)> = BTreeSet::new();
    for e in &loaded.catalogue.entries {
        keys.insert((e.group.clone(), e.resource.clone(), String::new(), e.namespaced));
        if subresources {
            for sub in &e.subresources {
                let dangerous =
                    DANGEROUS_SUBRESOURCES.iter().any(|(g, r, s)| *g == e.group && *r == e.resource && s == sub);
                if dangerous || sub == "scale" || sub == "status" {
                    keys.insert((e.group.clone(), e.resource.clone(), sub.clone(), e.namespaced));
                }
            }
        }
    }
    if special {
        for &(_, g, r, nsd) in SPECIAL_TARGETS {
            keys.insert((g.to_string(), r.to_string(), String::new(), nsd));
        }
    }
    keys.into_iter().collect()
}

fn applies(verb: &str, group: &str, resource: &str, sub: &str) -> bool {
    if !SPECIAL_VERBS.contains(&verb) {
        return true;
    }
    sub.is_empty() && SPECIAL_TARGETS.iter().any(|&(v, g, r, _)| v == verb && g == group && r == resource)
}

/// Fills one row's cells from an identity's rules.
fn fill(rules: &IdentityRules, verbs: &[String], key: &(String, String, String, bool), ns: Option<&str>) -> Row {
    let (group, resource, sub, namespaced) = key;
    let mut row = Row {
        group: group.clone(),
        resource: if sub.is_empty() { resource.clone() } else { format!("{resource}/{sub}") },
        namespaced: *namespaced,
        verbs: BTreeMap::new(),
        names: BTreeMap::new(),
        r#where: BTreeMap::new(),
    };
    for verb in verbs {
        if !applies(verb, group, resource, sub) {
            continue;
        }
        let access: Access = rules.access(verb, group, resource, sub, *namespaced);
        let (cell, names) = match ns {
            // Cluster-scoped requests carry no namespace.
            Some(ns) => {
                let ns = if *namespaced { ns } else { "" };
                (access.cell_in(ns), access.names_in(ns))
            }
            None => {
                let all: BTreeSet<String> = access.names.values().flatten().cloned().collect();
                if access.cell_anywhere() == Cell::Yes {
                    row.r#where.insert(verb.clone(), access.scopes());
                }
                (access.cell_anywhere(), all)
            }
        };
        if cell == Cell::Some {
            row.names.insert(verb.clone(), names.into_iter().collect());
        }
        row.verbs.insert(verb.clone(), cell);
    }
    row
}

fn icon(cell: Option<&Cell>) -> String {
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    match (cell, color) {
        (None, _) => String::new(),
        (Some(Cell::Yes), true) => "✔".green().bold().to_string(),
        (Some(Cell::No), true) => "✖".red().to_string(),
        (Some(Cell::Some), true) => "◐".yellow().bold().to_string(),
        (Some(Cell::Yes), false) => "yes".into(),
        (Some(Cell::No), false) => "no".into(),
        (Some(Cell::Some), false) => "some".into(),
    }
}

fn cell_text(
    row_verbs: &BTreeMap<String, Cell>,
    names: &BTreeMap<String, Vec<String>>,
    wh: &BTreeMap<String, Vec<String>>,
    verb: &str,
    wide: bool,
) -> String {
    let mut t = icon(row_verbs.get(verb));
    if wide {
        if let Some(n) = names.get(verb) {
            t = format!("{t} {}", n.join(","));
        } else if let Some(w) = wh.get(verb) {
            t = format!("{t} {}", w.join(","));
        }
    }
    t
}

/// What a live load must fetch: without -A, the Roles and RoleBindings of the command's namespace only; for one
/// ServiceAccount, only the ServiceAccounts of its namespace (groups are not expanded there).
pub fn needs(args: &MatrixArgs) -> Needs {
    if args.all_namespaces {
        return Needs::default();
    }
    let as_sa = args.subject.as_user.as_deref().and_then(crate::rbac::request::parse_sa_username);
    let service_accounts = match (&args.resource, &args.service_account) {
        (None, Some(sa)) => Scope::Namespace(parse_service_account(sa, "").ok().map(|(ns, _)| ns)),
        (None, None) => Scope::Namespace(as_sa.map(|(ns, _)| ns.to_string())),
        _ => Scope::AllNamespaces,
    };
    Needs { rbac: Scope::Namespace(None), service_accounts, ..Default::default() }
}

pub fn run(args: &MatrixArgs, loaded: &Loaded, out: &mut dyn Write) -> Result<ExitCode> {
    let (verbs, special) = verbs_of(args)?;
    let ns = (!args.all_namespaces).then(|| loaded.namespace.clone());
    if let Some(res) = &args.resource {
        return run_for_resource(args, loaded, res, &verbs, ns, out);
    }
    if args.service_account.is_none() && args.subject.as_user.is_none() {
        return run_for_namespace(args, loaded, &verbs, special, ns, out);
    }
    let identity =
        crate::request::subject::identity(&args.subject.spec(args.service_account.as_deref()), &loaded.namespace)?;
    let m = sa_matrix(args, loaded, &verbs, special, ns.as_deref(), &identity);
    match args.output {
        Some(MatrixOutput::Json) => output::write_json(out, &m)?,
        Some(MatrixOutput::Yaml) => output::write_yaml(out, &m)?,
        format => print_sa_matrix(out, loaded, &m, format == Some(MatrixOutput::Wide))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `matrix --all-sas` without a ServiceAccount: the matrix of every ServiceAccount of the namespace (of the
/// cluster with -A), evaluated in one process on one load.
fn run_for_namespace(
    args: &MatrixArgs,
    loaded: &Loaded,
    verbs: &[String],
    special: bool,
    ns: Option<String>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let matrices: Vec<SaMatrix> = loaded
        .cluster
        .service_accounts
        .keys()
        .filter(|(sa_ns, _)| ns.as_ref().is_none_or(|n| n == sa_ns))
        .map(|(sa_ns, sa_name)| {
            let identity = Identity::service_account(sa_ns, sa_name, &[], None);
            sa_matrix(args, loaded, verbs, special, ns.as_deref(), &identity)
        })
        .collect();
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct NamespaceMatrices<'a> {
        namespace: Option<&'a str>,
        all_namespaces: bool,
        matrices: &'a [SaMatrix],
    }
    let report =
        NamespaceMatrices { namespace: ns.as_deref(), all_namespaces: args.all_namespaces, matrices: &matrices };
    match args.output {
        Some(MatrixOutput::Json) => output::write_json(out, &report)?,
        Some(MatrixOutput::Yaml) => output::write_yaml(out, &report)?,
        format => {
            if matrices.is_empty() {
                let where_ = ns.map_or("the cluster".to_string(), |n| format!("namespace {n:?}"));
                writeln!(out, "No ServiceAccounts in {where_}.")?;
            }
            for (i, m) in matrices.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                print_sa_matrix(out, loaded, m, format == Some(MatrixOutput::Wide))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn sa_matrix(
    args: &MatrixArgs,
    loaded: &Loaded,
    verbs: &[String],
    special: bool,
    ns: Option<&str>,
    identity: &Identity,
) -> SaMatrix {
    let rules = IdentityRules::new(&loaded.cluster, &identity.user);
    let rows: Vec<Row> =
        row_keys(loaded, args.subresources, special).iter().map(|k| fill(&rules, verbs, k, ns)).collect();
    let non_resource_urls = rules
        .non_resource_urls()
        .into_iter()
        .map(|(url, v)| NonResourceRow { url, verbs: v.into_iter().collect() })
        .collect();
    SaMatrix {
        subject: SubjectView::of(identity),
        service_account: identity.service_account.as_ref().map(|(ns, name)| crate::rbac::ObjectRef {
            kind: "ServiceAccount".into(),
            name: name.clone(),
            namespace: ns.clone(),
        }),
        superuser: rules.is_superuser(),
        namespace: ns.map(str::to_string),
        all_namespaces: args.all_namespaces,
        verbs: verbs.to_vec(),
        rows,
        non_resource_urls,
    }
}

fn print_sa_matrix(out: &mut dyn Write, loaded: &Loaded, m: &SaMatrix, wide: bool) -> Result<()> {
    let verbs = &m.verbs;
    let scope = match &m.namespace {
        Some(ns) => format!("in namespace {ns:?} (cluster-scoped rows: cluster-wide)"),
        None => "anywhere (-A; -o wide says where)".into(),
    };
    let (who, exists) = match &m.service_account {
        Some(sa) => {
            let missing = loaded.cluster.service_account(&sa.namespace, &sa.name).is_none();
            (format!("{}/{}", sa.namespace, sa.name), if missing { " [ServiceAccount not found]" } else { "" })
        }
        None => (format!("user {:?} (groups: {})", m.subject.name, m.subject.groups.join(", ")), ""),
    };
    writeln!(out, "{}\n", heading(&format!("What {who} can do {scope}{exists}")))?;
    if m.superuser {
        writeln!(out, "system:masters: the API server allows every request before RBAC is consulted.\n")?;
    }
    let mut headers = vec!["RESOURCE".to_string()];
    headers.extend(verbs.iter().map(|v| v.to_uppercase()));
    let rows_text: Vec<Vec<String>> = m
        .rows
        .iter()
        .map(|r| {
            let mut line = vec![qualified(&r.resource, &r.group)];
            line.extend(verbs.iter().map(|v| cell_text(&r.verbs, &r.names, &r.r#where, v, wide)));
            line
        })
        .collect();
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    writeln!(out, "{}", output::table(&h, rows_text))?;
    if !m.non_resource_urls.is_empty() {
        writeln!(out, "\n{}", heading("NON-RESOURCE URLS (through ClusterRoleBindings)"))?;
        let rows = m.non_resource_urls.iter().map(|u| vec![u.url.clone(), u.verbs.join(",")]).collect();
        writeln!(out, "{}", output::table(&["URL", "VERBS"], rows))?;
    }
    Ok(())
}

fn run_for_resource(
    args: &MatrixArgs,
    loaded: &Loaded,
    res: &str,
    verbs: &[String],
    ns: Option<String>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    // The same grammar as who-can's RESOURCE: unknown resources are answered literally, with a warning.
    let placement = match &ns {
        Some(ns) => crate::request::Placement::Namespace(ns.clone()),
        None => crate::request::Placement::AllNamespaces,
    };
    let spec = crate::request::RequestSpec {
        verb: "get",
        resource: res,
        name: None,
        subresource: None,
        group: None,
        placement,
    };
    let parsed = crate::request::parse(&spec, &loaded.catalogue, &loaded.cluster)?;
    crate::cmd::print_warnings(&parsed.warnings);
    let crate::rbac::Request::Resource { attrs, .. } = &parsed.request else {
        bail!(
            "--resource takes a resource, not a non-resource URL ({res}); matrix SA lists the URLs a subject may use"
        );
    };
    let namespaced = parsed.namespaced.unwrap_or(true);
    let key = (attrs.group.clone(), attrs.resource.clone(), attrs.subresource.clone(), namespaced);
    let info_group = attrs.group.clone();
    let mut rows = Vec::new();
    for (sa_ns, sa_name) in loaded.cluster.service_accounts.keys() {
        let rules = IdentityRules::new(&loaded.cluster, &UserInfo::service_account(sa_ns, sa_name));
        let r = fill(&rules, verbs, &key, ns.as_deref());
        if args.all_sas || r.verbs.values().any(|c| *c != Cell::No) {
            rows.push(SaRow {
                namespace: sa_ns.clone(),
                name: sa_name.clone(),
                verbs: r.verbs,
                names: r.names,
                r#where: r.r#where,
            });
        }
    }
    let m = ResourceMatrix {
        group: info_group,
        resource: key_resource(&key),
        namespace: ns.clone(),
        all_namespaces: args.all_namespaces,
        verbs: verbs.to_vec(),
        service_accounts: rows,
        warnings: parsed.warnings.clone(),
    };
    match args.output {
        Some(MatrixOutput::Json) => output::write_json(out, &m)?,
        Some(MatrixOutput::Yaml) => output::write_yaml(out, &m)?,
        format => {
            let wide = format == Some(MatrixOutput::Wide);
            let scope = match &ns {
                Some(ns) if namespaced => format!("in namespace {ns:?}"),
                Some(_) => "(cluster-scoped)".into(),
                None => "anywhere (-A)".into(),
            };
            writeln!(
                out,
                "{}\n",
                heading(&format!("ServiceAccounts and {} {scope}", qualified(&m.resource, &m.group)))
            )?;
            if m.service_accounts.is_empty() {
                writeln!(out, "No ServiceAccount holds anything on it (--all-sas lists them all).")?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut headers = vec!["NAMESPACE".to_string(), "SERVICEACCOUNT".to_string()];
            headers.extend(verbs.iter().map(|v| v.to_uppercase()));
            let rows_text = m
                .service_accounts
                .iter()
                .map(|r| {
                    let mut line = vec![r.namespace.clone(), r.name.clone()];
                    line.extend(verbs.iter().map(|v| cell_text(&r.verbs, &r.names, &r.r#where, v, wide)));
                    line
                })
                .collect();
            let h: Vec<&str> = headers.iter().map(String::as_str).collect();
            writeln!(out, "{}", output::table(&h, rows_text))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn key_resource(key: &(String, String, String, bool)) -> String {
    if key.2.is_empty() { key.1.clone() } else { format!("{}/{}", key.1, key.2) }
}

/// The rows and verbs of the report's matrices: every resource of the catalogue with its connect, token, scale and
/// status subresources, the special verbs' targets, and every verb `matrix --verbs all` shows.
pub struct MatrixLayout {
    pub verbs: Vec<String>,
    keys: Vec<(String, String, String, bool)>,
}

/// One row of a report matrix: one letter per verb of the layout.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LetterRow {
    pub group: String,
    /// `pods`, or `pods/exec` for a subresource.
    pub resource: String,
    /// Per verb: `c` cluster-wide, `n` in some namespaces (its RoleBindings'), `s` only for some names, `-` not
    /// allowed, `.` the verb does not apply to the row.
    pub cells: String,
}

impl MatrixLayout {
    pub fn new(loaded: &Loaded) -> Self {
        MatrixLayout {
            verbs: STANDARD_VERBS.iter().chain(SPECIAL_VERBS).map(|s| s.to_string()).collect(),
            keys: row_keys(loaded, true, true),
        }
    }

    /// The rows where `rules` allow some verb somewhere. A row no rule can touch (by group and resource) is skipped
    /// before its cells are computed: most identities hold a few rules and the layout has a hundred rows.
    pub fn allowed_rows(&self, rules: &IdentityRules) -> Vec<LetterRow> {
        use crate::rbac::rules::{api_group_matches, resource_matches};
        let mut out = Vec::new();
        for (group, resource, sub, namespaced) in &self.keys {
            let touched = rules.is_superuser()
                || rules.all().any(|m| api_group_matches(m.rule, group) && resource_matches(m.rule, resource, sub));
            if !touched {
                continue;
            }
            let cells: String = self
                .verbs
                .iter()
                .map(|verb| {
                    if !applies(verb, group, resource, sub) {
                        return '.';
                    }
                    let a = rules.access(verb, group, resource, sub, *namespaced);
                    if a.cluster {
                        'c'
                    } else if !a.namespaces.is_empty() {
                        'n'
                    } else if !a.names.is_empty() {
                        's'
                    } else {
                        '-'
                    }
                })
                .collect();
            if cells.contains(['c', 'n', 's']) {
                let resource = if sub.is_empty() { resource.clone() } else { format!("{resource}/{sub}") };
                out.push(LetterRow { group: group.clone(), resource, cells });
            }
        }
        out
    }
}
