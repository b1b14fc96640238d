#!/usr/bin/env bash
# plainstart.sh — TLS after a plaintext start (issue 10 item 12): LDAP StartTLS, XMPP STARTTLS,
# MySQL SSL request (openssl s_client -starttls ldap|xmpp|mysql against tlsgo servers that speak
# the plaintext part, then crypto/tls), an HTTP CONNECT tunnel (s_client -proxy) and a SOCKS5
# tunnel (curl --socks5-hostname) through tlsgo proxies that relay to a TLS server on the
# server namespace's loopback (not on the captured veth).
#
#   sudo PCS_NS=NAME testdata/gen/plainstart.sh
source "$(dirname "$0")/lib.sh"
setup
net_up 1500

msg starttls-ldap.pcap "LDAP StartTLS extended operation, success, then TLS 1.3"
bg ins "$BIN/tlsgo" ldap -addr :389 -cert "$PKI/chain.pem" -key "$PKI/leaf.key"
wait_port $NSS 389
cap_start "$CAP/starttls-ldap.pcap"
ossl_client starttls-ldap 40601 $S4:389 ldap.pcapsurgery.test -starttls ldap -CAfile "$PKI/ca.pem"
cap_stop; srv_wait

msg starttls-xmpp.pcap "XMPP stream, <starttls/>, <proceed/>, then TLS 1.3"
bg ins "$BIN/tlsgo" xmpp -addr :5222 -cert "$PKI/chain.pem" -key "$PKI/leaf.key"
wait_port $NSS 5222
cap_start "$CAP/starttls-xmpp.pcap"
ossl_client starttls-xmpp 40602 $S4:5222 xmpp.pcapsurgery.test -starttls xmpp -xmpphost xmpp.pcapsurgery.test \
  -CAfile "$PKI/ca.pem"
cap_stop; srv_wait

msg starttls-mysql.pcap "MySQL greeting with CLIENT_SSL, the client's SSL request, then TLS 1.3"
bg ins "$BIN/tlsgo" mysql -addr :3306 -cert "$PKI/chain.pem" -key "$PKI/leaf.key"
wait_port $NSS 3306
cap_start "$CAP/starttls-mysql.pcap"
ossl_client starttls-mysql 40603 $S4:3306 mysql.pcapsurgery.test -starttls mysql -CAfile "$PKI/ca.pem"
cap_stop; srv_wait

msg http-connect.pcap "HTTP CONNECT secure.pcapsurgery.test:443 through a proxy on 3128, 200, then TLS 1.3"
ossl_server 4443 leaf
bg ins "$BIN/tlsgo" httpproxy -addr :3128 -upstream 127.0.0.1:4443; proxy=$LASTPID
wait_port $NSS 3128
cap_start "$CAP/http-connect.pcap"
ossl_client http-connect 40604 secure.pcapsurgery.test:443 secure.pcapsurgery.test -proxy $S4:3128 -CAfile "$PKI/ca.pem"
cap_stop; srv_wait; LASTPID=$proxy srv_wait

msg socks5.pcap "SOCKS5 (no authentication) CONNECT socks.pcapsurgery.test:443, then TLS 1.3 (curl)"
go_server 4443 leaf -alpn http/1.1
bg ins "$BIN/tlsgo" socks5 -addr :1080 -upstream 127.0.0.1:4443; proxy=$LASTPID
wait_port $NSS 1080
cap_start "$CAP/socks5.pcap"
CLOG "curl socks5"
SSLKEYLOGFILE="$KEYS/socks5.keys" inc curl -s --local-port 40605 --socks5-hostname $S4:1080 --cacert "$PKI/ca.pem" \
  -H 'User-Agent: pcapsurgery-testdata' https://socks.pcapsurgery.test/ >>"$PCS_TMP/clients.log" 2>&1 || true
cap_stop; srv_wait; LASTPID=$proxy srv_wait

msg http-connect-407.pcap "HTTP CONNECT answered 407, asked again with Basic credentials on the same connection, 200, TLS 1.3 (curl)"
go_server 4443 leaf -alpn http/1.1
bg ins "$BIN/tlsgo" httpproxy -addr :3128 -upstream 127.0.0.1:4443 -auth user:secret; proxy=$LASTPID
wait_port $NSS 3128
cap_start "$CAP/http-connect-407.pcap"
CLOG "curl http-connect-407"
SSLKEYLOGFILE="$KEYS/http-connect-407.keys" inc curl -s --local-port 40606 -p -x http://$S4:3128 --proxy-user user:secret \
  --proxy-anyauth --cacert "$PKI/ca.pem" -H 'User-Agent: pcapsurgery-testdata' https://auth.pcapsurgery.test/ >>"$PCS_TMP/clients.log" 2>&1 || true
cap_stop; srv_wait; LASTPID=$proxy srv_wait
