package decode

import (
	"net/netip"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// TestFlowTableChainsCollisions puts several flows under one hash (as if
// their endpoints collided) and checks each is still found, also after one
// is replaced by a new connection on its tuple.
func TestFlowTableChainsCollisions(t *testing.T) {
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
