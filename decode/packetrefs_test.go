package decode

import "testing"

func TestPacketRefsRoundTrip(t *testing.T) {
	var r PacketRefs
	want := []PacketRef{
		{Index: 1, Offset: 24, Evidence: true},
		{Index: 5, Offset: 400},
		{Index: 6, Offset: 1_000_000},
		{Index: 900_000, Offset: 5_000_000_000, Evidence: true},
	}
	for _, p := range want {
		r.Add(p.Index, p.Offset, p.Evidence)
	}
	r.Add(900_001, 5_000_000_100, false)
	r.MarkLastEvidence()
	want = append(want, PacketRef{Index: 900_001, Offset: 5_000_000_100, Evidence: true})
	got := r.All()
	if len(got) != len(want) {
		t.Fatalf("got %d refs, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ref %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if r.Len() != 5 {
		t.Errorf("Len = %d", r.Len())
	}
}

func TestPacketRefsCompact(t *testing.T) {
	var r PacketRefs
	off := int64(24)
	for i := 1; i <= 10000; i++ {
		r.Add(i*3, off, false)
		off += 1514 + 16
	}
	if per := float64(len(r.buf)) / 10000; per > 3.5 {
		t.Errorf("%.1f bytes per packet, want <= 3.5", per)
	}
}
