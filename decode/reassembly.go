package decode

import (
	"bytes"
	"slices"
	"sync"
)

// Caps on what one direction may buffer. Only the handshake needs bytes, so
// these are generous for TLS and small against a hostile capture.
const (
	maxPendingBytes    = 256 << 10 // out-of-order bytes waiting for a hole to fill
	maxPendingSegments = 512
	maxSeqJump         = 1 << 20 // a segment this far ahead is not this stream's next data
	tailKeep           = 1024    // recent delivered bytes kept to compare overlapping copies
)

// reassembler orders one direction's TCP payload by sequence number and
// delivers it contiguously. Retransmissions and overlaps are dropped (the
// first copy wins); a hole that never fills stops delivery.
type reassembler struct {
	started  bool
	next     uint32 // sequence number of the next byte to deliver
	pending  []heldSegment
	held     int    // bytes in pending
	tail     []byte // the last delivered bytes, for overlap comparison
	gap      int64  // bytes missing when delivery stopped at a hole
	holed    bool
	released bool // the direction needs no more bytes
}

type heldSegment struct {
	seq  uint32
	data []byte
}

// addResult says what happened to one segment.
type addResult struct {
	retransmit bool // wholly inside bytes already delivered or held
	outOfOrder bool // held until a hole fills
	conflict   bool // overlapped earlier bytes with different content
	holed      bool // this segment made us give up on the direction
}

// start sets the first expected sequence number (ISN+1 after a SYN).
func (r *reassembler) start(seq uint32) {
	if !r.started && !r.released {
		r.started, r.next = true, seq
	}
}

// restart moves the start of a direction that has delivered nothing yet
// (another SYN-ACK was the one acknowledged). Held segments were placed
// against the old start and are dropped. It reports whether it moved.
func (r *reassembler) restart(seq uint32) bool {
	if r.released || r.tail != nil {
		return false
	}
	r.started, r.next = true, seq
	r.pending, r.held = nil, 0
	return true
}

// add takes one segment's payload; deliver receives contiguous bytes in order.
func (r *reassembler) add(seq uint32, data []byte, deliver func([]byte)) addResult {
	var res addResult
	if r.holed || r.released || len(data) == 0 {
		return res
	}
	r.start(seq)
	diff := int64(int32(seq - r.next))
	end := diff + int64(len(data))
	if end <= 0 {
		res.retransmit = true
		res.conflict = r.differsFromTail(diff, data)
		return res
	}
	if diff < 0 {
		res.conflict = r.differsFromTail(diff, data[:-diff])
		data, seq, diff = data[-diff:], r.next, 0
	}
	if diff > maxSeqJump {
		// Not plausibly the next bytes of this stream: a stray or corrupt segment.
		res.retransmit = true
		return res
	}
	if diff > 0 {
		res.outOfOrder = true
		dup, conflict := r.hold(seq, data)
		res.retransmit, res.conflict = dup, res.conflict || conflict
		if r.held > maxPendingBytes || len(r.pending) > maxPendingSegments {
			r.giveUp()
			res.holed = true
		}
		return res
	}
	if len(r.pending) > 0 {
		// The segment runs into bytes already held out of order: those copies
		// came first and win, so only the bytes before them go straight through.
		if cut := int64(int32(r.pending[0].seq - r.next)); cut < int64(len(data)) {
			_, conflict := r.hold(seq+uint32(cut), data[cut:])
			res.conflict = res.conflict || conflict
			data = data[:cut]
		}
	}
	r.deliver(data, deliver)
	r.drain(deliver)
	if r.held > maxPendingBytes || len(r.pending) > maxPendingSegments {
		r.giveUp()
		res.holed = true
	}
	return res
}

// deliver hands bytes on and advances.
func (r *reassembler) deliver(data []byte, deliver func([]byte)) {
	r.next += uint32(len(data))
	if !r.released {
		r.keepTail(data)
	}
	deliver(data)
}

// drain delivers held segments that have become contiguous.
func (r *reassembler) drain(deliver func([]byte)) {
	for len(r.pending) > 0 {
		p := r.pending[0]
		diff := int64(int32(p.seq - r.next))
		if diff > 0 {
			return
		}
		r.pending = r.pending[1:]
		r.held -= len(p.data)
		if -diff < int64(len(p.data)) {
			r.deliver(p.data[-diff:], deliver)
		}
	}
	r.pending = nil
}

