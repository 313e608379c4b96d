//! Snapshot source: objects from files as `kubectl get -o yaml|json` prints them, or plain manifests.
//!
//! Accepts single objects, `kind: List` and typed `*List` documents, multi-document YAML and concatenated JSON.
//! Errors name the file and line.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::model::raw::RawAny;
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
    let json_err = |e: serde_json::Error| anyhow!("{origin}:{}:{}: invalid JSON: {e}", e.line(), e.column());
    if trimmed.starts_with('[') {
        let objs: Vec<RawAny> = serde_json::from_str(text).map_err(json_err)?;
        for obj in objs {
            add_document(obj, None, origin, 1, builder)?;
        }
        return Ok(());
    }
    if trimmed.starts_with('{') {
        // A stream of objects (usually one List), decoded straight into the lean shape.
        for doc in serde_json::Deserializer::from_str(text).into_iter::<RawAny>() {
            add_document(doc.map_err(json_err)?, None, origin, 1, builder)?;
        }
        return Ok(());
    }
    for (start_line, chunk) in yaml_documents(text) {
        let doc: Option<RawAny> = serde_saphyr::from_str(chunk).map_err(|e| {
            let (line, col) = match e.location() {
                Some(l) => (l.line() as usize + start_line - 1, l.column()),
                None => (start_line, 0),
            };
            anyhow!("{origin}:{line}:{col}: invalid YAML: {}", yaml_message(&e.to_string()))
        })?;
        if let Some(doc) = doc {
            add_document(doc, None, origin, start_line, builder)?;
        }
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

fn add_document(
    doc: RawAny,
    list_kind: Option<&str>,
    origin: &str,
    line: usize,
    builder: &mut ClusterBuilder,
) -> Result<()> {
    // Items of typed lists (RoleList, ...) carry no kind of their own.
    let kind = doc.kind.clone().or_else(|| list_kind.map(str::to_string)).unwrap_or_default();
    if kind.is_empty() {
        bail!(
            "{origin}:{line}: document has no `kind`: not a Kubernetes object (expected output of `kubectl get -o yaml`)"
        );
    }
    if kind == "List" || (kind.ends_with("List") && doc.items.is_some()) {
        let item_kind = kind.strip_suffix("List").filter(|k| !k.is_empty());
        for item in doc.items.unwrap_or_default() {
            add_document(item, item_kind, origin, line, builder)?;
        }
        return Ok(());
    }
    add_object(&kind, doc, builder).map_err(|e| anyhow!("{origin}:{line}: {kind} {e:#}"))
}

/// Adds one object of a kind the engine uses; other kinds are counted as skipped.
pub fn add_object(kind: &str, doc: RawAny, builder: &mut ClusterBuilder) -> Result<()> {
    let metadata = doc.metadata.unwrap_or_default();
    let name = metadata.name.clone();
    let api_version = doc.api_version.clone().unwrap_or_default();
    let is_rbac = api_version.is_empty() || api_version.starts_with("rbac.authorization.k8s.io/");
    match kind {
        "Role" | "ClusterRole" if is_rbac => {
            let r = raw::RawRole { metadata, rules: doc.rules, aggregation_rule: doc.aggregation_rule };
            builder.add_role(if kind == "Role" { RoleKind::Role } else { RoleKind::ClusterRole }, r);
        }
        "RoleBinding" | "ClusterRoleBinding" if is_rbac => {
            let Some(role_ref) = doc.role_ref else { bail!("{name:?}: missing field `roleRef`") };
            let b = raw::RawBinding { metadata, role_ref, subjects: doc.subjects };
            let k = if kind == "RoleBinding" { BindingKind::RoleBinding } else { BindingKind::ClusterRoleBinding };
            builder.add_binding(k, b).with_context(|| format!("{name:?}"))?;
        }
        "ServiceAccount" => builder.add_service_account(raw::RawServiceAccount {
            metadata,
            automount_service_account_token: doc.automount_service_account_token,
            secrets: doc.secrets,
            image_pull_secrets: doc.image_pull_secrets,
        }),
        "Namespace" => {
            let status = doc.status.map(serde_json::from_value).transpose().with_context(|| format!("{name:?}"))?;
            builder.add_namespace(raw::RawNamespace { metadata, status });
        }
        "CustomResourceDefinition" => {
            let Some(spec) = doc.spec else { bail!("{name:?}: missing field `spec`") };
            let spec = serde_json::from_value(spec).with_context(|| format!("{name:?}"))?;
            builder.add_crd(raw::RawCrd { metadata, spec });
        }
        "Pod" => {
            let spec = doc.spec.map(serde_json::from_value).transpose().with_context(|| format!("{name:?}"))?;
            builder.add_pod(raw::RawPod { metadata, spec: spec.unwrap_or_default() });
        }
        "Secret" => builder.add_secret(raw::RawSecret { metadata, secret_type: doc.secret_type }),
        k if ADMISSION_KINDS.contains(&k) => {
            // The admission evaluator reads these as JSON.
            let mut v = serde_json::json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name}});
            if let Some(spec) = doc.spec {
                v["spec"] = spec;
            }
            if let Some(webhooks) = doc.webhooks {
                v["webhooks"] = webhooks;
            }
            builder.admission_objects.push((k.to_string(), v));
        }
        other => builder.skip(other),
    }
    Ok(())
}
