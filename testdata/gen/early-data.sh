#!/usr/bin/env bash
# early-data.sh — TLS 1.3 0-RTT resumption and TLS 1.2 encrypted alerts after the handshake
# (issue 10, items 1 and 13).
#   ONLY="early-data-rejected-tls13-openssl" bash early-data.sh   remakes only the named captures
source "$(dirname "$0")/lib.sh"
setup
net_up 1500
want() { [[ -z "${ONLY:-}" || " $ONLY " == *" $1 "* ]]; }
# early_server: s_server refuses -early_data with -rev (ossl_server's echo mode): plain
# s_server, fed by an idle pipe so that it neither reads EOF nor spins on stdin.
early_server() { # NACCEPT
  bg ins sh -c "sleep 6 | exec openssl s_server -quiet -naccept $1 -accept 443 -cert '$PKI/leaf.pem' \
    -cert_chain '$PKI/inter.pem' -key '$PKI/leaf.key' -tls1_3 -early_data >>'$PCS_TMP/s_server.log' 2>&1"
  wait_port $NSS 443
}
printf 'GET / early data\n' >"$PCS_TMP/early.txt"

if want early-data-tls13-openssl; then
msg early-data-tls13-openssl.pcap "full handshake saving the session, then 0-RTT: early data right after the ClientHello"
early_server 2
cap_start "$CAP/early-data-tls13-openssl.pcap"
ossl_client early-data-tls13-openssl 40601 $S4:443 early.pcapsurgery.test -CAfile "$PKI/ca.pem" -sess_out "$PCS_TMP/early.pem"
ossl_client early-data-tls13-openssl 40602 $S4:443 early.pcapsurgery.test -CAfile "$PKI/ca.pem" \
  -sess_in "$PCS_TMP/early.pem" -early_data "$PCS_TMP/early.txt"
cap_stop; srv_wait
fi

if want early-data-rejected-tls13-openssl; then
msg early-data-rejected-tls13-openssl.pcap "0-RTT offered to a restarted server: its new ticket key cannot read the PSK, full handshake, early data rejected"
early_server 1
ossl_client early-data-rejected-tls13-openssl 40604 $S4:443 rejected.pcapsurgery.test -CAfile "$PKI/ca.pem" -sess_out "$PCS_TMP/rejected.pem"
srv_wait
early_server 1
cap_start "$CAP/early-data-rejected-tls13-openssl.pcap"
ossl_client early-data-rejected-tls13-openssl 40605 $S4:443 rejected.pcapsurgery.test -CAfile "$PKI/ca.pem" \
  -sess_in "$PCS_TMP/rejected.pem" -early_data "$PCS_TMP/early.txt"
cap_stop; srv_wait
fi

if want early-data-tls13-gnutls; then
msg early-data-tls13-gnutls.pcap "GnuTLS: full handshake, then 0-RTT resumption (gnutls-cli --resume --earlydata)"
gnutls_server 443 leaf --earlydata --maxearlydata 1024 --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3'
cap_start "$CAP/early-data-tls13-gnutls.pcap"
CLOG "gnutls early-data-tls13-gnutls"
inc sysctl -qw net.ipv4.ip_local_port_range="40606 40607"
say hello | SSLKEYLOGFILE="$KEYS/early-data-tls13-gnutls.keys" inc gnutls-cli --logfile=/dev/null --resume \
  --earlydata="$PCS_TMP/early.txt" --sni-hostname early-gnutls.pcapsurgery.test \
  --verify-hostname early-gnutls.pcapsurgery.test --x509cafile "$PKI/ca.pem" -p 443 $S4 >>"$PCS_TMP/clients.log" 2>&1 || true
unpin_port
cap_stop; srv_kill
fi

if want close-notify-tls12-openssl; then
msg close-notify-tls12-openssl.pcap "TLS 1.2 handshake, then the client closes at once: an encrypted close_notify each way"
ossl_server 443 leaf -tls1_2 -naccept 1
cap_start "$CAP/close-notify-tls12-openssl.pcap"
CLOG "openssl close-notify-tls12-openssl"
inc openssl s_client -brief -bind $C4:40603 -connect $S4:443 -servername notify12.pcapsurgery.test \
  -CAfile "$PKI/ca.pem" -keylogfile "$KEYS/close-notify-tls12-openssl.keys" </dev/null >>"$PCS_TMP/clients.log" 2>&1 || true
cap_stop; srv_wait
fi

if want midstream-alert-tls12-openssl; then
msg midstream-alert-tls12-openssl.pcap "tls12-openssl.pcap from its first application data on: encrypted alerts with no ChangeCipherSpec seen"
# Frames 12-20 of tls12-openssl.pcap (made by tls-ok.sh): application data each way, an
# encrypted close_notify each way, FINs. No packet is changed, only the start is dropped.
editcap -F pcap -r "$CAP/tls12-openssl.pcap" "$CAP/midstream-alert-tls12-openssl.pcap" 12-20
fi
