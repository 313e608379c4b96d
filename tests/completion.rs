//! Shell completion, help text, man pages and `version`:
//!
//! - the checked-in scripts under completions/ and pages under man/ are exactly what the binary generates;
//! - dynamic completion through the real kubectl's `__complete` path (kubectl 1.26+ runs `kubectl_complete-sa`
//!   from PATH): subcommands, flags, verbs, resources (discovery, else the built-in catalogue), namespaces and
//!   ServiceAccount names from the real test cluster, and from snapshots;
//! - completion is bounded in time and never interactive (a hanging server, an exec credential plugin);
//! - a real bash completion run: bash-completion and `kubectl completion bash` sourced, COMP_WORDS set as
//!   readline would for `kubectl sa <TAB>`, COMPREPLY checked (and the static script for `kubectl-sa <TAB>`).

mod support;

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use support::cluster::{TestCluster, repo_root, shared};

const DEMO: &str = "examples/demo-cluster.yaml";
const SHELLS: [(&str, &str); 5] = [
    ("bash", "kubectl-sa.bash"),
    ("zsh", "_kubectl-sa"),
    ("fish", "kubectl-sa.fish"),
    ("powershell", "_kubectl-sa.ps1"),
    ("elvish", "kubectl-sa.elv"),
];
const REGENERATE: &str = "regenerate with scripts/gen-docs.sh and commit the result";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("kubectl-sa")
}

/// kubectl-sa with no kubeconfig of the machine.
fn sa() -> Command {
    let mut c = Command::new(bin());
    c.env("KUBECONFIG", "/nonexistent/kubeconfig").current_dir(repo_root());
    c
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The bin directory of the real kubectl (tests/cluster/go/build.sh, cached).
fn kubectl_bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = Command::new("bash")
            .arg(repo_root().join("tests/cluster/go/build.sh"))
            .stderr(Stdio::inherit())
            .output()
            .expect("run tests/cluster/go/build.sh");
        assert!(out.status.success(), "tests/cluster/go/build.sh failed");
        PathBuf::from(String::from_utf8(out.stdout).unwrap().lines().last().unwrap().trim())
    })
}

/// A PATH as an installed plugin has it: kubectl-sa and its completion executable, then the real kubectl.
/// `shim` picks the shell shim from completions/ (else a symlink named kubectl_complete-sa to the binary).
fn plugin_path(shim: bool) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(bin(), dir.path().join("kubectl-sa")).unwrap();
    let complete = dir.path().join("kubectl_complete-sa");
    if shim {
        std::fs::copy(repo_root().join("completions/kubectl_complete-sa"), &complete).unwrap();
    } else {
        std::os::unix::fs::symlink("kubectl-sa", &complete).unwrap();
    }
    let path = format!("{}:{}:/usr/bin:/bin", dir.path().display(), kubectl_bin_dir().display());
    (dir, path)
}

/// `kubectl __complete sa WORDS...` with the real kubectl: (candidates, directive).
fn kubectl_complete(path: &str, kubeconfig: &Path, words: &[&str]) -> (Vec<String>, String) {
    let out = Command::new(kubectl_bin_dir().join("kubectl"))
        .env("PATH", path)
        .env("KUBECONFIG", kubeconfig)
        // Generous on a loaded CI machine; the bound itself is tested with 1s below.
        .env("KUBECTL_SA_COMPLETION_TIMEOUT", "10s")
        .current_dir(repo_root())
        .arg("__complete")
        .arg("sa")
        .args(words)
        .stdin(Stdio::null())
        .output()
        .expect("run kubectl __complete");
    assert!(out.status.success(), "kubectl __complete sa {words:?}: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut lines: Vec<&str> = stdout.lines().collect();
    let directive = lines.pop().unwrap_or_default().to_string();
    assert!(directive.starts_with(':'), "no directive line in {stdout:?}");
    let values = lines.iter().map(|l| l.split('\t').next().unwrap().to_string()).collect();
    (values, directive)
}

fn has(values: &[String], want: &[&str]) {
    for w in want {
        assert!(values.iter().any(|v| v == w), "{w} missing from {values:?}");
    }
}

#[test]
fn checked_in_completion_scripts_are_generated_output() {
    for (shell, file) in SHELLS {
        let generated = stdout_of(sa().args(["completion", shell]));
        let path = repo_root().join("completions").join(file);
        let checked_in =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}; {REGENERATE}", path.display()));
        assert!(
            generated == checked_in,
            "{} differs from `kubectl sa completion {shell}`: {REGENERATE}",
            path.display()
        );
        assert!(generated.contains("kubectl-sa"), "{shell} script does not complete kubectl-sa");
    }
    let shim = repo_root().join("completions/kubectl_complete-sa");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&shim).unwrap().permissions());
    assert!(mode & 0o111 != 0, "{} is not executable", shim.display());
}

