//! Command-line flags. Connection flags have kubectl's names and meanings.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::output::ColorChoice;
use crate::source::{ConnectionSettings, Secret};

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-sa",
    bin_name = "kubectl sa",
    version,
    about = "Who can do this, what can this ServiceAccount do, and why: answered exactly as kube-apiserver's RBAC would.",
    after_help = "Examples:\n  kubectl sa who-can get secrets -n prod\n  kubectl sa explain ci:deployer create deployments.apps -n prod\n  kubectl sa who-can get pods -A -f cluster-snapshot.yaml"
)]
pub struct Cli {
    #[command(flatten)]
    pub connection: ConnectionFlags,

    /// When to color output: auto (terminal and NO_COLOR unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

/// Where the cluster's objects come from: a kubeconfig context (kubectl's flags) or snapshot files (-f).
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectionFlags {
    /// Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,

    /// The kubeconfig cluster to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub cluster: Option<String>,

    /// The kubeconfig user to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,

    /// The address and port of the Kubernetes API server (overrides the kubeconfig's; works without one).
    #[arg(short = 's', long, global = true, value_name = "URL")]
    pub server: Option<String>,

    /// Bearer token for authentication to the API server (overrides the kubeconfig user's; never printed).
    #[arg(long, global = true, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<Secret>,

    /// Path to a cert file for the certificate authority.
    #[arg(long, global = true, value_name = "PATH")]
    pub certificate_authority: Option<PathBuf>,

    /// Path to a client certificate file for TLS.
    #[arg(long, global = true, value_name = "PATH")]
    pub client_certificate: Option<PathBuf>,

    /// Path to a client key file for TLS.
    #[arg(long, global = true, value_name = "PATH")]
    pub client_key: Option<PathBuf>,

    /// Do not check the server's certificate (insecure).
    #[arg(long, global = true)]
    pub insecure_skip_tls_verify: bool,

    /// Server name to use for server certificate validation (default: the server's host name).
    #[arg(long, global = true, value_name = "NAME")]
    pub tls_server_name: Option<String>,

    /// Namespace of the request (default: the context's namespace, else "default").
    #[arg(short = 'n', long, global = true, value_name = "NS")]
    pub namespace: Option<String>,

    /// Time to wait for each API request, e.g. 10s, 1m; 0 waits forever.
    #[arg(long, global = true, value_name = "DURATION", default_value = "0")]
    pub request_timeout: String,

    /// Objects per page when listing from the API server [default: 500 for pods, 1000 for roles and cluster roles,
    /// 2000 for smaller objects; 2.5 times as many for the lists asked for in protobuf: ServiceAccounts,
    /// Namespaces, Roles, ClusterRoles and their bindings]
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_size: Option<u32>,

    /// Read objects from snapshot files instead of a cluster: a file, a directory (recursively) or - for stdin.
    /// Repeatable. Accepts `kubectl get -o yaml|json` output and plain manifests.
    #[arg(short = 'f', long = "filename", global = true, value_name = "PATH")]
    pub filename: Vec<PathBuf>,
}

impl ConnectionFlags {
    /// The settings `source` connects with; fails on a malformed `--request-timeout`.
    pub fn settings(&self) -> Result<ConnectionSettings> {
        Ok(ConnectionSettings {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            cluster: self.cluster.clone(),
            user: self.user.clone(),
            server: self.server.clone(),
            token: self.token.clone(),
            certificate_authority: self.certificate_authority.clone(),
            client_certificate: self.client_certificate.clone(),
            client_key: self.client_key.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            tls_server_name: self.tls_server_name.clone(),
            namespace: self.namespace.clone(),
            request_timeout: parse_duration(&self.request_timeout)?,
            chunk_size: self.chunk_size,
            filename: self.filename.clone(),
        })
    }
}

/// kubectl's `--request-timeout` syntax: a bare number of seconds, or a number with unit ms, s, m or h.
pub fn parse_duration(s: &str) -> Result<Option<Duration>> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let value: f64 = match num.parse() {
        Ok(v) if v >= 0.0 => v,
        _ => bail!("invalid --request-timeout {s:?}: use a number with a unit, e.g. 10s, 2m, 1h, or 0 for none"),
    };
    let secs = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => bail!("invalid --request-timeout {s:?}: unit must be ms, s, m or h"),
    };
    Ok((secs > 0.0).then(|| Duration::from_secs_f64(secs)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// More columns: the granting rule.
    Wide,
    Json,
    Yaml,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every subject and ServiceAccount that may make a request, with the binding -> role -> rule granting it.
    #[command(
        after_help = "Examples:\n  kubectl sa who-can get secrets -n prod\n  kubectl sa who-can create pods/exec -A\n  kubectl sa who-can update deployments.apps/scale -n web\n  kubectl sa who-can get /metrics\n  kubectl sa who-can list widgets.example.com -o json\n  kubectl sa who-can '*' '*' --group '*' --cluster-scope\n  kubectl sa who-can get tier.networkpolicies --group projectcalico.org --cluster-scope\n\nAny request a SubjectAccessReview accepts can be asked; what the catalogue does not know (a custom resource\nwithout its CRD, a custom verb) is answered literally, with a warning on stderr."
    )]
    WhoCan(WhoCanArgs),

    /// Explain whether a ServiceAccount or user may make a request: authentication, authorization (which bindings
    /// allow it, or the near misses) and admission.
    #[command(
        override_usage = "kubectl sa explain [OPTIONS] <NS:SA> <VERB> <RESOURCE> [NAME]\n       kubectl sa explain [OPTIONS] --as <USER> [--as-group <GROUP>]... <VERB> <RESOURCE> [NAME]",
        after_help = "Examples:\n  kubectl sa explain prod:deployer create deployments.apps -n prod\n  kubectl sa explain system:serviceaccount:monitoring:prometheus get /metrics\n  kubectl sa explain builder get secrets db-password -n ci -o json\n  kubectl sa explain --as alice --as-group devs list secrets -n prod\n  kubectl sa explain ci:deployer '*' '*' --group '*' --cluster-scope\n\nExit status: 0 allowed, 1 denied, 2 or more on errors (like `kubectl auth can-i`)."
    )]
    Explain(ExplainArgs),

    /// The who-can-do-what matrix of a ServiceAccount (resources x verbs), or of every ServiceAccount for one
    /// resource (--resource), computed from the rules without an API call per cell.
    #[command(
        after_help = "Examples:\n  kubectl sa matrix payments:api -n payments\n  kubectl sa matrix ci:deployer -A --subresources\n  kubectl sa matrix web:frontend --verbs all -o json\n  kubectl sa matrix -n payments --resource secrets\n\nCells: yes, no, some (only for specific resourceNames; listed with -o wide or json)."
    )]
    Matrix(MatrixArgs),

    /// Every binding that applies to a ServiceAccount and how (directly, by group, by User alias), with its role
    /// and rules, as a tree; -o dot or -o mermaid draw it.
    #[command(
        after_help = "Examples:\n  kubectl sa bindings payments:api\n  kubectl sa bindings ci:deployer -o dot | dot -Tsvg > deployer.svg\n  kubectl sa bindings web/frontend -o mermaid"
    )]
    Bindings(BindingsArgs),

    /// Every ServiceAccount: whether it exists, the pods that use it, automount, its tokens (projected, legacy
    /// Secrets), its cloud identity, how many bindings reach it and its highest audit severity.
    #[command(
        after_help = "Examples:\n  kubectl sa list -A\n  kubectl sa list -n payments -o wide\n  kubectl sa list -A --sort risk\n  kubectl sa list -A --unused -o json"
    )]
    List(ListArgs),

    /// Audit every ServiceAccount against the risky-permission catalogue (SA-01 ... SA-29) with the exact RBAC
    /// engine: severity, CIS id, scope, binding -> role -> rule, why, and the least-privilege alternative.
    #[command(
        after_help = "Examples:\n  kubectl sa audit -A\n  kubectl sa audit ci:deployer\n  kubectl sa audit -A -o sarif > kubectl-sa.sarif\n  kubectl sa audit -A --write-baseline baseline.json\n  kubectl sa audit -A --baseline baseline.json --fail-on high\n\nExit status: 0, or 3 with --fail-on when a finding at or above that severity remains; 2 on errors."
    )]
    Audit(AuditArgs),

    /// How a ServiceAccount could become more powerful: its shortest path (or every path) to a target, each step a
    /// documented technique whose preconditions are exact RBAC requests.
    #[command(
        after_help = "Examples:\n  kubectl sa paths ci:builder --to cluster-admin\n  kubectl sa paths --to cluster-admin -A\n  kubectl sa paths ci:builder --to 'get secrets -n kube-system' --all-paths --max-steps 3\n  kubectl sa paths -A --to cluster-admin -o dot | dot -Tsvg > paths.svg\n\nExit status: 0 when a path was found, 1 when none, 2 or more on errors."
    )]
    Paths(PathsArgs),

    /// What an RBAC change grants and takes away, per subject: the requests each may make after and not before,
    /// and the reverse, as rule-shaped entries with the bindings that cause them.
    #[command(
        after_help = "Examples:\n  kubectl sa diff --before old/ --after new/\n  helm template chart | kubectl sa diff --after -\n  kubectl sa diff --after rbac.yaml -o markdown\n  kubectl sa diff --before main/ --after pr/ --fail-on high\n\nExit status: 0, or 3 with --fail-on when the change adds a finding at or above that severity; 2 on errors."
    )]
    Diff(DiffArgs),

    /// One self-contained HTML page for people who do not run kubectl: an overview, every audit finding and every
    /// ServiceAccount, filterable and searchable, with a link for each; it makes no network request.
    #[command(
        after_help = "Examples:\n  kubectl sa report -A --output-file report.html\n  kubectl sa report -n payments > payments.html\n  kubectl sa report -A -f snapshot.yaml --output-file report.html\n  kubectl sa report -A -o json\n\nThe page works from a file:// URL and offline. Names and annotations from the cluster are shown as text."
    )]
    Report(ReportArgs),

    /// ServiceAccount tokens: `token inspect` decodes one locally.
    #[command(
        subcommand,
        after_help = "Examples:\n  kubectl sa token inspect token.jwt\n  kubectl create token deployer -n ci | kubectl sa token inspect -"
    )]
    Token(TokenCommand),

    /// What each ServiceAccount really did (Kubernetes audit logs) against what it is granted; --suggest writes
    /// the least privilege that covers it.
    #[command(
        after_help = "Examples:\n  kubectl sa usage --audit-log /var/log/kubernetes/audit/\n  kubectl sa usage ci:deployer --audit-log audit.log.gz --since 720h\n  kubectl sa usage payments:api --audit-log audit.log --suggest | kubectl apply -f -\n  kubectl sa usage --audit-log audit.log --offline -o json"
    )]
    Usage(UsageArgs),

    /// Print the version, the commit and the Kubernetes API version it was built against.
    #[command(after_help = "Examples:\n  kubectl sa version\n  kubectl sa --version")]
    Version,

    /// Print a shell completion script for the kubectl-sa binary; `kubectl sa <TAB>` itself is completed by
    /// kubectl through kubectl_complete-sa (see the README, Shell completion).
    #[command(
        after_help = "Examples:\n  source <(kubectl sa completion bash)\n  kubectl sa completion zsh > \"${fpath[1]}/_kubectl-sa\"\n  kubectl sa completion fish > ~/.config/fish/completions/kubectl-sa.fish\n  kubectl sa completion powershell | Out-String | Invoke-Expression\n\nFor `kubectl sa <TAB>` (kubectl 1.26+, with kubectl's own completion enabled), put kubectl_complete-sa on PATH:\n  ln -sf kubectl-sa \"$(dirname \"$(command -v kubectl-sa)\")/kubectl_complete-sa\""
    )]
    Completion(CompletionArgs),

    /// Print the man page (roff), or write every page into a directory.
    #[command(hide = true, after_help = "Examples:\n  kubectl sa man | man -l -\n  kubectl sa man --dir man/")]
    Man(ManArgs),
}

