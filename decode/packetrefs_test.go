package decode

import (
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
	before := cap(r.buf)
	for i := 2; i < 100_000; i++ {
		r.Add(i, int64(i)*1500, false, false)
	}
	if cap(r.buf) != before || r.total != 99_999 {
		t.Errorf("size %d -> %d bytes over 100,000 data packets (%d packets)", before, cap(r.buf), r.total)
	}
}

// A SYN flood's flows (a SYN, maybe a RST) list their packets without a
// heap object each: a million of them made a million small slices.
func TestPacketRefsFirstPacketsNeedNoAllocation(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		var r PacketRefs
		r.Add(1_000_000, 600_000_000, true, false)
		r.Add(1_000_350, 600_040_000, true, false)
		if r.buf != nil {
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
	if r.inlineN == 0 || r.buf == nil {
		t.Fatalf("fixture: want both inline (%d bytes) and spilled (%d bytes) refs", r.inlineN, len(r.buf))
	}
	if got := r.Listed(); !slices.Equal(got, want) {
		t.Errorf("listed %+v\nwant %+v", got, want)
	}
}
