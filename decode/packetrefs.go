package decode

import "encoding/binary"

// PacketRefs lists where a flow's packets live in the source, so export can
// re-read them without rescanning. Entries are delta-encoded varints (about
// 3 bytes a packet), because a busy capture has millions of packets.
type PacketRefs struct {
	buf       []byte
	n         int
	lastIndex int
	lastOff   int64
}

// PacketRef is one packet's place in the source, and whether it is part of
// the handshake evidence (TCP handshake, handshake records, alerts, closes,
// first application data each way).
type PacketRef struct {
	Index    int
	Offset   int64
	Evidence bool
}

// Add appends a packet; indexes and offsets must not decrease.
func (r *PacketRefs) Add(index int, offset int64, evidence bool) {
	d := uint64(index-r.lastIndex) << 1
	if evidence {
		d |= 1
	}
	r.buf = binary.AppendUvarint(r.buf, d)
	r.buf = binary.AppendUvarint(r.buf, uint64(offset-r.lastOff))
	r.lastIndex, r.lastOff = index, offset
	r.n++
}

// MarkLastEvidence flags the most recently added packet as evidence. It is
// used when a packet's role is only known after its bytes were decoded.
func (r *PacketRefs) MarkLastEvidence() {
	if r.n == 0 {
		return
	}
	// The last entry is two varints; find its start by walking back over the
	// offset varint, then the index varint.
	i := len(r.buf) - 1
	i = varintStart(r.buf, i)
	j := varintStart(r.buf, i-1)
	v, _ := binary.Uvarint(r.buf[j:i])
	if v&1 == 1 {
		return
	}
	tail := append([]byte(nil), r.buf[i:]...)
	r.buf = binary.AppendUvarint(r.buf[:j], v|1)
	r.buf = append(r.buf, tail...)
}

// varintStart returns the index of the first byte of the varint ending at end.
func varintStart(b []byte, end int) int {
	i := end
	for i > 0 && b[i-1]&0x80 != 0 {
		i--
	}
	return i
}

// Len is the number of packets.
func (r *PacketRefs) Len() int { return r.n }

// All decodes every entry.
func (r *PacketRefs) All() []PacketRef {
	out := make([]PacketRef, 0, r.n)
	var idx int
	var off int64
	b := r.buf
	for len(b) > 0 {
		d, k := binary.Uvarint(b)
		if k <= 0 {
			break
		}
		b = b[k:]
		o, k := binary.Uvarint(b)
		if k <= 0 {
			break
		}
		b = b[k:]
		idx += int(d >> 1)
		off += int64(o)
		out = append(out, PacketRef{Index: idx, Offset: off, Evidence: d&1 == 1})
	}
	return out
}

// Clone returns an independent copy (snapshots are read by another goroutine).
func (r PacketRefs) Clone() PacketRefs {
	r.buf = append([]byte(nil), r.buf...)
	return r
}

// SizeBytes is the memory the encoded list holds.
func (r *PacketRefs) SizeBytes() int { return cap(r.buf) }
