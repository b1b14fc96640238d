package ui

import (
	"strings"
	"testing"
)

// TestPaneShowsNetworkAt80x24: on a terminal of 80x24 the flow pane, paged
// down, shows the Network section whole: each side's TTL and SYN options
// and the phase times, as tshark reads vlan.pcap's first flow.
func TestPaneShowsNetworkAt80x24(t *testing.T) {
	_, flows := loadCapture(t, "vlan.pcap")
	m := loaded(t, 80, 24, flows, Options{Path: "vlan.pcap"})
	m = press(t, m, "enter")
	wants := []string{"Network", "client:           TTL 64 (0 hops from 64, likely), DF, MSS 1460",
		"network RTT:      48us (SYN -> SYN-ACK)", "server answer:    1.3ms (ClientHello -> ServerHello)"}
	seen := map[string]bool{}
	for range 20 {
		s := screen(m)
		assertSize(t, s, 80, 24)
		for _, w := range wants {
			seen[w] = seen[w] || strings.Contains(s, w)
		}
		m = press(t, m, "pgdown")
	}
	for _, w := range wants {
		if !seen[w] {
			t.Errorf("the pane at 80x24 never shows %q", w)
		}
	}
}
