//! Dynamic completion candidates for `kubectl sa <TAB>` (kubectl 1.26+ plugin completion).
//!
//! The words typed so far are walked with the clap command tree, so subcommands, flags (global ones included),
//! fixed values (`-o`, `--color`, `completion SHELL`) and positionals are always those the parser accepts. Values
//! that live in the cluster are read with the kubeconfig like the commands do (the `--kubeconfig`, `--context`,
//! `--cluster`, `--user` and `-n` typed on the line are honoured), bounded by a short timeout
//! (`KUBECTL_SA_COMPLETION_TIMEOUT`, default 2s) and never interactively: exec credential plugins run with
//! `interactiveMode: Never` and no terminal. With `-f FILE` they come from the snapshot instead. Anything that
//! cannot be read gives fewer candidates, never an error; `BASH_COMP_DEBUG_FILE` (cobra's) logs why.
//!
//! - resources: the server's discovery, else the built-in catalogue ([`Catalogue::builtin`]), plus CRDs with -f;
//!   `RES/` completes subresources, `/` non-resource URLs;
//! - namespaces (`-n`), ServiceAccounts (`NAMESPACE:NAME` for all namespaces, plain names with `-n`), kubeconfig
//!   contexts, clusters and users.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use clap::{Arg, ArgAction, Command, CommandFactory, ValueHint};

use crate::catalogue::Catalogue;
use crate::cli::Cli;
use crate::model::{ClusterBuilder, raw};
use crate::request::{NON_RESOURCE_VERBS, RESOURCE_VERBS};
use crate::source::ConnectionSettings;
use crate::source::{Connection, live, snapshot};

/// Cobra's ShellCompDirective bits, which kubectl passes on to the shell.
pub mod directive {
    /// Let the shell complete file names when there is no candidate.
    pub const DEFAULT: u32 = 0;
    /// Do not add a space after the completion (lists such as `--verbs get,list`).
    pub const NO_SPACE: u32 = 2;
    /// Never fall back to file names.
    pub const NO_FILE_COMP: u32 = 4;
}

/// How long reading the cluster may take, unless `KUBECTL_SA_COMPLETION_TIMEOUT` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// One completion: the word, and a short description shown by shells that show them (may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completions {
    pub candidates: Vec<Candidate>,
    pub directive: u32,
}

impl Completions {
    /// kubectl's plugin-completion format: `VALUE[\tDESCRIPTION]` lines, then `:DIRECTIVE`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for c in &self.candidates {
            s.push_str(&c.value);
            if !c.description.is_empty() {
                s.push('\t');
                s.push_str(&c.description);
            }
            s.push('\n');
        }
        s.push_str(&format!(":{}\n", self.directive));
        s
    }

    pub fn values(&self) -> Vec<&str> {
        self.candidates.iter().map(|c| c.value.as_str()).collect()
    }
}

/// What the word under the cursor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Fixed candidates: subcommands, flags, possible values.
    Fixed(Vec<Candidate>),
    Verbs,
    /// A comma-separated list of verbs (`matrix --verbs`).
    VerbList,
    /// Resources; `urls` also offers non-resource URLs (request positionals).
    Resources {
        urls: bool,
    },
    Namespaces,
    ServiceAccounts,
    Groups,
    Contexts,
    Clusters,
    Users,
    /// File or directory names: the shell completes them.
    Files,
    Nothing,
}

/// The typed line, understood.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub target: Target,
    /// Put before every candidate (`--namespace=`, `-n`, or the finished items of a comma list).
    pub prefix: String,
    /// What has been typed of the value being completed (after `prefix`).
    pub partial: String,
    /// The connection flags typed on the line (-n, --context, -f, ...).
    pub flags: ConnectionSettings,
    /// The subcommands entered, e.g. `["who-can"]`.
    pub path: Vec<String>,
}

/// The candidates for `words`: the plugin's arguments as kubectl passes them, the last one being completed
/// (empty when a new word is started).
pub fn complete(words: &[String]) -> Completions {
    let parsed = parse(words);
    let log = DebugLog::from_env();
    let timeout = std::env::var("KUBECTL_SA_COMPLETION_TIMEOUT")
        .ok()
        .and_then(|t| crate::cli::parse_duration(&t).ok().flatten())
        .unwrap_or(DEFAULT_TIMEOUT);
    let (candidates, directive) = resolve(&parsed, timeout, &log);
    let mut seen = BTreeSet::new();
    let candidates = candidates
        .into_iter()
        .filter(|c| c.value.starts_with(&parsed.partial) && seen.insert(c.value.clone()))
        .map(|c| Candidate { value: format!("{}{}", parsed.prefix, c.value), description: c.description })
        .collect();
    Completions { candidates, directive }
}