/// How a request is scoped and printed (who-can and explain). The grammar is in docs/requests.md.
#[derive(Debug, Args)]
pub struct RequestFlags {
    /// Subresource, as an alternative to RESOURCE/SUBRESOURCE (several segments are allowed: a/b).
    #[arg(long, value_name = "SUBRESOURCE")]
    pub subresource: Option<String>,

    /// The API group, given apart: RESOURCE is then taken whole, dots included (e.g. --group projectcalico.org
    /// tier.networkpolicies); --group "" is the core group.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,

    /// Across all namespaces (namespace ""); for who-can: in any namespace, each grant with its scope.
    #[arg(short = 'A', long, conflicts_with = "cluster_scope")]
    pub all_namespaces: bool,

    /// Ask at cluster scope (namespace "") whatever the resource: for a cluster-scoped resource the catalogue does
    /// not know, or a namespaced one across all namespaces (only ClusterRoleBindings count).
    #[arg(long)]
    pub cluster_scope: bool,

    /// Output format.
    #[arg(short = 'o', long, value_enum)]
    pub output: Option<OutputFormat>,
}

#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The verb: get, list, watch, create, update, patch, delete, deletecollection, a special verb (bind,
    /// escalate, impersonate, approve, sign, use, ...) or any custom verb; the lowercased HTTP method for
    /// non-resource URLs; `*` is the literal `*`.
    pub verb: String,

    /// RESOURCE[.GROUP][/SUBRESOURCE] (pods, po, pods/log, deployments.apps/scale, widgets.example.com, `*`), or a
    /// non-resource URL starting with / (e.g. /metrics, /healthz). Unknown names are asked literally.
    pub resource: String,

    /// Name of one object (resourceNames rules only match requests for a named object).
    pub name: Option<String>,

    #[command(flatten)]
    pub flags: RequestFlags,
}

