#!/usr/bin/env bash
# Starts a real, throw-away Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager) on
# 127.0.0.1 for tests. Everything of one run lives in one directory; `down.sh DIR` removes it again.
#
#   up.sh [--dir DIR] [--owner-pid PID]
#
# stdout: DIR as the last line (nothing else goes to stdout). stderr: progress and the start time.
# DIR/env (shell-sourceable `export KEY=value` lines) tells tests where everything is.
#
# Environment:
#   KUBECTL_SA_APISERVER_EXTRA_ARGS  extra kube-apiserver flags, space-separated (no quoting). If they set
#                                    --authorization-config or --authorization-mode, ours is left out.
#   KUBECTL_SA_START_TIMEOUT         seconds to wait for the cluster to be ready (default 120).
#   KUBECTL_SA_KEEP_ON_FAILURE=1     keep DIR (and its logs) when start-up fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "up.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

dir="" owner=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    --owner-pid) owner="${2:?--owner-pid needs a value}"; shift 2 ;;
    --owner-pid=*) owner="${1#*=}"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
if [ -n "$owner" ]; then
  [[ "$owner" =~ ^[0-9]+$ ]] && [ -e "/proc/$owner" ] || die "--owner-pid $owner: no such process"
fi
timeout_s="${KUBECTL_SA_START_TIMEOUT:-120}"

# Only loopback may be contacted; Go and curl skip proxies for 127.0.0.1 anyway, but be explicit.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

t0=$EPOCHREALTIME
bin="$("$here/go/build.sh")" || die "building the control-plane binaries failed"
for c in etcd kube-apiserver kube-controller-manager kubectl; do
  [ -x "$bin/$c" ] || die "missing $bin/$c"
done
t_bin=$EPOCHREALTIME

if [ -z "$dir" ]; then
  dir="$(mktemp -d "${TMPDIR:-/tmp}/kubectl-sa-cluster.XXXXXX")"
else
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || die "--dir $dir is not empty"
  dir="$(cd "$dir" && pwd)"
fi
# The env file is written unquoted, and down.sh matches DIR in process command lines: keep it plain.
[[ "$dir" =~ ^[A-Za-z0-9_./+-]+$ ]] || die "DIR must not contain spaces or shell metacharacters: $dir"
chmod 700 "$dir"
# down.sh only deletes directories carrying this marker, so a wrong argument cannot remove anything else.
echo "kubectl-sa test cluster" >"$dir/.kubectl-sa-cluster"
: >"$dir/pids"

