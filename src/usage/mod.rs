//! `usage`: what each ServiceAccount really did (audit logs) against what it is granted, and the least privilege
//! that covers what it did. Aggregation keeps a bounded amount per distinct request shape, never per event.

pub mod log;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::model::{Cluster, Rule};
use crate::rbac::near_miss::near_misses;
use crate::rbac::request::parse_sa_username;
use crate::rbac::{ObjectRef, Request, ResourceAttributes, UserInfo, authorize, bindings_for_user};

/// Names are listed per request shape while there are at most this many distinct ones.
pub const MAX_NAMES: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Resource { verb: String, group: String, resource: String, subresource: String, namespace: String },
    NonResource { verb: String, path: String },
}

#[derive(Debug, Clone, Default)]
struct Tally {
    count: u64,
    first: String,
    last: String,
    /// None once more than MAX_NAMES distinct names were seen.
    names: Option<BTreeSet<String>>,
    unnamed: bool,
}

#[derive(Debug, Default)]
struct SaTally {
    shapes: BTreeMap<(bool, Shape), Tally>,
    pods: BTreeSet<String>,
    credentials: BTreeSet<String>,
}

/// Accumulates audit events, per ServiceAccount.
#[derive(Debug, Default)]
pub struct Aggregator {
    only: Option<(String, String)>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    per_sa: BTreeMap<(String, String), SaTally>,
    pub events_read: u64,
    pub events_counted: u64,
    first: Option<String>,
    last: Option<String>,
}

