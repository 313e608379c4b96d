//! `kubectl sa bindings SA`: every binding that applies to a ServiceAccount, how it reaches it, its role and the
//! role's rules; as a tree, JSON/YAML, Graphviz dot or Mermaid.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{BindingsArgs, BindingsOutput};
use crate::cmd::explain::SubjectView;
use crate::model::Rule;
use crate::output::{self, dim, heading, warn};
use crate::rbac::{ObjectRef, UserInfo, bindings_for_user, matching_subject};
use crate::source::Loaded;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedBinding {
    pub binding: ObjectRef,
    /// directly (ServiceAccount subject), user-alias (User system:serviceaccount:NS:NAME) or group.
    pub how: String,
    pub subject: crate::model::Subject,
    pub role: ObjectRef,
    /// False when the roleRef dangles.
    pub role_found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub rules: Vec<Arc<Rule>>,
    /// "cluster" or the RoleBinding's namespace.
    pub scope: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    subject: SubjectView,
    /// The ServiceAccount and whether it exists, when the subject is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    service_account: Option<&'a ObjectRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exists: Option<bool>,
    bindings: &'a [AppliedBinding],
}

pub fn applied_bindings(loaded: &Loaded, user: &UserInfo) -> Vec<AppliedBinding> {
    let cluster = &loaded.cluster;
    bindings_for_user(cluster, user)
        .into_iter()
        .filter_map(|id| {
            let b = cluster.binding(id);
            let (subject, how) = matching_subject(b, user)?;
            let (role_found, error, rules) = match cluster.resolve_role(b) {
                Ok(r) => (true, None, r.rules.clone()),
                Err(e) => (false, Some(e), Vec::new()),
            };
            Some(AppliedBinding {
                binding: ObjectRef::of_binding(b),
                how: how.to_string(),
                subject,
                role: ObjectRef::of_role_ref(b),
                role_found,
                error,
                rules,
                scope: if b.namespace.is_empty() { "cluster".into() } else { b.namespace.clone() },
            })
        })
        .collect()
}

fn id(prefix: &str, s: &str) -> String {
    let clean: String = s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("{prefix}_{clean}")
}

