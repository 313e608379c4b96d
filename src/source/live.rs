//! Live source: the objects and the API discovery of a running cluster, fetched like kubectl does.
//!
//! Lists run concurrently and page through results (`limit` + `continue`); a list whose continue token has
//! expired (410 Gone) starts over. Errors say which request failed and what to do.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use kube::Client;
use kube::config::{Config, KubeConfigOptions, Kubeconfig};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::ConnectionSettings;
use crate::catalogue::{Catalogue, ResourceInfo};
use crate::model::{BindingKind, ClusterBuilder, RoleKind, raw};

/// How many times a list restarts after its continue token expired before giving up.
const MAX_LIST_RESTARTS: usize = 3;

/// A connected client and the namespace of the selected context (cheap to clone: the client is shared).
#[derive(Clone)]
pub struct Connection {
    pub client: Client,
    pub default_namespace: String,
    pub server: String,
    /// `--chunk-size`; without it, [`page_size`] decides per resource.
    pub chunk_size: Option<u32>,
    pub timeout: Option<Duration>,
    /// Objects received by list calls so far, for the progress spinner.
    pub fetched: super::progress::Fetched,
}

/// Reads the kubeconfig like kubectl (`--kubeconfig`, else every file in `KUBECONFIG`, else ~/.kube/config).
pub fn read_kubeconfig(flags: &ConnectionSettings) -> Result<Kubeconfig> {
    match &flags.kubeconfig {
        Some(path) => Kubeconfig::read_from(path).with_context(|| format!("cannot read kubeconfig {}", path.display())),
        None => Kubeconfig::read().map_err(|e| {
            anyhow!(
                "no usable kubeconfig ({e}); set KUBECONFIG, pass --kubeconfig or --server, or read a snapshot with -f \
                 FILE"
            )
        }),
    }
}

/// The namespace of the context kubectl would use, without connecting (used for snapshots too).
pub fn context_namespace(flags: &ConnectionSettings) -> Option<String> {
    let kc = read_kubeconfig(flags).ok()?;
    let ctx_name = flags.context.clone().or(kc.current_context.clone())?;
    kc.contexts.iter().find(|c| c.name == ctx_name).and_then(|c| c.context.as_ref()).and_then(|c| c.namespace.clone())
}

/// The name of the context kubectl-sa makes when command-line connection flags override the kubeconfig.
const OVERRIDES: &str = "kubectl-sa-command-line";

/// The kubeconfig and the context to use, with kubectl's command-line overrides applied as clientcmd does:
/// `--server`, `--certificate-authority`, `--insecure-skip-tls-verify` and `--tls-server-name` replace the selected
/// cluster's fields (a CA or insecure flag replaces both CA settings; `--server` clears a kubeconfig
/// tls-server-name unless `--tls-server-name` is given), `--token` replaces the selected user's credentials (exec
/// plugins, auth providers, token files), `--client-certificate`/`--client-key` its client certificate. With
/// `--server` and no kubeconfig, the flags alone make one.
pub fn kubeconfig_with_overrides(flags: &ConnectionSettings) -> Result<(Kubeconfig, KubeConfigOptions)> {
    use kube::config::{AuthInfo, Cluster, Context, NamedAuthInfo, NamedCluster, NamedContext};
    let options =
        KubeConfigOptions { context: flags.context.clone(), cluster: flags.cluster.clone(), user: flags.user.clone() };
    let overrides = flags.server.is_some()
        || flags.token.is_some()
        || flags.certificate_authority.is_some()
        || flags.client_certificate.is_some()
        || flags.client_key.is_some()
        || flags.insecure_skip_tls_verify
        || flags.tls_server_name.is_some();
    let mut kubeconfig = match read_kubeconfig(flags) {
        Ok(kc) => kc,
        Err(_) if flags.server.is_some() && flags.kubeconfig.is_none() => Kubeconfig::default(),
        Err(e) => return Err(e),
    };
    if !overrides {
        return Ok((kubeconfig, options));
    }
    let context_name = flags.context.clone().or_else(|| kubeconfig.current_context.clone());
    let context: Option<Context> = match &context_name {
        Some(name) => match kubeconfig.contexts.iter().find(|c| &c.name == name) {
            Some(c) => c.context.clone(),
            None if flags.server.is_some() && flags.context.is_none() => None,
            None => bail!("context {name:?} not found in the kubeconfig (kubectl config get-contexts lists them)"),
        },
        None => None,
    };
    let cluster_name = flags.cluster.clone().or_else(|| context.as_ref().map(|c| c.cluster.clone()));
    let user_name = flags.user.clone().or_else(|| context.as_ref().and_then(|c| c.user.clone()));
    let mut cluster: Cluster = cluster_name
        .and_then(|n| kubeconfig.clusters.iter().find(|c| c.name == n).and_then(|c| c.cluster.clone()))
        .unwrap_or_default();
    let mut user: AuthInfo = user_name
        .and_then(|n| kubeconfig.auth_infos.iter().find(|u| u.name == n).and_then(|u| u.auth_info.clone()))
        .unwrap_or_default();
    let absolute = |p: &std::path::Path| -> Result<String> {
        let abs = std::path::absolute(p).with_context(|| format!("cannot resolve the path {}", p.display()))?;
        Ok(abs.to_string_lossy().into_owned())
    };
    if let Some(server) = &flags.server {
        cluster.server = Some(server.clone());
    }
    if cluster.server.is_none() {
        bail!("no API server: the kubeconfig context names none; give --server URL or a kubeconfig with --kubeconfig");
    }
    if let Some(ca) = &flags.certificate_authority {
        let pem = std::fs::read_to_string(ca)
            .with_context(|| format!("cannot read --certificate-authority {}", ca.display()))?;
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            bail!("--certificate-authority {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)", ca.display());
        }
    }
    if flags.insecure_skip_tls_verify || flags.certificate_authority.is_some() {
        cluster.insecure_skip_tls_verify = Some(flags.insecure_skip_tls_verify);
        cluster.certificate_authority = flags.certificate_authority.as_deref().map(absolute).transpose()?;
        cluster.certificate_authority_data = None;
    }
    if flags.tls_server_name.is_some() || flags.server.is_some() {
        cluster.tls_server_name = flags.tls_server_name.clone();
    }
    if let Some(token) = &flags.token {
        user.token = Some(token.0.clone().into());
        user.token_file = None;
        user.exec = None;
        user.auth_provider = None;
        user.username = None;
        user.password = None;
    }
    if let Some(cert) = &flags.client_certificate {
        user.client_certificate = Some(absolute(cert)?);
        user.client_certificate_data = None;
    }
    if let Some(key) = &flags.client_key {
        user.client_key = Some(absolute(key)?);
        user.client_key_data = None;
    }
    kubeconfig.clusters.push(NamedCluster { name: OVERRIDES.into(), cluster: Some(cluster), ..Default::default() });
    kubeconfig.auth_infos.push(NamedAuthInfo { name: OVERRIDES.into(), auth_info: Some(user), ..Default::default() });
    let context = Context {
        cluster: OVERRIDES.into(),
        user: Some(OVERRIDES.into()),
        namespace: context.and_then(|c| c.namespace),
        ..Default::default()
    };
    kubeconfig.contexts.push(NamedContext { name: OVERRIDES.into(), context: Some(context), ..Default::default() });
    Ok((kubeconfig, KubeConfigOptions { context: Some(OVERRIDES.into()), cluster: None, user: None }))
}