/// The clap command tree with global flags propagated to the subcommands.
fn command() -> Command {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

fn find_long<'a>(cmd: &'a Command, name: &str) -> Option<&'a Arg> {
    cmd.get_arguments().find(|a| a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|al| al.contains(&name)))
}

fn find_short(cmd: &Command, c: char) -> Option<&Arg> {
    cmd.get_arguments()
        .find(|a| a.get_short() == Some(c) || a.get_all_short_aliases().is_some_and(|al| al.contains(&c)))
}

/// Remembers the connection flags typed on the line.
fn record(flags: &mut ConnectionSettings, arg: &Arg, value: &str) {
    match arg.get_id().as_str() {
        "kubeconfig" => flags.kubeconfig = Some(value.into()),
        "context" => flags.context = Some(value.into()),
        "cluster" => flags.cluster = Some(value.into()),
        "user" => flags.user = Some(value.into()),
        "namespace" => flags.namespace = Some(value.into()),
        "filename" => flags.filename.push(value.into()),
        "request_timeout" => flags.request_timeout = crate::cli::parse_duration(value).ok().flatten(),
        _ => {}
    }
}

fn first_line(s: impl ToString) -> String {
    let s = s.to_string();
    let line = s.lines().next().unwrap_or_default().trim();
    // The first sentence is enough for a completion menu ("e.g. 10s" does not end one).
    let end = line
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| line[i + 2..].starts_with(|c: char| c.is_uppercase()))
        .unwrap_or(line.len());
    line[..end].trim_end_matches('.').to_string()
}

fn candidate(value: impl Into<String>, description: impl Into<String>) -> Candidate {
    Candidate { value: value.into(), description: description.into() }
}

/// Walks the typed words through the command tree and says what the last one should be.
pub fn parse(words: &[String]) -> Parsed {
    let root = command();
    let (current, done) = match words.split_last() {
        Some((last, rest)) => (last.as_str(), rest),
        None => ("", &[][..]),
    };
    let mut cmd = &root;
    let mut path = Vec::new();
    let mut flags = ConnectionSettings::default();
    let mut seen_args: BTreeSet<String> = BTreeSet::new();
    let mut positional = 0usize;
    let mut pending: Option<&Arg> = None;
    let mut only_positionals = false;
    for word in done {
        if let Some(arg) = pending.take() {
            record(&mut flags, arg, word);
            continue;
        }
        if only_positionals || !word.starts_with('-') || word == "-" {
            if positional == 0
                && cmd.has_subcommands()
                && let Some(sub) = cmd.find_subcommand(word)
            {
                path.push(sub.get_name().to_string());
                cmd = sub;
                seen_args.clear();
                continue;
            }
            positional += 1;
            continue;
        }
        if word == "--" {
            only_positionals = true;
            continue;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if let Some(arg) = find_long(cmd, name) {
                seen_args.insert(arg.get_id().to_string());
                if takes_value(arg) {
                    match value {
                        Some(v) => record(&mut flags, arg, v),
                        None => pending = Some(arg),
                    }
                }
            }
            continue;
        }
        // A cluster of short flags (-A, -An NS, -nNS).
        let shorts = &word[1..];
        for (i, c) in shorts.char_indices() {
            let Some(arg) = find_short(cmd, c) else { break };
            seen_args.insert(arg.get_id().to_string());
            if takes_value(arg) {
                let rest = &shorts[i + c.len_utf8()..];
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                if rest.is_empty() {
                    pending = Some(arg);
                } else {
                    record(&mut flags, arg, rest);
                }
                break;
            }
        }
    }

    let parsed = |target: Target, prefix: &str, partial: &str| Parsed {
        target,
        prefix: prefix.to_string(),
        partial: partial.to_string(),
        flags: flags.clone(),
        path: path.clone(),
    };
    if let Some(arg) = pending {
        let (target, prefix, partial) = value_target(arg, current);
        return parsed(target, &prefix, partial);
    }
    if !only_positionals && current.starts_with('-') && current != "-" {
        if let Some(long) = current.strip_prefix("--") {
            if let Some((name, value)) = long.split_once('=') {
                return match find_long(cmd, name).filter(|a| takes_value(a)) {
                    Some(arg) => {
                        let (target, prefix, partial) = value_target(arg, value);
                        parsed(target, &format!("--{name}={prefix}"), partial)
                    }
                    None => parsed(Target::Nothing, "", current),
                };
            }
        } else if current.len() > 2 {
            // -nNS: the value of a short flag, attached.
            let c = current[1..].chars().next().unwrap_or('-');
            if let Some(arg) = find_short(cmd, c).filter(|a| takes_value(a)) {
                let head = &current[..1 + c.len_utf8()];
                let (target, prefix, partial) = value_target(arg, &current[head.len()..]);
                return parsed(target, &format!("{head}{prefix}"), partial);
            }
        }
    }
    if !only_positionals && current.starts_with('-') {
        return parsed(Target::Fixed(flag_candidates(cmd, &seen_args, current)), "", current);
    }
    if positional == 0 && cmd.has_subcommands() {
        let subs = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| candidate(s.get_name(), s.get_about().map(first_line).unwrap_or_default()))
            .collect();
        return parsed(Target::Fixed(subs), "", current);
    }
    let mut positionals: Vec<&Arg> = cmd.get_positionals().filter(|a| !a.is_hide_set()).collect();
    positionals.sort_by_key(|a| a.get_index());
    // With --as the subject is a user: the ServiceAccount positional is left out.
    if seen_args.contains("as_user") {
        positionals.retain(|a| a.get_id() != "service_account");
    }
    // A list positional (num_args 1..) takes every remaining word.
    let arg = positionals
        .get(positional)
        .copied()
        .or_else(|| positionals.last().copied().filter(|a| a.get_num_args().is_some_and(|n| n.max_values() > 1)));
    match arg {
        Some(arg) => {
            let (target, prefix, partial) = value_target(arg, current);
            parsed(target, &prefix, partial)
        }
        None => parsed(Target::Nothing, "", current),
    }
}