#[test]
fn checked_in_man_pages_are_generated_output() {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(sa().args(["man", "--dir"]).arg(dir.path()));
    let names = |d: &Path| {
        let mut v: Vec<String> =
            std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    };
    let man = repo_root().join("man");
    let generated = names(dir.path());
    assert_eq!(names(&man), generated, "man/ does not hold exactly the generated pages: {REGENERATE}");
    for name in &generated {
        let (a, b) = (std::fs::read(dir.path().join(name)).unwrap(), std::fs::read(man.join(name)).unwrap());
        assert!(a == b, "man/{name} differs from `kubectl sa man --dir`: {REGENERATE}");
    }
    for page in ["kubectl-sa.1", "kubectl-sa-who-can.1", "kubectl-sa-explain.1", "kubectl-sa-completion.1"] {
        assert!(generated.contains(&page.to_string()), "{page} missing from {generated:?}");
    }
    let main = std::fs::read_to_string(man.join("kubectl-sa.1")).unwrap();
    assert!(main.starts_with(".ie") && main.contains(".TH kubectl-sa 1") && main.contains("who\\-can"), "{main}");
    // `kubectl sa man` alone prints the main page.
    assert_eq!(stdout_of(sa().arg("man")), main);
}

/// The visible subcommands under `path` (e.g. `[]` or `["token"]`), as the parser knows them.
fn subcommands_of(path: &[&str]) -> Vec<String> {
    let out = stdout_of(sa().arg("__complete").args(path).arg(""));
    out.lines().filter(|l| !l.starts_with(':')).map(|l| l.split('\t').next().unwrap().to_string()).collect()
}

fn subcommands() -> Vec<String> {
    subcommands_of(&[])
}

/// Checks `kubectl sa PATH... --help`: a purpose line, `kubectl sa PATH` as the program name, examples of itself;
/// then every subcommand below it.
fn check_help(path: &[&str]) {
    let name = path.join(" ");
    let help = stdout_of(sa().args(path).arg("--help"));
    let first = help.lines().next().unwrap();
    assert!(!first.is_empty() && !first.starts_with("Usage"), "`{name} --help` has no purpose line: {help}");
    assert!(help.contains(&format!("Usage: kubectl sa {name}")), "`{name} --help`: {help}");
    let examples =
        help.split_once("Examples:\n").map(|(_, e)| e).unwrap_or_else(|| panic!("`{name} --help`: no examples"));
    let lines: Vec<&str> = examples.lines().take_while(|l| l.starts_with("  ")).collect();
    assert!(
        lines.iter().any(|l| l.contains(&format!("kubectl sa {name}"))),
        "`{name} --help` has no example of itself: {help}"
    );
    // -h gives the short form of the same.
    assert!(stdout_of(sa().args(path).arg("-h")).starts_with(first));
    // Nested subcommands (e.g. `token inspect`), from the parser itself.
    let mut cmd = <kubectl_sa::cli::Cli as clap::CommandFactory>::command();
    cmd.build();
    let here = path.iter().fold(&cmd, |c, p| c.find_subcommand(p).expect("subcommand"));
    for sub in here.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        if !path.is_empty() {
            let mut deeper = path.to_vec();
            deeper.push(sub.get_name());
            check_help(&deeper);
        }
    }
}

