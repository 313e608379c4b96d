//! `kubectl sa version`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::catalogue::KUBERNETES_VERSION;

/// The Kubernetes API the build's types come from (the k8s-openapi feature in Cargo.toml; tests/completion.rs keeps them equal).
pub const KUBERNETES_API: &str = "v1.37";

pub fn run(out: &mut dyn Write) -> Result<ExitCode> {
    writeln!(out, "{}", line())?;
    Ok(ExitCode::SUCCESS)
}

/// What the binary is, what it was built for and what its answers were checked against.
pub fn line() -> String {
    format!(
        "kubectl-sa {} (commit {}; built for the Kubernetes {KUBERNETES_API} API; tested against kube-apiserver \
         {KUBERNETES_VERSION})",
        env!("CARGO_PKG_VERSION"),
        option_env!("KUBECTL_SA_COMMIT").unwrap_or("unknown")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_file(path: &str) -> String {
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect(path)
    }

    #[test]
    fn the_stated_kube_apiserver_is_the_one_the_test_cluster_runs() {
        let pinned = format!("k8s.io/kubernetes {KUBERNETES_VERSION}");
        assert!(repo_file("tests/cluster/go/go.mod").contains(&pinned), "the test cluster is not {KUBERNETES_VERSION}");
        assert!(KUBERNETES_VERSION.starts_with(&format!("{KUBERNETES_API}.")));
        assert!(line().contains(KUBERNETES_VERSION));
    }
}
