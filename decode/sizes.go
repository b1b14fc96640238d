package decode

import "github.com/pcapsurgery/pcapsurgery/decode/packet"

// SegSizes is what one side's segment sizes showed: enough to tell a path
// that loses large packets (an MTU black hole) from one that loses at
// random. Facts only; 12 bytes a side.
type SegSizes struct {
	Max            uint16 // largest payload captured from this side
	MaxAcked       uint16 // largest payload the peer is known to have acknowledged (a lower bound)
	UnackedRetrans uint16 // largest resent payload whose end the peer never acknowledged (set at the end)
	Resent         uint16 // times its largest segment was sent again, same sequence number and size (saturates)
	GapUnacked     bool   // a hole stopped decoding and the peer never acknowledged past its start
}

// sizeTrack follows the segments behind SegSizes, per direction. It is in
// payloadState: a flow without data has no sizes to follow.
type sizeTrack struct {
	pendLen [2]uint16 // the largest segment not yet known acknowledged, and its end
	pendEnd [2]uint32
	rtLen   [2]uint16 // the largest resent segment, and its end
	rtEnd   [2]uint32
	bigLen  [2]uint16 // the largest segment, and its sequence number: a resend repeats both
	bigSeq  [2]uint32
	holeAt  [2]uint32 // where a hole stopped this side's decoding
}

// ackTrack is the peer's highest acknowledgement of each side's bytes.
type ackTrack struct {
	ack   [2]uint32
	ackOK [2]bool
}

func (t *ackTrack) flip() {
	swap2(&t.ack)
	swap2(&t.ackOK)
}

func (t *sizeTrack) flip() {
	swap2(&t.pendLen)
	swap2(&t.pendEnd)
	swap2(&t.rtLen)
	swap2(&t.rtEnd)
	swap2(&t.bigLen)
	swap2(&t.bigSeq)
	swap2(&t.holeAt)
}

// sizes updates both sides' SegSizes from one segment of side d (end is
// its payload's end). A few compares per packet. Only the largest segment's
// resends are counted: out-of-order arrivals must not read as resends, and
// a black hole is about the largest.
func (fs *flowState) sizes(d Dir, seg *packet.Segment, end uint32) {
	if n := uint16(min(seg.PayloadLen, 0xffff)); n > 0 {
		t := &fs.payloadExt().sz
		s := &fs.f.TCP.Sizes[d] // payloadExt made the flow's own

		s.Max = max(s.Max, n)
		resent := n == t.bigLen[d] && seg.Seq == t.bigSeq[d]
		if !resent && n >= t.bigLen[d] {
			t.bigLen[d], t.bigSeq[d] = n, seg.Seq
		}
		if resent {
			if s.Resent < 0xffff {
				s.Resent++
			}
			if n >= t.rtLen[d] {
				t.rtLen[d], t.rtEnd[d] = n, end
			}
		} else if n > s.MaxAcked && n >= t.pendLen[d] {
			t.pendLen[d], t.pendEnd[d] = n, end
		}
	}
	if !seg.Has(packet.FlagACK) {
		return
	}
	o := d.Other()
	if a := &fs.acked; !a.ackOK[o] || after(seg.Ack, a.ack[o]) {
		a.ack[o], a.ackOK[o] = seg.Ack, true
	}
	if fs.payloadState == nil {
		return // no side sent data: nothing waits for an acknowledgement
	}
	if t := &fs.sz; t.pendLen[o] > 0 && !after(t.pendEnd[o], seg.Ack) {
		z := &fs.f.TCP.Sizes // payloadState comes with the flow's own
		z[o].MaxAcked = max(z[o].MaxAcked, t.pendLen[o])
		t.pendLen[o] = 0
	}
}

// settleSizes sets what only the end of the capture can say; it reports
// whether that changed anything.
func (fs *flowState) settleSizes() bool {
	if fs.payloadState == nil {
		return false // no data: no resends, no holes
	}
	t, a := &fs.sz, &fs.acked
	z := fs.f.TCP.Sizes
	for d := FromClient; d <= FromServer; d++ {
		z[d].UnackedRetrans = 0
		if t.rtLen[d] > 0 && (!a.ackOK[d] || after(t.rtEnd[d], a.ack[d])) {
			z[d].UnackedRetrans = t.rtLen[d]
		}
		if fs.f.TCP.Gap[d] > 0 {
			z[d].GapUnacked = !a.ackOK[d] || !after(a.ack[d], t.holeAt[d])
		}
	}
	if z == fs.f.TCP.Sizes {
		return false // unchanged: a flow handed out is not written, not even with the same values
	}
	fs.own()
	fs.stream().Sizes = z
	return true
}
