//! One module per subcommand: each parses its arguments, asks the library, and prints.

pub mod audit;
pub mod bindings;
pub mod completion;
pub mod explain;
pub mod list;
pub mod matrix;
pub mod token;
pub mod usage;
pub mod version;
pub mod who_can;

use anyhow::{Result, bail};

use crate::catalogue::{ResourceInfo, qualified};
use crate::cli::RequestArgs;
use crate::rbac::{ObjectRef, Request, ResourceAttributes};
use crate::source::Loaded;

/// Verbs the API server uses for resource requests (plus the special verbs checked by authorizers and admission).
pub const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "bind",
    "escalate",
    "impersonate",
    "approve",
    "sign",
    "attest",
    "use",
    "proxy",
    "*",
];
/// Lowercased HTTP methods: the verbs of non-resource requests.
pub const NON_RESOURCE_VERBS: &[&str] = &["get", "head", "post", "put", "patch", "delete", "options", "*"];

/// A request built from the command line, with the resource it names.
pub struct ParsedRequest {
    pub request: Request,
    pub resource: Option<ResourceInfo>,
}

/// Builds the request kube-apiserver would authorize for `VERB RESOURCE [NAME]` with -n/-A.
pub fn parse_request(args: &RequestArgs, loaded: &Loaded) -> Result<ParsedRequest> {
    let verb = args.verb.clone();
    if let Some(path) = args.resource.strip_prefix('/').map(|_| args.resource.clone()) {
        if args.name.is_some() || args.subresource.is_some() {
            bail!("a non-resource URL ({path}) takes no NAME and no --subresource");
        }
        check_verb(&verb, NON_RESOURCE_VERBS, loaded, None)?;
        return Ok(ParsedRequest { request: Request::NonResource { verb, path }, resource: None });
    }
    let spec = match (&args.subresource, args.resource.contains('/')) {
        (Some(_), true) => bail!("give the subresource either as RESOURCE/SUBRESOURCE or with --subresource, not both"),
        (Some(sub), false) => format!("{}/{sub}", args.resource),
        (None, _) => args.resource.clone(),
    };
    let resolved = loaded.catalogue.resolve(&spec)?;
    let info = resolved.info;
    check_verb(&verb, RESOURCE_VERBS, loaded, Some(&info))?;
    let name = args.name.clone().unwrap_or_default();
    let namespace = if info.group.is_empty() && info.resource == "namespaces" {
        // GET/PUT/DELETE /api/v1/namespaces/NAME carry namespace NAME (requestinfo.go).
        name.clone()
    } else if !info.namespaced || args.all_namespaces {
        String::new()
    } else {
        loaded.namespace.clone()
    };
    Ok(ParsedRequest {
        request: Request::Resource {
            verb,
            attrs: ResourceAttributes {
                group: info.group.clone(),
                resource: info.resource.clone(),
                subresource: resolved.subresource,
                name,
                namespace,
            },
        },
        resource: Some(info),
    })
}

/// Notes worth showing with an answer: facts about the input, a request namespace that does not exist, and
/// aggregated ClusterRoles among `roles` whose rules were computed here rather than read.
pub fn answer_notes<'a>(request: &Request, loaded: &Loaded, roles: impl Iterator<Item = &'a ObjectRef>) -> Vec<String> {
    let cluster = &loaded.cluster;
    let mut notes = cluster.notes.clone();
    let ns = request.namespace();
    if !ns.is_empty() && cluster.namespace_exists(ns) == Some(false) {
        notes.push(format!(
            "namespace {ns:?} does not exist: RBAC is evaluated anyway, but any request in it would fail"
        ));
    }
    let mut computed: Vec<&str> = roles
        .filter(|r| r.kind == "ClusterRole")
        .filter(|r| cluster.cluster_roles.get(&r.name).is_some_and(|role| role.aggregation_computed))
        .map(|r| r.name.as_str())
        .collect();
    computed.sort();
    computed.dedup();
    for name in computed {
        notes.push(format!(
            "ClusterRole {name:?} is aggregated but its stored rules lack rules of the ClusterRoles it selects (a \
             hand-written manifest?); the union the aggregation controller would write is used"
        ));
    }
    notes
}

fn check_verb(verb: &str, known: &[&str], loaded: &Loaded, info: Option<&ResourceInfo>) -> Result<()> {
    if known.contains(&verb) || info.is_some_and(|i| i.verbs.iter().any(|v| v == verb)) {
        return Ok(());
    }
    // Custom verbs are legal in RBAC; accept any verb some rule of the cluster names.
    let in_rules = loaded
        .cluster
        .cluster_roles
        .values()
        .chain(loaded.cluster.roles.values())
        .any(|r| r.rules.iter().any(|rule| rule.verbs.iter().any(|v| v == verb)));
    if in_rules {
        return Ok(());
    }
    let lower = verb.to_lowercase();
    let hint = if lower != verb && known.contains(&lower.as_str()) {
        format!(" (verbs are case-sensitive: did you mean {lower:?}?)")
    } else {
        String::new()
    };
    let target = info.map(|i| qualified(&i.resource, &i.group)).unwrap_or_else(|| "non-resource URLs".into());
    bail!("unknown verb {verb:?} for {target}{hint}; known verbs: {}", known.join(", "))
}
