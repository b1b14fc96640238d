package decode

import (
	"cmp"
	"fmt"
	"slices"
)

// DefaultMaxHeld is the default budget for bytes held across all flows:
// enough for tens of thousands of handshakes in progress at once, small
// against a laptop's memory.
const DefaultMaxHeld = 256 << 20

// heldSegmentCost is what one held segment costs beyond its bytes: its
// entry in the queue and the rounding of its allocation.
const heldSegmentCost = 64

// heldBudget bounds the sum of what flows hold while they wait: segments
// parked behind a hole, a handshake message or record not yet complete.
// Per-direction caps bound one flow; this bounds them all. Past the budget,
// the directions that hold most stop being decoded, their bytes dropped,
// until a quarter of the budget is free again (so the sort is rare).
type heldBudget struct {
	max     int64 // 0: DefaultMaxHeld
	total   int64
	holders []holding    // directions holding bytes now, in no order
	stopped []*flowState // flows the budget changed, for the analyzer to mark dirty
	drops   int          // directions stopped, in all
}

type holding struct {
	fs *flowState
	s  *dirState
}

func (b *heldBudget) limit() int64 {
	if b.max > 0 {
		return b.max
	}
	return DefaultMaxHeld
}

// heldBy is what a direction holds now. A record buffer counts only while a
// record is half-read: between records it is scratch space, reused.
func heldBy(s *dirState) int64 {
	if s.mode == modeDone {
		return 0
	}
	n := s.re.held + heldSegmentCost*len(s.re.pending) + cap(s.hs) + cap(s.line) + cap(s.v2)
	if s.rec.need > 0 && s.rec.keep {
		n += cap(s.rec.body)
	}
	return int64(n)
}

// update re-counts what direction s of fs holds.
func (b *heldBudget) update(fs *flowState, s *dirState) {
	now := heldBy(s)
	b.total += now - s.held
	s.held = now
	switch {
	case now > 0 && s.holderAt == 0:
		b.holders = append(b.holders, holding{fs, s})
		s.holderAt = len(b.holders)
	case now == 0 && s.holderAt != 0:
		i, last := s.holderAt-1, len(b.holders)-1
		b.holders[i] = b.holders[last]
		b.holders[i].s.holderAt = i + 1
		b.holders[last] = holding{}
		b.holders = b.holders[:last]
		s.holderAt = 0
	}
}

// enforce stops the directions that hold most while the total is over budget.
func (b *heldBudget) enforce() {
	limit := b.limit()
	if b.total <= limit {
		return
	}
	total := b.total
	biggest := slices.Clone(b.holders)
	slices.SortFunc(biggest, func(x, y holding) int { return cmp.Compare(y.s.held, x.s.held) })
	for _, h := range biggest {
		if b.total <= limit-limit/4 {
			break
		}
		if h.s.mode == modeDone || h.fs.dir(h.s.dir) != h.s {
			continue
		}
		h.fs.dropHeld(h.s, total, limit)
		b.stopped = append(b.stopped, h.fs)
		b.drops++
	}
}

// dropHeld stops direction s at the memory budget: what it held is dropped
// unread, and the flow says so.
func (fs *flowState) dropHeld(s *dirState, total, limit int64) {
	d := s.dir
	fs.own()
	fs.stream().HeldDropped[d] = s.held
	fs.problem(d, fmt.Sprintf("held bytes dropped: memory budget (this side held %d bytes when %d were held across all flows, over the %d-byte budget)",
		s.held, total, limit))
}
