#!/usr/bin/env bash
# protocols.sh — STARTTLS SMTP, plain HTTP (not TLS), TLS on unusual ports (item 10).
source "$(dirname "$0")/lib.sh"
setup
net_up 1500

msg starttls-smtp.pcap "SMTP 220 / EHLO / 250-STARTTLS / 220, then TLS 1.3"
bg ins "$BIN/tlsgo" smtp -addr :25 -cert "$PKI/chain.pem" -key "$PKI/leaf.key"
wait_port $NSS 25
cap_start "$CAP/starttls-smtp.pcap"
OSSL_STDIN=quit ossl_client starttls-smtp 40301 $S4:25 mail.pcapsurgery.test -starttls smtp -name client.pcapsurgery.test \
  -CAfile "$PKI/ca.pem" -crlf
cap_stop; srv_wait

msg plain-http.pcap "HTTP/1.1 on ports 80 and 8080, no TLS"
bg ins "$BIN/tlsgo" http -addr :80; p80=$LASTPID
bg ins "$BIN/tlsgo" http -addr :8080
wait_port $NSS 80; wait_port $NSS 8080
cap_start "$CAP/plain-http.pcap"
CLOG "curl plain-http"
inc curl -s --local-port 40302 -H 'User-Agent: pcapsurgery-testdata' http://$S4/ >>"$PCS_TMP/clients.log" 2>&1 || true
inc curl -s --local-port 40303 -H 'User-Agent: pcapsurgery-testdata' http://$S4:8080/index.html >>"$PCS_TMP/clients.log" 2>&1 || true
cap_stop; srv_wait; LASTPID=$p80 srv_wait

msg tls-odd-ports.pcap "TLS 1.2 on 4433 (OpenSSL) and TLS 1.3 on 9443 (Go)"
ossl_server 4433 leaf -tls1_2
go_server 9443 leaf -alpn http/1.1
cap_start "$CAP/tls-odd-ports.pcap"
ossl_client tls-odd-ports 40304 $S4:4433 odd-port.pcapsurgery.test -CAfile "$PKI/ca.pem" -verify_return_error
go_client tls-odd-ports 40305 $S4:9443 odd-port-go.pcapsurgery.test -ca "$PKI/ca.pem" -alpn http/1.1
cap_stop; srv_wait