/// The client configuration kubectl would use: the kubeconfig, the command-line overrides, the timeouts and
/// kubectl-sa's User-Agent. Exec credential plugins run non-interactively when `interactive` is false (shell
/// completion must never prompt).
pub async fn client_config(flags: &ConnectionSettings, timeout: Option<Duration>, interactive: bool) -> Result<Config> {
    let (mut kubeconfig, options) = kubeconfig_with_overrides(flags)?;
    if !interactive {
        for user in &mut kubeconfig.auth_infos {
            if let Some(exec) = user.auth_info.as_mut().and_then(|a| a.exec.as_mut()) {
                exec.interactive_mode = Some(kube::config::ExecInteractiveMode::Never);
            }
        }
    }
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &options).await.map_err(|e| {
        anyhow!("cannot use the kubeconfig: {} (check --context, --cluster and --user)", error_chain(&e))
    })?;
    if let Some(t) = timeout {
        config.connect_timeout = Some(t);
        config.read_timeout = Some(t);
        config.write_timeout = Some(t);
        config.reset_reader_on_write = true;
    }
    config.headers.push((
        http::header::USER_AGENT,
        http::HeaderValue::from_static(concat!("kubectl-sa/v", env!("CARGO_PKG_VERSION"))),
    ));
    Ok(config)
}

/// Connects with kubectl's flags (the client is built here and nowhere else but [`build_client`]).
pub async fn connect(flags: &ConnectionSettings) -> Result<Connection> {
    let config = client_config(flags, flags.request_timeout, true).await?;
    connection(config, flags.chunk_size, flags.request_timeout)
}

/// A [`Connection`] of a client configuration.
pub fn connection(config: Config, chunk_size: Option<u32>, timeout: Option<Duration>) -> Result<Connection> {
    let server = config.cluster_url.to_string();
    let default_namespace = config.default_namespace.clone();
    let client =
        build_client(config).map_err(|e| anyhow!("cannot build a client for {server}: {}", error_chain(&e)))?;
    Ok(Connection { client, default_namespace, server, chunk_size, timeout, fetched: Default::default() })
}

/// kube's client stack (TLS from the kubeconfig, credentials, extra headers, timeouts, retries) on a connection
/// that offers HTTP/2 by ALPN, like kubectl's: every concurrent list then shares one TLS connection instead of
/// opening one each. Through a proxy, kube's own client (HTTP/1.1) is used.
pub fn build_client(config: Config) -> Result<Client, kube::Error> {
    use kube::client::ConfigExt;
    use tower::ServiceBuilder;

    if config.proxy_url.is_some() {
        return Client::try_from(config);
    }
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    let builder =
        hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config.rustls_client_config()?).https_or_http();
    let builder = match &config.tls_server_name {
        Some(name) => {
            let name = rustls_pki_types::ServerName::try_from(name.clone())
                .map_err(|e| kube::Error::RustlsTls(kube::client::RustlsTlsError::InvalidServerName(e)))?;
            builder.with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name))
        }
        None => builder,
    };
    let mut connector = hyper_timeout::TimeoutConnector::new(builder.enable_all_versions().wrap_connector(http));
    connector.set_connect_timeout(config.connect_timeout);
    connector.set_read_timeout(config.read_timeout);
    connector.set_write_timeout(config.write_timeout);
    connector.set_reset_reader_on_write(config.reset_reader_on_write);
    let http_client: hyper_util::client::legacy::Client<_, kube::client::Body> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector);
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(
            config
                .default_retry
                .then(|| tower::retry::RetryLayer::new(kube::client::retry::RetryPolicy::server_retry())),
        )
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(tower::BoxError::from)
        .service(http_client);
    Ok(Client::new(service, config.default_namespace))
}

