# lib.sh — sourced by the generator scripts. Needs root (network namespaces), tcpdump,
# iproute2, ethtool, openssl, go. Everything runs inside two private network namespaces
# joined by a veth pair, so no traffic leaves the machine and nothing else on the host
# ends up in the captures:
#   pcs-c  client  veth pcs-c0  02:00:00:00:00:0a  192.0.2.10/24  fd00::10/64
#   pcs-s  server  veth pcs-s0  02:00:00:00:00:14  192.0.2.20/24  fd00::20/64
set -euo pipefail
GEN=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$GEN/../.." && pwd)
CAP=$ROOT/testdata/captures
KEYS=$CAP/keylog
mkdir -p "$CAP" "$KEYS"
C4=192.0.2.10 S4=192.0.2.20 C6=fd00::10 S6=fd00::20
# PCS_NS names the namespace pair, so that several generators can run side by side.
NSC=${PCS_NS:-pcs}-c NSS=${PCS_NS:-pcs}-s
inc() { ip netns exec $NSC "$@"; }
ins() { ip netns exec $NSS "$@"; }

: "${PCS_TMP:=}"
if [[ -z "$PCS_TMP" ]]; then
  PCS_TMP=$(mktemp -d /tmp/pcs-gen.XXXXXX); export PCS_TMP; PCS_OWN_TMP=1
fi
PKI=$PCS_TMP/pki
BIN=$PCS_TMP/bin

BGPIDS=()
# bg [ins|inc] CMD...: start a background helper, remembered for cleanup. The namespace
# wrappers are expanded here so that $! is the helper itself (ip netns exec execs it).
bg() {
  case $1 in
    ins) shift; ip netns exec $NSS "$@" & ;;
    inc) shift; ip netns exec $NSC "$@" & ;;
    *) "$@" & ;;
  esac
  BGPIDS+=($!); LASTPID=$!
}
cleanup() {
  local p
  for p in "${BGPIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  net_down
  [[ -n "${PCS_OWN_TMP:-}" ]] && rm -rf "$PCS_TMP"
  return 0
}
trap cleanup EXIT INT TERM

# setup: certificates and the Go helper, made once per make-all run
setup() {
  [[ -f $PKI/chain.pem ]] || bash "$GEN/certs.sh" "$PKI" >/dev/null
  if [[ ! -x $BIN/tlsgo ]]; then
    mkdir -p "$BIN"
    (cd "$ROOT" && go build -o "$BIN/tlsgo" ./testdata/gen/tlsgo && go build -o "$BIN/pcaptool" ./testdata/gen/pcaptool)
  fi
}

# net_up [MTU]: two namespaces joined by a veth pair, offloads off so the capture
# shows real MTU-sized segments with correct checksums.
net_up() {
  local mtu=${1:-1500}
  net_down
  ip netns add $NSC; ip netns add $NSS
  ip link add pcs-c0 netns $NSC address 02:00:00:00:00:0a mtu "$mtu" type veth \
     peer name pcs-s0 netns $NSS address 02:00:00:00:00:14 mtu "$mtu"
  local ns dev a4 a6
  for ns in $NSC $NSS; do
    if [[ $ns == "$NSC" ]]; then dev=pcs-c0 a4=$C4 a6=$C6; else dev=pcs-s0 a4=$S4 a6=$S6; fi
    ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
       net.ipv6.conf.default.router_solicitations=0 net.ipv4.tcp_timestamps=1 \
       net.ipv4.tcp_tw_reuse=0
    ip -n $ns link set lo up
    ip -n $ns addr add $a4/24 dev $dev
    ip -n $ns addr add $a6/64 dev $dev nodad
    ethtool -K "$dev" tso off gso off gro off tx off rx off >/dev/null 2>&1 || \
      ip netns exec $ns ethtool -K $dev tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
    ip -n $ns link set $dev up
    ip netns exec $ns ethtool -K lo tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
  done
  # static neighbours: no ARP/ND in the captures, and no wait for resolution
  ip -n $NSC neigh replace $S4 lladdr 02:00:00:00:00:14 dev pcs-c0 nud permanent
  ip -n $NSS neigh replace $C4 lladdr 02:00:00:00:00:0a dev pcs-s0 nud permanent
  ip -n $NSC neigh replace $S6 lladdr 02:00:00:00:00:14 dev pcs-c0 nud permanent
  ip -n $NSS neigh replace $C6 lladdr 02:00:00:00:00:0a dev pcs-s0 nud permanent
  sleep 0.3
}
# advmss NS MSS: the namespace advertises this MSS in its SYNs (and SYN-ACKs), so the
# peer cuts its segments to it; IPv6 needs MTU >= 1280, so small segments come from here.
advmss() {
  local ns=$1 mss=$2 dev=pcs-s0 a4=$S4
  [[ $ns == "$NSC" ]] && dev=pcs-c0 a4=$C4
  ip -n "$ns" route replace 192.0.2.0/24 dev $dev proto kernel scope link src $a4 advmss "$mss"
  ip -n "$ns" -6 route replace fd00::/64 dev $dev proto kernel advmss "$mss"
}
net_down() {
  ip netns del $NSC 2>/dev/null || true
  ip netns del $NSS 2>/dev/null || true
}