#[test]
fn every_help_has_a_one_line_purpose_and_real_examples() {
    let top = stdout_of(sa().arg("--help"));
    let first = top.lines().next().unwrap();
    assert!(!first.is_empty() && !first.starts_with("Usage"), "no purpose line: {top}");
    assert!(top.contains("Usage: kubectl sa "), "program name is not `kubectl sa`: {top}");
    assert!(top.contains("Examples:\n  kubectl sa "), "{top}");
    let subs = subcommands();
    has(&subs, &["who-can", "explain", "matrix", "bindings", "version", "completion"]);
    assert!(!subs.iter().any(|s| s == "man" || s.starts_with("__")), "hidden subcommands listed: {subs:?}");
    for sub in subs.iter().filter(|s| *s != "help").map(String::as_str).chain(["man"]) {
        check_help(&[sub]);
    }
}

#[test]
fn version_prints_version_commit_and_kubernetes_api() {
    let out = stdout_of(sa().arg("version"));
    let cargo = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    let feature = cargo
        .lines()
        .find(|l| l.starts_with("k8s-openapi"))
        .and_then(|l| l.split("\"v1_").nth(1))
        .and_then(|f| f.split('"').next())
        .expect("k8s-openapi feature v1_NN in Cargo.toml");
    let git = Command::new("git").args(["rev-parse", "--short", "HEAD"]).current_dir(repo_root()).output();
    let commit = match git {
        Ok(o) if o.status.success() => String::from_utf8(o.stdout).unwrap().trim().to_string(),
        _ => "unknown".to_string(),
    };
    let expected = format!(
        "kubectl-sa {} (commit {commit}; built for the Kubernetes v1.{feature} API; tested against kube-apiserver {})\n",
        env!("CARGO_PKG_VERSION"),
        kubectl_sa::catalogue::KUBERNETES_VERSION
    );
    assert_eq!(out, expected);
    assert_eq!(stdout_of(sa().arg("--version")), format!("kubectl-sa {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn kubectl_completes_subcommands_flags_verbs_and_resources_without_a_cluster() {
    for shim in [true, false] {
        let (_dir, path) = plugin_path(shim);
        let none = Path::new("/nonexistent/kubeconfig");
        // kubectl lists the plugin itself.
        let out = Command::new(kubectl_bin_dir().join("kubectl"))
            .env("PATH", &path)
            .args(["__complete", "s"])
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).lines().any(|l| l.starts_with("sa\t")));

        let (values, directive) = kubectl_complete(&path, none, &[""]);
        assert_eq!(values, subcommands());
        assert_eq!(directive, ":4");
        let (values, _) = kubectl_complete(&path, none, &["ex"]);
        assert_eq!(values, ["explain"]);
        let (values, _) = kubectl_complete(&path, none, &["who-can", ""]);
        has(&values, &["get", "list", "watch", "create", "delete", "deletecollection", "impersonate", "escalate"]);
        let (values, _) = kubectl_complete(&path, none, &["who-can", "get", "dep"]);
        has(&values, &["deployments", "deployments.apps"]);
        assert!(values.iter().all(|v| v.starts_with("dep")), "{values:?}");
        let (values, _) = kubectl_complete(&path, none, &["who-can", "create", "pods/e"]);
        has(&values, &["pods/ephemeralcontainers", "pods/eviction", "pods/exec"]);
        let (values, _) = kubectl_complete(&path, none, &["who-can", "get", "/me"]);
        assert_eq!(values, ["/metrics"]);
        let (values, _) = kubectl_complete(&path, none, &["who-can", "get", "pods", "--"]);
        has(&values, &["--namespace", "--all-namespaces", "--output", "--subresource", "--filename", "--context"]);
        let (values, _) = kubectl_complete(&path, none, &["who-can", "get", "pods", "-o", ""]);
        assert_eq!(values, ["wide", "json", "yaml"]);
        let (values, _) = kubectl_complete(&path, none, &["explain", "x", "get", "pods", "--as-group", "system:m"]);
        assert_eq!(values, ["system:masters"]);
        let (values, directive) = kubectl_complete(&path, none, &["matrix", "x", "--verbs", "get,wa"]);
        assert_eq!((values, directive.as_str()), (vec!["get,watch".to_string()], ":6"));
        let (values, _) = kubectl_complete(&path, none, &["completion", ""]);
        assert_eq!(values, ["bash", "elvish", "fish", "powershell", "zsh"]);
        // File arguments fall back to the shell's file completion.
        let (values, directive) = kubectl_complete(&path, none, &["who-can", "get", "pods", "-f", ""]);
        assert!(values.is_empty() && directive == ":0", "{values:?} {directive}");
    }
}

