#!/usr/bin/env bash
# Developer script: writes the resource catalogue of a running test cluster (see up.sh) as JSON, one object per
# top-level resource of every served group (preferred version only), subresources folded into their parent,
# sorted by (group, resource). Used to refresh src/catalogue/builtin.json:
#
#   dump-catalogue.sh DIR OUT.json
set -euo pipefail
dir="${1:?usage: dump-catalogue.sh DIR OUT.json}"
out="${2:?usage: dump-catalogue.sh DIR OUT.json}"
# shellcheck source=/dev/null
. "$dir/env"
KUBECTL="$BIN_DIR/kubectl" python3 - "$dir/kubeconfig" "$out" <<'EOF'
import json, os, subprocess, sys

kubeconfig, out = sys.argv[1], sys.argv[2]

def raw(path):
    # The admin context of the run's kubeconfig; plain (non-aggregated) discovery documents.
    return json.loads(subprocess.run(
        [os.environ["KUBECTL"], "--kubeconfig", kubeconfig, "--context", "admin", "get", "--raw", path],
        check=True, capture_output=True, text=True).stdout)

lists = [("", "v1", raw("/api/v1"))]
for g in raw("/apis")["groups"]:
    v = g["preferredVersion"]["version"]
    lists.append((g["name"], v, raw(f"/apis/{g['name']}/{v}")))

entries = {}
for group, version, rl in lists:
    top = [r for r in rl["resources"] if "/" not in r["name"]]
    for r in top:
        entries[(group, r["name"])] = {
            "group": group,
            "version": version,
            "resource": r["name"],
            "kind": r["kind"],
            "singular": r.get("singularName") or r["kind"].lower(),
            "namespaced": r["namespaced"],
            "shortNames": r.get("shortNames", []),
            "verbs": sorted(r.get("verbs", [])),
            "subresources": [],
        }
    for r in rl["resources"]:
        if "/" in r["name"]:
            parent, sub = r["name"].split("/", 1)
            entries[(group, parent)]["subresources"].append(sub)

result = [entries[k] for k in sorted(entries)]
for e in result:
    e["subresources"].sort()
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(f"dump-catalogue.sh: {len(result)} resources from {len(lists)} group versions -> {out}", file=sys.stderr)
EOF