fn dot(sa: &ObjectRef, bindings: &[AppliedBinding]) -> String {
    let mut s = String::from("digraph bindings {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    let sa_id = id("sa", &sa.to_string());
    let _ = writeln!(s, "  {sa_id} [label=\"{}\\n{}\", shape=ellipse];", sa.kind, esc(&binding_name(sa)));
    let mut seen = std::collections::BTreeSet::new();
    for b in bindings {
        let b_id = id("b", &b.binding.to_string());
        let r_id = id("r", &b.role.to_string());
        let _ = writeln!(s, "  {b_id} [label=\"{}\\n{}\"];", b.binding.kind, esc(&binding_name(&b.binding)));
        let _ = writeln!(s, "  {sa_id} -> {b_id} [label=\"{}\"];", esc(&format!("{} {}", b.how, b.subject)));
        let style = if b.role_found { "" } else { ", style=dashed, color=red" };
        if seen.insert(r_id.clone()) {
            let _ = writeln!(s, "  {r_id} [label=\"{}\\n{}\"{style}];", b.role.kind, esc(&binding_name(&b.role)));
            for (i, rule) in b.rules.iter().enumerate() {
                let rule_id = format!("{r_id}_rule{i}");
                let _ = writeln!(s, "  {rule_id} [label=\"#{i} {}\", shape=note];", esc(&rule.to_string()));
                let _ = writeln!(s, "  {r_id} -> {rule_id};");
            }
        }
        let _ = writeln!(s, "  {b_id} -> {r_id};");
    }
    s.push_str("}\n");
    s
}

fn mermaid(sa: &ObjectRef, bindings: &[AppliedBinding]) -> String {
    let mut s = String::from("graph LR\n");
    let sa_id = id("sa", &sa.to_string());
    let _ = writeln!(s, "  {sa_id}([\"{} {}\"])", sa.kind, mesc(&binding_name(sa)));
    let mut seen = std::collections::BTreeSet::new();
    for b in bindings {
        let b_id = id("b", &b.binding.to_string());
        let r_id = id("r", &b.role.to_string());
        let _ = writeln!(s, "  {b_id}[\"{} {}\"]", b.binding.kind, mesc(&binding_name(&b.binding)));
        let _ = writeln!(s, "  {sa_id} -- \"{}\" --> {b_id}", mesc(&b.how));
        if seen.insert(r_id.clone()) {
            let missing = if b.role_found { "" } else { " (missing)" };
            let _ = writeln!(s, "  {r_id}[\"{} {}{missing}\"]", b.role.kind, mesc(&binding_name(&b.role)));
            for (i, rule) in b.rules.iter().enumerate() {
                let _ = writeln!(s, "  {r_id}_rule{i}>\"#{i} {}\"]", mesc(&rule.to_string()));
                let _ = writeln!(s, "  {r_id} --> {r_id}_rule{i}");
            }
        }
        let _ = writeln!(s, "  {b_id} --> {r_id}");
    }
    s
}

fn binding_name(r: &ObjectRef) -> String {
    if r.namespace.is_empty() { r.name.clone() } else { format!("{}/{}", r.namespace, r.name) }
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn mesc(s: &str) -> String {
    s.replace('"', "#quot;")
}

pub fn run(args: &BindingsArgs, loaded: &Loaded, out: &mut dyn Write) -> Result<ExitCode> {
    let identity =
        crate::request::subject::identity(&args.subject.spec(args.service_account.as_deref()), &loaded.namespace)?;
    let user = &identity.user;
    let bindings = applied_bindings(loaded, user);
    let (root, exists) = match &identity.service_account {
        Some((ns, name)) => (
            ObjectRef { kind: "ServiceAccount".into(), name: name.clone(), namespace: ns.clone() },
            Some(loaded.cluster.service_account(ns, name).is_some()),
        ),
        None => (ObjectRef { kind: "User".into(), name: user.username.clone(), namespace: String::new() }, None),
    };
    let report = || Report {
        subject: SubjectView::of(&identity),
        service_account: identity.service_account.as_ref().map(|_| &root),
        exists,
        bindings: &bindings,
    };
    match args.output {
        Some(BindingsOutput::Json) => output::write_json(out, &report())?,
        Some(BindingsOutput::Yaml) => output::write_yaml(out, &report())?,
        Some(BindingsOutput::Dot) => out.write_all(dot(&root, &bindings).as_bytes())?,
        Some(BindingsOutput::Mermaid) => out.write_all(mermaid(&root, &bindings).as_bytes())?,
        None => {
            let missing = if exists == Some(false) { format!(" {}", warn("[not found]")) } else { String::new() };
            let groups = if identity.service_account.is_some() {
                String::new()
            } else {
                format!(" (groups: {})", user.groups.join(", "))
            };
            writeln!(out, "{}{missing}{}", heading(&identity.describe()), dim(&groups))?;
            if bindings.is_empty() {
                writeln!(out, "└─ no binding applies to it")?;
            }
            for (i, b) in bindings.iter().enumerate() {
                let last = i + 1 == bindings.len();
                let (branch, pad) = if last { ("└─", "   ") } else { ("├─", "│  ") };
                writeln!(
                    out,
                    "{branch} {} {}",
                    b.binding,
                    dim(&format!("({}: {}, scope {})", b.how, b.subject, b.scope))
                )?;
                match &b.error {
                    Some(e) => writeln!(out, "{pad}└─ {} {}", b.role, warn(&format!("[dangling: {e}]")))?,
                    None => {
                        writeln!(out, "{pad}└─ {}", b.role)?;
                        for (j, rule) in b.rules.iter().enumerate() {
                            let rb = if j + 1 == b.rules.len() { "└─" } else { "├─" };
                            writeln!(out, "{pad}   {rb} #{j} {rule}")?;
                        }
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