/// What to complete for a value of `arg`, given what was typed of it: (target, prefix, partial).
fn value_target<'a>(arg: &Arg, typed: &'a str) -> (Target, String, &'a str) {
    let possible: Vec<Candidate> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| candidate(v.get_name(), v.get_help().map(first_line).unwrap_or_default()))
        .collect();
    if !possible.is_empty() {
        return (Target::Fixed(possible), String::new(), typed);
    }
    let target = match arg.get_id().as_str() {
        "namespace" => Target::Namespaces,
        "context" => Target::Contexts,
        "cluster" => Target::Clusters,
        "user" => Target::Users,
        "verb" => Target::Verbs,
        "verbs" => {
            // The finished items of the list stay as they are.
            let (done, partial) = match typed.rfind(',') {
                Some(i) => (&typed[..=i], &typed[i + 1..]),
                None => ("", typed),
            };
            return (Target::VerbList, done.to_string(), partial);
        }
        "resource" => Target::Resources { urls: arg.is_positional() },
        "service_account" => Target::ServiceAccounts,
        "as_group" => Target::Groups,
        _ => match arg.get_value_hint() {
            ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath => Target::Files,
            _ => Target::Nothing,
        },
    };
    (target, String::new(), typed)
}

fn flag_candidates(cmd: &Command, seen: &BTreeSet<String>, current: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set() && !a.is_positional()) {
        let repeatable = matches!(arg.get_action(), ArgAction::Append | ArgAction::Count);
        if seen.contains(arg.get_id().as_str()) && !repeatable {
            continue;
        }
        let help = arg.get_help().map(first_line).unwrap_or_default();
        if let Some(long) = arg.get_long() {
            out.push(candidate(format!("--{long}"), help.clone()));
        }
        // Short forms only while no `--` was typed, as cobra does.
        if !current.starts_with("--")
            && let Some(short) = arg.get_short()
        {
            out.push(candidate(format!("-{short}"), help));
        }
    }
    out
}

/// Appends to cobra's debug file, if the user asked for one (`BASH_COMP_DEBUG_FILE`).
pub struct DebugLog(Option<std::path::PathBuf>);

