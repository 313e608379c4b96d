//! Admission: what kube-apiserver's admission chain does with one write request, decided client-side where the
//! cluster's objects allow it. Pure: no I/O, no printing.
//!
//! Steps come in the order the API server runs them (docs/semantics.md, Admission): the mutating phase
//! NamespaceLifecycle -> ServiceAccount -> MutatingAdmissionPolicy -> MutatingAdmissionWebhook, then defaulting and
//! schema validation, then the validating phase PodSecurity -> ValidatingAdmissionPolicy ->
//! ValidatingAdmissionWebhook. The first rejection stops the chain. Webhook answers and CEL are never guessed: they
//! are reported as decided at request time. LimitRanger, ResourceQuota and other built-in plugins are not simulated.

mod parse;
mod pod_security;
mod policies;
mod rules;
mod selector;
mod webhooks;

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};
use serde::Serialize;
use serde_json::{Value, json};

/// Admission plugin names as the API server registers them.
/// Whether the namespace's PodSecurity enforce level (from its labels; no label is `privileged`) admits
/// privileged pods, host namespaces and hostPath volumes.
pub fn pod_security_admits_privileged(labels: &std::collections::BTreeMap<String, String>) -> bool {
    pod_security::NamespacePolicy::from_labels(labels).enforce.level == pod_security::Level::Privileged
}

pub mod plugin {
    pub const NAMESPACE_LIFECYCLE: &str = "NamespaceLifecycle";
    pub const SERVICE_ACCOUNT: &str = "ServiceAccount";
    pub const MUTATING_POLICY: &str = "MutatingAdmissionPolicy";
    pub const MUTATING_WEBHOOK: &str = "MutatingAdmissionWebhook";
    pub const POD_SECURITY: &str = "PodSecurity";
    pub const VALIDATING_POLICY: &str = "ValidatingAdmissionPolicy";
    pub const VALIDATING_WEBHOOK: &str = "ValidatingAdmissionWebhook";
}

/// The webhook configurations and admission policies of a cluster.
#[derive(Debug, Clone, Default)]
pub struct AdmissionObjects {
    webhook_configurations: Vec<webhooks::WebhookConfiguration>,
    policies: Vec<policies::Policy>,
    bindings: Vec<policies::Binding>,
}

impl AdmissionObjects {
    pub fn new() -> Self {
        Self::default()
    }

    /// Consumes objects of kinds MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
    /// ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, MutatingAdmissionPolicy and
    /// MutatingAdmissionPolicyBinding (any admissionregistration.k8s.io version), as `kubectl get -o json` prints
    /// them. `kind` names the object's kind (an item of a List may lack it); when empty, the object's own `kind` is
    /// used. Returns Ok(true) if the kind is one of these, Ok(false) otherwise, and a one-line error naming the
    /// object and the field if it is malformed. An object with the kind and name of one added before replaces it.
    pub fn add(&mut self, kind: &str, doc: Value) -> Result<bool> {
        let kind = if kind.is_empty() { doc.get("kind").and_then(Value::as_str).unwrap_or_default() } else { kind };
        let kind = kind.to_string();
        let mutating = kind.starts_with("Mutating");
        let result = match kind.as_str() {
            "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
                webhooks::WebhookConfiguration::parse(mutating, &doc).map(|c| {
                    self.webhook_configurations.retain(|x| !(x.mutating == mutating && x.name == c.name));
                    self.webhook_configurations.push(c);
                })
            }
            "ValidatingAdmissionPolicy" | "MutatingAdmissionPolicy" => {
                policies::Policy::parse(mutating, &doc).map(|p| {
                    self.policies.retain(|x| !(x.mutating == mutating && x.name == p.name));
                    self.policies.push(p);
                })
            }
            "ValidatingAdmissionPolicyBinding" | "MutatingAdmissionPolicyBinding" => {
                policies::Binding::parse(mutating, &doc).map(|b| {
                    self.bindings.retain(|x| !(x.mutating == mutating && x.name == b.name));
                    self.bindings.push(b);
                })
            }
            _ => return Ok(false),
        };
        result.map_err(|e| match doc.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str) {
            Some(name) => anyhow!("{kind} {name:?}: {e}"),
            None => anyhow!("{kind}: {e}"),
        })?;
        Ok(true)
    }

    pub fn is_empty(&self) -> bool {
        self.webhook_configurations.is_empty() && self.policies.is_empty() && self.bindings.is_empty()
    }
}

/// The admission operation of a request (get, list and watch are never admitted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operation {
    Create,
    Update,
    Delete,
    Connect,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Connect => "CONNECT",
        }
    }

    /// The admission operation of an RBAC verb on a resource/subresource, or None for requests that are not
    /// admitted (get, list, watch, ...). The connect subresources (pods exec/attach/portforward/proxy, services and
    /// nodes proxy) are CONNECT whatever the verb; patch is UPDATE; deletecollection is DELETE per object.
    pub fn from_verb(verb: &str, resource: &str, subresource: &str) -> Option<Self> {
        let connect = matches!(
            (resource, subresource),
            ("pods", "exec" | "attach" | "portforward" | "proxy") | ("services" | "nodes", "proxy")
        );
        if connect {
            return Some(Operation::Connect);
        }
        match verb {
            "create" => Some(Operation::Create),
            "update" | "patch" => Some(Operation::Update),
            "delete" | "deletecollection" => Some(Operation::Delete),
            _ => None,
        }
    }
}

/// One request as admission sees it.
#[derive(Debug, Clone)]
pub struct AdmissionRequest {
    pub operation: Operation,
    pub group: String,
    pub version: String,
    pub resource: String,
    pub subresource: String,
    /// e.g. "Pod"; when empty, the object's kind is used.
    pub kind: String,
    /// "" for cluster-scoped requests.
    pub namespace: String,
    /// When empty, the object's metadata.name is used.
    pub name: String,
    pub namespaced: bool,
    /// The object, if known: its labels feed objectSelectors; a Pod (or a workload's pod template) feeds
    /// ServiceAccount and PodSecurity; a Namespace's labels feed namespaceSelectors of requests for it.
    pub object: Option<Value>,
}