#[derive(Deserialize)]
struct ListPage<T> {
    #[serde(default)]
    metadata: ListMeta,
    /// Metadata-only lists of nothing send `"items": null`.
    #[serde(default = "Option::default")]
    items: Option<Vec<T>>,
}

#[derive(Deserialize, Default)]
struct ListMeta {
    #[serde(rename = "continue", default)]
    continue_token: Option<String>,
}

/// A failed API request, classified so callers can say what to do.
pub fn describe_error(what: &str, server: &str, err: &kube::Error) -> anyhow::Error {
    match err {
        kube::Error::Api(status) if status.code == 403 => anyhow!(
            "the API server refused to {what}: {} (kubectl-sa needs get/list on serviceaccounts, namespaces, roles, \
             rolebindings, clusterroles and clusterrolebindings; ask for them, or use a snapshot with -f)",
            status.message
        ),
        kube::Error::Api(status) if status.code == 401 => anyhow!(
            "the API server at {server} did not accept our credentials while trying to {what}: {} (log in again or \
             check --user/--context)",
            status.message
        ),
        kube::Error::Api(status) => {
            anyhow!("the API server answered {} while trying to {what}: {}", status.code, status.message)
        }
        kube::Error::SerdeError(e) => {
            anyhow!(
                "the API server at {server} sent a response that is not valid Kubernetes JSON while trying to {what}: {e}"
            )
        }
        other => {
            let chain = error_chain(other);
            let hint = if chain.contains("invalid peer certificate") {
                "the server's certificate is not one the CA trusts for that name: give the cluster's CA with \
                 --certificate-authority (or the kubeconfig's certificate-authority-data), the name it was issued for \
                 with --tls-server-name, or skip the check with --insecure-skip-tls-verify"
            } else {
                "check the cluster is up and --context/--kubeconfig/--server, or use a snapshot with -f"
            };
            anyhow!("cannot reach the API server at {server} to {what}: {chain} ({hint})")
        }
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut s = err.to_string();
    let mut src = err.source();
    while let Some(e) = src {
        let t = e.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = e.source();
    }
    s
}

async fn with_timeout<T>(conn: &Connection, what: &str, fut: impl Future<Output = Result<T>>) -> Result<T> {
    match conn.timeout {
        Some(t) => tokio::time::timeout(t, fut).await.map_err(|_| {
            anyhow!("timed out after {t:?} trying to {what} at {} (raise --request-timeout)", conn.server)
        })?,
        None => fut.await,
    }
}

/// Lists every object under `path` (e.g. `/api/v1/serviceaccounts`), page by page.
pub async fn list_all<T: DeserializeOwned + Send + 'static>(
    conn: &Connection,
    path: &str,
    what: &str,
) -> Result<Vec<T>> {
    list_all_as(conn, path, what, Format::Json).await
}

/// A spawned task, cancelled when dropped: when one list fails or times out, the requests still running for it
/// and for the others stop too.
struct Task<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

/// [`list_all_as`] in a task of its own, so lists decode on every worker thread (a join in one task decodes them
/// one after another).
fn spawn_list<T: DeserializeOwned + Send + 'static>(
    conn: &Connection,
    path: String,
    what: String,
    format: Format<T>,
) -> Task<Result<Vec<T>>> {
    let conn = conn.clone();
    Task(tokio::spawn(async move { list_all_as(&conn, &path, &what, format).await }))
}

/// One Namespace object, in a task of its own: none if it does not exist.
fn spawn_namespace(conn: &Connection, name: &str) -> Task<Result<Vec<raw::RawNamespace>>> {
    let conn = conn.clone();
    let what = format!("get namespace {name:?}");
    let page = spawn_page(&conn, format!("/api/v1/namespaces/{}", percent_encode(name)), Some(super::protobuf::ACCEPT));
    Task(tokio::spawn(async move {
        let body = with_timeout(&conn, &what, async {
            page.await.map_err(|e| anyhow!("the task that was to {what} failed: {e}"))
        })
        .await?;
        let body = match body {
            Ok(body) => body,
            Err(kube::Error::Api(s)) if s.code == 404 => return Ok(Vec::new()),
            Err(e) => return Err(describe_error(&what, &conn.server, &e)),
        };
        let namespace = if body.protobuf {
            super::protobuf::namespace(&body.bytes).map_err(|e| not_protobuf(&conn, &what, &e))?
        } else {
            serde_json::from_slice(&body.bytes)
                .map_err(|e| describe_error(&what, &conn.server, &kube::Error::SerdeError(e)))?
        };
        conn.fetched.add(1);
        Ok(vec![namespace])
    }))
}

/// Waits for a [`spawn_list`].
async fn joined<T>(what: &str, task: Task<Result<T>>) -> Result<T> {
    task.await.map_err(|e| anyhow!("the task that was to {what} failed: {e}"))?
}

fn not_protobuf(conn: &Connection, what: &str, e: &dyn std::fmt::Display) -> anyhow::Error {
    anyhow!(
        "the API server at {} sent a response that is not valid Kubernetes protobuf while trying to {what}: {e}",
        conn.server
    )
}

/// A page's body and whether it is protobuf.
struct Body {
    bytes: bytes::Bytes,
    protobuf: bool,
}