#[test]
fn kubectl_completes_namespaces_and_service_accounts_from_a_snapshot() {
    let (_dir, path) = plugin_path(true);
    let none = Path::new("/nonexistent/kubeconfig");
    let (values, _) = kubectl_complete(&path, none, &["-f", DEMO, "who-can", "get", "pods", "-n", ""]);
    has(&values, &["ci", "payments", "web", "monitoring"]);
    let (values, _) = kubectl_complete(&path, none, &["-f", DEMO, "explain", "pay"]);
    assert_eq!(values, ["payments:api", "payments:default", "payments:worker"]);
    let (values, _) = kubectl_complete(&path, none, &["-f", DEMO, "-n", "ci", "bindings", ""]);
    assert_eq!(values, ["deployer"]);
    let (values, _) = kubectl_complete(&path, none, &["--filename=examples/demo-cluster.yaml", "matrix", "web/"]);
    has(&values, &["web/frontend", "web/default"]);
}

/// The real cluster, with a namespace, ServiceAccounts and a CRD that only it knows about.
fn cluster() -> &'static TestCluster {
    static READY: OnceLock<()> = OnceLock::new();
    let c = shared();
    READY.get_or_init(|| {
        c.kubectl_ok(
            &["apply", "-f", "-"],
            Some(
                r#"{"apiVersion":"v1","kind":"List","items":[
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"completion-ns"}},
{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"completion-sa-1","namespace":"completion-ns"}},
{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"completion-sa-2","namespace":"completion-ns"}},
{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
 "metadata":{"name":"gadgets.completion.example.com"},"spec":{"group":"completion.example.com","scope":"Namespaced",
 "names":{"plural":"gadgets","singular":"gadget","kind":"Gadget"},
 "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
 "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}]}"#,
            ),
        );
        c.kubectl_ok(
            &["wait", "--for=condition=Established", "--timeout=60s", "crd/gadgets.completion.example.com"],
            None,
        );
        // Discovery catches up with the CRD shortly after it is established, and the ServiceAccount controller
        // creates the namespace's default ServiceAccount (bounded waits).
        let deadline = Instant::now() + Duration::from_secs(60);
        while c
            .kubectl()
            .args(["get", "serviceaccount", "default", "-n", "completion-ns"])
            .output()
            .map_or(true, |o| !o.status.success())
        {
            assert!(Instant::now() < deadline, "no default ServiceAccount in completion-ns");
            std::thread::sleep(Duration::from_millis(500));
        }
        while !c
            .kubectl_ok(&["api-resources", "--api-group=completion.example.com", "-o", "name"], None)
            .contains("gadgets")
        {
            assert!(Instant::now() < deadline, "gadgets never appeared in discovery");
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    c
}