impl DebugLog {
    pub fn from_env() -> Self {
        DebugLog(std::env::var_os("BASH_COMP_DEBUG_FILE").filter(|p| !p.is_empty()).map(Into::into))
    }

    fn log(&self, msg: &str) {
        if let Some(path) = &self.0 {
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
                let _ = writeln!(f, "kubectl-sa completion: {msg}");
            }
        }
    }
}

fn resolve(parsed: &Parsed, timeout: Duration, log: &DebugLog) -> (Vec<Candidate>, u32) {
    let none = directive::NO_FILE_COMP;
    match &parsed.target {
        Target::Fixed(c) => (c.clone(), none),
        Target::Nothing => (Vec::new(), none),
        Target::Files => (Vec::new(), directive::DEFAULT),
        Target::Verbs => (verb_candidates(), none),
        Target::VerbList => {
            let mut verbs = verb_candidates();
            verbs.push(candidate("all", "the standard verbs plus bind, escalate, impersonate, use, approve"));
            (verbs, none | directive::NO_SPACE)
        }
        Target::Groups => (
            [
                ("system:masters", "superusers: allowed everything before RBAC"),
                ("system:authenticated", "every authenticated identity"),
                ("system:unauthenticated", "anonymous requests"),
                ("system:serviceaccounts", "every ServiceAccount"),
                ("system:nodes", "kubelets"),
            ]
            .into_iter()
            .map(|(g, d)| candidate(g, d))
            .collect(),
            none,
        ),
        Target::Contexts | Target::Clusters | Target::Users => {
            let names = kubeconfig_names(&parsed.flags, &parsed.target).unwrap_or_else(|e| {
                log.log(&format!("{e:#}"));
                Vec::new()
            });
            (names.into_iter().map(|n| candidate(n, "")).collect(), none)
        }
        Target::Resources { urls } => {
            if *urls && parsed.partial.starts_with('/') {
                return (non_resource_urls(), none);
            }
            let catalogue = cluster_data(parsed, Want::Resources, timeout, log).catalogue;
            (resource_candidates(&catalogue, &parsed.partial), none)
        }
        Target::Namespaces => {
            let data = cluster_data(parsed, Want::Namespaces, timeout, log);
            (data.namespaces.into_iter().map(|n| candidate(n, "")).collect(), none)
        }
        Target::ServiceAccounts => {
            let data = cluster_data(parsed, Want::ServiceAccounts, timeout, log);
            let sep = if parsed.partial.contains('/') && !parsed.partial.contains(':') { "/" } else { ":" };
            let values = data
                .service_accounts
                .into_iter()
                // With -n only that namespace was read: plain names, as the commands accept them with -n.
                .map(|(ns, name)| match &parsed.flags.namespace {
                    Some(_) => candidate(name, ""),
                    None => candidate(format!("{ns}{sep}{name}"), ""),
                })
                .collect();
            (values, none)
        }
    }
}

fn verb_candidates() -> Vec<Candidate> {
    let describe = |v: &str| match v {
        "get" => "read one object (or GET a non-resource URL)",
        "list" => "read a collection",
        "watch" => "stream changes",
        "create" => "create an object",
        "update" => "replace an object",
        "patch" => "modify an object",
        "delete" => "delete one object",
        "deletecollection" => "delete a collection",
        "bind" => "bind a role (RBAC escalation check)",
        "escalate" => "create or update a role with more rights",
        "impersonate" => "act as a user, group or ServiceAccount",
        "approve" => "approve CertificateSigningRequests",
        "sign" => "sign CertificateSigningRequests",
        "use" => "use a PodSecurityPolicy-like object",
        _ => "",
    };
    RESOURCE_VERBS.iter().chain(NON_RESOURCE_VERBS).filter(|v| **v != "*").map(|v| candidate(*v, describe(v))).collect()
}

fn non_resource_urls() -> Vec<Candidate> {
    [
        ("/api", "core API discovery"),
        ("/apis", "API group discovery"),
        ("/healthz", "health (deprecated)"),
        ("/livez", "liveness"),
        ("/readyz", "readiness"),
        ("/metrics", "Prometheus metrics"),
        ("/openapi/v2", "OpenAPI v2"),
        ("/openapi/v3", "OpenAPI v3"),
        ("/version", "server version"),
        ("/logs", "API server logs"),
        ("/debug/pprof", "profiling"),
    ]
    .into_iter()
    .map(|(u, d)| candidate(u, d))
    .collect()
}

