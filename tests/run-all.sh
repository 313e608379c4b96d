#!/usr/bin/env bash
# Runs every test, as CI does: formatting and lints, then the whole cargo test suite against a real control plane
# (etcd, kube-apiserver, kube-controller-manager, kubectl) built from the Go modules pinned in tests/cluster/go.
# The control plane is started once on 127.0.0.1 and stopped on exit, whatever happens.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in cargo go openssl python3; do
  command -v "$tool" >/dev/null || { echo "run-all.sh: $tool is required (see README, Testing)" >&2; exit 2; }
done

step() { printf '\n==> %s\n' "$*" >&2; }
t0=$(date +%s)

step "formatting and lints"
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings

step "control-plane binaries (cached after the first build)"
tests/cluster/go/build.sh >/dev/null

step "krew (cached after the first build) and bash-completion"
tests/krew/go/build.sh >/dev/null
# kubectl's bash completion needs bash-completion (tests/completion.rs and tests/live_krew.rs run it).
if [ ! -f /usr/share/bash-completion/bash_completion ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bash-completion) >&2 \
      || echo "run-all.sh: could not install bash-completion; the bash completion tests will fail" >&2
  else
    echo "run-all.sh: install bash-completion (e.g. apt-get install bash-completion) for the bash completion tests" >&2
  fi
fi

# The report page is tested in Debian's headless Chromium (tests/report.rs); a test never downloads a browser.
if [ -z "${KUBECTL_SA_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  step "chromium (for the report page's browser tests)"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >&2 \
      || echo "run-all.sh: could not install chromium; the report browser tests will fail" >&2
  else
    echo "run-all.sh: install chromium (e.g. apt-get install chromium) or set KUBECTL_SA_CHROMIUM" >&2
  fi
fi

step "building the tests"
cargo test --locked --no-run

step "starting the test cluster"
dir=$(tests/cluster/up.sh --owner-pid $$)
trap 'tests/cluster/down.sh "$dir" >/dev/null 2>&1 || true' EXIT

step "cargo test"
status=0
KUBECTL_SA_TEST_CLUSTER="$dir" cargo test --locked -- --nocapture || status=$?
echo "run-all.sh: finished in $(( $(date +%s) - t0 ))s" >&2
exit "$status"
