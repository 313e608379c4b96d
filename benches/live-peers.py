#!/usr/bin/env python3
"""Side-by-side live benchmark: kubectl-sa against its peers on a real test cluster loaded with a large world.

Starts a fresh cluster (tests/cluster/up.sh) with an audit log at level Metadata, loads the world snapshot
(Namespaces, ServiceAccounts, Roles, ClusterRoles, RoleBindings, ClusterRoleBindings) through the API, then
measures, interleaved, N runs of each tool per question: wall time and the API requests it made, counted from
the audit log (user "admin", stage ResponseComplete, received between a start and an end marker request). One
untimed cold run per tool comes first (empty discovery cache); it is reported as cold_s / cold_api_requests.
Prints one JSON document on stdout; progress goes to stderr. The cluster is stopped at the end, also on error
(and by up.sh's watchdog if this process is killed).

  benches/live-peers.py --bin-dir DIR --kubectl-sa target/release/kubectl-sa --world FILE [--rbac-tool PATH]
                        [--runs N] [--runs-fast N] [--sa NS:NAME] [--namespace NS] [--tool-timeout S] [--save-outputs DIR] [--keep]

--bin-dir is the output of benches/peers/build.sh (kubectl-who-can, rakkess, versions.txt). --world is a JSON
list (`kubectl get -o json` form, or a JSON array); other formats are converted with kubectl once the cluster is
up. --sa picks the ServiceAccount for the matrix (default: the one named by the most bindings in the world);
--namespace the namespace of the `create pods` question (default: that ServiceAccount's namespace).
"""
import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
LOAD_ORDER = ["Namespace", "ClusterRole", "ServiceAccount", "Role", "ClusterRoleBinding", "RoleBinding"]
RBAC = "/apis/rbac.authorization.k8s.io/v1"
COLLECTION = {  # kind -> (namespaced, collection path)
    "Namespace": (False, "/api/v1/namespaces"),
    "ServiceAccount": (True, "/api/v1/namespaces/{ns}/serviceaccounts"),
    "Role": (True, RBAC + "/namespaces/{ns}/roles"),
    "RoleBinding": (True, RBAC + "/namespaces/{ns}/rolebindings"),
    "ClusterRole": (False, RBAC + "/clusterroles"),
    "ClusterRoleBinding": (False, RBAC + "/clusterrolebindings"),
}


def log(msg):
    print(f"live-peers: {msg}", file=sys.stderr, flush=True)


class Api:
    """Minimal HTTPS client for the test cluster, authenticated as admin (one connection per thread)."""

    def __init__(self, env):
        self.host, self.port = re.match(r"https://([^:]+):(\d+)", env["APISERVER"]).groups()
        self.token = open(env["ADMIN_TOKEN_FILE"]).read().strip()
        self.ctx = ssl.create_default_context(cafile=env["CA_FILE"])
        self.local = threading.local()

    def request(self, method, path, body=None):
        for attempt in range(3):  # a dropped keep-alive connection is retried on a new one
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPSConnection(self.host, int(self.port), context=self.ctx,
                                                                     timeout=60)
            headers = {"Authorization": "Bearer " + self.token, "User-Agent": "kubectl-sa-live-peers"}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


# --- world -------------------------------------------------------------------------------------------------

def read_world(path, kubectl, env):
    raw = open(path, "rb").read()
    try:
        doc = json.loads(raw)
    except ValueError:
        log(f"{path} is not JSON: converting it with kubectl (client-side)")
        out = subprocess.run([kubectl, "create", "--dry-run=client", "-o", "json", "-f", path], env=env,
                             capture_output=True, check=True, timeout=600).stdout
        doc = json.loads(out)
    items = doc if isinstance(doc, list) else doc.get("items", [doc]) if doc.get("kind", "").endswith("List") \
        else [doc]
    clean, skipped = [], {}
    for o in items:
        kind = o.get("kind")
        if kind not in COLLECTION:
            skipped[kind] = skipped.get(kind, 0) + 1
            continue
        o = dict(o)
        md = dict(o.get("metadata", {}))
        # Server-set fields; ownerReferences too, whose uids would not exist here (the GC would delete the object).
        for k in ("uid", "resourceVersion", "creationTimestamp", "managedFields", "selfLink", "generation",
                  "ownerReferences", "deletionTimestamp", "deletionGracePeriodSeconds"):
            md.pop(k, None)
        o["metadata"] = md
        o.pop("status", None)
        clean.append(o)
    return clean, skipped


