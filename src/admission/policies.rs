//! ValidatingAdmissionPolicy and MutatingAdmissionPolicy with their bindings: which policy/binding pairs apply to a
//! request (apiserver admission/plugin/policy/generic policy_dispatcher.go, policy_matcher.go, matching/matching.go).
//! CEL (validations, mutations, matchConditions, messageExpressions) is only listed, never evaluated.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::rules::{self, Match, MatchCondition, Rule};
use super::selector::LabelSelector;
use super::{Attrs, NamespaceInfo, Step, Verdict, parse, plugin};

/// MatchResources of a policy's matchConstraints or of a binding's matchResources.
#[derive(Debug, Clone)]
pub(crate) struct MatchResources {
    pub namespace_selector: LabelSelector,
    pub object_selector: LabelSelector,
    pub resource_rules: Vec<Rule>,
    pub exclude_resource_rules: Vec<Rule>,
    /// Equivalent (API default) or Exact.
    pub match_policy: String,
}

impl MatchResources {
    fn parse(v: &Value, path: &str) -> Result<Self> {
        Ok(MatchResources {
            namespace_selector: LabelSelector::parse(v, "namespaceSelector", path)?,
            object_selector: LabelSelector::parse(v, "objectSelector", path)?,
            resource_rules: Rule::parse_list(v, "resourceRules", path)?,
            exclude_resource_rules: Rule::parse_list(v, "excludeResourceRules", path)?,
            match_policy: parse::string(v, "matchPolicy", path)?.unwrap_or_else(|| "Equivalent".into()),
        })
    }

    /// matching.Matcher.Matches: selectors, then excludeResourceRules, then resourceRules (none = all).
    fn matches(&self, a: &Attrs, namespaces: Option<&BTreeMap<String, NamespaceInfo>>) -> Match {
        let selectors = rules::match_namespace_selector(&self.namespace_selector, a, namespaces)
            .and(rules::match_object_selector(&self.object_selector, a));
        if selectors == Match::No {
            return Match::No;
        }
        let equivalent = self.match_policy != "Exact";
        if rules::first_match(&self.exclude_resource_rules, a, equivalent).is_some() {
            return Match::No;
        }
        if !self.resource_rules.is_empty() && rules::first_match(&self.resource_rules, a, equivalent).is_none() {
            return Match::No;
        }
        selectors
    }

