#!/usr/bin/env bash
# keylog.sh — captures made to be read with their key logs (issue 15): TLS 1.3 certificate
# rejections by name and expiry, a client certificate refused, every TLS 1.3 suite (ChaCha20,
# AES-256-GCM, AES-128-CCM, AES-128-CCM-8), and TLS 1.2 CBC suites with and without
# encrypt-then-MAC. Each client writes its key log to testdata/captures/keylog/NAME.keys.
# Run alone: export PCS_NS=keylog; bash testdata/gen/keylog.sh
source "$(dirname "$0")/lib.sh"
setup
net_up 1500
S=$S4:443

msg keylog-expired-tls13-openssl.pcap "TLS 1.3, the client refuses an expired certificate"
ossl_server 443 expired -tls1_3
cap_start "$CAP/keylog-expired-tls13-openssl.pcap"
ossl_client keylog-expired-tls13-openssl 40201 $S expired13.pcapsurgery.test -tls1_3 -CAfile "$PKI/ca.pem" -verify_return_error
cap_stop; srv_wait

msg keylog-wrong-name-tls13-openssl.pcap "TLS 1.3, the certificate names another host"
ossl_server 443 wrong -tls1_3
cap_start "$CAP/keylog-wrong-name-tls13-openssl.pcap"
ossl_client keylog-wrong-name-tls13-openssl 40202 $S www.pcapsurgery.test -tls1_3 -CAfile "$PKI/ca.pem" \
  -verify_hostname www.pcapsurgery.test -verify_return_error
cap_stop; srv_wait

msg keylog-wrong-name-tls13-gnutls-openssl.pcap "TLS 1.3 AES-256-GCM, GnuTLS refuses the name"
ossl_server 443 wrong -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
cap_start "$CAP/keylog-wrong-name-tls13-gnutls-openssl.pcap"
gnutls_client keylog-wrong-name-tls13-gnutls-openssl 40203 $S4 443 name.pcapsurgery.test --x509cafile "$PKI/ca.pem"
cap_stop; srv_wait

msg keylog-client-cert-refused-tls13-openssl.pcap "TLS 1.3, the server does not trust the client's certificate"
ossl_server 443 leaf -tls1_3 -Verify 1 -CAfile "$PKI/other-ca.pem" -verify_return_error
cap_start "$CAP/keylog-client-cert-refused-tls13-openssl.pcap"
ossl_client keylog-client-cert-refused-tls13-openssl 40204 $S mtls.pcapsurgery.test -tls1_3 -CAfile "$PKI/ca.pem" \
  -cert "$PKI/client.pem" -key "$PKI/client.key"
cap_stop; srv_wait

msg keylog-chacha20-untrusted-tls13-openssl.pcap "TLS 1.3 ChaCha20-Poly1305, the client trusts another root"
ossl_server 443 leaf -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
cap_start "$CAP/keylog-chacha20-untrusted-tls13-openssl.pcap"
ossl_client keylog-chacha20-untrusted-tls13-openssl 40205 $S chacha.pcapsurgery.test -tls1_3 -CAfile "$PKI/other-ca.pem" \
  -verify_return_error -ciphersuites TLS_CHACHA20_POLY1305_SHA256
cap_stop; srv_wait

msg keylog-ccm-self-signed-tls13-openssl.pcap "TLS 1.3 AES-128-CCM, a self-signed certificate"
ossl_server 443 self -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256
cap_start "$CAP/keylog-ccm-self-signed-tls13-openssl.pcap"
ossl_client keylog-ccm-self-signed-tls13-openssl 40206 $S self.pcapsurgery.test -tls1_3 -CAfile "$PKI/ca.pem" \
  -verify_return_error -ciphersuites TLS_AES_128_CCM_SHA256
cap_stop; srv_wait

msg keylog-ccm8-tls13-openssl.pcap "TLS 1.3 AES-128-CCM-8, completes"
ossl_server 443 leaf -tls1_3 -ciphersuites TLS_AES_128_CCM_8_SHA256
cap_start "$CAP/keylog-ccm8-tls13-openssl.pcap"
ossl_client keylog-ccm8-tls13-openssl 40207 $S ccm8.pcapsurgery.test -tls1_3 -CAfile "$PKI/ca.pem" \
  -ciphersuites TLS_AES_128_CCM_8_SHA256
cap_stop; srv_wait

msg keylog-cbc-etm-tls12-openssl.pcap "TLS 1.2 AES-128-CBC-SHA with encrypt-then-MAC, completes and closes"
ossl_server 443 leaf -tls1_2 -cipher ECDHE-RSA-AES128-SHA
cap_start "$CAP/keylog-cbc-etm-tls12-openssl.pcap"
ossl_client keylog-cbc-etm-tls12-openssl 40208 $S cbc.pcapsurgery.test -tls1_2 -CAfile "$PKI/ca.pem" -cipher ECDHE-RSA-AES128-SHA
cap_stop; srv_wait

msg keylog-cbc-sha384-tls12-openssl.pcap "TLS 1.2 AES-256-CBC-SHA384 without encrypt-then-MAC, completes (the name mismatch is only logged: no -verify_return_error)"
ossl_server 443 wrong -tls1_2 -cipher ECDHE-RSA-AES256-SHA384
cap_start "$CAP/keylog-cbc-sha384-tls12-openssl.pcap"
ossl_client keylog-cbc-sha384-tls12-openssl 40209 $S cbc384.pcapsurgery.test -tls1_2 -CAfile "$PKI/ca.pem" -no_etm \
  -cipher ECDHE-RSA-AES256-SHA384
cap_stop; srv_wait
