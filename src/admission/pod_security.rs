//! PodSecurity admission (k8s.io/pod-security-admission): the namespace's enforce/audit/warn levels and the Pod
//! Security Standards checks, as of Kubernetes 1.36 (policy versions up to v1.35; `latest` means all of them).
//!
//! Pods are checked against the enforce level (a violation rejects the request) and the audit and warn levels
//! (annotations, warnings); workload templates only against audit and warn; some pod subresources are skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::{Value, json};

use super::{Attrs, NamespaceInfo, Operation, Step, Verdict, parse, plugin};

const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// A policy version: `latest` or `v1.<minor>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    Latest,
    Minor(u32),
}

impl Version {
    fn at_least(self, minor: u32) -> bool {
        match self {
            Version::Latest => true,
            Version::Minor(m) => m >= minor,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Latest => f.write_str("latest"),
            Version::Minor(m) => write!(f, "v1.{m}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LevelVersion {
    pub level: Level,
    pub version: Version,
}

impl fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level.as_str(), self.version)
    }
}

/// The policy a namespace's labels select (api.PolicyToEvaluate), with label errors: an invalid enforce level
/// evaluates as restricted (fail closed), an invalid audit or warn level as privileged (fail open), an invalid
/// version as latest. Without a warn label, warn follows a stricter valid enforce level (and its version).
#[derive(Debug, Clone)]
pub(crate) struct NamespacePolicy {
    pub enforce: LevelVersion,
    pub audit: LevelVersion,
    pub warn: LevelVersion,
    pub errors: Vec<String>,
}

impl NamespacePolicy {
    pub fn from_labels(labels: &BTreeMap<String, String>) -> Self {
        let mut errors = Vec::new();
        let level = |mode: &str, invalid: Level, errors: &mut Vec<String>| -> Option<(Level, bool)> {
            let key = format!("{LABEL_PREFIX}{mode}");
            let v = labels.get(&key)?;
            Some(match v.as_str() {
                "privileged" => (Level::Privileged, true),
                "baseline" => (Level::Baseline, true),
                "restricted" => (Level::Restricted, true),
                _ => {
                    errors.push(format!(
                        "metadata.labels[{key}]: Invalid value: {v:?}: must be one of privileged, baseline, restricted"
                    ));
                    (invalid, false)
                }
            })
        };
        let version = |mode: &str, errors: &mut Vec<String>| -> Option<Version> {
            let key = format!("{LABEL_PREFIX}{mode}-version");
            let v = labels.get(&key)?;
            Some(parse_version(v).unwrap_or_else(|| {
                errors.push(format!("metadata.labels[{key}]: Invalid value: {v:?}: must be \"latest\" or \"v1.x\""));
                Version::Latest
            }))
        };
        let default = LevelVersion { level: Level::Privileged, version: Version::Latest };
        let (mut enforce, mut audit, mut warn) = (default, default, default);
        let enforce_level = level("enforce", Level::Restricted, &mut errors);
        if let Some((l, _)) = enforce_level {
            enforce.level = l;
        }
        if let Some(v) = version("enforce", &mut errors) {
            enforce.version = v;
        }
        if let Some((l, _)) = level("audit", Level::Privileged, &mut errors) {
            audit.level = l;
        }
        if let Some(v) = version("audit", &mut errors) {
            audit.version = v;
        }
        let warn_level = level("warn", Level::Privileged, &mut errors);
        if let Some((l, _)) = warn_level {
            warn.level = l;
        }
        let warn_version = version("warn", &mut errors);
        if let Some(v) = warn_version {
            warn.version = v;
        }
        if warn_level.is_none() && enforce_level.is_some_and(|(_, valid)| valid) && enforce.level > warn.level {
            warn.level = enforce.level;
            if warn_version.is_none() {
                warn.version = enforce.version;
            }
        }
        NamespacePolicy { enforce, audit, warn, errors }
    }

    fn fully_privileged(&self) -> bool {
        self.errors.is_empty() && [self.enforce, self.audit, self.warn].iter().all(|lv| lv.level == Level::Privileged)
    }
}

/// `latest` or `v1.N` with N a decimal without leading zeros.
fn parse_version(v: &str) -> Option<Version> {
    if v == "latest" {
        return Some(Version::Latest);
    }
    let minor = v.strip_prefix("v1.")?;
    let valid =
        minor == "0" || (!minor.is_empty() && !minor.starts_with('0') && minor.bytes().all(|b| b.is_ascii_digit()));
    if !valid {
        return None;
    }
    minor.parse().ok().map(Version::Minor)
}

/// One failed check: `reason (detail)` in the API server's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Violation {
    pub check: &'static str,
    pub reason: String,
    pub detail: String,
}

fn aggregate(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| if v.detail.is_empty() { v.reason.clone() } else { format!("{} ({})", v.reason, v.detail) })
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------------------------
// Pod spec helpers

fn join_quote(items: &[String]) -> String {
    items.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
}

fn pluralize<'a>(singular: &'a str, plural: &'a str, n: usize) -> &'a str {
    if n == 1 { singular } else { plural }
}

/// Init containers, containers, ephemeral containers, in that order (policy/visitor.go).
fn containers(spec: &Value) -> Vec<&Value> {
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .flat_map(|k| spec.get(*k).and_then(Value::as_array).into_iter().flatten())
        .filter(|c| c.is_object())
        .collect()
}

fn cname(c: &Value) -> String {
    c.get("name").and_then(Value::as_str).unwrap_or("").to_string()
}

fn sc(v: &Value) -> Option<&Value> {
    v.get("securityContext").filter(|s| s.is_object())
}

fn sc_bool(v: &Value, key: &str) -> Option<bool> {
    sc(v).and_then(|s| s.get(key)).and_then(Value::as_bool)
}

fn sc_str<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = sc(v)?;
    for k in path {
        cur = cur.get(*k)?;
    }
    cur.as_str()
}

fn is_windows(spec: &Value) -> bool {
    spec.get("os").and_then(|o| o.get("name")).and_then(Value::as_str) == Some("windows")
}

fn user_namespace(spec: &Value) -> bool {
    spec.get("hostUsers").and_then(Value::as_bool) == Some(false)
}

/// `"pod"` and/or `containers "a", "b"` joined by " and ".
fn setters(pod_bad: bool, bad_containers: &[String]) -> String {
    let mut parts = Vec::new();
    if pod_bad {
        parts.push("pod".to_string());
    }
    if !bad_containers.is_empty() {
        parts.push(format!(
            "{} {}",
            pluralize("container", "containers", bad_containers.len()),
            join_quote(bad_containers)
        ));
    }
    parts.join(" and ")
}

type Check = fn(&Value, &Value, Version) -> Option<(String, String)>;

