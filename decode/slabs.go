package decode

import "github.com/pcapsurgery/pcapsurgery/decode/keylog"

// A capture's flows live as long as its analyzer, so they are carved out of
// slabs instead of being allocated one by one: no size-class rounding, far
// fewer objects for the garbage collector to visit, and no holes left
// between them by the short-lived decoding buffers that come and go.

// flowSlot holds one flow's decoding state and where its packets are. The
// flow itself is allocated on its own: once handed out it may be replaced
// by a copy (flowState.own), and a version nobody reads any more must go,
// not pin a slab.
type flowSlot struct {
	fs   flowState
	refs PacketRefs
}

// bareSlot is a flowSlot without the packets (Analyzer.NoPackets).
type bareSlot struct {
	fs flowState
}

// Slabs start small (a capture of one connection stays small) and double.
const (
	firstSlab = 16
	maxSlab   = 512
	byteSlab  = 32 << 10 // bytes of finished timelines and packet references per slab
)

// shared is what every flow of an analyzer uses: the caches, and the slabs
// that finished timelines and packet references are copied into.
type shared struct {
	certs  certCache
	intern interner
	kept   []byte      // free room in the current byte slab (keepBytes)
	spare  []*dirState // stopped direction states, for the next handshakes
	held   heldBudget  // bytes held across all flows (budget.go)
	keys   *keylog.Log // secrets to decrypt with (decrypt.go); nil without a key log
	loose  bool        // flows are dropped (retain.go): no shared event slabs
}

// Recycling bounds: how many stopped states wait, and the largest record
// buffer one keeps (most handshake records are a few hundred bytes).
const (
	maxSpareStates = 1024
	maxSpareBody   = 8 << 10
)

// newDirState returns a clean state for direction d, reusing a stopped
// one and its record buffer: every handshake needs one per side, and only
// while it lasts.
func (sh *shared) newDirState(d Dir) *dirState {
	n := len(sh.spare)
	if n == 0 {
		return &dirState{dir: d}
	}
	s := sh.spare[n-1]
	sh.spare = sh.spare[:n-1]
	body := s.rec.body[:0]
	*s = dirState{dir: d}
	s.rec.body = body
	return s
}

// recycle keeps a stopped state for newDirState. It stays as it is (done)
// until reused: the code that stopped it may still be looking at it, and
// nothing reuses it before the next packet.
func (sh *shared) recycle(s *dirState) {
	if cap(s.rec.body) > maxSpareBody {
		s.rec.release()
	}
	if len(sh.spare) < maxSpareStates {
		sh.spare = append(sh.spare, s)
	}
}

// slotFor returns a zeroed decoding state for a new flow, with its packet
// references unless NoPackets.
func (a *Analyzer) slotFor() *flowState {
	if a.NoPackets {
		return &carve(&a.bare, a).fs
	}
	s := carve(&a.slab, a)
	s.fs.refs = &s.refs
	return &s.fs
}

// carve takes the next slot of a slab, making a new slab when it is used
// up: small at first (a capture of one connection stays small), then as
// many slots as there are flows, up to maxSlab. Once a flow was dropped
// (retention) each slot is allocated alone: a dropped flow's memory must
// not be pinned by its slab's others.
func carve[T any](slab *[]T, a *Analyzer) *T {
	if a.loose {
		return new(T)
	}
	if len(*slab) == 0 {
		*slab = written[T](min(maxSlab, max(firstSlab, len(a.flows))))
	}
	s := &(*slab)[0]
	*slab = (*slab)[1:]
	return s
}

// keepBytes copies a finished flow's bytes (its packed timeline, its packet
// references) into a byte slab, at their exact length (appending to them
// again would copy them out, never overwrite).
func (sh *shared) keepBytes(ev []byte) []byte {
	if len(ev) == 0 {
		return nil
	}
	if len(ev) > byteSlab/8 || sh.loose {
		return append([]byte(nil), ev...) // rare long timelines get their own
	}
	if len(sh.kept) < len(ev) {
		sh.kept = make([]byte, byteSlab)
	}
	kept := sh.kept[:len(ev):len(ev)]
	copy(kept, ev)
	sh.kept = sh.kept[len(ev):]
	return kept
}

// written is make([]T, n) with every page of it written once. Memory the
// runtime takes fresh from the system it does not clear (it is zero), and
// a page first touched by a read maps the system's shared zero page: the
// write that follows faults again and flushes the page from every core's
// TLB. A flow's slot and its flow-table entries are read before they are
// written; writing them first took summary --json on the 1M-flow SYN
// flood from 202-206 k minor page faults to 175-180 k.
func written[T any](n int) []T {
	s := make([]T, n)
	clear(s)
	return s
}
