#!/usr/bin/env bash
# Builds the peer RBAC tools that benches/live-peers.py compares kubectl-sa with, from their Go modules at the
# versions pinned below, into a cache directory outside the work tree keyed by the pins (and this script), and
# prints that bin directory as the last line of stdout. A later run with the same pins reuses the binaries.
#
#   benches/peers/build.sh
#
# bin/versions.txt lists "NAME VERSION" for what was built. rbac-tool (github.com/alcideio/rbac-tool) is not
# built: the Go module proxy refuses it at every version (403), so it is skipped with a message.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# NAME MODULE@VERSION MAIN-PACKAGE VERSION-LDFLAGS ("-" for none)
pins=(
  "kubectl-who-can github.com/aquasecurity/kubectl-who-can@v0.4.0 github.com/aquasecurity/kubectl-who-can/cmd/kubectl-who-can -"
  "rakkess github.com/corneliusweig/rakkess@v0.5.1 github.com/corneliusweig/rakkess -X=github.com/corneliusweig/rakkess/internal/version.version=v0.5.1"
)
key=$( { printf '%s\n' "${pins[@]}"; cat "$here/build.sh"; } | sha256sum | cut -c1-12)
cache="${KUBECTL_SA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-sa}/peers-$key"
bin="$cache/bin"
mkdir -p "$bin"
cd "$cache" # outside any Go module, so no go.mod/go.sum of the caller is read or touched
trap 'rm -rf "$cache"/.build.*' EXIT

for p in "${pins[@]}"; do
  read -r name modver pkg xflags <<<"$p"
  [ -x "$bin/$name" ] && continue
  ver=${modver#*@}
  echo "peers: building $name $ver ($pkg)" >&2
  start=$(date +%s)
  ld="-s -w"
  [ "$xflags" = - ] || ld="$ld $xflags"
  # Not `go install pkg@version`: it also reads the module's version list for deprecations, which the proxy
  # refuses (403) for these modules. Instead: download the module, build a writable copy with its own go.mod/go.sum.
  dir=$(GOFLAGS='' go mod download -json "$modver" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  work=$(mktemp -d "$cache/.build.XXXXXX")
  cp -r "$dir" "$work/src"
  chmod -R u+w "$work/src"
  (cd "$work/src" && GOFLAGS='' CGO_ENABLED=0 go build -trimpath -ldflags="$ld" -o "$work/$name" "$pkg")
  mv "$work/$name" "$bin/$name"
  echo "peers: built $name in $(( $(date +%s) - start ))s" >&2
done

for p in "${pins[@]}"; do
  read -r name modver _ _ <<<"$p"
  echo "$name ${modver#*@}"
done >"$bin/versions.txt"

# rbac-tool: ask the proxy once (cheap, answers at once) so the message reflects what it says today.
if out=$(GOFLAGS='' go list -m -json github.com/alcideio/rbac-tool@v1.20.0 2>&1); then
  echo "peers: note: github.com/alcideio/rbac-tool@v1.20.0 is available on the proxy now, but is not pinned here" >&2
else
  echo "peers: skipping rbac-tool: the Go module proxy refuses github.com/alcideio/rbac-tool ($(echo "$out" | grep -o '[0-9][0-9][0-9] [A-Za-z ]*' | head -1 || echo 'error'))" >&2
fi
echo "$bin"
