//! Where cluster objects come from. Both sources fill the same [`ClusterBuilder`]; the engine never knows which.

pub mod live;
pub mod progress;
pub mod protobuf;
pub mod snapshot;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::catalogue::Catalogue;
use crate::model::{Cluster, ClusterBuilder};

pub use live::Connection;

/// Where the objects come from and how the API server is reached: kubectl's connection settings, filled by the
/// command line (or by a test). Snapshot files, when given, win over the kubeconfig.
#[derive(Debug, Clone, Default)]
pub struct ConnectionSettings {
    /// The kubeconfig file; `None` reads $KUBECONFIG (merged) or ~/.kube/config.
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub cluster: Option<String>,
    pub user: Option<String>,
    /// Overrides of the selected cluster and user, as kubectl's `--server`, `--token` and TLS flags.
    pub server: Option<String>,
    pub token: Option<Secret>,
    pub certificate_authority: Option<PathBuf>,
    pub client_certificate: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub tls_server_name: Option<String>,
    /// The namespace asked for; `None` means the context's, else "default".
    pub namespace: Option<String>,
    /// Time to wait for each API request; `None` waits forever.
    pub request_timeout: Option<Duration>,
    /// Objects per page of a list; `None` picks a size per kind.
    pub chunk_size: Option<u32>,
    /// Snapshot files or directories (`-` is stdin); non-empty means no API server is contacted.
    pub filename: Vec<PathBuf>,
}

/// A credential: its Debug form never shows it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

/// A cluster in memory with the catalogue to resolve resource names against.
pub struct Loaded {
    pub cluster: Cluster,
    pub catalogue: Catalogue,
    /// The namespace used when none is given: -n, else the kubeconfig context's, else "default".
    pub namespace: String,
    /// Set when the objects came from an API server.
    pub connection: Option<Connection>,
    /// Whether pods and token Secrets were read (live: of the namespace asked for; snapshot: if it had any).
    pub workloads_known: bool,
}

impl Loaded {
    pub fn is_live(&self) -> bool {
        self.connection.is_some()
    }
}

/// What a command needs beyond the RBAC objects (fetched live only when asked; snapshots hold what they hold).
#[derive(Debug, Clone, Default)]
pub struct Needs {
    /// Pods and legacy token Secrets of this namespace.
    pub workloads_in: Option<String>,
    /// Pods and legacy token Secrets of every namespace (list and audit); wins over `workloads_in`.
    pub all_workloads: bool,
    /// Admission webhook configurations and policies.
    pub admission: bool,
    /// Where Roles and RoleBindings are fetched from (live only).
    pub rbac: Scope,
    /// Where ServiceAccounts are fetched from (live only).
    pub service_accounts: Scope,
    /// Which Namespace objects are read (live only): every one, or only the one the command runs in.
    pub namespaces: Scope,
}

/// Which namespaces a live load lists namespaced objects from. A command that looks at one namespace lists only
/// that one: on a cluster with 50,000 RoleBindings it saves the API server and the user a hundred pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    AllNamespaces,
    /// This namespace, or (None) the one the command runs in: -n, else the kubeconfig context's.
    Namespace(Option<String>),
}

impl Scope {
    fn resolve(&self, command_namespace: &str) -> Option<String> {
        match self {
            Scope::AllNamespaces => None,
            Scope::Namespace(ns) => Some(ns.clone().unwrap_or_else(|| command_namespace.to_string())),
        }
    }
}

/// The allocator (mimalloc) asks for transparent huge pages, which pay off for a large snapshot (the 1x world loads
/// 15% faster with them). A live load's heap is small and spread over several threads, each touching its own 2 MiB
/// pages: a live `who-can -n` on the 0.1x world peaked at 75-90 MB with them and at 32-35 MB without, the kernel
/// zeroing the difference. Best effort.
fn small_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// Loads from the snapshot files if `-f` was given, else from the cluster of the kubeconfig context.
pub async fn load(flags: &ConnectionSettings) -> Result<Loaded> {
    load_with(flags, &Needs::default()).await
}

