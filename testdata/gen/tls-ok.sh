#!/usr/bin/env bash
# tls-ok.sh — successful handshakes (items 1 and 2): TLS 1.3 and 1.2 with OpenSSL, GnuTLS, Go.
source "$(dirname "$0")/lib.sh"
setup

net_up 1500

msg tls13-openssl.pcap
ossl_server 443
cap_start "$CAP/tls13-openssl.pcap"
say hello | inc openssl s_client -brief -bind $C4:40001 -connect $S4:443 -servername ok13.pcapsurgery.test \
  -tls1_3 -CAfile "$PKI/ca.pem" -verify_return_error -keylogfile "$KEYS/tls13-openssl.keys" >/dev/null 2>&1
cap_stop; srv_wait

msg tls13-gnutls-openssl.pcap
ossl_server 443
cap_start "$CAP/tls13-gnutls-openssl.pcap"
pin_port 40002
say hello | SSLKEYLOG_FILE= SSLKEYLOGFILE="$KEYS/tls13-gnutls-openssl.keys" inc gnutls-cli --logfile=/dev/null \
  --x509cafile "$PKI/ca.pem" --sni-hostname gnutls13.pcapsurgery.test --verify-hostname gnutls13.pcapsurgery.test \
  --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3' -p 443 $S4 >/dev/null 2>&1
unpin_port
cap_stop; srv_wait

msg tls13-go-h2-2seg.pcap  "(Go ClientHello with X25519MLKEM768 over MTU 1500: two segments)"
bg ins "$BIN/tlsgo" server -addr $S4:443 -cert "$PKI/chain.pem" -key "$PKI/leaf.key" -alpn h2,http/1.1
wait_port $NSS 443
cap_start "$CAP/tls13-go-h2-2seg.pcap"
inc "$BIN/tlsgo" client -addr $S4:443 -bind $C4:40003 -sni h2.pcapsurgery.test -ca "$PKI/ca.pem" -alpn h2,http/1.1 \
  -keylog "$KEYS/tls13-go-h2-2seg.keys"
cap_stop; srv_wait

msg tls12-openssl.pcap
ossl_server 443 leaf -tls1_2
cap_start "$CAP/tls12-openssl.pcap"
say hello | inc openssl s_client -brief -bind $C4:40004 -connect $S4:443 -servername ok12.pcapsurgery.test \
  -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -CAfile "$PKI/ca.pem" -verify_return_error \
  -keylogfile "$KEYS/tls12-openssl.keys" >/dev/null 2>&1
cap_stop; srv_wait

msg tls12-gnutls.pcap
gnutls_server 443
cap_start "$CAP/tls12-gnutls.pcap"
pin_port 40005
say hello | SSLKEYLOGFILE="$KEYS/tls12-gnutls.keys" inc gnutls-cli --logfile=/dev/null \
  --x509cafile "$PKI/ca.pem" --sni-hostname gnutls12.pcapsurgery.test --verify-hostname gnutls12.pcapsurgery.test \
  --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' -p 443 $S4 >/dev/null 2>&1
unpin_port
cap_stop
srv_kill

msg tls13-go-gnutls.pcap
gnutls_server 8443
cap_start "$CAP/tls13-go-gnutls.pcap"
inc "$BIN/tlsgo" client -addr $S4:8443 -bind $C4:40006 -sni go-gnutls.pcapsurgery.test -ca "$PKI/ca.pem" \
  -alpn http/1.1 -send 'hello from go' -timeout 2s -keylog "$KEYS/tls13-go-gnutls.keys" || true
cap_stop
srv_kill

# three segments: the server advertises MSS 600 (588 payload bytes with TCP timestamps)
advmss $NSS 600
msg tls13-go-h2-3seg.pcap
bg ins "$BIN/tlsgo" server -addr $S4:443 -cert "$PKI/chain.pem" -key "$PKI/leaf.key" -alpn h2,http/1.1
wait_port $NSS 443
cap_start "$CAP/tls13-go-h2-3seg.pcap"
inc "$BIN/tlsgo" client -addr $S4:443 -bind $C4:40007 -sni h2-small-mtu.pcapsurgery.test -ca "$PKI/ca.pem" -alpn h2,http/1.1 \
  -keylog "$KEYS/tls13-go-h2-3seg.keys"
cap_stop; srv_wait
