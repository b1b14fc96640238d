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
// way (addresses compared as 16 bytes, like the hash).
func between(seg *packet.Segment, c, s netip.AddrPort) bool {
	src, dst := seg.Src.As16(), seg.Dst.As16()
	ca, sa := c.Addr().As16(), s.Addr().As16()
	return src == ca && seg.SrcPort == c.Port() && dst == sa && seg.DstPort == s.Port() ||
		src == sa && seg.SrcPort == s.Port() && dst == ca && seg.DstPort == c.Port()
}
