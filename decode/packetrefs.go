package decode

import (
	"encoding/binary"
	"math"
	"net/netip"
	"unsafe"
)

// PacketRefs says where a flow's packets are in the source. Evidence packets
// (the TCP and TLS handshakes, alerts, closes, first data each way) are
// listed exactly, as delta-encoded varints (about 3 bytes a packet); the
// rest are known only by the byte range the flow spans, which export scans
// for the flow's endpoints. So a flow's memory does not grow with the data
// it carried: the same connections with 4x the data need no more.
//
// Deltas count from the flow's first packet, so a SYN takes 2 bytes, and
// the first few packets fit in the struct itself: a scan or a refused SYN
// (most flows of a SYN flood) makes no heap object. The rest spill to buf.
type PacketRefs struct {
	buf        heapBytes // the packets after those in inline, once they did not fit
	lastIndex  int
	lastOff    int64
	firstIndex int   // the flow's first packet
	firstOff   int64 // its offset
	end        int64 // offset of the flow's last packet
	listed     int32 // packets listed (inline and buf)
	total      int32 // packets of the flow (a flow of 2^31 packets would need 3 TB of capture)
	inline     [15]byte
	inlineN    uint8 // bytes used in inline
}

// PacketRef is one packet's place in the source, and whether it is part of
// the handshake evidence.
type PacketRef struct {
	Index    int
	Offset   int64
	Evidence bool
}

// Add records a packet; indexes and offsets must not decrease. Packets that
// are not evidence are listed only when all is set.
func (r *PacketRefs) Add(index int, offset int64, evidence, all bool) {
	if r == nil { // an analyzer that lists no packets (NoPackets)
		return
	}
	if r.total == 0 {
		r.firstIndex, r.firstOff = index, offset
		r.lastIndex, r.lastOff = index, offset
	}
	r.total++
	r.end = offset
	if !evidence && !all {
		return
	}
	d := uint64(index-r.lastIndex) << 1
	if evidence {
		d |= 1
	}
	var one [2 * binary.MaxVarintLen64]byte
	e := binary.AppendUvarint(one[:0], d)
	e = binary.AppendUvarint(e, uint64(offset-r.lastOff))
	if n := int(r.inlineN); r.buf.p == nil && n+len(e) <= len(r.inline) {
		r.inlineN += uint8(copy(r.inline[n:], e))
	} else if int64(r.buf.n)+int64(len(e)) <= math.MaxUint32 {
		r.buf.set(append(r.buf.bytes(), e...))
	} else {
		return // 4 GiB of references to one flow: the rest are found by scanning, as if not listed
	}
	r.lastIndex, r.lastOff = index, offset
	r.listed++
}

// Listed decodes the packets listed exactly, in order.
func (r *PacketRefs) Listed() []PacketRef {
	out := make([]PacketRef, 0, r.listed)
	idx, off := r.firstIndex, r.firstOff
	out, idx, off = appendRefs(out, r.inline[:r.inlineN], idx, off)
	out, _, _ = appendRefs(out, r.buf.bytes(), idx, off)
	return out
}

// appendRefs decodes the entries in b, which count from idx and off.
func appendRefs(out []PacketRef, b []byte, idx int, off int64) ([]PacketRef, int, int64) {
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
	return out, idx, off
}

// size is the bytes the listed packets take.
func (r *PacketRefs) size() int { return int(r.inlineN) + int(r.buf.n) }

// heapBytes is a byte slice held as a pointer and two 32-bit lengths (up
// to 4 GiB): 16 bytes in every flow's state instead of a slice's 24.
type heapBytes struct {
	p    *byte
	n, c uint32
}

// bytes is the slice (its capacity what is left of the allocation).
func (h heapBytes) bytes() []byte {
	if h.p == nil {
		return nil
	}
	return unsafe.Slice(h.p, h.c)[:h.n]
}

// set holds b, at most 4 GiB long.
func (h *heapBytes) set(b []byte) {
	if cap(b) == 0 {
		*h = heapBytes{}
		return
	}
	h.p, h.n, h.c = unsafe.SliceData(b), uint32(len(b)), uint32(min(cap(b), math.MaxUint32))
}

// FlowPackets is where one flow's packets are: what export needs to find
// them again without rereading the whole capture.
type FlowPackets struct {
	Listed   []PacketRef // every evidence packet; every packet when Complete
	Complete bool
	Total    int // packets of the flow

	// For flows that are not Complete: the packets between From and To
	// (offsets, inclusive) between these endpoints are the flow's others.
	Client, Server netip.AddrPort
	From           PacketRef
	To             int64
}

// packets describes the flow whose refs these are.
func (r *PacketRefs) packets(f *Flow) FlowPackets {
	if r == nil {
		return FlowPackets{Client: f.Client, Server: f.Server}
	}
	return FlowPackets{
		Listed: r.Listed(), Complete: r.listed == r.total, Total: int(r.total),
		Client: f.Client, Server: f.Server, To: r.end,
		From: PacketRef{Index: r.firstIndex, Offset: r.firstOff},
	}
}
