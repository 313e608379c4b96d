//! Release packaging checked by the real krew (sigs.k8s.io/krew, pinned in tests/krew/go, built by its build.sh):
//!
//! - scripts/release.sh packs this build into kubectl-sa_vX.Y.Z_linux_amd64.tar.gz and renders the manifest;
//!   krew's validate-krew-manifest accepts it, including its install phase (run offline against the local
//!   archive) and its LICENSE check;
//! - the checked-in krew-manifest.yaml (and plugins/sa.yaml, the same file) is the rendering of the template for
//!   the version in Cargo.toml and passes krew's rules;
//! - `kubectl krew install --manifest --archive` installs the plugin into a temporary KREW_ROOT, and the real
//!   kubectl runs `kubectl sa version`, `kubectl sa who-can ...` and completion (the caveats' symlink) through
//!   krew's bin directory, bash included;
//! - a custom index (the release script's index/ git repository) installs over loopback HTTP with
//!   `kubectl krew index add` + `kubectl krew install INDEX/sa`.
//!
//! No network: krew's upgrade check is off, every download is from 127.0.0.1, indexes are local git repositories.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use support::cluster::repo_root;

fn version() -> String {
    format!("v{}", env!("CARGO_PKG_VERSION"))
}

fn archive_name() -> String {
    format!("kubectl-sa_{}_linux_amd64.tar.gz", version())
}

/// Runs a build script that prints a bin directory on its last line (cached builds of pinned Go modules).
fn built_bin_dir(script: &str) -> PathBuf {
    let out = Command::new("bash")
        .arg(repo_root().join(script))
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    assert!(out.status.success(), "{script} failed");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().lines().last().expect("bin dir").trim())
}

fn krew_bin() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| built_bin_dir("tests/krew/go/build.sh"))
}

fn kubectl_bin() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| built_bin_dir("tests/cluster/go/build.sh"))
}

fn ok(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A command with nothing of the machine's krew, kubeconfig or proxies.
fn clean(program: impl AsRef<std::ffi::OsStr>, krew_root: &Path, path: &str) -> Command {
    let mut c = Command::new(program);
    c.env("KREW_ROOT", krew_root)
        .env("KREW_NO_UPGRADE_CHECK", "1")
        .env("PATH", path)
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .current_dir(repo_root())
        .stdin(Stdio::null());
    for v in
        ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy", "KREW_OS", "KREW_ARCH"]
    {
        c.env_remove(v);
    }
    c
}

/// The output of scripts/release.sh for this build: the archive, the manifest and the index, in a directory of
/// the target dir (made once per test run).
fn release() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("krew-release");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // The debug binary, stripped (a release archive's binary has no debug info either): ~6x less to gzip.
        let binary = dir.join("kubectl-sa.bin");
        std::fs::copy(assert_cmd::cargo::cargo_bin("kubectl-sa"), &binary).unwrap();
        let _ = Command::new("strip").arg(&binary).status();
        let out_dir = dir.join("dist");
        ok(Command::new("bash")
            .arg(repo_root().join("scripts/release.sh"))
            .arg("--out")
            .arg(&out_dir)
            .arg("--binary")
            .arg(&binary)
            .current_dir(repo_root()));
        out_dir
    })
}

fn sha256(path: &Path) -> String {
    let out = ok(Command::new("sha256sum").arg(path));
    text(&out).split_whitespace().next().unwrap().to_string()
}