#[derive(Debug, Args)]
pub struct WhoCanArgs {
    #[command(flatten)]
    pub request: RequestArgs,
}

/// Who is evaluated when it is not a ServiceAccount argument: kubectl's impersonation flags. The connection itself
/// always uses your own credentials.
#[derive(Debug, Clone, Default, Args)]
pub struct SubjectFlags {
    /// Evaluate for this user (system:serviceaccount:NS:NAME for a ServiceAccount), as `kubectl auth can-i --as`:
    /// its groups are --as-group plus system:authenticated.
    #[arg(long = "as", value_name = "USER")]
    pub as_user: Option<String>,

    /// A group of the evaluated identity (repeatable): with --as, its groups; with a ServiceAccount, a group
    /// besides its three (as an authenticating proxy could add), e.g. system:masters.
    #[arg(long = "as-group", value_name = "GROUP")]
    pub as_group: Vec<String>,

    /// The uid of the evaluated identity (sent in the server's SubjectAccessReview).
    #[arg(long = "as-uid", value_name = "UID")]
    pub as_uid: Option<String>,
}

impl SubjectFlags {
    /// The subject of a command whose ServiceAccount argument is `service_account`.
    pub fn spec<'a>(&'a self, service_account: Option<&'a str>) -> crate::request::subject::SubjectSpec<'a> {
        crate::request::subject::SubjectSpec {
            service_account,
            as_user: self.as_user.as_deref(),
            as_groups: &self.as_group,
            as_uid: self.as_uid.as_deref(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The ServiceAccount: NAMESPACE:NAME, NAMESPACE/NAME, system:serviceaccount:NAMESPACE:NAME, or NAME
    /// (namespace from -n, else the context, else "default"). Left out with --as.
    #[arg(value_name = "SA")]
    pub service_account: Option<String>,

    /// The verb (see who-can --help).
    #[arg(value_name = "VERB")]
    pub verb: Option<String>,

    /// RESOURCE[.GROUP][/SUBRESOURCE] or a non-resource URL (see who-can --help).
    #[arg(value_name = "RESOURCE")]
    pub resource: Option<String>,

    /// Name of one object.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    #[command(flatten)]
    pub subject: SubjectFlags,

    #[command(flatten)]
    pub request: RequestFlags,

    /// Print only the least-privilege Role/ClusterRole and binding YAML that would allow exactly this request.
    #[arg(long)]
    pub fix: bool,

    /// Skip the SubjectAccessReview that asks the live API server for its own decision.
    #[arg(long)]
    pub no_server_check: bool,

    /// The object of a create/update/patch (YAML or JSON), for objectSelector, PodSecurity and --dry-run.
    #[arg(long, value_name = "FILE")]
    pub object: Option<PathBuf>,

    /// Live: perform the request server-side as the evaluated identity with dryRun=All (impersonating it) and
    /// report the real authorization and admission outcome. Needs permission to impersonate it.
    #[arg(long)]
    pub dry_run: bool,
}

/// The words of an explain request once the subject is known: (ServiceAccount argument, verb, resource, name).
pub type ExplainWords<'a> = (Option<&'a str>, &'a str, &'a str, Option<&'a str>);

impl ExplainArgs {
    /// The positional words read as `SA VERB RESOURCE [NAME]`, or with --as as `VERB RESOURCE [NAME]`.
    pub fn words(&self) -> Result<ExplainWords<'_>> {
        let given: Vec<&str> = [&self.service_account, &self.verb, &self.resource, &self.name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        match (self.subject.as_user.is_some(), given.as_slice()) {
            (false, [sa, verb, resource]) => Ok((Some(sa), verb, resource, None)),
            (false, [sa, verb, resource, name]) => Ok((Some(sa), verb, resource, Some(name))),
            (true, [verb, resource]) => Ok((None, verb, resource, None)),
            (true, [verb, resource, name]) => Ok((None, verb, resource, Some(name))),
            (true, [_, _, _, _]) => bail!(
                "with --as, give VERB RESOURCE [NAME] only: the subject is the --as user, not a ServiceAccount argument"
            ),
            (false, _) => bail!(
                "explain needs NS:SA VERB RESOURCE [NAME] (or --as USER VERB RESOURCE [NAME]), e.g. `kubectl sa explain ci:deployer get pods -n web`"
            ),
            (true, _) => bail!(
                "explain --as USER needs VERB RESOURCE [NAME], e.g. `kubectl sa explain --as alice get pods -n web`"
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatrixOutput {
    /// Names for `some` cells and namespaces for -A.
    Wide,
    Json,
    Yaml,
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// The ServiceAccount (NAMESPACE:NAME, NAMESPACE/NAME, system:serviceaccount:NAMESPACE:NAME, or NAME with -n).
    /// Omit it with --resource, with --all-sas for the matrix of every ServiceAccount of the namespace, or with
    /// --as for a user.
    #[arg(required_unless_present_any = ["resource", "all_sas", "as_user"])]
    pub service_account: Option<String>,

    #[command(flatten)]
    pub subject: SubjectFlags,

    /// One resource, with ServiceAccounts as rows (everyone that holds anything on it).
    #[arg(long, value_name = "RESOURCE", conflicts_with_all = ["service_account", "as_user"])]
    pub resource: Option<String>,

    /// Verbs as columns: a comma-separated list, or `all` for the standard verbs plus bind, escalate,
    /// impersonate, use, approve.
    #[arg(long, value_delimiter = ',', value_name = "VERBS")]
    pub verbs: Vec<String>,

    /// Also rows for dangerous subresources: pods/exec, pods/log, pods/attach, pods/portforward,
    /// pods/ephemeralcontainers, serviceaccounts/token, nodes/proxy, */scale, */status.
    #[arg(long)]
    pub subresources: bool,

    /// Without a ServiceAccount: the matrix of every ServiceAccount of the namespace (-A: of the cluster). With
    /// --resource: also ServiceAccounts that hold nothing on it.
    #[arg(long, conflicts_with_all = ["service_account", "as_user"])]
    pub all_sas: bool,

    /// Across all namespaces: cells say where (cluster-wide or which namespaces).
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    #[arg(short = 'o', long, value_enum)]
    pub output: Option<MatrixOutput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BindingsOutput {
    Json,
    Yaml,
    /// Graphviz: ServiceAccount -> bindings -> roles -> rules.
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct BindingsArgs {
    /// The ServiceAccount (NAMESPACE:NAME, NAMESPACE/NAME, system:serviceaccount:NAMESPACE:NAME, or NAME with -n);
    /// left out with --as.
    #[arg(required_unless_present = "as_user")]
    pub service_account: Option<String>,

    #[command(flatten)]
    pub subject: SubjectFlags,

    #[arg(short = 'o', long, value_enum)]
    pub output: Option<BindingsOutput>,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// Only this ServiceAccount (NAMESPACE:NAME, NAMESPACE/NAME, system:serviceaccount:NAMESPACE:NAME).
    pub service_account: Option<String>,

    /// Audit log files (JSON lines, audit.k8s.io/v1 Events; plain or gzip), directories, or - for stdin.
    #[arg(long = "audit-log", value_name = "PATH", required = true)]
    pub audit_log: Vec<PathBuf>,

    /// Only events at or after this time: RFC 3339 (2026-11-01T00:00:00Z) or a duration ago (24h, 30m, 7d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Only events at or before this time (same forms as --since).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,

    /// Print the least-privilege Role/ClusterRole and bindings that cover exactly the allowed requests, with what
    /// could be removed and why the forbidden ones failed (as YAML comments).
    #[arg(long)]
    pub suggest: bool,

    /// Read only the logs: no cluster or snapshot, so no grants-vs-use comparison.
    #[arg(long)]
    pub offline: bool,

    #[arg(short = 'o', long, value_enum)]
    pub output: Option<UsageOutput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UsageOutput {
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListOutput {
    /// Token and cloud identity details, warnings.
    Wide,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListSort {
    /// Namespace, then name.
    Name,
    /// Highest audit severity first.
    Risk,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// ServiceAccounts of every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Only ServiceAccounts no pod runs as.
    #[arg(long)]
    pub unused: bool,

    #[arg(long, value_enum, default_value_t = ListSort::Name)]
    pub sort: ListSort,

    #[arg(short = 'o', long, value_enum)]
    pub output: Option<ListOutput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditOutput {
    /// Every granting chain and escalation.
    Wide,
    Json,
    Yaml,
    /// SARIF 2.1.0 for code-scanning UIs.
    Sarif,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only this ServiceAccount (NAMESPACE:NAME, NAMESPACE/NAME, system:serviceaccount:NAMESPACE:NAME, or NAME
    /// with -n).
    pub service_account: Option<String>,

    /// ServiceAccounts of every namespace (else those of -n, or of the context's namespace).
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Namespaces whose workloads count as privileged (default: kube-system); namespaces whose ServiceAccounts
    /// hold CRITICAL findings are always added. Comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "NS,...")]
    pub privileged_namespaces: Option<Vec<String>>,

    /// Hide the findings recorded in this baseline file (written by --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the findings shown (after -n/-A, SA and --baseline) to FILE as a baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Exit with status 3 when a finding at or above this severity remains (for CI pipelines).
    #[arg(long, value_enum, ignore_case = true, value_name = "SEVERITY")]
    pub fail_on: Option<crate::audit::Severity>,

    /// Show only findings at or above this severity.
    #[arg(long, value_enum, ignore_case = true, value_name = "SEVERITY")]
    pub min_severity: Option<crate::audit::Severity>,

    #[arg(short = 'o', long, value_enum)]
    pub output: Option<AuditOutput>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Decode a ServiceAccount token (JWT) locally: bound or legacy, issuer, audiences, expiry, bound object, and
    /// what the ServiceAccount may do (with -f or a reachable cluster). The token is never sent anywhere, its
    /// signature is neither checked nor printed.
    #[command(
        after_help = "Examples:\n  kubectl sa token inspect token.jwt\n  kubectl create token deployer -n ci | kubectl sa token inspect -\n  kubectl sa -f cluster.yaml token inspect /var/run/secrets/kubernetes.io/serviceaccount/token -o json"
    )]
    Inspect(TokenInspectArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenOutput {
    Json,
    Yaml,
}

#[derive(Debug, Args)]
pub struct TokenInspectArgs {
    /// File holding the token, or - for stdin (the default).
    #[arg(value_name = "FILE|-")]
    pub file: Option<PathBuf>,

    /// Do not read the cluster for the RBAC summary (snapshots given with -f are still read).
    #[arg(long)]
    pub offline: bool,

    #[arg(short = 'o', long, value_enum)]
    pub output: Option<TokenOutput>,
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to print the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page (kubectl-sa.1 and one per subcommand) into this directory instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PathsOutput {
    Json,
    Yaml,
    /// Graphviz: identities as nodes, techniques as edges.
    Dot,
    Mermaid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffOutput {
    Json,
    Yaml,
    /// A pull-request comment.
    Markdown,
    /// The findings the change adds, for code-scanning upload.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportOutput {
    /// The page (the default).
    Html,
    /// The data the page embeds.
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// ServiceAccounts of every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    #[arg(short = 'o', long, value_enum, default_value_t = ReportOutput::Html)]
    pub output: ReportOutput,

    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The state before: snapshot files, directories or `-` (as -f takes them); left out, the live cluster.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub before: Vec<PathBuf>,

    /// The state after: snapshot files. Without --before, they are laid over the live cluster (an object of the same
    /// kind, namespace and name replaces the live one), unless --replace.
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    pub after: Vec<PathBuf>,

    /// Without --before: the files are the whole new state, not a change laid over the live cluster.
    #[arg(long)]
    pub replace: bool,

    /// Exit with status 3 when the change adds a finding at or above this severity (for pull-request gates).
    #[arg(long, value_enum, ignore_case = true, value_name = "SEVERITY")]
    pub fail_on: Option<crate::audit::Severity>,

    #[arg(short = 'o', long, value_enum)]
    pub output: Option<DiffOutput>,
}

#[derive(Debug, Args)]
pub struct PathsArgs {
    /// The ServiceAccount to start from (NAMESPACE:NAME, NAMESPACE/NAME, system:serviceaccount:NAMESPACE:NAME, or
    /// NAME with -n); left out: every ServiceAccount of -n (or, with -A, of the cluster).
    pub service_account: Option<String>,

    /// `cluster-admin`, or a request in who-can's grammar, quoted: 'get secrets -n kube-system'.
    #[arg(long, value_name = "TARGET")]
    pub to: String,

    /// Start from every ServiceAccount of the cluster.
    #[arg(short = 'A', long, conflicts_with = "service_account")]
    pub all_namespaces: bool,

    /// Every path up to --max-steps, not only the shortest (with a ServiceAccount).
    #[arg(long, requires = "service_account")]
    pub all_paths: bool,

    /// The longest path searched, in steps.
    #[arg(long, default_value_t = crate::paths::DEFAULT_MAX_STEPS, value_name = "N")]
    pub max_steps: usize,

    #[arg(short = 'o', long, value_enum)]
    pub output: Option<PathsOutput>,
}