impl Aggregator {
    pub fn new(only: Option<(String, String)>, since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Self {
        Aggregator { only, since, until, ..Default::default() }
    }

    pub fn add(&mut self, ev: log::Event) {
        self.events_read += 1;
        if !ev.is_final_stage() {
            return;
        }
        let ts = ev.request_received_timestamp.clone();
        if self.since.is_some() || self.until.is_some() {
            let Ok(t) = DateTime::parse_from_rfc3339(&ts).map(|t| t.with_timezone(&Utc)) else { return };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t > u) {
                return;
            }
        }
        let user = ev.effective_user();
        let Some((ns, name)) = parse_sa_username(&user.username) else { return };
        let key = (ns.to_string(), name.to_string());
        if self.only.as_ref().is_some_and(|o| *o != key) {
            return;
        }
        self.events_counted += 1;
        if self.first.as_ref().is_none_or(|f| ts < *f) {
            self.first = Some(ts.clone());
        }
        if self.last.as_ref().is_none_or(|l| ts > *l) {
            self.last = Some(ts.clone());
        }
        let forbidden = ev.forbidden();
        let (shape, obj_name) = match &ev.object_ref {
            Some(o) if !o.resource.is_empty() => (
                Shape::Resource {
                    verb: ev.verb.clone(),
                    group: o.api_group.clone(),
                    resource: o.resource.clone(),
                    subresource: o.subresource.clone(),
                    namespace: o.namespace.clone(),
                },
                // The audit objectRef of a create names the new object, but the authorizer saw no name (a POST to
                // the collection): record names as authorization saw them, or resourceNames would be suggested
                // that never allow the create.
                if ev.verb == "create" && o.subresource.is_empty() { String::new() } else { o.name.clone() },
            ),
            _ => {
                let path = ev.request_uri.split('?').next().unwrap_or_default().to_string();
                (Shape::NonResource { verb: ev.verb.clone(), path }, String::new())
            }
        };
        let sa = self.per_sa.entry(key).or_default();
        if let Some(pods) = user.extra.get("authentication.kubernetes.io/pod-name") {
            sa.pods.extend(pods.iter().cloned());
        }
        if let Some(ids) = user.extra.get("authentication.kubernetes.io/credential-id") {
            sa.credentials.extend(ids.iter().cloned());
        }
        let t = sa.shapes.entry((forbidden, shape)).or_insert_with(|| Tally {
            first: ts.clone(),
            last: ts.clone(),
            names: Some(BTreeSet::new()),
            ..Default::default()
        });
        t.count += 1;
        if ts < t.first {
            t.first = ts.clone();
        }
        if ts > t.last {
            t.last = ts;
        }
        if obj_name.is_empty() {
            t.unnamed = true;
        } else if let Some(names) = &mut t.names {
            names.insert(obj_name);
            if names.len() > MAX_NAMES {
                t.names = None;
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestUse {
    pub verb: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `pods` or `pods/log`; absent for non-resource requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The non-resource URL path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The object names, when there were few (at most 5); null when there were more.
    pub names: Option<Vec<String>>,
    /// Some requests named no object (list, create, watch...).
    pub unnamed: bool,
    pub count: u64,
    pub first_seen: String,
    pub last_seen: String,
    pub forbidden: bool,
    /// For forbidden requests (with cluster objects): why, as `explain` would say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantUse {
    pub binding: ObjectRef,
    pub role: ObjectRef,
    pub rule_index: usize,
    pub rule: Arc<Rule>,
    pub scope: String,
    pub used: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
    pub requests: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaUsage {
    pub namespace: String,
    pub name: String,
    pub requests: u64,
    pub forbidden: u64,
    pub first_seen: String,
    pub last_seen: String,
    pub pods: Vec<String>,
    pub credential_ids: Vec<String>,
    pub by_request: Vec<RequestUse>,
    /// With cluster objects: every granting rule, used or not over the window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<GrantUse>>,
    /// With cluster objects: bindings of the SA that no request used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unused_bindings: Option<Vec<ObjectRef>>,
    /// With --suggest: least-privilege objects covering exactly the allowed requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Vec<Value>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageReport {
    /// The time the counted events actually cover.
    pub window: Window,
    pub events_read: u64,
    pub events_counted: u64,
    pub bad_lines: Vec<log::BadLine>,
    pub service_accounts: Vec<SaUsage>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// First and last request seen.
    pub from: Option<String>,
    pub to: Option<String>,
}

fn request_of(shape: &Shape, name: &str) -> Request {
    match shape {
        Shape::Resource { verb, group, resource, subresource, namespace } => Request::Resource {
            verb: verb.clone(),
            attrs: ResourceAttributes {
                group: group.clone(),
                resource: resource.clone(),
                subresource: subresource.clone(),
                name: name.to_string(),
                namespace: namespace.clone(),
            },
        },
        Shape::NonResource { verb, path } => Request::NonResource { verb: verb.clone(), path: path.clone() },
    }
}

/// The concrete requests a tally stands for: each listed name, and no name when some request had none or the names
/// overflowed (a rule allowing them all needs no resourceNames).
fn requests_of(shape: &Shape, t: &Tally) -> Vec<Request> {
    let mut out: Vec<Request> = t.names.iter().flatten().map(|n| request_of(shape, n)).collect();
    if t.unnamed || t.names.is_none() {
        out.push(request_of(shape, ""));
    }
    out
}

impl Aggregator {
    /// The report; with cluster objects, grants are compared with use; with `suggest`, least privilege is computed.
    pub fn report(self, cluster: Option<&Cluster>, suggest: bool, bad_lines: Vec<log::BadLine>) -> UsageReport {
        let mut service_accounts = Vec::new();
        for ((ns, name), sa) in &self.per_sa {
            let user = UserInfo::service_account(ns, name);
            let mut by_request = Vec::new();
            let (mut total, mut forbidden) = (0, 0);
            for ((is_forbidden, shape), t) in &sa.shapes {
                total += t.count;
                if *is_forbidden {
                    forbidden += t.count;
                }
                let explain = match (cluster, is_forbidden) {
                    (Some(c), true) => {
                        let req = request_of(shape, t.names.iter().flatten().next().map(String::as_str).unwrap_or(""));
                        let misses = near_misses(c, &user, &req);
                        Some(json!({
                            "forbiddenMessage": req.forbidden_message(&user.username),
                            "nearMisses": misses.iter().take(3).collect::<Vec<_>>(),
                            "fix": crate::rbac::fix::least_privilege(ns, name, &req),
                        }))
                    }
                    _ => None,
                };
                let mut r = RequestUse {
                    verb: String::new(),
                    group: None,
                    resource: None,
                    namespace: None,
                    path: None,
                    names: t.names.as_ref().map(|n| n.iter().cloned().collect()),
                    unnamed: t.unnamed,
                    count: t.count,
                    first_seen: t.first.clone(),
                    last_seen: t.last.clone(),
                    forbidden: *is_forbidden,
                    explain,
                };
                match shape {
                    Shape::Resource { verb, group, resource, subresource, namespace } => {
                        r.verb = verb.clone();
                        r.group = Some(group.clone());
                        r.resource = Some(if subresource.is_empty() {
                            resource.clone()
                        } else {
                            format!("{resource}/{subresource}")
                        });
                        r.namespace = Some(namespace.clone());
                    }
                    Shape::NonResource { verb, path } => {
                        r.verb = verb.clone();
                        r.path = Some(path.clone());
                    }
                }
                by_request.push(r);
            }
            let (grants, unused_bindings) = match cluster {
                Some(c) => {
                    let (g, u) = grants_vs_use(c, &user, sa);
                    (Some(g), Some(u))
                }
                None => (None, None),
            };
            let suggestion = suggest.then(|| suggestion(ns, name, sa));
            let firsts = sa.shapes.values().map(|t| t.first.clone()).min().unwrap_or_default();
            let lasts = sa.shapes.values().map(|t| t.last.clone()).max().unwrap_or_default();
            service_accounts.push(SaUsage {
                namespace: ns.clone(),
                name: name.clone(),
                requests: total,
                forbidden,
                first_seen: firsts,
                last_seen: lasts,
                pods: sa.pods.iter().cloned().collect(),
                credential_ids: sa.credentials.iter().cloned().collect(),
                by_request,
                grants,
                unused_bindings,
                suggestion,
            });
        }
        UsageReport {
            window: Window {
                since: self.since.map(|t| t.to_rfc3339()),
                until: self.until.map(|t| t.to_rfc3339()),
                from: self.first,
                to: self.last,
            },
            events_read: self.events_read,
            events_counted: self.events_counted,
            bad_lines,
            service_accounts,
        }
    }
}

/// Marks every granting rule of the SA as used or not by the allowed requests it made.
fn grants_vs_use(cluster: &Cluster, user: &UserInfo, sa: &SaTally) -> (Vec<GrantUse>, Vec<ObjectRef>) {
    let mut grants: Vec<GrantUse> = Vec::new();
    let mut bindings: Vec<ObjectRef> = Vec::new();
    for id in bindings_for_user(cluster, user) {
        let b = cluster.binding(id);
        bindings.push(ObjectRef::of_binding(b));
        if let Ok(role) = cluster.resolve_role(b) {
            for (i, rule) in role.rules.iter().enumerate() {
                grants.push(GrantUse {
                    binding: ObjectRef::of_binding(b),
                    role: ObjectRef::of_role_ref(b),
                    rule_index: i,
                    rule: rule.clone(),
                    scope: if b.namespace.is_empty() { "cluster".into() } else { b.namespace.clone() },
                    used: false,
                    last_used: None,
                    requests: 0,
                });
            }
        }
    }
    for ((forbidden, shape), t) in &sa.shapes {
        if *forbidden {
            continue;
        }
        for req in requests_of(shape, t) {
            for g in authorize(cluster, user, &req).grants {
                if let Some(u) = grants.iter_mut().find(|u| u.binding == *g.binding && u.rule_index == g.rule_index) {
                    u.used = true;
                    u.requests += t.count;
                    if u.last_used.as_ref().is_none_or(|l| t.last > *l) {
                        u.last_used = Some(t.last.clone());
                    }
                }
            }
        }
    }
    let used: BTreeSet<&ObjectRef> = grants.iter().filter(|g| g.used).map(|g| &g.binding).collect();
    let unused = bindings.iter().filter(|b| !used.contains(b)).cloned().collect();
    (grants, unused)
}

/// (group, resource, resourceNames) -> verbs.
type RulesByResource = BTreeMap<(String, String, Vec<String>), BTreeSet<String>>;

/// Names are kept in a suggested rule when a request shape always named the same few objects.
const SUGGEST_MAX_NAMES: usize = 3;

/// Least-privilege objects covering exactly the allowed requests: a Role per namespace, a ClusterRole for
/// cluster-wide, cluster-scoped and non-resource requests; resourceNames when a shape always hit the same few
/// names; no wildcards.
fn suggestion(ns: &str, name: &str, sa: &SaTally) -> Vec<Value> {
    // (namespace or "" for cluster) -> (group, resource, names) -> verbs; and URL -> verbs.
    let mut resource_rules: BTreeMap<String, RulesByResource> = BTreeMap::new();
    let mut url_rules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for ((forbidden, shape), t) in &sa.shapes {
        if *forbidden {
            continue;
        }
        match shape {
            Shape::Resource { verb, group, resource, subresource, namespace } => {
                let res = if subresource.is_empty() { resource.clone() } else { format!("{resource}/{subresource}") };
                let names = match &t.names {
                    Some(n) if !t.unnamed && !n.is_empty() && n.len() <= SUGGEST_MAX_NAMES => {
                        n.iter().cloned().collect()
                    }
                    _ => Vec::new(),
                };
                resource_rules
                    .entry(namespace.clone())
                    .or_default()
                    .entry((group.clone(), res, names))
                    .or_default()
                    .insert(verb.clone());
            }
            Shape::NonResource { verb, path } => {
                url_rules.entry(path.clone()).or_default().insert(verb.clone());
            }
        }
    }
    let base = crate::rbac::fix::sanitize(&format!("{name}-observed"));
    let subject = json!({"kind": "ServiceAccount", "name": name, "namespace": ns});
    let rule_json = |(group, res, names): &(String, String, Vec<String>), verbs: &BTreeSet<String>| {
        let mut r = json!({"apiGroups": [group], "resources": [res], "verbs": verbs});
        if !names.is_empty() {
            r["resourceNames"] = json!(names);
        }
        r
    };
    let mut objects = Vec::new();
    let mut cluster_rules: Vec<Value> =
        resource_rules.get("").map(|m| m.iter().map(|(k, v)| rule_json(k, v)).collect()).unwrap_or_default();
    cluster_rules.extend(url_rules.iter().map(|(path, verbs)| json!({"nonResourceURLs": [path], "verbs": verbs})));
    if !cluster_rules.is_empty() {
        objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": base}, "rules": cluster_rules}));
        objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": base},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": base}, "subjects": [subject]}));
    }
    for (namespace, rules) in resource_rules.iter().filter(|(k, _)| !k.is_empty()) {
        let rules: Vec<Value> = rules.iter().map(|(k, v)| rule_json(k, v)).collect();
        objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": base, "namespace": namespace}, "rules": rules}));
        objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": base, "namespace": namespace},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": base}, "subjects": [subject]}));
    }
    objects
}