/// validate-krew-manifest on a copy of `manifest` named after the plugin (krew infers the name from the file).
fn validate(manifest: &Path, install_with_archive: Option<&Path>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("sa.yaml");
    std::fs::copy(manifest, &copy).unwrap();
    let mut cmd =
        clean(krew_bin().join("validate-krew-manifest"), &dir.path().join("unused-krew-root"), "/usr/bin:/bin");
    cmd.arg("-manifest").arg(&copy);
    match install_with_archive {
        None => {
            cmd.arg("-skip-install");
        }
        Some(archive) => {
            // Its install phase runs `kubectl krew install --manifest FILE` for every platform of the manifest
            // (KREW_OS/KREW_ARCH set) and then looks for the LICENSE; a kubectl on PATH that adds --archive makes
            // that download the local archive instead of the release URL.
            let shim_dir = dir.path().join("bin");
            std::fs::create_dir(&shim_dir).unwrap();
            let shim = shim_dir.join("kubectl");
            std::fs::write(
                &shim,
                format!(
                    "#!/bin/sh\nexport KREW_NO_UPGRADE_CHECK=1\nexec {} \"$@\" --archive={}\n",
                    kubectl_bin().join("kubectl").display(),
                    archive.display()
                ),
            )
            .unwrap();
            std::fs::set_permissions(&shim, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
            cmd.env("PATH", format!("{}:{}:/usr/bin:/bin", shim_dir.display(), krew_bin().display()));
        }
    }
    cmd.output().unwrap()
}

fn field<'a>(manifest: &'a str, key: &str) -> &'a str {
    manifest
        .lines()
        .find_map(|l| l.trim_start().strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key} in manifest:\n{manifest}"))
}

#[test]
fn release_script_packs_the_archive_and_krew_validates_the_manifest_it_renders() {
    let dist = release();
    let archive = dist.join(archive_name());
    let listing = text(&ok(Command::new("tar").arg("tzf").arg(&archive)));
    let mut files: Vec<&str> = listing.lines().collect();
    files.sort();
    assert_eq!(files, ["LICENSE", "kubectl-sa"], "archive contents");

    let manifest = std::fs::read_to_string(dist.join("krew-manifest.yaml")).unwrap();
    assert_eq!(field(&manifest, "version"), version());
    assert_eq!(field(&manifest, "name"), "sa");
    let sha = field(&manifest, "sha256");
    assert_eq!(sha, sha256(&archive));
    assert!(sha.len() == 64 && sha.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "{sha}");
    assert!(field(&manifest, "uri").ends_with(&format!("/{}/{}", version(), archive_name())));
    let short = field(&manifest, "shortDescription");
    assert!(short.len() <= 50, "shortDescription longer than 50 characters: {short}");
    assert!(manifest.contains("kubectl_complete-sa"), "caveats do not say how to enable completion");
    assert_eq!(std::fs::read_to_string(dist.join("index/plugins/sa.yaml")).unwrap(), manifest);

    let out = validate(&dist.join("krew-manifest.yaml"), None);
    assert!(out.status.success(), "validate-krew-manifest -skip-install: {}", String::from_utf8_lossy(&out.stderr));
    let out = validate(&dist.join("krew-manifest.yaml"), Some(&archive));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "validate-krew-manifest with install: {log}");
    assert!(log.contains("all 1 spec.platforms installed fine"), "{log}");

    // A manifest whose sha256 does not match the archive is refused by krew install.
    let bad = dist.join("bad").join("sa.yaml");
    std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
    std::fs::write(&bad, manifest.replace(sha, &"f".repeat(64))).unwrap();
    let out = validate(&bad, Some(&archive));
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("checksum does not match"));
}

#[test]
fn checked_in_manifest_is_the_rendered_template_and_passes_krews_rules() {
    let root = repo_root();
    let checked_in = std::fs::read_to_string(root.join("krew-manifest.yaml")).unwrap();
    assert_eq!(
        std::fs::read_to_string(root.join("plugins/sa.yaml")).unwrap(),
        checked_in,
        "plugins/sa.yaml (the repository as a krew index) differs from krew-manifest.yaml: run scripts/release.sh"
    );
    assert_eq!(field(&checked_in, "version"), version(), "krew-manifest.yaml is not for Cargo.toml's version");
    // Everything but the archive checksums is what the release script renders now.
    let rendered = std::fs::read_to_string(release().join("krew-manifest.yaml")).unwrap();
    let without_sha =
        |m: &str| m.lines().filter(|l| !l.trim_start().starts_with("sha256:")).collect::<Vec<_>>().join("\n");
    assert_eq!(without_sha(&checked_in), without_sha(&rendered), "krew-manifest.yaml is stale: run scripts/release.sh");
    let out = validate(&root.join("krew-manifest.yaml"), None);
    assert!(out.status.success(), "validate-krew-manifest: {}", String::from_utf8_lossy(&out.stderr));
}

