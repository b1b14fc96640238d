#!/usr/bin/env bash
# contrast.sh — testdata/captures/contrast.pcap: one server, clients of several stacks, where
# comparing a failing flow with a working one is the answer (issue #14, `pcapsurgery diff`).
# The server is the Go helper at 192.0.2.20:443: TLS 1.2 only, two ECDHE-RSA AES-GCM suites,
# and it refuses a ClientHello without SNI (unrecognized_name). A firewall rule in the server
# namespace drops every packet over 1000 bytes from one client port: a path that loses large
# segments (an MTU black hole), so only the client whose ClientHello needs a full-size segment
# fails there.
#   41001 OpenSSL, default (TLS 1.2-1.3)          OK 1.2
#   41002 GnuTLS, default                         OK 1.2
#   41003 Go, default (X25519MLKEM768 offered)    OK 1.2 (its 1.5 KB hello in two segments)
#   41004 OpenSSL TLS 1.2, AES256-SHA only        no common suite: handshake_failure
#   41005 GnuTLS TLS 1.3 only                     no common version: protocol_version
#   41006 OpenSSL TLS 1.3 only                    no common version: protocol_version
#   41007 OpenSSL, no SNI                         unrecognized_name
#   41008 OpenSSL, default again                  OK 1.2
#   41009 Go, default, on the lossy port          NO SH: the two-segment hello's full segment is lost
source "$(dirname "$0")/lib.sh"
setup
net_up 1500
ip netns exec $NSS nft -f - <<'NFT'
table inet pcscontrast {
  chain input { type filter hook input priority 0; policy accept; tcp sport 41009 meta length > 1000 drop; }
}
NFT
bg ins "$BIN/tlsgo" server -addr $S4:443 -n 0 -cert "$PKI/chain.pem" -key "$PKI/leaf.key" -max 1.2 -requiresni \
  -suites TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 >>"$PCS_TMP/go-server.log" 2>&1
wait_port $NSS 443

N=contrast S=$S4:443 H=contrast.pcapsurgery.test
msg contrast.pcap "one server, several client stacks"
cap_start "$CAP/contrast.pcap"
ossl_client $N 41001 $S $H -CAfile "$PKI/ca.pem"
gnutls_client $N 41002 $S4 443 $H --x509cafile "$PKI/ca.pem"
go_client $N 41003 $S $H -ca "$PKI/ca.pem"
ossl_client $N 41004 $S $H -CAfile "$PKI/ca.pem" -tls1_2 -cipher AES256-SHA
gnutls_client $N 41005 $S4 443 $H --x509cafile "$PKI/ca.pem" --priority NORMAL:-VERS-ALL:+VERS-TLS1.3
ossl_client $N 41006 $S $H -CAfile "$PKI/ca.pem" -tls1_3
CLOG "openssl $N no SNI"
say hello | inc openssl s_client -brief -bind $C4:41007 -connect $S -noservername -CAfile "$PKI/ca.pem" \
  -keylogfile "$KEYS/$N.keys" >>"$PCS_TMP/clients.log" 2>&1 || true
ossl_client $N 41008 $S $H -CAfile "$PKI/ca.pem"
go_client $N 41009 $S $H -ca "$PKI/ca.pem" -timeout 4s
cap_stop
ls -l "$CAP/contrast.pcap" >&2
