#!/usr/bin/env bash
# damaged.sh — damaged captures (item 12): a file cut in the middle of a record, a file whose
# 3rd record header claims caplen 0xffffff00, and a snaplen-96 capture of a TLS 1.2 handshake.
source "$(dirname "$0")/lib.sh"
setup
net_up 1500

msg "source for truncated.pcap / corrupt-record-header.pcap: TLS 1.2 OpenSSL"
ossl_server 443 leaf -tls1_2
cap_start "$PCS_TMP/damage-src.pcap"
ossl_client damage-src 40601 $S4:443 damaged.pcapsurgery.test -tls1_2 -CAfile "$PKI/ca.pem"
cap_stop; srv_wait
rm -f "$KEYS/damage-src.keys"
# record 8 is the server's ServerKeyExchange+ServerHelloDone segment: keep its 16-byte
# header and 60 of its bytes, then the file ends (ClientHello, ServerHello and Certificate survive)
"$BIN/pcaptool" cut -in "$PCS_TMP/damage-src.pcap" -out "$CAP/truncated.pcap" -record 8 -keep 76
"$BIN/pcaptool" corrupt -in "$PCS_TMP/damage-src.pcap" -out "$CAP/corrupt-record-header.pcap" -record 3 -caplen 0xffffff00

msg snaplen96.pcap "tcpdump -s 96: every packet cut to 96 bytes"
ossl_server 443 leaf -tls1_2
cap_start "$CAP/snaplen96.pcap" -i pcs-c0 -s 96
ossl_client snaplen96 40602 $S4:443 snaplen.pcapsurgery.test -tls1_2 -CAfile "$PKI/ca.pem"
cap_stop; srv_wait
rm -f "$KEYS/snaplen96.keys"