#[test]
fn kubectl_completes_namespaces_service_accounts_and_resources_from_the_cluster() {
    let c = cluster();
    let (_dir, path) = plugin_path(true);
    let (values, _) = kubectl_complete(&path, &c.kubeconfig, &["who-can", "get", "pods", "-n", "comp"]);
    assert_eq!(values, ["completion-ns"]);
    let (values, _) = kubectl_complete(&path, &c.kubeconfig, &["who-can", "get", "pods", "--namespace=kube-"]);
    has(&values, &["--namespace=kube-system", "--namespace=kube-public"]);
    let (values, _) = kubectl_complete(&path, &c.kubeconfig, &["explain", "completion-ns:"]);
    assert_eq!(values, ["completion-ns:completion-sa-1", "completion-ns:completion-sa-2", "completion-ns:default"]);
    let (values, _) = kubectl_complete(&path, &c.kubeconfig, &["-n", "completion-ns", "matrix", "completion-"]);
    assert_eq!(values, ["completion-sa-1", "completion-sa-2"]);
    // The CRD comes from the server's discovery (the built-in catalogue has no such resource).
    let (values, _) = kubectl_complete(&path, &c.kubeconfig, &["who-can", "list", "gadg"]);
    has(&values, &["gadgets", "gadgets.completion.example.com"]);
    let (values, _) = kubectl_complete(&path, &c.kubeconfig, &["who-can", "list", "gadgets/"]);
    assert_eq!(values, ["gadgets/status"]);
    // Without the cluster (a closed port): the built-in catalogue, and no namespaces.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = kubeconfig_for(dir.path(), &format!("https://{closed}"), None);
    let (values, _) = kubectl_complete(&path, &kubeconfig, &["who-can", "list", "gadg"]);
    assert!(values.is_empty(), "{values:?}");
    let (values, _) = kubectl_complete(&path, &kubeconfig, &["who-can", "list", "secr"]);
    assert_eq!(values, ["secrets"]);
    let (values, _) = kubectl_complete(&path, &kubeconfig, &["who-can", "list", "pods", "-n", ""]);
    assert!(values.is_empty(), "{values:?}");
}

#[test]
fn kubeconfig_flags_typed_on_the_line_are_used() {
    let c = cluster();
    let (_dir, path) = plugin_path(false);
    let none = Path::new("/nonexistent/kubeconfig");
    let kc = c.kubeconfig.to_str().unwrap();
    let (values, _) =
        kubectl_complete(&path, none, &["--kubeconfig", kc, "who-can", "get", "pods", "-n", "completion"]);
    assert_eq!(values, ["completion-ns"]);
    let (values, _) = kubectl_complete(&path, none, &["--kubeconfig", kc, "--context", ""]);
    has(&values, &["admin", "limited"]);
}

fn kubeconfig_for(dir: &Path, server: &str, exec: Option<&Path>) -> PathBuf {
    let user = match exec {
        Some(cmd) => format!(
            "exec: {{apiVersion: client.authentication.k8s.io/v1, command: {}, interactiveMode: IfAvailable}}",
            cmd.display()
        ),
        None => "token: nothing".to_string(),
    };
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"{server}\", insecure-skip-tls-verify: true}}\n\
         users:\n- name: u\n  user: {{{user}}}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u, namespace: default}}\n\
         current-context: x\n"
    );
    let path = dir.join("kubeconfig");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn completion_is_bounded_by_its_timeout_against_a_hanging_server() {
    // A server that accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().take(32) {
            held.push(conn);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = kubeconfig_for(dir.path(), &format!("https://{addr}"), None);
    for (words, fallback) in [(&["who-can", "get", "confi"][..], Some("configmaps")), (&["explain", ""][..], None)] {
        let started = Instant::now();
        let out = sa()
            .env("KUBECONFIG", &kubeconfig)
            .env("KUBECTL_SA_COMPLETION_TIMEOUT", "1s")
            .arg("__complete")
            .args(words)
            .output()
            .unwrap();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "completion of {words:?} took {took:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        match fallback {
            Some(r) => assert_eq!(stdout, format!("{r}\tConfigMap, namespaced\n:4\n")),
            None => assert_eq!(stdout, ":4\n"),
        }
    }
}

