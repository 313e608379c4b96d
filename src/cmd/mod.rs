//! One module per subcommand: each parses its arguments, asks the library, and prints.

pub mod audit;
pub mod bindings;
pub mod completion;
pub mod diff;
pub mod explain;
pub mod list;
pub mod matrix;
pub mod paths;
pub mod report;
pub mod token;
pub mod usage;
pub mod version;
pub mod who_can;

use anyhow::Result;

use crate::cli::RequestFlags;
use crate::rbac::{ObjectRef, Request};
use crate::request::{ParsedRequest, Placement, RequestSpec};
use crate::source::Loaded;

/// Builds the SubjectAccessReview attributes of `VERB RESOURCE [NAME]` with the request flags; warnings (what the
/// catalogue does not know, answered literally) are printed on stderr and kept for JSON output.
pub fn parse_request(
    verb: &str,
    resource: &str,
    name: Option<&str>,
    flags: &RequestFlags,
    loaded: &Loaded,
) -> Result<ParsedRequest> {
    let placement = if flags.cluster_scope {
        Placement::Cluster
    } else if flags.all_namespaces {
        Placement::AllNamespaces
    } else {
        Placement::Namespace(loaded.namespace.clone())
    };
    let spec = RequestSpec {
        verb,
        resource,
        name,
        subresource: flags.subresource.as_deref(),
        group: flags.group.as_deref(),
        placement,
    };
    let parsed = crate::request::parse(&spec, &loaded.catalogue, &loaded.cluster)?;
    print_warnings(&parsed.warnings);
    Ok(parsed)
}

/// Warnings go to stderr, as kubectl's do, whatever the output format.
pub fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("{}", crate::output::warn(&format!("warning: {w}")));
    }
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
