//! What webhooks and admission policies share: rule matching (apiserver webhook/predicates/rules/rules.go),
//! matchPolicy Equivalent, namespaceSelector and objectSelector (predicates/namespace, predicates/object), and the
//! resources the API server never sends to them.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::Value;

use super::selector::LabelSelector;
use super::{Attrs, NamespaceInfo, Operation, parse};

/// A RuleWithOperations (webhooks) or NamedRuleWithOperations (policies: with resourceNames).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rule {
    pub operations: Vec<String>,
    pub api_groups: Vec<String>,
    pub api_versions: Vec<String>,
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
}

impl Rule {
    pub fn parse(v: &Value, path: &str) -> Result<Self> {
        if !v.is_object() {
            bail!("{path}: expected an object, found {}", parse::kind_of(v));
        }
        Ok(Rule {
            operations: parse::strings(v, "operations", path)?,
            api_groups: parse::strings(v, "apiGroups", path)?,
            api_versions: parse::strings(v, "apiVersions", path)?,
            resources: parse::strings(v, "resources", path)?,
            scope: parse::string(v, "scope", path)?,
            resource_names: parse::strings(v, "resourceNames", path)?,
        })
    }

    pub fn parse_list(obj: &Value, key: &str, path: &str) -> Result<Vec<Self>> {
        let here = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
        parse::list(obj, key, path)?.iter().enumerate().map(|(i, r)| Rule::parse(r, &format!("{here}[{i}]"))).collect()
    }

    /// scope: `*` (or unset) all; `Namespaced`: namespaced requests, never the Namespace object itself;
    /// `Cluster`: cluster-scoped requests and the Namespace object. Any other value matches nothing.
    fn scope_matches(&self, a: &Attrs) -> bool {
        match self.scope.as_deref() {
            None | Some("*") => true,
            Some("Namespaced") => !a.is_namespace_object() && !a.namespace.is_empty(),
            Some("Cluster") => a.is_namespace_object() || a.namespace.is_empty(),
            Some(_) => false,
        }
    }

    fn operation_matches(&self, op: Operation) -> bool {
        self.operations.iter().any(|o| o == "*" || o == op.as_str())
    }

    /// `res/sub` entries: `*` is every resource without a subresource, `r/*` is r and all its subresources,
    /// `*/*` everything, `*/s` subresource s of every resource.
    fn resource_matches(&self, resource: &str, subresource: &str) -> bool {
        self.resources.iter().any(|entry| {
            let (res, sub) = entry.split_once('/').unwrap_or((entry.as_str(), ""));
            (res == "*" || res == resource) && (sub == "*" || sub == subresource)
        })
    }

    fn name_matches(&self, name: &str) -> bool {
        self.resource_names.is_empty() || self.resource_names.iter().any(|n| n == name)
    }

    /// The exact check of rules.go Matcher.Matches (plus resourceNames for policies).
    pub fn matches(&self, a: &Attrs) -> bool {
        self.scope_matches(a)
            && self.operation_matches(a.op)
            && exact_or_wildcard(&self.api_groups, a.group)
            && exact_or_wildcard(&self.api_versions, a.version)
            && self.resource_matches(a.resource, a.subresource)
            && self.name_matches(a.name)
    }

    /// matchPolicy Equivalent: the same resource under another version of its group, or under a group sharing its
    /// storage. Which versions the server serves is unknown here, so a listed version counts as served.
    fn matches_equivalent(&self, a: &Attrs) -> bool {
        if self.api_versions.is_empty()
            || !self.scope_matches(a)
            || !self.operation_matches(a.op)
            || !self.resource_matches(a.resource, a.subresource)
            || !self.name_matches(a.name)
        {
            return false;
        }
        equivalent_groups(a.group, a.resource).iter().any(|g| exact_or_wildcard(&self.api_groups, g))
    }
}

fn exact_or_wildcard(items: &[String], requested: &str) -> bool {
    items.iter().any(|i| i == "*" || i == requested)
}

/// Groups whose `resource` is the same stored resource as in `group` (kube-apiserver's cohabiting storage).
fn equivalent_groups<'a>(group: &'a str, resource: &str) -> Vec<&'a str> {
    match (group, resource) {
        ("", "events") | ("events.k8s.io", "events") => vec!["", "events.k8s.io"],
        _ => vec![group],
    }
}