/// The baseline check a restricted check replaces, from a policy minor version on.
type Override = Option<(&'static str, u32)>;

// ---------------------------------------------------------------------------------------------------------------
// Baseline checks

fn check_app_armor(meta: &Value, spec: &Value, _: Version) -> Option<(String, String)> {
    let mut bad = BTreeSet::new();
    for (k, v) in parse::annotations_of(meta) {
        if k.starts_with("container.apparmor.security.beta.kubernetes.io/")
            && !(v.is_empty() || v == "runtime/default" || v.starts_with("localhost/"))
        {
            bad.insert(v);
        }
    }
    let field_ok = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    for t in std::iter::once(spec).chain(containers(spec)).filter_map(|v| sc_str(v, &["appArmorProfile", "type"])) {
        if !field_ok(t) {
            bad.insert(t.to_string());
        }
    }
    if bad.is_empty() {
        return None;
    }
    let bad: Vec<String> = bad.into_iter().collect();
    Some((pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", bad.len()).into(), join_quote(&bad)))
}

const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn added_capabilities(c: &Value) -> Vec<String> {
    sc(c)
        .and_then(|s| s.get("capabilities"))
        .and_then(|caps| caps.get("add"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

fn check_capabilities_baseline(_: &Value, spec: &Value, _: Version) -> Option<(String, String)> {
    let mut bad_containers = Vec::new();
    let mut caps = BTreeSet::new();
    for c in containers(spec) {
        let extra: Vec<String> =
            added_capabilities(c).into_iter().filter(|a| !BASELINE_CAPABILITIES.contains(&a.as_str())).collect();
        if !extra.is_empty() {
            bad_containers.push(cname(c));
            caps.extend(extra);
        }
    }
    if bad_containers.is_empty() {
        return None;
    }
    let caps: Vec<String> = caps.into_iter().collect();
    Some((
        "non-default capabilities".into(),
        format!(
            "{} {} must not include {} in securityContext.capabilities.add",
            pluralize("container", "containers", bad_containers.len()),
            join_quote(&bad_containers),
            join_quote(&caps)
        ),
    ))
}

fn check_host_namespaces(_: &Value, spec: &Value, _: Version) -> Option<(String, String)> {
    let set: Vec<String> = ["hostNetwork", "hostPID", "hostIPC"]
        .iter()
        .filter(|k| spec.get(**k).and_then(Value::as_bool) == Some(true))
        .map(|k| format!("{k}=true"))
        .collect();
    if set.is_empty() { None } else { Some(("host namespaces".into(), set.join(", "))) }
}

fn volumes(spec: &Value) -> Vec<&Value> {
    spec.get("volumes")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter(|x| x.is_object()).collect())
        .unwrap_or_default()
}

fn has(v: &Value, key: &str) -> bool {
    v.get(key).is_some_and(|x| !x.is_null())
}

fn check_host_path_volumes(_: &Value, spec: &Value, _: Version) -> Option<(String, String)> {
    let bad: Vec<String> = volumes(spec).into_iter().filter(|v| has(v, "hostPath")).map(cname).collect();
    if bad.is_empty() {
        return None;
    }
    Some(("hostPath volumes".into(), format!("{} {}", pluralize("volume", "volumes", bad.len()), join_quote(&bad))))
}

fn check_host_ports(_: &Value, spec: &Value, _: Version) -> Option<(String, String)> {
    let mut bad_containers = Vec::new();
    let mut ports = Vec::new();
    for c in containers(spec) {
        let mine: Vec<i64> = c
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("hostPort").and_then(Value::as_i64))
            .filter(|p| *p != 0)
            .collect();
        if !mine.is_empty() {
            bad_containers.push(cname(c));
            ports.extend(mine.iter().map(|p| p.to_string()));
        }
    }
    if bad_containers.is_empty() {
        return None;
    }
    Some((
        "hostPort".into(),
        format!(
            "{} {} {} {} {}",
            pluralize("container", "containers", bad_containers.len()),
            join_quote(&bad_containers),
            pluralize("uses", "use", bad_containers.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        ),
    ))
}

fn check_host_probes(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    if !version.at_least(34) {
        return None;
    }
    let mut bad_containers = BTreeSet::new();
    let mut hosts = BTreeSet::new();
    for c in containers(spec) {
        let mut handlers: Vec<&Value> =
            ["livenessProbe", "readinessProbe", "startupProbe"].iter().filter_map(|k| c.get(*k)).collect();
        if let Some(lc) = c.get("lifecycle") {
            handlers.extend(["postStart", "preStop"].iter().filter_map(|k| lc.get(*k)));
        }
        for h in handlers {
            for kind in ["httpGet", "tcpSocket"] {
                if let Some(host) = h.get(kind).and_then(|x| x.get("host")).and_then(Value::as_str)
                    && !host.is_empty()
                {
                    bad_containers.insert(cname(c));
                    hosts.insert(host.to_string());
                }
            }
        }
    }
    if bad_containers.is_empty() {
        return None;
    }
    let bc: Vec<String> = bad_containers.into_iter().collect();
    let hs: Vec<String> = hosts.into_iter().collect();
    Some((
        "probe or lifecycle host".into(),
        format!(
            "{} {} {} {} {}",
            pluralize("container", "containers", bc.len()),
            join_quote(&bc),
            pluralize("uses", "use", bc.len()),
            pluralize("probe or lifecycle host", "probe or lifecycle hosts", hs.len()),
            join_quote(&hs)
        ),
    ))
}

fn check_privileged(_: &Value, spec: &Value, _: Version) -> Option<(String, String)> {
    let bad: Vec<String> =
        containers(spec).into_iter().filter(|c| sc_bool(c, "privileged") == Some(true)).map(cname).collect();
    if bad.is_empty() {
        return None;
    }
    Some((
        "privileged".into(),
        format!(
            "{} {} must not set securityContext.privileged=true",
            pluralize("container", "containers", bad.len()),
            join_quote(&bad)
        ),
    ))
}

fn proc_mount(spec: &Value) -> Option<(String, String)> {
    let mut bad = Vec::new();
    let mut types = BTreeSet::new();
    for c in containers(spec) {
        if let Some(t) = sc_str(c, &["procMount"])
            && t != "Default"
        {
            bad.push(cname(c));
            types.insert(t.to_string());
        }
    }
    if bad.is_empty() {
        return None;
    }
    let types: Vec<String> = types.into_iter().collect();
    Some((
        "procMount".into(),
        format!(
            "{} {} must not set securityContext.procMount to {}",
            pluralize("container", "containers", bad.len()),
            join_quote(&bad),
            join_quote(&types)
        ),
    ))
}

fn check_proc_mount_baseline(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    if version.at_least(35) && user_namespace(spec) {
        return None;
    }
    proc_mount(spec)
}

fn check_proc_mount_restricted(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    if !version.at_least(35) {
        return None;
    }
    proc_mount(spec)
}

fn check_se_linux(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    let mut types: Vec<&str> = vec!["", "container_t", "container_init_t", "container_kvm_t"];
    if version.at_least(31) {
        types.push("container_engine_t");
    }
    let mut bad_types = BTreeSet::new();
    let (mut set_user, mut set_role) = (false, false);
    let mut valid = |v: &Value| -> bool {
        let Some(opts) = sc(v).and_then(|s| s.get("seLinuxOptions")).filter(|o| o.is_object()) else { return true };
        let get = |k: &str| opts.get(k).and_then(Value::as_str).unwrap_or("");
        let mut ok = true;
        if !types.contains(&get("type")) {
            ok = false;
            bad_types.insert(get("type").to_string());
        }
        if !get("user").is_empty() {
            ok = false;
            set_user = true;
        }
        if !get("role").is_empty() {
            ok = false;
            set_role = true;
        }
        ok
    };
    let pod_bad = !valid(spec);
    let bad_containers: Vec<String> = containers(spec).into_iter().filter(|c| !valid(c)).map(cname).collect();
    if !pod_bad && bad_containers.is_empty() {
        return None;
    }
    let mut data = Vec::new();
    if !bad_types.is_empty() {
        let t: Vec<String> = bad_types.into_iter().collect();
        data.push(format!("{} {}", pluralize("type", "types", t.len()), join_quote(&t)));
    }
    if set_user {
        data.push("user may not be set".into());
    }
    if set_role {
        data.push("role may not be set".into());
    }
    Some((
        "seLinuxOptions".into(),
        format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            setters(pod_bad, &bad_containers),
            data.join("; ")
        ),
    ))
}

fn check_seccomp_baseline(_: &Value, spec: &Value, _: Version) -> Option<(String, String)> {
    let unconfined = |v: &Value| sc_str(v, &["seccompProfile", "type"]) == Some("Unconfined");
    let pod_bad = unconfined(spec);
    let bad: Vec<String> = containers(spec).into_iter().filter(|c| unconfined(c)).map(cname).collect();
    if !pod_bad && bad.is_empty() {
        return None;
    }
    Some((
        "seccompProfile".into(),
        format!("{} must not set securityContext.seccompProfile.type to \"Unconfined\"", setters(pod_bad, &bad)),
    ))
}

fn safe_sysctl(name: &str, version: Version) -> bool {
    matches!(
        name,
        "kernel.shm_rmid_forced"
            | "net.ipv4.ip_local_port_range"
            | "net.ipv4.tcp_syncookies"
            | "net.ipv4.ping_group_range"
            | "net.ipv4.ip_unprivileged_port_start"
    ) || (version.at_least(27) && name == "net.ipv4.ip_local_reserved_ports")
        || (version.at_least(29)
            && matches!(
                name,
                "net.ipv4.tcp_keepalive_time"
                    | "net.ipv4.tcp_fin_timeout"
                    | "net.ipv4.tcp_keepalive_intvl"
                    | "net.ipv4.tcp_keepalive_probes"
            ))
        || (version.at_least(32) && matches!(name, "net.ipv4.tcp_rmem" | "net.ipv4.tcp_wmem"))
}

fn check_sysctls(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    let bad: Vec<String> = sc(spec)
        .and_then(|s| s.get("sysctls"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("name").and_then(Value::as_str))
        .filter(|n| !safe_sysctl(n, version))
        .map(String::from)
        .collect();
    if bad.is_empty() { None } else { Some(("forbidden sysctls".into(), bad.join(", "))) }
}

fn check_windows_host_process(_: &Value, spec: &Value, _: Version) -> Option<(String, String)> {
    let host_process = |v: &Value| {
        sc(v).and_then(|s| s.get("windowsOptions")).and_then(|w| w.get("hostProcess")).and_then(Value::as_bool)
            == Some(true)
    };
    let pod_bad = host_process(spec);
    let bad: Vec<String> = containers(spec).into_iter().filter(|c| host_process(c)).map(cname).collect();
    if !pod_bad && bad.is_empty() {
        return None;
    }
    Some((
        "hostProcess".into(),
        format!("{} must not set securityContext.windowsOptions.hostProcess=true", setters(pod_bad, &bad)),
    ))
}

// ---------------------------------------------------------------------------------------------------------------
// Restricted checks

fn check_allow_privilege_escalation(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    if !version.at_least(8) || (version.at_least(25) && is_windows(spec)) {
        return None;
    }
    let bad: Vec<String> = containers(spec)
        .into_iter()
        .filter(|c| sc_bool(c, "allowPrivilegeEscalation") != Some(false))
        .map(cname)
        .collect();
    if bad.is_empty() {
        return None;
    }
    Some((
        "allowPrivilegeEscalation != false".into(),
        format!(
            "{} {} must set securityContext.allowPrivilegeEscalation=false",
            pluralize("container", "containers", bad.len()),
            join_quote(&bad)
        ),
    ))
}

fn check_capabilities_restricted(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    if !version.at_least(22) || (version.at_least(25) && is_windows(spec)) {
        return None;
    }
    let mut missing_drop = Vec::new();
    let mut adding = Vec::new();
    let mut forbidden = BTreeSet::new();
    for c in containers(spec) {
        let Some(caps) = sc(c).and_then(|s| s.get("capabilities")).filter(|x| x.is_object()) else {
            missing_drop.push(cname(c));
            continue;
        };
        let dropped_all =
            caps.get("drop").and_then(Value::as_array).is_some_and(|d| d.iter().any(|x| x.as_str() == Some("ALL")));
        if !dropped_all {
            missing_drop.push(cname(c));
        }
        let extra: Vec<String> = added_capabilities(c).into_iter().filter(|a| a != "NET_BIND_SERVICE").collect();
        if !extra.is_empty() {
            adding.push(cname(c));
            forbidden.extend(extra);
        }
    }
    let mut details = Vec::new();
    if !missing_drop.is_empty() {
        details.push(format!(
            "{} {} must set securityContext.capabilities.drop=[\"ALL\"]",
            pluralize("container", "containers", missing_drop.len()),
            join_quote(&missing_drop)
        ));
    }
    if !adding.is_empty() {
        let f: Vec<String> = forbidden.into_iter().collect();
        details.push(format!(
            "{} {} must not include {} in securityContext.capabilities.add",
            pluralize("container", "containers", adding.len()),
            join_quote(&adding),
            join_quote(&f)
        ));
    }
    if details.is_empty() { None } else { Some(("unrestricted capabilities".into(), details.join("; "))) }
}

const RESTRICTED_VOLUME_TYPES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

const KNOWN_VOLUME_TYPES: &[&str] = &[
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

fn check_restricted_volumes(_: &Value, spec: &Value, _: Version) -> Option<(String, String)> {
    let mut bad = Vec::new();
    let mut types = BTreeSet::new();
    for v in volumes(spec) {
        if RESTRICTED_VOLUME_TYPES.iter().any(|t| has(v, t)) {
            continue;
        }
        bad.push(cname(v));
        types.insert(KNOWN_VOLUME_TYPES.iter().find(|t| has(v, t)).copied().unwrap_or("unknown").to_string());
    }
    if bad.is_empty() {
        return None;
    }
    let types: Vec<String> = types.into_iter().collect();
    Some((
        "restricted volume types".into(),
        format!(
            "{} {} {} {} {}",
            pluralize("volume", "volumes", bad.len()),
            join_quote(&bad),
            pluralize("uses", "use", bad.len()),
            pluralize("restricted volume type", "restricted volume types", types.len()),
            join_quote(&types)
        ),
    ))
}

fn check_run_as_non_root(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    if version.at_least(35) && user_namespace(spec) {
        return None;
    }
    let mut bad_setters = Vec::new();
    let pod = sc_bool(spec, "runAsNonRoot");
    if pod == Some(false) {
        bad_setters.push("pod".to_string());
    }
    let pod_non_root = pod == Some(true);
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    for c in containers(spec) {
        match sc_bool(c, "runAsNonRoot") {
            Some(false) => explicit.push(cname(c)),
            Some(true) => {}
            None if !pod_non_root => implicit.push(cname(c)),
            None => {}
        }
    }
    if !explicit.is_empty() {
        bad_setters.push(format!("{} {}", pluralize("container", "containers", explicit.len()), join_quote(&explicit)));
    }
    if !bad_setters.is_empty() {
        return Some((
            "runAsNonRoot != true".into(),
            format!("{} must not set securityContext.runAsNonRoot=false", bad_setters.join(" and ")),
        ));
    }
    if !implicit.is_empty() {
        return Some((
            "runAsNonRoot != true".into(),
            format!(
                "pod or {} {} must set securityContext.runAsNonRoot=true",
                pluralize("container", "containers", implicit.len()),
                join_quote(&implicit)
            ),
        ));
    }
    None
}

fn check_run_as_user(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    if !version.at_least(23) || (version.at_least(35) && user_namespace(spec)) {
        return None;
    }
    let root = |v: &Value| sc(v).and_then(|s| s.get("runAsUser")).and_then(Value::as_i64) == Some(0);
    let pod_bad = root(spec);
    let bad: Vec<String> = containers(spec).into_iter().filter(|c| root(c)).map(cname).collect();
    if !pod_bad && bad.is_empty() {
        return None;
    }
    Some(("runAsUser=0".into(), format!("{} must not set runAsUser=0", setters(pod_bad, &bad))))
}

fn check_seccomp_restricted(_: &Value, spec: &Value, version: Version) -> Option<(String, String)> {
    if !version.at_least(19) || (version.at_least(25) && is_windows(spec)) {
        return None;
    }
    let valid = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let mut bad_values = BTreeSet::new();
    let mut bad_setters = Vec::new();
    let mut pod_set = false;
    if sc(spec).and_then(|s| s.get("seccompProfile")).is_some_and(|p| p.is_object()) {
        let t = sc_str(spec, &["seccompProfile", "type"]).unwrap_or("");
        if valid(t) {
            pod_set = true;
        } else {
            bad_setters.push("pod".to_string());
            bad_values.insert(t.to_string());
        }
    }
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    for c in containers(spec) {
        if sc(c).and_then(|s| s.get("seccompProfile")).is_some_and(|p| p.is_object()) {
            let t = sc_str(c, &["seccompProfile", "type"]).unwrap_or("");
            if !valid(t) {
                explicit.push(cname(c));
                bad_values.insert(t.to_string());
            }
        } else if !pod_set {
            implicit.push(cname(c));
        }
    }
    if !explicit.is_empty() {
        bad_setters.push(format!("{} {}", pluralize("container", "containers", explicit.len()), join_quote(&explicit)));
    }
    if !bad_setters.is_empty() {
        let values: Vec<String> = bad_values.into_iter().collect();
        return Some((
            "seccompProfile".into(),
            format!(
                "{} must not set securityContext.seccompProfile.type to {}",
                bad_setters.join(" and "),
                join_quote(&values)
            ),
        ));
    }
    if !implicit.is_empty() {
        return Some((
            "seccompProfile".into(),
            format!(
                "pod or {} {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                pluralize("container", "containers", implicit.len()),
                join_quote(&implicit)
            ),
        ));
    }
    None
}

/// Baseline checks by ID (sorted as the registry sorts them).
const BASELINE: &[(&str, Check)] = &[
    ("appArmorProfile", check_app_armor),
    ("capabilities_baseline", check_capabilities_baseline),
    ("hostNamespaces", check_host_namespaces),
    ("hostPathVolumes", check_host_path_volumes),
    ("hostPorts", check_host_ports),
    ("hostProbesAndHostLifecycle", check_host_probes),
    ("privileged", check_privileged),
    ("procMount", check_proc_mount_baseline),
    ("seLinuxOptions", check_se_linux),
    ("seccompProfile_baseline", check_seccomp_baseline),
    ("sysctls", check_sysctls),
    ("windowsHostProcess", check_windows_host_process),
];

/// Restricted checks by ID with the minimum policy version from which they replace a baseline check.
const RESTRICTED: &[(&str, Check, Override)] = &[
    ("allowPrivilegeEscalation", check_allow_privilege_escalation, None),
    ("capabilities_restricted", check_capabilities_restricted, Some(("capabilities_baseline", 22))),
    ("procMount_restricted", check_proc_mount_restricted, Some(("procMount", 35))),
    ("restrictedVolumes", check_restricted_volumes, Some(("hostPathVolumes", 0))),
    ("runAsNonRoot", check_run_as_non_root, None),
    ("runAsUser", check_run_as_user, None),
    ("seccompProfile_restricted", check_seccomp_restricted, Some(("seccompProfile_baseline", 19))),
];

/// The Pod Security Standards checks a pod (metadata, spec) fails at `level` and policy `version`.
pub(crate) fn check_pod(level: Level, version: Version, meta: &Value, spec: &Value) -> Vec<Violation> {
    if level == Level::Privileged {
        return Vec::new();
    }
    let overridden: Vec<&str> = if level == Level::Restricted {
        RESTRICTED
            .iter()
            .filter_map(|(_, _, o)| o.filter(|(_, min)| version.at_least(*min)).map(|(id, _)| id))
            .collect()
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    for (id, check) in BASELINE {
        if overridden.contains(id) {
            continue;
        }
        if let Some((reason, detail)) = check(meta, spec, version) {
            out.push(Violation { check: id, reason, detail });
        }
    }
    if level == Level::Restricted {
        for (id, check, _) in RESTRICTED {
            if let Some((reason, detail)) = check(meta, spec, version) {
                out.push(Violation { check: id, reason, detail });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// The admission step

/// Pod subresources PodSecurity never evaluates.
const IGNORED_POD_SUBRESOURCES: &[&str] =
    &["exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status"];

/// Resources whose objects embed a pod template (DefaultPodSpecExtractor).
fn is_workload(group: &str, resource: &str) -> bool {
    matches!(
        (group, resource),
        ("", "replicationcontrollers" | "podtemplates")
            | ("apps", "replicasets" | "deployments" | "statefulsets" | "daemonsets")
            | ("batch", "jobs" | "cronjobs")
    )
}

static NULL: Value = Value::Null;

/// The pod metadata and spec inside `obj` for resource (group, resource); None when it has none.
fn pod_of<'v>(group: &str, resource: &str, obj: &'v Value) -> Option<(&'v Value, &'v Value)> {
    let template = match (group, resource) {
        ("", "pods") if obj.get("kind").and_then(Value::as_str).is_none_or(|k| k == "Pod") => obj,
        ("", "pods") => return None,
        ("", "podtemplates") => obj.get("template")?,
        ("batch", "cronjobs") => obj.get("spec")?.get("jobTemplate")?.get("spec")?.get("template")?,
        _ => obj.get("spec")?.get("template")?,
    };
    let spec = template.get("spec").filter(|s| s.is_object())?;
    Some((template.get("metadata").unwrap_or(&NULL), spec))
}

fn policy_details(policy: &NamespacePolicy, labels: &BTreeMap<String, String>) -> Value {
    let psa_labels: BTreeMap<&String, &String> = labels.iter().filter(|(k, _)| k.starts_with(LABEL_PREFIX)).collect();
    let mut d = json!({
        "enforce": policy.enforce.to_string(),
        "audit": policy.audit.to_string(),
        "warn": policy.warn.to_string(),
        "labels": psa_labels,
    });
    if !policy.errors.is_empty() {
        d["labelErrors"] = json!(policy.errors);
    }
    d
}

fn step(verdict: Verdict, message: String, details: Value) -> Option<Step> {
    Some(Step { plugin: plugin::POD_SECURITY.into(), name: String::new(), verdict, message, details })
}

/// The PodSecurity step for a request, if PodSecurity looks at it. `mutators` names the mutating webhooks and
/// policies that run earlier and may change the object PodSecurity sees.
pub(crate) fn evaluate(
    a: &Attrs,
    namespaces: Option<&BTreeMap<String, NamespaceInfo>>,
    mutators: &[String],
) -> Option<Step> {
    if !matches!(a.op, Operation::Create | Operation::Update) {
        return None;
    }
    if a.group.is_empty() && a.resource == "namespaces" {
        return evaluate_namespace(a, namespaces);
    }
    let is_pod = a.group.is_empty() && a.resource == "pods";
    if is_pod && IGNORED_POD_SUBRESOURCES.contains(&a.subresource) {
        return None;
    }
    let workload = is_workload(a.group, a.resource) && a.subresource.is_empty();
    if !(is_pod || workload) {
        return None;
    }
    let Some(all) = namespaces else {
        return step(
            Verdict::Unknown,
            format!(
                "PodSecurity checks the {} against the levels labelled on namespace {:?}, which are unknown here.",
                if is_pod { "pod" } else { "pod template" },
                a.namespace
            ),
            Value::Null,
        );
    };
    let ns = all.get(&a.namespace)?;
    let policy = NamespacePolicy::from_labels(&ns.labels);
    let mut details = policy_details(&policy, &ns.labels);
    let label_note = if policy.errors.is_empty() {
        String::new()
    } else {
        format!(" Namespace labels are invalid ({}): invalid levels count as restricted.", policy.errors.join("; "))
    };
    if is_pod {
        if policy.fully_privileged() {
            return step(
                Verdict::Allow,
                format!(
                    "Namespace {:?} enforces, audits and warns at privileged: PodSecurity allows any pod.",
                    a.namespace
                ),
                details,
            );
        }
    } else if policy.errors.is_empty()
        && policy.warn.level == Level::Privileged
        && policy.audit.level == Level::Privileged
    {
        return None;
    }
    let Some((meta, spec)) = a.object.and_then(|o| pod_of(a.group, a.resource, o)) else {
        let (verdict, msg) = if !is_pod {
            (
                Verdict::Allow,
                format!(
                    "PodSecurity never rejects workload objects; their pod template is checked against warn {} and audit {} (warnings, audit annotations).",
                    policy.warn, policy.audit
                ),
            )
        } else if policy.enforce.level == Level::Privileged {
            (
                Verdict::Allow,
                format!(
                    "Namespace {:?} enforces privileged: the pod is admitted; warn {} and audit {} depend on the pod spec.",
                    a.namespace, policy.warn, policy.audit
                ),
            )
        } else {
            (
                Verdict::Unknown,
                format!(
                    "Namespace {:?} enforces PodSecurity {:?}: whether the pod is rejected depends on its spec (give the object).",
                    a.namespace,
                    policy.enforce.to_string()
                ),
            )
        };
        return step(verdict, format!("{msg}{label_note}"), details);
    };
    let enforce = check_pod(policy.enforce.level, policy.enforce.version, meta, spec);
    let audit = check_pod(policy.audit.level, policy.audit.version, meta, spec);
    let warn = check_pod(policy.warn.level, policy.warn.version, meta, spec);
    let version = policy.enforce.version;
    details["baselineViolations"] = json!(check_pod(Level::Baseline, version, meta, spec));
    details["restrictedViolations"] = json!(check_pod(Level::Restricted, version, meta, spec));
    let what = if is_pod { "pod" } else { "pod template" };
    let mut notes = Vec::new();
    let mut verdict = Verdict::Allow;
    let mut message;
    if is_pod && !enforce.is_empty() {
        let resource =
            if a.subresource.is_empty() { a.resource.to_string() } else { format!("{}/{}", a.resource, a.subresource) };
        message = format!(
            "{resource} {:?} is forbidden: violates PodSecurity {:?}: {}",
            a.name,
            policy.enforce.to_string(),
            aggregate(&enforce)
        );
        details["enforceViolations"] = json!(enforce);
        verdict = Verdict::Deny;
        if a.op == Operation::Update {
            verdict = Verdict::MayDeny;
            notes.push("an UPDATE is only checked when it changes a container image or adds a container".to_string());
        }
        if !mutators.is_empty() {
            verdict = Verdict::MayDeny;
            notes.push(format!(
                "PodSecurity sees the pod after mutation by {}, which may change the outcome",
                mutators.join(", ")
            ));
        }
    } else if is_pod {
        message = format!("The pod satisfies the enforced PodSecurity {:?}", policy.enforce.to_string());
        if !mutators.is_empty() {
            notes.push(format!("PodSecurity sees the pod after mutation by {}", mutators.join(", ")));
        }
    } else {
        message =
            format!("PodSecurity never rejects workload objects; the {what} is checked against warn and audit only");
    }
    // Warnings are not added to a request that is rejected.
    if !warn.is_empty() && verdict != Verdict::Deny {
        message.push_str(&format!(
            "; warning returned: would violate PodSecurity {:?}: {}",
            policy.warn.to_string(),
            aggregate(&warn)
        ));
        details["warnViolations"] = json!(warn);
    }
    if !audit.is_empty() {
        message.push_str(&format!(
            "; audit annotation: would violate PodSecurity {:?}: {}",
            policy.audit.to_string(),
            aggregate(&audit)
        ));
        details["auditViolations"] = json!(audit);
    }
    for n in notes {
        message.push_str(&format!(" ({n})"));
    }
    message.push('.');
    message.push_str(&label_note);
    step(verdict, message, details)
}

/// Namespace CREATE/UPDATE: PodSecurity rejects invalid pod-security labels (422 Invalid).
fn evaluate_namespace(a: &Attrs, namespaces: Option<&BTreeMap<String, NamespaceInfo>>) -> Option<Step> {
    if !a.subresource.is_empty() {
        return None;
    }
    let labels = a.object_labels.as_ref()?;
    if !labels.keys().any(|k| k.starts_with(LABEL_PREFIX)) {
        return None;
    }
    let policy = NamespacePolicy::from_labels(labels);
    let details = policy_details(&policy, labels);
    if !policy.errors.is_empty() {
        let invalid = format!(
            "namespaces {:?} is invalid: {}",
            a.name,
            if policy.errors.len() == 1 { policy.errors[0].clone() } else { format!("[{}]", policy.errors.join(", ")) }
        );
        if a.op == Operation::Create {
            return step(Verdict::Deny, invalid, details);
        }
        // An UPDATE is rejected only if it changes the label errors.
        let old_errors =
            namespaces.and_then(|all| all.get(&a.namespace)).map(|ns| NamespacePolicy::from_labels(&ns.labels).errors);
        return match old_errors {
            Some(old) if old == policy.errors => step(
                Verdict::Allow,
                format!("The namespace keeps its invalid PodSecurity labels unchanged: allowed ({invalid})."),
                details,
            ),
            Some(_) => step(Verdict::Deny, invalid, details),
            None => step(
                Verdict::MayDeny,
                format!("{invalid} (rejected unless the stored namespace has the same invalid labels)"),
                details,
            ),
        };
    }
    let mut message = format!(
        "PodSecurity labels are valid: enforce {}, audit {}, warn {}",
        policy.enforce, policy.audit, policy.warn
    );
    if a.op == Operation::Update && policy.enforce.level != Level::Privileged {
        message.push_str(
            "; when the enforce level changes, existing pods are checked and violations returned as warnings",
        );
    }
    message.push('.');
    step(Verdict::Allow, message, details)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::tests::{namespaces, request};

    fn restricted_container(name: &str) -> Value {
        json!({
            "name": name,
            "image": "nginx",
            "securityContext": {
                "allowPrivilegeEscalation": false,
                "capabilities": {"drop": ["ALL"]},
                "runAsNonRoot": true,
                "seccompProfile": {"type": "RuntimeDefault"},
            }
        })
    }

    fn ids(v: &[Violation]) -> Vec<&str> {
        v.iter().map(|x| x.check).collect()
    }

    #[test]
    fn levels_from_labels() {
        let labels = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs.iter().map(|(k, v)| (format!("{LABEL_PREFIX}{k}"), v.to_string())).collect()
        };
        let p = NamespacePolicy::from_labels(&BTreeMap::new());
        assert_eq!(p.enforce.to_string(), "privileged:latest");
        assert!(p.fully_privileged());
        let p = NamespacePolicy::from_labels(&labels(&[
            ("enforce", "baseline"),
            ("enforce-version", "v1.29"),
            ("warn", "restricted"),
        ]));
        assert_eq!(p.enforce.to_string(), "baseline:v1.29");
        assert_eq!(p.warn.to_string(), "restricted:latest");
        assert_eq!(p.audit.to_string(), "privileged:latest");
        let p = NamespacePolicy::from_labels(&labels(&[("enforce", "baseline")]));
        assert_eq!(p.warn.to_string(), "baseline:latest", "warn follows a stricter enforce level");
        let p = NamespacePolicy::from_labels(&labels(&[("enforce", "restricted"), ("enforce-version", "v1.22")]));
        assert_eq!(p.warn.to_string(), "restricted:v1.22");
        let p = NamespacePolicy::from_labels(&labels(&[("enforce", "baseline"), ("warn", "privileged")]));
        assert_eq!(p.warn.to_string(), "privileged:latest");
        let p = NamespacePolicy::from_labels(&labels(&[("enforce", "baseline"), ("warn", "foo")]));
        assert_eq!(p.warn.level, Level::Privileged, "invalid warn levels fail open");
        assert_eq!(p.errors.len(), 1);
        let p = NamespacePolicy::from_labels(&labels(&[("enforce", "strict"), ("audit-version", "v1.01")]));
        assert_eq!(p.warn.level, Level::Privileged, "an invalid enforce level is not copied to warn");
        assert_eq!(p.enforce.level, Level::Restricted, "invalid levels fail closed");
        assert_eq!(p.audit.version, Version::Latest);
        assert_eq!(p.errors.len(), 2);
        assert!(p.errors[0].contains("must be one of privileged, baseline, restricted"));
        assert!(p.errors[1].contains("must be \"latest\" or \"v1.x\""));
        assert!(!p.fully_privileged());
        assert_eq!(parse_version("v1.0"), Some(Version::Minor(0)));
        assert_eq!(parse_version("v1.30"), Some(Version::Minor(30)));
        assert_eq!(parse_version("v2.1"), None);
        assert_eq!(parse_version("v1."), None);
    }

    #[test]
    fn clean_restricted_pod() {
        let spec = json!({"containers": [restricted_container("app")]});
        assert!(check_pod(Level::Restricted, Version::Latest, &NULL, &spec).is_empty());
        assert!(check_pod(Level::Baseline, Version::Latest, &NULL, &spec).is_empty());
        // A pod-level runAsNonRoot and seccompProfile cover containers that leave them unset.
        let spec = json!({
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}},
            "containers": [{"name": "a", "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}}],
            "volumes": [{"name": "cfg", "configMap": {"name": "c"}}, {"name": "tmp", "emptyDir": {}}, {"name": "img", "image": {"reference": "x"}}],
        });
        assert!(check_pod(Level::Restricted, Version::Latest, &NULL, &spec).is_empty());
    }

    #[test]
    fn plain_pod_violates_restricted_only() {
        let spec = json!({"containers": [{"name": "nginx", "image": "nginx"}]});
        assert!(check_pod(Level::Baseline, Version::Latest, &NULL, &spec).is_empty());
        let v = check_pod(Level::Restricted, Version::Latest, &NULL, &spec);
        assert_eq!(
            ids(&v),
            ["allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"]
        );
        assert_eq!(
            aggregate(&v),
            "allowPrivilegeEscalation != false (container \"nginx\" must set securityContext.allowPrivilegeEscalation=false), \
             unrestricted capabilities (container \"nginx\" must set securityContext.capabilities.drop=[\"ALL\"]), \
             runAsNonRoot != true (pod or container \"nginx\" must set securityContext.runAsNonRoot=true), \
             seccompProfile (pod or container \"nginx\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
        );
    }

    #[test]
    fn baseline_violations() {
        let spec = json!({
            "hostNetwork": true,
            "hostPID": true,
            "containers": [
                {"name": "a", "securityContext": {"privileged": true, "capabilities": {"add": ["NET_ADMIN", "CHOWN"]}}, "ports": [{"containerPort": 80, "hostPort": 8080}]},
                {"name": "b", "securityContext": {"procMount": "Unmasked", "seccompProfile": {"type": "Unconfined"}}},
            ],
            "volumes": [{"name": "root", "hostPath": {"path": "/"}}],
            "securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}, {"name": "net.ipv4.tcp_syncookies", "value": "1"}]},
        });
        let v = check_pod(Level::Baseline, Version::Latest, &NULL, &spec);
        assert_eq!(
            ids(&v),
            [
                "capabilities_baseline",
                "hostNamespaces",
                "hostPathVolumes",
                "hostPorts",
                "privileged",
                "procMount",
                "seccompProfile_baseline",
                "sysctls"
            ]
        );
        let by = |id: &str| v.iter().find(|x| x.check == id).unwrap().detail.clone();
        assert_eq!(by("hostNamespaces"), "hostNetwork=true, hostPID=true");
        assert_eq!(
            by("capabilities_baseline"),
            "container \"a\" must not include \"NET_ADMIN\" in securityContext.capabilities.add"
        );
        assert_eq!(by("hostPorts"), "container \"a\" uses hostPort 8080");
        assert_eq!(by("hostPathVolumes"), "volume \"root\"");
        assert_eq!(by("sysctls"), "kernel.msgmax");
        assert_eq!(
            by("seccompProfile_baseline"),
            "container \"b\" must not set securityContext.seccompProfile.type to \"Unconfined\""
        );
        // Restricted replaces hostPathVolumes, capabilities_baseline and seccompProfile_baseline with stricter checks.
        let r = check_pod(Level::Restricted, Version::Latest, &NULL, &spec);
        let rids = ids(&r);
        for gone in ["hostPathVolumes", "capabilities_baseline", "seccompProfile_baseline", "procMount"] {
            assert!(!rids.contains(&gone), "{gone} in {rids:?}");
        }
        for present in [
            "restrictedVolumes",
            "capabilities_restricted",
            "seccompProfile_restricted",
            "procMount_restricted",
            "hostNamespaces",
        ] {
            assert!(rids.contains(&present), "{present} missing from {rids:?}");
        }
        let rv = r.iter().find(|x| x.check == "restrictedVolumes").unwrap();
        assert_eq!(rv.detail, "volume \"root\" uses restricted volume type \"hostPath\"");
    }

    #[test]
    fn other_baseline_checks() {
        let meta = json!({"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "unconfined"}});
        let spec = json!({
            "securityContext": {"seLinuxOptions": {"type": "spc_t"}, "windowsOptions": {"hostProcess": true}},
            "containers": [{
                "name": "a",
                "securityContext": {"seLinuxOptions": {"user": "root"}, "appArmorProfile": {"type": "Unconfined"}},
                "livenessProbe": {"httpGet": {"host": "10.0.0.1", "port": 80}},
            }],
        });
        let v = check_pod(Level::Baseline, Version::Latest, &meta, &spec);
        assert_eq!(ids(&v), ["appArmorProfile", "hostProbesAndHostLifecycle", "seLinuxOptions", "windowsHostProcess"]);
        assert_eq!(v[0].reason, "forbidden AppArmor profiles");
        assert_eq!(v[0].detail, "\"Unconfined\", \"unconfined\"");
        assert_eq!(v[1].detail, "container \"a\" uses probe or lifecycle host \"10.0.0.1\"");
        assert_eq!(
            v[2].detail,
            "pod and container \"a\" set forbidden securityContext.seLinuxOptions: type \"spc_t\"; user may not be set"
        );
        assert_eq!(v[3].detail, "pod must not set securityContext.windowsOptions.hostProcess=true");
        // Pinned older versions lack newer checks.
        let old = check_pod(Level::Baseline, Version::Minor(33), &meta, &spec);
        assert!(!ids(&old).contains(&"hostProbesAndHostLifecycle"));
    }

    #[test]
    fn versioned_behaviour() {
        let spec = json!({"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_rmem"}]}, "containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"type": "container_engine_t"}}}]});
        assert!(check_pod(Level::Baseline, Version::Latest, &NULL, &spec).is_empty());
        assert_eq!(ids(&check_pod(Level::Baseline, Version::Minor(30), &NULL, &spec)), ["seLinuxOptions", "sysctls"]);
        // Windows pods are exempt from several restricted checks from v1.25.
        let win = json!({"os": {"name": "windows"}, "securityContext": {"runAsNonRoot": true}, "containers": [{"name": "w"}]});
        assert!(check_pod(Level::Restricted, Version::Latest, &NULL, &win).is_empty());
        assert_eq!(
            ids(&check_pod(Level::Restricted, Version::Minor(24), &NULL, &win)),
            ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]
        );
        // User-namespace pods: runAsNonRoot/runAsUser relaxed from v1.35; baseline procMount relaxed, restricted not.
        let userns = json!({"hostUsers": false, "containers": [{"name": "u", "securityContext": {"procMount": "Unmasked", "runAsUser": 0,
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}}]});
        assert!(check_pod(Level::Baseline, Version::Latest, &NULL, &userns).is_empty());
        assert_eq!(ids(&check_pod(Level::Restricted, Version::Latest, &NULL, &userns)), ["procMount_restricted"]);
        assert_eq!(
            ids(&check_pod(Level::Restricted, Version::Minor(34), &NULL, &userns)),
            ["procMount", "runAsNonRoot", "runAsUser"]
        );
    }

    #[test]
    fn explicit_bad_values() {
        let spec = json!({
            "securityContext": {"runAsNonRoot": false, "runAsUser": 0, "seccompProfile": {"type": "Unconfined"}},
            "initContainers": [restricted_container("init")],
            "containers": [restricted_container("app")],
        });
        let v = check_pod(Level::Restricted, Version::Latest, &NULL, &spec);
        let by = |id: &str| v.iter().find(|x| x.check == id).unwrap().detail.clone();
        assert_eq!(by("runAsNonRoot"), "pod must not set securityContext.runAsNonRoot=false");
        assert_eq!(by("runAsUser"), "pod must not set runAsUser=0");
        assert_eq!(
            by("seccompProfile_restricted"),
            "pod must not set securityContext.seccompProfile.type to \"Unconfined\""
        );
        assert!(v.iter().all(|x| x.check != "allowPrivilegeEscalation"));
    }

    fn pod_request(ns: &str, spec: Value) -> crate::admission::AdmissionRequest {
        let mut req = request(Operation::Create, "", "v1", "pods", ns);
        req.name = "web".into();
        req.kind = "Pod".into();
        req.object = Some(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": spec}));
        req
    }

    #[test]
    fn enforce_denies_pods() {
        let nss = namespaces();
        let req = pod_request("restricted", json!({"containers": [{"name": "nginx", "image": "nginx"}]}));
        let s = evaluate(&Attrs::new(&req), Some(&nss), &[]).unwrap();
        assert_eq!(s.verdict, Verdict::Deny);
        assert!(
            s.message.starts_with("pods \"web\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false"),
            "{}",
            s.message
        );
        assert_eq!(s.details["enforce"], "restricted:latest");
        // A mutating webhook running earlier may fix the pod.
        let s = evaluate(&Attrs::new(&req), Some(&nss), &["webhook \"x\"".to_string()]).unwrap();
        assert_eq!(s.verdict, Verdict::MayDeny);
        // A clean pod is allowed; the baseline namespace warns about restricted.
        let ok = pod_request("restricted", json!({"containers": [restricted_container("app")]}));
        assert_eq!(evaluate(&Attrs::new(&ok), Some(&nss), &[]).unwrap().verdict, Verdict::Allow);
        let req = pod_request("baseline", json!({"containers": [{"name": "nginx", "image": "nginx"}]}));
        let s = evaluate(&Attrs::new(&req), Some(&nss), &[]).unwrap();
        assert_eq!(s.verdict, Verdict::Allow);
        assert!(
            s.message.contains("warning returned: would violate PodSecurity \"restricted:latest\""),
            "{}",
            s.message
        );
        assert_eq!(s.details["restrictedViolations"].as_array().unwrap().len(), 4);
        assert_eq!(s.details["baselineViolations"].as_array().unwrap().len(), 0);
        let priv_pod =
            pod_request("baseline", json!({"containers": [{"name": "p", "securityContext": {"privileged": true}}]}));
        let s = evaluate(&Attrs::new(&priv_pod), Some(&nss), &[]).unwrap();
        assert_eq!(s.verdict, Verdict::Deny);
        assert!(s.message.contains("privileged (container \"p\" must not set securityContext.privileged=true)"));
    }

    #[test]
    fn unlabelled_namespaces_are_privileged() {
        let nss = namespaces();
        let req = pod_request(
            "dev",
            json!({"hostNetwork": true, "containers": [{"name": "p", "securityContext": {"privileged": true}}]}),
        );
        let s = evaluate(&Attrs::new(&req), Some(&nss), &[]).unwrap();
        assert_eq!(s.verdict, Verdict::Allow);
        assert!(s.message.contains("privileged"), "{}", s.message);
    }

    #[test]
    fn skipped_subresources_and_operations() {
        let nss = namespaces();
        for sub in ["exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status"] {
            let mut req = request(Operation::Create, "", "v1", "pods", "restricted");
            req.subresource = sub.into();
            assert!(evaluate(&Attrs::new(&req), Some(&nss), &[]).is_none(), "{sub}");
        }
        let mut eph = pod_request("restricted", json!({"containers": [{"name": "nginx"}]}));
        eph.operation = Operation::Update;
        eph.subresource = "ephemeralcontainers".into();
        assert_eq!(evaluate(&Attrs::new(&eph), Some(&nss), &[]).unwrap().verdict, Verdict::MayDeny);
        let del = request(Operation::Delete, "", "v1", "pods", "restricted");
        assert!(evaluate(&Attrs::new(&del), Some(&nss), &[]).is_none());
        let cm = request(Operation::Create, "", "v1", "configmaps", "restricted");
        assert!(evaluate(&Attrs::new(&cm), Some(&nss), &[]).is_none());
    }

    #[test]
    fn unknown_pod_or_namespace() {
        let nss = namespaces();
        let req = request(Operation::Create, "", "v1", "pods", "restricted");
        assert_eq!(evaluate(&Attrs::new(&req), Some(&nss), &[]).unwrap().verdict, Verdict::Unknown);
        assert_eq!(evaluate(&Attrs::new(&req), None, &[]).unwrap().verdict, Verdict::Unknown);
        let mut wrong_kind = request(Operation::Create, "", "v1", "pods", "restricted");
        wrong_kind.object = Some(json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": []}}}}));
        assert_eq!(evaluate(&Attrs::new(&wrong_kind), Some(&nss), &[]).unwrap().verdict, Verdict::Unknown);
        let priv_ns = request(Operation::Create, "", "v1", "pods", "dev");
        assert_eq!(evaluate(&Attrs::new(&priv_ns), Some(&nss), &[]).unwrap().verdict, Verdict::Allow);
    }

    #[test]
    fn workloads_only_warn() {
        let nss = namespaces();
        let mut req = request(Operation::Create, "apps", "v1", "deployments", "restricted");
        req.name = "web".into();
        req.object = Some(
            json!({"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"metadata": {}, "spec": {
            "hostPID": true, "containers": [{"name": "c", "securityContext": {"privileged": true}}]}}}}),
        );
        let s = evaluate(&Attrs::new(&req), Some(&nss), &[]).unwrap();
        assert_eq!(s.verdict, Verdict::Allow);
        assert!(s.message.contains("never rejects workload objects"), "{}", s.message);
        assert!(
            s.message.contains("would violate PodSecurity \"restricted:latest\": host namespaces (hostPID=true)"),
            "{}",
            s.message
        );
        let mut cj = request(Operation::Create, "batch", "v1", "cronjobs", "restricted");
        cj.object =
            Some(json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}}}}));
        let s = evaluate(&Attrs::new(&cj), Some(&nss), &[]).unwrap();
        assert!(s.details["warnViolations"].as_array().is_some_and(|v| !v.is_empty()));
        // Scale subresources are not checked; unlabelled namespaces produce no step.
        req.subresource = "scale".into();
        assert!(evaluate(&Attrs::new(&req), Some(&nss), &[]).is_none());
        let dev = request(Operation::Create, "apps", "v1", "deployments", "dev");
        assert!(evaluate(&Attrs::new(&dev), Some(&nss), &[]).is_none());
    }

    #[test]
    fn namespace_labels_are_validated() {
        let nss = namespaces();
        let mut req = request(Operation::Create, "", "v1", "namespaces", "");
        req.name = "new".into();
        req.object =
            Some(json!({"metadata": {"name": "new", "labels": {"pod-security.kubernetes.io/enforce": "strict"}}}));
        let s = evaluate(&Attrs::new(&req), Some(&nss), &[]).unwrap();
        assert_eq!(s.verdict, Verdict::Deny);
        assert_eq!(
            s.message,
            "namespaces \"new\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted"
        );
        req.object =
            Some(json!({"metadata": {"name": "new", "labels": {"pod-security.kubernetes.io/enforce": "baseline"}}}));
        assert_eq!(evaluate(&Attrs::new(&req), Some(&nss), &[]).unwrap().verdict, Verdict::Allow);
        req.object = Some(json!({"metadata": {"name": "new"}}));
        assert!(evaluate(&Attrs::new(&req), Some(&nss), &[]).is_none());
    }
}
