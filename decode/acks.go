package decode

import "github.com/pcapsurgery/pcapsurgery/decode/packet"

// seqTrack follows, per direction, how far the captured segments reach in
// sequence space and how far the peer has acknowledged. A peer that
// acknowledges bytes the capture never held proves they were sent: the
// capture started late or its capture point dropped them. That is a gap in
// the capture, not a silent side.
type seqTrack struct {
	hi    [2]uint32 // just past the highest sequence number captured from each side
	acked [2]uint32 // the highest acknowledgement each side sent
	hiOK  [2]bool
	ackOK [2]bool
}

// track updates direction d's reach and acknowledgement from one segment
// and the flow's Uncaptured counts. A RST is left out: its numbers need not
// follow the stream (a reset answering a stray segment echoes that segment's).
func (fs *flowState) track(d Dir, seg *packet.Segment) {
	if seg.Has(packet.FlagRST) {
		return
	}
	t := &fs.seq
	end := seg.Seq + uint32(seg.PayloadLen)
	if seg.Has(packet.FlagSYN) {
		end++
	}
	if seg.Has(packet.FlagFIN) {
		end++
	}
	if !t.hiOK[d] || int32(end-t.hi[d]) > 0 {
		t.hi[d], t.hiOK[d] = end, true
	}
	if seg.Has(packet.FlagACK) && (!t.ackOK[d] || int32(seg.Ack-t.acked[d]) > 0) {
		t.acked[d], t.ackOK[d] = seg.Ack, true
	}
	u := &fs.f.TCP.Uncaptured
	for side := FromClient; side <= FromServer; side++ {
		peer := side.Other()
		u[side] = 0
		if t.hiOK[side] && t.ackOK[peer] {
			// Bounded like the reassembler's jump: an acknowledgement far
			// beyond anything sent is a stray or corrupt number, not a gap.
			if miss := int32(t.acked[peer] - t.hi[side]); miss > 0 && miss <= maxSeqJump {
				u[side] = int64(miss)
			}
		}
	}
}
