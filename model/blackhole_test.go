package model

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBlackHoleNamesItsEvidence: through a router whose link toward the
// client has MTU 1000 and which drops the ICMP "fragmentation needed" it
// would send (testdata/gen/middlebox.sh), the server's full-size segments
// never arrive. Captured at the server, the diagnosis counts the resent,
// unacknowledged 1448-byte segments; captured at the client, the hole its
// ACKs never pass and the small segment that did arrive. Each says what its
// side of the path can show.
func TestBlackHoleNamesItsEvidence(t *testing.T) {
	for _, c := range []struct {
		file    string
		outcome Outcome
		want    []string
	}{
		{"middlebox-blackhole-server.pcap", Reset, []string{
			"the server's 1448-byte segments (packets of about 1500 bytes, DF set) were resent 9 times and never acknowledged",
			"MSS announced: client 1460, server 1460",
			"likely packets of about 1500 bytes do not arrive: path MTU black hole (ICMP fragmentation-needed blocked?)",
			"captured at the server, the capture shows them leaving, not where they were lost",
		}},
		{"middlebox-blackhole-client.pcap", NoServerHello, []string{
			"1448 bytes of the server's answer never reached the client: its ACKs stop before them, while later server segments of up to 349 bytes (packets of about 401 bytes, DF set) arrived",
			"likely packets above about 401 bytes do not arrive (the limit lies between the 401-byte packets that arrived and full 1500-byte ones): path MTU black hole",
			"captured at the client, the capture cannot show the server resending them",
		}},
	} {
		f := loadWith(t, "../testdata/captures/"+c.file, NewLoader).Flows()[0]
		for _, w := range c.want {
			if f.Outcome != c.outcome || !strings.Contains(f.Diagnosis, w) {
				t.Errorf("%s: %s %q, want %s with %q", c.file, f.Outcome, f.Diagnosis, c.outcome, w)
			}
		}
		if strings.Contains(f.Diagnosis, "certificate") || strings.Contains(f.Diagnosis, "not captured") {
			t.Errorf("%s: names a cause its packets contradict: %q", c.file, f.Diagnosis)
		}
	}
}

// TestNoOtherBlackHoles: no other bundled capture lost large packets on
// its path, so none is called a black hole.
func TestNoOtherBlackHoles(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	n := 0
	for _, path := range paths {
		if strings.HasPrefix(filepath.Base(path), "middlebox-blackhole") {
			continue
		}
		for _, f := range loadWith(t, path, NewLoader).Flows() {
			n++
			if strings.Contains(f.Diagnosis, "black hole") {
				t.Errorf("%s flow %d: %q", filepath.Base(path), f.ID, f.Diagnosis)
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d flows walked", n)
	}
}
