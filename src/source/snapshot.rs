//! Snapshot source: objects from files as `kubectl get -o yaml|json` prints them, or plain manifests.
//!
//! Accepts single objects, `kind: List` and typed `*List` documents, multi-document YAML and concatenated JSON.
//! Errors name the file and line.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use rayon::prelude::*;

use crate::model::raw::RawAny;
use crate::model::{ADMISSION_KINDS, BindingKind, ClusterBuilder, RoleKind, raw};

mod json;

/// Reads every path (file, directory recursively, or `-` for stdin) into the builder.
pub fn load_paths(paths: &[PathBuf], builder: &mut ClusterBuilder) -> Result<()> {
    for p in paths {
        if p.as_os_str() == "-" {
            load_reader("<stdin>", std::io::stdin().lock(), builder).context("cannot read stdin")?;
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
    let file = std::fs::File::open(path).map_err(|e| {
        anyhow!("cannot read {}: {e} (check the path: it is read as given to -f, --before or --after)", path.display())
    })?;
    load_reader(&path.display().to_string(), file, builder)
}

/// Reads one input. JSON is decoded as it is read, one List item at a time, so a large `kubectl get -o json`
/// never sits in memory as text; YAML is read whole, then parsed in parallel batches.
fn load_reader(origin: &str, reader: impl Read, builder: &mut ClusterBuilder) -> Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let first = loop {
        let buf = reader.fill_buf().with_context(|| format!("cannot read {origin}"))?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    if matches!(first, Some(b'{' | b'[')) {
        return json::load(origin, serde_json::de::IoRead::new(reader), builder);
    }
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).with_context(|| format!("cannot read {origin}"))?;
    let text = String::from_utf8(bytes).map_err(|e| anyhow!("{origin}: not UTF-8 text: {e}"))?;
    load_text(origin, &text, builder)
}

/// Parses one file's text. `origin` names it in errors.
pub fn load_text(origin: &str, text: &str, builder: &mut ClusterBuilder) -> Result<()> {
    let trimmed = text.trim_start();
    if trimmed.starts_with(['{', '[']) {
        return json::load(origin, serde_json::de::StrRead::new(text), builder);
    }
    for (start_line, chunk) in yaml_documents(text) {
        if let Some(list) = split_yaml_list(chunk, start_line) {
            // Batches of items parse on every core, a few per core at a time so that only those wait in memory;
            // they are added in file order.
            let group = 4 * rayon::current_num_threads();
            for batches in list.batches.chunks(group) {
                let parsed: Vec<Result<Vec<RawAny>>> =
                    batches.par_iter().map(|&(line, batch)| parse_yaml::<Vec<RawAny>>(origin, batch, line)).collect();
                for (items, &(line, _)) in parsed.into_iter().zip(batches) {
                    for item in items? {
                        add_document(item, list.item_kind, builder).map_err(|e| anyhow!("{origin}:{line}: {e:#}"))?;
                    }
                }
            }
            continue;
        }
        if let Some(doc) = parse_yaml::<Option<RawAny>>(origin, chunk, start_line)? {
            add_document(doc, None, builder).map_err(|e| anyhow!("{origin}:{start_line}: {e:#}"))?;
        }
    }
    Ok(())
}

fn parse_yaml<T: serde::de::DeserializeOwned>(origin: &str, text: &str, start_line: usize) -> Result<T> {
    yaml_serde::from_str(text).map_err(|e| {
        let (line, col) = match e.location() {
            Some(l) => (l.line() + start_line - 1, l.column()),
            None => (start_line, 0),
        };
        anyhow!("{origin}:{line}:{col}: invalid YAML: {}", yaml_message(&e.to_string()))
    })
}

/// The items of a YAML `List` as `kubectl get -o yaml` prints it (`items:` at column 0, each item a `- ` line at
/// column 0), cut into batches of whole items. Each batch is a slice of the text that parses as a YAML sequence.
struct YamlList<'a> {
    /// The kind of items of a typed list (`RoleList` -> `Role`), whose items may omit `kind`.
    item_kind: Option<&'a str>,
    /// (first line number, text) of each batch.
    batches: Vec<(usize, &'a str)>,
}

/// Items per batch: large enough that a batch costs far more to parse than to schedule.
const YAML_BATCH_ITEMS: usize = 256;

/// Recognises a kubectl-style List document; anything else (plain objects, indented `items`, flow style) gets
/// `None` and is parsed whole.
fn split_yaml_list(doc: &str, first_line: usize) -> Option<YamlList<'_>> {
    let mut kind = None;
    let mut items_at = None; // byte offset and line of the first item
    let mut items_end = doc.len();
    let mut offset = 0;
    for (i, line) in doc.split_inclusive('\n').enumerate() {
        let at_column_0 = !line.starts_with([' ', '-', '#', '\n', '\r', '\t']);
        if items_at.is_some() && items_end == doc.len() && at_column_0 {
            items_end = offset;
        }
        if at_column_0 {
            let l = line.trim_end();
            if let Some(k) = l.strip_prefix("kind:") {
                kind = Some(k.trim());
            } else if l == "items:" && items_at.is_none() {
                items_at = Some((offset + line.len(), first_line + i + 1));
            }
        }
        offset += line.len();
    }
    let kind = kind?.trim_matches(['"', '\'']);
    if !kind.ends_with("List") {
        return None;
    }
    let (start, start_line) = items_at?;
    let items = &doc[start..items_end];
    if !items.starts_with("- ") && !items.starts_with("-\n") {
        return None;
    }
    let mut batches = Vec::new();
    let (mut batch_start, mut batch_line, mut count, mut offset) = (0, start_line, 0, 0);
    for (i, line) in items.split_inclusive('\n').enumerate() {
        if line.starts_with('-') {
            if count == YAML_BATCH_ITEMS {
                batches.push((batch_line, &items[batch_start..offset]));
                (batch_start, batch_line, count) = (offset, start_line + i, 0);
            }
            count += 1;
        }
        offset += line.len();
    }
    batches.push((batch_line, &items[batch_start..]));
    Some(YamlList { item_kind: kind.strip_suffix("List").filter(|k| !k.is_empty() && *k != "List"), batches })
}

