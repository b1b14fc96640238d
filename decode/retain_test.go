package decode

import (
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// feedFile adds every packet of a capture to a.
func feedFile(t *testing.T, a *Analyzer, path string) {
	t.Helper()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for {
		p, err := src.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		a.Add(&p)
	}
}

// TestDropForgetsFlows drops every other flow of 20 passes over a 40-flow
// capture (each pass's connections are new flows on the same tuples): the
// kept flows keep their IDs, facts and packet references through the
// squeeze of the flow list, the dropped ones are gone from Flows, Packets
// and Touch, and a packet of a dropped connection starts a new flow.
func TestDropForgetsFlows(t *testing.T) {
	path := filepath.Join("..", "ui", "testdata", "mix40.pcap")
	a := NewAnalyzer()
	for range 20 {
		feedFile(t, a, path)
	}
	all := a.Flows()
	if len(all) < 800 {
		t.Fatalf("%d flows, want 20 passes of 40", len(all))
	}
	want := map[int]FlowPackets{}
	for _, f := range all {
		if f.ID%2 == 0 {
			want[f.ID] = a.Packets(f.ID)
		}
	}
	for _, f := range all {
		if f.ID%2 == 1 && !a.Drop(f.ID) {
			t.Fatalf("Drop(%d) found nothing", f.ID)
		}
	}
	if a.Drop(1) {
		t.Error("a flow dropped twice")
	}
	if a.holes != 0 {
		t.Errorf("%d holes left after dropping half of %d flows: the list was not squeezed", a.holes, len(all))
	}
	kept := a.Flows()
	if len(kept) != len(want) {
		t.Fatalf("%d flows kept, want %d", len(kept), len(want))
	}
	for _, f := range kept {
		if f.ID%2 != 0 {
			t.Fatalf("dropped flow %d still listed", f.ID)
		}
		if got := a.Packets(f.ID); !reflect.DeepEqual(got, want[f.ID]) {
			t.Fatalf("flow %d's packets changed with the drops", f.ID)
		}
	}
	if p := a.Packets(3); p.Total != 0 {
		t.Errorf("a dropped flow still has %d packets", p.Total)
	}
	a.TakeDirty(nil)
	a.Touch(3)
	if a.DirtyCount() != 0 {
		t.Error("Touch of a dropped flow marked something")
	}
	last := kept[len(kept)-1].ID
	feedFile(t, a, path) // the same connections again: new flows after the last ID
	after := a.Flows()
	if n := len(after) - len(kept); n != 40 || after[len(kept)].ID != last+1 {
		t.Errorf("feeding again made %d flows from ID %d, want 40 from %d", n, after[len(kept)].ID, last+1)
	}
}