def load_world(api, items, threads=4):
    """Creates the objects kind by kind (namespaces first), `threads` connections in parallel. 409 = existed."""
    stats = {"created": 0, "already_existed": 0}
    errors = []
    lock = threading.Lock()
    for kind in LOAD_ORDER:
        batch = [o for o in items if o["kind"] == kind]
        if not batch:
            continue
        namespaced, coll = COLLECTION[kind]
        it = iter(batch)

        def worker():
            while True:
                with lock:
                    o = next(it, None)
                if o is None:
                    return
                path = coll.format(ns=o["metadata"].get("namespace", "")) if namespaced else coll
                status, body = api.request("POST", path, o)
                with lock:
                    if status == 201:
                        stats["created"] += 1
                    elif status == 409:
                        stats["already_existed"] += 1
                    else:
                        errors.append(f"{kind} {o['metadata'].get('namespace', '')}/{o['metadata']['name']}: "
                                      f"HTTP {status} {body[:200]!r}")

        ts = [threading.Thread(target=worker) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if errors:
            raise RuntimeError("loading the world failed:\n" + "\n".join(errors[:10]))
    return stats


def wait_settled(api, timeout_s=120):
    """Waits until the number of ServiceAccounts stops changing (the controller adds `default` to each namespace)."""
    deadline = time.monotonic() + timeout_s
    last, stable = -1, 0
    while time.monotonic() < deadline:
        status, body = api.request("GET", "/api/v1/serviceaccounts")
        n = len(json.loads(body)["items"]) if status == 200 else -1
        stable = stable + 1 if n == last else 0
        if stable >= 2:
            return n
        last = n
        time.sleep(1)
    log("warning: ServiceAccount count still changing; measuring anyway")
    return last


def pick_sa(items):
    """The ServiceAccount named by the most bindings (ties: by name), as (namespace, name)."""
    counts = {}
    for o in items:
        if o["kind"] not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        for s in o.get("subjects") or []:
            if s.get("kind") == "ServiceAccount":
                ns = s.get("namespace") or o["metadata"].get("namespace", "")
                counts[(ns, s["name"])] = counts.get((ns, s["name"]), 0) + 1
    if not counts:
        return ("default", "default")
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


# --- audit log ---------------------------------------------------------------------------------------------

class Audit:
    def __init__(self, path, api):
        self.path, self.api = path, api

    def _size(self):
        try:
            return os.path.getsize(self.path)
        except OSError:
            return 0

    def _marker(self, tag):
        uri = f"/api/v1/namespaces/default/configmaps/kubectl-sa-bench-marker-{tag}"
        self.api.request("GET", uri)  # 404; recorded like any request
        return uri

    def _events_from(self, offset, until_uri, timeout_s=30):
        """Complete events from byte offset on, read until the event of until_uri has been written."""
        deadline = time.monotonic() + timeout_s
        while True:
            with open(self.path, "rb") as f:
                f.seek(offset)
                data = f.read()
            data = data[: data.rfind(b"\n") + 1]  # a last line may still be half written
            if until_uri.encode() in data:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"audit log never recorded {until_uri}")
            time.sleep(0.02)
        time.sleep(0.2)  # events are written as requests finish; let any straggler land
        with open(self.path, "rb") as f:
            f.seek(offset)
            data = f.read()
        data = data[: data.rfind(b"\n") + 1]
        return [json.loads(line) for line in data.splitlines() if line.strip()]

    def measure(self, fn):
        """Runs fn() between two markers; returns (fn's result, admin requests by user agent, their count)."""
        tag = uuid.uuid4().hex[:12]
        offset = self._size()
        start_uri = self._marker(tag + "-start")
        result = fn()
        end_uri = self._marker(tag + "-end")
        events = self._events_from(offset, end_uri)
        start = next(e for e in events if e["requestURI"] == start_uri and e["stage"] == "ResponseComplete")
        end = next(e for e in events if e["requestURI"] == end_uri and e["stage"] == "ResponseComplete")
        # Attribution by time, not file position: the tool ran strictly after the start marker completed and
        # before the end marker was sent, and nothing else of ours used the admin user meanwhile.
        t0, t1 = start["stageTimestamp"], end["requestReceivedTimestamp"]
        agents, kinds, n, other_stages = {}, {}, 0, 0
        for e in events:
            if e["user"].get("username") != "admin" or not (t0 <= e["requestReceivedTimestamp"] < t1):
                continue
            if e["requestURI"] in (start_uri, end_uri):
                continue
            if e["stage"] != "ResponseComplete":
                other_stages += e["stage"] != "ResponseStarted"  # Panic would be worth knowing
                continue
            n += 1
            ua = e.get("userAgent", "")
            agents[ua] = agents.get(ua, 0) + 1
            ref = e.get("objectRef") or {}
            k = f"{e['verb']} {ref['resource']}" if ref.get("resource") else f"{e['verb']} (discovery or other URL)"
            kinds[k] = kinds.get(k, 0) + 1
        return result, (agents, kinds), n, other_stages


