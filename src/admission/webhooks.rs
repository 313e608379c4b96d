//! MutatingAdmissionWebhook and ValidatingAdmissionWebhook: which webhooks of which configurations the API server
//! calls for a request (apiserver admission/plugin/webhook/generic/webhook.go ShouldCallHook). What a webhook answers
//! is decided at request time and is never guessed.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::rules::{self, Match, MatchCondition, Rule};
use super::selector::LabelSelector;
use super::{Attrs, NamespaceInfo, Step, Verdict, parse, plugin};

#[derive(Debug, Clone)]
pub(crate) struct WebhookConfiguration {
    pub name: String,
    pub mutating: bool,
    pub webhooks: Vec<Webhook>,
}

#[derive(Debug, Clone)]
pub(crate) struct Webhook {
    pub name: String,
    pub rules: Vec<Rule>,
    /// Fail (default) or Ignore.
    pub failure_policy: String,
    /// Equivalent (default) or Exact.
    pub match_policy: String,
    pub namespace_selector: LabelSelector,
    pub object_selector: LabelSelector,
    pub side_effects: Option<String>,
    /// Default 10.
    pub timeout_seconds: i64,
    /// Mutating webhooks only: Never (default) or IfNeeded.
    pub reinvocation_policy: String,
    pub match_conditions: Vec<MatchCondition>,
    /// Where the API server sends the AdmissionReview, for people.
    pub endpoint: String,
}

impl WebhookConfiguration {
    pub fn parse(mutating: bool, doc: &Value) -> Result<Self> {
        let name = parse::name(doc)?;
        let mut webhooks = Vec::new();
        for (i, w) in parse::list(doc, "webhooks", "")?.iter().enumerate() {
            let p = format!("webhooks[{i}]");
            if !w.is_object() {
                bail!("{p}: expected an object, found {}", parse::kind_of(w));
            }
            webhooks.push(Webhook {
                name: parse::string(w, "name", &p)?.unwrap_or_default(),
                rules: Rule::parse_list(w, "rules", &p)?,
                failure_policy: parse::string(w, "failurePolicy", &p)?.unwrap_or_else(|| "Fail".into()),
                match_policy: parse::string(w, "matchPolicy", &p)?.unwrap_or_else(|| "Equivalent".into()),
                namespace_selector: LabelSelector::parse(w, "namespaceSelector", &p)?,
                object_selector: LabelSelector::parse(w, "objectSelector", &p)?,
                side_effects: parse::string(w, "sideEffects", &p)?,
                timeout_seconds: parse::integer(w, "timeoutSeconds", &p)?.unwrap_or(10),
                reinvocation_policy: parse::string(w, "reinvocationPolicy", &p)?.unwrap_or_else(|| "Never".into()),
                match_conditions: MatchCondition::parse_list(w, &p)?,
                endpoint: endpoint(w, &p)?,
            });
        }
        Ok(WebhookConfiguration { name, mutating, webhooks })
    }
}

fn endpoint(w: &Value, path: &str) -> Result<String> {
    let p = format!("{path}.clientConfig");
    let Some(cc) = parse::object(w, "clientConfig", path)? else { return Ok(String::new()) };
    if let Some(url) = parse::string(cc, "url", &p)? {
        return Ok(url);
    }
    let Some(svc) = parse::object(cc, "service", &p)? else { return Ok(String::new()) };
    let sp = format!("{p}.service");
    let ns = parse::string(svc, "namespace", &sp)?.unwrap_or_default();
    let name = parse::string(svc, "name", &sp)?.unwrap_or_default();
    let port = parse::integer(svc, "port", &sp)?.unwrap_or(443);
    let path = parse::string(svc, "path", &sp)?.unwrap_or_default();
    Ok(format!("service {ns}/{name}:{port}{path}"))
}

/// Whether a server-side dry-run of a request this webhook receives fails (400): only webhooks declaring
/// sideEffects None or NoneOnDryRun are called for dry-run requests.
fn blocks_dry_run(w: &Webhook) -> bool {
    matches!(w.side_effects.as_deref(), Some("Some" | "Unknown"))
}

