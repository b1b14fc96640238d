package decode

import "testing"

// TestKeptTimelinesDoNotOverlap: timelines share an event slab, so an event
// added to one after it was kept (a late RST) must not land in the next.
func TestKeptTimelinesDoNotOverlap(t *testing.T) {
	var sh shared
	a := sh.keepEvents([]Event{{Kind: EvSYN}, {Kind: EvSYNACK}})
	b := sh.keepEvents([]Event{{Kind: EvFIN}})
	a = append(a, Event{Kind: EvRST})
	if len(a) != 3 || a[2].Kind != EvRST || len(b) != 1 || b[0].Kind != EvFIN {
		t.Fatalf("a = %v, b = %v", a, b)
	}
	long := make([]Event, eventSlab)
	if got := sh.keepEvents(long); len(got) != eventSlab {
		t.Fatalf("a timeline longer than a slab kept %d events", len(got))
	}
}

// TestFlowsComeFromSlabs: flows are carved out of slabs, each its own.
func TestFlowsComeFromSlabs(t *testing.T) {
	a := NewAnalyzer()
	seen := map[*Flow]bool{}
	for i := 0; i < 3*maxSlab; i++ {
		s := a.slotFor()
		a.flows = append(a.flows, &s.fs)
		if seen[&s.f] {
			t.Fatal("a slot was handed out twice")
		}
		seen[&s.f] = true
	}
}
