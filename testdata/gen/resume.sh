#!/usr/bin/env bash
# resume.sh — HelloRetryRequest and session resumption (item 9).
source "$(dirname "$0")/lib.sh"
setup
net_up 1500

msg hrr-openssl.pcap "server accepts only P-256; the client's key share is X25519: HelloRetryRequest"
ossl_server 443 leaf -tls1_3 -groups P-256
cap_start "$CAP/hrr-openssl.pcap"
ossl_client hrr-openssl 40501 $S4:443 hrr.pcapsurgery.test -CAfile "$PKI/ca.pem" -groups X25519:P-256
cap_stop; srv_wait

msg hrr-go-gnutls.pcap "Go offers X25519MLKEM768+X25519 key shares, GnuTLS wants secp256r1"
gnutls_server 443 leaf --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP256R1'
cap_start "$CAP/hrr-go-gnutls.pcap"
go_client hrr-go-gnutls 40502 $S4:443 hrr-go.pcapsurgery.test -ca "$PKI/ca.pem" -send 'hello' -timeout 2s
cap_stop; srv_kill

msg resume-tls13-openssl.pcap "full handshake with -sess_out, then PSK resumption with -sess_in"
ossl_server 443 leaf -tls1_3 -naccept 2
cap_start "$CAP/resume-tls13-openssl.pcap"
ossl_client resume-tls13-openssl 40503 $S4:443 resume13.pcapsurgery.test -CAfile "$PKI/ca.pem" -sess_out "$PCS_TMP/s13.pem"
ossl_client resume-tls13-openssl 40504 $S4:443 resume13.pcapsurgery.test -CAfile "$PKI/ca.pem" -sess_in "$PCS_TMP/s13.pem"
cap_stop; srv_wait

msg resume-tls12-ticket-openssl.pcap "TLS 1.2 session ticket resumption"
ossl_server 443 leaf -tls1_2 -naccept 2
cap_start "$CAP/resume-tls12-ticket-openssl.pcap"
ossl_client resume-tls12-ticket-openssl 40505 $S4:443 ticket12.pcapsurgery.test -CAfile "$PKI/ca.pem" -sess_out "$PCS_TMP/s12.pem"
ossl_client resume-tls12-ticket-openssl 40506 $S4:443 ticket12.pcapsurgery.test -CAfile "$PKI/ca.pem" -sess_in "$PCS_TMP/s12.pem"
cap_stop; srv_wait

msg resume-tls12-sessionid-gnutls.pcap "TLS 1.2 session-ID resumption (gnutls-cli --resume, gnutls-serv --noticket)"
gnutls_server 443 leaf --noticket --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
cap_start "$CAP/resume-tls12-sessionid-gnutls.pcap"
CLOG "gnutls resume-tls12-sessionid-gnutls"
inc sysctl -qw net.ipv4.ip_local_port_range="40507 40508"
say hello | SSLKEYLOGFILE="$KEYS/resume-tls12-sessionid-gnutls.keys" inc gnutls-cli --logfile=/dev/null --resume \
  --sni-hostname sessionid12.pcapsurgery.test --verify-hostname sessionid12.pcapsurgery.test \
  --x509cafile "$PKI/ca.pem" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' -p 443 $S4 >>"$PCS_TMP/clients.log" 2>&1 || true
unpin_port
cap_stop; srv_kill

msg resume-tls13-go.pcap "Go client with a session cache: full handshake, then PSK resumption"
go_server 443 leaf -n 2
cap_start "$CAP/resume-tls13-go.pcap"
go_client resume-tls13-go 40509 $S4:443 resume-go.pcapsurgery.test -ca "$PKI/ca.pem" -count 2
cap_stop; srv_wait
