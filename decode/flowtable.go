package decode

import (
	"hash/maphash"
	"net/netip"

	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// flowTable finds the flow a packet belongs to, whichever way it goes. It
// keeps a seeded hash of the two endpoints (the same in both directions)
// beside each flow's state in one flat array, found by open addressing
// with linear probing: a look-up reads one slot's cache line where a Go map
// read two (finding a packet's flow was 16% of the CPU on a million-flow
// SYN flood), in 16 bytes a slot, about as much as the map took. Flows whose
// hashes collide sit in neighbouring slots. The seed is random per process,
// so a capture cannot be crafted to make every flow collide.
type flowTable struct {
	seed  maphash.Seed
	slots []tableSlot // a power of two of them, or none yet
	used  int
}

// tableSlot is one place of the table: hash 0 marks it empty (a flow whose
// hash is 0 is kept under 1).
type tableSlot struct {
	h  uint64
	fs *flowState
}

// flowTableMinSlots is the table's first size; it doubles past 3/4 full.
const flowTableMinSlots = 16

type endpoint struct {
	addr [16]byte
	port uint16
}

func newFlowTable() flowTable {
	return flowTable{seed: maphash.MakeSeed()}
}

// hash is symmetric: a sum of the endpoints' own hashes.
func (t *flowTable) hash(src, dst netip.Addr, sport, dport uint16) uint64 {
	return maphash.Comparable(t.seed, endpoint{src.As16(), sport}) +
		maphash.Comparable(t.seed, endpoint{dst.As16(), dport})
}

// slotHash is h as the slots keep it: never 0, which marks an empty slot.
func slotHash(h uint64) uint64 { return max(h, 1) }

// find returns the flow of seg's endpoints, or nil.
func (t *flowTable) find(h uint64, seg *packet.Segment) *flowState {
	if len(t.slots) == 0 {
		return nil
	}
	h = slotHash(h)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.h == 0 {
			return nil
		}
		if sl.h == h && sl.fs.between(seg) {
			return sl.fs
		}
	}
}

// put makes fs the flow of its endpoints, replacing old (nil for none: a
// flow find returned for the same hash).
func (t *flowTable) put(h uint64, fs, old *flowState) {
	if old != nil {
		if i, ok := t.place(h, old); ok {
			t.slots[i].fs = fs
			return
		}
	}
	if (t.used+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	t.insert(slotHash(h), fs)
	t.used++
}

// place is the slot that holds fs under hash h, if one does.
func (t *flowTable) place(h uint64, fs *flowState) (uint64, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	h = slotHash(h)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; t.slots[i].h != 0; i = (i + 1) & mask {
		if t.slots[i].fs == fs {
			return i, true
		}
	}
	return 0, false
}

// insert puts fs in the first empty slot from h's; there is one.
func (t *flowTable) insert(h uint64, fs *flowState) {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].h != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = tableSlot{h, fs}
}

// grow doubles the slots and places every flow again.
func (t *flowTable) grow() {
	old := t.slots
	t.slots = written[tableSlot](max(flowTableMinSlots, 2*len(old)))
	for _, sl := range old {
		if sl.h != 0 {
			t.insert(sl.h, sl.fs)
		}
	}
}

// remove takes fs out of the table, if it is still in it (a flow a new
// connection on its tuple replaced is not). The slots after it that would
// no longer be reached move back into the hole (no tombstones: retention
// removes flows for as long as a live capture runs).
func (t *flowTable) remove(h uint64, fs *flowState) {
	i, ok := t.place(h, fs)
	if !ok {
		return
	}
	mask := uint64(len(t.slots) - 1)
	for j := (i + 1) & mask; t.slots[j].h != 0; j = (j + 1) & mask {
		home := t.slots[j].h & mask
		// The slot at j stays if its home lies cyclically in (i, j].
		if i <= j && i < home && home <= j || j < i && (i < home || home <= j) {
			continue
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = tableSlot{}
	t.used--
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