    fn describe(&self) -> Value {
        let mut v = json!({ "matchPolicy": self.match_policy, "resourceRules": self.resource_rules });
        let o = v.as_object_mut().expect("json object");
        if !self.exclude_resource_rules.is_empty() {
            o.insert("excludeResourceRules".into(), json!(self.exclude_resource_rules));
        }
        if !self.namespace_selector.is_empty() {
            o.insert("namespaceSelector".into(), json!(self.namespace_selector));
        }
        if !self.object_selector.is_empty() {
            o.insert("objectSelector".into(), json!(self.object_selector));
        }
        v
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub name: String,
    pub mutating: bool,
    pub constraints: MatchResources,
    /// Fail (default) or Ignore.
    pub failure_policy: String,
    /// `apiVersion, kind` of the params, if the policy takes params.
    pub param_kind: Option<String>,
    pub match_conditions: Vec<MatchCondition>,
    /// ValidatingAdmissionPolicy: {expression, message, messageExpression, reason}.
    pub validations: Vec<Value>,
    pub audit_annotations: usize,
    /// MutatingAdmissionPolicy: {patchType, expression}.
    pub mutations: Vec<Value>,
    pub reinvocation_policy: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub name: String,
    pub mutating: bool,
    pub policy_name: String,
    pub param_ref: Option<Value>,
    pub match_resources: Option<MatchResources>,
    pub validation_actions: Vec<String>,
}

fn spec(doc: &Value) -> Result<&Value> {
    match parse::object(doc, "spec", "")? {
        Some(s) => Ok(s),
        None => bail!("spec is missing"),
    }
}

/// Keeps the string fields of `v` named in `keys` (for CEL listings).
fn pick(v: &Value, keys: &[&str], path: &str) -> Result<Value> {
    if !v.is_object() {
        bail!("{path}: expected an object, found {}", parse::kind_of(v));
    }
    let mut out = serde_json::Map::new();
    for k in keys {
        if let Some(s) = parse::string(v, k, path)? {
            out.insert((*k).into(), Value::String(s));
        }
    }
    Ok(Value::Object(out))
}

impl Policy {
    pub fn parse(mutating: bool, doc: &Value) -> Result<Self> {
        let name = parse::name(doc)?;
        let spec = spec(doc)?;
        let Some(mc) = parse::object(spec, "matchConstraints", "spec")? else {
            bail!("spec.matchConstraints is missing");
        };
        let constraints = MatchResources::parse(mc, "spec.matchConstraints")?;
        let param_kind = match parse::object(spec, "paramKind", "spec")? {
            None => None,
            Some(pk) => {
                let api_version = parse::string(pk, "apiVersion", "spec.paramKind")?.unwrap_or_default();
                let kind = parse::string(pk, "kind", "spec.paramKind")?.unwrap_or_default();
                Some(format!("{api_version}, Kind={kind}"))
            }
        };
        let mut validations = Vec::new();
        for (i, v) in parse::list(spec, "validations", "spec")?.iter().enumerate() {
            validations.push(pick(
                v,
                &["expression", "message", "messageExpression", "reason"],
                &format!("spec.validations[{i}]"),
            )?);
        }
        let mut mutations = Vec::new();
        for (i, m) in parse::list(spec, "mutations", "spec")?.iter().enumerate() {
            let p = format!("spec.mutations[{i}]");
            let mut out = pick(m, &["patchType"], &p)?;
            for key in ["applyConfiguration", "jsonPatch"] {
                if let Some(body) = parse::object(m, key, &p)?
                    && let Some(e) = parse::string(body, "expression", &format!("{p}.{key}"))?
                {
                    out["expression"] = Value::String(e);
                }
            }
            mutations.push(out);
        }
        Ok(Policy {
            name,
            mutating,
            constraints,
            failure_policy: parse::string(spec, "failurePolicy", "spec")?.unwrap_or_else(|| "Fail".into()),
            param_kind,
            match_conditions: MatchCondition::parse_list(spec, "spec")?,
            validations,
            audit_annotations: parse::list(spec, "auditAnnotations", "spec")?.len(),
            mutations,
            reinvocation_policy: parse::string(spec, "reinvocationPolicy", "spec")?,
        })
    }
}

impl Binding {
    pub fn parse(mutating: bool, doc: &Value) -> Result<Self> {
        let name = parse::name(doc)?;
        let spec = spec(doc)?;
        let param_ref = match parse::object(spec, "paramRef", "spec")? {
            None => None,
            Some(pr) => {
                let mut v = pick(pr, &["name", "namespace", "parameterNotFoundAction"], "spec.paramRef")?;
                if let Some(sel) = parse::object(pr, "selector", "spec.paramRef")? {
                    LabelSelector::parse(pr, "selector", "spec.paramRef")?;
                    v["selector"] = sel.clone();
                }
                Some(v)
            }
        };
        let match_resources = parse::object(spec, "matchResources", "spec")?
            .map(|m| MatchResources::parse(m, "spec.matchResources"))
            .transpose()?;
        Ok(Binding {
            name,
            mutating,
            policy_name: parse::string(spec, "policyName", "spec")?.unwrap_or_default(),
            param_ref,
            match_resources,
            validation_actions: parse::strings(spec, "validationActions", "spec")?,
        })
    }
}

/// One step per (policy, binding) pair that applies (or may apply), policies then bindings sorted by name.
pub(crate) fn evaluate(
    policies: &[Policy],
    bindings: &[Binding],
    mutating: bool,
    a: &Attrs,
    namespaces: Option<&BTreeMap<String, NamespaceInfo>>,
) -> Vec<Step> {
    let mut ps: Vec<&Policy> = policies.iter().filter(|p| p.mutating == mutating).collect();
    ps.sort_by(|x, y| x.name.cmp(&y.name));
    let mut steps = Vec::new();
    for p in ps {
        let pm = p.constraints.matches(a, namespaces);
        if pm == Match::No {
            continue;
        }
        let mut bs: Vec<&Binding> =
            bindings.iter().filter(|b| b.mutating == mutating && b.policy_name == p.name).collect();
        bs.sort_by(|x, y| x.name.cmp(&y.name));
        for b in bs {
            let bm = b.match_resources.as_ref().map_or(Match::Yes, |m| m.matches(a, namespaces));
            let m = pm.clone().and(bm);
            if m != Match::No {
                steps.push(step(p, b, m));
            }
        }
    }
    steps
}

fn params_sentence(p: &Policy, b: &Binding) -> Option<String> {
    let kind = p.param_kind.as_ref()?;
    let Some(pr) = &b.param_ref else {
        return Some(format!(
            "the policy takes params ({kind}) but the binding has no paramRef: evaluated without params"
        ));
    };
    let which = match (pr.get("name").and_then(Value::as_str), pr.get("selector")) {
        (Some(n), _) => format!("{n:?}"),
        (None, Some(_)) => "those selected by paramRef.selector".to_string(),
        (None, None) => "all".to_string(),
    };
    let ns = pr.get("namespace").and_then(Value::as_str).map(|n| format!(" in namespace {n:?}")).unwrap_or_default();
    let missing = match pr.get("parameterNotFoundAction").and_then(Value::as_str) {
        Some("Deny") => "a missing param rejects the request",
        _ => "a missing param skips the binding",
    };
    Some(format!("params {which} ({kind}){ns} are looked up at request time; {missing}"))
}

fn step(p: &Policy, b: &Binding, m: Match) -> Step {
    let kind = if p.mutating { "MutatingAdmissionPolicy" } else { "ValidatingAdmissionPolicy" };
    let mut message = match &m {
        Match::Maybe(why) => format!("{kind} {:?} (binding {:?}) applies only if: {why}", p.name, b.name),
        _ => format!("{kind} {:?} (binding {:?}) applies", p.name, b.name),
    };
    let deny = b.validation_actions.iter().any(|x| x == "Deny");
    let verdict = if p.mutating {
        message.push_str(&format!(
            ": {} mutation(s) are evaluated at request time and may change the object",
            p.mutations.len()
        ));
        if matches!(m, Match::Maybe(_)) { Verdict::Unknown } else { Verdict::Mutate }
    } else {
        message.push_str(&format!(": {} validation(s) are evaluated at request time", p.validations.len()));
        if deny {
            message.push_str(&format!(
                " and a failing one rejects the request (\"ValidatingAdmissionPolicy '{}' with binding '{}' denied request: ...\")",
                p.name, b.name
            ));
        }
        let others: Vec<&str> = b.validation_actions.iter().filter(|x| *x != "Deny").map(String::as_str).collect();
        if !others.is_empty() {
            message.push_str(&format!("; failures are also reported as {}", others.join(" and ")));
        }
        match (&m, deny) {
            (Match::Maybe(_), true) => Verdict::Unknown,
            (_, true) => Verdict::MayDeny,
            (_, false) => Verdict::Allow,
        }
    };
    message.push_str(&format!(
        "; failurePolicy {} {}",
        p.failure_policy,
        if p.failure_policy == "Ignore" {
            "ignores CEL and configuration errors"
        } else {
            "rejects on CEL or configuration errors"
        }
    ));
    if !p.match_conditions.is_empty() {
        message.push_str(&format!("; {} matchCondition(s) are evaluated at request time", p.match_conditions.len()));
    }
    if let Some(s) = params_sentence(p, b) {
        message.push_str("; ");
        message.push_str(&s);
    }
    message.push('.');
    let mut details = json!({
        "policy": p.name,
        "binding": b.name,
        "failurePolicy": p.failure_policy,
        "matchConstraints": p.constraints.describe(),
        "evaluatedAtRequestTime": true,
    });
    let o = details.as_object_mut().expect("json object");
    if let Some(mr) = &b.match_resources {
        o.insert("bindingMatchResources".into(), mr.describe());
    }
    if p.mutating {
        o.insert("mutations".into(), json!(p.mutations));
        if let Some(r) = &p.reinvocation_policy {
            o.insert("reinvocationPolicy".into(), json!(r));
        }
    } else {
        o.insert("validationActions".into(), json!(b.validation_actions));
        o.insert("validations".into(), json!(p.validations));
        if p.audit_annotations > 0 {
            o.insert("auditAnnotations".into(), json!(p.audit_annotations));
        }
    }
    if let Some(k) = &p.param_kind {
        o.insert("paramKind".into(), json!(k));
    }
    if let Some(r) = &b.param_ref {
        o.insert("paramRef".into(), r.clone());
    }
    if !p.match_conditions.is_empty() {
        o.insert("matchConditions".into(), json!(p.match_conditions));
    }
    if let Match::Maybe(why) = &m {
        o.insert("undecided".into(), json!(why));
    }
    let plugin = if p.mutating { plugin::MUTATING_POLICY } else { plugin::VALIDATING_POLICY };
    Step { plugin: plugin.into(), name: p.name.clone(), verdict, message, details }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::Operation;
    use crate::admission::tests::{namespaces, request};

    fn vap(name: &str, constraints: Value) -> Policy {
        Policy::parse(
            false,
            &json!({"metadata": {"name": name}, "spec": {
                "matchConstraints": constraints,
                "failurePolicy": "Fail",
                "validations": [{"expression": "object.spec.replicas <= 5", "message": "too many replicas"}],
            }}),
        )
        .unwrap()
    }

    fn vapb(name: &str, policy: &str, actions: &[&str], extra: Value) -> Binding {
        let mut spec = json!({"policyName": policy, "validationActions": actions});
        for (k, v) in extra.as_object().unwrap() {
            spec[k] = v.clone();
        }
        Binding::parse(false, &json!({"metadata": {"name": name}, "spec": spec})).unwrap()
    }

    fn deployments() -> Value {
        json!({"resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"], "resources": ["deployments"]}]})
    }

    #[test]
    fn a_policy_applies_only_through_a_binding() {
        let p = vap("replicas", deployments());
        let req = request(Operation::Create, "apps", "v1", "deployments", "prod");
        let a = Attrs::new(&req);
        assert!(evaluate(std::slice::from_ref(&p), &[], false, &a, Some(&namespaces())).is_empty());
        let other = vapb("b-other", "another-policy", &["Deny"], json!({}));
        assert!(evaluate(std::slice::from_ref(&p), &[other], false, &a, Some(&namespaces())).is_empty());
        let b = vapb("b", "replicas", &["Deny"], json!({}));
        let steps = evaluate(std::slice::from_ref(&p), &[b], false, &a, Some(&namespaces()));
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].plugin, "ValidatingAdmissionPolicy");
        assert_eq!(steps[0].verdict, Verdict::MayDeny);
        assert_eq!(steps[0].details["validations"][0]["message"], "too many replicas");
        assert!(steps[0].message.contains("ValidatingAdmissionPolicy 'replicas' with binding 'b' denied request"));
    }

    #[test]
    fn warn_and_audit_bindings_never_deny() {
        let p = vap("replicas", deployments());
        let b = vapb("b", "replicas", &["Warn", "Audit"], json!({}));
        let req = request(Operation::Update, "apps", "v1", "deployments", "prod");
        let steps = evaluate(&[p], &[b], false, &Attrs::new(&req), Some(&namespaces()));
        assert_eq!(steps[0].verdict, Verdict::Allow);
        assert!(steps[0].message.contains("Warn and Audit"), "{}", steps[0].message);
    }

    #[test]
    fn binding_match_resources_intersect() {
        let p = vap("replicas", deployments());
        let prod_only = vapb(
            "prod",
            "replicas",
            &["Deny"],
            json!({"matchResources": {"namespaceSelector": {"matchLabels": {"env": "prod"}}}}),
        );
        let all = vapb("all", "replicas", &["Deny"], json!({}));
        let bindings = vec![prod_only, all];
        let dev = request(Operation::Create, "apps", "v1", "deployments", "dev");
        let steps = evaluate(std::slice::from_ref(&p), &bindings, false, &Attrs::new(&dev), Some(&namespaces()));
        let names: Vec<_> = steps.iter().map(|s| s.details["binding"].as_str().unwrap()).collect();
        assert_eq!(names, ["all"]);
        let prod = request(Operation::Create, "apps", "v1", "deployments", "prod");
        let steps = evaluate(std::slice::from_ref(&p), &bindings, false, &Attrs::new(&prod), Some(&namespaces()));
        let names: Vec<_> = steps.iter().map(|s| s.details["binding"].as_str().unwrap()).collect();
        assert_eq!(names, ["all", "prod"]);
        // Unknown namespaces leave the selector-bound binding undecided.
        let steps = evaluate(std::slice::from_ref(&p), &bindings, false, &Attrs::new(&prod), None);
        assert_eq!(steps.iter().find(|s| s.details["binding"] == "prod").unwrap().verdict, Verdict::Unknown);
    }

    #[test]
    fn constraints_rules_names_and_exclusions() {
        let p = vap(
            "cms",
            json!({
                "resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["*"], "resources": ["configmaps"], "resourceNames": ["app-config"]}],
                "excludeResourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["DELETE"], "resources": ["configmaps"]}],
            }),
        );
        let b = vapb("b", "cms", &["Deny"], json!({}));
        let run = |op: Operation, name: &str| {
            let mut req = request(op, "", "v1", "configmaps", "dev");
            req.name = name.into();
            evaluate(std::slice::from_ref(&p), std::slice::from_ref(&b), false, &Attrs::new(&req), Some(&namespaces()))
                .len()
        };
        assert_eq!(run(Operation::Update, "app-config"), 1);
        assert_eq!(run(Operation::Update, "other"), 0);
        assert_eq!(run(Operation::Delete, "app-config"), 0, "excluded");
        // Scope in policy rules.
        let cluster = vap(
            "cluster",
            json!({"resourceRules": [{"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["*"], "resources": ["*"], "scope": "Cluster"}]}),
        );
        let cb = vapb("cb", "cluster", &["Deny"], json!({}));
        let node = request(Operation::Create, "", "v1", "nodes", "");
        assert_eq!(
            evaluate(std::slice::from_ref(&cluster), std::slice::from_ref(&cb), false, &Attrs::new(&node), None).len(),
            1
        );
        let pod = request(Operation::Create, "", "v1", "pods", "dev");
        assert!(evaluate(&[cluster], &[cb], false, &Attrs::new(&pod), None).is_empty());
    }

    #[test]
    fn object_selector_in_constraints() {
        let p = vap(
            "labelled",
            json!({"objectSelector": {"matchLabels": {"team": "a"}}, "resourceRules": [{"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["CREATE"], "resources": ["*"]}]}),
        );
        let b = vapb("b", "labelled", &["Deny"], json!({}));
        let mut req = request(Operation::Create, "", "v1", "configmaps", "dev");
        let s =
            evaluate(std::slice::from_ref(&p), std::slice::from_ref(&b), false, &Attrs::new(&req), Some(&namespaces()));
        assert_eq!(s[0].verdict, Verdict::Unknown);
        req.object = Some(json!({"metadata": {"labels": {"team": "b"}}}));
        assert!(
            evaluate(std::slice::from_ref(&p), std::slice::from_ref(&b), false, &Attrs::new(&req), None).is_empty()
        );
        req.object = Some(json!({"metadata": {"labels": {"team": "a"}}}));
        assert_eq!(evaluate(&[p], &[b], false, &Attrs::new(&req), None)[0].verdict, Verdict::MayDeny);
    }

    #[test]
    fn params_are_described() {
        let p = Policy::parse(
            false,
            &json!({"metadata": {"name": "limits"}, "spec": {
                "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"},
                "matchConstraints": deployments(),
                "validations": [{"expression": "object.spec.replicas <= int(params.data.max)"}],
            }}),
        )
        .unwrap();
        let b = vapb(
            "b",
            "limits",
            &["Deny"],
            json!({"paramRef": {"name": "limits", "namespace": "sys", "parameterNotFoundAction": "Deny"}}),
        );
        let req = request(Operation::Create, "apps", "v1", "deployments", "dev");
        let s = &evaluate(&[p], &[b], false, &Attrs::new(&req), Some(&namespaces()))[0];
        assert_eq!(s.details["paramKind"], "v1, Kind=ConfigMap");
        assert_eq!(s.details["paramRef"]["name"], "limits");
        assert!(s.message.contains("a missing param rejects the request"), "{}", s.message);
        assert_eq!(s.details["failurePolicy"], "Fail");
    }

    #[test]
    fn mutating_policies() {
        let p = Policy::parse(
            true,
            &json!({"apiVersion": "admissionregistration.k8s.io/v1beta1", "kind": "MutatingAdmissionPolicy",
                "metadata": {"name": "add-label"}, "spec": {
                "matchConstraints": {"resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"]}]},
                "mutations": [{"patchType": "ApplyConfiguration", "applyConfiguration": {"expression": "Object{metadata: Object.metadata{labels: {'x': 'y'}}}"}}],
                "reinvocationPolicy": "IfNeeded",
            }}),
        )
        .unwrap();
        let b = Binding::parse(true, &json!({"metadata": {"name": "add-label"}, "spec": {"policyName": "add-label"}}))
            .unwrap();
        let req = request(Operation::Create, "", "v1", "pods", "dev");
        let s = evaluate(std::slice::from_ref(&p), std::slice::from_ref(&b), true, &Attrs::new(&req), None);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].plugin, "MutatingAdmissionPolicy");
        assert_eq!(s[0].verdict, Verdict::Mutate);
        assert_eq!(s[0].details["mutations"][0]["patchType"], "ApplyConfiguration");
        assert!(s[0].details["mutations"][0]["expression"].as_str().unwrap().starts_with("Object{"));
        // Mutating policies are not returned for the validating phase and vice versa.
        assert!(evaluate(&[p], &[b], false, &Attrs::new(&req), None).is_empty());
    }

    #[test]
    fn malformed_policies_are_errors() {
        let e = |doc: Value| Policy::parse(false, &doc).unwrap_err().to_string();
        assert_eq!(e(json!({"metadata": {"name": "p"}})), "spec is missing");
        assert_eq!(e(json!({"metadata": {"name": "p"}, "spec": {}})), "spec.matchConstraints is missing");
        assert_eq!(
            e(json!({"metadata": {"name": "p"}, "spec": {"matchConstraints": {"resourceRules": "x"}}})),
            "spec.matchConstraints.resourceRules: expected a list, found a string"
        );
        assert_eq!(
            e(json!({"metadata": {"name": "p"}, "spec": {"matchConstraints": {}, "validations": [{"expression": 1}]}})),
            "spec.validations[0].expression: expected a string, found a number"
        );
        let b = |doc: Value| Binding::parse(false, &doc).unwrap_err().to_string();
        assert_eq!(
            b(json!({"metadata": {"name": "b"}, "spec": {"validationActions": "Deny"}})),
            "spec.validationActions: expected a list, found a string"
        );
        assert_eq!(
            b(
                json!({"metadata": {"name": "b"}, "spec": {"paramRef": {"selector": {"matchExpressions": [{"key": "a", "operator": "Nope"}]}}}})
            ),
            "spec.paramRef.selector.matchExpressions[0].operator: \"Nope\" is not a valid label selector operator"
        );
    }
}
