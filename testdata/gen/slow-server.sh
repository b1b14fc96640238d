#!/usr/bin/env bash
# slow-server.sh — a server that takes seconds to answer the ClientHello over a fast
# network (issue #17 item 4): the ServerHello comes 4.8 s after the ClientHello while
# the SYN-ACK came in microseconds.
source "$(dirname "$0")/lib.sh"
setup
net_up 1500

msg slow-server.pcap "Go server that waits 4.8 s after the ClientHello before its ServerHello"
go_server 443 leaf -think 4800ms
cap_start "$CAP/slow-server.pcap"
go_client slow-server 40301 $S4:443 slow.pcapsurgery.test -ca "$PKI/ca.pem" -timeout 10s
cap_stop; srv_wait