/// `pods`, `deployments.apps` (and `deployments` when no other group serves that name), and with `RES/` the
/// subresources of RES.
pub fn resource_candidates(catalogue: &Catalogue, partial: &str) -> Vec<Candidate> {
    if let Some((base, _)) = partial.split_once('/') {
        return match catalogue.resolve(base) {
            Ok(resolved) => resolved
                .info
                .subresources
                .iter()
                .map(|s| candidate(format!("{base}/{s}"), format!("{} subresource", resolved.info.kind)))
                .collect(),
            Err(_) => Vec::new(),
        };
    }
    let mut out: Vec<Candidate> = Vec::new();
    let mut plain_groups: std::collections::BTreeMap<&str, BTreeSet<&str>> = Default::default();
    for e in &catalogue.entries {
        plain_groups.entry(e.resource.as_str()).or_default().insert(e.group.as_str());
    }
    for e in &catalogue.entries {
        let scope = if e.namespaced { "namespaced" } else { "cluster-scoped" };
        if e.group.is_empty() {
            out.push(candidate(e.resource.clone(), format!("{}, {scope}", e.kind)));
        } else {
            let description = format!("{} ({}), {scope}", e.kind, e.group);
            out.push(candidate(format!("{}.{}", e.resource, e.group), description.clone()));
            // The short form resolves to this group only if no core resource and no other group has the name.
            if plain_groups.get(e.resource.as_str()).is_some_and(|g| g.len() == 1) {
                out.push(candidate(e.resource.clone(), description));
            }
        }
    }
    out.sort_by(|a, b| a.value.cmp(&b.value));
    out
}

fn kubeconfig_names(flags: &ConnectionSettings, target: &Target) -> Result<Vec<String>> {
    let kc = live::read_kubeconfig(flags)?;
    let mut names: Vec<String> = match target {
        Target::Contexts => kc.contexts.into_iter().map(|c| c.name).collect(),
        Target::Clusters => kc.clusters.into_iter().map(|c| c.name).collect(),
        _ => kc.auth_infos.into_iter().map(|u| u.name).collect(),
    };
    names.sort();
    names.dedup();
    Ok(names)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Resources,
    Namespaces,
    ServiceAccounts,
}

/// What was read from the cluster or the snapshot.
#[derive(Default)]
struct ClusterData {
    catalogue: Catalogue,
    namespaces: Vec<String>,
    /// (namespace, name)
    service_accounts: Vec<(String, String)>,
}

/// Reads what `want` needs, from the snapshot files (-f) or the cluster, within `timeout`. Failures are logged
/// and give empty lists (or the built-in catalogue for resources).
fn cluster_data(parsed: &Parsed, want: Want, timeout: Duration, log: &DebugLog) -> ClusterData {
    let flags = &parsed.flags;
    if !flags.filename.is_empty() {
        return match snapshot_data(flags) {
            Ok(d) => d,
            Err(e) => {
                log.log(&format!("{e:#}"));
                ClusterData { catalogue: Catalogue::builtin(), ..Default::default() }
            }
        };
    }
    // Live reading happens on a thread of its own, so that nothing (a hanging exec credential plugin, a server
    // that accepts connections and never answers) can hold the shell longer than the timeout.
    let (tx, rx) = std::sync::mpsc::channel();
    let thread_flags = flags.clone();
    let namespace = if parsed.flags.namespace.is_some() && want == Want::ServiceAccounts {
        parsed.flags.namespace.clone()
    } else {
        None
    };
    let started = Instant::now();
    let spawned = std::thread::Builder::new().name("completion".into()).spawn(move || {
        let result = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| anyhow!("cannot start the async runtime: {e}"))
            .and_then(|rt| {
                rt.block_on(async {
                    tokio::time::timeout(timeout, live_data(&thread_flags, want, namespace.as_deref(), timeout))
                        .await
                        .map_err(|_| anyhow!("timed out after {timeout:?}"))?
                })
            });
        let _ = tx.send(result);
    });
    let result = match spawned {
        Ok(_) => rx
            .recv_timeout(timeout + Duration::from_millis(500))
            .unwrap_or_else(|_| Err(anyhow!("timed out after {timeout:?}"))),
        Err(e) => Err(anyhow!("cannot start a thread: {e}")),
    };
    match result {
        Ok(d) => d,
        Err(e) => {
            log.log(&format!("reading the cluster for {want:?} failed after {:?}: {e:#}", started.elapsed()));
            ClusterData {
                catalogue: if want == Want::Resources { Catalogue::builtin() } else { Catalogue::default() },
                ..Default::default()
            }
        }
    }
}

