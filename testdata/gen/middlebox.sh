#!/usr/bin/env bash
# middlebox.sh — the network, not the endpoints, breaks the handshake (issue #17 items 1-3).
# Three namespaces: client — router — server, IPv4 only, every hop a veth pair with offloads
# off (real segment sizes), the router forwarding (so the server's packets reach the
# client with TTL 63 and the router's own with TTL 64):
#   $NSC client  pcs-c0  192.0.2.10/24     default via 192.0.2.1
#   $NSR router  r-c0    192.0.2.1/24      r-s0  198.51.100.1/24
#   $NSS server  pcs-s0  198.51.100.20/24  default via 198.51.100.1
# Captures are taken on the client's interface, and for the black hole also on the server's.
# Run with PCS_NS set (e.g. PCS_NS=middlebox) so the namespaces do not collide.
source "$(dirname "$0")/lib.sh"
S4=198.51.100.20
NSR=${PCS_NS:-pcs}-r
inr() { ip netns exec $NSR "$@"; }
net_down() {
  local ns; for ns in $NSC $NSS $NSR; do ip netns del "$ns" 2>/dev/null || true; done
}

# router_up CLIENT_SIDE_MTU: the three namespaces; the router's client-facing link takes
# the MTU given (the client's end of it stays 1500, so the client still announces MSS 1460).
router_up() {
  local rmtu=${1:-1500}
  net_down
  ip netns add $NSC; ip netns add $NSS; ip netns add $NSR
  ip link add pcs-c0 netns $NSC address 02:00:00:00:00:0a mtu 1500 type veth \
     peer name r-c0 netns $NSR address 02:00:00:00:00:01 mtu "$rmtu"
  ip link add pcs-s0 netns $NSS address 02:00:00:00:00:14 mtu 1500 type veth \
     peer name r-s0 netns $NSR address 02:00:00:00:00:02 mtu 1500
  local ns dev
  for ns in $NSC $NSS $NSR; do
    ip netns exec $ns sysctl -qw net.ipv4.tcp_timestamps=1 net.ipv4.tcp_mtu_probing=0
    ip -n $ns link set lo up
  done
  inr sysctl -qw net.ipv4.ip_forward=1
  ip -n $NSC addr add $C4/24 dev pcs-c0
  ip -n $NSR addr add 192.0.2.1/24 dev r-c0
  ip -n $NSR addr add 198.51.100.1/24 dev r-s0
  ip -n $NSS addr add $S4/24 dev pcs-s0
  for ns_dev in $NSC:pcs-c0 $NSR:r-c0 $NSR:r-s0 $NSS:pcs-s0; do
    ns=${ns_dev%%:*} dev=${ns_dev#*:}
    ip netns exec $ns ethtool -K $dev tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
    ip -n $ns link set $dev up
  done
  ip -n $NSC route add default via 192.0.2.1
  ip -n $NSS route add default via 198.51.100.1
  # static neighbours: no ARP in the captures
  ip -n $NSC neigh replace 192.0.2.1 lladdr 02:00:00:00:00:01 dev pcs-c0 nud permanent
  ip -n $NSR neigh replace $C4 lladdr 02:00:00:00:00:0a dev r-c0 nud permanent
  ip -n $NSR neigh replace $S4 lladdr 02:00:00:00:00:14 dev r-s0 nud permanent
  ip -n $NSS neigh replace 198.51.100.1 lladdr 02:00:00:00:00:02 dev pcs-s0 nud permanent
  sleep 0.3
}

# scap_start FILE / scap_stop: a second capture, on the server's interface
SCAPPID=
scap_start() {
  rm -f "$1"
  ip netns exec $NSS tcpdump -Z root -U --immediate-mode -s 0 -w "$1" -i pcs-s0 tcp >"$PCS_TMP/tcpdump-s.log" 2>&1 &
  SCAPPID=$!
  local i; for i in $(seq 50); do grep -q 'listening on' "$PCS_TMP/tcpdump-s.log" 2>/dev/null && break; sleep 0.1; done
}
scap_stop() { kill -INT "$SCAPPID" 2>/dev/null || true; wait "$SCAPPID" 2>/dev/null || true; SCAPPID=; }

# keys_join NAME PARTS...: one key log per capture, from the clients' own
keys_join() {
  local name=$1 p; shift
  : >"$KEYS/$name.keys"
  for p in "$@"; do [[ -f $KEYS/$p.keys ]] && cat "$KEYS/$p.keys" >>"$KEYS/$name.keys"; rm -f "$KEYS/$p.keys"; done
}

setup

# 1. A router that resets by SNI: iptables REJECT --reject-with tcp-reset answers the
# ClientHello in the server's name (TTL 64, the router's own) and drops it; an allowed SNI
# through the same router completes (the server's packets arrive with TTL 63); then a server
# that resets by itself (SO_LINGER 0 after reading the ClientHello): TTL 63, genuine.
router_up 1500
inr iptables -A FORWARD -p tcp -m string --string blocked.pcapsurgery.test --algo bm -j REJECT --reject-with tcp-reset
msg middlebox-sni-reset.pcap "router resets blocked.pcapsurgery.test, lets allowed.pcapsurgery.test through; a genuine server reset"
go_server 443 leaf -n 2
cap_start "$CAP/middlebox-sni-reset.pcap"
ossl_client middlebox-sni-allowed 40501 $S4:443 allowed.pcapsurgery.test -CAfile "$PKI/ca.pem"
ossl_client middlebox-sni-blocked 40502 $S4:443 blocked.pcapsurgery.test -CAfile "$PKI/ca.pem"
srv_kill
bg ins "$BIN/tlsgo" rst -addr :8443
wait_port $NSS 8443
ossl_client middlebox-sni-genuine 40503 $S4:8443 reset.pcapsurgery.test -CAfile "$PKI/ca.pem"
cap_stop; srv_wait
keys_join middlebox-sni-reset middlebox-sni-allowed middlebox-sni-blocked middlebox-sni-genuine

# 2. A router that drops every client->server TCP segment of 1000 bytes or more: Go's
# default ClientHello (X25519MLKEM768 key share, ~1.5 KB) takes two segments and its first,
# full-size one never gets through; the same Go client offering X25519 only fits in one
# segment and completes, to the same server.
router_up 1500
inr iptables -A FORWARD -i r-c0 -p tcp -m length --length 1000:65535 -j DROP
msg middlebox-split-hello.pcap "router drops client segments >= 1000 bytes: one-segment hello works, two-segment ML-KEM hello dies"
go_server 443 leaf -n 2
cap_start "$CAP/middlebox-split-hello.pcap"
go_client middlebox-split-small 40511 $S4:443 split.pcapsurgery.test -ca "$PKI/ca.pem" -groups X25519
go_client middlebox-split-mlkem 40512 $S4:443 split.pcapsurgery.test -ca "$PKI/ca.pem" -timeout 6s
cap_stop; srv_kill
keys_join middlebox-split-hello middlebox-split-small middlebox-split-mlkem

# 3. A path MTU black hole: the router's client-facing link has MTU 1000 and the router
# drops the ICMP "fragmentation needed" it would send, so the server's full-size DF
# segments (its certificate flight) vanish while its small ones get through; the server
# retransmits them until the client gives up. Captured at both ends.
router_up 1000
inr iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
msg middlebox-blackhole-client.pcap "MTU 1000 hop toward the client, ICMP frag-needed dropped: server flight never arrives"
go_server 443 leaf
scap_start "$CAP/middlebox-blackhole-server.pcap"
cap_start "$CAP/middlebox-blackhole-client.pcap"
go_client middlebox-blackhole-c 40521 $S4:443 mtu.pcapsurgery.test -ca "$PKI/ca.pem" -groups X25519 -timeout 6s
cap_stop; scap_stop; srv_wait
keys_join middlebox-blackhole middlebox-blackhole-c

# Cross-checked with tshark on the captures made here (ip.ttl, ip.id, tcp.analysis.*):
# - middlebox-sni-reset: the router's RST has ip.ttl 64, ip.id 0 against the server's 63; the
#   server's own RST (SO_LINGER 0) ip.ttl 63, ip.id one past its ACK's: close_origin agrees.
# - middlebox-split-hello: tcp.analysis.retransmission on 6 frames, all the 1448-byte first
#   segment; the server's ACK stays at 1 and SACKs the second segment (1449-1515).
# - middlebox-blackhole-server: 9 retransmissions of the 1448-byte segment (1500-byte packets,
#   ip.flags.df 1); -client: tcp.analysis.lost_segment on the 349-byte segment after the hole.