#[test]
fn completion_never_lets_an_exec_credential_plugin_prompt() {
    let c = cluster();
    let dir = tempfile::tempdir().unwrap();
    let info = dir.path().join("exec-info");
    let plugin = dir.path().join("credential-plugin");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\n{{ echo \"$KUBERNETES_EXEC_INFO\"; if read -r line; then echo \"read:$line\"; else echo stdin:eof; fi; \
             }} >> {}\nexit 1\n",
            info.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&plugin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let kubeconfig = kubeconfig_for(dir.path(), &c.server, Some(&plugin));
    let started = Instant::now();
    let mut child = sa()
        .env("KUBECONFIG", &kubeconfig)
        .args(["__complete", "who-can", "get", "pods", "-n", ""])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // What a user would type at a prompt; the plugin must never see it. stdin stays open until the end.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"my-password\n").unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(String::from_utf8_lossy(&out.stdout), ":4\n");
    assert!(out.stderr.is_empty(), "completion wrote to the terminal: {}", String::from_utf8_lossy(&out.stderr));
    let seen = std::fs::read_to_string(&info).expect("the credential plugin ran");
    assert!(seen.contains("\"interactive\":false"), "{seen}");
    assert!(seen.contains("stdin:eof") && !seen.contains("my-password"), "{seen}");
}

/// Runs bash with bash-completion and `kubectl completion bash` sourced, completes `line` (the cursor at its end)
/// as readline would, and returns COMPREPLY.
fn bash_complete(path: &str, kubeconfig: &Path, line: &str) -> Vec<String> {
    let bash_completion = Path::new("/usr/share/bash-completion/bash_completion");
    assert!(
        bash_completion.exists(),
        "{} is missing: install bash-completion (tests/run-all.sh does), as kubectl's completion needs it",
        bash_completion.display()
    );
    let script = format!(
        r#"source {bc}
source <(kubectl completion bash)
read -r -a COMP_WORDS <<< "$LINE"
[[ "$LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="$LINE"
COMP_POINT=${{#COMP_LINE}}
__start_kubectl kubectl "${{COMP_WORDS[$COMP_CWORD]}}" "${{COMP_WORDS[$COMP_CWORD-1]}}" 2>/dev/null
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        bc = bash_completion.display()
    );
    let out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(script)
        .env("PATH", path)
        .env("KUBECONFIG", kubeconfig)
        // Generous on a loaded CI machine; the bound itself is tested with 1s below.
        .env("KUBECTL_SA_COMPLETION_TIMEOUT", "10s")
        .env("LINE", line)
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "bash: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().filter(|l| !l.is_empty()).map(|l| l.trim().to_string()).collect()
}

#[test]
fn bash_completes_kubectl_sa_with_the_real_kubectl_completion() {
    let c = cluster();
    let (_dir, path) = plugin_path(false);
    let reply = bash_complete(&path, &c.kubeconfig, "kubectl sa ");
    assert_eq!(reply, subcommands());
    assert_eq!(bash_complete(&path, &c.kubeconfig, "kubectl sa who"), ["who-can"]);
    assert_eq!(bash_complete(&path, &c.kubeconfig, "kubectl sa who-can deletec"), ["deletecollection"]);
    assert_eq!(bash_complete(&path, &c.kubeconfig, "kubectl sa who-can get pods -n completion-"), ["completion-ns"]);
    assert_eq!(
        bash_complete(&path, &c.kubeconfig, "kubectl sa -n completion-ns explain completion-sa-"),
        ["completion-sa-1", "completion-sa-2"]
    );
}

#[test]
fn bash_completes_kubectl_sa_binary_with_the_static_script() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(bin(), dir.path().join("kubectl-sa")).unwrap();
    let script = r#"source completions/kubectl-sa.bash
COMP_WORDS=(kubectl-sa "$WORD"); COMP_CWORD=1; COMP_LINE="kubectl-sa $WORD"; COMP_POINT=${#COMP_LINE}
_kubectl__sa kubectl-sa "$WORD" kubectl-sa
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let run = |word: &str| {
        let out = Command::new("bash")
            .args(["--norc", "-c", script])
            .env("WORD", word)
            .env("PATH", format!("{}:/usr/bin:/bin", dir.path().display()))
            .current_dir(repo_root())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect::<Vec<_>>()
    };
    let reply = run("");
    has(&reply, &["who-can", "explain", "matrix", "bindings", "version", "completion"]);
    assert_eq!(run("expl"), ["explain"]);
}