/// One page's body, fetched in a task of its own so the next page can be on its way while this one decodes.
fn spawn_page(conn: &Connection, url: String, accept: Option<&'static str>) -> Task<Result<Body, kube::Error>> {
    let client = conn.client.clone();
    Task(tokio::spawn(async move {
        use http_body_util::BodyExt;
        let mut req = http::Request::get(&url);
        if let Some(a) = accept {
            req = req.header(http::header::ACCEPT, a);
        }
        let req = req.body(kube::client::Body::empty()).map_err(kube::Error::HttpError)?;
        let res = client.send(req).await?;
        let status = res.status();
        let protobuf = super::protobuf::is_protobuf(res.headers().get(http::header::CONTENT_TYPE));
        let bytes = res.into_body().collect().await?.to_bytes();
        if status.is_client_error() || status.is_server_error() {
            return Err(kube::Error::Api(Box::new(api_status(&bytes, protobuf, status.as_u16()))));
        }
        Ok(Body { bytes, protobuf })
    }))
}

/// The `Status` of an error response (JSON or protobuf), or one made from its text, as kube does.
fn api_status(bytes: &[u8], protobuf: bool, code: u16) -> kube::core::Status {
    let decoded = if protobuf {
        super::protobuf::status(bytes, code)
    } else {
        serde_json::from_slice::<kube::core::Status>(bytes).ok()
    };
    decoded.unwrap_or_else(|| {
        kube::core::Status::failure(String::from_utf8_lossy(bytes).trim(), "Failed to parse error data").with_code(code)
    })
}

/// The continue token of a list page, read from the start of its JSON: the API server writes `metadata` (with
/// `continue`) before `items`. None when the page has none there or escapes it; the decoded page decides.
fn continue_hint(body: &str) -> Option<&str> {
    let head = &body[..body.find("\"items\"").unwrap_or(body.len())];
    let start = head.find("\"continue\":\"")? + "\"continue\":\"".len();
    let token = &head[start..start + head[start..].find('"')?];
    (!token.is_empty() && !token.contains('\\')).then_some(token)
}

/// Objects per list page without `--chunk-size`. Pages of one list are sequential round trips, so small objects
/// (ServiceAccounts, bindings, namespaces, metadata-only lists) come 2000 at a time: 20,000 ServiceAccounts take 10
/// pages instead of 40. Roles and ClusterRoles carry rules: 1000 (a cluster's few hundred ClusterRoles in one
/// page). Pods and admission objects are the largest: kubectl's 500. In protobuf a page costs the server and the
/// wire a third to a fifth of its JSON, so those pages hold 2.5x as many: 5000 small objects, 2500 Roles.
pub fn page_size(path: &str, metadata_only: bool, protobuf: bool) -> u32 {
    let resource = path.split('?').next().unwrap_or(path).rsplit('/').next().unwrap_or("");
    let json = if metadata_only {
        2000
    } else if resource == "pods" || path.contains("admissionregistration") {
        500
    } else if matches!(resource, "roles" | "clusterroles") {
        1000
    } else {
        2000
    };
    if protobuf { json * 5 / 2 } else { json }
}

/// Pages up to this size are decoded on the async worker that received them (about 2,000 ServiceAccounts in
/// protobuf, a fraction of a millisecond); larger ones on a blocking thread.
const DECODE_IN_PLACE_BYTES: usize = 256 * 1024;

/// How a list is asked for and decoded.
pub enum Format<T> {
    Json,
    /// JSON with this Accept header (metadata-only lists).
    JsonAs(&'static str),
    /// Kubernetes protobuf, decoded by this function, or JSON if the server answers with JSON.
    Protobuf(super::protobuf::Decoder<T>),
}

impl<T> Clone for Format<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Format<T> {}

impl<T> Format<T> {
    fn accept(self) -> Option<&'static str> {
        match self {
            Format::Json => None,
            Format::JsonAs(accept) => Some(accept),
            Format::Protobuf(_) => Some(super::protobuf::ACCEPT),
        }
    }
}