# cap_start FILE [tcpdump args...]: capture in the client namespace (default: -i pcs-c0, tcp only)
CAPPID=
cap_start() {
  local f=$1; shift
  local args=("$@"); [[ ${#args[@]} -eq 0 ]] && args=(-i pcs-c0)
  rm -f "$f"
  ip netns exec $NSC tcpdump -Z root -U --immediate-mode -s 0 -w "$f" "${args[@]}" tcp >"$PCS_TMP/tcpdump.log" 2>&1 &
  CAPPID=$!
  local i; for i in $(seq 50); do grep -q 'listening on' "$PCS_TMP/tcpdump.log" 2>/dev/null && break; sleep 0.1; done
  sleep 0.2
}
cap_stop() {
  sleep 1
  kill -INT "$CAPPID" 2>/dev/null || true
  wait "$CAPPID" 2>/dev/null || true
  cat "$PCS_TMP/tcpdump.log" | grep -E 'captured|dropped by kernel' | tr '\n' ' ' >&2; echo >&2
  CAPPID=
}
# wait_port NS PORT: until something listens on TCP PORT in namespace NS
wait_port() {
  local i; for i in $(seq 100); do
    ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0; sleep 0.05; done
  echo "nothing listening on $2 in $1" >&2; return 1
}
# pin_port PORT: the next connect() from the client namespace uses this source port
# (tools like gnutls-cli have no bind option; OpenSSL uses -bind, Go -bind)
pin_port() { inc sysctl -qw net.ipv4.ip_local_port_range="$1 $1"; }
unpin_port() { inc sysctl -qw net.ipv4.ip_local_port_range="32768 60999"; }
msg() { echo "== $*" >&2; }
# srv_wait: wait (at most 5 s) for the last bg helper to exit by itself, then kill it.
srv_wait() {
  local i; for i in $(seq 50); do kill -0 "$LASTPID" 2>/dev/null || break; sleep 0.1; done
  srv_kill
}
srv_kill() { kill "$LASTPID" 2>/dev/null || true; wait "$LASTPID" 2>/dev/null || true; }

# s_server in the server namespace; -naccept 1 makes it exit after one connection
ossl_server() { # PORT [CERTNAME] [extra s_server args...]   CERTNAME: leaf (default), expired, wrong, self
  local port=$1 c=${2:-leaf}; shift; [[ $# -gt 0 ]] && shift
  local chain=(-cert_chain "$PKI/inter.pem"); [[ $c == self ]] && chain=()
  bg ins openssl s_server -quiet -naccept 1 -accept "$port" -cert "$PKI/$c.pem" "${chain[@]}" -key "$PKI/$c.key" -rev "$@" \
     >>"$PCS_TMP/s_server.log" 2>&1
  wait_port $NSS "$port"
}
gnutls_server() { # PORT [CERTNAME] [extra gnutls-serv args...]  (runs until srv_kill)
  local port=$1 c=${2:-leaf}; shift; [[ $# -gt 0 ]] && shift
  local f=$c-chain.pem; [[ $c == leaf ]] && f=chain.pem; [[ $c == self ]] && f=self.pem
  bg ins gnutls-serv -q --echo -p "$port" --x509certfile "$PKI/$f" --x509keyfile "$PKI/$c.key" "$@" \
     >>"$PCS_TMP/gnutls-serv.log" 2>&1
  wait_port $NSS "$port"
}
say() { (printf '%s\n' "$1"; sleep 0.6); }


# Clients. Each sends one line or a small request (s_client treats a line starting with Q, R
# or k as a command, so SMTP's QUIT goes in lower case), logs to $PCS_TMP/clients.log, writes its
# TLS secrets to $KEYS/NAME.keys, and never fails the script (failures are the point).
#   ossl_client NAME CPORT SERVER:PORT SNI [s_client args...]
#   gnutls_client NAME CPORT SERVER PORT SNI [gnutls-cli args...]   (source port pinned by sysctl)
#   go_client NAME CPORT SERVER:PORT SNI [tlsgo client args...]
CLOG() { echo "-- $*" >>"$PCS_TMP/clients.log"; }
ossl_client() {
  local name=$1 cport=$2 srv=$3 sni=$4; shift 4
  local bind=$C4:$cport; [[ $srv == \[* ]] && bind="[$C6]:$cport"; [[ $srv == 127.* ]] && bind=127.0.0.1:$cport
  CLOG "openssl $name"
  local in=hello; [[ -n "${OSSL_STDIN:-}" ]] && in=$OSSL_STDIN
  say "$in" | inc openssl s_client -brief -bind "$bind" -connect "$srv" -servername "$sni" \
    -keylogfile "$KEYS/$name.keys" "$@" >>"$PCS_TMP/clients.log" 2>&1 || true
}
gnutls_client() {
  local name=$1 cport=$2 srv=$3 port=$4 sni=$5; shift 5
  CLOG "gnutls $name"
  pin_port "$cport"
  say hello | SSLKEYLOGFILE="$KEYS/$name.keys" inc gnutls-cli --logfile=/dev/null \
    --sni-hostname "$sni" --verify-hostname "$sni" -p "$port" "$@" "$srv" >>"$PCS_TMP/clients.log" 2>&1 || true
  unpin_port
}
go_client() {
  local name=$1 cport=$2 srv=$3 sni=$4; shift 4
  local bind=$C4:$cport; [[ $srv == \[* ]] && bind="[$C6]:$cport"
  CLOG "go $name"
  inc "$BIN/tlsgo" client -addr "$srv" -bind "$bind" -sni "$sni" -keylog "$KEYS/$name.keys" "$@" \
    >>"$PCS_TMP/clients.log" 2>&1 || true
}
go_server() { # PORT CERTNAME [tlsgo server args...]
  local port=$1 c=$2; shift 2
  local f=$c-chain.pem; [[ $c == leaf ]] && f=chain.pem; [[ $c == self ]] && f=self.pem
  bg ins "$BIN/tlsgo" server -addr ":$port" -cert "$PKI/$f" -key "$PKI/$c.key" "$@" >>"$PCS_TMP/go-server.log" 2>&1
  wait_port $NSS "$port"
}