/// The parser's message without its own (batch-relative) positions (` at line L column C`).
fn yaml_message(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len());
    let mut rest = rendered;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n = digits(after);
        match after[n..].strip_prefix(" column ") {
            Some(col) if n > 0 => rest = &col[digits(col)..],
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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

/// Adds a document (an object or a List of them); errors say what is wrong, the caller says where.
pub(super) fn add_document(doc: RawAny, list_kind: Option<&str>, builder: &mut ClusterBuilder) -> Result<()> {
    // Items of typed lists (RoleList, ...) carry no kind of their own.
    let kind = doc.kind.clone().or_else(|| list_kind.map(str::to_string)).unwrap_or_default();
    if kind.is_empty() && add_cloud_export(&doc, builder)? {
        return Ok(());
    }
    if kind.is_empty() {
        bail!("document has no `kind`: not a Kubernetes object (expected output of `kubectl get -o yaml`)");
    }
    if kind == "List" || (kind.ends_with("List") && doc.items.is_some()) {
        let item_kind = list_item_kind(&kind);
        for item in doc.items.unwrap_or_default() {
            add_document(item, item_kind, builder)?;
        }
        return Ok(());
    }
    add_object(&kind, doc, builder).map_err(|e| anyhow!("{kind} {e:#}"))
}

/// A cloud export, recognised by its shape (they carry no `kind`); false when the document is not one.
fn add_cloud_export(doc: &RawAny, builder: &mut ClusterBuilder) -> Result<bool> {
    use crate::model::cloud::{associations_of, eks_issuer_of, roles_of};
    let wrapped = if let Some(r) = &doc.aws_role {
        serde_json::json!({ "Role": r })
    } else if let Some(r) = &doc.aws_roles {
        serde_json::json!({ "Roles": r })
    } else if let Some(c) = &doc.cluster {
        serde_json::json!({ "cluster": c })
    } else if let Some(a) = &doc.association {
        serde_json::json!({ "association": a })
    } else if let Some(a) = &doc.associations {
        serde_json::json!({ "associations": a })
    } else if let (Some(resource), Some(policy)) = (&doc.resource, &doc.policy) {
        let Some(p) = crate::model::cloud::gcp_policy_of(resource, policy) else { return Ok(false) };
        builder.cloud.gcp_policies.push(p.context("GCP IAM policy (gcloud asset search-all-iam-policies)")?);
        return Ok(true);
    } else if let Some(config) = &doc.workload_identity_config {
        let pool = config.get("workloadPool").and_then(serde_json::Value::as_str);
        let pool = pool.ok_or_else(|| anyhow!("GKE cluster without workloadIdentityConfig.workloadPool"))?;
        builder.cloud.gke_workload_pool = Some(pool.to_string());
        return Ok(true);
    } else if let Some(kind) = doc.secret_type.as_deref().filter(|t| t.to_ascii_lowercase().starts_with("microsoft.")) {
        let doc = serde_json::json!({ "type": kind, "id": doc.id, "name": doc.name, "clientId": doc.client_id,
            "issuer": doc.issuer, "subject": doc.subject, "audiences": doc.audiences,
            "oidcIssuerProfile": doc.oidc_issuer_profile });
        use crate::model::cloud::{AzureExport, azure_export_of};
        let Some(export) = azure_export_of(&doc) else { return Ok(false) };
        let export = export.context("Azure export (az identity / az aks)")?;
        match export {
            AzureExport::Identity(i) => builder.cloud.azure_identities.push(i),
            AzureExport::Credential(c) => builder.cloud.federated_credentials.push(c),
            AzureExport::ClusterIssuer(u) => builder.cloud.aks_issuer = Some(u),
        }
        return Ok(true);
    } else {
        return Ok(false);
    };
    if let Some(list) = associations_of(&wrapped) {
        let list = list.context("EKS Pod Identity export (aws eks describe-pod-identity-association)")?;
        builder.cloud.pod_identity_associations.extend(list);
        return Ok(true);
    }
    if let Some(roles) = roles_of(&wrapped) {
        builder.cloud.aws_roles.extend(roles.context("IAM role export (aws iam get-role / list-roles)")?);
        return Ok(true);
    }
    if let Some(issuer) = eks_issuer_of(&wrapped) {
        builder.cloud.oidc_issuer = Some(issuer.context("EKS cluster export (aws eks describe-cluster)")?);
        return Ok(true);
    }
    Ok(false)
}

/// The kind of the items of a typed list (`RoleList` -> `Role`); `None` for a plain `List`.
pub(super) fn list_item_kind(list_kind: &str) -> Option<&str> {
    list_kind.strip_suffix("List").filter(|k| !k.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cluster;

    fn load(text: &str) -> Result<Cluster> {
        let mut builder = ClusterBuilder::default();
        load_text("t.yaml", text, &mut builder)?;
        Ok(builder.build())
    }

    /// A `kubectl get -o yaml` List of `n` ServiceAccounts.
    fn sa_list(n: usize, kind_of_items: bool) -> String {
        let mut text = String::from("apiVersion: v1\nitems:\n");
        for i in 0..n {
            if kind_of_items {
                text.push_str(&format!("- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: sa{i}\n"));
            } else {
                text.push_str(&format!("- metadata:\n    name: sa{i}\n"));
            }
            text.push_str("    namespace: ns\n    labels:\n      app: x\n");
        }
        text.push_str(if kind_of_items { "kind: List\n" } else { "kind: ServiceAccountList\n" });
        text.push_str("metadata:\n  resourceVersion: \"\"\n");
        text
    }

    #[test]
    fn yaml_list_is_cut_into_batches_of_whole_items() {
        let text = sa_list(3 * YAML_BATCH_ITEMS + 5, true);
        let list = split_yaml_list(&text, 1).expect("a kubectl List");
        assert_eq!(list.batches.len(), 4);
        assert_eq!(list.batches[0].0, 3, "the first item is on line 3");
        assert!(list.batches.iter().all(|(_, b)| b.starts_with("- ")));
        assert!(!list.batches[3].1.contains("kind: List"), "the List's own fields are not items");
        assert_eq!(list.item_kind, None);
        assert!(split_yaml_list("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n", 1).is_none());
        assert!(split_yaml_list("apiVersion: v1\nkind: List\nitems:\n  - kind: ServiceAccount\n", 1).is_none());
    }

    #[test]
    fn large_yaml_lists_load_whole() {
        // 40,000 items of 10 nodes: 157 batches, added in file order.
        let cluster = load(&sa_list(40_000, true)).expect("loads");
        assert_eq!(cluster.service_accounts.len(), 40_000);
        assert!(cluster.service_account("ns", "sa39999").is_some());
    }

    #[test]
    fn typed_yaml_lists_give_their_kind_to_items() {
        let cluster = load(&sa_list(600, false)).expect("loads");
        assert_eq!(cluster.service_accounts.len(), 600);
    }

    #[test]
    fn errors_in_later_batches_name_the_file_line() {
        let mut text = sa_list(2 * YAML_BATCH_ITEMS, true);
        // Item 300 starts on line 3 + 300 * 7.
        let line = 3 + 300 * 7 + 3;
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        assert_eq!(lines[line - 1], "    name: sa300");
        lines[line - 1] = "    name: [unclosed".into();
        text = lines.join("\n");
        let err = load(&text).expect_err("malformed").to_string();
        assert!(err.starts_with(&format!("t.yaml:{line}:")), "{err}");
    }

    fn sa_json(name: &str, with_kind: bool) -> String {
        let kind = if with_kind { r#""apiVersion":"v1","kind":"ServiceAccount","# } else { "" };
        format!(r#"{{{kind}"metadata":{{"name":"{name}","namespace":"ns","managedFields":[{{"x":1}}]}}}}"#)
    }

    #[test]
    fn json_lists_stream_in_either_field_order() {
        // kubectl prints `kind` after `items`; the API server prints it before. Typed-list items have no kind.
        let after = format!(
            r#"{{"apiVersion":"v1","items":[{},{}],"kind":"ServiceAccountList"}}"#,
            sa_json("a", false),
            sa_json("b", true)
        );
        let before = format!(r#"{{"kind":"ServiceAccountList","items":[{}],"metadata":{{}}}}"#, sa_json("c", false));
        let array = format!("[{}, {}]\n{}", sa_json("d", true), before.replace("\"c\"", "\"e\""), sa_json("f", true));
        for (text, names) in [(after, vec!["a", "b"]), (before, vec!["c"]), (array, vec!["d", "e", "f"])] {
            let cluster = load(&text).unwrap_or_else(|e| panic!("{text}: {e:#}"));
            let got: Vec<&str> = cluster.service_accounts.values().map(|sa| sa.name.as_str()).collect();
            assert_eq!(got, names, "{text}");
        }
    }

    #[test]
    fn json_streams_from_a_reader_like_from_text() {
        let text = format!(r#"{{"apiVersion":"v1","items":[{}],"kind":"List"}}"#, sa_json("a", true));
        let mut builder = ClusterBuilder::default();
        load_reader("r.json", format!("  \n{text}").as_bytes(), &mut builder).expect("loads");
        assert_eq!(builder.build().service_accounts.len(), 1);
    }

    #[test]
    fn json_errors_name_the_file_position_and_the_cause() {
        let bad_ref = r#"{"items":[
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"x"},
 "roleRef":{"kind":"Role","name":"r","apiGroup":"rbac.authorization.k8s.io"}}],"kind":"List"}"#;
        let err = format!("{:#}", load(bad_ref).expect_err("invalid roleRef"));
        assert!(err.starts_with("t.yaml:3:") && err.contains("roleRef kind \"Role\" is invalid"), "{err}");
        let err = format!("{:#}", load("{\"items\":[{\"kind\":\"ServiceAccount\",}]}").expect_err("syntax"));
        assert!(err.starts_with("t.yaml:1:") && err.contains("invalid JSON"), "{err}");
        let err = format!("{:#}", load(&format!(r#"{{"items":[{}]}}"#, sa_json("a", false))).expect_err("no kind"));
        assert!(err.contains("no `kind`"), "{err}");
    }

    #[test]
    fn yaml_messages_lose_their_batch_relative_positions() {
        assert_eq!(
            yaml_message(
                "did not find expected ',' or ']' at line 7 column 12, while parsing a flow sequence at line 6 column 5"
            ),
            "did not find expected ',' or ']', while parsing a flow sequence"
        );
        assert_eq!(yaml_message("found at line breaks"), "found at line breaks");
    }

    #[test]
    fn yaml_alias_bombs_are_refused() {
        let mut text = String::from(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
        );
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 9].join(", ")));
        }
        // `spec` is read as a generic value, so every alias would be expanded: 9^10 strings.
        text.push_str("spec: *a9\n");
        let err = format!("{:#}", load(&text).expect_err("a billion laughs"));
        assert!(err.starts_with("t.yaml:") && err.contains("invalid YAML"), "{err}");
    }
}
