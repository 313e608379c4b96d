//! Snapshot source: objects from files as `kubectl get -o yaml|json` prints them, or plain manifests.
//!
//! Accepts single objects, `kind: List` and typed `*List` documents, multi-document YAML and concatenated JSON.
//! Errors name the file and line.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::model::{ADMISSION_KINDS, BindingKind, ClusterBuilder, RoleKind, raw};

/// Reads every path (file, directory recursively, or `-` for stdin) into the builder.
pub fn load_paths(paths: &[PathBuf], builder: &mut ClusterBuilder) -> Result<()> {
    for p in paths {
        if p.as_os_str() == "-" {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("cannot read stdin")?;
            load_text("<stdin>", &text, builder)?;
        } else if p.is_dir() {
            for file in files_under(p)? {
                load_file(&file, builder)?;
            }
        } else {
            load_file(p, builder)?;
        }
    }
    Ok(())
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).with_context(|| format!("cannot read directory {}", d.display()))?;
        for e in entries {
            let path = e.with_context(|| format!("cannot read directory {}", d.display()))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(path.extension().and_then(|x| x.to_str()), Some("yaml" | "yml" | "json")) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn load_file(path: &Path, builder: &mut ClusterBuilder) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow!("cannot read {}: {e} (check the path given to -f/--filename)", path.display()))?;
    load_text(&path.display().to_string(), &text, builder)
}

/// Parses one file's text. `origin` names it in errors.
pub fn load_text(origin: &str, text: &str, builder: &mut ClusterBuilder) -> Result<()> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        for doc in stream {
            let doc = doc.map_err(|e| anyhow!("{origin}:{}:{}: invalid JSON: {e}", e.line(), e.column()))?;
            add_document(doc, origin, 1, builder)?;
        }
        return Ok(());
    }
    for (start_line, chunk) in yaml_documents(text) {
        let doc: Value = serde_saphyr::from_str(chunk).map_err(|e| {
            let (line, col) = match e.location() {
                Some(l) => (l.line() as usize + start_line - 1, l.column()),
                None => (start_line, 0),
            };
            anyhow!("{origin}:{line}:{col}: invalid YAML: {}", yaml_message(&e.to_string()))
        })?;
        if doc.is_null() {
            continue;
        }
        add_document(doc, origin, start_line, builder)?;
    }
    Ok(())
}

/// The parser's message without its own (document-relative) position prefix.
fn yaml_message(rendered: &str) -> &str {
    let first = rendered.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or(rendered);
    let rest = first.strip_prefix("error: ").unwrap_or(first);
    match rest.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((_, msg)) => msg,
        None => rest,
    }
}

/// Splits a YAML stream at `---` document markers, returning each document with its first line number (1-based).
/// Kubernetes manifests never hold a `---` line inside a document (block scalars are indented).
fn yaml_documents(text: &str) -> Vec<(usize, &str)> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let l = line.trim_end();
        if l == "---" || l.starts_with("--- ") || l == "..." {
            docs.push((start_line, &text[start..offset]));
            start = offset + line.len();
            start_line = i + 2;
        }
        offset += line.len();
    }
    docs.push((start_line, &text[start..]));
    docs.retain(|(_, d)| d.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')));
    docs
}

fn add_document(doc: Value, origin: &str, line: usize, builder: &mut ClusterBuilder) -> Result<()> {
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or_default().to_string();
    if kind.is_empty() {
        if doc.is_array() {
            for item in doc.as_array().into_iter().flatten() {
                add_document(item.clone(), origin, line, builder)?;
            }
            return Ok(());
        }
        bail!(
            "{origin}:{line}: document has no `kind`: not a Kubernetes object (expected output of `kubectl get -o yaml`)"
        );
    }
    if kind == "List" || (kind.ends_with("List") && doc.get("items").is_some()) {
        let item_kind = kind.strip_suffix("List").unwrap_or_default().to_string();
        let Value::Object(mut map) = doc else { unreachable!("has a kind, so it is an object") };
        let items = match map.remove("items") {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(_) => bail!("{origin}:{line}: {kind} has `items` that is not a list"),
        };
        for mut item in items {
            // Items of typed lists (RoleList, ...) carry no kind of their own.
            if item.get("kind").is_none()
                && !item_kind.is_empty()
                && let Some(obj) = item.as_object_mut()
            {
                obj.insert("kind".into(), Value::String(item_kind.clone()));
            }
            add_document(item, origin, line, builder)?;
        }
        return Ok(());
    }
    add_object(&kind, doc, builder).map_err(|e| anyhow!("{origin}:{line}: {kind} {e:#}"))
}

/// Adds one object of a kind the engine uses; other kinds are counted as skipped.
pub fn add_object(kind: &str, doc: Value, builder: &mut ClusterBuilder) -> Result<()> {
    let name = doc.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("").to_string();
    let api_version = doc.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
    let is_rbac = api_version.is_empty() || api_version.starts_with("rbac.authorization.k8s.io/");
    let ctx = || format!("{name:?}");
    match kind {
        "Role" | "ClusterRole" if is_rbac => {
            let r: raw::RawRole = serde_json::from_value(doc).with_context(ctx)?;
            builder.add_role(if kind == "Role" { RoleKind::Role } else { RoleKind::ClusterRole }, r);
        }
        "RoleBinding" | "ClusterRoleBinding" if is_rbac => {
            let b: raw::RawBinding = serde_json::from_value(doc).with_context(ctx)?;
            let k = if kind == "RoleBinding" { BindingKind::RoleBinding } else { BindingKind::ClusterRoleBinding };
            builder.add_binding(k, b).with_context(ctx)?;
        }
        "ServiceAccount" => builder.add_service_account(serde_json::from_value(doc).with_context(ctx)?),
        "Namespace" => builder.add_namespace(serde_json::from_value(doc).with_context(ctx)?),
        "CustomResourceDefinition" => builder.add_crd(serde_json::from_value(doc).with_context(ctx)?),
        "Pod" => builder.add_pod(serde_json::from_value(doc).with_context(ctx)?),
        "Secret" => builder.add_secret(serde_json::from_value(doc).with_context(ctx)?),
        k if ADMISSION_KINDS.contains(&k) => builder.admission_objects.push((k.to_string(), doc)),
        other => builder.skip(other),
    }
    Ok(())
}
