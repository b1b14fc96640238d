package decode

import (
	"hash/maphash"
	"net/netip"

	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// flowTable finds the flow a packet belongs to, whichever way it goes. It
// maps a seeded hash of the two endpoints (the same in both directions) to
// the flows with that hash, chained through flowState.next: 16 bytes a
// flow instead of a 36-byte key and its slot. The seed is random per
// process, so a capture cannot be crafted to make every flow collide.
type flowTable struct {
	seed maphash.Seed
	m    map[uint64]*flowState
}

type endpoint struct {
	addr [16]byte
	port uint16
}

func newFlowTable() flowTable {
	return flowTable{seed: maphash.MakeSeed(), m: make(map[uint64]*flowState)}
}

// hash is symmetric: a sum of the endpoints' own hashes.
func (t *flowTable) hash(src, dst netip.Addr, sport, dport uint16) uint64 {
	return maphash.Comparable(t.seed, endpoint{src.As16(), sport}) +
		maphash.Comparable(t.seed, endpoint{dst.As16(), dport})
}

// find returns the flow of seg's endpoints, or nil.
func (t *flowTable) find(h uint64, seg *packet.Segment) *flowState {
	for fs := t.m[h]; fs != nil; fs = fs.next {
		if fs.between(seg) {
			return fs
		}
	}
	return nil
}

// put makes fs the flow of its endpoints, replacing old (nil for none).
func (t *flowTable) put(h uint64, fs, old *flowState) {
	if old == nil {
		fs.next = t.m[h]
		t.m[h] = fs
		return
	}
	fs.next, old.next = old.next, nil
	if t.m[h] == old {
		t.m[h] = fs
		return
	}
	for p := t.m[h]; p != nil; p = p.next {
		if p.next == old {
			p.next = fs
			return
		}
	}
}

// between reports whether seg travels between the flow's endpoints.
func (fs *flowState) between(seg *packet.Segment) bool {
	return between(seg, fs.f.Client, fs.f.Server)
}

// between reports whether seg travels between endpoints c and s, either
// way (addresses compared as 16 bytes, like the hash). Ports first: most
// flows it is asked about (the previous packet's) differ there.
func between(seg *packet.Segment, c, s netip.AddrPort) bool {
	switch {
	case seg.SrcPort == c.Port() && seg.DstPort == s.Port() &&
		sameAddr(seg.Src, c.Addr()) && sameAddr(seg.Dst, s.Addr()):
		return true
	case seg.SrcPort == s.Port() && seg.DstPort == c.Port() &&
		sameAddr(seg.Src, s.Addr()) && sameAddr(seg.Dst, c.Addr()):
		return true
	}
	return false
}

// sameAddr compares addresses as 16 bytes (an IPv4 address equals its
// IPv4-mapped IPv6 form; zones are ignored), trying plain equality first.
func sameAddr(a, b netip.Addr) bool { return a == b || a.As16() == b.As16() }
