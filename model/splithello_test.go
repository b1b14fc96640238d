package model

import (
	"strings"
	"testing"
)

// TestSplitHelloMiddleboxIsNamed: through a router that drops client
// segments of 1000 bytes or more (testdata/gen/middlebox.sh), Go's default
// ClientHello (X25519MLKEM768, two segments) is never answered while the
// same client offering X25519 only (one segment) completes: the failure
// names the split hello, its size, the key share, what the server
// acknowledged and the working flow.
func TestSplitHelloMiddleboxIsNamed(t *testing.T) {
	flows := loadWith(t, "../testdata/captures/middlebox-split-hello.pcap", NewLoader).Flows()
	if len(flows) != 2 {
		t.Fatalf("%d flows, want 2", len(flows))
	}
	if f := flows[0]; f.Outcome != OK || f.TLS.ClientHelloSegments != 1 {
		t.Errorf("X25519 client: %s with %d segments, want OK in one", f.Outcome, f.TLS.ClientHelloSegments)
	}
	f := flows[1]
	for _, want := range []string{
		"the ClientHello (1509 bytes, 2 segments, X25519MLKEM768 key share offered) was never answered: its 1448-byte segment was resent 6 times, the rest not; the server's cumulative ACK covers none of it (SACK blocks are not read)",
		"a middlebox on the path likely drops ClientHellos split over segments; the server never saw it complete (flow 1 to the same server sent its 277-byte ClientHello in one segment and was answered)",
	} {
		if f.Outcome != NoServerHello || !strings.Contains(f.Diagnosis, want) {
			t.Errorf("ML-KEM client: %s %q, want NO SH with %q", f.Outcome, f.Diagnosis, want)
		}
	}
	if n, ok := helloAckedBytes(f.TLS); !ok || n != 0 {
		t.Errorf("acked_bytes %d %v, want 0", n, ok)
	}
}

// TestSplitHelloNeedsAContrast: a split hello that failed where another
// split hello to the same server worked (contrast.pcap: the drop is on one
// client's path, flow 3 is two segments and OK) is not blamed on splitting;
// nor is one with no working flow to compare.
func TestSplitHelloNeedsAContrast(t *testing.T) {
	flows := loadWith(t, "../testdata/captures/contrast.pcap", NewLoader).Flows()
	split := 0
	for _, f := range flows {
		if strings.Contains(f.Diagnosis, "split over segments") {
			t.Errorf("contrast.pcap flow %d: %q", f.ID, f.Diagnosis)
		}
		if f.Outcome == NoServerHello && f.TLS.ClientHelloSegments > 1 {
			split++
		}
	}
	if split == 0 {
		t.Fatal("contrast.pcap has no failed split hello: the test says nothing")
	}
	one := *loadWith(t, "../testdata/captures/middlebox-split-hello.pcap", NewLoader).Flows()[1].Flow
	if v := withCrossNote(&one, splitHelloNotes(nil)); strings.Contains(v.Diagnosis, "split over segments") {
		t.Errorf("alone: %q", v.Diagnosis)
	}
}
