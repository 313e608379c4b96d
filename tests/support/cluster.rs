//! The real test cluster (etcd + kube-apiserver + kube-controller-manager on 127.0.0.1, see tests/cluster/).
//!
//! If KUBECTL_SA_TEST_CLUSTER names a running cluster's directory (the README test command starts one), it is
//! used; otherwise the first test that needs it starts one with tests/cluster/up.sh, whose watchdog stops it
//! when this test process exits, whether the tests pass, fail or panic.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub struct TestCluster {
    pub dir: PathBuf,
    pub kubeconfig: PathBuf,
    pub server: String,
    pub bin_dir: PathBuf,
    pub admin_token: String,
}

static CLUSTER: OnceLock<TestCluster> = OnceLock::new();

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared cluster, started on first use.
pub fn shared() -> &'static TestCluster {
    CLUSTER.get_or_init(|| {
        let dir = match std::env::var_os("KUBECTL_SA_TEST_CLUSTER") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => start(),
        };
        TestCluster::from_dir(&dir)
    })
}

fn start() -> PathBuf {
    start_with("")
}

/// Starts a cluster of its own, with extra kube-apiserver flags; it is stopped when the value is dropped (and by
/// the watchdog if the test process dies).
pub struct OwnedCluster {
    pub cluster: TestCluster,
}

impl OwnedCluster {
    pub fn start(extra_apiserver_args: &str) -> OwnedCluster {
        let dir = start_with(extra_apiserver_args);
        OwnedCluster { cluster: TestCluster::from_dir(&dir) }
    }
}

impl Drop for OwnedCluster {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(repo_root().join("tests/cluster/down.sh")).arg(&self.cluster.dir).status();
    }
}

fn start_with(extra_apiserver_args: &str) -> PathBuf {
    let up = repo_root().join("tests/cluster/up.sh");
    let out = Command::new("bash")
        .env("KUBECTL_SA_APISERVER_EXTRA_ARGS", extra_apiserver_args)
        .arg(&up)
        .arg("--owner-pid")
        .arg(std::process::id().to_string())
        .stderr(Stdio::inherit())
        .output()
        .expect("run tests/cluster/up.sh");
    assert!(out.status.success(), "tests/cluster/up.sh failed (see its output above)");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    PathBuf::from(stdout.lines().last().expect("up.sh prints the cluster directory").trim())
}

impl TestCluster {
    fn from_dir(dir: &Path) -> TestCluster {
        let env_text = std::fs::read_to_string(dir.join("env"))
            .unwrap_or_else(|e| panic!("cannot read {}/env: {e} (is the test cluster running?)", dir.display()));
        let env: HashMap<String, String> = env_text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("export ").unwrap_or(l.trim()).split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').trim_matches('\'').to_string()))
            .collect();
        let get = |k: &str| env.get(k).cloned().unwrap_or_else(|| panic!("{k} missing from {}/env", dir.display()));
        TestCluster {
            dir: dir.to_path_buf(),
            kubeconfig: PathBuf::from(get("KUBECONFIG")),
            server: get("APISERVER"),
            bin_dir: PathBuf::from(get("BIN_DIR")),
            admin_token: std::fs::read_to_string(get("ADMIN_TOKEN_FILE")).expect("admin token").trim().to_string(),
        }
    }

    pub fn kubectl_path(&self) -> PathBuf {
        self.bin_dir.join("kubectl")
    }

    /// The real kubectl with the admin kubeconfig.
    pub fn kubectl(&self) -> Command {
        let mut c = Command::new(self.kubectl_path());
        c.env("KUBECONFIG", &self.kubeconfig).env_remove("HTTPS_PROXY").env_remove("https_proxy");
        c
    }

    /// Runs kubectl, panicking with its stderr on failure; returns stdout.
    pub fn kubectl_ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let mut cmd = self.kubectl();
        cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
        if stdin.is_some() {
            cmd.stdin(Stdio::piped());
        }
        let mut child = cmd.spawn().expect("spawn kubectl");
        if let Some(input) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input.as_bytes()).expect("write stdin");
        }
        let out = child.wait_with_output().expect("kubectl output");
        assert!(out.status.success(), "kubectl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// kubectl-sa (this build) against the cluster.
    pub fn kubectl_sa(&self) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("kubectl-sa").expect("binary");
        c.env("KUBECONFIG", &self.kubeconfig).env_remove("HTTPS_PROXY").env_remove("https_proxy");
        c
    }

    /// A `kubectl get -o yaml` snapshot of everything kubectl-sa reads.
    pub fn snapshot_yaml(&self) -> String {
        self.kubectl_ok(
            &["get", "namespaces,serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings,customresourcedefinitions", "-A", "-o", "yaml"],
            None,
        )
    }

    /// A kube client with the admin identity, for SubjectAccessReviews.
    pub async fn client(&self) -> kube::Client {
        let kc = kube::config::Kubeconfig::read_from(&self.kubeconfig).expect("kubeconfig");
        let config = kube::Config::from_custom_kubeconfig(kc, &Default::default()).await.expect("config");
        kube::Client::try_from(config).expect("client")
    }
}