# --- tools -------------------------------------------------------------------------------------------------

def run_tool(cmd, env, timeout_s):
    """(seconds, stdout), or (None, None) when it ran out of time (its whole process group is killed)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return None, None
    dt = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({p.returncode}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    return dt, out.decode(errors="replace")


def measure_tools(audit, tools, runs, timeout_s, save=None):
    """tools: name -> (cmd, env, answer-fn). One cold run each, then `runs` interleaved timed runs. A tool that
    runs out of time is marked timed_out and not run again for this question."""
    res = {name: {"command": " ".join(cmd), "runs_s": [], "api_requests_runs": [], "user_agents": {}}
           for name, (cmd, _, _) in tools.items()}
    for rnd in range(runs + 1):
        for name, (cmd, env, answer) in tools.items():
            r = res[name]
            if r.get("timed_out"):
                continue
            (dt, out), (agents, kinds), n, odd = audit.measure(lambda: run_tool(cmd, env, timeout_s))
            if dt is None:
                r["timed_out"], r["timeout_s"], r["requests_before_timeout"] = True, timeout_s, n
                log(f"  {name}: {'cold' if rnd == 0 else f'run {rnd}'} timed out after {timeout_s}s ({n} requests)")
                continue
            if rnd == 0:
                r["cold_s"], r["cold_api_requests"] = round(dt, 4), n
                r["answer"] = answer(out)
                if save:
                    with open(f"{save}.{re.sub(r'[^A-Za-z0-9]+', '-', name)}.out", "w") as f:
                        f.write(out)
            else:
                r["runs_s"].append(round(dt, 4))
                r["api_requests_runs"].append(n)
                r["requests_by_kind"] = dict(sorted(kinds.items(), key=lambda kv: -kv[1]))  # of the last run
            for ua, c in agents.items():  # per agent: the most requests seen in one run, cold included
                r["user_agents"][ua] = max(r["user_agents"].get(ua, 0), c)
            if odd:
                r["unexpected_audit_stages"] = r.get("unexpected_audit_stages", 0) + odd
            log(f"  {name}: {'cold' if rnd == 0 else f'run {rnd}'} {dt:.3f}s, {n} requests")
    for r in res.values():
        if r["runs_s"]:
            r["median_s"] = round(statistics.median(r["runs_s"]), 4)
            reqs = r["api_requests_runs"]
            r["api_requests"] = reqs[0] if len(set(reqs)) == 1 else statistics.median(reqs)
    return res


def sa_key(s):
    return f"{s.get('namespace') or ''}:{s['name']}"


def answer_kubectl_sa_who_can(out):
    d = json.loads(out)
    direct = {sa_key(s) for s in d["subjects"] if s["kind"] == "ServiceAccount"}
    subjects = {(s["kind"], s.get("namespace", ""), s["name"]) for s in d["subjects"]}
    return {"service_accounts": len(d["serviceAccounts"]), "service_account_subjects": len(direct),
            "subjects": len(subjects)}


def answer_who_can_go(out):
    d = json.loads(out) if out.strip() else {}
    subjects, sas = set(), set()
    for kind in ("roleBindings", "clusterRoleBindings"):
        for b in d.get(kind) or []:
            for s in b.get("subjects") or []:
                ns = s.get("namespace") or (b.get("namespace", "") if s["kind"] == "ServiceAccount" else "")
                subjects.add((s["kind"], ns, s["name"]))
                if s["kind"] == "ServiceAccount":
                    sas.add(f"{ns}:{s['name']}")
    return {"service_account_subjects": len(sas), "subjects": len(subjects),
            "role_bindings": len(d.get("roleBindings") or []),
            "cluster_role_bindings": len(d.get("clusterRoleBindings") or [])}


def answer_rbac_tool(verb, resource, namespace):
    """rbac-tool prints every permission of each matching subject; for -n, keep the subjects with a matching
    permission (same test as its own query: verb, resource, core group, each or "*") in that namespace or "*"."""
    def hit(p):
        return (p.get("verb") in (verb, "*") and p.get("resource") in (resource, "*")
                and p.get("apiGroup") in ("core", "*") and p.get("namespace") in (namespace, "*"))

    def f(out):
        d = json.loads(out) if out.strip() else []
        keep = [s for s in d if namespace is None or any(hit(p) for p in s.get("allowedTo") or [])]
        sas = {sa_key(s) for s in keep if s["kind"] == "ServiceAccount"}
        return {"service_account_subjects": len(sas), "subjects": len(keep),
                **({"subjects_any_namespace": len(d)} if namespace else {})}
    return f


def matrix_answers(supported):
    """Answer parsers for the matrix tools: yes cells over namespaced resource x verb the API supports."""
    def summarize(yes):
        yes &= supported
        return {"yes_cells": len(yes), "_yes": sorted(f"{r} {v}" for r, v in yes)}

    def kubectl_sa(out):
        d = json.loads(out)
        yes, some = set(), 0
        for row in d["rows"]:
            if not row.get("namespaced"):
                continue
            res = row["resource"] + ("." + row["group"] if row["group"] else "")
            for v in VERBS:
                c = row["verbs"].get(v)
                if c == "yes":
                    yes.add((res, v))
                elif c == "some":
                    some += 1
        return {**summarize(yes), "some_cells": some}

    def rakkess(out):
        lines = [ln.split() for ln in out.splitlines() if ln.strip()]
        head = [h.lower() for h in lines[0][1:]]
        yes = {(ln[0], head[i]) for ln in lines[1:] for i, c in enumerate(ln[1:]) if c == "yes"}
        return summarize(yes)

    def can_i(out):
        # "RES VERB yes", "RES VERB no", or "RES VERB no - REASON" when the server's evaluation hit errors
        # (e.g. a binding to a missing role); "error" when kubectl printed nothing.
        cells = [(ln.split(None, 2) + ["", ""])[:3] for ln in out.splitlines() if ln.strip()]
        return {**summarize({(r, v) for r, v, a in cells if a == "yes"}), "cells_asked": len(cells),
                "errors": sum(a == "error" for _, _, a in cells),
                "no_with_reason": sum(a.startswith("no -") for _, _, a in cells)}

    return {"kubectl-sa": kubectl_sa, "rakkess": rakkess, "kubectl auth can-i loop": can_i}


def can_i_loop_script(ns, sa):
    verbs = " ".join(VERBS)
    return f"""set -euo pipefail
