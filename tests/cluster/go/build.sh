#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager and kubectl at the versions pinned in go.mod
# into a cache directory outside the work tree, keyed by go.mod + go.sum, and prints that bin directory.
# A later run with the same pins reuses the binaries.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
key=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" | sha256sum | cut -c1-16)
cache="${KUBECTL_SA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-sa}/cluster-$key"
bin="$cache/bin"
cmds=(etcd kube-apiserver kube-controller-manager kubectl)
have_all=1
for c in "${cmds[@]}"; do [ -x "$bin/$c" ] || have_all=0; done
if [ "$have_all" = 0 ]; then
  mkdir -p "$bin"
  cd "$here"
  export CGO_ENABLED=0 GOFLAGS=-mod=mod
  start=$(date +%s)
  echo "building control-plane binaries into $bin (cold build: many minutes)" >&2
  # Stamp the Kubernetes version so kubectl and the API server report it (as release builds do).
  kv=$(sed -n 's/^\tk8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' go.mod)
  vpkg=k8s.io/component-base/version
  kflags="-s -X $vpkg.gitVersion=$kv -X $vpkg.gitMajor=$(echo "$kv" | cut -d. -f1 | tr -d v) -X $vpkg.gitMinor=$(echo "$kv" | cut -d. -f2) -X $vpkg.gitTreeState=clean"
  go build -trimpath -ldflags=-s -o "$bin/etcd.tmp" go.etcd.io/etcd/server/v3 && mv "$bin/etcd.tmp" "$bin/etcd"
  for c in kube-apiserver kube-controller-manager kubectl; do
    go build -trimpath -ldflags="$kflags" -o "$bin/$c.tmp" "k8s.io/kubernetes/cmd/$c" && mv "$bin/$c.tmp" "$bin/$c"
  done
  echo "built in $(( $(date +%s) - start ))s" >&2
fi
echo "$bin"