pub async fn load_with(flags: &ConnectionSettings, needs: &Needs) -> Result<Loaded> {
    if !flags.filename.is_empty() {
        let mut builder = ClusterBuilder::default();
        snapshot::load_paths(&flags.filename, &mut builder)?;
        let cluster = builder.build();
        let catalogue = Catalogue::builtin().with_crds(&cluster.crds);
        let namespace =
            flags.namespace.clone().or_else(|| live::context_namespace(flags)).unwrap_or_else(|| "default".into());
        let workloads_known = !cluster.pods.is_empty() || !cluster.token_secrets.is_empty();
        return Ok(Loaded { cluster, catalogue, namespace, connection: None, workloads_known });
    }
    let (builder, catalogue, conn, workloads_known, notes) = live_builder(flags, needs).await?;
    let namespace = flags.namespace.clone().unwrap_or_else(|| conn.default_namespace.clone());
    let mut cluster = builder.build();
    cluster.notes.extend(notes);
    Ok(Loaded { cluster, catalogue, namespace, connection: Some(conn), workloads_known })
}

/// A side of `diff`: its objects and whether its pods and token Secrets were read.
pub struct State {
    pub cluster: Cluster,
    pub workloads_known: bool,
}

impl State {
    fn of(cluster: Cluster) -> State {
        let workloads_known = !cluster.pods.is_empty() || !cluster.token_secrets.is_empty();
        State { cluster, workloads_known }
    }
}

/// The two sides of `diff`. With `before` files, both sides are files. Without, the live cluster (read once) is
/// the state before, and the state after is the live cluster with the `after` files laid over it (a later object
/// of the same kind, namespace and name replaces the earlier one, as `kubectl apply` would), or the files alone
/// with `replace`.
pub async fn load_states(
    flags: &ConnectionSettings,
    before: &[PathBuf],
    after: &[PathBuf],
    replace: bool,
) -> Result<(State, State)> {
    let from_files = |files: &[PathBuf]| -> Result<State> {
        let mut builder = ClusterBuilder::default();
        snapshot::load_paths(files, &mut builder)?;
        Ok(State::of(builder.build()))
    };
    if !before.is_empty() {
        // Two independent parses: one thread each.
        let (was, is) = std::thread::scope(|scope| {
            let was = scope.spawn(|| from_files(before));
            let is = from_files(after);
            (was.join(), is)
        });
        let was = was.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        return Ok((was.context("reading the state before")?, is.context("reading the state after")?));
    }
    let live_only = ConnectionSettings { filename: Vec::new(), ..flags.clone() };
    let needs = Needs { all_workloads: true, ..Default::default() };
    let (builder, _, _, workloads_known, notes) = live_builder(&live_only, &needs).await?;
    let mut live = builder.clone().build();
    live.notes.extend(notes.iter().cloned());
    let before = State { cluster: live, workloads_known };
    let after = if replace {
        from_files(after).context("reading the state after")?
    } else {
        let mut builder = builder;
        snapshot::load_paths(after, &mut builder).context("reading the state after")?;
        let mut cluster = builder.build();
        cluster.notes.extend(notes);
        State { cluster, workloads_known }
    };
    Ok((before, after))
}

/// The objects of the live cluster that `needs` asks for, read (not yet indexed), with the discovered catalogue,
/// the connection, whether workloads were read, and notes for the user.
async fn live_builder(
    flags: &ConnectionSettings,
    needs: &Needs,
) -> Result<(ClusterBuilder, Catalogue, Connection, bool, Vec<String>)> {
    let mut builder = ClusterBuilder::default();
    small_pages();
    let conn = live::connect(flags).await?;
    let _progress = progress::Progress::start(&conn.server, conn.fetched.clone());
    let command_namespace = flags.namespace.clone().unwrap_or_else(|| conn.default_namespace.clone());
    let scope = live::ListScope {
        rbac: needs.rbac.resolve(&command_namespace),
        service_accounts: needs.service_accounts.resolve(&command_namespace),
        namespace: needs.namespaces.resolve(&command_namespace),
    };
    // The first request goes alone: once its connection is up (HTTP/2), the others share it.
    let core = live::discover_core(&conn).await?;
    // Joined, not try-joined: the error reported is then the same on every run.
    let (catalogue, loaded) =
        tokio::join!(live::discover_groups(&conn, core), live::load_objects(&conn, &scope, &mut builder));
    let catalogue = catalogue?;
    loaded?;
    let mut notes = Vec::new();
    let mut workloads_known = false;
    if needs.all_workloads {
        let problems = live::load_all_workloads(&conn, &mut builder).await;
        workloads_known = problems.is_empty();
        notes.extend(problems);
    } else if let Some(ns) = &needs.workloads_in {
        let problems = live::load_workloads(&conn, ns, &mut builder).await;
        workloads_known = problems.is_empty();
        notes.extend(problems);
    }
    if needs.admission {
        notes.extend(live::load_admission(&conn, &catalogue, &mut builder).await);
    }
    Ok((builder, catalogue, conn, workloads_known, notes))
}
