#!/usr/bin/env bash
# Builds krew (as kubectl-krew, the kubectl plugin) and validate-krew-manifest at the version pinned in go.mod
# into a cache directory outside the work tree, keyed by go.mod + go.sum + this script, and prints that bin
# directory. A later run with the same pins reuses the binaries.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
key=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" | sha256sum | cut -c1-16)
cache="${KUBECTL_SA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-sa}/krew-$key"
bin="$cache/bin"
if [ ! -x "$bin/kubectl-krew" ] || [ ! -x "$bin/validate-krew-manifest" ]; then
  mkdir -p "$bin"
  cd "$here"
  export CGO_ENABLED=0 GOFLAGS=-mod=mod
  start=$(date +%s)
  echo "building krew into $bin" >&2
  kv=$(sed -n 's/^require sigs.k8s.io\/krew \(v[0-9.]*\)$/\1/p' go.mod)
  # Stamp the version as krew's release builds do (`kubectl krew version`).
  vflags="-s -X sigs.k8s.io/krew/internal/version.gitTag=$kv"
  go build -trimpath -ldflags="$vflags" -o "$bin/kubectl-krew.tmp" sigs.k8s.io/krew/cmd/krew
  go build -trimpath -ldflags="$vflags" -o "$bin/validate-krew-manifest.tmp" sigs.k8s.io/krew/cmd/validate-krew-manifest
  mv "$bin/kubectl-krew.tmp" "$bin/kubectl-krew"
  mv "$bin/validate-krew-manifest.tmp" "$bin/validate-krew-manifest"
  echo "built krew $kv in $(( $(date +%s) - start ))s" >&2
fi
echo "$bin"
