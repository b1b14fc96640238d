package decode

import (
	"slices"

	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// Tracker gives every TCP segment its flow ID: one flow per connection,
// keyed by the 4-tuple, and a new flow when a SYN starts a new connection on
// a tuple in use (the old one closed, or the SYN carries a new ISN). IDs
// count from 1 in order of first packet. It keeps only what those rules
// need, so it can run ahead of the analyzer on another core.
type Tracker struct {
	conns map[flowKey]*connState
	last  int
}

type connState struct {
	id     int
	syn    bool   // a SYN (without ACK) was seen
	isn    uint32 // that SYN's sequence number
	synAck bool
	rst    bool
	fin    [2]bool // by the lower and the higher endpoint of the key
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker { return &Tracker{conns: make(map[flowKey]*connState)} }

// flowKey identifies a TCP conversation whichever way a packet goes: the
// lower endpoint always comes first.
type flowKey struct {
	loAddr, hiAddr [16]byte
	loPort, hiPort uint16
}

// keyOf returns the segment's key and whether its source is the higher endpoint.
func keyOf(seg *packet.Segment) (flowKey, int) {
	a, b := seg.Src.As16(), seg.Dst.As16()
	pa, pb := seg.SrcPort, seg.DstPort
	if c := slices.Compare(a[:], b[:]); c > 0 || c == 0 && pa > pb {
		return flowKey{b, a, pb, pa}, 1
	}
	return flowKey{a, b, pa, pb}, 0
}

// Track returns the segment's flow ID, and whether it starts a new flow.
func (t *Tracker) Track(seg *packet.Segment) (id int, isNew bool) {
	k, side := keyOf(seg)
	c := t.conns[k]
	if c == nil || c.newConnection(seg) {
		t.last++
		c = &connState{id: t.last}
		t.conns[k] = c
		isNew = true
	}
	switch {
	case seg.Has(packet.FlagSYN | packet.FlagACK):
		c.synAck = true
	case seg.Has(packet.FlagSYN):
		if c.syn {
			return c.id, isNew // a retransmitted SYN changes nothing else (as in markTCP)
		}
		c.syn, c.isn = true, seg.Seq
	}
	if seg.Has(packet.FlagRST) {
		c.rst = true
	}
	if seg.Has(packet.FlagFIN) {
		c.fin[side] = true
	}
	return c.id, isNew
}

// newConnection reports whether a SYN starts a new connection on a tuple
// already in use: the old one closed (both FINs or a RST), or the SYN
// carries a new ISN, or the tuple had only seen the server's side.
func (c *connState) newConnection(seg *packet.Segment) bool {
	if !seg.Has(packet.FlagSYN) || seg.Has(packet.FlagACK) {
		return false
	}
	if c.rst || c.fin[0] && c.fin[1] {
		return true
	}
	if c.syn {
		return seg.Seq != c.isn
	}
	return c.synAck
}