/// A namespace of the cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NamespaceInfo {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// status.phase: "Active" or "Terminating".
    pub phase: Option<String>,
}

impl NamespaceInfo {
    /// From a Namespace object as `kubectl get -o json` prints it.
    pub fn from_json(doc: &Value) -> Result<Self> {
        let name = parse::name(doc).map_err(|e| anyhow!("Namespace: {e}"))?;
        let meta = parse::object(doc, "metadata", "").map_err(|e| anyhow!("Namespace {name:?}: {e}"))?;
        let labels = match meta {
            Some(m) => parse::string_map(m, "labels", "metadata").map_err(|e| anyhow!("Namespace {name:?}: {e}"))?,
            None => BTreeMap::new(),
        };
        let phase = match parse::object(doc, "status", "").map_err(|e| anyhow!("Namespace {name:?}: {e}"))? {
            Some(s) => parse::string(s, "phase", "status").map_err(|e| anyhow!("Namespace {name:?}: {e}"))?,
            None => None,
        };
        Ok(NamespaceInfo { name, labels, phase })
    }
}

/// What one admission step does with the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Lets the request through unchanged.
    Allow,
    /// Changes the object and lets it through.
    Mutate,
    /// Cannot tell from the facts given (namespace labels, object, ...).
    Unknown,
    /// Decided at request time (webhook, CEL): may reject.
    MayDeny,
    /// Rejects the request.
    Deny,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Mutate => "mutate",
            Verdict::Unknown => "unknown",
            Verdict::MayDeny => "may-deny",
            Verdict::Deny => "deny",
        }
    }
}

/// One admission plugin's (or one webhook's, one policy binding's) part.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub plugin: String,
    /// The configuration or policy name; "" for built-in plugins.
    pub name: String,
    pub verdict: Verdict,
    /// One sentence for people (for a denial, the API server's message where it is known).
    pub message: String,
    /// Plugin-specific facts (HTTP code of a denial, matched rule, failurePolicy, ...); null when none.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub details: Value,
}

/// What the admission chain does with one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionReport {
    /// Whether any admission step acts on the request.
    pub applies: bool,
    /// Deny if a step surely rejects, MayDeny if one might (or cannot be decided), else Allow.
    pub verdict: Verdict,
    /// Whether only the API server can tell (webhooks, CEL, unknown facts): a server-side dry-run (`dryRun=All`,
    /// same RBAC as the real call) would run them.
    pub needs_server_dry_run: bool,
    pub steps: Vec<Step>,
    pub notes: Vec<String>,
}

/// The request attributes admission plugins look at.
pub(crate) struct Attrs<'a> {
    pub op: Operation,
    pub group: &'a str,
    pub version: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    /// The attributes' namespace: the namespace's own name for requests on a Namespace object.
    pub namespace: String,
    pub object: Option<&'a Value>,
    pub object_labels: Option<BTreeMap<String, String>>,
}

impl<'a> Attrs<'a> {
    pub(crate) fn new(r: &'a AdmissionRequest) -> Self {
        let object = r.object.as_ref().filter(|o| o.is_object());
        let meta_str = |k: &str| object.and_then(|o| o.get("metadata")).and_then(|m| m.get(k)).and_then(Value::as_str);
        let name = if r.name.is_empty() { meta_str("name").unwrap_or("") } else { r.name.as_str() };
        let kind = if r.kind.is_empty() {
            object.and_then(|o| o.get("kind")).and_then(Value::as_str).unwrap_or("")
        } else {
            &r.kind
        };
        let namespace_object = r.group.is_empty() && r.resource == "namespaces";
        let namespace = if namespace_object {
            name.to_string()
        } else if r.namespaced {
            r.namespace.clone()
        } else {
            String::new()
        };
        Attrs {
            op: r.operation,
            group: &r.group,
            version: &r.version,
            resource: &r.resource,
            subresource: &r.subresource,
            kind,
            name,
            namespace,
            object,
            object_labels: object.map(parse::labels_of),
        }
    }

    pub(crate) fn is_namespace_object(&self) -> bool {
        self.group.is_empty() && self.resource == "namespaces"
    }

    /// `<resource>[.<group>] "<name>" is forbidden: <why>` (apierrors.NewForbidden via admission.NewForbidden).
    pub(crate) fn forbidden(&self, why: &str) -> String {
        let gr =
            if self.group.is_empty() { self.resource.to_string() } else { format!("{}.{}", self.resource, self.group) };
        if self.name.is_empty() {
            format!("{gr} is forbidden: {why}")
        } else {
            format!("{gr} {:?} is forbidden: {why}", self.name)
        }
    }
}

fn builtin(plugin: &str, verdict: Verdict, message: String, details: Value) -> Step {
    Step { plugin: plugin.into(), name: String::new(), verdict, message, details }
}

const IMMORTAL_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public"];

