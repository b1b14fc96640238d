package decode

import (
	"math"
	"slices"
	"testing"
)

func TestPacketRefsListEvidenceAndSpanTheRest(t *testing.T) {
	var r PacketRefs
	add := []PacketRef{
		{Index: 1, Offset: 24, Evidence: true},
		{Index: 5, Offset: 400},
		{Index: 6, Offset: 1_000_000, Evidence: true},
		{Index: 900_000, Offset: 5_000_000_000, Evidence: true},
		{Index: 900_001, Offset: 5_000_000_100},
	}
	for _, p := range add {
		r.Add(p.Index, p.Offset, p.Evidence, false)
	}
	want := []PacketRef{add[0], add[2], add[3]}
	got := r.Listed()
	if len(got) != len(want) {
		t.Fatalf("listed %d refs, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ref %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	fp := r.packets(&Flow{})
	if fp.Complete || fp.Total != 5 || fp.From != (PacketRef{Index: 1, Offset: 24}) || fp.To != 5_000_000_100 {
		t.Errorf("packets = %+v; want 5 packets from the first to offset 5000000100, not complete", fp)
	}
}

func TestPacketRefsListEverythingWhenAsked(t *testing.T) {
	var r PacketRefs
	r.Add(3, 100, false, true)
	r.Add(4, 200, true, true)
	if fp := r.packets(&Flow{}); !fp.Complete || len(fp.Listed) != 2 || fp.Listed[0].Evidence || !fp.Listed[1].Evidence {
		t.Errorf("packets = %+v; want both listed, complete", fp)
	}
}

func TestPacketRefsCompact(t *testing.T) {
	var r PacketRefs
	off := int64(24)
	for i := 1; i <= 10000; i++ {
		r.Add(i*3, off, true, false)
		off += 1514 + 16
	}
	if per := float64(r.size()) / 10000; per > 3.5 {
		t.Errorf("%.1f bytes per packet, want <= 3.5", per)
	}
}

// TestMemoryDoesNotGrowWithData: bulk data after the handshake adds nothing
// to what a flow keeps.
func TestPacketRefsDoNotGrowWithData(t *testing.T) {
	var r PacketRefs
	r.Add(1, 24, true, false)
	before := int(r.buf.c)
	for i := 2; i < 100_000; i++ {
		r.Add(i, int64(i)*1500, false, false)
	}
	if int(r.buf.c) != before || r.total != 99_999 {
		t.Errorf("size %d -> %d bytes over 100,000 data packets (%d packets)", before, int(r.buf.c), r.total)
	}
}

// A SYN flood's flows (a SYN, maybe a RST) list their packets without a
// heap object each: a million of them made a million small slices.
func TestPacketRefsFirstPacketsNeedNoAllocation(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		var r PacketRefs
		r.Add(1_000_000, 600_000_000, true, false)
		r.Add(1_000_350, 600_040_000, true, false)
		if r.buf.p != nil {
			t.Fatalf("a SYN and its RST spilled out of the inline refs (%d bytes)", r.size())
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations for a SYN and a RST, want 0", allocs)
	}
}

// Packets listed across the inline bytes and the spilled ones come back
// in order, exactly.
func TestPacketRefsRoundTripAcrossSpill(t *testing.T) {
	var r PacketRefs
	var want []PacketRef
	idx, off := 7, int64(5_000)
	for i := range 40 {
		p := PacketRef{Index: idx, Offset: off, Evidence: i%3 != 1}
		r.Add(p.Index, p.Offset, p.Evidence, true)
		want = append(want, p)
		idx += 1 + i*i*97
		off += int64(60 + i*i*i*1000)
	}
	if r.inlineN == 0 || r.buf.p == nil {
		t.Fatalf("fixture: want both inline (%d bytes) and spilled (%d bytes) refs", r.inlineN, r.buf.n)
	}
	if got := r.Listed(); !slices.Equal(got, want) {
		t.Errorf("listed %+v\nwant %+v", got, want)
	}
}

// TestPacketRefsStopListingAt4GiB: the spilled references are held with
// 32-bit lengths; a flow that would pass 4 GiB of them (TCPOnly lists every
// packet) stops being listed exactly, and export then finds its packets by
// scanning, as for any flow not listed whole.
func TestPacketRefsStopListingAt4GiB(t *testing.T) {
	var r PacketRefs
	r.Add(1, 0, true, true)
	full := make([]byte, 1, 1)
	r.buf = heapBytes{p: &full[0], n: math.MaxUint32 - 1, c: math.MaxUint32 - 1} // as if full: never read here
	listed := r.listed
	r.Add(2, 100, true, true)
	if r.listed != listed || r.total != 2 || r.buf.n != math.MaxUint32-1 {
		t.Fatalf("past 4 GiB: %d listed (was %d), %d packets, %d bytes", r.listed, listed, r.total, r.buf.n)
	}
	if r.listed == r.total { // what FlowPackets.Complete says (Listed would read the fake bytes)
		t.Fatal("a flow not listed whole says it is complete: export would not scan for the rest")
	}
}
