#!/usr/bin/env bash
# verdicts.sh — captures where the evidence is thin or misleading (issue 10, items 2-6 and 14):
# a snap length of 60, a capture stopped right after the ClientHello, server packets the capture
# point dropped (the client's ACKs prove they were sent), a capture started mid-connection, a
# ClientHello answered in plaintext (HTTP 400, SMTP and SSH banners) beside a plain HTTP client,
# and a ClientHello a middlebox drops (real retransmissions).
#   verdicts.sh [PART...]   PART: snaplen60 edited plaintext banner-first dropped-hello (default: all)
ONLY=("$@")
source "$(dirname "$0")/lib.sh"
want() { [[ ${#ONLY[@]} -eq 0 ]] && return 0; local x; for x in "${ONLY[@]}"; do [[ $x == "$1" ]] && return 0; done; return 1; }
setup
net_up 1500
PCAPTOOL=$BIN/pcaptool
[[ -x $PCAPTOOL && $PCAPTOOL -nt $GEN/pcaptool/main.go ]] || (cd "$ROOT" && go build -o "$PCAPTOOL" ./testdata/gen/pcaptool)

# frames FILE FILTER: the frame numbers tshark finds for a display filter, comma-separated
frames() { tshark -r "$1" -Y "$2" -T fields -e frame.number | paste -sd, -; }

if want snaplen60; then
msg snaplen60.pcap "tcpdump -s 60: TCP headers survive (options cut), no payload byte does"
ossl_server 443 leaf -tls1_2
cap_start "$CAP/snaplen60.pcap" -i pcs-c0 -s 60
ossl_client snaplen60 40701 $S4:443 snaplen.pcapsurgery.test -tls1_2 -CAfile "$PKI/ca.pem"
cap_stop; srv_wait
rm -f "$KEYS/snaplen60.keys"
fi

if want edited; then
msg "source for the edited captures: TLS 1.2 OpenSSL, a line each way"
ossl_server 443 leaf -tls1_2
cap_start "$PCS_TMP/edit-src.pcap"
ossl_client edit-src 40702 $S4:443 edited.pcapsurgery.test -tls1_2 -CAfile "$PKI/ca.pem"
cap_stop; srv_wait
rm -f "$KEYS/edit-src.keys"
SRC=$PCS_TMP/edit-src.pcap
CH=$(frames "$SRC" 'tls.handshake.type==1')
SERVER_DATA=$(frames "$SRC" 'tcp.srcport==443 && tcp.len>0')
FIRST_SERVER_DATA=${SERVER_DATA%%,*}

msg ends-after-client-hello.pcap "the capture stops with the ClientHello (records 1..$CH kept)"
"$PCAPTOOL" keep -in "$SRC" -out "$CAP/ends-after-client-hello.pcap" -records "1-$CH"

msg dropped-server-data.pcap "every server packet with payload dropped ($SERVER_DATA): only the client's ACKs show them"
"$PCAPTOOL" drop -in "$SRC" -out "$CAP/dropped-server-data.pcap" -records "$SERVER_DATA"

msg midstream.pcap "the capture starts after the server's first data packet (records 1..$FIRST_SERVER_DATA dropped)"
"$PCAPTOOL" drop -in "$SRC" -out "$CAP/midstream.pcap" -records "1-$FIRST_SERVER_DATA"
fi

if want plaintext; then
msg tls-to-plaintext.pcap "s_client to python3 http.server (an HTTP/0.9-style 400 page), Go net/http (HTTP/1.1 400), an SMTP and an SSH banner; curl plain HTTP"
bg ins /usr/bin/python3 -m http.server --bind $S4 8000
wait_port $NSS 8000
HTTP_PID=$LASTPID
bg ins "$BIN/tlsgo" httpd -addr :8081
wait_port $NSS 8081
HTTPD_PID=$LASTPID
bg ins "$BIN/tlsgo" banner -addr :2525 -banner "220 mail.pcapsurgery.test ESMTP" -reply "500 5.5.1 Command unrecognized"
wait_port $NSS 2525
bg ins "$BIN/tlsgo" banner -addr :2222 -banner "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" -reply "Invalid SSH identification string."
wait_port $NSS 2222
cap_start "$CAP/tls-to-plaintext.pcap"
ossl_client tls-to-http 40703 $S4:8000 www.pcapsurgery.test
ossl_client tls-to-httpd 40708 $S4:8081 api.pcapsurgery.test
ossl_client tls-to-smtp 40704 $S4:2525 mail.pcapsurgery.test
ossl_client tls-to-ssh 40705 $S4:2222 ssh.pcapsurgery.test
CLOG "curl plain http"
inc curl -s --local-port 40706 -o /dev/null http://$S4:8000/ >>"$PCS_TMP/clients.log" 2>&1 || true
cap_stop
kill "$HTTP_PID" "$HTTPD_PID" 2>/dev/null || true
rm -f "$KEYS"/tls-to-*.keys
fi

if want dropped-hello; then
msg client-hello-dropped.pcap "an nftables rule drops the ClientHello (IP length > 200); the client retransmits, gives up after 4 s"
ossl_server 443 leaf
ip netns exec $NSS nft -f - <<'NFT'
table inet pcsdrophello {
  chain input { type filter hook input priority 0; policy accept; tcp dport 443 ip length > 200 drop; }
}
NFT
cap_start "$CAP/client-hello-dropped.pcap"
CLOG "openssl client-hello-dropped (timeout 4)"
(sleep 6) | inc timeout 4 openssl s_client -brief -bind $C4:40707 -connect $S4:443 -servername dropped.pcapsurgery.test \
  >>"$PCS_TMP/clients.log" 2>&1 || true
cap_stop
ip netns exec $NSS nft delete table inet pcsdrophello
srv_kill
fi

if want banner-first; then
msg tls-after-banner.pcap "Go clients that wait 300 ms after connecting: the SMTP and SSH banners come before the ClientHello"
bg ins "$BIN/tlsgo" banner -addr :2525 -banner "220 mail.pcapsurgery.test ESMTP" -reply "500 5.5.1 Command unrecognized"
wait_port $NSS 2525
bg ins "$BIN/tlsgo" banner -addr :2222 -banner "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" -reply "Invalid SSH identification string."
wait_port $NSS 2222
cap_start "$CAP/tls-after-banner.pcap"
go_client tls-after-smtp 40709 $S4:2525 mail.pcapsurgery.test -ca "$PKI/ca.pem" -wait 300ms -timeout 3s
go_client tls-after-ssh 40710 $S4:2222 ssh.pcapsurgery.test -ca "$PKI/ca.pem" -wait 300ms -timeout 3s
cap_stop
rm -f "$KEYS"/tls-after-*.keys
fi