/// NamespaceLifecycle (apiserver admission/plugin/namespace/lifecycle): handles CREATE, UPDATE and DELETE.
fn namespace_lifecycle(a: &Attrs, namespaces: Option<&BTreeMap<String, NamespaceInfo>>) -> Option<Step> {
    let p = plugin::NAMESPACE_LIFECYCLE;
    if a.op == Operation::Connect {
        return None;
    }
    if a.is_namespace_object() {
        if a.op == Operation::Delete && IMMORTAL_NAMESPACES.contains(&a.name) {
            return Some(builtin(
                p,
                Verdict::Deny,
                format!("namespaces {:?} is forbidden: this namespace may not be deleted", a.name),
                json!({"code": 403, "reason": "Forbidden"}),
            ));
        }
        return Some(builtin(
            p,
            Verdict::Allow,
            "All operations on Namespace objects are allowed.".into(),
            Value::Null,
        ));
    }
    if a.namespace.is_empty() {
        return None;
    }
    if a.op == Operation::Delete {
        return Some(builtin(p, Verdict::Allow, "Deleting namespaced objects is always allowed.".into(), Value::Null));
    }
    if a.group == "authorization.k8s.io" && a.resource == "localsubjectaccessreviews" {
        return Some(builtin(p, Verdict::Allow, "Access reviews are allowed in any namespace.".into(), Value::Null));
    }
    let Some(all) = namespaces else {
        return Some(builtin(
            p,
            Verdict::Unknown,
            format!("Cannot tell whether namespace {:?} exists and is not terminating.", a.namespace),
            Value::Null,
        ));
    };
    let Some(ns) = all.get(&a.namespace) else {
        return Some(builtin(
            p,
            Verdict::Deny,
            format!("namespaces {:?} not found", a.namespace),
            json!({"code": 404, "reason": "NotFound"}),
        ));
    };
    if a.op == Operation::Create && ns.phase.as_deref() == Some("Terminating") {
        return Some(builtin(
            p,
            Verdict::Deny,
            a.forbidden(&format!(
                "unable to create new content in namespace {} because it is being terminated",
                a.namespace
            )),
            json!({"code": 403, "reason": "Forbidden", "cause": "NamespaceTerminating"}),
        ));
    }
    let state = if ns.phase.as_deref() == Some("Terminating") { "exists (terminating)" } else { "exists" };
    Some(builtin(p, Verdict::Allow, format!("Namespace {:?} {state}.", a.namespace), Value::Null))
}

const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

fn str_at<'v>(v: Option<&'v Value>, key: &str) -> Option<&'v str> {
    v.and_then(|x| x.get(key)).and_then(Value::as_str)
}

