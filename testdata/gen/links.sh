#!/usr/bin/env bash
# links.sh — link layers and file formats (item 11): IPv6, 802.1Q and QinQ, Linux cooked
# SLL and SLL2, pcapng with two interfaces of different link types, gzip-compressed files.
source "$(dirname "$0")/lib.sh"
setup
net_up 1500

msg ipv6.pcap "TLS 1.3 over IPv6 (fd00::/64), OpenSSL client, GnuTLS server"
gnutls_server 443 leaf
cap_start "$CAP/ipv6.pcap"
ossl_client ipv6 40401 "[$S6]:443" v6.pcapsurgery.test -CAfile "$PKI/ca.pem" -verify_return_error
cap_stop; srv_kill

# This kernel has no 802.1Q support (no vlan link type), so the tags are added afterwards
# to a real Ethernet capture by pcaptool: the TLS bytes are real, the tags synthetic.
msg vlan.pcap "TLS 1.2 handshake, 802.1Q tag 100 inserted by pcaptool"
ossl_server 443 leaf -tls1_2
cap_start "$PCS_TMP/vlan-src.pcap"
gnutls_client vlan 40402 $S4 443 vlan.pcapsurgery.test --x509cafile "$PKI/ca.pem"
cap_stop; srv_wait
"$BIN/pcaptool" vlan -in "$PCS_TMP/vlan-src.pcap" -out "$CAP/vlan.pcap" -vid 100
"$BIN/pcaptool" vlan -in "$PCS_TMP/vlan-src.pcap" -out "$CAP/qinq.pcap" -vid 200 -vid2 100
cp "$KEYS/vlan.keys" "$KEYS/qinq.keys"

msg sll.pcap "Linux cooked v1 (tcpdump -i any -y LINUX_SLL), Go client, OpenSSL server"
ossl_server 443 leaf
cap_start "$CAP/sll.pcap" -i any -y LINUX_SLL
go_client sll 40403 $S4:443 sll.pcapsurgery.test -ca "$PKI/ca.pem" -send hello
cap_stop; srv_wait

msg sll2.pcap "Linux cooked v2 (tcpdump -i any -y LINUX_SLL2), GnuTLS client, Go server"
go_server 443 leaf -max 1.2
cap_start "$CAP/sll2.pcap" -i any -y LINUX_SLL2
gnutls_client sll2 40404 $S4 443 sll2.pcapsurgery.test --x509cafile "$PKI/ca.pem"
cap_stop; srv_wait

msg two-interfaces.pcapng "dumpcap: pcs-c0 (Ethernet) and any (SLL2, only loopback traffic) in one pcapng"
ossl_server 443 leaf -tls1_3
# a Go server on the client namespace's own loopback, for the second interface
ip netns exec $NSC "$BIN/tlsgo" server -addr 127.0.0.1:9443 -cert "$PKI/chain.pem" -key "$PKI/leaf.key" >>"$PCS_TMP/go-server.log" 2>&1 &
lopid=$!; BGPIDS+=($lopid)
wait_port $NSC 9443
rm -f "$CAP/two-interfaces.pcapng"
ip netns exec $NSC dumpcap -q -i pcs-c0 -f tcp -i any -y LINUX_SLL2 -f 'tcp and host 127.0.0.1' \
   -w "$CAP/two-interfaces.pcapng" >"$PCS_TMP/dumpcap.log" 2>&1 &
dpid=$!
sleep 2
ossl_client two-interfaces 40405 $S4:443 eth.pcapsurgery.test -CAfile "$PKI/ca.pem"
CLOG "go two-interfaces loopback"
inc "$BIN/tlsgo" client -addr 127.0.0.1:9443 -bind 127.0.0.1:40406 -sni lo.pcapsurgery.test -ca "$PKI/ca.pem" \
  -keylog "$KEYS/two-interfaces.keys" >>"$PCS_TMP/clients.log" 2>&1 || true
sleep 1.5; kill -INT $dpid; wait $dpid || true
srv_wait; kill $lopid 2>/dev/null || true

msg gzip "tls13-openssl.pcap.gz and tls12-openssl.pcapng.gz"
gzip -9nc "$CAP/tls13-openssl.pcap" > "$CAP/tls13-openssl.pcap.gz"
editcap -F pcapng "$CAP/tls12-openssl.pcap" "$PCS_TMP/tls12-openssl.pcapng"
gzip -9nc "$PCS_TMP/tls12-openssl.pcapng" > "$CAP/tls12-openssl.pcapng.gz"
