#!/usr/bin/env bash
# tunnels.sh — TLS inside tunnels (issue 10 item 11), captured on the tunnel's underlay.
#
# VXLAN is real: a vxlan device in each namespace (VNI 42, UDP 4789) over the veth pair, the TLS
# client and server talking over it (198.51.100.10 -> 198.51.100.20), tcpdump on the veth.
# This kernel has no gre, gretap, erspan, ipip, sit or MPLS routing, and PPPoE and GTP-U need an
# access concentrator or a mobile core: those captures are real captures made by the other
# scripts, every frame wrapped by `pcaptool wrap` (TLS bytes real, tunnel headers synthetic;
# tunnel endpoints 203.0.113.1 and .2).
#
#   sudo PCS_NS=NAME testdata/gen/tunnels.sh        # VXLAN (root) and the wrapped captures
#   testdata/gen/tunnels.sh wrap                    # only the wrapped captures (no root)
source "$(dirname "$0")/lib.sh"
setup

if [[ "${1:-}" != wrap ]]; then
  msg tunnel-vxlan.pcap "TLS 1.3 over VXLAN (VNI 42, UDP 4789), OpenSSL client and server"
  net_up 1500
  O4C=198.51.100.10 O4S=198.51.100.20
  inc ip link add vx0 address 02:00:00:00:01:0a type vxlan id 42 local $C4 remote $S4 dstport 4789 dev pcs-c0
  ins ip link add vx0 address 02:00:00:00:01:14 type vxlan id 42 local $S4 remote $C4 dstport 4789 dev pcs-s0
  inc ip addr add $O4C/24 dev vx0; ins ip addr add $O4S/24 dev vx0
  for ns in $NSC $NSS; do
    ip netns exec $ns sysctl -qw net.ipv6.conf.vx0.disable_ipv6=1 # no MLD reports in the capture
    ip netns exec $ns ethtool -K vx0 tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
    ip -n $ns link set vx0 up
  done
  inc ip neigh replace $O4S lladdr 02:00:00:00:01:14 dev vx0 nud permanent
  ins ip neigh replace $O4C lladdr 02:00:00:00:01:0a dev vx0 nud permanent
  ossl_server 443 leaf -tls1_3
  # the underlay carries only the tunnel: capture its UDP, not TCP
  rm -f "$CAP/tunnel-vxlan.pcap"
  ip netns exec $NSC tcpdump -Z root -U --immediate-mode -s 0 -w "$CAP/tunnel-vxlan.pcap" -i pcs-c0 udp port 4789 \
    >"$PCS_TMP/tcpdump.log" 2>&1 &
  CAPPID=$!
  for i in $(seq 50); do grep -q 'listening on' "$PCS_TMP/tcpdump.log" 2>/dev/null && break; sleep 0.1; done
  sleep 0.2
  C4=$O4C ossl_client tunnel-vxlan 40501 $O4S:443 vxlan.pcapsurgery.test -CAfile "$PKI/ca.pem" -verify_return_error
  cap_stop; srv_wait
  net_down
fi

# wrap KIND SOURCE: testdata/captures/tunnel-KIND.pcap from testdata/captures/SOURCE.pcap
wrap() {
  msg "tunnel-$1.pcap" "$2.pcap in $1"
  "$BIN/pcaptool" wrap -encap "$1" -in "$CAP/$2.pcap" -out "$CAP/tunnel-$1.pcap"
  [[ -f "$KEYS/$2.keys" ]] && cp "$KEYS/$2.keys" "$KEYS/tunnel-$1.keys"
  return 0
}
wrap pppoe tls13-openssl
wrap gtpu tls12-openssl
wrap mpls version-mismatch-openssl
wrap ipip rst-after-client-hello
wrap sit ipv6
wrap gre tls13-gnutls-openssl
wrap gretap hrr-openssl
wrap erspan2 untrusted-ca-tls12-openssl-gnutls
wrap erspan3 expired-tls12-openssl