/// ServiceAccount (plugin/pkg/admission/serviceaccount) for pod CREATE: defaults spec.serviceAccountName to
/// "default", requires the ServiceAccount to exist, mounts a projected API token volume and copies the
/// ServiceAccount's imagePullSecrets.
fn service_account(a: &Attrs, sa_exists: Option<bool>) -> Option<Step> {
    let p = plugin::SERVICE_ACCOUNT;
    if a.op != Operation::Create || !a.group.is_empty() || a.resource != "pods" || !a.subresource.is_empty() {
        return None;
    }
    let pod = a.object.filter(|o| o.get("kind").and_then(Value::as_str).is_none_or(|k| k == "Pod"));
    let spec = pod.and_then(|o| o.get("spec")).filter(|s| s.is_object());
    let meta = pod.and_then(|o| o.get("metadata"));
    if let Some(m) = meta
        && parse::annotations_of(m).contains_key("kubernetes.io/config.mirror")
    {
        return Some(mirror_pod(a, spec));
    }
    let explicit = str_at(spec, "serviceAccountName")
        .filter(|s| !s.is_empty())
        .or_else(|| str_at(spec, "serviceAccount").filter(|s| !s.is_empty()));
    let sa = explicit.unwrap_or("default");
    let sa_text = match (pod.is_some(), explicit) {
        (false, _) => "the pod's ServiceAccount (\"default\" unless spec.serviceAccountName is set)".to_string(),
        (true, _) => format!("ServiceAccount {}/{sa}", a.namespace),
    };
    let mut details = json!({
        "serviceAccountName": if pod.is_some() { json!(sa) } else { Value::Null },
        "defaulted": pod.is_some() && explicit.is_none(),
        "exists": sa_exists,
    });
    match sa_exists {
        Some(false) => {
            let message = a.forbidden(&format!(
                "error looking up service account {}/{sa}: serviceaccount {sa:?} not found",
                a.namespace
            ));
            details["code"] = json!(403);
            details["reason"] = json!("Forbidden");
            return Some(builtin(p, Verdict::Deny, message, details));
        }
        None => {
            return Some(builtin(
                p,
                Verdict::Unknown,
                format!("The pod is rejected (403) unless {sa_text} exists, which is unknown here."),
                details,
            ));
        }
        Some(true) => {}
    }
    let mut changes = Vec::new();
    if pod.is_some() && explicit.is_none() {
        changes.push("sets spec.serviceAccountName to \"default\"".to_string());
    }
    let automount = spec.and_then(|s| s.get("automountServiceAccountToken")).and_then(Value::as_bool);
    let containers: Vec<String> = ["initContainers", "containers"]
        .iter()
        .flat_map(|k| spec.and_then(|s| s.get(*k)).and_then(Value::as_array).into_iter().flatten())
        .filter(|c| {
            !c.get("volumeMounts")
                .and_then(Value::as_array)
                .is_some_and(|m| m.iter().any(|vm| str_at(Some(vm), "mountPath") == Some(TOKEN_MOUNT_PATH)))
        })
        .map(|c| str_at(Some(c), "name").unwrap_or("").to_string())
        .collect();
    let existing_volume = spec
        .and_then(|s| s.get("volumes"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| str_at(Some(v), "name"))
        .find(|n| n.starts_with("kube-api-access-"));
    let volume = existing_volume.map_or_else(|| "kube-api-access-<random>".to_string(), String::from);
    let mount = format!(
        "mounts projected volume {volume} (a bound token expiring after 3607s, kube-root-ca.crt, the namespace) read-only at {TOKEN_MOUNT_PATH}"
    );
    let automount_text = match automount {
        Some(false) => {
            changes.push("mounts no API token (spec.automountServiceAccountToken: false)".into());
            "no"
        }
        Some(true) => {
            changes.push(if pod.is_some() && containers.is_empty() {
                "mounts no API token (every container already mounts its path)".to_string()
            } else {
                mount
            });
            "yes"
        }
        None => {
            changes.push(format!("{mount}, unless the ServiceAccount sets automountServiceAccountToken: false"));
            "unless the ServiceAccount sets automountServiceAccountToken: false"
        }
    };
    let pull_secrets =
        spec.and_then(|s| s.get("imagePullSecrets")).and_then(Value::as_array).is_some_and(|v| !v.is_empty());
    if !pull_secrets {
        changes.push("copies the ServiceAccount's imagePullSecrets, if any".into());
    }
    details["automount"] = json!(automount_text);
    if automount != Some(false) {
        details["tokenVolume"] = json!({
            "name": volume,
            "mountPath": TOKEN_MOUNT_PATH,
            "readOnly": true,
            "sources": ["serviceAccountToken (expirationSeconds 3607, path token)", "configMap kube-root-ca.crt (ca.crt)", "downwardAPI metadata.namespace (namespace)"],
        });
        if pod.is_some() {
            details["containers"] = json!(containers);
        }
    }
    Some(builtin(p, Verdict::Mutate, format!("Uses {sa_text}: {}.", changes.join("; ")), details))
}

/// Mirror pods (static pods mirrored by the kubelet) are not mutated and may not reference API objects.
fn mirror_pod(a: &Attrs, spec: Option<&Value>) -> Step {
    let p = plugin::SERVICE_ACCOUNT;
    let volumes: Vec<&Value> =
        spec.and_then(|s| s.get("volumes")).and_then(Value::as_array).map(|v| v.iter().collect()).unwrap_or_default();
    let projected = |key: &str| {
        volumes.iter().any(|v| {
            v.get("projected")
                .and_then(|pr| pr.get("sources"))
                .and_then(Value::as_array)
                .is_some_and(|s| s.iter().any(|x| x.get(key).is_some()))
        })
    };
    let why = if str_at(spec, "serviceAccountName").is_some_and(|s| !s.is_empty()) {
        Some("a mirror pod may not reference service accounts")
    } else if volumes.iter().any(|v| v.get("secret").is_some()) || projected("secret") {
        Some("a mirror pod may not reference secrets")
    } else if volumes.iter().any(|v| v.get("configMap").is_some()) || projected("configMap") {
        Some("a mirror pod may not reference configmaps")
    } else if projected("serviceAccountToken") {
        Some("a mirror pod may not use ServiceAccountToken volume projections")
    } else {
        None
    };
    match why {
        Some(w) => {
            builtin(p, Verdict::Deny, a.forbidden(w), json!({"code": 403, "reason": "Forbidden", "mirrorPod": true}))
        }
        None => builtin(p, Verdict::Allow, "Mirror pods are not mutated.".into(), json!({"mirrorPod": true})),
    }
}

/// Steps in order; the first surely denying step stops the chain.
#[derive(Default)]
struct Chain {
    steps: Vec<Step>,
    stopped_at: Option<String>,
}

impl Chain {
    fn push(&mut self, step: Step) {
        if self.stopped_at.is_some() {
            return;
        }
        if step.verdict == Verdict::Deny {
            self.stopped_at = Some(step.plugin.clone());
        }
        self.steps.push(step);
    }

    fn running(&self) -> bool {
        self.stopped_at.is_none()
    }
}

/// What the admission chain of kube-apiserver does with `request`.
///
/// `namespaces`: None when the cluster's namespaces are unknown (steps that need them say so), else all of them.
/// `pod_service_account_exists`: for pod CREATE, whether the pod's ServiceAccount exists (None if unknown).
pub fn evaluate(
    objects: &AdmissionObjects,
    namespaces: Option<&BTreeMap<String, NamespaceInfo>>,
    request: &AdmissionRequest,
    pod_service_account_exists: Option<bool>,
) -> AdmissionReport {
    let a = Attrs::new(request);
    let mut chain = Chain::default();
    let mut notes = Vec::new();
    if let Some(s) = namespace_lifecycle(&a, namespaces) {
        chain.push(s);
    }
    if chain.running()
        && let Some(s) = service_account(&a, pod_service_account_exists)
    {
        chain.push(s);
    }
    let review = rules::is_review_resource(&a);
    let webhooks_skip = review || rules::exempt_from_webhooks(&a);
    let policies_skip = review || rules::exempt_from_policies(&a);
    if review && !objects.is_empty() {
        notes.push("Review resources (TokenReview, SubjectAccessReview, ...) are never sent to webhooks or admission policies.".into());
    } else {
        if webhooks_skip && !objects.webhook_configurations.is_empty() {
            notes.push("Webhook configurations and admission policies are never sent to admission webhooks.".into());
        }
        if policies_skip && !objects.policies.is_empty() {
            notes.push("Admission policies and their bindings are never evaluated by admission policies.".into());
        }
    }
    let mut mutators = Vec::new();
    if chain.running() && !policies_skip {
        for s in policies::evaluate(&objects.policies, &objects.bindings, true, &a, namespaces) {
            mutators.push(format!("MutatingAdmissionPolicy {:?}", s.name));
            chain.push(s);
        }
    }
    if chain.running() && !webhooks_skip {
        for s in webhooks::evaluate(&objects.webhook_configurations, true, &a, namespaces) {
            mutators.push(format!("webhook {:?}", s.details["webhook"].as_str().unwrap_or_default()));
            chain.push(s);
        }
    }
    if chain.running()
        && let Some(s) = pod_security::evaluate(&a, namespaces, &mutators)
    {
        notes.push(
            "PodSecurity exemptions and cluster-wide default levels set in the API server's AdmissionConfiguration are not visible here (defaults assumed: privileged, no exemptions)."
                .into(),
        );
        chain.push(s);
    }
    if chain.running() && !policies_skip {
        for s in policies::evaluate(&objects.policies, &objects.bindings, false, &a, namespaces) {
            chain.push(s);
        }
    }
    if chain.running() && !webhooks_skip {
        for s in webhooks::evaluate(&objects.webhook_configurations, false, &a, namespaces) {
            chain.push(s);
        }
    }
    let steps = chain.steps;
    let verdict = if steps.iter().any(|s| s.verdict == Verdict::Deny) {
        Verdict::Deny
    } else if steps.iter().any(|s| matches!(s.verdict, Verdict::MayDeny | Verdict::Unknown)) {
        Verdict::MayDeny
    } else {
        Verdict::Allow
    };
    if let Some(plugin) = &chain.stopped_at {
        notes.push(format!("The request is rejected by {plugin}; admission plugins after it do not run."));
    }
    let decided_at_request_time = |s: &Step| {
        matches!(
            s.plugin.as_str(),
            plugin::MUTATING_POLICY | plugin::MUTATING_WEBHOOK | plugin::VALIDATING_POLICY | plugin::VALIDATING_WEBHOOK
        ) || s.verdict == Verdict::Unknown
    };
    let needs_server_dry_run = verdict != Verdict::Deny && steps.iter().any(decided_at_request_time);
    if needs_server_dry_run {
        for s in steps.iter().filter(|s| s.details["blocksServerDryRun"] == true) {
            notes.push(format!(
                "A server-side dry-run fails (400) because webhook {:?} of {:?} declares sideEffects {}.",
                s.details["webhook"].as_str().unwrap_or_default(),
                s.name,
                s.details["sideEffects"].as_str().unwrap_or("Unknown")
            ));
        }
    }
    if !steps.is_empty() {
        notes.push("LimitRanger, ResourceQuota and other built-in admission plugins are not simulated.".into());
    }
    AdmissionReport { applies: !steps.is_empty(), verdict, needs_server_dry_run, steps, notes }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A request in namespace `ns` ("" for cluster-scoped), no object.
    pub(crate) fn request(op: Operation, group: &str, version: &str, resource: &str, ns: &str) -> AdmissionRequest {
        AdmissionRequest {
            operation: op,
            group: group.into(),
            version: version.into(),
            resource: resource.into(),
            subresource: String::new(),
            kind: String::new(),
            namespace: ns.into(),
            name: String::new(),
            namespaced: !ns.is_empty(),
            object: None,
        }
    }

    fn ns(name: &str, labels: &[(&str, &str)], phase: &str) -> (String, NamespaceInfo) {
        let labels = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        (name.to_string(), NamespaceInfo { name: name.into(), labels, phase: Some(phase.into()) })
    }

    /// default, kube-system, dev (env=dev), prod (env=prod), restricted, baseline (warn restricted), dying.
    pub(crate) fn namespaces() -> BTreeMap<String, NamespaceInfo> {
        [
            ns("default", &[], "Active"),
            ns("kube-system", &[], "Active"),
            ns("dev", &[("env", "dev")], "Active"),
            ns("prod", &[("env", "prod")], "Active"),
            ns("restricted", &[("pod-security.kubernetes.io/enforce", "restricted")], "Active"),
            ns(
                "baseline",
                &[
                    ("pod-security.kubernetes.io/enforce", "baseline"),
                    ("pod-security.kubernetes.io/warn", "restricted"),
                ],
                "Active",
            ),
            ns("dying", &[], "Terminating"),
        ]
        .into_iter()
        .collect()
    }

    fn pod(ns: &str, spec: Value) -> AdmissionRequest {
        let mut r = request(Operation::Create, "", "v1", "pods", ns);
        r.kind = "Pod".into();
        r.object = Some(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}}, "spec": spec}),
        );
        r
    }

    fn plugins(r: &AdmissionReport) -> Vec<&str> {
        r.steps.iter().map(|s| s.plugin.as_str()).collect()
    }

    fn step<'r>(r: &'r AdmissionReport, plugin: &str) -> &'r Step {
        r.steps.iter().find(|s| s.plugin == plugin).unwrap_or_else(|| panic!("no {plugin} step in {r:#?}"))
    }

    // ---- NamespaceLifecycle

    #[test]
    fn create_in_missing_namespace_is_404_and_stops_the_chain() {
        let mut objs = AdmissionObjects::new();
        objs.add(
            "ValidatingWebhookConfiguration",
            json!({"metadata": {"name": "all"}, "webhooks": [{"name": "w",
            "rules": [{"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"]}]}]}),
        )
        .unwrap();
        let req = request(Operation::Create, "", "v1", "configmaps", "nope");
        let r = evaluate(&objs, Some(&namespaces()), &req, None);
        assert_eq!(plugins(&r), ["NamespaceLifecycle"]);
        assert_eq!(r.steps[0].verdict, Verdict::Deny);
        assert_eq!(r.steps[0].message, "namespaces \"nope\" not found");
        assert_eq!(r.steps[0].details["code"], 404);
        assert_eq!(r.verdict, Verdict::Deny);
        assert!(!r.needs_server_dry_run);
        assert!(r.notes.iter().any(|n| n.contains("rejected by NamespaceLifecycle")));
        // UPDATE in a missing namespace is 404 too.
        let upd = request(Operation::Update, "", "v1", "configmaps", "nope");
        assert_eq!(evaluate(&objs, Some(&namespaces()), &upd, None).verdict, Verdict::Deny);
    }

    #[test]
    fn create_in_terminating_namespace_is_403() {
        let mut req = request(Operation::Create, "", "v1", "configmaps", "dying");
        req.name = "cfg".into();
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, None);
        assert_eq!(r.verdict, Verdict::Deny);
        assert_eq!(
            r.steps[0].message,
            "configmaps \"cfg\" is forbidden: unable to create new content in namespace dying because it is being terminated"
        );
        assert_eq!(r.steps[0].details["code"], 403);
        // Updates and deletes in a terminating namespace are allowed.
        req.operation = Operation::Update;
        assert_eq!(evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, None).verdict, Verdict::Allow);
        req.operation = Operation::Delete;
        assert_eq!(evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, None).verdict, Verdict::Allow);
    }

    #[test]
    fn immortal_namespaces_cannot_be_deleted() {
        for name in ["default", "kube-system", "kube-public"] {
            let mut req = request(Operation::Delete, "", "v1", "namespaces", "");
            req.name = name.into();
            req.kind = "Namespace".into();
            let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, None);
            assert_eq!(r.verdict, Verdict::Deny, "{name}");
            assert_eq!(
                r.steps[0].message,
                format!("namespaces {name:?} is forbidden: this namespace may not be deleted")
            );
        }
        let mut req = request(Operation::Delete, "", "v1", "namespaces", "");
        req.name = "dev".into();
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, None);
        assert_eq!(r.verdict, Verdict::Allow);
        // Deleting objects inside kube-system is fine.
        let pod = request(Operation::Delete, "", "v1", "pods", "kube-system");
        assert_eq!(evaluate(&AdmissionObjects::new(), Some(&namespaces()), &pod, None).verdict, Verdict::Allow);
    }

    #[test]
    fn unknown_namespaces_and_out_of_scope_requests() {
        let req = request(Operation::Create, "", "v1", "configmaps", "dev");
        let r = evaluate(&AdmissionObjects::new(), None, &req, None);
        assert_eq!(r.steps[0].verdict, Verdict::Unknown);
        assert_eq!(r.verdict, Verdict::MayDeny);
        assert!(r.needs_server_dry_run);
        // Cluster-scoped objects and CONNECT are not NamespaceLifecycle's business.
        let node = request(Operation::Create, "", "v1", "nodes", "");
        let r = evaluate(&AdmissionObjects::new(), None, &node, None);
        assert!(!r.applies);
        assert_eq!(r.verdict, Verdict::Allow);
        assert!(r.steps.is_empty() && r.notes.is_empty());
        let mut exec = request(Operation::Connect, "", "v1", "pods", "nope");
        exec.subresource = "exec".into();
        assert!(!evaluate(&AdmissionObjects::new(), Some(&namespaces()), &exec, None).applies);
        // Access reviews are allowed even in a missing namespace.
        let lsar = request(Operation::Create, "authorization.k8s.io", "v1", "localsubjectaccessreviews", "nope");
        assert_eq!(evaluate(&AdmissionObjects::new(), Some(&namespaces()), &lsar, None).verdict, Verdict::Allow);
    }

    // ---- ServiceAccount

    #[test]
    fn missing_service_account_is_403() {
        let mut req = pod("dev", json!({"serviceAccountName": "builder", "containers": [{"name": "c"}]}));
        req.name = "web".into();
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, Some(false));
        assert_eq!(plugins(&r), ["NamespaceLifecycle", "ServiceAccount"]);
        assert_eq!(r.verdict, Verdict::Deny);
        assert_eq!(
            r.steps[1].message,
            "pods \"web\" is forbidden: error looking up service account dev/builder: serviceaccount \"builder\" not found"
        );
    }

    #[test]
    fn service_account_mutation() {
        let req = pod(
            "dev",
            json!({"initContainers": [{"name": "init"}], "containers": [
                {"name": "a"},
                {"name": "b", "volumeMounts": [{"name": "own", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]},
            ]}),
        );
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, Some(true));
        let s = step(&r, "ServiceAccount");
        assert_eq!(s.verdict, Verdict::Mutate);
        assert_eq!(s.details["serviceAccountName"], "default");
        assert_eq!(s.details["defaulted"], true);
        assert_eq!(s.details["containers"], json!(["init", "a"]));
        assert_eq!(s.details["tokenVolume"]["name"], "kube-api-access-<random>");
        assert!(s.message.contains("sets spec.serviceAccountName to \"default\""), "{}", s.message);
        assert!(
            s.message.contains("unless the ServiceAccount sets automountServiceAccountToken: false"),
            "{}",
            s.message
        );
        assert_eq!(r.verdict, Verdict::Allow, "mutation is not a denial");
        // automountServiceAccountToken: false on the pod wins.
        let req = pod(
            "dev",
            json!({"serviceAccountName": "sa", "automountServiceAccountToken": false, "containers": [{"name": "a"}]}),
        );
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, Some(true));
        let s = step(&r, "ServiceAccount");
        assert_eq!(s.details["automount"], "no");
        assert_eq!(s.details["defaulted"], false);
        assert!(s.details.get("tokenVolume").is_none());
        // Unknown existence.
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, None);
        assert_eq!(step(&r, "ServiceAccount").verdict, Verdict::Unknown);
        assert_eq!(r.verdict, Verdict::MayDeny);
        // Without the object the SA name is not known.
        let bare = request(Operation::Create, "", "v1", "pods", "dev");
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &bare, Some(true));
        assert!(step(&r, "ServiceAccount").message.contains("\"default\" unless spec.serviceAccountName is set"));
        // Only pod CREATE is concerned.
        let upd = request(Operation::Update, "", "v1", "pods", "dev");
        assert!(
            !plugins(&evaluate(&AdmissionObjects::new(), Some(&namespaces()), &upd, Some(false)))
                .contains(&"ServiceAccount")
        );
    }

    #[test]
    fn mirror_pods() {
        let mut req = pod("dev", json!({"serviceAccountName": "x", "containers": [{"name": "a"}]}));
        req.object.as_mut().unwrap()["metadata"]["annotations"] = json!({"kubernetes.io/config.mirror": "hash"});
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, Some(true));
        assert_eq!(step(&r, "ServiceAccount").verdict, Verdict::Deny);
        assert!(r.steps[1].message.ends_with("a mirror pod may not reference service accounts"));
        req.object.as_mut().unwrap()["spec"] = json!({"containers": [{"name": "a"}]});
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, Some(false));
        assert_eq!(step(&r, "ServiceAccount").verdict, Verdict::Allow);
    }

    // ---- the whole chain

    fn cluster_objects() -> AdmissionObjects {
        let mut o = AdmissionObjects::new();
        let rules =
            json!([{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}]);
        assert!(o.add("MutatingWebhookConfiguration", json!({"metadata": {"name": "inject"}, "webhooks": [{"name": "inject.example.com", "rules": rules, "sideEffects": "None"}]})).unwrap());
        assert!(o.add("ValidatingWebhookConfiguration", json!({"metadata": {"name": "policy"}, "webhooks": [{"name": "check.example.com", "rules": rules, "sideEffects": "Some", "failurePolicy": "Ignore"}]})).unwrap());
        assert!(o.add("", json!({"kind": "ValidatingAdmissionPolicy", "metadata": {"name": "no-latest"}, "spec": {
            "matchConstraints": {"resourceRules": [{"operations": ["CREATE", "UPDATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}]},
            "validations": [{"expression": "object.spec.containers.all(c, !c.image.endsWith(':latest'))", "message": "no latest tags"}]}})).unwrap());
        assert!(o.add("ValidatingAdmissionPolicyBinding", json!({"metadata": {"name": "no-latest"}, "spec": {"policyName": "no-latest", "validationActions": ["Deny"]}})).unwrap());
        assert!(o.add("MutatingAdmissionPolicy", json!({"metadata": {"name": "labels"}, "spec": {
            "matchConstraints": {"resourceRules": [{"operations": ["CREATE"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"]}]},
            "mutations": [{"patchType": "JSONPatch", "jsonPatch": {"expression": "[]"}}]}})).unwrap());
        assert!(
            o.add(
                "MutatingAdmissionPolicyBinding",
                json!({"metadata": {"name": "labels"}, "spec": {"policyName": "labels"}})
            )
            .unwrap()
        );
        o
    }

    #[test]
    fn full_chain_order_and_verdict() {
        let objs = cluster_objects();
        let req = pod("restricted", json!({"containers": [{"name": "nginx", "image": "nginx"}]}));
        let r = evaluate(&objs, Some(&namespaces()), &req, Some(true));
        assert_eq!(
            plugins(&r),
            [
                "NamespaceLifecycle",
                "ServiceAccount",
                "MutatingAdmissionPolicy",
                "MutatingAdmissionWebhook",
                "PodSecurity",
                "ValidatingAdmissionPolicy",
                "ValidatingAdmissionWebhook"
            ]
        );
        // The restricted namespace would reject this pod, but mutation runs first and may fix it.
        assert_eq!(step(&r, "PodSecurity").verdict, Verdict::MayDeny);
        assert!(step(&r, "PodSecurity").message.contains("webhook \"inject.example.com\""));
        assert_eq!(r.verdict, Verdict::MayDeny);
        assert!(r.applies);
        assert!(r.needs_server_dry_run);
        assert!(
            r.notes.iter().any(|n| n.contains("server-side dry-run fails (400)") && n.contains("check.example.com"))
        );
        // Without mutators the denial is certain and later steps do not run.
        let mut plain = AdmissionObjects::new();
        plain
            .add(
                "ValidatingWebhookConfiguration",
                json!({"metadata": {"name": "policy"}, "webhooks": [{"name": "v",
            "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}]}]}),
            )
            .unwrap();
        let r = evaluate(&plain, Some(&namespaces()), &req, Some(true));
        assert_eq!(plugins(&r), ["NamespaceLifecycle", "ServiceAccount", "PodSecurity"]);
        assert_eq!(r.verdict, Verdict::Deny);
        assert!(!r.needs_server_dry_run);
    }

    #[test]
    fn clean_pod_with_no_admission_objects_is_allowed() {
        let req = pod("dev", json!({"containers": [{"name": "a", "image": "nginx:1.27"}]}));
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, Some(true));
        assert_eq!(plugins(&r), ["NamespaceLifecycle", "ServiceAccount", "PodSecurity"]);
        assert_eq!(r.verdict, Verdict::Allow);
        assert!(!r.needs_server_dry_run);
    }

    #[test]
    fn admission_objects_are_exempt_from_webhooks_but_not_webhook_configs_from_policies() {
        let mut objs = AdmissionObjects::new();
        let all = json!([{"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"]}]);
        objs.add(
            "ValidatingWebhookConfiguration",
            json!({"metadata": {"name": "all"}, "webhooks": [{"name": "w", "rules": all}]}),
        )
        .unwrap();
        objs.add(
            "ValidatingAdmissionPolicy",
            json!({"metadata": {"name": "p"}, "spec": {"matchConstraints": {"resourceRules": all}}}),
        )
        .unwrap();
        objs.add(
            "ValidatingAdmissionPolicyBinding",
            json!({"metadata": {"name": "b"}, "spec": {"policyName": "p", "validationActions": ["Deny"]}}),
        )
        .unwrap();
        let mut vwc =
            request(Operation::Update, "admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "");
        vwc.kind = "ValidatingWebhookConfiguration".into();
        let r = evaluate(&objs, None, &vwc, None);
        assert_eq!(plugins(&r), ["ValidatingAdmissionPolicy"]);
        let vap = request(Operation::Update, "admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "");
        let r = evaluate(&objs, None, &vap, None);
        assert!(r.steps.is_empty());
        assert!(r.notes.iter().any(|n| n.contains("never sent to admission webhooks")));
        let sar = request(Operation::Create, "authorization.k8s.io", "v1", "subjectaccessreviews", "");
        let r = evaluate(&objs, None, &sar, None);
        assert!(!r.applies);
        assert_eq!(r.verdict, Verdict::Allow);
        let tr = request(Operation::Create, "authentication.k8s.io", "v1", "tokenreviews", "");
        assert!(!evaluate(&objs, None, &tr, None).applies);
        let cm = request(Operation::Create, "", "v1", "configmaps", "dev");
        assert_eq!(
            plugins(&evaluate(&objs, Some(&namespaces()), &cm, None)),
            ["NamespaceLifecycle", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook"]
        );
    }

    #[test]
    fn add_kinds_replacement_and_errors() {
        let mut o = AdmissionObjects::new();
        assert!(o.is_empty());
        assert!(!o.add("ConfigMap", json!({"metadata": {"name": "x"}})).unwrap());
        assert!(!o.add("", json!({"kind": "Secret"})).unwrap());
        assert!(o.is_empty());
        let w = |name: &str| json!({"metadata": {"name": "cfg"}, "webhooks": [{"name": name, "rules": [{"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"]}]}]});
        assert!(o.add("ValidatingWebhookConfiguration", w("old")).unwrap());
        assert!(o.add("ValidatingWebhookConfiguration", w("new")).unwrap());
        assert!(!o.is_empty());
        let cm = request(Operation::Create, "", "v1", "configmaps", "dev");
        let r = evaluate(&o, Some(&namespaces()), &cm, None);
        let hooks: Vec<_> = r.steps.iter().filter_map(|s| s.details.get("webhook")).collect();
        assert_eq!(hooks, [&json!("new")]);
        let e = o
            .add("ValidatingWebhookConfiguration", json!({"metadata": {"name": "bad"}, "webhooks": [{"rules": 1}]}))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "ValidatingWebhookConfiguration \"bad\": webhooks[0].rules: expected a list, found a number"
        );
        let e = o.add("MutatingAdmissionPolicyBinding", json!({"spec": {}})).unwrap_err();
        assert_eq!(e.to_string(), "MutatingAdmissionPolicyBinding: metadata.name is missing");
        let e = o.add("ValidatingAdmissionPolicy", json!("text")).unwrap_err();
        assert_eq!(e.to_string(), "ValidatingAdmissionPolicy: expected an object, found a string");
        let e = o.add("MutatingWebhookConfiguration", json!({"metadata": {"name": 5}})).unwrap_err();
        assert!(!e.to_string().contains('\n'));
        let e = o
            .add("ValidatingWebhookConfiguration", json!({"metadata": {"name": "s"}, "webhooks": [{"namespaceSelector": {"matchExpressions": [{"key": "a", "operator": "Has"}]}}]}))
            .unwrap_err();
        assert!(e.to_string().contains("webhooks[0].namespaceSelector.matchExpressions[0].operator"), "{e}");
    }

    #[test]
    fn namespace_info_from_json() {
        let n = NamespaceInfo::from_json(
            &json!({"metadata": {"name": "a", "labels": {"x": "y"}}, "status": {"phase": "Terminating"}}),
        )
        .unwrap();
        assert_eq!(n.name, "a");
        assert_eq!(n.labels.get("x").map(String::as_str), Some("y"));
        assert_eq!(n.phase.as_deref(), Some("Terminating"));
        assert_eq!(
            NamespaceInfo::from_json(&json!({"metadata": {}})).unwrap_err().to_string(),
            "Namespace: metadata.name is missing"
        );
        assert!(NamespaceInfo::from_json(&json!({"metadata": {"name": "a", "labels": []}})).is_err());
    }

    #[test]
    fn operations_from_verbs() {
        assert_eq!(Operation::from_verb("create", "pods", ""), Some(Operation::Create));
        assert_eq!(Operation::from_verb("patch", "deployments", "scale"), Some(Operation::Update));
        assert_eq!(Operation::from_verb("deletecollection", "pods", ""), Some(Operation::Delete));
        assert_eq!(Operation::from_verb("get", "pods", "exec"), Some(Operation::Connect));
        assert_eq!(Operation::from_verb("create", "pods", "exec"), Some(Operation::Connect));
        assert_eq!(Operation::from_verb("get", "services", "proxy"), Some(Operation::Connect));
        assert_eq!(Operation::from_verb("create", "pods", "eviction"), Some(Operation::Create));
        assert_eq!(Operation::from_verb("get", "pods", "log"), None);
        assert_eq!(Operation::from_verb("list", "pods", ""), None);
        assert_eq!(Operation::from_verb("watch", "pods", ""), None);
    }

    #[test]
    fn report_json_shape() {
        let objs = cluster_objects();
        let req = pod("dev", json!({"containers": [{"name": "a", "image": "nginx"}]}));
        let r = evaluate(&objs, Some(&namespaces()), &req, Some(true));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["applies"], true);
        assert_eq!(v["verdict"], "may-deny");
        assert_eq!(v["needsServerDryRun"], true);
        assert!(v["notes"].is_array());
        let first = &v["steps"][0];
        assert_eq!(first["plugin"], "NamespaceLifecycle");
        assert_eq!(first["name"], "");
        assert_eq!(first["verdict"], "allow");
        assert!(first.get("details").is_none(), "null details are omitted");
        let sa = &v["steps"][1];
        assert_eq!(sa["verdict"], "mutate");
        assert_eq!(Verdict::MayDeny.as_str(), "may-deny");
        // The Operation serializes as the API server spells it.
        assert_eq!(serde_json::to_value(Operation::Connect).unwrap(), "CONNECT");
    }

    #[test]
    fn deployments_through_the_chain() {
        let mut req = request(Operation::Create, "apps", "v1", "deployments", "restricted");
        req.object = Some(
            json!({"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {"hostNetwork": true, "containers": [{"name": "c"}]}}}}),
        );
        let r = evaluate(&AdmissionObjects::new(), Some(&namespaces()), &req, None);
        assert_eq!(plugins(&r), ["NamespaceLifecycle", "PodSecurity"]);
        assert_eq!(r.verdict, Verdict::Allow, "workloads only get warnings");
        assert!(step(&r, "PodSecurity").message.contains("host namespaces (hostNetwork=true)"));
    }
}
