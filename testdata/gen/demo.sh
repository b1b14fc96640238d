#!/usr/bin/env bash
# demo.sh — testdata/demo.pcapng (item 13): a scripted mix of extra connections between more
# hosts (several server addresses, mostly successes, some failures for one hostname), merged with
# mergecap with the single-scenario captures (successes in 1.2 and 1.3, every failure kind, HRR,
# resumption, STARTTLS, plain HTTP, IPv6, SLL). Run after the other groups.
source "$(dirname "$0")/lib.sh"
setup
net_up 1500
# more servers and clients on the same link
for a in 30 31 32 33 34; do ip -n $NSS addr add 192.0.2.$a/24 dev pcs-s0; done
for a in 11 12; do ip -n $NSC addr add 192.0.2.$a/24 dev pcs-c0; done
for a in 30 31 32 33 34; do ip -n $NSC neigh replace 192.0.2.$a lladdr 02:00:00:00:00:14 dev pcs-c0 nud permanent; done
for a in 11 12; do ip -n $NSS neigh replace 192.0.2.$a lladdr 02:00:00:00:00:0a dev pcs-s0 nud permanent; done
ip netns exec $NSS nft -f - <<'NFT'
table inet pcsdemo {
  chain input { type filter hook input priority 0; policy accept; ip daddr 192.0.2.34 tcp dport 443 drop; }
}
NFT

# .30 Go (TLS 1.2-1.3, h2), .31 Go (TLS 1.2 only), .32 OpenSSL (TLS 1.3), .33 OpenSSL TLS 1.3 only
# with an expired certificate (legacy clients fail, modern ones reject the certificate), .34 firewalled,
# and GnuTLS on port 993 of every address (gnutls-serv cannot bind one address)
bg ins "$BIN/tlsgo" server -addr 192.0.2.30:443 -n 0 -cert "$PKI/chain.pem" -key "$PKI/leaf.key" -alpn h2,http/1.1
bg ins "$BIN/tlsgo" server -addr 192.0.2.31:443 -n 0 -cert "$PKI/chain.pem" -key "$PKI/leaf.key" -max 1.2
bg ins openssl s_server -quiet -naccept 20 -accept 192.0.2.32:443 -cert "$PKI/leaf.pem" -cert_chain "$PKI/inter.pem" \
  -key "$PKI/leaf.key" -rev >>"$PCS_TMP/s_server.log" 2>&1
bg ins openssl s_server -quiet -naccept 20 -accept 192.0.2.33:443 -cert "$PKI/expired.pem" -cert_chain "$PKI/inter.pem" \
  -key "$PKI/expired.key" -rev -tls1_3 >>"$PCS_TMP/s_server.log" 2>&1
bg ins gnutls-serv -q --echo -p 993 --x509certfile "$PKI/chain.pem" --x509keyfile "$PKI/leaf.key" >>"$PCS_TMP/gnutls-serv.log" 2>&1
sleep 1
wait_port $NSS 443; wait_port $NSS 993

D=demo-extra
cap_start "$CAP/demo-extra.pcap"
go_client $D 41001 192.0.2.30:443 www.pcapsurgery.test -ca "$PKI/ca.pem" -alpn h2,http/1.1
ossl_client $D 41002 192.0.2.32:443 api.pcapsurgery.test -CAfile "$PKI/ca.pem" -verify_return_error
gnutls_client $D 41003 192.0.2.31 443 legacy-app.pcapsurgery.test --x509cafile "$PKI/ca.pem"
go_client $D 41004 192.0.2.30:443 cdn.pcapsurgery.test -ca "$PKI/ca.pem" -alpn h2,http/1.1 -count 2
ossl_client $D 41006 192.0.2.31:443 legacy-app.pcapsurgery.test -CAfile "$PKI/ca.pem" -tls1_2
go_client $D 41007 192.0.2.33:443 auth.pcapsurgery.test -ca "$PKI/ca.pem" -max 1.2
ossl_client $D 41008 192.0.2.32:443 api.pcapsurgery.test -CAfile "$PKI/ca.pem"
gnutls_client $D 41009 192.0.2.33 443 auth.pcapsurgery.test --x509cafile "$PKI/ca.pem"
go_client $D 41010 192.0.2.30:443 www.pcapsurgery.test -ca "$PKI/other-ca.pem"
ossl_client $D 41011 192.0.2.33:443 auth.pcapsurgery.test -CAfile "$PKI/ca.pem" -no_tls1_3
CLOG "go connect firewalled"
inc "$BIN/tlsgo" connect -addr 192.0.2.34:443 -bind 192.0.2.11:41012 -timeout 3500ms >>"$PCS_TMP/clients.log" 2>&1 || true
gnutls_client $D 41013 192.0.2.30 443 www.pcapsurgery.test --x509cafile "$PKI/ca.pem"
ossl_client $D 41014 192.0.2.32:443 api.pcapsurgery.test -CAfile "$PKI/ca.pem" -tls1_3 -groups P-256
go_client $D 41015 192.0.2.31:443 legacy-app.pcapsurgery.test -ca "$PKI/ca.pem"
CLOG "openssl refused"
say hello | inc openssl s_client -brief -bind 192.0.2.12:41016 -connect 192.0.2.32:8443 >>"$PCS_TMP/clients.log" 2>&1 || true
ossl_client $D 41017 192.0.2.32:993 imap.pcapsurgery.test -CAfile "$PKI/ca.pem"
go_client $D 41018 192.0.2.30:993 imap.pcapsurgery.test -ca "$PKI/ca.pem" -send 'a1 NOOP' -timeout 1500ms
cap_stop
for p in "${BGPIDS[@]}"; do kill $p 2>/dev/null || true; done

msg demo.pcapng "merge"
srcs=()
for f in tls13-openssl tls13-gnutls-openssl tls13-go-h2-2seg tls13-go-h2-3seg tls13-go-gnutls tls12-openssl tls12-gnutls \
         version-mismatch-openssl version-mismatch-go-gnutls cipher-mismatch-openssl cipher-mismatch-tls13-gnutls-openssl \
         untrusted-ca-tls12-openssl-gnutls untrusted-ca-tls13-go-openssl untrusted-ca-tls13-gnutls-go expired-tls12-openssl \
         expired-tls12-go hostname-mismatch-tls12-openssl self-signed-tls12-gnutls-openssl client-cert-missing-tls12-openssl \
         client-cert-missing-tls13-openssl rst-after-client-hello silent-server syn-unanswered refused starttls-smtp \
         plain-http tls-odd-ports ipv6 sll hrr-openssl hrr-go-gnutls resume-tls13-openssl resume-tls12-ticket-openssl \
         resume-tls12-sessionid-gnutls; do
  srcs+=("$CAP/$f.pcap")
done
mergecap -F pcapng -w "$ROOT/testdata/demo.pcapng" "${srcs[@]}" "$CAP/demo-extra.pcap"
cat "$KEYS"/*.keys | grep -v '^#' | sort -u > "$PCS_TMP/all.keys"; cp "$PCS_TMP/all.keys" "$KEYS/demo.keys"
ls -l "$ROOT/testdata/demo.pcapng" >&2
