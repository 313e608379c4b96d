//! `--fix`: the least-privilege Role or ClusterRole and binding that allow exactly one request for one
//! ServiceAccount, and nothing it did not need.

use serde_json::{Value, json};

use crate::rbac::Request;

const RBAC_V1: &str = "rbac.authorization.k8s.io/v1";

pub(crate) fn sanitize(s: &str) -> String {
    let mut out: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches('-').chars().take(200).collect()
}

/// The objects to apply: a Role + RoleBinding in the request's namespace when it has one (this also covers
/// `namespaces NAME`, which carries namespace NAME), else a ClusterRole + ClusterRoleBinding.
pub fn least_privilege(sa_namespace: &str, sa_name: &str, request: &Request) -> Vec<Value> {
    let (rule, what) = match request {
        Request::NonResource { verb, path } => (
            json!({"nonResourceURLs": [path], "verbs": [verb]}),
            format!("{verb}-{}", if path == "/" { "root" } else { path }),
        ),
        Request::Resource { verb, attrs } => {
            let resource = if attrs.subresource.is_empty() {
                attrs.resource.clone()
            } else {
                format!("{}/{}", attrs.resource, attrs.subresource)
            };
            let mut rule = json!({"apiGroups": [attrs.group], "resources": [resource], "verbs": [verb]});
            if !attrs.name.is_empty() {
                rule["resourceNames"] = json!([attrs.name]);
            }
            (
                rule,
                format!(
                    "{verb}-{resource}{}",
                    if attrs.name.is_empty() { String::new() } else { format!("-{}", attrs.name) }
                ),
            )
        }
    };
    let name = sanitize(&format!("{sa_name}-{what}"));
    let subject = json!({"kind": "ServiceAccount", "name": sa_name, "namespace": sa_namespace});
    let ns = request.namespace();
    if ns.is_empty() {
        vec![
            json!({"apiVersion": RBAC_V1, "kind": "ClusterRole", "metadata": {"name": name}, "rules": [rule]}),
            json!({"apiVersion": RBAC_V1, "kind": "ClusterRoleBinding", "metadata": {"name": name},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
                "subjects": [subject]}),
        ]
    } else {
        vec![
            json!({"apiVersion": RBAC_V1, "kind": "Role", "metadata": {"name": name, "namespace": ns}, "rules": [rule]}),
            json!({"apiVersion": RBAC_V1, "kind": "RoleBinding", "metadata": {"name": name, "namespace": ns},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
                "subjects": [subject]}),
        ]
    }
}

/// The objects as a multi-document YAML stream for `kubectl apply -f -`.
pub fn to_yaml(objects: &[Value]) -> anyhow::Result<String> {
    let mut out = String::new();
    for o in objects {
        out.push_str("---\n");
        out.push_str(&yaml_serde::to_string(o)?);
    }
    Ok(out)
}
