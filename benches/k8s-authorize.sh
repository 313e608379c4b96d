#!/usr/bin/env bash
# Runs Kubernetes' own BenchmarkAuthorize (k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac, pinned in
# benches/go/k8s-authorize/go.mod) COUNT times and prints one JSON document on stdout:
#   {"go", "kubernetes", "cpu", "gomaxprocs", "count",
#    "cases": {"allow list pods": {"go_name", "ns_per_op": [...], "median_ns", "bytes_per_op", "allocs_per_op",
#                                  "decision"}, ...},
#    "setup": {"cluster_roles", "cluster_role_bindings"}}
# "decision" is what the authorizer actually answers for that request (decide/main.go): the benchmark never
# checks it, and all three are "no-opinion" (RBAC denies) since the system:node binding has no subjects.
#
#   benches/k8s-authorize.sh [COUNT]      (default 5; the first run compiles the module: minutes, then cached)
# Environment: BENCHTIME (go test -benchtime, default 1s).
set -euo pipefail
count="${1:-5}"
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [COUNT]" >&2; exit 2; }
mod="$(cd "$(dirname "${BASH_SOURCE[0]}")/go/k8s-authorize" && pwd)"
cd "$mod"
unset GOFLAGS # go.sum is complete: a missing entry should fail, not be fetched silently

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "k8s-authorize: go test -bench BenchmarkAuthorize -count $count (compiling first if not cached)" >&2
go test -run '^$' -bench BenchmarkAuthorize -benchmem -benchtime "${BENCHTIME:-1s}" -count "$count" \
  k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac >"$tmp/bench.txt" 2>&1 ||
  { cat "$tmp/bench.txt" >&2; exit 1; }
go run ./decide >"$tmp/decide.json" 2>"$tmp/decide.err" || { cat "$tmp/decide.err" >&2; exit 1; }

python3 - "$tmp/bench.txt" "$tmp/decide.json" "$(go version)" "$count" <<'EOF'
import json, re, statistics, sys
bench_path, decide_path, go_version, count = sys.argv[1:5]
text = open(bench_path).read()
decide = json.load(open(decide_path))
mod = open("go.mod").read()
kv = re.search(r"^\s*k8s\.io/kubernetes (v\S+)", mod, re.M).group(1)
# Go names sub-benchmarks with spaces turned into underscores; map back to the names in rbac_test.go.
names = {n.replace(" ", "_"): n for n in decide["decisions"]}
cases, procs = {}, None
line_re = re.compile(r"^BenchmarkAuthorize/(\S+?)(?:-(\d+))?\s+(\d+)\s+([\d.]+) ns/op\s+(\d+) B/op\s+(\d+) allocs/op")
for line in text.splitlines():
    m = line_re.match(line)
    if not m:
        continue
    go_name, p, _n, ns, b, allocs = m.groups()
    procs = int(p) if p else 1
    name = names.get(go_name, go_name)
    c = cases.setdefault(name, {"go_name": "BenchmarkAuthorize/" + go_name, "ns_per_op": [], "bytes_per_op": [],
                                "allocs_per_op": []})
    c["ns_per_op"].append(float(ns))
    c["bytes_per_op"].append(int(b))
    c["allocs_per_op"].append(int(allocs))
if len(cases) != 3 or any(len(c["ns_per_op"]) != int(count) for c in cases.values()):
    sys.exit("k8s-authorize: unexpected go test output:\n" + text)
for name, c in cases.items():
    c["median_ns"] = statistics.median(c["ns_per_op"])
    # allocation counts do not vary between runs; keep one number (the max, to be safe)
    c["bytes_per_op"] = max(c["bytes_per_op"])
    c["allocs_per_op"] = max(c["allocs_per_op"])
    c["decision"] = decide["decisions"].get(name, {}).get("decision")
cpu = re.search(r"^cpu: (.*)$", text, re.M)
print(json.dumps({
    "go": go_version.split()[2] if len(go_version.split()) > 2 else go_version,
    "kubernetes": kv,
    "cpu": cpu.group(1) if cpu else None,
    "gomaxprocs": procs,
    "count": int(count),
    "cases": cases,
    "setup": {k: decide[k] for k in ("cluster_roles", "cluster_role_bindings")},
}, indent=2))
EOF