fn snapshot_data(flags: &ConnectionSettings) -> Result<ClusterData> {
    let mut builder = ClusterBuilder::default();
    snapshot::load_paths(&flags.filename, &mut builder)?;
    let cluster = builder.build();
    let mut namespaces: BTreeSet<String> = cluster.namespaces.keys().cloned().collect();
    namespaces.extend(cluster.service_accounts.keys().map(|(ns, _)| ns.clone()));
    namespaces.extend(cluster.roles.keys().map(|(ns, _)| ns.clone()));
    let service_accounts = cluster
        .service_accounts
        .keys()
        .filter(|(ns, _)| flags.namespace.as_ref().is_none_or(|want| want == ns))
        .cloned()
        .collect();
    Ok(ClusterData {
        catalogue: Catalogue::builtin().with_crds(&cluster.crds),
        namespaces: namespaces.into_iter().collect(),
        service_accounts,
    })
}

/// A client built from the kubeconfig like [`live::connect`] does, except that exec credential plugins are told
/// they may not interact (`interactiveMode: Never`: no terminal, stdin closed), and every request is bounded.
async fn quiet_connection(flags: &ConnectionSettings, timeout: Duration) -> Result<Connection> {
    let config = live::client_config(flags, Some(timeout), false).await?;
    live::connection(config, None, Some(timeout))
}

/// Metadata is all completion needs.
const METADATA_ONLY: &str = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;q=0.9";

