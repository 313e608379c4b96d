//! Stamps the commit into the binary for `kubectl sa version`: $KUBECTL_SA_COMMIT if set (release builds from a
//! source archive), else `git rev-parse --short HEAD` when building from a git checkout, else "unknown".

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-env-changed=KUBECTL_SA_COMMIT");
    let from_env = std::env::var("KUBECTL_SA_COMMIT").ok().filter(|c| !c.is_empty());
    let commit = from_env.or_else(|| {
        // Rebuild when HEAD moves: HEAD itself, the branch it points to, and packed refs (only existing files, or
        // cargo would rerun this every time).
        if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
            let git_dir = Path::new(&git_dir);
            let mut watch = vec![git_dir.join("HEAD"), git_dir.join("packed-refs")];
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                watch.push(git_dir.join(branch));
            }
            for path in watch.iter().filter(|p| p.exists()) {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        git(&["rev-parse", "--short", "HEAD"])
    });
    println!("cargo:rustc-env=KUBECTL_SA_COMMIT={}", commit.as_deref().unwrap_or("unknown"));
}
