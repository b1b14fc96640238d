#!/usr/bin/env bash
# tls-fail.sh — failed handshakes (items 3-7): version and cipher mismatch, untrusted CA,
# expired certificate, hostname mismatch, missing client certificate.
source "$(dirname "$0")/lib.sh"
setup
net_up 1500
S=$S4:443

msg version-mismatch-openssl.pcap "client max TLS 1.2, server only TLS 1.3"
ossl_server 443 leaf -tls1_3
cap_start "$CAP/version-mismatch-openssl.pcap"
ossl_client version-mismatch-openssl 40101 $S old.pcapsurgery.test -no_tls1_3 -CAfile "$PKI/ca.pem"
cap_stop; srv_wait

msg version-mismatch-go-gnutls.pcap "Go client TLS 1.0-1.1 only, GnuTLS server TLS 1.3 only"
gnutls_server 443 leaf --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3'
cap_start "$CAP/version-mismatch-go-gnutls.pcap"
go_client version-mismatch-go-gnutls 40102 $S legacy.pcapsurgery.test -ca "$PKI/ca.pem" -min 1.0 -max 1.1
cap_stop; srv_kill

msg cipher-mismatch-openssl.pcap "TLS 1.2, disjoint cipher lists"
ossl_server 443 leaf -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305
cap_start "$CAP/cipher-mismatch-openssl.pcap"
ossl_client cipher-mismatch-openssl 40103 $S cipher.pcapsurgery.test -tls1_2 -cipher AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384 -CAfile "$PKI/ca.pem"
cap_stop; srv_wait

msg cipher-mismatch-tls13-gnutls-openssl.pcap "TLS 1.3, client only AES-128-GCM, server only AES-256-GCM"
ossl_server 443 leaf -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
cap_start "$CAP/cipher-mismatch-tls13-gnutls-openssl.pcap"
gnutls_client cipher-mismatch-tls13-gnutls-openssl 40104 $S4 443 cipher13.pcapsurgery.test --x509cafile "$PKI/ca.pem" \
  --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM'
cap_stop; srv_wait

msg untrusted-ca-tls12-openssl-gnutls.pcap "client trusts only an unrelated root"
gnutls_server 443 leaf --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
cap_start "$CAP/untrusted-ca-tls12-openssl-gnutls.pcap"
ossl_client untrusted-ca-tls12-openssl-gnutls 40105 $S untrusted12.pcapsurgery.test -tls1_2 -CAfile "$PKI/other-ca.pem" -verify_return_error
cap_stop; srv_kill

msg untrusted-ca-tls13-go-openssl.pcap "TLS 1.3: the client's alert is encrypted"
ossl_server 443 leaf -tls1_3
cap_start "$CAP/untrusted-ca-tls13-go-openssl.pcap"
go_client untrusted-ca-tls13-go-openssl 40106 $S untrusted13.pcapsurgery.test -ca "$PKI/other-ca.pem"
cap_stop; srv_wait

msg untrusted-ca-tls13-gnutls-go.pcap "TLS 1.3, GnuTLS client rejects the chain"
go_server 443 leaf
cap_start "$CAP/untrusted-ca-tls13-gnutls-go.pcap"
gnutls_client untrusted-ca-tls13-gnutls-go 40107 $S4 443 untrusted13g.pcapsurgery.test --x509cafile "$PKI/other-ca.pem"
cap_stop; srv_wait

msg expired-tls12-openssl.pcap
ossl_server 443 expired -tls1_2
cap_start "$CAP/expired-tls12-openssl.pcap"
ossl_client expired-tls12-openssl 40108 $S expired.pcapsurgery.test -tls1_2 -CAfile "$PKI/ca.pem" -verify_return_error
cap_stop; srv_wait

msg expired-tls12-go.pcap
go_server 443 expired -max 1.2
cap_start "$CAP/expired-tls12-go.pcap"
go_client expired-tls12-go 40109 $S expired-go.pcapsurgery.test -ca "$PKI/ca.pem"
cap_stop; srv_wait

msg hostname-mismatch-tls12-openssl.pcap
ossl_server 443 wrong -tls1_2
cap_start "$CAP/hostname-mismatch-tls12-openssl.pcap"
ossl_client hostname-mismatch-tls12-openssl 40110 $S www.pcapsurgery.test -tls1_2 -CAfile "$PKI/ca.pem" \
  -verify_hostname www.pcapsurgery.test -verify_return_error
cap_stop; srv_wait

msg self-signed-tls12-gnutls-openssl.pcap
ossl_server 443 self -tls1_2
cap_start "$CAP/self-signed-tls12-gnutls-openssl.pcap"
gnutls_client self-signed-tls12-gnutls-openssl 40111 $S4 443 self.pcapsurgery.test --x509cafile "$PKI/ca.pem" \
  --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
cap_stop; srv_wait

msg client-cert-missing-tls12-openssl.pcap "server requires a client certificate, client has none"
ossl_server 443 leaf -tls1_2 -Verify 1 -CAfile "$PKI/ca.pem"
cap_start "$CAP/client-cert-missing-tls12-openssl.pcap"
ossl_client client-cert-missing-tls12-openssl 40112 $S mtls12.pcapsurgery.test -tls1_2 -CAfile "$PKI/ca.pem"
cap_stop; srv_wait

msg client-cert-missing-tls13-openssl.pcap
ossl_server 443 leaf -tls1_3 -Verify 1 -CAfile "$PKI/ca.pem"
cap_start "$CAP/client-cert-missing-tls13-openssl.pcap"
ossl_client client-cert-missing-tls13-openssl 40113 $S mtls13.pcapsurgery.test -tls1_3 -CAfile "$PKI/ca.pem"
cap_stop; srv_wait

msg client-cert-missing-tls13-go-go.pcap
go_server 443 leaf -clientauth -ca "$PKI/ca.pem"
cap_start "$CAP/client-cert-missing-tls13-go-go.pcap"
go_client client-cert-missing-tls13-go-go 40114 $S mtls13go.pcapsurgery.test -ca "$PKI/ca.pem"
cap_stop; srv_wait
