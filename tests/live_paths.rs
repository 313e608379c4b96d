//! `paths` on the real cluster: each ServiceAccount gets exactly one technique's precondition, kubectl-sa reads the
//! cluster and reports the path, and the reported command is then run as written, with that ServiceAccount's own
//! token; a SelfSubjectAccessReview (`kubectl auth can-i` with the gained credentials) confirms cluster-admin.
//! Look-alikes report no path, and the write they would need is refused by the API server.

mod support;

use std::collections::BTreeMap;
use std::process::Output;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::cluster::{TestCluster, shared};

fn cluster() -> &'static TestCluster {
    shared()
}

/// The two tests on the shared cluster take turns: both write cluster-scoped objects named `kubectl-sa-path`, and
/// one's cluster-admin victim would otherwise be a stepping stone in the other's paths.
static SHARED_CLUSTER: Mutex<()> = Mutex::new(());

/// A test's namespace and the cluster-scoped roles and bindings named after it (`<ns>-...`), removed when the test
/// ends, panics included, so that no later test finds a path through them.
struct Leftovers<'a> {
    c: &'a TestCluster,
    ns: String,
}

impl Drop for Leftovers<'_> {
    fn drop(&mut self) {
        let prefix = format!("{}-", self.ns);
        let listed = self.c.kubectl().args(["get", "clusterrolebinding,clusterrole", "-o", "name"]).output();
        let names: Vec<String> = listed
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
            .unwrap_or_default()
            .lines()
            .filter(|l| l.split_once('/').is_some_and(|(_, name)| name.starts_with(&prefix)))
            .map(str::to_string)
            .collect();
        if !names.is_empty() {
            let _ = self.c.kubectl().arg("delete").args(&names).arg("--ignore-not-found").output();
        }
        let _ = self.c.kubectl().args(["delete", "namespace", &self.ns, "--ignore-not-found", "--wait=false"]).output();
    }
}

/// Waits (bounded) until `check` holds.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "{what} did not happen in 60 s");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// A reported command run by sh exactly as printed, every `kubectl` in it with `--token` of the acting identity.
fn run_as(c: &TestCluster, token: &str, command: &str) -> Output {
    let script = command.replace("kubectl ", "\"$KUBECTL\" --token=\"$TOKEN\" ");
    std::process::Command::new("sh")
        .args(["-c", &script])
        .env("KUBECTL", c.kubectl_path())
        .env("TOKEN", token)
        .env("KUBECONFIG", &c.kubeconfig)
        .output()
        .expect("run sh")
}

/// Whether these credentials may do everything (a SelfSubjectAccessReview made with them).
fn can_do_everything(c: &TestCluster, extra: &[&str]) -> bool {
    let out = c.kubectl().args(["auth", "can-i", "*", "*"]).args(extra).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "yes"
}

fn token_of(c: &TestCluster, ns: &str, sa: &str) -> String {
    c.kubectl_ok(&["create", "token", sa, "-n", ns, "--duration=10m"], None).trim().to_string()
}

