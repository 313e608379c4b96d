//! The request grammar: what a user types (`VERB RESOURCE[.GROUP][/SUBRESOURCE] [NAME]` or `VERB /path`) turned
//! into the attributes of a SubjectAccessReview.
//!
//! Every request a SubjectAccessReview accepts can be typed, and none is refused: the catalogue (the server's
//! discovery, or the built-in API plus the input's CRDs) resolves short names, kinds, singulars and case the way
//! kubectl does and says whether a resource is namespaced; what it does not know (a custom resource without its
//! CRD, a legacy group, a subresource only an authorizer checks, a custom verb) is answered for the literal request
//! with a warning, as `kubectl auth can-i` does. The grammar is documented in docs/requests.md.

pub mod subject;
pub mod view;

use anyhow::{Result, bail};

use crate::catalogue::{Catalogue, ResourceInfo, qualified};
use crate::model::Cluster;
use crate::rbac::{Request, ResourceAttributes};

/// Verbs the API server and its authorizers use for resource requests: the eight of the REST API and the special
/// verbs authorizers and admission plugins check.
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

/// Where a request is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// In this namespace (-n, else the context's): for namespaced resources and for those of unknown scope.
    Namespace(String),
    /// -A: across all namespaces (namespace ""); who-can reads it as "in any namespace".
    AllNamespaces,
    /// --cluster-scope: namespace "", whatever the resource.
    Cluster,
}

/// The words and flags of one request, as typed.
#[derive(Debug, Clone)]
pub struct RequestSpec<'a> {
    pub verb: &'a str,
    /// RESOURCE[.GROUP][/SUBRESOURCE...] or a path starting with `/`.
    pub resource: &'a str,
    pub name: Option<&'a str>,
    /// --subresource.
    pub subresource: Option<&'a str>,
    /// --group: the API group, given apart, so that RESOURCE is taken whole (dots included).
    pub group: Option<&'a str>,
    pub placement: Placement,
}

/// A typed request made into SubjectAccessReview attributes.
#[derive(Debug, Clone)]
pub struct ParsedRequest {
    pub request: Request,
    /// The catalogue entry of the resource, when the catalogue knows it.
    pub resource: Option<ResourceInfo>,
    /// Whether the resource is namespaced; None when its scope is unknown.
    pub namespaced: Option<bool>,
    /// What was not found and what is answered instead, one line each (kubectl's "Warning: ..." lines).
    pub warnings: Vec<String>,
}

/// Resources that exist only for authorization: no API serves them, authorizers and admission plugins ask for them.
/// (group, resource, subresource, namespaced, who checks it)
const AUTHORIZATION_ONLY: &[(&str, &str, &str, bool, &str)] = &[
    ("", "users", "", false, "impersonation (Impersonate-User)"),
    ("", "groups", "", false, "impersonation (Impersonate-Group)"),
    ("authentication.k8s.io", "userextras", "*", false, "impersonation (Impersonate-Extra-KEY, subresource KEY)"),
    ("authentication.k8s.io", "uids", "", false, "impersonation (Impersonate-Uid)"),
    ("certificates.k8s.io", "signers", "", false, "CSR approval and signing (resource name: the signer)"),
    ("", "nodes", "metrics", false, "the kubelet (GET /metrics)"),
    ("", "nodes", "stats", false, "the kubelet (GET /stats)"),
    ("", "nodes", "log", false, "the kubelet (GET /logs)"),
    ("", "nodes", "spec", false, "the kubelet (GET /spec)"),
    ("", "nodes", "checkpoint", false, "the kubelet (POST /checkpoint)"),
    ("", "nodes", "configz", false, "the kubelet with KubeletFineGrainedAuthz (GET /configz)"),
    ("", "nodes", "healthz", false, "the kubelet with KubeletFineGrainedAuthz (GET /healthz)"),
    ("", "nodes", "pods", false, "the kubelet with KubeletFineGrainedAuthz (GET /pods)"),
    ("", "endpoints", "restricted", true, "the endpoints registry (addresses in restricted ranges)"),
];

/// The `finalizers` subresource of any resource: checked by the OwnerReferencesPermissionEnforcement admission plugin
/// when an object sets blockOwnerDeletion on an owner.
const FINALIZERS: &str = "finalizers";

