//! Strict-but-lenient reading of `kubectl get -o json` objects: absent and `null` fields take their API defaults,
//! a field of the wrong type is an error naming its path (one line, no panics).

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde_json::{Map, Value};

/// `obj[key]`, treating `null` as absent.
pub(crate) fn field<'a>(obj: &'a Value, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// An optional object field.
pub(crate) fn object<'a>(obj: &'a Value, key: &str, path: &str) -> Result<Option<&'a Value>> {
    match field(obj, key) {
        None => Ok(None),
        Some(v) if v.is_object() => Ok(Some(v)),
        Some(v) => bail!("{}: expected an object, found {}", join(path, key), kind_of(v)),
    }
}

/// An optional string field.
pub(crate) fn string(obj: &Value, key: &str, path: &str) -> Result<Option<String>> {
    match field(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => bail!("{}: expected a string, found {}", join(path, key), kind_of(v)),
    }
}

/// An optional integer field.
pub(crate) fn integer(obj: &Value, key: &str, path: &str) -> Result<Option<i64>> {
    match field(obj, key) {
        None => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) => Ok(Some(n)),
            None => bail!("{}: expected an integer, found {}", join(path, key), kind_of(v)),
        },
    }
}

/// An optional list field (absent = empty).
pub(crate) fn list<'a>(obj: &'a Value, key: &str, path: &str) -> Result<&'a [Value]> {
    match field(obj, key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(v) => bail!("{}: expected a list, found {}", join(path, key), kind_of(v)),
    }
}

/// An optional list of strings (absent = empty).
pub(crate) fn strings(obj: &Value, key: &str, path: &str) -> Result<Vec<String>> {
    let items = list(obj, key, path)?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            other => bail!("{}[{i}]: expected a string, found {}", join(path, key), kind_of(other)),
        })
        .collect()
}

/// An optional map of strings to strings (labels, matchLabels).
pub(crate) fn string_map(obj: &Value, key: &str, path: &str) -> Result<BTreeMap<String, String>> {
    let Some(v) = object(obj, key, path)? else { return Ok(BTreeMap::new()) };
    let map: &Map<String, Value> = v.as_object().expect("checked object");
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => bail!("{}.{k}: expected a string, found {}", join(path, key), kind_of(other)),
        })
        .collect()
}

/// `metadata.name`, required.
pub(crate) fn name(doc: &Value) -> Result<String> {
    if !doc.is_object() {
        bail!("expected an object, found {}", kind_of(doc));
    }
    let meta = object(doc, "metadata", "")?;
    match meta.map(|m| string(m, "name", "metadata")).transpose()?.flatten() {
        Some(n) if !n.is_empty() => Ok(n),
        _ => bail!("metadata.name is missing"),
    }
}

/// Labels of an object (`metadata.labels`), ignoring values that are not strings; empty when absent.
pub(crate) fn labels_of(obj: &Value) -> BTreeMap<String, String> {
    obj.get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))).collect())
        .unwrap_or_default()
}

/// Annotations of a metadata object (`metadata` or a template's `metadata`), ignoring values that are not strings.
pub(crate) fn annotations_of(obj: &Value) -> BTreeMap<String, String> {
    obj.get("annotations")
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))).collect())
        .unwrap_or_default()
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
