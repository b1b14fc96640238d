package detail

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

func loadOne(t *testing.T, name string) []model.Flow {
	t.Helper()
	src, err := capture.Open("../../testdata/captures/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	l := model.NewLoader(src)
	if err := l.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return l.Flows()
}

// TestPaneNetworkSection: at 80 columns the pane says what the network
// showed of each side and how long each phase took, as tshark reads the
// same packets (vlan.pcap flow 1: TTL 64 with DF both ways, MSS 1460, window
// scale 10; SYN-ACK 48us after the SYN, ServerHello 1.3 ms after the
// ClientHello, the client's Finished 2.486 ms after the server's flight).
func TestPaneNetworkSection(t *testing.T) {
	f := loadOne(t, "vlan.pcap")[0]
	lines := Render(&f, 80, styles.New(true))
	var sec []string
	for i, l := range lines {
		if ansi.Strip(l) == "Network" {
			for _, m := range lines[i+1:] {
				if m == "" {
					break
				}
				sec = append(sec, ansi.Strip(m))
			}
		}
	}
	got := strings.Join(sec, "\n")
	t.Logf("\n%s", got)
	flat := strings.Join(strings.Fields(got), " ")
	for _, want := range []string{
		"client: TTL 64 (0 hops from 64, likely), DF, MSS 1460, wscale 10, SACK, timestamps",
		"server: TTL 64 (0 hops from 64, likely), DF, MSS 1460, wscale 10, SACK, timestamps",
		"network RTT: 48us (SYN -> SYN-ACK)",
		"server answer: 1.3ms (ClientHello -> ServerHello)",
		"client answer: 2.5ms (server flight -> client's next flight)",
		"first app data: 11.3ms (first packet -> first application data)",
		"close wait: 99us (the client closed first, after the server's last packet)",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("Network section lacks %q:\n%s", want, got)
		}
	}
	for _, l := range sec {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
	if len(sec) > 12 {
		t.Errorf("Network section is %d lines at 80 columns; it should stay short", len(sec))
	}
}
