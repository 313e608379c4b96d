//! `kubectl sa version`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

/// The oldest Kubernetes API the build targets (the k8s-openapi feature in Cargo.toml).
pub const KUBERNETES_API: &str = "v1.33";

pub fn run(out: &mut dyn Write) -> Result<ExitCode> {
    writeln!(
        out,
        "kubectl-sa {} (commit {}, Kubernetes API {KUBERNETES_API})",
        env!("CARGO_PKG_VERSION"),
        option_env!("KUBECTL_SA_COMMIT").unwrap_or("unknown")
    )?;
    Ok(ExitCode::SUCCESS)
}