mapfile -t res < <(kubectl api-resources --namespaced=true -o name)
for r in "${{res[@]}}"; do
  for v in {verbs}; do
    a=$(kubectl auth can-i "$v" "$r" --as system:serviceaccount:{ns}:{sa} -n {ns} 2>/dev/null || true)
    echo "$r $v ${{a:-error}}"
  done
done
"""


def version_of(cmd, env):
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, timeout=60)
        return (p.stdout.decode() + p.stderr.decode()).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return None


# --- main --------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--rbac-tool")
    ap.add_argument("--kubectl-sa", default=os.path.join(REPO, "target/release/kubectl-sa"))
    ap.add_argument("--world", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--runs-fast", type=int, default=9,
                    help="timed runs for the who-can -n question, whose runs take a tenth of a second (default 9)")
    ap.add_argument("--sa", help="NS:NAME for the matrix (default: the most-bound ServiceAccount)")
    ap.add_argument("--namespace", help="namespace of the `create pods` question (default: the --sa namespace)")
    ap.add_argument("--tool-timeout", type=float, default=1800,
                    help="seconds for one tool run (default 1800); kubectl-who-can -A takes ~0.4 s per namespace")
    ap.add_argument("--save-outputs", metavar="DIR", help="keep each tool's output (cold run) in DIR")
    ap.add_argument("--keep", action="store_true", help="leave the cluster running (prints its directory)")
    a = ap.parse_args()
    if not 1 <= a.runs <= 50:
        ap.error("--runs must be 1..50")
    if not 1 <= a.runs_fast <= 50:
        ap.error("--runs-fast must be 1..50")
    tools = {"kubectl-sa": os.path.abspath(a.kubectl_sa),
             "kubectl-who-can": os.path.join(a.bin_dir, "kubectl-who-can"),
             "rakkess": os.path.join(a.bin_dir, "rakkess")}
    if a.rbac_tool:
        tools["rbac-tool"] = os.path.abspath(a.rbac_tool)
    for n, p in tools.items():
        if not os.access(p, os.X_OK):
            ap.error(f"{n}: no executable at {p}")

    work = tempfile.mkdtemp(prefix="kubectl-sa-live-peers.")
    cluster_dir = os.path.join(work, "cluster")
    audit_log = os.path.join(work, "audit.log")
    policy = os.path.join(work, "audit-policy.yaml")
    with open(policy, "w") as f:
        f.write("apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n")
    started = False

    def stop(*_):
        if started and not a.keep:
            subprocess.run(["bash", os.path.join(REPO, "tests/cluster/down.sh"), cluster_dir], timeout=120)
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        env0 = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
        env0["KUBECTL_SA_APISERVER_EXTRA_ARGS"] = f"--audit-policy-file={policy} --audit-log-path={audit_log}"
        log("starting the cluster")
        t = time.perf_counter()
        up = subprocess.run(["bash", os.path.join(REPO, "tests/cluster/up.sh"), "--dir", cluster_dir,
                             "--owner-pid", str(os.getpid())], env=env0, stdout=subprocess.PIPE, timeout=1800)
        started = True
        if up.returncode != 0:
            raise RuntimeError("tests/cluster/up.sh failed")
        up_s = time.perf_counter() - t
        cenv = dict(re.findall(r"^export (\w+)=(.*)$", open(os.path.join(cluster_dir, "env")).read(), re.M))
        kubectl = os.path.join(cenv["BIN_DIR"], "kubectl")
        base_env = {k: v for k, v in env0.items() if k != "KUBECTL_SA_APISERVER_EXTRA_ARGS"}
        base_env.update(KUBECONFIG=cenv["KUBECONFIG"], NO_COLOR="1",
                        PATH=cenv["BIN_DIR"] + os.pathsep + base_env.get("PATH", "/usr/bin:/bin"))

        def tool_env(name):
            # Each tool its own HOME, so discovery caches (~/.kube/cache) are per tool and start empty.
            home = os.path.join(work, "home", re.sub(r"[^A-Za-z0-9]+", "-", name))
            os.makedirs(home, exist_ok=True)
            return {**base_env, "HOME": home}

        def save_prefix(title):
            if not a.save_outputs:
                return None
            os.makedirs(a.save_outputs, exist_ok=True)
            return os.path.join(a.save_outputs, re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-"))

        api = Api(cenv)
        audit = Audit(audit_log, api)

        items, skipped = read_world(a.world, kubectl, base_env)
        counts = {k: sum(o["kind"] == k for o in items) for k in LOAD_ORDER}
        log(f"loading the world: {sum(counts.values())} objects {counts}")
        t = time.perf_counter()
        load_stats = load_world(api, items)
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        sa_total = wait_settled(api)
        settle_s = time.perf_counter() - t
        log(f"loaded in {load_s:.1f}s (+{settle_s:.1f}s until the controllers settled): {load_stats}")

        if a.sa:
            ns, sa = re.split(r"[:/]", a.sa, maxsplit=1)
        else:
            ns, sa = pick_sa(items)
        qns = a.namespace or ns

        # The namespaced resource x verb pairs the API serves, for comparing matrix answers.
        out = subprocess.run([kubectl, "api-resources", "--namespaced=true", "-o", "wide", "--no-headers"],
                             env=tool_env("setup"), capture_output=True, check=True, timeout=120).stdout.decode()
        supported = set()
        for ln in out.splitlines():
            f = ln.split()
            # NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS [CATEGORIES]: NAMESPACED is "true", VERBS 2 later
            if "true" not in f or len(f) < f.index("true") + 3:
                continue
            i = f.index("true")
            group = f[i - 1].split("/")[0] if "/" in f[i - 1] else ""
            res = f[0] + ("." + group if group else "")
            supported |= {(res, v) for v in f[i + 2].split(",") if v in VERBS}

        result = {
            "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "kernel": platform.release()},
            "cluster": {"kubernetes": json.loads(api.request("GET", "/version")[1])["gitVersion"],
                        "start_s": round(up_s, 2)},
            "world": {"file": os.path.abspath(a.world), "objects": counts, "skipped_kinds": skipped,
                      "load_s": round(load_s, 2), "settle_s": round(settle_s, 2),
                      "load_method": "POST per object over 4 keep-alive HTTPS connections (python), kind by kind",
                      **load_stats, "service_accounts_in_cluster": sa_total},
            "versions": {
                "kubectl-sa": version_of([tools["kubectl-sa"], "version"], base_env),
                "kubectl-who-can": versions_txt(a.bin_dir).get("kubectl-who-can"),
                "rakkess": version_of([tools["rakkess"], "version"], base_env),
                "kubectl": version_of([kubectl, "version", "--client"], base_env),
            },
            "runs": a.runs,
            "runs_fast": a.runs_fast,
            "audit": "requests = audit events of user admin, stage ResponseComplete, received between the markers",
            "who_can": {}, "matrix": {},
        }
        if "rbac-tool" in tools:
            result["versions"]["rbac-tool"] = version_of([tools["rbac-tool"], "version"], base_env)

        # A run of the -n question takes a tenth of a second: more runs make its median steadier.
        questions = [
            ("get secrets -A", ["get", "secrets"], ["-A"], None, a.runs),
            (f"create pods -n {qns}", ["create", "pods"], ["-n", qns], qns, a.runs_fast),
        ]
        for title, q, scope, qn, runs in questions:
            log(f"who-can {title}")
            ts = {
                "kubectl-sa": ([tools["kubectl-sa"], "who-can", *q, *scope, "-o", "json"], tool_env("kubectl-sa"),
                               answer_kubectl_sa_who_can),
                "kubectl-who-can": ([tools["kubectl-who-can"], *q, *scope, "-o", "json"],
                                    tool_env("kubectl-who-can"), answer_who_can_go),
            }
            if "rbac-tool" in tools:
                # rbac-tool who-can has no namespace flag: it always answers for the whole cluster.
                ts["rbac-tool"] = ([tools["rbac-tool"], "who-can", *q, "-o", "json"], tool_env("rbac-tool"),
                                   answer_rbac_tool(*q, qn))
            result["who_can"][title] = measure_tools(audit, ts, runs, a.tool_timeout,
                                                     save_prefix("who-can " + title))

        title = f"{ns}:{sa} -n {ns}"
        log(f"matrix {title}")
        ans = matrix_answers(supported)
        loop = os.path.join(work, "can-i-loop.sh")
        with open(loop, "w") as f:
            f.write(can_i_loop_script(ns, sa))
        ts = {
            "kubectl-sa": ([tools["kubectl-sa"], "matrix", f"{ns}:{sa}", "-n", ns, "--verbs", ",".join(VERBS),
                            "-o", "json"], tool_env("kubectl-sa"), ans["kubectl-sa"]),
            "rakkess": ([tools["rakkess"], "--sa", f"{ns}:{sa}", "-n", ns, "--verbs", ",".join(VERBS),
                         "-o", "ascii-table"], tool_env("rakkess"), ans["rakkess"]),
            "kubectl auth can-i loop": (["bash", loop], tool_env("can-i-loop"), ans["kubectl auth can-i loop"]),
        }
        m = measure_tools(audit, ts, a.runs, a.tool_timeout, save_prefix("matrix " + title))
        # Agreement with the API server itself (the can-i loop asks it one cell at a time).
        loop_answer = m["kubectl auth can-i loop"].get("answer")
        truth = set(loop_answer["_yes"]) if loop_answer else None
        for name, r in m.items():
            if "answer" not in r:
                continue
            got = set(r["answer"].pop("_yes"))
            if name != "kubectl auth can-i loop" and truth is not None:
                r["answer"]["differs_from_can_i"] = sorted(got ^ truth)[:20]
        if loop_answer:
            loop_answer["cells_supported"] = len(supported)
        result["matrix"][title] = m
        if a.keep:
            result["cluster"]["dir"] = cluster_dir
            result["cluster"]["audit_log"] = audit_log
        print(json.dumps(result, indent=2))
    finally:
        stop()


def versions_txt(bin_dir):
    try:
        return dict(ln.split(None, 1) for ln in open(os.path.join(bin_dir, "versions.txt")).read().splitlines()
                    if ln.strip())
    except OSError:
        return {}


def cpu_model():
    try:
        for ln in open("/proc/cpuinfo"):
            if ln.startswith("model name"):
                return ln.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, subprocess.SubprocessError) as e:
        print(f"live-peers: error: {e}", file=sys.stderr)
        sys.exit(1)