// hold stores an out-of-order segment, trimming what earlier held copies
// already cover (first copy wins). It reports a full duplicate and whether
// any overlapping bytes differed. Held segments are sorted and disjoint, so
// only the ones the segment overlaps are visited: a duplicate of a held
// segment costs a binary search and one compare, however long the queue.
func (r *reassembler) hold(seq uint32, data []byte) (dup, conflict bool) {
	start := r.rel(seq)
	end := start + int64(len(data))
	i := r.firstEndingAfter(start)
	var room [4][2]int64 // uncovered ranges [from, to), relative to next
	gaps := room[:0]
	pos := start
	j := i
	for ; j < len(r.pending) && r.rel(r.pending[j].seq) < end; j++ {
		p := r.pending[j]
		ps := r.rel(p.seq)
		pe := ps + int64(len(p.data))
		if ps > pos {
			gaps = append(gaps, [2]int64{pos, ps})
		}
		os, oe := max(start, ps), min(end, pe)
		conflict = conflict || !bytes.Equal(data[os-start:oe-start], p.data[os-ps:oe-ps])
		pos = max(pos, pe)
	}
	if pos < end {
		gaps = append(gaps, [2]int64{pos, end})
	}
	if len(gaps) == 0 {
		return true, conflict
	}
	if i == j {
		// Nothing held overlaps it (the usual out-of-order segment): it goes
		// in whole, with no merge.
		r.held += len(data)
		r.pending = slices.Insert(r.pending, i, heldSegment{seq, bytes.Clone(data)})
		return false, conflict
	}
	pieces := make([]heldSegment, len(gaps))
	for k, g := range gaps {
		pieces[k] = heldSegment{seq + uint32(g[0]-start), bytes.Clone(data[g[0]-start : g[1]-start])}
		r.held += int(g[1] - g[0])
	}
	// The pieces fill the spaces between pending[i:j], in order: merge them in.
	merged := make([]heldSegment, 0, j-i+len(pieces))
	a, b := i, 0
	for a < j || b < len(pieces) {
		if b == len(pieces) || a < j && r.rel(r.pending[a].seq) < r.rel(pieces[b].seq) {
			merged = append(merged, r.pending[a])
			a++
		} else {
			merged = append(merged, pieces[b])
			b++
		}
	}
	r.pending = slices.Replace(r.pending, i, j, merged...)
	return false, conflict
}

// rel is a sequence number's distance ahead of the next byte to deliver.
func (r *reassembler) rel(seq uint32) int64 { return int64(int32(seq - r.next)) }

// firstEndingAfter is the index of the first held segment that ends after
// rel (pending is sorted and its segments do not overlap).
func (r *reassembler) firstEndingAfter(rel int64) int {
	i, _ := slices.BinarySearchFunc(r.pending, rel, func(p heldSegment, rel int64) int {
		if r.rel(p.seq)+int64(len(p.data)) > rel {
			return 1
		}
		return -1
	})
	return i
}

// keepTail remembers the most recent delivered bytes in a fixed buffer
// (retransmissions almost always repeat the last segment or less).
func (r *reassembler) keepTail(data []byte) {
	if r.tail == nil {
		r.tail = (*tailPool.Get().(*[]byte))[:0]
	}
	if len(data) >= tailKeep {
		r.tail = append(r.tail[:0], data[len(data)-tailKeep:]...)
		return
	}
	if over := len(r.tail) + len(data) - tailKeep; over > 0 {
		n := copy(r.tail, r.tail[over:])
		r.tail = r.tail[:n]
	}
	r.tail = append(r.tail, data...)
}

// differsFromTail compares a retransmitted copy (starting diff bytes before
// next, diff < 0) with the delivered bytes we still remember.
func (r *reassembler) differsFromTail(diff int64, data []byte) bool {
	start := int64(len(r.tail)) + diff
	if start <= -int64(len(data)) {
		return false // wholly older than the bytes we remember
	}
	if start < 0 {
		data = data[-start:]
		start = 0
	}
	n := min(int64(len(data)), int64(len(r.tail))-start)
	if n <= 0 {
		return false
	}
	return !bytes.Equal(data[:n], r.tail[start:start+n])
}

// finish is called at the end of the capture: held bytes behind a hole mean
// the hole never filled.
func (r *reassembler) finish() {
	if len(r.pending) > 0 {
		r.giveUp()
	}
}

func (r *reassembler) giveUp() {
	if len(r.pending) > 0 {
		r.gap = int64(int32(r.pending[0].seq - r.next))
	}
	r.holed = true
	r.release()
}

// release frees buffers once the direction needs no more bytes.
func (r *reassembler) release() {
	if r.tail != nil {
		t := r.tail[:0]
		tailPool.Put(&t)
	}
	r.pending, r.held, r.tail = nil, 0, nil
	r.released = true
}

// tailPool recycles tail buffers: every direction of every flow needs one
// while its handshake is decoded, and only then.
var tailPool = sync.Pool{New: func() any {
	b := make([]byte, 0, tailKeep)
	return &b
}}
