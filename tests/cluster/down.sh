#!/usr/bin/env bash
# Stops every process of a test cluster started by up.sh and removes its directory. Idempotent.
#
#   down.sh DIR
set -euo pipefail
dir="${1:?usage: down.sh DIR}"
[ -d "$dir" ] || exit 0
dir="$(cd "$dir" && pwd)"
# Refuse to delete anything up.sh did not create.
[ -f "$dir/.kubectl-sa-cluster" ] || { echo "down.sh: $dir is not a test-cluster directory" >&2; exit 1; }

# A recorded pid is signalled only while its command line still names DIR, so a recycled pid is never hit.
# This process is skipped: the watchdog execs down.sh under its own pid.
ours() {
  local p
  for p in "$@"; do
    [ "$p" = $$ ] && continue
    { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -qF -- "$dir" && echo "$p"
  done
  return 0
}
# Running or not yet reaped (a zombie keeps its /proc entry but loses its command line).
present() {
  local p
  for p in "$@"; do [ -e "/proc/$p" ] && echo "$p"; done
  return 0
}
running() { # the pids that have not exited yet (a zombie has exited and released its ports)
  local p st
  for p in "$@"; do
    st=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    st=${st##*) }
    [ "${st%% *}" = Z ] || echo "$p"
  done
  return 0
}
# TERM, wait up to 5 s for the processes to exit, then KILL and wait up to 5 s more.
stop() {
  local live left
  mapfile -t live < <(ours "$@")
  [ ${#live[@]} -gt 0 ] || return 0
  stopped+=("${live[@]}")
  kill -TERM "${live[@]}" 2>/dev/null || true
  for _ in $(seq 50); do
    mapfile -t left < <(running "${live[@]}")
    [ ${#left[@]} -eq 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "${left[@]}" 2>/dev/null || true
  for _ in $(seq 50); do
    mapfile -t left < <(running "${live[@]}")
    [ ${#left[@]} -eq 0 ] && return 0
    sleep 0.1
  done
  echo "down.sh: warning: still running after KILL: ${left[*]}" >&2
}

pid_of() { [ -f "$dir/pids" ] && awk -v n="$1" '$1 == n { print $2 }' "$dir/pids"; return 0; }
# etcd last: an API server whose etcd vanished hangs in its graceful shutdown until KILL.
mapfile -t first < <(pid_of watchdog; pid_of kube-controller-manager; pid_of kube-apiserver)
mapfile -t last < <(pid_of etcd)
stopped=()
stop "${first[@]}"
stop "${last[@]}"
rm -rf -- "$dir"
# The processes were orphaned when up.sh exited, so init reaps them, which can take a second or two here;
# wait for that (bounded) so that a `pgrep` right after down.sh finds nothing.
for _ in $(seq 30); do
  [ -z "$(present "${stopped[@]}")" ] && break
  sleep 0.1
done