/// The first rule matching the request: `(index, via_equivalent)`. Exact matches are tried first over all rules,
/// then (matchPolicy Equivalent) equivalent resources, as the dispatcher does.
pub(crate) fn first_match(rules: &[Rule], a: &Attrs, equivalent: bool) -> Option<(usize, bool)> {
    if let Some(i) = rules.iter().position(|r| r.matches(a)) {
        return Some((i, false));
    }
    if equivalent {
        return rules.iter().position(|r| r.matches_equivalent(a)).map(|i| (i, true));
    }
    None
}

/// A CEL matchCondition of a webhook or policy: never evaluated here, only listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct MatchCondition {
    pub name: String,
    pub expression: String,
}

impl MatchCondition {
    pub fn parse_list(obj: &Value, path: &str) -> Result<Vec<Self>> {
        let here = if path.is_empty() { "matchConditions".to_string() } else { format!("{path}.matchConditions") };
        parse::list(obj, "matchConditions", path)?
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let p = format!("{here}[{i}]");
                if !c.is_object() {
                    bail!("{p}: expected an object, found {}", parse::kind_of(c));
                }
                Ok(MatchCondition {
                    name: parse::string(c, "name", &p)?.unwrap_or_default(),
                    expression: parse::string(c, "expression", &p)?.unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// A match decided client-side, or not decidable without more facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Match {
    Yes,
    No,
    Maybe(String),
}

impl Match {
    /// AND of two conditions: any No is No, else any Maybe is Maybe (reasons joined).
    pub fn and(self, other: Match) -> Match {
        match (self, other) {
            (Match::No, _) | (_, Match::No) => Match::No,
            (Match::Maybe(a), Match::Maybe(b)) => Match::Maybe(format!("{a}; {b}")),
            (Match::Maybe(a), Match::Yes) | (Match::Yes, Match::Maybe(a)) => Match::Maybe(a),
            (Match::Yes, Match::Yes) => Match::Yes,
        }
    }

    fn of(b: bool) -> Match {
        if b { Match::Yes } else { Match::No }
    }
}

/// predicates/namespace MatchNamespaceSelector: cluster-scoped requests other than the Namespace object always match;
/// for a Namespace CREATE/UPDATE the labels come from the object being written, otherwise from the namespace.
pub(crate) fn match_namespace_selector(
    sel: &LabelSelector,
    a: &Attrs,
    namespaces: Option<&BTreeMap<String, NamespaceInfo>>,
) -> Match {
    if a.namespace.is_empty() && a.resource != "namespaces" {
        return Match::Yes;
    }
    if sel.is_empty() {
        return Match::Yes;
    }
    if a.resource == "namespaces" && a.subresource.is_empty() && matches!(a.op, Operation::Create | Operation::Update) {
        return match &a.object_labels {
            Some(labels) => Match::of(sel.matches(labels)),
            None => Match::Maybe("namespaceSelector depends on the labels of the Namespace being written".into()),
        };
    }
    match namespaces {
        None => Match::Maybe(format!("namespaceSelector depends on the labels of namespace {:?}", a.namespace)),
        Some(all) => match all.get(&a.namespace) {
            Some(ns) => Match::of(sel.matches(&ns.labels)),
            None => {
                Match::Maybe(format!("namespace {:?} does not exist: the API server answers 404 NotFound", a.namespace))
            }
        },
    }
}

/// predicates/object MatchObjectSelector: the new object's labels or the old object's. CONNECT carries an options
/// object without labels, so a non-empty selector never matches it.
pub(crate) fn match_object_selector(sel: &LabelSelector, a: &Attrs) -> Match {
    if sel.is_empty() {
        return Match::Yes;
    }
    if a.op == Operation::Connect {
        return Match::No;
    }
    match &a.object_labels {
        None => Match::Maybe("objectSelector depends on the object's labels".into()),
        Some(labels) if sel.matches(labels) => Match::Yes,
        Some(_) if a.op == Operation::Update => Match::Maybe(
            "objectSelector does not match the given object; it still matches if the stored object's labels do".into(),
        ),
        Some(_) => Match::No,
    }
}

const ADMISSION_GROUP: &str = "admissionregistration.k8s.io";

/// rules.IsExemptAdmissionConfigurationResource: webhooks never see webhook configurations or admission policies.
pub(crate) fn exempt_from_webhooks(a: &Attrs) -> bool {
    a.group == ADMISSION_GROUP
        && (matches!(
            a.kind,
            "ValidatingWebhookConfiguration"
                | "MutatingWebhookConfiguration"
                | "ValidatingAdmissionPolicy"
                | "ValidatingAdmissionPolicyBinding"
                | "MutatingAdmissionPolicy"
                | "MutatingAdmissionPolicyBinding"
        ) || matches!(
            a.resource,
            "validatingwebhookconfigurations"
                | "mutatingwebhookconfigurations"
                | "validatingadmissionpolicies"
                | "validatingadmissionpolicybindings"
                | "mutatingadmissionpolicies"
                | "mutatingadmissionpolicybindings"
        ))
}

/// API-based admission policies skip the policy resources themselves (webhook configurations are not skipped).
pub(crate) fn exempt_from_policies(a: &Attrs) -> bool {
    a.group == ADMISSION_GROUP
        && matches!(
            a.resource,
            "validatingadmissionpolicies"
                | "validatingadmissionpolicybindings"
                | "mutatingadmissionpolicies"
                | "mutatingadmissionpolicybindings"
        )
}

/// Non-persisted review resources excluded from webhooks and policies (kubeapiserver/admission/exclusion).
pub(crate) fn is_review_resource(a: &Attrs) -> bool {
    matches!(
        (a.group, a.resource),
        ("authentication.k8s.io", "selfsubjectreviews" | "tokenreviews")
            | (
                "authorization.k8s.io",
                "localsubjectaccessreviews"
                    | "selfsubjectaccessreviews"
                    | "selfsubjectrulesreviews"
                    | "subjectaccessreviews"
            )
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::tests::{namespaces, request};
    use serde_json::json;

    fn rule(ops: &[&str], groups: &[&str], versions: &[&str], resources: &[&str], scope: Option<&str>) -> Rule {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
        Rule {
            operations: s(ops),
            api_groups: s(groups),
            api_versions: s(versions),
            resources: s(resources),
            scope: scope.map(String::from),
            resource_names: vec![],
        }
    }

    fn matches_res(resources: &[&str], resource: &str, sub: &str) -> bool {
        let mut req = request(Operation::Create, "", "v1", resource, "ns1");
        req.subresource = sub.into();
        rule(&["*"], &["*"], &["*"], resources, None).matches(&Attrs::new(&req))
    }

    /// Section F row 61 (webhook predicates/rules/rules_test.go).
    #[test]
    fn row_61_resource_and_subresource_semantics() {
        assert!(!matches_res(&["*"], "r", "exec"), "* does not match r/exec");
        assert!(matches_res(&["*"], "r", ""), "* matches r");
        assert!(matches_res(&["r/*"], "r", ""), "r/* matches r");
        assert!(matches_res(&["r/*"], "r", "exec"), "r/* matches r/exec");
        assert!(!matches_res(&["*/proxy"], "r", "scale"), "*/proxy does not match r/scale");
        assert!(matches_res(&["*/scale"], "deployments", "scale"));
        assert!(matches_res(&["*/*"], "pods", "exec"));
        assert!(matches_res(&["*/*"], "pods", ""));
        assert!(!matches_res(&["pods"], "pods", "status"));
        assert!(matches_res(&["pods/status"], "pods", "status"));
        assert!(!matches_res(&["pods/status"], "pods", ""));
    }

    #[test]
    fn operations_groups_versions() {
        let r = rule(&["CREATE", "UPDATE"], &["apps"], &["v1"], &["deployments"], None);
        let mut req = request(Operation::Create, "apps", "v1", "deployments", "ns1");
        assert!(r.matches(&Attrs::new(&req)));
        req.operation = Operation::Delete;
        assert!(!r.matches(&Attrs::new(&req)));
        req.operation = Operation::Update;
        req.group = "extensions".into();
        assert!(!r.matches(&Attrs::new(&req)));
        req.group = "apps".into();
        req.version = "v1beta1".into();
        assert!(!r.matches(&Attrs::new(&req)));
        let all_ops = rule(&["*"], &["apps"], &["v1"], &["deployments"], None);
        req.version = "v1".into();
        req.operation = Operation::Connect;
        assert!(all_ops.matches(&Attrs::new(&req)));
        let no_ops = rule(&[], &["*"], &["*"], &["*"], None);
        assert!(!no_ops.matches(&Attrs::new(&req)));
    }

    #[test]
    fn scopes() {
        let namespaced = rule(&["*"], &["*"], &["*"], &["*"], Some("Namespaced"));
        let cluster = rule(&["*"], &["*"], &["*"], &["*"], Some("Cluster"));
        let all = rule(&["*"], &["*"], &["*"], &["*"], Some("*"));
        let pod = request(Operation::Create, "", "v1", "pods", "ns1");
        let node = request(Operation::Create, "", "v1", "nodes", "");
        let mut ns = request(Operation::Create, "", "v1", "namespaces", "");
        ns.name = "team".into();
        for (req, n, c) in [(&pod, true, false), (&node, false, true), (&ns, false, true)] {
            let a = Attrs::new(req);
            assert_eq!(namespaced.matches(&a), n, "{}", req.resource);
            assert_eq!(cluster.matches(&a), c, "{}", req.resource);
            assert!(all.matches(&a));
        }
        let bogus = rule(&["*"], &["*"], &["*"], &["*"], Some("Somewhere"));
        assert!(!bogus.matches(&Attrs::new(&pod)));
    }

    #[test]
    fn equivalent_match_policy() {
        let rules = vec![
            rule(&["*"], &["apps"], &["v1beta1"], &["deployments"], None),
            rule(&["*"], &["events.k8s.io"], &["v1"], &["events"], None),
        ];
        let dep = request(Operation::Create, "apps", "v1", "deployments", "ns1");
        assert_eq!(first_match(&rules, &Attrs::new(&dep), false), None);
        assert_eq!(first_match(&rules, &Attrs::new(&dep), true), Some((0, true)));
        let ev = request(Operation::Create, "", "v1", "events", "ns1");
        assert_eq!(first_match(&rules, &Attrs::new(&ev), false), None);
        assert_eq!(first_match(&rules, &Attrs::new(&ev), true), Some((1, true)));
        let other = request(Operation::Create, "batch", "v1", "jobs", "ns1");
        assert_eq!(first_match(&rules, &Attrs::new(&other), true), None);
        // Exact matches win over earlier equivalent ones.
        let rules2 = vec![
            rule(&["*"], &["apps"], &["v1beta1"], &["deployments"], None),
            rule(&["*"], &["apps"], &["v1"], &["deployments"], None),
        ];
        assert_eq!(first_match(&rules2, &Attrs::new(&dep), true), Some((1, false)));
    }

    #[test]
    fn resource_names() {
        let mut r = rule(&["*"], &[""], &["v1"], &["configmaps"], None);
        r.resource_names = vec!["cfg".into()];
        let mut req = request(Operation::Update, "", "v1", "configmaps", "ns1");
        req.name = "cfg".into();
        assert!(r.matches(&Attrs::new(&req)));
        req.name = "other".into();
        assert!(!r.matches(&Attrs::new(&req)));
        req.name = String::new();
        assert!(!r.matches(&Attrs::new(&req)), "a generated name never matches resourceNames");
    }

    #[test]
    fn namespace_selector() {
        let sel = LabelSelector::parse(&json!({"s": {"matchLabels": {"env": "prod"}}}), "s", "").unwrap();
        let nss = namespaces();
        let in_ns = |ns: &str| request(Operation::Create, "", "v1", "configmaps", ns);
        assert_eq!(match_namespace_selector(&sel, &Attrs::new(&in_ns("prod")), Some(&nss)), Match::Yes);
        assert_eq!(match_namespace_selector(&sel, &Attrs::new(&in_ns("dev")), Some(&nss)), Match::No);
        assert!(matches!(match_namespace_selector(&sel, &Attrs::new(&in_ns("zz")), Some(&nss)), Match::Maybe(_)));
        assert!(matches!(match_namespace_selector(&sel, &Attrs::new(&in_ns("prod")), None), Match::Maybe(_)));
        // Cluster-scoped objects other than namespaces always match.
        let node = request(Operation::Create, "", "v1", "nodes", "");
        assert_eq!(match_namespace_selector(&sel, &Attrs::new(&node), Some(&nss)), Match::Yes);
        // A Namespace object: its own labels (from the object on CREATE/UPDATE, from the cluster on DELETE).
        let mut ns_create = request(Operation::Create, "", "v1", "namespaces", "");
        ns_create.name = "new".into();
        assert!(matches!(match_namespace_selector(&sel, &Attrs::new(&ns_create), Some(&nss)), Match::Maybe(_)));
        ns_create.object = Some(json!({"metadata": {"name": "new", "labels": {"env": "prod"}}}));
        assert_eq!(match_namespace_selector(&sel, &Attrs::new(&ns_create), Some(&nss)), Match::Yes);
        ns_create.object = Some(json!({"metadata": {"name": "new"}}));
        assert_eq!(match_namespace_selector(&sel, &Attrs::new(&ns_create), Some(&nss)), Match::No);
        let mut ns_delete = request(Operation::Delete, "", "v1", "namespaces", "");
        ns_delete.name = "dev".into();
        assert_eq!(match_namespace_selector(&sel, &Attrs::new(&ns_delete), Some(&nss)), Match::No);
        ns_delete.name = "prod".into();
        assert_eq!(match_namespace_selector(&sel, &Attrs::new(&ns_delete), Some(&nss)), Match::Yes);
        // An empty selector matches without looking.
        assert_eq!(match_namespace_selector(&LabelSelector::default(), &Attrs::new(&in_ns("zz")), None), Match::Yes);
    }

    #[test]
    fn object_selector() {
        let sel = LabelSelector::parse(&json!({"s": {"matchLabels": {"app": "web"}}}), "s", "").unwrap();
        let mut req = request(Operation::Create, "", "v1", "pods", "ns1");
        assert!(matches!(match_object_selector(&sel, &Attrs::new(&req)), Match::Maybe(_)));
        req.object = Some(json!({"metadata": {"labels": {"app": "web"}}}));
        assert_eq!(match_object_selector(&sel, &Attrs::new(&req)), Match::Yes);
        req.object = Some(json!({"metadata": {"labels": {"app": "db"}}}));
        assert_eq!(match_object_selector(&sel, &Attrs::new(&req)), Match::No);
        req.operation = Operation::Update;
        assert!(matches!(match_object_selector(&sel, &Attrs::new(&req)), Match::Maybe(_)), "old object may match");
        req.operation = Operation::Connect;
        req.subresource = "exec".into();
        assert_eq!(match_object_selector(&sel, &Attrs::new(&req)), Match::No);
        assert_eq!(match_object_selector(&LabelSelector::default(), &Attrs::new(&req)), Match::Yes);
    }

    #[test]
    fn exclusions() {
        let mut vwc = request(Operation::Create, ADMISSION_GROUP, "v1", "validatingwebhookconfigurations", "");
        vwc.kind = "ValidatingWebhookConfiguration".into();
        assert!(exempt_from_webhooks(&Attrs::new(&vwc)));
        assert!(!exempt_from_policies(&Attrs::new(&vwc)), "policies do see webhook configurations");
        let vap = request(Operation::Create, ADMISSION_GROUP, "v1", "validatingadmissionpolicies", "");
        assert!(exempt_from_webhooks(&Attrs::new(&vap)));
        assert!(exempt_from_policies(&Attrs::new(&vap)));
        let sar = request(Operation::Create, "authorization.k8s.io", "v1", "subjectaccessreviews", "");
        assert!(is_review_resource(&Attrs::new(&sar)));
        let tr = request(Operation::Create, "authentication.k8s.io", "v1", "tokenreviews", "");
        assert!(is_review_resource(&Attrs::new(&tr)));
        let pod = request(Operation::Create, "", "v1", "pods", "ns1");
        assert!(!is_review_resource(&Attrs::new(&pod)) && !exempt_from_webhooks(&Attrs::new(&pod)));
    }

    #[test]
    fn match_and() {
        assert_eq!(Match::Yes.and(Match::Yes), Match::Yes);
        assert_eq!(Match::Maybe("a".into()).and(Match::No), Match::No);
        assert_eq!(Match::Maybe("a".into()).and(Match::Maybe("b".into())), Match::Maybe("a; b".into()));
        assert_eq!(Match::Yes.and(Match::Maybe("b".into())), Match::Maybe("b".into()));
    }
}
