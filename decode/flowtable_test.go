package decode

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// TestFlowTableKeepsCollisionsApart puts several flows under one hash (as
// if their endpoints collided) and checks each is still found, also after
// one is replaced by a new connection on its tuple.
func TestFlowTableKeepsCollisionsApart(t *testing.T) {
	tab := newFlowTable()
	mk := func(port uint16) (*flowState, *packet.Segment) {
		c := netip.MustParseAddrPort("10.0.0.1:1")
		s := netip.AddrPortFrom(netip.MustParseAddr("10.0.0.2"), port)
		return &flowState{f: &Flow{Client: c, Server: s}},
			&packet.Segment{Src: s.Addr(), SrcPort: port, Dst: c.Addr(), DstPort: 1} // server to client
	}
	a, sa := mk(443)
	b, sb := mk(444)
	c, sc := mk(445)
	for _, fs := range []*flowState{a, b, c} {
		tab.put(7, fs, nil)
	}
	b2, _ := mk(444)
	tab.put(7, b2, tab.find(7, sb))
	for _, tc := range []struct {
		seg  *packet.Segment
		want *flowState
	}{{sa, a}, {sb, b2}, {sc, c}} {
		if got := tab.find(7, tc.seg); got != tc.want {
			t.Errorf("port %d: found %p, want %p", tc.seg.SrcPort, got, tc.want)
		}
	}
	other := &packet.Segment{Src: netip.MustParseAddr("10.9.9.9"), SrcPort: 1, Dst: netip.MustParseAddr("10.0.0.2"), DstPort: 443}
	if tab.find(7, other) != nil {
		t.Error("a packet between other endpoints found a flow")
	}
	if h1, h2 := tab.hash(sa.Src, sa.Dst, sa.SrcPort, sa.DstPort), tab.hash(sa.Dst, sa.Src, sa.DstPort, sa.SrcPort); h1 != h2 {
		t.Error("the hash depends on the direction")
	}
}

// TestFlowTableRemoveKeepsTheOthersFound fills the table with flows whose
// hashes crowd a few slots (runs that wrap round the end of the array),
// then removes and adds flows at random: every flow in the table is found
// under its hash, and no removed one is, whatever moved back into a hole.
func TestFlowTableRemoveKeepsTheOthersFound(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tab := newFlowTable()
	type entry struct {
		h   uint64
		fs  *flowState
		seg *packet.Segment
	}
	var in, out []entry
	port := uint16(1000)
	add := func() {
		port++
		c := netip.AddrPortFrom(netip.MustParseAddr("10.0.0.1"), port)
		s := netip.MustParseAddrPort("10.0.0.2:443")
		fs := &flowState{f: &Flow{Client: c, Server: s}}
		// Hashes near the top of a small table's range and 0 (kept as 1).
		h := []uint64{0, 1, 2, 13, 14, 15, 16, 31, 63, 1<<64 - 1}[r.IntN(10)] + uint64(r.IntN(3))*16
		tab.put(h, fs, nil)
		in = append(in, entry{h, fs, &packet.Segment{Src: c.Addr(), SrcPort: port, Dst: s.Addr(), DstPort: 443}})
	}
	for range 8 {
		add()
	}
	for step := range 2000 {
		// Between 4 and 11 flows: the table stays at its first 16 slots
		// (it doubles past 12), where hash 15's run wraps round to 0 and 1.
		if len(in) > 11 || len(in) > 4 && r.IntN(2) == 0 {
			k := r.IntN(len(in))
			e := in[k]
			tab.remove(e.h, e.fs)
			tab.remove(e.h, e.fs) // a second time: not there, nothing moves
			in = append(in[:k], in[k+1:]...)
			out = append(out, e)
		} else {
			add()
		}
		for _, e := range in {
			if got := tab.find(e.h, e.seg); got != e.fs {
				t.Fatalf("step %d: flow of port %d under %#x: found %p, want %p", step, e.seg.SrcPort, e.h, got, e.fs)
			}
		}
		for _, e := range out {
			if got := tab.find(e.h, e.seg); got != nil {
				t.Fatalf("step %d: removed flow of port %d still found", step, e.seg.SrcPort)
			}
		}
		if len(tab.slots) != flowTableMinSlots || tab.used != len(in) {
			t.Fatalf("step %d: %d of %d slots used for %d flows", step, tab.used, len(tab.slots), len(in))
		}
	}
}