#[test]
fn every_reported_step_works_when_run_with_the_service_accounts_own_token() {
    let c = cluster();
    let _turn = SHARED_CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let ns = format!("paths-{}", std::process::id());
    c.kubectl_ok(&["delete", "clusterrolebinding", "kubectl-sa-path", "--ignore-not-found"], None);
    c.kubectl_ok(&["create", "namespace", &ns], None);
    let _leftovers = Leftovers { c, ns: ns.clone() };
    for sa in ["victim", "tok", "imp", "reader", "binder", "escalator", "escalator-put", "bind-only", "escalate-only"] {
        c.kubectl_ok(&["create", "serviceaccount", sa, "-n", &ns], None);
    }
    let crb = |name: &str, role: &str, sa: &str| {
        c.kubectl_ok(
            &[
                "create",
                "clusterrolebinding",
                name,
                &format!("--clusterrole={role}"),
                &format!("--serviceaccount={ns}:{sa}"),
            ],
            None,
        );
    };
    let role = |name: &str, args: &[&str]| {
        let mut full = vec!["create", "role", name, "-n", ns.as_str()];
        full.extend_from_slice(args);
        c.kubectl_ok(&full, None);
        c.kubectl_ok(
            &[
                "create",
                "rolebinding",
                name,
                "-n",
                &ns,
                &format!("--role={name}"),
                &format!("--serviceaccount={ns}:{name}"),
            ],
            None,
        );
    };
    let cluster_role = |name: &str, args: &[&str]| {
        let full_name = format!("{ns}-{name}");
        let mut full = vec!["create", "clusterrole", full_name.as_str()];
        full.extend_from_slice(args);
        c.kubectl_ok(&full, None);
        crb(&full_name, &full_name, name);
    };
    crb(&format!("{ns}-victim"), "cluster-admin", "victim");
    role("tok", &["--verb=create", "--resource=serviceaccounts/token", "--resource-name=victim"]);
    role("imp", &["--verb=impersonate", "--resource=serviceaccounts", "--resource-name=victim"]);
    role("reader", &["--verb=get", "--resource=secrets", "--resource-name=victim-token"]);
    cluster_role("binder", &["--verb=bind", "--resource=clusterroles", "--resource-name=cluster-admin"]);
    c.kubectl_ok(
        &["create", "clusterrole", &format!("{ns}-binder-write"), "--verb=create", "--resource=clusterrolebindings"],
        None,
    );
    crb(&format!("{ns}-binder-write"), &format!("{ns}-binder-write"), "binder");
    let escalator_role = format!("{ns}-escalator");
    cluster_role(
        "escalator",
        &["--verb=escalate,patch,get", "--resource=clusterroles", &format!("--resource-name={escalator_role}")],
    );
    // kubectl patch reads the role first; with update only, the step is `kubectl replace --raw`.
    let put_role = format!("{ns}-escalator-put");
    cluster_role(
        "escalator-put",
        &["--verb=escalate,update", "--resource=clusterroles", &format!("--resource-name={put_role}")],
    );
    // Look-alikes: bind without a binding write; escalate without a role write.
    cluster_role("bind-only", &["--verb=bind", "--resource=clusterroles", "--resource-name=cluster-admin"]);
    let escalate_only_role = format!("{ns}-escalate-only");
    cluster_role(
        "escalate-only",
        &["--verb=escalate", "--resource=clusterroles", &format!("--resource-name={escalate_only_role}")],
    );
    // A legacy token Secret of the victim, filled by the token controller.
    let secret = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"kubernetes.io/service-account-token\",\"metadata\":{{\"name\":\"victim-token\",\"namespace\":\"{ns}\",\"annotations\":{{\"kubernetes.io/service-account.name\":\"victim\"}}}}}}"
    );
    c.kubectl_ok(&["create", "-f", "-"], Some(&secret));
    eventually("the token controller filling victim-token", || {
        !c.kubectl_ok(&["get", "secret", "victim-token", "-n", &ns, "-o", "jsonpath={.data.token}"], None).is_empty()
    });

    let out = c.kubectl_sa().args(["paths", "-A", "--to", "cluster-admin", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours: BTreeMap<String, &Value> = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["from"]["namespace"] == ns.as_str())
        .map(|p| (p["from"]["name"].as_str().unwrap().to_string(), p))
        .collect();
    let technique = |sa: &str| ours.get(sa).map(|p| p["steps"][0]["technique"].as_str().unwrap_or("").to_string());
    assert_eq!(ours.get("victim").map(|p| p["length"].as_u64()), Some(Some(0)));
    assert_eq!(technique("tok").as_deref(), Some("P-TOKEN-REQUEST"));
    assert_eq!(technique("imp").as_deref(), Some("P-IMP-SA"));
    assert_eq!(technique("reader").as_deref(), Some("P-SECRET-READ"));
    assert_eq!(technique("binder").as_deref(), Some("P-RBAC-BIND"));
    assert_eq!(technique("escalator").as_deref(), Some("P-RBAC-ESCALATE"));
    assert_eq!(technique("escalator-put").as_deref(), Some("P-RBAC-ESCALATE"));
    assert!(!ours.contains_key("bind-only") && !ours.contains_key("escalate-only"), "look-alikes: {ours:?}");

    let command = |sa: &str| ours[sa]["steps"][0]["command"].as_str().unwrap().to_string();
    // P-TOKEN-REQUEST: the command prints a token of the victim.
    let out = run_as(c, &token_of(c, &ns, "tok"), &command("tok"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let gained = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(can_do_everything(c, &["--token", &gained]), "the requested token holds cluster-admin");
    // P-IMP-SA: whoami under --as names the victim; can-i under the same --as says yes.
    let imp = token_of(c, &ns, "imp");
    let out = run_as(c, &imp, &command("imp"));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("system:serviceaccount:{ns}:victim")), "{out:?}");
    assert!(can_do_everything(c, &["--token", &imp, "--as", &format!("system:serviceaccount:{ns}:victim")]));
    assert!(!can_do_everything(c, &["--token", &imp]), "without impersonation it holds nothing");
    // P-SECRET-READ: the command prints the legacy token.
    let out = run_as(c, &token_of(c, &ns, "reader"), &command("reader"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let gained = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(can_do_everything(c, &["--token", &gained]), "the Secret's token holds cluster-admin");
    // P-RBAC-BIND and P-RBAC-ESCALATE: after the write, the ServiceAccount itself holds cluster-admin.
    for sa in ["binder", "escalator", "escalator-put"] {
        let token = token_of(c, &ns, sa);
        assert!(!can_do_everything(c, &["--token", &token]), "{sa} before");
        let out = run_as(c, &token, &command(sa));
        assert!(out.status.success(), "{sa}: {}", String::from_utf8_lossy(&out.stderr));
        eventually(&format!("{sa} holding cluster-admin"), || can_do_everything(c, &["--token", &token]));
    }
    // The look-alikes' writes are refused by the API server's escalation checks.
    let out = run_as(
        c,
        &token_of(c, &ns, "bind-only"),
        &format!(
            "kubectl create clusterrolebinding {ns}-nope --clusterrole=cluster-admin --serviceaccount={ns}:bind-only"
        ),
    );
    assert!(!out.status.success());
    let out = run_as(
        c,
        &token_of(c, &ns, "escalate-only"),
        &format!(
            "kubectl patch clusterrole {escalate_only_role} --type=json -p '[{{\"op\":\"add\",\"path\":\"/rules/-\",\"value\":{{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}}}}]'"
        ),
    );
    assert!(!out.status.success());

    c.kubectl_ok(&["delete", "clusterrolebinding", "kubectl-sa-path", "--ignore-not-found"], None);
}

/// The credentials a path's executor holds at a step.
enum Credential {
    Token(String),
    /// A kubeconfig with a client certificate (from an approved CSR).
    Certificate(std::path::PathBuf),
}

/// The test webhook server's URL and CA bundle, for a step that installs a mutating webhook (its command reads them
/// from WEBHOOK_URL and WEBHOOK_CA_BUNDLE).
static WEBHOOK: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();

/// Runs `command` by sh as printed, every `kubectl` in it with the credential, in `dir`.
fn run_with(c: &TestCluster, credential: &Credential, dir: &std::path::Path, command: &str) -> Output {
    let (kubeconfig, token) = match credential {
        Credential::Token(t) => (c.kubeconfig.clone(), t.as_str()),
        Credential::Certificate(k) => (k.clone(), ""),
    };
    let with = if token.is_empty() { "\"$KUBECTL\" " } else { "\"$KUBECTL\" --token=\"$TOKEN\" " };
    let script = command.replace("kubectl ", with);
    let (webhook_url, webhook_ca) = WEBHOOK.get().cloned().unwrap_or_default();
    std::process::Command::new("sh")
        .args(["-c", &script])
        .current_dir(dir)
        .env("WEBHOOK_URL", webhook_url)
        .env("WEBHOOK_CA_BUNDLE", webhook_ca)
        .env("KUBECTL", c.kubectl_path())
        .env("TOKEN", token)
        .env("KUBECONFIG", kubeconfig)
        .output()
        .expect("run sh")
}

/// A kubeconfig for the client certificate k.crt / k.key in `dir`.
fn certificate_kubeconfig(c: &TestCluster, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("cert.kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {}\n    certificate-authority: {}\n\
         users:\n- name: u\n  user:\n    client-certificate: {}\n    client-key: {}\ncontexts:\n- name: c\n  context:\n    \
         cluster: c\n    user: u\ncurrent-context: c\n",
        c.server,
        c.dir.join("ca.crt").display(),
        dir.join("k.crt").display(),
        dir.join("k.key").display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Executes a reported path step by step, starting with the ServiceAccount's own token, and returns whether the
/// credentials at the end (with the last impersonation, if any) may make the target request (`kubectl auth can-i`
/// arguments). Pods have no kubelet here:
/// for a step that creates a pod or a workload, the stand-in for the kubelet is a token the admin requests bound to
/// the pod that the API server admitted with the gained ServiceAccount.
fn execute(c: &TestCluster, path: &Value, target: &[&str]) -> Result<bool, String> {
    let from = &path["from"];
    let (ns, name) = (from["namespace"].as_str().unwrap(), from["name"].as_str().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut credential = Credential::Token(token_of(c, ns, name));
    let mut impersonation: Vec<String> = Vec::new();
    for step in path["steps"].as_array().unwrap() {
        let technique = step["technique"].as_str().unwrap();
        let command = step["command"].as_str().unwrap();
        let to = &step["to"];
        let (to_ns, to_name) = (to["namespace"].as_str().unwrap_or(""), to["name"].as_str().unwrap());
        if technique.starts_with("P-CIMP-") {
            // The command is a template: the next step's command carries the --as.
            let username = match to["kind"].as_str().unwrap() {
                "ServiceAccount" => format!("system:serviceaccount:{to_ns}:{to_name}"),
                "Node" => format!("system:node:{to_name}"),
                _ => to_name.to_string(),
            };
            impersonation = vec!["--as".into(), username];
            if technique == "P-CIMP-ASSOCIATED-NODE" {
                // The requester's credential is the token mounted in its pod on that node: pod-bound, naming the
                // node. The stand-in kubelet requests it.
                let out = c.kubectl_ok(&["get", "pods", "-n", ns, "-o", "json"], None);
                let pods: Value = serde_json::from_str(&out).unwrap();
                let pod = pods["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["spec"]["serviceAccountName"] == name && p["spec"]["nodeName"] == to_name)
                    .and_then(|p| p["metadata"]["name"].as_str())
                    .ok_or_else(|| format!("no pod of {ns}/{name} on {to_name}"))?
                    .to_string();
                let token = c.kubectl_ok(
                    &[
                        "create",
                        "token",
                        name,
                        "-n",
                        ns,
                        "--bound-object-kind=Pod",
                        &format!("--bound-object-name={pod}"),
                    ],
                    None,
                );
                credential = Credential::Token(token.trim().to_string());
            }
            continue;
        }
        let out = run_with(c, &credential, dir.path(), command);
        if !out.status.success() {
            return Err(format!("{technique}: `{command}` failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
        impersonation.clear();
        match technique {
            "P-TOKEN-REQUEST" | "P-SECRET-READ" | "P-SECRET-CREATE" | "P-NODE-SA-TOKEN" => {
                credential = Credential::Token(stdout)
            }
            "P-IMP-SA" => impersonation = vec!["--as".into(), format!("system:serviceaccount:{to_ns}:{to_name}")],
            "P-IMP-USER" => impersonation = vec!["--as".into(), to_name.into()],
            "P-IMP-GROUP" => {
                impersonation =
                    vec!["--as".into(), to["user"].as_str().unwrap().into(), "--as-group".into(), to_name.into()]
            }
            "P-CSR-CLIENT" | "P-CSR-KUBELET" => {
                credential = Credential::Certificate(certificate_kubeconfig(c, dir.path()))
            }
            "P-POD-CREATE" | "P-WORKLOAD-CREATE" => {
                let mut pod = String::new();
                eventually(&format!("a pod of {to_ns}/{to_name} admitted"), || {
                    let out = c.kubectl_ok(&["get", "pods", "-n", to_ns, "-o", "json"], None);
                    let v: Value = serde_json::from_str(&out).unwrap();
                    pod = v["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|p| {
                            p["spec"]["serviceAccountName"] == to_name
                                && p["metadata"]["name"].as_str().unwrap().starts_with("kubectl-sa-path")
                        })
                        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
                        .unwrap_or_default();
                    !pod.is_empty()
                });
                let token = c.kubectl_ok(
                    &[
                        "create",
                        "token",
                        to_name,
                        "-n",
                        to_ns,
                        "--bound-object-kind=Pod",
                        &format!("--bound-object-name={pod}"),
                    ],
                    None,
                );
                credential = Credential::Token(token.trim().to_string());
            }
            "P-MAP-MUTATE" | "P-WEBHOOK-MUTATE" => {
                // Someone else's pod of that ServiceAccount is created (a controller recreating it): admission adds
                // the container, which runs with the pod's token; the stand-in kubelet requests that token.
                let mut pod = String::new();
                eventually(&format!("a pod of {to_ns}/{to_name} admitted with the added container"), || {
                    static RECREATED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
                    let n = RECREATED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    pod = format!("kubectl-sa-path-recreated-{}-{n}", std::process::id());
                    let manifest = format!(
                        "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"{pod}\",\"namespace\":\"{to_ns}\"}},\
                         \"spec\":{{\"serviceAccountName\":\"{to_name}\",\"containers\":[{{\"name\":\"app\",\"image\":\"busybox\"}}]}}}}"
                    );
                    let created = c.kubectl_ok(&["create", "-f", "-", "-o", "json"], Some(&manifest));
                    let v: Value = serde_json::from_str(&created).unwrap();
                    v["spec"]["containers"].as_array().unwrap().iter().any(|k| k["name"] == "kubectl-sa-path")
                });
                let token = c.kubectl_ok(
                    &[
                        "create",
                        "token",
                        to_name,
                        "-n",
                        to_ns,
                        "--bound-object-kind=Pod",
                        &format!("--bound-object-name={pod}"),
                    ],
                    None,
                );
                credential = Credential::Token(token.trim().to_string());
            }
            "P-RBAC-BIND" | "P-RBAC-ESCALATE" => {}
            other => return Err(format!("{other} is not executable on this cluster")),
        }
    }
    let mut args: Vec<String> = ["auth", "can-i"].iter().chain(target).map(|a| a.to_string()).collect();
    args.extend(impersonation);
    let out = run_with(
        c,
        &credential,
        dir.path(),
        &format!("kubectl {}", args.iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(" ")),
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim() == "yes")
}

#[test]
fn pods_workloads_token_secrets_certificates_and_impersonation_run_as_reported() {
    let c = cluster();
    let ns = format!("paths2-{}", std::process::id());
    let node = format!("node-{}", std::process::id());
    let _turn = SHARED_CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    c.kubectl_ok(&["delete", "csr", "kubectl-sa-path", "--ignore-not-found"], None);
    c.kubectl_ok(&["create", "namespace", &ns], None);
    let _leftovers = Leftovers { c, ns: ns.clone() };
    for sa in [
        "victim",
        "podder",
        "deployer",
        "secretmaker",
        "csr",
        "kubeletcsr",
        "cimp",
        "cimp-no-on",
        "mapper",
        "map-policy-only",
        "impuser",
        "impgroup",
        "cimpuser",
        "cimpnode",
        "agent",
        "hooker",
    ] {
        c.kubectl_ok(&["create", "serviceaccount", sa, "-n", &ns], None);
    }
    let apply = |manifest: String| c.kubectl_ok(&["apply", "-f", "-"], Some(&manifest));
    let bind = |kind: &str, name: &str, sa: &str, rules: &str| {
        let (meta, binding) = if kind == "Role" {
            (format!("{{\"name\":\"{name}\",\"namespace\":\"{ns}\"}}"), "RoleBinding")
        } else {
            (format!("{{\"name\":\"{ns}-{name}\"}}"), "ClusterRoleBinding")
        };
        let role_name = if kind == "Role" { name.to_string() } else { format!("{ns}-{name}") };
        apply(format!(
            "{{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"List\",\"items\":[\
             {{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"{kind}\",\"metadata\":{meta},\"rules\":{rules}}},\
             {{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"{binding}\",\"metadata\":{meta},\
             \"roleRef\":{{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"{kind}\",\"name\":\"{role_name}\"}},\
             \"subjects\":[{{\"kind\":\"ServiceAccount\",\"namespace\":\"{ns}\",\"name\":\"{sa}\"}}]}}]}}"
        ));
    };
    c.kubectl_ok(
        &[
            "create",
            "clusterrolebinding",
            &format!("{ns}-victim"),
            "--clusterrole=cluster-admin",
            &format!("--serviceaccount={ns}:victim"),
        ],
        None,
    );
    bind("Role", "podder", "podder", r#"[{"apiGroups":[""],"resources":["pods"],"verbs":["create"]}]"#);
    bind("Role", "deployer", "deployer", r#"[{"apiGroups":["apps"],"resources":["deployments"],"verbs":["create"]}]"#);
    bind(
        "Role",
        "secretmaker",
        "secretmaker",
        r#"[{"apiGroups":[""],"resources":["secrets"],"verbs":["create"]},{"apiGroups":[""],"resources":["secrets"],"verbs":["get"],"resourceNames":["kubectl-sa-path"]}]"#,
    );
    let csr_rules = |signer: &str| {
        format!(
            r#"[{{"apiGroups":["certificates.k8s.io"],"resources":["certificatesigningrequests"],"verbs":["create","get"]}},{{"apiGroups":["certificates.k8s.io"],"resources":["certificatesigningrequests/approval"],"verbs":["update"]}},{{"apiGroups":["certificates.k8s.io"],"resources":["signers"],"verbs":["approve"],"resourceNames":["{signer}"]}}]"#
        )
    };
    bind("ClusterRole", "csr", "csr", &csr_rules("kubernetes.io/kube-apiserver-client"));
    bind("ClusterRole", "kubeletcsr", "kubeletcsr", &csr_rules("kubernetes.io/kube-apiserver-client-kubelet"));
    let root = format!("root-{}", std::process::id());
    c.kubectl_ok(
        &[
            "create",
            "clusterrolebinding",
            &format!("{ns}-root"),
            "--clusterrole=cluster-admin",
            &format!("--user={root}"),
        ],
        None,
    );
    bind(
        "ClusterRole",
        "impuser",
        "impuser",
        &format!(r#"[{{"apiGroups":[""],"resources":["users"],"verbs":["impersonate"],"resourceNames":["{root}"]}}]"#),
    );
    bind(
        "ClusterRole",
        "impgroup",
        "impgroup",
        r#"[{"apiGroups":[""],"resources":["users"],"verbs":["impersonate"],"resourceNames":["someone"]},{"apiGroups":[""],"resources":["groups"],"verbs":["impersonate"],"resourceNames":["system:masters"]}]"#,
    );
    let webhook = support::webhook::WebhookServer::start();
    WEBHOOK.get_or_init(|| (webhook.url.clone(), webhook.ca_base64()));
    bind(
        "ClusterRole",
        "hooker",
        "hooker",
        r#"[{"apiGroups":["admissionregistration.k8s.io"],"resources":["mutatingwebhookconfigurations"],"verbs":["create"]}]"#,
    );
    // Constrained impersonation of a user and of nodes, allowed only the token request the next step makes.
    bind(
        "ClusterRole",
        "cimpuser",
        "cimpuser",
        &format!(
            r#"[{{"apiGroups":["authentication.k8s.io"],"resources":["users"],"verbs":["impersonate:user-info"],"resourceNames":["{root}"]}},{{"apiGroups":[""],"resources":["serviceaccounts/token"],"verbs":["impersonate-on:user-info:create"],"resourceNames":["victim"]}}]"#
        ),
    );
    bind(
        "ClusterRole",
        "cimpnode",
        "cimpnode",
        &format!(
            r#"[{{"apiGroups":["authentication.k8s.io"],"resources":["nodes"],"verbs":["impersonate:arbitrary-node"],"resourceNames":["{node}"]}},{{"apiGroups":[""],"resources":["serviceaccounts/token"],"verbs":["impersonate-on:arbitrary-node:create"],"resourceNames":["victim"]}}]"#
        ),
    );
    bind(
        "ClusterRole",
        "agent",
        "agent",
        r#"[{"apiGroups":["authentication.k8s.io"],"resources":["nodes"],"verbs":["impersonate:associated-node"]},{"apiGroups":[""],"resources":["serviceaccounts/token"],"verbs":["impersonate-on:associated-node:create"],"resourceNames":["victim"]}]"#,
    );
    bind(
        "ClusterRole",
        "mapper",
        "mapper",
        r#"[{"apiGroups":["admissionregistration.k8s.io"],"resources":["mutatingadmissionpolicies","mutatingadmissionpolicybindings"],"verbs":["create"]}]"#,
    );
    bind(
        "ClusterRole",
        "map-policy-only",
        "map-policy-only",
        r#"[{"apiGroups":["admissionregistration.k8s.io"],"resources":["mutatingadmissionpolicies"],"verbs":["create"]}]"#,
    );
    bind(
        "Role",
        "cimp",
        "cimp",
        r#"[{"apiGroups":["authentication.k8s.io"],"resources":["serviceaccounts"],"verbs":["impersonate:serviceaccount"],"resourceNames":["victim"]},{"apiGroups":[""],"resources":["secrets"],"verbs":["impersonate-on:serviceaccount:get"],"resourceNames":["victim-token"]}]"#,
    );
    bind(
        "Role",
        "cimp-no-on",
        "cimp-no-on",
        r#"[{"apiGroups":["authentication.k8s.io"],"resources":["serviceaccounts"],"verbs":["impersonate:serviceaccount"],"resourceNames":["victim"]}]"#,
    );
    // A legacy token Secret of the victim, and a pod of the victim bound to a node (no kubelet runs it).
    apply(format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"kubernetes.io/service-account-token\",\"metadata\":{{\"name\":\"victim-token\",\"namespace\":\"{ns}\",\"annotations\":{{\"kubernetes.io/service-account.name\":\"victim\"}}}}}}"
    ));
    apply(format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"victim-pod\",\"namespace\":\"{ns}\"}},\"spec\":{{\"serviceAccountName\":\"victim\",\"nodeName\":\"{node}\",\"containers\":[{{\"name\":\"c\",\"image\":\"busybox\"}}]}}}}"
    ));
    apply(format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"agent-pod\",\"namespace\":\"{ns}\"}},\"spec\":{{\"serviceAccountName\":\"agent\",\"nodeName\":\"{node}\",\"containers\":[{{\"name\":\"c\",\"image\":\"busybox\"}}]}}}}"
    ));
    eventually("the token controller filling victim-token", || {
        !c.kubectl_ok(&["get", "secret", "victim-token", "-n", &ns, "-o", "jsonpath={.data.token}"], None).is_empty()
    });

    let out = c.kubectl_sa().args(["paths", "-n", &ns, "--to", "cluster-admin", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours: BTreeMap<String, &Value> =
        v["paths"].as_array().unwrap().iter().map(|p| (p["from"]["name"].as_str().unwrap().to_string(), p)).collect();
    let techniques = |sa: &str| -> Vec<String> {
        ours.get(sa)
            .map(|p| {
                p["steps"].as_array().unwrap().iter().map(|s| s["technique"].as_str().unwrap().to_string()).collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(techniques("podder"), ["P-POD-CREATE"]);
    assert_eq!(techniques("deployer"), ["P-WORKLOAD-CREATE"]);
    assert_eq!(techniques("secretmaker"), ["P-SECRET-CREATE"]);
    assert_eq!(techniques("csr").first().map(String::as_str), Some("P-CSR-CLIENT"));
    assert_eq!(techniques("kubeletcsr").first().map(String::as_str), Some("P-CSR-KUBELET"));
    assert_eq!(techniques("cimp"), ["P-CIMP-SA", "P-SECRET-READ"]);
    assert_eq!(techniques("mapper"), ["P-MAP-MUTATE"]);
    assert_eq!(techniques("hooker"), ["P-WEBHOOK-MUTATE"]);
    assert_eq!(techniques("impuser"), ["P-IMP-USER"]);
    assert_eq!(techniques("impgroup"), ["P-IMP-GROUP"]);
    assert_eq!(techniques("cimpuser"), ["P-CIMP-USER-INFO", "P-TOKEN-REQUEST"]);
    assert_eq!(techniques("cimpnode"), ["P-CIMP-ARBITRARY-NODE", "P-NODE-SA-TOKEN"]);
    assert_eq!(techniques("agent"), ["P-CIMP-ASSOCIATED-NODE", "P-NODE-SA-TOKEN"]);
    assert!(!ours.contains_key("cimp-no-on"), "impersonation without impersonate-on gains nothing: {ours:?}");
    assert!(!ours.contains_key("map-policy-only"), "a policy without its binding changes nothing: {ours:?}");

    let delete_policy = || {
        c.kubectl_ok(
            &[
                "delete",
                "mutatingadmissionpolicybinding,mutatingadmissionpolicy,mutatingwebhookconfiguration",
                "kubectl-sa-path",
                "--ignore-not-found",
            ],
            None,
        )
    };
    delete_policy();
    for sa in [
        "podder",
        "deployer",
        "secretmaker",
        "csr",
        "kubeletcsr",
        "cimp",
        "mapper",
        "impuser",
        "impgroup",
        "cimpuser",
        "cimpnode",
        "agent",
        "hooker",
    ] {
        assert!(!can_do_everything(c, &["--token", &token_of(c, &ns, sa)]), "{sa} before");
        c.kubectl_ok(&["delete", "csr", "kubectl-sa-path", "--ignore-not-found"], None);
        delete_policy();
        match execute(c, ours[sa], &["*", "*"]) {
            Ok(true) => {}
            Ok(false) => panic!("{sa}: the gained credentials do not hold cluster-admin: {}", ours[sa]),
            Err(e) => panic!("{sa}: {e}"),
        }
    }
    // The look-alike's request under impersonation is refused by the API server.
    let out = run_as(
        c,
        &token_of(c, &ns, "cimp-no-on"),
        &format!("kubectl --as=system:serviceaccount:{ns}:victim get secret victim-token -n {ns}"),
    );
    assert!(!out.status.success(), "impersonation without impersonate-on is refused");

    // The look-alike cannot write the binding that would make a policy apply: the API server refuses it.
    let out = run_as(
        c,
        &token_of(c, &ns, "map-policy-only"),
        "echo '{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"MutatingAdmissionPolicyBinding\",\"metadata\":{\"name\":\"nope\"},\"spec\":{\"policyName\":\"nope\"}}' | kubectl create -f -",
    );
    assert!(!out.status.success(), "the binding write is refused");

    delete_policy();
    c.kubectl_ok(&["delete", "csr", "kubectl-sa-path", "--ignore-not-found"], None);
}

/// Techniques the executor can run here (no kubelet, no cloud, no webhook server).
const EXECUTABLE: &[&str] = &[
    "P-TOKEN-REQUEST",
    "P-SECRET-READ",
    "P-SECRET-CREATE",
    "P-IMP-SA",
    "P-IMP-USER",
    "P-IMP-GROUP",
    "P-CIMP-SA",
    "P-POD-CREATE",
    "P-WORKLOAD-CREATE",
    "P-RBAC-BIND",
    "P-RBAC-ESCALATE",
    "P-CSR-CLIENT",
    "P-CSR-KUBELET",
    "P-NODE-SA-TOKEN",
    "P-MAP-MUTATE",
];

/// Removes what a path's steps create, so that the next path can create it again.
fn clean_step_objects(c: &TestCluster) {
    let _ = c
        .kubectl()
        .args([
            "delete",
            "clusterrolebinding,csr,mutatingadmissionpolicybinding,mutatingadmissionpolicy",
            "kubectl-sa-path",
        ])
        .args(["--ignore-not-found", "--wait=false"])
        .output();
    let _ = c
        .kubectl()
        .args(["delete", "rolebinding,secret,pod,deployment,replicaset,statefulset,job,replicationcontroller", "-A"])
        .args(["--field-selector=metadata.name=kubectl-sa-path", "--ignore-not-found", "--wait=false"])
        .output();
}

#[test]
fn paths_reported_on_generated_worlds_run_step_by_step() {
    // A cluster of its own: executing paths rewrites the worlds' roles and bindings.
    let owned = support::cluster::OwnedCluster::start("");
    let c = &owned.cluster;
    let mut executed = 0;
    // The benchmark worlds' generator at 1/200 of the 1x size (10 namespaces, 100 ServiceAccounts): its rules are
    // realistic enough to hold paths, unlike the differential worlds' random ones.
    for seed in [5, 6] {
        let w = support::world::World::generate_sized(seed, &support::world::Size::scaled(0.005));
        let ns = w.service_accounts[0].0.clone();
        c.kubectl_ok(&["apply", "-f", "-"], Some(&w.manifest()));
        let target = format!("get secrets -n {ns}");
        let out = c.kubectl_sa().args(["paths", "-A", "--to", &target, "-o", "json"]).output().unwrap();
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let world_sas: std::collections::BTreeSet<(String, String)> = w.service_accounts.iter().cloned().collect();
        // One path per distinct technique sequence, among the world's ServiceAccounts' paths that run here.
        let mut sample: BTreeMap<Vec<String>, &Value> = BTreeMap::new();
        for p in v["paths"].as_array().unwrap() {
            let from =
                (p["from"]["namespace"].as_str().unwrap().to_string(), p["from"]["name"].as_str().unwrap().to_string());
            let techniques: Vec<String> =
                p["steps"].as_array().unwrap().iter().map(|s| s["technique"].as_str().unwrap().to_string()).collect();
            if world_sas.contains(&from)
                && !techniques.is_empty()
                && techniques.iter().all(|t| EXECUTABLE.contains(&t.as_str()))
            {
                sample.entry(techniques).or_insert(p);
            }
        }
        for (techniques, path) in sample.iter().take(6) {
            clean_step_objects(c);
            let from =
                format!("{}/{}", path["from"]["namespace"].as_str().unwrap(), path["from"]["name"].as_str().unwrap());
            match execute(c, path, &["get", "secrets", "-n", &ns]) {
                Ok(true) => {
                    eprintln!("seed {seed}: {from} -> {target}: {techniques:?} executed");
                    executed += 1
                }
                Ok(false) => {
                    panic!("seed {seed}: {from} {techniques:?}: the gained credentials cannot {target}: {path}")
                }
                Err(e) => panic!("seed {seed}: {from} {techniques:?}: {e}"),
            }
        }
    }
    assert!(executed >= 3, "the worlds gave {executed} executable paths: too few to sample");
}