/// Makes the typed request into SubjectAccessReview attributes. Errors only for what no SubjectAccessReview can
/// mean: an empty verb or resource, a NAME, group or subresource with a non-resource path, the subresource given
/// twice, an ambiguous short name.
pub fn parse(spec: &RequestSpec, catalogue: &Catalogue, cluster: &Cluster) -> Result<ParsedRequest> {
    let verb = spec.verb;
    if verb.is_empty() {
        bail!("the verb is empty: give one, e.g. get (any verb is accepted; RBAC compares verbs literally)");
    }
    if spec.resource.is_empty() {
        bail!(
            "the resource is empty: give RESOURCE[.GROUP][/SUBRESOURCE] (e.g. pods, deployments.apps/scale) or a /path"
        );
    }
    let mut warnings = Vec::new();
    if spec.resource.starts_with('/') {
        return parse_non_resource(spec, cluster);
    }
    let (resource_part, subresource) = match (spec.resource.split_once('/'), spec.subresource) {
        (Some(_), Some(_)) => {
            bail!("the subresource is given twice: write RESOURCE/SUBRESOURCE or --subresource SUBRESOURCE, not both")
        }
        (Some((r, s)), None) => (r, s),
        (None, Some(s)) => (spec.resource, s),
        (None, None) => (spec.resource, ""),
    };
    if resource_part.is_empty() {
        bail!("invalid resource {:?}: the resource before \"/\" is empty", spec.resource);
    }
    if subresource.is_empty() && (spec.resource.ends_with('/') || spec.subresource.is_some()) {
        bail!("the subresource of {:?} is empty: give one (e.g. pods/log) or leave the \"/\" out", spec.resource);
    }

    let found = match spec.group {
        Some(group) => catalogue.lookup(group, resource_part),
        None => catalogue.find(resource_part)?,
    };
    let (group, resource) = match (&found, spec.group) {
        (Some(info), _) => (info.group.clone(), info.resource.clone()),
        (None, Some(group)) => (group.to_string(), resource_part.to_string()),
        (None, None) if resource_part == "*" => (String::new(), "*".to_string()),
        // kubectl's reading of RESOURCE.GROUP (schema.ParseGroupResource): the resource up to the first dot.
        (None, None) => match resource_part.split_once('.') {
            Some((r, g)) => (g.to_string(), r.to_string()),
            None => (String::new(), resource_part.to_string()),
        },
    };
    let authorization_only = AUTHORIZATION_ONLY.iter().find(|(g, r, s, _, _)| {
        *g == group && *r == resource && (*s == subresource || (*s == "*" && !subresource.is_empty()))
    });
    let namespaced = match (&found, authorization_only) {
        (Some(info), _) => Some(info.namespaced),
        (None, Some(&(_, _, _, namespaced, _))) => Some(namespaced),
        (None, None) => None,
    };
    match &found {
        None if resource == "*" || authorization_only.is_some() => {}
        None => {
            let missing = if group.is_empty() {
                format!("a resource type {resource:?}")
            } else {
                format!("a resource type {resource:?} in group {group:?}")
            };
            let scope = match spec.placement {
                Placement::Namespace(ref ns) => {
                    format!(
                        " in namespace {ns:?}, its scope being unknown (add --cluster-scope if it is cluster-scoped)"
                    )
                }
                _ => String::new(),
            };
            warnings.push(format!(
                "{} doesn't have {missing}: answering the literal request{scope}",
                catalogue.source.describe()
            ));
        }
        Some(info) => {
            let known_sub = subresource.is_empty()
                || subresource == FINALIZERS
                || info.subresources.iter().any(|s| s == subresource)
                || authorization_only.is_some();
            if !known_sub {
                let known =
                    if info.subresources.is_empty() { "none".to_string() } else { info.subresources.join(", ") };
                warnings.push(format!(
                    "{} has no subresource {subresource:?} of {} (it serves: {known}); answering for the literal \
                     subresource",
                    catalogue.source.describe(),
                    qualified(&info.resource, &info.group)
                ));
            }
        }
    }
    if let Some(w) = verb_warning(verb, RESOURCE_VERBS, found.as_ref(), cluster, &qualified(&resource, &group)) {
        warnings.push(w);
    }

    let name = spec.name.unwrap_or_default().to_string();
    let namespace = if group.is_empty() && resource == "namespaces" {
        // GET/PUT/DELETE /api/v1/namespaces/NAME (and its subresources) carry namespace NAME (requestinfo.go).
        name.clone()
    } else {
        match (&spec.placement, namespaced) {
            (Placement::Cluster | Placement::AllNamespaces, _) | (_, Some(false)) => String::new(),
            (Placement::Namespace(ns), _) => ns.clone(),
        }
    };
    Ok(ParsedRequest {
        request: Request::Resource {
            verb: verb.to_string(),
            attrs: ResourceAttributes { group, resource, subresource: subresource.to_string(), name, namespace },
        },
        resource: found,
        namespaced,
        warnings,
    })
}