/// Like [`list_all`], in a given format, `path` possibly carrying a query.
///
/// Pages are pipelined: the next page is requested as soon as this one's continue token is read from the start
/// of its body, and fetched while this one decodes.
pub async fn list_all_as<T: DeserializeOwned + Send + 'static>(
    conn: &Connection,
    path: &str,
    what: &str,
    format: Format<T>,
) -> Result<Vec<T>> {
    let accept = format.accept();
    let url = |token: Option<&str>| {
        let joiner = if path.contains('?') { '&' } else { '?' };
        let limit = conn.chunk_size.unwrap_or_else(|| {
            page_size(path, matches!(format, Format::JsonAs(_)), matches!(format, Format::Protobuf(_)))
        });
        let mut url = format!("{path}{joiner}limit={limit}");
        if let Some(t) = token {
            url.push_str("&continue=");
            url.push_str(&percent_encode(t));
        }
        url
    };
    let mut restarts = 0;
    'restart: loop {
        let mut items = Vec::new();
        let mut pending = spawn_page(conn, url(None), accept);
        loop {
            let body = with_timeout(conn, what, async {
                (&mut pending).await.map_err(|e| anyhow!("the task that was to {what} failed: {e}"))
            })
            .await?;
            let body = match body {
                Ok(body) => body,
                Err(kube::Error::Api(s)) if s.code == 410 && restarts < MAX_LIST_RESTARTS => {
                    restarts += 1;
                    continue 'restart;
                }
                Err(e) => return Err(describe_error(what, &conn.server, &e)),
            };
            let hint = match (body.protobuf, format) {
                (true, Format::Protobuf(_)) => {
                    super::protobuf::continue_token(&body.bytes).map_err(|e| not_protobuf(conn, what, &e))?
                }
                (true, _) => return Err(not_protobuf(conn, what, &"protobuf was not asked for")),
                (false, _) => std::str::from_utf8(&body.bytes).ok().and_then(continue_hint).map(str::to_string),
            };
            let next = hint.as_deref().map(|t| spawn_page(conn, url(Some(t)), accept));
            let in_place = body.bytes.len() <= DECODE_IN_PLACE_BYTES;
            let decode = move || match format {
                Format::Protobuf(decode) if body.protobuf => decode(&body.bytes).map_err(Err),
                _ => serde_json::from_slice::<ListPage<T>>(&body.bytes)
                    .map(|page| {
                        (page.items.unwrap_or_default(), page.metadata.continue_token.filter(|t| !t.is_empty()))
                    })
                    .map_err(Ok),
            };
            // A large page takes milliseconds to decode: off the async workers, which keep reading the other
            // responses. A small one is decoded in place (a blocking thread costs more than that).
            let decoded = if in_place {
                decode()
            } else {
                tokio::task::spawn_blocking(decode)
                    .await
                    .map_err(|e| anyhow!("the task that was to decode a page to {what} failed: {e}"))?
            };
            let (page_items, token) = decoded.map_err(|e| match e {
                Ok(json) => describe_error(what, &conn.server, &kube::Error::SerdeError(json)),
                Err(protobuf) => not_protobuf(conn, what, &protobuf),
            })?;
            conn.fetched.add(page_items.len());
            items.extend(page_items);
            match (token, next) {
                (None, _) => return Ok(items),
                (Some(t), Some(next)) if hint.as_deref() == Some(t.as_str()) => pending = next,
                // The hint was wrong (or missing): the prefetched page, if any, is dropped and so cancelled.
                (Some(t), _) => pending = spawn_page(conn, url(Some(&t)), accept),
            }
        }
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Namespaces to list namespaced objects from: None lists every namespace.
#[derive(Debug, Clone, Default)]
pub struct ListScope {
    pub rbac: Option<String>,
    pub service_accounts: Option<String>,
    /// Read this Namespace object only, instead of listing them all.
    pub namespace: Option<String>,
}

/// The path of a namespaced collection under `base` (e.g. `/api/v1`), in one namespace or all, and how an error
/// names the call.
fn collection(base: &str, resource: &str, namespace: Option<&str>) -> (String, String) {
    let qualified = match base.strip_prefix("/apis/").and_then(|g| g.split_once('/')) {
        Some((group, _)) => format!("{resource}.{group}"),
        None => resource.to_string(),
    };
    match namespace {
        Some(ns) => (format!("{base}/namespaces/{ns}/{resource}"), format!("list {qualified} in namespace {ns:?}")),
        None => (format!("{base}/{resource}"), format!("list {qualified} in all namespaces")),
    }
}

/// Fetches the RBAC objects, ServiceAccounts and Namespaces into the builder, concurrently.
pub async fn load_objects(conn: &Connection, scope: &ListScope, builder: &mut ClusterBuilder) -> Result<()> {
    const RBAC: &str = "/apis/rbac.authorization.k8s.io/v1";
    let (croles_path, crbs_path) = (format!("{RBAC}/clusterroles"), format!("{RBAC}/clusterrolebindings"));
    let (sas_path, sas_what) = collection("/api/v1", "serviceaccounts", scope.service_accounts.as_deref());
    let (roles_path, roles_what) = collection(RBAC, "roles", scope.rbac.as_deref());
    let (rbs_path, rbs_what) = collection(RBAC, "rolebindings", scope.rbac.as_deref());
    let (croles_what, crbs_what) =
        ("list clusterroles.rbac.authorization.k8s.io", "list clusterrolebindings.rbac.authorization.k8s.io");
    use super::protobuf as pb;
    let (sas, nss, roles, croles, rbs, crbs) = (
        spawn_list(conn, sas_path, sas_what.clone(), Format::Protobuf(pb::service_accounts)),
        match &scope.namespace {
            Some(ns) => spawn_namespace(conn, ns),
            None => spawn_list(
                conn,
                "/api/v1/namespaces".into(),
                "list namespaces".into(),
                Format::Protobuf(pb::namespaces),
            ),
        },
        spawn_list(conn, roles_path, roles_what.clone(), Format::Protobuf(pb::roles)),
        spawn_list(conn, croles_path, croles_what.into(), Format::Protobuf(pb::cluster_roles)),
        spawn_list(conn, rbs_path, rbs_what.clone(), Format::Protobuf(pb::role_bindings)),
        spawn_list(conn, crbs_path, crbs_what.into(), Format::Protobuf(pb::cluster_role_bindings)),
    );
    // All of them finish before any error is reported, so that the error is the first in this fixed order and the
    // same on every run (a race would name whichever refusal arrived first).
    let (sas, nss, roles, croles, rbs, crbs) = tokio::join!(
        joined(&sas_what, sas),
        joined("list namespaces", nss),
        joined(&roles_what, roles),
        joined(croles_what, croles),
        joined(&rbs_what, rbs),
        joined(crbs_what, crbs),
    );
    let (sas, nss, roles, croles, rbs, crbs) = (sas?, nss?, roles?, croles?, rbs?, crbs?);
    sas.into_iter().for_each(|o| builder.add_service_account(o));
    if let Some(ns) = &scope.namespace
        && nss.is_empty()
    {
        builder.absent_namespaces.push(ns.clone());
    }
    nss.into_iter().for_each(|o| builder.add_namespace(o));
    roles.into_iter().for_each(|o| builder.add_role(RoleKind::Role, o));
    croles.into_iter().for_each(|o| builder.add_role(RoleKind::ClusterRole, o));
    for b in rbs {
        let name = b.metadata.name.clone();
        builder.add_binding(BindingKind::RoleBinding, b).with_context(|| format!("RoleBinding {name:?}"))?;
    }
    for b in crbs {
        let name = b.metadata.name.clone();
        builder
            .add_binding(BindingKind::ClusterRoleBinding, b)
            .with_context(|| format!("ClusterRoleBinding {name:?}"))?;
    }
    Ok(())
}

/// Metadata-only lists: Secret data never leaves the API server.
const METADATA_ONLY: &str = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;q=0.9";

/// Pods and legacy token Secrets of every namespace (metadata-only Secrets). Best effort, like [`load_workloads`].
pub async fn load_all_workloads(conn: &Connection, builder: &mut ClusterBuilder) -> Vec<String> {
    load_workloads_at(conn, "/api/v1", "in all namespaces", builder).await
}

/// Pods and legacy token Secrets of one namespace. Best effort: a refusal becomes a note, since the answer
/// about authorization does not depend on them.
pub async fn load_workloads(conn: &Connection, namespace: &str, builder: &mut ClusterBuilder) -> Vec<String> {
    load_workloads_at(conn, &format!("/api/v1/namespaces/{namespace}"), &format!("in namespace {namespace}"), builder)
        .await
}

async fn load_workloads_at(conn: &Connection, base: &str, where_: &str, builder: &mut ClusterBuilder) -> Vec<String> {
    let mut notes = Vec::new();
    let pods_path = format!("{base}/pods");
    let secrets_path =
        format!("{base}/secrets?fieldSelector=type%3D{}", percent_encode(crate::model::SA_TOKEN_SECRET_TYPE));
    let (pods_what, secrets_what) = (format!("list pods {where_}"), format!("list token secrets {where_}"));
    let (pods, secrets) = tokio::join!(
        list_all::<raw::RawPod>(conn, &pods_path, &pods_what),
        list_all_as::<raw::RawSecret>(conn, &secrets_path, &secrets_what, Format::JsonAs(METADATA_ONLY)),
    );
    match pods {
        Ok(pods) => pods.into_iter().for_each(|p| builder.add_pod(p)),
        Err(e) => notes.push(format!("pods unknown: {e:#}")),
    }
    match secrets {
        Ok(secrets) => secrets.into_iter().for_each(|mut s| {
            // The field selector guarantees the type; metadata-only items do not carry it.
            s.secret_type = Some(crate::model::SA_TOKEN_SECRET_TYPE.to_string());
            builder.add_secret(s)
        }),
        Err(e) => notes.push(format!("token secrets unknown: {e:#}")),
    }
    notes
}

/// Admission webhook configurations and policies. A kind the server does not serve (e.g. MutatingAdmissionPolicy
/// when its feature is off) is skipped; a refusal becomes a note.
pub async fn load_admission(conn: &Connection, catalogue: &Catalogue, builder: &mut ClusterBuilder) -> Vec<String> {
    let mut notes = Vec::new();
    let kinds = [
        ("mutatingwebhookconfigurations", "MutatingWebhookConfiguration"),
        ("validatingwebhookconfigurations", "ValidatingWebhookConfiguration"),
        ("validatingadmissionpolicies", "ValidatingAdmissionPolicy"),
        ("validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding"),
        ("mutatingadmissionpolicies", "MutatingAdmissionPolicy"),
        ("mutatingadmissionpolicybindings", "MutatingAdmissionPolicyBinding"),
    ];
    for (resource, kind) in kinds {
        let Some(info) =
            catalogue.entries.iter().find(|e| e.group == "admissionregistration.k8s.io" && e.resource == resource)
        else {
            continue;
        };
        let path = format!("/apis/{}/{}/{resource}", info.group, info.version);
        match list_all::<serde_json::Value>(conn, &path, &format!("list {resource}.{}", info.group)).await {
            Ok(items) => builder.admission_objects.extend(items.into_iter().map(|v| (kind.to_string(), v))),
            Err(e) => notes.push(format!("admission configuration unknown: {e:#}")),
        }
    }
    notes
}

// Aggregated discovery (apidiscovery.k8s.io/v2): the whole API in two requests.
const AGGREGATED_ACCEPT: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;q=0.9";

#[derive(Deserialize)]
pub struct DiscoveryList {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    items: Vec<DiscoveryGroup>,
}

#[derive(Deserialize)]
struct DiscoveryGroup {
    #[serde(default)]
    metadata: raw::Meta,
    #[serde(default)]
    versions: Vec<DiscoveryVersion>,
}

#[derive(Deserialize)]
struct DiscoveryVersion {
    version: String,
    #[serde(default)]
    resources: Vec<DiscoveryResource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiscoveryResource {
    resource: String,
    #[serde(default)]
    response_kind: Option<DiscoveryKind>,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    singular_resource: String,
    #[serde(default)]
    verbs: Vec<String>,
    #[serde(default)]
    short_names: Vec<String>,
    #[serde(default)]
    subresources: Vec<DiscoverySubresource>,
}

#[derive(Deserialize)]
struct DiscoveryKind {
    #[serde(default)]
    kind: String,
}

#[derive(Deserialize)]
struct DiscoverySubresource {
    subresource: String,
}

async fn discovery_doc(conn: &Connection, path: &str) -> Result<DiscoveryList> {
    let what = format!("read API discovery {path}");
    let req = http::Request::get(path)
        .header(http::header::ACCEPT, AGGREGATED_ACCEPT)
        .body(Vec::new())
        .context("cannot build request")?;
    let text = with_timeout(conn, &what, async {
        conn.client.request_text(req).await.map_err(|e| describe_error(&what, &conn.server, &e))
    })
    .await?;
    let list: DiscoveryList = serde_json::from_str(&text)
        .map_err(|e| anyhow!("the API server at {} sent unreadable discovery for {path}: {e}", conn.server))?;
    if list.kind != "APIGroupDiscoveryList" {
        bail!(
            "the API server at {} does not serve aggregated discovery (Kubernetes 1.30 or newer is required; got {:?})",
            conn.server,
            list.kind
        );
    }
    Ok(list)
}

/// The resources the server serves, for resolving resource names exactly as this server would.
pub async fn discover(conn: &Connection) -> Result<Catalogue> {
    let (core, groups) = tokio::try_join!(discovery_doc(conn, "/api"), discovery_doc(conn, "/apis"))?;
    Ok(catalogue_of(core, groups))
}

/// The core group's discovery, fetched alone so that its connection is up (HTTP/2) before the other requests start.
pub async fn discover_core(conn: &Connection) -> Result<DiscoveryList> {
    discovery_doc(conn, "/api").await
}

pub async fn discover_groups(conn: &Connection, core: DiscoveryList) -> Result<Catalogue> {
    Ok(catalogue_of(core, discovery_doc(conn, "/apis").await?))
}

fn catalogue_of(core: DiscoveryList, groups: DiscoveryList) -> Catalogue {
    let mut entries: Vec<ResourceInfo> = Vec::new();
    for group in core.items.into_iter().chain(groups.items) {
        let group_name = group.metadata.name.clone();
        // Versions are listed in preference order: the first version that serves a resource wins.
        for version in group.versions {
            for r in version.resources {
                if entries.iter().any(|e| e.group == group_name && e.resource == r.resource) {
                    continue;
                }
                entries.push(ResourceInfo {
                    group: group_name.clone(),
                    version: version.version.clone(),
                    kind: r.response_kind.map(|k| k.kind).unwrap_or_default(),
                    singular: r.singular_resource,
                    namespaced: r.scope == "Namespaced",
                    short_names: r.short_names,
                    verbs: r.verbs,
                    subresources: r.subresources.into_iter().map(|s| s.subresource).collect(),
                    resource: r.resource,
                });
            }
        }
    }
    Catalogue { entries, source: crate::catalogue::CatalogueSource::Server }
}

/// The API server's own decision for a user, from a SubjectAccessReview.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerDecision {
    pub allowed: bool,
    pub denied: bool,
    pub reason: String,
    pub evaluation_error: String,
}

/// Why a server-side check could not be made.
#[derive(Debug)]
pub enum ServerCheckError {
    /// The caller may not create subjectaccessreviews (or impersonate, for dry runs).
    Forbidden(String),
    Other(anyhow::Error),
}

fn review_spec(user: &crate::model::request::UserInfo, request: &crate::model::request::Request) -> serde_json::Value {
    use crate::model::request::Request;
    let mut spec = serde_json::json!({"user": user.username, "groups": user.groups});
    match request {
        Request::Resource { verb, attrs } => {
            spec["resourceAttributes"] = serde_json::json!({
                "verb": verb, "group": attrs.group, "resource": attrs.resource, "subresource": attrs.subresource,
                "name": attrs.name, "namespace": attrs.namespace,
            });
        }
        Request::NonResource { verb, path } => {
            spec["nonResourceAttributes"] = serde_json::json!({"verb": verb, "path": path});
        }
    }
    serde_json::json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": spec})
}

/// Asks the API server whether `user` may make `request` (the whole authorizer chain, not only RBAC).
pub async fn subject_access_review(
    conn: &Connection,
    user: &crate::model::request::UserInfo,
    request: &crate::model::request::Request,
) -> std::result::Result<ServerDecision, ServerCheckError> {
    let body = serde_json::to_vec(&review_spec(user, request)).map_err(|e| ServerCheckError::Other(e.into()))?;
    let req = http::Request::post("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body)
        .map_err(|e| ServerCheckError::Other(e.into()))?;
    let what = "create a SubjectAccessReview";
    let answer = with_timeout(conn, what, async { Ok(conn.client.request::<serde_json::Value>(req).await) })
        .await
        .map_err(ServerCheckError::Other)?;
    match answer {
        Ok(v) => {
            let status = &v["status"];
            let text = |k: &str| status[k].as_str().unwrap_or_default().to_string();
            Ok(ServerDecision {
                allowed: status["allowed"].as_bool().unwrap_or(false),
                denied: status["denied"].as_bool().unwrap_or(false),
                reason: text("reason"),
                evaluation_error: text("evaluationError"),
            })
        }
        Err(kube::Error::Api(s)) if s.code == 403 => Err(ServerCheckError::Forbidden(s.message.clone())),
        Err(e) => Err(ServerCheckError::Other(describe_error(what, &conn.server, &e))),
    }
}

/// What the API server answered to a dry-run of the request made as the ServiceAccount.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRunOutcome {
    pub method: String,
    pub path: String,
    /// HTTP status code.
    pub code: u16,
    /// 2xx: authorization and every admission step passed (nothing was persisted: dryRun=All).
    pub succeeded: bool,
    /// The Status reason (Forbidden, Invalid, NotFound, ...) and message when it failed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// The caller may not impersonate the ServiceAccount, so nothing was learnt about the request.
    pub impersonation_refused: bool,
}

/// Performs the request server-side with `dryRun=All`, impersonating the ServiceAccount's username and groups.
/// `object` is the body for create/update/patch.
pub async fn dry_run(
    conn: &Connection,
    user: &crate::model::request::UserInfo,
    request: &crate::model::request::Request,
    info: &crate::catalogue::ResourceInfo,
    object: Option<&serde_json::Value>,
) -> Result<DryRunOutcome> {
    use crate::model::request::Request;
    let Request::Resource { verb, attrs } = request else {
        bail!("--dry-run applies to resource requests, not to non-resource URLs");
    };
    if matches!(attrs.subresource.as_str(), "exec" | "attach" | "portforward" | "proxy") {
        bail!(
            "--dry-run cannot perform connect requests ({}/{}); it has no dry-run mode",
            attrs.resource,
            attrs.subresource
        );
    }
    let base = if info.group.is_empty() {
        format!("/api/{}", info.version)
    } else {
        format!("/apis/{}/{}", info.group, info.version)
    };
    let mut path = base;
    if info.namespaced && !attrs.namespace.is_empty() {
        path.push_str(&format!("/namespaces/{}", attrs.namespace));
    }
    path.push_str(&format!("/{}", attrs.resource));
    let with_name = |p: &str| -> Result<String> {
        if attrs.name.is_empty() {
            bail!("--dry-run of {verb} needs the object's NAME");
        }
        let mut p = format!("{p}/{}", attrs.name);
        if !attrs.subresource.is_empty() {
            p.push_str(&format!("/{}", attrs.subresource));
        }
        Ok(p)
    };
    let need_object =
        || object.ok_or_else(|| anyhow!("--dry-run of {verb} needs the object: pass it with --object FILE"));
    let (method, path, body, content_type) = match verb.as_str() {
        "create" if attrs.subresource.is_empty() => {
            ("POST", path, serde_json::to_vec(need_object()?)?, "application/json")
        }
        "create" => ("POST", with_name(&path)?, serde_json::to_vec(need_object()?)?, "application/json"),
        "update" => ("PUT", with_name(&path)?, serde_json::to_vec(need_object()?)?, "application/json"),
        "patch" => (
            "PATCH",
            with_name(&path)?,
            serde_json::to_vec(object.unwrap_or(&serde_json::json!({})))?,
            "application/merge-patch+json",
        ),
        "delete" => ("DELETE", with_name(&path)?, Vec::new(), "application/json"),
        "deletecollection" => ("DELETE", path, Vec::new(), "application/json"),
        other => bail!("--dry-run supports create, update, patch, delete and deletecollection, not {other:?}"),
    };
    let url = format!("{path}?dryRun=All");
    let mut req = http::Request::builder()
        .method(method)
        .uri(&url)
        .header(http::header::CONTENT_TYPE, content_type)
        .header("Impersonate-User", &user.username);
    for g in &user.groups {
        req = req.header("Impersonate-Group", g);
    }
    let req = req.body(body).context("cannot build request")?;
    let what = format!("dry-run {method} {path} as {}", user.username);
    let answer = with_timeout(conn, &what, async { Ok(conn.client.request::<serde_json::Value>(req).await) }).await?;
    let outcome = |code: u16, reason: String, message: String| DryRunOutcome {
        method: method.to_string(),
        path: path.clone(),
        code,
        succeeded: (200..300).contains(&code),
        impersonation_refused: code == 403 && message.contains("cannot impersonate"),
        reason,
        message,
    };
    match answer {
        Ok(_) => Ok(outcome(200, String::new(), String::new())),
        Err(kube::Error::Api(s)) => Ok(outcome(s.code, s.reason.clone(), s.message.clone())),
        Err(e) => Err(describe_error(&what, &conn.server, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_continue_token_is_read_from_the_head_of_a_page() {
        let page = r#"{"kind":"ServiceAccountList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"eyJ2Ijo","remainingItemCount":3},"items":[{"metadata":{"name":"a"}}]}"#;
        assert_eq!(continue_hint(page), Some("eyJ2Ijo"));
        // The last page has none; an empty one is none.
        assert_eq!(continue_hint(r#"{"metadata":{"resourceVersion":"7"},"items":[]}"#), None);
        assert_eq!(continue_hint(r#"{"metadata":{"continue":""},"items":[]}"#), None);
        // Only the list's metadata counts, not an object's field after "items".
        assert_eq!(continue_hint(r#"{"metadata":{},"items":[{"data":{"continue":"x"}}]}"#), None);
        // An escaped token is left to the decoder.
        assert_eq!(continue_hint(r#"{"metadata":{"continue":"a\u003db"},"items":[]}"#), None);
    }

    #[test]
    fn page_sizes_are_kubectls_for_large_objects_and_larger_for_small_ones() {
        assert_eq!(page_size("/apis/rbac.authorization.k8s.io/v1/clusterroles", false, false), 1000);
        assert_eq!(page_size("/apis/rbac.authorization.k8s.io/v1/namespaces/a/roles", false, false), 1000);
        assert_eq!(page_size("/api/v1/pods", false, false), 500);
        assert_eq!(
            page_size("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", false, false),
            500
        );
        assert_eq!(page_size("/api/v1/serviceaccounts", false, false), 2000);
        assert_eq!(page_size("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", false, false), 2000);
        assert_eq!(page_size("/api/v1/secrets?fieldSelector=type%3Dx", true, false), 2000);
        // Protobuf pages are cheaper to make and send.
        assert_eq!(page_size("/api/v1/serviceaccounts", false, true), 5000);
        assert_eq!(page_size("/apis/rbac.authorization.k8s.io/v1/clusterroles", false, true), 2500);
    }
}