ok=0
on_exit() {
  [ "$ok" = 1 ] && return
  log "start-up failed; log tails from $dir:"
  for f in "$dir"/*.log; do
    [ -f "$f" ] || continue
    echo "----- $(basename "$f") (last 15 lines)" >&2
    tail -n 15 "$f" >&2 || true
  done
  if [ "${KUBECTL_SA_KEEP_ON_FAILURE:-}" = 1 ]; then
    log "keeping $dir (KUBECTL_SA_KEEP_ON_FAILURE=1); remove it with down.sh"
  else
    "$here/down.sh" "$dir" || true
  fi
}
trap on_exit EXIT

# --- credentials -----------------------------------------------------------------------------------------
cd "$dir"
ossl() { # quiet unless it fails
  local o
  o=$(openssl "$@" 2>&1) || { echo "$o" >&2; die "openssl $1 failed"; }
}
ossl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 -keyout ca.key -out ca.crt \
  -subj "/CN=kubectl-sa-test-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
ossl req -new -nodes -newkey rsa:2048 -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver"
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >apiserver.ext
ossl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 365 \
  -extfile apiserver.ext -out apiserver.crt
ossl genrsa -out sa.key 2048
ossl rsa -in sa.key -pubout -out sa.pub

token() { openssl rand -hex 32; }
admin_token=$(token) kcm_token=$(token) limited_token=$(token)
# Static tokens: token,user,uid,"groups". `limited` has no groups beyond system:authenticated and no RBAC rights.
{
  echo "$admin_token,admin,admin-uid,\"system:masters\""
  echo "$kcm_token,system:kube-controller-manager,kcm-uid,\"system:masters\""
  echo "$limited_token,limited,limited-uid"
} >tokens.csv
printf '%s' "$admin_token" >admin.token
printf '%s' "$limited_token" >limited.token
chmod 600 ./*.key ./*.token tokens.csv

# --- ports -------------------------------------------------------------------------------------------------
# Hold all sockets open while choosing so the four ports are distinct; a small race with other processes remains.
read -r etcd_port peer_port api_port kcm_port < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))')
server="https://127.0.0.1:$api_port"

# --- kubeconfigs -------------------------------------------------------------------------------------------
ca_data=$(base64 -w0 ca.crt)
write_kubeconfig() { # FILE then NAME TOKEN pairs; the first pair is the current context
  local f=$1; shift
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "clusters:"
    echo "- name: kubectl-sa-test"
    echo "  cluster:"
    echo "    server: $server"
    echo "    certificate-authority-data: $ca_data"
    echo "users:"
    local a=("$@")
    for ((i = 0; i < ${#a[@]}; i += 2)); do
      printf -- '- name: %s\n  user:\n    token: %s\n' "${a[i]}" "${a[i+1]}"
    done
    echo "contexts:"
    for ((i = 0; i < ${#a[@]}; i += 2)); do
      printf -- '- name: %s\n  context:\n    cluster: kubectl-sa-test\n    user: %s\n    namespace: default\n' \
        "${a[i]}" "${a[i]}"
    done
    echo "current-context: $1"
  } >"$f"
  chmod 600 "$f"
}
write_kubeconfig kubeconfig admin "$admin_token" limited "$limited_token"
write_kubeconfig kcm.kubeconfig kube-controller-manager "$kcm_token"

cat >"$dir/env" <<EOF
export KUBECONFIG=$dir/kubeconfig
export KUBECTL_SA_TEST_CLUSTER=$dir
export APISERVER=$server
export ADMIN_TOKEN_FILE=$dir/admin.token
export LIMITED_TOKEN_FILE=$dir/limited.token
export CA_FILE=$dir/ca.crt
export BIN_DIR=$bin
EOF

# --- processes ---------------------------------------------------------------------------------------------
# Each runs in its own session (so a Ctrl-C aimed at the caller's process group does not half-kill the cluster;
# down.sh or the watchdog stop it), with no inherited stdio (so a caller reading our stdout sees EOF when we exit).
start() { # NAME BINARY ARGS...
  local name=$1; shift
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo "$1 $$" >>"$2/pids"; shift 2; exec "$@"' start "$name" "$dir" "$@" \
    </dev/null >"$dir/$name.log" 2>&1 &
}
pid_of() { awk -v n="$1" '$1 == n { print $2 }' "$dir/pids"; }

start etcd "$bin/etcd" \
  --name default --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "default=http://127.0.0.1:$peer_port" \
  --unsafe-no-fsync --log-level warn

read -r -a extra <<<"${KUBECTL_SA_APISERVER_EXTRA_ARGS:-}"
authz=("--authorization-mode=Node,RBAC")
for a in "${extra[@]}"; do
  case "$a" in --authorization-config|--authorization-config=*|--authorization-mode|--authorization-mode=*) authz=() ;; esac
done

# The API server starts fine before etcd listens (it retries), so no wait is needed here.
# --endpoint-reconciler-type none: 1.37 refuses a loopback advertise address for the `kubernetes` Endpoints
# ("may not be in the loopback range"); nothing here needs that Service to have endpoints.
start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --tls-cert-file "$dir/apiserver.crt" --tls-private-key-file "$dir/apiserver.key" --cert-dir "$dir/apiserver-certs" \
  --client-ca-file "$dir/ca.crt" --token-auth-file "$dir/tokens.csv" \
  "${authz[@]}" \
  --service-account-issuer "$server" \
  --service-account-key-file "$dir/sa.pub" --service-account-signing-key-file "$dir/sa.key" \
  --service-cluster-ip-range 10.0.0.0/24 --allow-privileged=true \
  --endpoint-reconciler-type none \
  "${extra[@]}"

# Only controllers that talk to the API server alone; no node, cloud or network controllers.
controllers=clusterrole-aggregation-controller,serviceaccount-controller,serviceaccount-token-controller
controllers+=,root-ca-certificate-publisher-controller,namespace-controller,garbage-collector-controller
# Workloads become pods (paths: a Deployment runs as the ServiceAccount its template names), and approved CSRs
# are signed with the cluster CA (paths: client certificates).
controllers+=,deployment-controller,replicaset-controller,statefulset-controller,job-controller
controllers+=,replicationcontroller-controller,certificatesigningrequest-signing-controller
start kube-controller-manager "$bin/kube-controller-manager" \
  --kubeconfig "$dir/kcm.kubeconfig" --leader-elect=false \
  --bind-address 127.0.0.1 --secure-port "$kcm_port" --cert-dir "$dir/kcm-certs" \
  --service-account-private-key-file "$dir/sa.key" --root-ca-file "$dir/ca.crt" \
  --cluster-signing-cert-file "$dir/ca.crt" --cluster-signing-key-file "$dir/ca.key" \
  --controllers "$controllers"

# Give the start wrappers a moment to record their pids before anyone reads DIR/pids.
for _ in $(seq 50); do [ "$(wc -l <"$dir/pids")" -ge 3 ] && break; sleep 0.05; done
[ "$(wc -l <"$dir/pids")" -ge 3 ] || die "processes did not start"

if [ -n "$owner" ]; then
  # Watchdog: when the owner exits (or is a zombie, or its pid was reused), tear everything down.
  # It reads the owner's start time so a recycled pid does not keep the cluster alive.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c '
    st() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; set -- $s
           [ "$1" != Z ] && echo "${20}"; }
    echo "watchdog $$" >>"$3/pids"
    if want=$(st "$1"); then
      while [ "$(st "$1" || echo gone)" = "$want" ]; do sleep 0.5; done
    fi
    exec "$2" "$3"' watchdog "$owner" "$here/down.sh" "$dir" </dev/null >/dev/null 2>&1 &
fi

# --- readiness ---------------------------------------------------------------------------------------------
deadline=$(( ${EPOCHREALTIME%.*} + timeout_s ))
k() { "$bin/kubectl" --kubeconfig "$dir/kubeconfig" --request-timeout=5s "$@"; }
wait_for() { # WHAT COMMAND...: retry COMMAND until it succeeds, a process dies or the deadline passes
  local what=$1; shift
  until "$@" >/dev/null 2>&1; do
    for n in etcd kube-apiserver kube-controller-manager; do
      kill -0 "$(pid_of $n)" 2>/dev/null || die "$n exited while waiting for $what (its log follows)"
    done
    [ "${EPOCHREALTIME%.*}" -lt "$deadline" ] || die "timed out after ${timeout_s}s waiting for $what"
    sleep 0.2
  done
}
readyz() { [ "$(k get --raw /readyz)" = ok ]; }
admin_rules() { [ -n "$(k get clusterrole admin -o 'jsonpath={.rules[*].verbs}')" ]; }
wait_for "/readyz" readyz
wait_for "ServiceAccount default/default" k get serviceaccount default -n default
wait_for "aggregated ClusterRole admin" admin_rules

ok=1
t1=$EPOCHREALTIME
awk -v s="$server" -v t0="$t0" -v tb="$t_bin" -v t1="$t1" \
  'BEGIN { printf "up.sh: cluster ready at %s in %.1f s (plus %.1f s for build.sh)\n", s, t1 - tb, tb - t0 }' >&2
echo "$dir"