fn parse_non_resource(spec: &RequestSpec, cluster: &Cluster) -> Result<ParsedRequest> {
    let path = spec.resource;
    if spec.name.is_some() {
        bail!("a non-resource URL ({path}) takes no NAME: write `VERB {path}`");
    }
    if spec.subresource.is_some() {
        bail!("a non-resource URL ({path}) takes no --subresource");
    }
    if spec.group.is_some() {
        bail!("a non-resource URL ({path}) takes no --group");
    }
    let warnings =
        verb_warning(spec.verb, NON_RESOURCE_VERBS, None, cluster, "non-resource URLs").into_iter().collect();
    Ok(ParsedRequest {
        request: Request::NonResource { verb: spec.verb.to_string(), path: path.to_string() },
        resource: None,
        namespaced: Some(false),
        warnings,
    })
}

/// A warning for a verb that neither the API nor any rule of the input uses (custom verbs are legal and answered
/// literally).
fn verb_warning(
    verb: &str,
    known: &[&str],
    info: Option<&ResourceInfo>,
    cluster: &Cluster,
    target: &str,
) -> Option<String> {
    if known.contains(&verb) || info.is_some_and(|i| i.verbs.iter().any(|v| v == verb)) {
        return None;
    }
    let in_rules = cluster
        .cluster_roles
        .values()
        .chain(cluster.roles.values())
        .any(|r| r.rules.iter().any(|rule| rule.verbs.iter().any(|v| v == verb)));
    if in_rules {
        return None;
    }
    let lower = verb.to_lowercase();
    let hint = if lower != verb && known.contains(&lower.as_str()) {
        format!("; verbs are case-sensitive: did you mean {lower:?}?")
    } else {
        String::new()
    };
    Some(format!(
        "verb {verb:?} is neither one the API server uses for {target} nor one any rule of the input names; answering \
         for the literal verb (only a rule with verb \"*\" or {verb:?} can allow it){hint}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;

    fn parse_words(verb: &str, resource: &str, name: Option<&str>) -> Result<ParsedRequest> {
        parse_with(verb, resource, name, None, None, Placement::Namespace("team".into()))
    }

    fn parse_with(
        verb: &str,
        resource: &str,
        name: Option<&str>,
        subresource: Option<&str>,
        group: Option<&str>,
        placement: Placement,
    ) -> Result<ParsedRequest> {
        let spec = RequestSpec { verb, resource, name, subresource, group, placement };
        parse(&spec, &Catalogue::builtin(), &Cluster::default())
    }

    fn attrs(p: &ParsedRequest) -> (&str, &str, &str, &str, &str, &str) {
        match &p.request {
            Request::Resource { verb, attrs } => (
                verb.as_str(),
                attrs.group.as_str(),
                attrs.resource.as_str(),
                attrs.subresource.as_str(),
                attrs.name.as_str(),
                attrs.namespace.as_str(),
            ),
            Request::NonResource { .. } => panic!("not a resource request"),
        }
    }

    #[test]
    fn known_resources_resolve_like_kubectl() {
        let p = parse_words("get", "po", None).unwrap();
        assert_eq!(attrs(&p), ("get", "", "pods", "", "", "team"));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let p = parse_words("update", "Deployment.apps/scale", Some("web")).unwrap();
        assert_eq!(attrs(&p), ("update", "apps", "deployments", "scale", "web", "team"));
        let p = parse_words("get", "nodes", None).unwrap();
        assert_eq!(attrs(&p), ("get", "", "nodes", "", "", ""), "cluster-scoped: namespace \"\"");
        let p = parse_words("get", "namespaces", Some("prod")).unwrap();
        assert_eq!(attrs(&p).5, "prod", "namespaces NAME carries namespace NAME");
    }

    #[test]
    fn unknown_resources_groups_and_subresources_are_answered_literally_with_a_warning() {
        let p = parse_words("list", "certificates.cert-manager.io", None).unwrap();
        assert_eq!(attrs(&p), ("list", "cert-manager.io", "certificates", "", "", "team"));
        assert_eq!(p.warnings.len(), 1);
        assert!(
            p.warnings[0].contains("cert-manager.io") && p.warnings[0].contains("--cluster-scope"),
            "{:?}",
            p.warnings
        );
        assert_eq!(p.namespaced, None);
        let p = parse_words("get", "ingresses.extensions", None).unwrap();
        assert_eq!(attrs(&p), ("get", "extensions", "ingresses", "", "", "team"));
        let p = parse_words("get", "pods/a/b", None).unwrap();
        assert_eq!(attrs(&p), ("get", "", "pods", "a/b", "", "team"));
        assert!(p.warnings[0].contains("no subresource \"a/b\""), "{:?}", p.warnings);
        let p = parse_words("update", "deployments.apps/finalizers", None).unwrap();
        assert!(p.warnings.is_empty(), "finalizers are checked by admission: {:?}", p.warnings);
        let p = parse_words("get", "nodes/metrics", None).unwrap();
        assert_eq!(attrs(&p), ("get", "", "nodes", "metrics", "", ""));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let p = parse_words("impersonate", "users", Some("alice")).unwrap();
        assert_eq!(attrs(&p), ("impersonate", "", "users", "", "alice", ""));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn stars_are_literal() {
        let p = parse_words("*", "*", None).unwrap();
        assert_eq!(attrs(&p), ("*", "", "*", "", "", "team"));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let p = parse_with("*", "*", None, None, Some("*"), Placement::Cluster).unwrap();
        assert_eq!(attrs(&p), ("*", "*", "*", "", "", ""));
    }

    #[test]
    fn custom_verbs_are_answered_with_a_warning() {
        let p = parse_words("frobnicate", "pods", None).unwrap();
        assert_eq!(attrs(&p).0, "frobnicate");
        assert!(p.warnings[0].contains("literal verb"), "{:?}", p.warnings);
        let p = parse_words("GET", "pods", None).unwrap();
        assert!(p.warnings[0].contains("did you mean \"get\""), "{:?}", p.warnings);
        assert!(
            parse_words("use", "podsecuritypolicies.policy", None).unwrap().warnings.len() == 1,
            "only the resource"
        );
    }

    #[test]
    fn an_explicit_group_keeps_dots_in_the_resource() {
        let p = parse_with("get", "tier.networkpolicies", None, None, Some("projectcalico.org"), Placement::Cluster)
            .unwrap();
        assert_eq!(attrs(&p), ("get", "projectcalico.org", "tier.networkpolicies", "", "", ""));
        let p = parse_with("get", "pods", None, Some("log"), Some(""), Placement::Namespace("a".into())).unwrap();
        assert_eq!(attrs(&p), ("get", "", "pods", "log", "", "a"));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn scope_choices() {
        let p = parse_with("list", "pods", None, None, None, Placement::Cluster).unwrap();
        assert_eq!(attrs(&p).5, "");
        let p = parse_with("list", "widgets.example.com", None, None, None, Placement::AllNamespaces).unwrap();
        assert_eq!(attrs(&p).5, "");
        assert!(!p.warnings[0].contains("--cluster-scope"), "no scope hint when the scope was chosen");
    }

    #[test]
    fn non_resource_urls_take_any_verb() {
        let p = parse_words("get", "/metrics", None).unwrap();
        assert_eq!(p.request, Request::NonResource { verb: "get".into(), path: "/metrics".into() });
        let p = parse_words("watch", "/apis", None).unwrap();
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn what_stays_an_error() {
        let err = |r: Result<ParsedRequest>| r.unwrap_err().to_string();
        assert!(err(parse_words("", "pods", None)).contains("verb is empty"));
        assert!(err(parse_words("get", "", None)).contains("resource is empty"));
        assert!(err(parse_words("get", "/healthz", Some("x"))).contains("takes no NAME"));
        assert!(err(parse_with("get", "pods/log", None, Some("log"), None, Placement::Cluster)).contains("twice"));
        assert!(err(parse_words("get", "pods/", None)).contains("subresource of"));
        assert!(
            err(parse_words("get", "/x", None).and(parse_with("get", "/x", None, None, Some("a"), Placement::Cluster)))
                .contains("--group")
        );
    }

    #[test]
    fn an_ambiguous_short_name_lists_the_candidates() {
        let crd = |group: &str| crate::model::Crd {
            group: group.into(),
            version: "v1".into(),
            plural: "certificates".into(),
            singular: "certificate".into(),
            kind: "Certificate".into(),
            short_names: vec!["cert".into()],
            namespaced: true,
            subresources: vec![],
        };
        let catalogue = Catalogue::builtin().with_crds(&[crd("cert-manager.io"), crd("example.com")]);
        let spec = RequestSpec {
            verb: "get",
            resource: "cert",
            name: None,
            subresource: None,
            group: None,
            placement: Placement::Cluster,
        };
        let e = parse(&spec, &catalogue, &Cluster::default()).unwrap_err().to_string();
        assert!(e.contains("certificates.cert-manager.io") && e.contains("certificates.example.com"), "{e}");
        let spec = RequestSpec { resource: "cert.example.com", ..spec };
        assert_eq!(attrs(&parse(&spec, &catalogue, &Cluster::default()).unwrap()).1, "example.com");
    }
}
