package model

import (
	"path/filepath"
	"testing"
)

// TestExportTunnelledFlows: each bundled tunnel capture (VXLAN, GRE, gretap,
// ERSPAN II/III, MPLS, PPPoE, GTP-U, IP in IP, 6in4) holds one connection,
// found by its inner addresses; exporting it writes every frame of the file,
// tunnel headers included, byte for byte.
func TestExportTunnelledFlows(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/tunnel-*.pcap")
	if len(paths) < 10 {
		t.Fatalf("%d tunnel captures, want 10", len(paths))
	}
	for _, in := range paths {
		t.Run(filepath.Base(in), func(t *testing.T) {
			l := mustLoad(t, in)
			flows := l.Flows()
			if len(flows) != 1 {
				t.Fatalf("%d flows, want the one connection inside the tunnel", len(flows))
			}
			if c := flows[0].Client.Addr(); c.String() == "203.0.113.1" || c.String() == "203.0.113.2" {
				t.Fatalf("client %v is the tunnel endpoint, not the inner address", c)
			}
			out := filepath.Join(t.TempDir(), "flow.pcap")
			if _, err := Export(l, ExportRequest{Input: in, Flows: []int{flows[0].ID}, Out: out}); err != nil {
				t.Fatal(err)
			}
			want := exRead(t, in)
			all := make([]int, len(want.packets))
			for i := range all {
				all[i] = i + 1
			}
			exSame(t, want, exRead(t, out), all)
		})
	}
}
