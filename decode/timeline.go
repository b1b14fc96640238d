package decode

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// Timeline is a flow's events packed into bytes: a full handshake's
// timeline takes about half of what it took as a []Event (16 bytes an
// event), and timelines were the largest thing the analyzer kept per flow
// after the flows themselves. Read it with Flow.Events (or All); build one
// by hand with MakeTimeline.
//
// Each event is a header byte (kind in the low 5 bits, direction in bit 5,
// its shape in bits 6-7) and fixed-width little-endian fields, so reading
// one is a few loads, not a varint loop: the diagnosis reads a timeline
// many times over.
//
//	shape 0: time (u32)                               5 bytes: TCP flags, CCS
//	shape 1: time (u32), Code (u8), Len (u16)         8 bytes: most records
//	shape 2: time (u32), Code (u16), Len (i32)       11 bytes
//	shape 3: kind (u8), At (i64), Code (u16), Len (i32)  16 bytes
//
// The first event is shape 3; a later one's time is its distance in ns from
// the first, and one too far from it (4.29 s or more, or before it) or with
// a kind over 30 is shape 3 too: every field comes back exactly, and an
// append needs the first event, never a scan.
//
// A timeline is only appended to, and an append never writes below the
// length of the timeline it extends: a published flow and the copy the
// analyzer goes on writing (flowState.own) may share the bytes.
//
// It holds its bytes as a pointer and two 16-bit lengths, not a slice, and
// the count of events cut: 16 bytes, so a flow fits a 288-byte object
// instead of a 320-byte one. Up to 64 KiB of events (the analyzer keeps at
// most maxEvents, 1.6 KiB); past that an append counts as cut.
type Timeline struct {
	p    *byte  // n bytes used of c, as in a slice (bytes)
	n, c uint16 //
	cut  int32  // events dropped once the cap was reached (Cut)
}

const maxTimelineBytes = math.MaxUint16

// bytes is the timeline's bytes as a slice (its capacity what is left).
func (t Timeline) bytes() []byte {
	if t.p == nil {
		return nil
	}
	return unsafe.Slice(t.p, t.c)[:t.n]
}

// setBytes makes b (at most maxTimelineBytes long) the timeline's bytes.
func (t *Timeline) setBytes(b []byte) {
	if cap(b) == 0 {
		t.p, t.n, t.c = nil, 0, 0
		return
	}
	t.p, t.n, t.c = unsafe.SliceData(b), uint16(len(b)), uint16(min(cap(b), maxTimelineBytes))
}

// Cut is the number of events dropped once the timeline was full (a flow
// keeps maxEvents).
func (t Timeline) Cut() int32 { return t.cut }

const (
	tlKindMask  = 0x1f
	tlServer    = 1 << 5
	tlShapeBits = 6
	tlMinEvent  = 5 // bytes of the smallest event
	tlMaxEvent  = 16
)

// tlSize is the bytes of an event of each shape, header included.
var tlSize = [4]int{5, 8, 11, 16}

// MakeTimeline packs events, for flows built by hand (tests, what-if
// comparisons).
func MakeTimeline(events ...Event) Timeline { return Timeline{}.Append(events...) }

// Append returns the timeline with events added after its own. Like a
// slice's append it may write past the end of t's bytes, never within them.
func (t Timeline) Append(events ...Event) Timeline {
	for _, e := range events {
		t.add(e)
	}
	return t
}

// Len is the number of events.
func (t Timeline) Len() int {
	n := 0
	for b := t.bytes(); len(b) > 0; n++ {
		b = b[min(tlSize[b[0]>>tlShapeBits], len(b)):]
	}
	return n
}

// Events returns the events unpacked (a new slice).
func (t Timeline) Events() []Event {
	var out []Event
	for _, e := range t.All {
		out = append(out, e)
	}
	return out
}

// All yields the events in capture order with their index: use it as
// `for i, e := range t.All`.
func (t Timeline) All(yield func(int, Event) bool) {
	b := t.bytes()
	var first int64
	for i := 0; len(b) > 0; i++ {
		h := b[0]
		n := tlSize[h>>tlShapeBits]
		if len(b) < n {
			return // never: the bytes are the analyzer's own
		}
		e := Event{Kind: EventKind(h & tlKindMask), Dir: Dir(h >> 5 & 1)}
		switch h >> tlShapeBits {
		case 0:
			e.At = first + int64(le.Uint32(b[1:]))
		case 1:
			e.At = first + int64(le.Uint32(b[1:]))
			e.Code, e.Len = uint16(b[5]), int32(le.Uint16(b[6:]))
		case 2:
			e.At = first + int64(le.Uint32(b[1:]))
			e.Code, e.Len = le.Uint16(b[5:]), int32(le.Uint32(b[7:]))
		default:
			e.Kind, e.At = EventKind(b[1]), int64(le.Uint64(b[2:]))
			e.Code, e.Len = le.Uint16(b[10:]), int32(le.Uint32(b[12:]))
			if i == 0 {
				first = e.At
			}
		}
		b = b[n:]
		if !yield(i, e) {
			return
		}
	}
}

// add appends one event.
func (t *Timeline) add(e Event) {
	tb := t.bytes()
	if len(tb)+tlMaxEvent > maxTimelineBytes {
		t.cut++ // only a timeline built by hand gets here
		return
	}
	shape := 3
	var d uint64
	if len(tb) > 0 && e.Kind < tlKindMask {
		first := int64(le.Uint64(tb[2:])) // the first event is shape 3
		if d = uint64(e.At) - uint64(first); e.At >= first && d <= math.MaxUint32 {
			switch {
			case e.Code == 0 && e.Len == 0:
				shape = 0
			case e.Code <= math.MaxUint8 && e.Len >= 0 && e.Len <= math.MaxUint16:
				shape = 1
			default:
				shape = 2
			}
		}
	}
	if tb == nil {
		tb = make([]byte, 0, 16) // a SYN nobody answers: its 16-byte event
	}
	b := append(tb, byte(e.Kind&tlKindMask)|byte(e.Dir&1)<<5|byte(shape)<<tlShapeBits)
	switch shape {
	case 0:
		b = le.AppendUint32(b, uint32(d))
	case 1:
		b = le.AppendUint32(b, uint32(d))
		b = append(b, byte(e.Code))
		b = le.AppendUint16(b, uint16(e.Len))
	case 2:
		b = le.AppendUint32(b, uint32(d))
		b = le.AppendUint16(b, e.Code)
		b = le.AppendUint32(b, uint32(e.Len))
	default:
		b = append(b, byte(e.Kind))
		b = le.AppendUint64(b, uint64(e.At))
		b = le.AppendUint16(b, e.Code)
		b = le.AppendUint32(b, uint32(e.Len))
	}
	t.setBytes(b)
}

// flipped is the timeline with every event's direction swapped, in bytes of
// its own (a published flow may share these).
func (t Timeline) flipped() Timeline {
	b := append([]byte(nil), t.bytes()...)
	for rest := b; len(rest) > 0; {
		rest[0] ^= tlServer
		rest = rest[min(tlSize[rest[0]>>tlShapeBits], len(rest)):]
	}
	t.setBytes(b)
	return t
}

var le = binary.LittleEndian