/// `kubectl sa <TAB>` in bash with bash-completion and kubectl's completion sourced: COMPREPLY.
fn bash_complete(path: &str, line: &str) -> Vec<String> {
    let script = r#"source /usr/share/bash-completion/bash_completion
source <(kubectl completion bash)
read -r -a COMP_WORDS <<< "$LINE"
[[ "$LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="$LINE"; COMP_POINT=${#COMP_LINE}
__start_kubectl kubectl "${COMP_WORDS[$COMP_CWORD]}" "${COMP_WORDS[$COMP_CWORD-1]}" 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = ok(Command::new("bash").args(["--norc", "-c", script]).env("PATH", path).env("LINE", line));
    text(&out).lines().filter(|l| !l.is_empty()).map(String::from).collect()
}

#[test]
fn krew_installs_the_local_archive_and_kubectl_runs_the_plugin() {
    let dist = release();
    let root = tempfile::tempdir().unwrap();
    let krew_root = root.path().join("krew");
    let tools = format!("{}:{}:/usr/bin:/bin", krew_bin().display(), kubectl_bin().display());
    let out = ok(clean(kubectl_bin().join("kubectl"), &krew_root, &tools)
        .arg("krew")
        .arg("install")
        .arg(format!("--manifest={}", dist.join("krew-manifest.yaml").display()))
        .arg(format!("--archive={}", dist.join(archive_name()).display())));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Installed plugin: sa"));
    let krew_bin_dir = krew_root.join("bin");
    assert!(krew_bin_dir.join("kubectl-sa").exists());
    assert!(krew_root.join("store/sa").join(version()).join("LICENSE").exists());

    // Only krew's bin directory and the real kubectl: as on a machine set up by krew's instructions.
    let path = format!("{}:{}:/usr/bin:/bin", krew_bin_dir.display(), kubectl_bin().display());
    let kubectl = || clean(kubectl_bin().join("kubectl"), &krew_root, &path);
    let plugins = text(&ok(kubectl().args(["plugin", "list"])));
    assert!(plugins.contains(&format!("{}/kubectl-sa", krew_bin_dir.display())), "{plugins}");
    let v = text(&ok(kubectl().args(["sa", "version"])));
    assert!(v.starts_with(&format!("kubectl-sa {} (commit ", env!("CARGO_PKG_VERSION"))), "{v}");
    let who = text(&ok(kubectl().args(["sa", "who-can", "get", "pods", "-f", "examples/demo-cluster.yaml"])));
    assert!(who.starts_with("Who can get pods in namespace \"default\"?"), "{who}");
    assert!(who.contains("system:masters"), "{who}");
    assert!(krew_root.join("receipts/sa.yaml").exists(), "krew keeps no receipt of the installation");

    // Completion as the caveats say: a kubectl_complete-sa symlink in krew's bin directory.
    // kubectl offers nothing for the plugin's arguments until the completion executable exists.
    let before = text(&ok(kubectl().args(["__complete", "sa", "who-c"])));
    assert!(!before.contains("who-can"), "{before}");
    std::os::unix::fs::symlink("kubectl-sa", krew_bin_dir.join("kubectl_complete-sa")).unwrap();
    let after = text(&ok(kubectl().args(["__complete", "sa", "who-c"])));
    assert!(after.starts_with("who-can\t"), "{after}");
    let reply = bash_complete(&path, "kubectl sa ");
    for sub in ["who-can", "explain", "matrix", "bindings", "version", "completion"] {
        assert!(reply.iter().any(|r| r == sub), "{sub} missing from COMPREPLY {reply:?}");
    }
    // COMP_WORDBREAKS has ':', so bash replaces only what follows "ci:" (kubectl's script trims the candidates).
    assert_eq!(bash_complete(&path, "kubectl sa -f examples/demo-cluster.yaml explain ci:"), ["deployer"]);
}

/// Serves the files of `dir` over HTTP on 127.0.0.1 for at most `max` requests; returns the base URL.
fn serve(dir: PathBuf, max: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Headers, up to the blank line (bounded).
            for _ in 0..100 {
                let mut l = String::new();
                if reader.read_line(&mut l).map_or(true, |n| n == 0) || l == "\r\n" {
                    break;
                }
            }
            let name = request_line.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_string();
            let file = (!name.contains('/') && !name.is_empty()).then(|| dir.join(&name));
            let response = match file.and_then(|f| std::fs::read(f).ok()) {
                Some(body) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    base
}

#[test]
fn a_custom_index_installs_the_plugin_over_loopback() {
    let dist = release();
    // The archive where a web server would have it, and a manifest + index rendered for that URL.
    let site = tempfile::tempdir().unwrap();
    std::fs::copy(dist.join(archive_name()), site.path().join(archive_name())).unwrap();
    let base = serve(site.path().to_path_buf(), 8);
    ok(Command::new("bash")
        .arg(repo_root().join("scripts/release.sh"))
        .args(["--render-only", "--out"])
        .arg(site.path())
        .args(["--uri-base", &base]));
    let index = site.path().join("index");
    assert!(index.join(".git").exists() && index.join("plugins/sa.yaml").exists());

    let krew_root = tempfile::tempdir().unwrap();
    let tools = format!("{}:{}:/usr/bin:/bin", krew_bin().display(), kubectl_bin().display());
    let krew =
        |args: &[&str]| ok(clean(kubectl_bin().join("kubectl"), krew_root.path(), &tools).arg("krew").args(args));
    krew(&["index", "add", "kubectl-sa", index.to_str().unwrap()]);
    let indexes = text(&krew(&["index", "list"]));
    assert!(indexes.lines().any(|l| l.starts_with("kubectl-sa")), "{indexes}");
    let info = text(&krew(&["info", "kubectl-sa/sa"]));
    assert!(info.contains(&format!("VERSION: {}", version())), "{info}");
    let out = krew(&["install", "kubectl-sa/sa"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Installed plugin: sa"));
    let path = format!("{}:{}:/usr/bin:/bin", krew_root.path().join("bin").display(), kubectl_bin().display());
    let v = text(&ok(clean(kubectl_bin().join("kubectl"), krew_root.path(), &path).args(["sa", "version"])));
    assert!(v.starts_with("kubectl-sa "), "{v}");
    let list = text(&krew(&["list"]));
    assert!(list.contains("kubectl-sa/sa"), "{list}");
    krew(&["uninstall", "sa"]);
    assert!(!krew_root.path().join("bin/kubectl-sa").exists());

    // The repository's own plugins/sa.yaml as an index (what `kubectl krew index add kubectl-sa
    // https://github.com/kubectl-sa/kubectl-sa.git` clones): krew reads the checked-in manifest from it.
    let repo_index = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo_index.path().join("plugins")).unwrap();
    std::fs::copy(repo_root().join("plugins/sa.yaml"), repo_index.path().join("plugins/sa.yaml")).unwrap();
    let git = |args: &[&str]| {
        ok(Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid"])
            .args(args)
            .current_dir(repo_index.path()))
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "plugins/sa.yaml"]);
    git(&["commit", "-q", "-m", "index"]);
    krew(&["index", "add", "repo", repo_index.path().to_str().unwrap()]);
    let info = text(&krew(&["info", "repo/sa"]));
    assert!(info.contains(&format!("VERSION: {}", version())) && info.contains("NAME: sa"), "{info}");
}
