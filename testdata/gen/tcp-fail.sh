#!/usr/bin/env bash
# tcp-fail.sh — connections that fail below TLS or before a ServerHello (item 8):
# reset after ClientHello, silent server, SYN never answered, connection refused.
source "$(dirname "$0")/lib.sh"
setup
net_up 1500

msg rst-after-client-hello.pcap "server reads the ClientHello and closes with SO_LINGER 0"
bg ins "$BIN/tlsgo" rst -addr :443
wait_port $NSS 443
cap_start "$CAP/rst-after-client-hello.pcap"
ossl_client rst-after-client-hello 40201 $S4:443 reset.pcapsurgery.test -CAfile "$PKI/ca.pem"
cap_stop; srv_wait

msg silent-server.pcap "server accepts and reads, never answers; the client gives up after 3 s"
bg ins "$BIN/tlsgo" silent -addr :443
wait_port $NSS 443
cap_start "$CAP/silent-server.pcap"
CLOG "gnutls silent-server (timeout 3)"
pin_port 40202
(sleep 5) | inc timeout 3 gnutls-cli --logfile=/dev/null --sni-hostname silent.pcapsurgery.test \
  --x509cafile "$PKI/ca.pem" -p 443 $S4 >>"$PCS_TMP/clients.log" 2>&1 || true
unpin_port
cap_stop; srv_wait

msg syn-unanswered.pcap "an nftables rule in the server namespace drops the SYNs"
ip netns exec $NSS nft -f - <<'NFT'
table inet pcsdrop {
  chain input { type filter hook input priority 0; policy accept; tcp dport 443 drop; }
}
NFT
cap_start "$CAP/syn-unanswered.pcap"
CLOG "go connect syn-unanswered"
inc "$BIN/tlsgo" connect -addr $S4:443 -bind $C4:40203 -timeout 4s >>"$PCS_TMP/clients.log" 2>&1 || true
cap_stop
ip netns exec $NSS nft delete table inet pcsdrop

msg refused.pcap "connect to a closed port on loopback: RST/ACK"
cap_start "$CAP/refused.pcap" -i lo

ossl_client refused 40204 127.0.0.1:443 refused.pcapsurgery.test
cap_stop
rm -f "$KEYS/refused.keys" "$KEYS/rst-after-client-hello.keys"