/// One step per webhook that is (or may be) called, in the API server's order: configurations sorted by name,
/// webhooks in their listed order. `mutating` selects MutatingWebhookConfigurations or Validating ones.
pub(crate) fn evaluate(
    configs: &[WebhookConfiguration],
    mutating: bool,
    a: &Attrs,
    namespaces: Option<&BTreeMap<String, NamespaceInfo>>,
) -> Vec<Step> {
    let mut sorted: Vec<&WebhookConfiguration> = configs.iter().filter(|c| c.mutating == mutating).collect();
    sorted.sort_by(|x, y| x.name.cmp(&y.name));
    let mut steps = Vec::new();
    for cfg in sorted {
        for w in &cfg.webhooks {
            let Some((rule_index, via_equivalent)) = rules::first_match(&w.rules, a, w.match_policy != "Exact") else {
                continue;
            };
            let m = rules::match_namespace_selector(&w.namespace_selector, a, namespaces)
                .and(rules::match_object_selector(&w.object_selector, a));
            if m == Match::No {
                continue;
            }
            steps.push(step(cfg, w, rule_index, via_equivalent, m));
        }
    }
    steps
}

fn step(cfg: &WebhookConfiguration, w: &Webhook, rule_index: usize, via_equivalent: bool, m: Match) -> Step {
    let kind = if cfg.mutating { "MutatingWebhookConfiguration" } else { "ValidatingWebhookConfiguration" };
    let what = if cfg.mutating { "may patch the object or reject the request" } else { "may reject the request" };
    let failure = if w.failure_policy == "Ignore" {
        format!("failurePolicy Ignore: if it errs or exceeds its {}s timeout the call is ignored", w.timeout_seconds)
    } else {
        format!(
            "failurePolicy {}: if it errs, is unreachable or exceeds its {}s timeout the request is rejected",
            w.failure_policy, w.timeout_seconds
        )
    };
    let mut message = match &m {
        Match::Maybe(why) => {
            format!("Webhook {:?} of {kind} {:?} is called only if: {why}; it {what}", w.name, cfg.name)
        }
        _ => format!("Webhook {:?} of {kind} {:?} is called and {what}", w.name, cfg.name),
    };
    message.push_str(&format!(" ({failure})"));
    if via_equivalent {
        message.push_str("; matched through an equivalent group/version of the resource (matchPolicy Equivalent)");
    }
    if !w.match_conditions.is_empty() {
        message.push_str(&format!(
            "; {} matchCondition(s) are evaluated at request time (false skips the webhook, an error applies the failurePolicy)",
            w.match_conditions.len()
        ));
    }
    message.push('.');
    let verdict = if matches!(m, Match::Maybe(_)) { Verdict::Unknown } else { Verdict::MayDeny };
    let mut details = json!({
        "configuration": cfg.name,
        "webhook": w.name,
        "failurePolicy": w.failure_policy,
        "matchPolicy": w.match_policy,
        "timeoutSeconds": w.timeout_seconds,
        "sideEffects": w.side_effects,
        "endpoint": w.endpoint,
        "ruleIndex": rule_index,
        "rule": w.rules[rule_index],
        "viaEquivalent": via_equivalent,
        "blocksServerDryRun": blocks_dry_run(w),
    });
    let obj = details.as_object_mut().expect("json object");
    if cfg.mutating {
        obj.insert("reinvocationPolicy".into(), json!(w.reinvocation_policy));
    }
    if !w.namespace_selector.is_empty() {
        obj.insert("namespaceSelector".into(), json!(w.namespace_selector));
    }
    if !w.object_selector.is_empty() {
        obj.insert("objectSelector".into(), json!(w.object_selector));
    }
    if !w.match_conditions.is_empty() {
        obj.insert("matchConditions".into(), json!(w.match_conditions));
        obj.insert("matchConditionsEvaluatedAtRequestTime".into(), json!(true));
    }
    if let Match::Maybe(why) = &m {
        obj.insert("undecided".into(), json!(why));
    }
    let plugin = if cfg.mutating { plugin::MUTATING_WEBHOOK } else { plugin::VALIDATING_WEBHOOK };
    Step { plugin: plugin.into(), name: cfg.name.clone(), verdict, message, details }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::Operation;
    use crate::admission::tests::{namespaces, request};

    fn config(mutating: bool, doc: Value) -> WebhookConfiguration {
        WebhookConfiguration::parse(mutating, &doc).unwrap()
    }

    fn hook(name: &str, extra: Value) -> Value {
        let mut w = json!({
            "name": name,
            "clientConfig": {"service": {"namespace": "sys", "name": "hooks", "path": "/validate"}},
            "rules": [{"operations": ["CREATE", "UPDATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}],
            "sideEffects": "None",
            "admissionReviewVersions": ["v1"],
        });
        for (k, v) in extra.as_object().unwrap() {
            w[k] = v.clone();
        }
        w
    }

    #[test]
    fn defaults_are_reported() {
        let cfg = config(false, json!({"metadata": {"name": "cfg"}, "webhooks": [hook("a.example.com", json!({}))]}));
        let req = request(Operation::Create, "", "v1", "pods", "ns1");
        let steps = evaluate(&[cfg], false, &Attrs::new(&req), Some(&namespaces()));
        assert_eq!(steps.len(), 1);
        let s = &steps[0];
        assert_eq!(s.plugin, "ValidatingAdmissionWebhook");
        assert_eq!(s.name, "cfg");
        assert_eq!(s.verdict, Verdict::MayDeny);
        assert_eq!(s.details["failurePolicy"], "Fail");
        assert_eq!(s.details["matchPolicy"], "Equivalent");
        assert_eq!(s.details["timeoutSeconds"], 10);
        assert_eq!(s.details["endpoint"], "service sys/hooks:443/validate");
        assert_eq!(s.details["blocksServerDryRun"], false);
        assert!(s.message.contains("10s timeout the request is rejected"), "{}", s.message);
    }

    #[test]
    fn mutating_and_validating_are_separate_and_sorted() {
        let m = config(
            true,
            json!({"metadata": {"name": "zz"}, "webhooks": [hook("m", json!({"reinvocationPolicy": "IfNeeded"}))]}),
        );
        let v1 = config(false, json!({"metadata": {"name": "b"}, "webhooks": [hook("v-b", json!({}))]}));
        let v2 = config(
            false,
            json!({"metadata": {"name": "a"}, "webhooks": [hook("v-a1", json!({})), hook("v-a2", json!({}))]}),
        );
        let all = vec![m, v1, v2];
        let req = request(Operation::Update, "", "v1", "pods", "ns1");
        let a = Attrs::new(&req);
        let ms = evaluate(&all, true, &a, Some(&namespaces()));
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].details["reinvocationPolicy"], "IfNeeded");
        let vs = evaluate(&all, false, &a, Some(&namespaces()));
        let names: Vec<_> = vs.iter().map(|s| s.details["webhook"].as_str().unwrap()).collect();
        assert_eq!(names, ["v-a1", "v-a2", "v-b"]);
    }

    #[test]
    fn non_matching_rules_selectors_and_operations_are_skipped() {
        let cfg = config(
            false,
            json!({"metadata": {"name": "cfg"}, "webhooks": [
                hook("prod-only", json!({"namespaceSelector": {"matchLabels": {"env": "prod"}}})),
                hook("web-only", json!({"objectSelector": {"matchLabels": {"app": "web"}}})),
                hook("exec", json!({"rules": [{"operations": ["CONNECT"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods/exec"]}]})),
            ]}),
        );
        let mut req = request(Operation::Create, "", "v1", "pods", "dev");
        req.object = Some(json!({"metadata": {"labels": {"app": "db"}}}));
        assert!(evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&req), Some(&namespaces())).is_empty());
        req.namespace = "prod".into();
        req.object = Some(json!({"metadata": {"labels": {"app": "web"}}}));
        let steps = evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&req), Some(&namespaces()));
        let names: Vec<_> = steps.iter().map(|s| s.details["webhook"].as_str().unwrap()).collect();
        assert_eq!(names, ["prod-only", "web-only"]);
        let mut exec = request(Operation::Connect, "", "v1", "pods", "dev");
        exec.subresource = "exec".into();
        let steps = evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&exec), Some(&namespaces()));
        let names: Vec<_> = steps.iter().map(|s| s.details["webhook"].as_str().unwrap()).collect();
        assert_eq!(names, ["exec"], "web-only has an objectSelector: CONNECT never matches it");
    }

    #[test]
    fn unknown_labels_make_the_call_undecided() {
        let cfg = config(
            false,
            json!({"metadata": {"name": "cfg"}, "webhooks": [
                hook("sel", json!({"namespaceSelector": {"matchLabels": {"env": "prod"}}, "objectSelector": {"matchLabels": {"app": "web"}}})),
            ]}),
        );
        let req = request(Operation::Create, "", "v1", "pods", "prod");
        let steps = evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&req), Some(&namespaces()));
        assert_eq!(steps[0].verdict, Verdict::Unknown);
        assert!(steps[0].message.contains("depends on the object's labels"), "{}", steps[0].message);
        let steps = evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&req), None);
        assert!(steps[0].details["undecided"].as_str().unwrap().contains("namespace \"prod\""));
    }

    #[test]
    fn cluster_scoped_objects_ignore_namespace_selector() {
        let cfg = config(
            false,
            json!({"metadata": {"name": "cfg"}, "webhooks": [hook("nodes", json!({
                "namespaceSelector": {"matchLabels": {"env": "prod"}},
                "rules": [{"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"], "scope": "Cluster"}],
            }))]}),
        );
        let node = request(Operation::Delete, "", "v1", "nodes", "");
        let steps = evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&node), None);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].verdict, Verdict::MayDeny);
        // A Namespace object is matched against its own labels.
        let mut ns = request(Operation::Delete, "", "v1", "namespaces", "");
        ns.name = "dev".into();
        assert!(evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&ns), Some(&namespaces())).is_empty());
        ns.name = "prod".into();
        assert_eq!(evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&ns), Some(&namespaces())).len(), 1);
        // A namespaced request is out of the Cluster scope.
        let pod = request(Operation::Create, "", "v1", "pods", "prod");
        assert!(evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&pod), Some(&namespaces())).is_empty());
    }

    #[test]
    fn exact_match_policy_does_not_use_equivalents() {
        let rule = json!([{"operations": ["CREATE"], "apiGroups": ["apps"], "apiVersions": ["v1beta1"], "resources": ["deployments"]}]);
        let cfg = config(
            true,
            json!({"metadata": {"name": "cfg"}, "webhooks": [
                hook("exact", json!({"matchPolicy": "Exact", "rules": rule.clone()})),
                hook("equivalent", json!({"rules": rule})),
            ]}),
        );
        let req = request(Operation::Create, "apps", "v1", "deployments", "prod");
        let steps = evaluate(std::slice::from_ref(&cfg), true, &Attrs::new(&req), Some(&namespaces()));
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].details["webhook"], "equivalent");
        assert_eq!(steps[0].details["viaEquivalent"], true);
    }

    #[test]
    fn match_conditions_and_side_effects_are_listed() {
        let cfg = config(
            false,
            json!({"metadata": {"name": "cfg"}, "webhooks": [hook("c", json!({
                "sideEffects": "Some",
                "failurePolicy": "Ignore",
                "timeoutSeconds": 3,
                "clientConfig": {"url": "https://example.com/v"},
                "matchConditions": [{"name": "not-system", "expression": "!request.userInfo.username.startsWith('system:')"}],
            }))]}),
        );
        let req = request(Operation::Create, "", "v1", "pods", "prod");
        let s = &evaluate(std::slice::from_ref(&cfg), false, &Attrs::new(&req), Some(&namespaces()))[0];
        assert_eq!(s.details["blocksServerDryRun"], true);
        assert_eq!(s.details["matchConditions"][0]["name"], "not-system");
        assert_eq!(s.details["endpoint"], "https://example.com/v");
        assert!(s.message.contains("failurePolicy Ignore"), "{}", s.message);
        assert!(s.message.contains("3s timeout"), "{}", s.message);
        assert!(s.message.contains("evaluated at request time"), "{}", s.message);
    }

    #[test]
    fn malformed_configurations_are_errors() {
        let e = |doc: Value| WebhookConfiguration::parse(false, &doc).unwrap_err().to_string();
        assert_eq!(e(json!({"webhooks": []})), "metadata.name is missing");
        assert_eq!(e(json!({"metadata": {"name": "x"}, "webhooks": {}})), "webhooks: expected a list, found an object");
        assert_eq!(
            e(json!({"metadata": {"name": "x"}, "webhooks": [{"name": "w", "rules": [{"operations": "CREATE"}]}]})),
            "webhooks[0].rules[0].operations: expected a list, found a string"
        );
        assert_eq!(
            e(json!({"metadata": {"name": "x"}, "webhooks": [{"name": "w", "timeoutSeconds": "10"}]})),
            "webhooks[0].timeoutSeconds: expected an integer, found a string"
        );
        assert_eq!(e(json!([1, 2])), "expected an object, found a list");
        assert_eq!(
            e(json!({"metadata": {"name": "x"}, "webhooks": [3]})),
            "webhooks[0]: expected an object, found a number"
        );
    }
}
