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

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub entries: Vec<ResourceInfo>,
}

/// A resource argument resolved against the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub info: ResourceInfo,
    pub subresource: String,
}

const BUILTIN: &str = include_str!("builtin.json");

impl Catalogue {
    /// The built-in API of the Kubernetes version kubectl-sa is tested against.
    pub fn builtin() -> Self {
        let entries: Vec<ResourceInfo> =
            serde_json::from_str(BUILTIN).expect("builtin.json is generated and checked by the test suite");
        Catalogue { entries }
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
        self
    }

    /// Resolves `RES[.GROUP][/SUB]` (also `RES.VERSION.GROUP`). Plural, singular, short names and kind are
    /// accepted, case-insensitively, as kubectl does; the core group wins ties, as in kubectl.
    pub fn resolve(&self, spec: &str) -> Result<Resolved> {
        let (res_part, sub) = match spec.split_once('/') {
            Some((r, s)) => (r, s),
            None => (spec, ""),
        };
        if res_part.is_empty() || sub.contains('/') {
            bail!(
                "invalid resource {spec:?}: expected RESOURCE[.GROUP][/SUBRESOURCE], e.g. pods, deployments.apps/scale"
            );
        }
        let lower = res_part.to_lowercase();
        let (name, group) = match lower.split_once('.') {
            Some((n, g)) => (n.to_string(), Some(g.to_string())),
            None => (lower.clone(), None),
        };
        let matches_name = |e: &ResourceInfo| {
            e.resource == name
                || e.singular == name
                || e.kind.to_lowercase() == name
                || e.short_names.iter().any(|s| s.to_lowercase() == name)
        };
        let matches_group = |e: &ResourceInfo| match &group {
            None => true,
            // `deployments.apps` and `deployments.v1.apps`
            Some(g) => *g == e.group || *g == format!("{}.{}", e.version, e.group),
        };
        let mut candidates: Vec<&ResourceInfo> =
            self.entries.iter().filter(|e| matches_name(e) && matches_group(e)).collect();
        // An exact plural beats singular/short/kind matches (e.g. a CRD short name equal to a built-in plural).
        if candidates.iter().any(|e| e.resource == name) {
            candidates.retain(|e| e.resource == name);
        }
        candidates.sort_by_key(|e| (!e.group.is_empty(), e.group.contains('.'), e.group.clone()));
        let Some(info) = candidates.first() else {
            bail!(
                "the server doesn't have a resource type {res_part:?} (run `kubectl api-resources` to list them; \
                 for a custom resource give RESOURCE.GROUP, and with -f include its CustomResourceDefinition)"
            );
        };
        if !sub.is_empty() && !info.subresources.iter().any(|s| s == sub) {
            let known = if info.subresources.is_empty() { "none".to_string() } else { info.subresources.join(", ") };
            bail!(
                "resource {:?} has no subresource {sub:?} (known subresources: {known})",
                qualified(&info.resource, &info.group)
            );
        }
        Ok(Resolved { info: (*info).clone(), subresource: sub.to_string() })
    }
}

/// `deployments.apps`, and for a subresource `deployments.apps/scale`: the form the command line accepts.
pub fn qualified(resource: &str, group: &str) -> String {
    match (resource.split_once('/'), group.is_empty()) {
        (_, true) => resource.to_string(),
        (Some((res, sub)), false) => format!("{res}.{group}/{sub}"),
        (None, false) => format!("{resource}.{group}"),
    }
}