async fn live_data(
    flags: &ConnectionSettings,
    want: Want,
    namespace: Option<&str>,
    timeout: Duration,
) -> Result<ClusterData> {
    let conn = quiet_connection(flags, timeout).await?;
    let mut data = ClusterData::default();
    match want {
        Want::Resources => data.catalogue = live::discover(&conn).await.context("discovery")?,
        Want::Namespaces => {
            let items: Vec<raw::RawNamespace> =
                live::list_all_as(&conn, "/api/v1/namespaces", "list namespaces", live::Format::JsonAs(METADATA_ONLY))
                    .await?;
            data.namespaces = items.into_iter().map(|n| n.metadata.name).collect();
            data.namespaces.sort();
        }
        Want::ServiceAccounts => {
            let path = match namespace {
                Some(ns) => format!("/api/v1/namespaces/{ns}/serviceaccounts"),
                None => "/api/v1/serviceaccounts".to_string(),
            };
            let items: Vec<raw::RawServiceAccount> =
                live::list_all_as(&conn, &path, "list serviceaccounts", live::Format::JsonAs(METADATA_ONLY)).await?;
            data.service_accounts =
                items.into_iter().map(|s| (s.metadata.namespace.unwrap_or_default(), s.metadata.name)).collect();
            data.service_accounts.sort();
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let mut w: Vec<String> = s.split(' ').map(String::from).collect();
        if s.is_empty() {
            w = vec![String::new()];
        }
        w
    }

    fn fixed(p: &Parsed) -> Vec<String> {
        match &p.target {
            Target::Fixed(c) => c.iter().map(|c| c.value.clone()).collect(),
            other => panic!("expected fixed candidates, got {other:?}"),
        }
    }

    #[test]
    fn subcommands_then_positionals() {
        let p = parse(&words(""));
        let subs = fixed(&p);
        for s in ["who-can", "explain", "matrix", "bindings", "version", "completion"] {
            assert!(subs.contains(&s.to_string()), "{s} missing from {subs:?}");
        }
        assert!(!subs.iter().any(|s| s == "man" || s.starts_with("__")), "hidden subcommands offered: {subs:?}");
        assert_eq!(parse(&words("who-can ")).target, Target::Verbs);
        assert_eq!(parse(&words("who-can get ")).target, Target::Resources { urls: true });
        assert_eq!(parse(&words("who-can get pods ")).target, Target::Nothing);
        assert_eq!(parse(&words("explain ")).target, Target::ServiceAccounts);
        assert_eq!(parse(&words("explain ci:deployer ")).target, Target::Verbs);
        assert_eq!(parse(&words("-n payments explain ci:x get ")).target, Target::Resources { urls: true });
    }

    #[test]
    fn flags_and_their_values() {
        let p = parse(&words("who-can get pods -n "));
        assert_eq!(p.target, Target::Namespaces);
        let p = parse(&words("who-can get pods --namespace=pay"));
        assert_eq!((p.target, p.prefix.as_str(), p.partial.as_str()), (Target::Namespaces, "--namespace=", "pay"));
        let p = parse(&words("who-can get pods -npay"));
        assert_eq!((p.target, p.prefix.as_str(), p.partial.as_str()), (Target::Namespaces, "-n", "pay"));
        assert_eq!(fixed(&parse(&words("who-can get pods -o "))), ["wide", "json", "yaml"]);
        assert_eq!(fixed(&parse(&words("--color "))), ["auto", "always", "never"]);
        let f = fixed(&parse(&words("who-can get pods --")));
        for flag in ["--namespace", "--all-namespaces", "--output", "--subresource", "--kubeconfig", "--filename"] {
            assert!(f.contains(&flag.to_string()), "{flag} missing from {f:?}");
        }
        assert!(!f.iter().any(|f| !f.starts_with("--")), "short flags after --: {f:?}");
        let f = fixed(&parse(&words("who-can get pods -A -")));
        assert!(!f.contains(&"-A".to_string()) && f.contains(&"-n".to_string()), "{f:?}");
        assert_eq!(parse(&words("who-can get pods -f ")).target, Target::Files);
        assert_eq!(parse(&words("--context ")).target, Target::Contexts);
        let p = parse(&words("matrix x --verbs get,li"));
        assert_eq!((p.target, p.prefix.as_str(), p.partial.as_str()), (Target::VerbList, "get,", "li"));
        assert_eq!(parse(&words("matrix --resource ")).target, Target::Resources { urls: false });
        assert_eq!(parse(&words("explain x get pods --as-group ")).target, Target::Groups);
        // With --as there is no ServiceAccount argument: the first word is the verb.
        assert_eq!(parse(&words("explain --as alice ")).target, Target::Verbs);
        assert_eq!(parse(&words("explain --as alice get ")).target, Target::Resources { urls: true });
        assert_eq!(parse(&words("explain x ")).target, Target::Verbs);
        assert_eq!(fixed(&parse(&words("completion "))), ["bash", "elvish", "fish", "powershell", "zsh"]);
    }

    #[test]
    fn connection_flags_are_remembered() {
        let p = parse(&words("--kubeconfig /k --context c -n ns -f a.yaml who-can get --user=u x"));
        assert_eq!(p.flags.kubeconfig.as_deref(), Some(std::path::Path::new("/k")));
        assert_eq!(p.flags.context.as_deref(), Some("c"));
        assert_eq!(p.flags.user.as_deref(), Some("u"));
        assert_eq!(p.flags.namespace.as_deref(), Some("ns"));
        assert_eq!(p.flags.filename, [std::path::PathBuf::from("a.yaml")]);
        assert_eq!(p.path, ["who-can"]);
    }

    #[test]
    fn resources_from_the_catalogue() {
        let cat = Catalogue::builtin();
        let values: Vec<String> = resource_candidates(&cat, "").into_iter().map(|c| c.value).collect();
        for r in ["pods", "secrets", "deployments.apps", "deployments", "roles.rbac.authorization.k8s.io"] {
            assert!(values.contains(&r.to_string()), "{r} missing");
        }
        // `events` is core; events.events.k8s.io must be qualified.
        assert!(values.contains(&"events.events.k8s.io".to_string()));
        let subs: Vec<String> = resource_candidates(&cat, "pods/").into_iter().map(|c| c.value).collect();
        assert!(subs.contains(&"pods/exec".to_string()) && subs.contains(&"pods/log".to_string()), "{subs:?}");
        // Every candidate resolves.
        for v in values.iter().chain(&subs) {
            cat.resolve(v).unwrap_or_else(|e| panic!("{v}: {e}"));
        }
    }

    #[test]
    fn rendered_in_kubectls_format() {
        let c = Completions { candidates: vec![candidate("a", "first"), candidate("b", "")], directive: 4 };
        assert_eq!(c.render(), "a\tfirst\nb\n:4\n");
    }
}
