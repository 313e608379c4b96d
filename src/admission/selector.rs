//! metav1.LabelSelector over a label map, as `metav1.LabelSelectorAsSelector` builds it (apimachinery labels package):
//! requirements are ANDed; an empty selector matches everything; `NotIn` and `DoesNotExist` match absent keys.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::Value;

use super::parse;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Requirement {
    pub key: String,
    pub operator: Operator,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LabelSelector {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<Requirement>,
}

impl LabelSelector {
    /// Reads `obj[key]`; absent or `null` is the empty selector (the API server defaults webhook and policy selectors
    /// to `{}`). An unknown operator is an error, as LabelSelectorAsSelector would fail on it.
    pub fn parse(obj: &Value, key: &str, path: &str) -> Result<Self> {
        let Some(sel) = parse::object(obj, key, path)? else { return Ok(Self::default()) };
        let here = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
        let match_labels = parse::string_map(sel, "matchLabels", &here)?;
        let mut match_expressions = Vec::new();
        for (i, e) in parse::list(sel, "matchExpressions", &here)?.iter().enumerate() {
            let p = format!("{here}.matchExpressions[{i}]");
            if !e.is_object() {
                bail!("{p}: expected an object, found {}", parse::kind_of(e));
            }
            let key = parse::string(e, "key", &p)?.unwrap_or_default();
            let op = parse::string(e, "operator", &p)?.unwrap_or_default();
            let operator = match op.as_str() {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => bail!("{p}.operator: {other:?} is not a valid label selector operator"),
            };
            let values = parse::strings(e, "values", &p)?;
            match_expressions.push(Requirement { key, operator, values });
        }
        Ok(LabelSelector { match_labels, match_expressions })
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| match r.operator {
                Operator::In => labels.get(&r.key).is_some_and(|v| r.values.contains(v)),
                Operator::NotIn => labels.get(&r.key).is_none_or(|v| !r.values.contains(v)),
                Operator::Exists => labels.contains_key(&r.key),
                Operator::DoesNotExist => !labels.contains_key(&r.key),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn sel(v: Value) -> LabelSelector {
        LabelSelector::parse(&json!({ "s": v }), "s", "").unwrap()
    }

    #[test]
    fn empty_and_absent_match_everything() {
        assert!(sel(json!({})).matches(&labels(&[])));
        assert!(sel(Value::Null).matches(&labels(&[("a", "b")])));
        assert!(LabelSelector::parse(&json!({}), "s", "").unwrap().is_empty());
    }

    #[test]
    fn match_labels_need_equal_values() {
        let s = sel(json!({"matchLabels": {"env": "prod"}}));
        assert!(s.matches(&labels(&[("env", "prod"), ("x", "y")])));
        assert!(!s.matches(&labels(&[("env", "dev")])));
        assert!(!s.matches(&labels(&[])));
    }

    #[test]
    fn expressions() {
        let in_ = sel(json!({"matchExpressions": [{"key": "env", "operator": "In", "values": ["a", "b"]}]}));
        assert!(in_.matches(&labels(&[("env", "b")])));
        assert!(!in_.matches(&labels(&[("env", "c")])));
        assert!(!in_.matches(&labels(&[])));
        let not_in = sel(json!({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["a"]}]}));
        assert!(not_in.matches(&labels(&[])), "NotIn matches an absent key");
        assert!(not_in.matches(&labels(&[("env", "b")])));
        assert!(!not_in.matches(&labels(&[("env", "a")])));
        let exists = sel(json!({"matchExpressions": [{"key": "env", "operator": "Exists"}]}));
        assert!(exists.matches(&labels(&[("env", "")])));
        assert!(!exists.matches(&labels(&[])));
        let dne = sel(json!({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]}));
        assert!(dne.matches(&labels(&[])));
        assert!(!dne.matches(&labels(&[("env", "x")])));
    }

    #[test]
    fn requirements_are_anded() {
        let s = sel(json!({"matchLabels": {"a": "1"}, "matchExpressions": [{"key": "b", "operator": "Exists"}]}));
        assert!(s.matches(&labels(&[("a", "1"), ("b", "2")])));
        assert!(!s.matches(&labels(&[("a", "1")])));
        assert!(!s.matches(&labels(&[("b", "2")])));
    }

    #[test]
    fn malformed_selectors_are_errors() {
        let bad_op = LabelSelector::parse(
            &json!({"s": {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}}),
            "s",
            "spec",
        );
        assert_eq!(
            bad_op.unwrap_err().to_string(),
            r#"spec.s.matchExpressions[0].operator: "Gt" is not a valid label selector operator"#
        );
        let bad_labels = LabelSelector::parse(&json!({"s": {"matchLabels": {"a": 1}}}), "s", "");
        assert_eq!(bad_labels.unwrap_err().to_string(), "s.matchLabels.a: expected a string, found a number");
        assert!(LabelSelector::parse(&json!({"s": "x"}), "s", "").is_err());
        assert!(LabelSelector::parse(&json!({"s": {"matchExpressions": {}}}), "s", "").is_err());
    }
}
