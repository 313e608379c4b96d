//! Resource names -> (group, resource, scope, subresources), the way kubectl resolves `pods`, `po`, `pod`,
//! `deployments.apps` or `widgets.example.com`.
//!
//! Live, the entries come from the API server's aggregated discovery. For snapshots they come from
//! `builtin.json` (the discovery of a real kube-apiserver of the pinned version, dumped by
//! tests/cluster/dump-catalogue.sh) plus the CustomResourceDefinitions found in the snapshot.

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::model::Crd;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceInfo {
    pub group: String,
    pub version: String,
    pub resource: String,
    pub kind: String,
    #[serde(default)]
    pub singular: String,
    pub namespaced: bool,
    #[serde(default)]
    pub short_names: Vec<String>,
    #[serde(default)]
    pub verbs: Vec<String>,
    #[serde(default)]
    pub subresources: Vec<String>,
}

/// Where a catalogue's entries come from, for messages about what it does not hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CatalogueSource {
    /// The API server's discovery.
    Server,
    /// The built-in API of the Kubernetes version kubectl-sa is tested against, plus this many CRDs of the input.
    #[default]
    Builtin,
    BuiltinWithCrds(usize),
}

impl CatalogueSource {
    /// The subject of "... doesn't have a resource type X".
    pub fn describe(&self) -> String {
        match self {
            CatalogueSource::Server => "the server".into(),
            CatalogueSource::Builtin => format!(
                "the built-in API of Kubernetes {} (the input has no CustomResourceDefinitions)",
                crate::catalogue::KUBERNETES_VERSION
            ),
            CatalogueSource::BuiltinWithCrds(n) => format!(
                "the built-in API of Kubernetes {} with the input's {n} CustomResourceDefinition{}",
                crate::catalogue::KUBERNETES_VERSION,
                if *n == 1 { "" } else { "s" }
            ),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub entries: Vec<ResourceInfo>,
    pub source: CatalogueSource,
}

/// A resource argument resolved against the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub info: ResourceInfo,
    pub subresource: String,
}

/// The Kubernetes version whose API `builtin.json` holds and the tests run against.
pub const KUBERNETES_VERSION: &str = "v1.37.2";

const BUILTIN: &str = include_str!("builtin.json");

impl Catalogue {
    /// The built-in API of the Kubernetes version kubectl-sa is tested against.
    pub fn builtin() -> Self {
        let entries: Vec<ResourceInfo> =
            serde_json::from_str(BUILTIN).expect("builtin.json is generated and checked by the test suite");
        Catalogue { entries, source: CatalogueSource::Builtin }
    }

    pub fn with_crds(mut self, crds: &[Crd]) -> Self {
        for c in crds {
            self.entries.retain(|e| !(e.group == c.group && e.resource == c.plural));
            self.entries.push(ResourceInfo {
                group: c.group.clone(),
                version: c.version.clone(),
                resource: c.plural.clone(),
                kind: c.kind.clone(),
                singular: c.singular.clone(),
                namespaced: c.namespaced,
                short_names: c.short_names.clone(),
                verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
                    .map(String::from)
                    .to_vec(),
                subresources: c.subresources.clone(),
            });
        }
        if !crds.is_empty() && self.source == CatalogueSource::Builtin {
            self.source = CatalogueSource::BuiltinWithCrds(crds.len());
        }
        self
    }

    /// The entry of exactly this group and plural resource.
    pub fn lookup(&self, group: &str, resource: &str) -> Option<ResourceInfo> {
        self.entries.iter().find(|e| e.group == group && e.resource == resource).cloned()
    }

    /// Finds `RES[.GROUP]` (also `RES.VERSION.GROUP`) the way kubectl does: plural, singular, short names and kind,
    /// case-insensitively; an exact plural beats the other forms; the core group beats the built-in groups, which
    /// beat the others. None when nothing matches; an error when two groups match equally (a short name two CRDs
    /// share), listing what to type instead.
    pub fn find(&self, spec: &str) -> Result<Option<ResourceInfo>> {
        let lower = spec.to_lowercase();
        let (name, group) = match lower.split_once('.') {
            Some((n, g)) => (n, Some(g)),
            None => (lower.as_str(), None),
        };
        let matches_name = |e: &ResourceInfo| {
            e.resource == name
                || e.singular == name
                || e.kind.to_lowercase() == name
                || e.short_names.iter().any(|s| s.to_lowercase() == name)
        };
        let matches_group = |e: &ResourceInfo| match group {
            None => true,
            // `deployments.apps` and `deployments.v1.apps`
            Some(g) => {
                g == e.group || g.strip_suffix(e.group.as_str()).and_then(|v| v.strip_suffix('.')) == Some(&e.version)
            }
        };
        let mut candidates: Vec<&ResourceInfo> =
            self.entries.iter().filter(|e| matches_name(e) && matches_group(e)).collect();
        if candidates.iter().any(|e| e.resource == name) {
            candidates.retain(|e| e.resource == name);
        }
        let builtin_groups = builtin_groups();
        let rank = |e: &ResourceInfo| {
            if e.group.is_empty() {
                0
            } else if builtin_groups.contains(&e.group) {
                1
            } else {
                2
            }
        };
        let Some(best) = candidates.iter().map(|e| rank(e)).min() else { return Ok(None) };
        candidates.retain(|e| rank(e) == best);
        candidates.sort_by(|a, b| a.group.cmp(&b.group));
        candidates.dedup_by(|a, b| a.group == b.group && a.resource == b.resource);
        if let [one] = candidates.as_slice() {
            return Ok(Some((*one).clone()));
        }
        let names: Vec<String> = candidates.iter().map(|e| qualified(&e.resource, &e.group)).collect();
        bail!("{spec:?} is ambiguous: it names {}; give RESOURCE.GROUP", names.join(" and "))
    }

    /// Resolves `RES[.GROUP][/SUB]` to a known resource and one of its subresources (completion uses it).
    pub fn resolve(&self, spec: &str) -> Result<Resolved> {
        let (res_part, sub) = spec.split_once('/').unwrap_or((spec, ""));
        let Some(info) = self.find(res_part)? else {
            bail!("{} doesn't have a resource type {res_part:?}", self.source.describe());
        };
        if !sub.is_empty() && !info.subresources.iter().any(|s| s == sub) {
            bail!(
                "{} has no subresource {sub:?} of {}",
                self.source.describe(),
                qualified(&info.resource, &info.group)
            );
        }
        Ok(Resolved { info, subresource: sub.to_string() })
    }
}

/// The API groups of the built-in catalogue (kubectl prefers them to a CRD's group for the same name).
fn builtin_groups() -> &'static [String] {
    static GROUPS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut groups: Vec<String> = Catalogue::builtin().entries.into_iter().map(|e| e.group).collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    })
}

/// `deployments.apps`, and for a subresource `deployments.apps/scale`: the form the command line accepts.
pub fn qualified(resource: &str, group: &str) -> String {
    match (resource.split_once('/'), group.is_empty()) {
        (_, true) => resource.to_string(),
        (Some((res, sub)), false) => format!("{res}.{group}/{sub}"),
        (None, false) => format!("{resource}.{group}"),
    }
}
