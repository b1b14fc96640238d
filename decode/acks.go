package decode

import "github.com/pcapsurgery/pcapsurgery/decode/packet"

// seqTrack follows, per direction, how far the captured payload reaches in
// sequence space and how far the side is known to have sent: its own
// sequence numbers on later segments (a pure ACK or FIN carries the next
// byte it will send) and the peer's acknowledgements. Bytes known sent but
// never captured are missing from the capture (it started late, or the
// capture point dropped them): a gap in the capture, not a silent side.
type seqTrack struct {
	data  [2]uint32 // just past the highest payload byte captured (or the SYN)
	sent  [2]uint32 // just past the highest byte known to have been sent
	fin   [2]uint32 // the FIN's sequence number: nothing after it is data
	ok    [2]bool
	finOK [2]bool
}

// flip swaps the two directions (the flow's client and server were swapped).
func (t *seqTrack) flip() {
	swap2(&t.data)
	swap2(&t.sent)
	swap2(&t.fin)
	swap2(&t.ok)
	swap2(&t.finOK)
}

// after reports whether sequence number a is beyond b.
func after(a, b uint32) bool { return int32(a-b) > 0 }

// track updates direction d from one segment, then the flow's Uncaptured
// counts. A RST is left out: its numbers need not follow the stream (a
// reset answering a stray segment echoes that segment's).
func (fs *flowState) track(d Dir, seg *packet.Segment) {
	if seg.Has(packet.FlagRST) {
		return
	}
	t := &fs.seq
	start := seg.Seq
	if seg.Has(packet.FlagSYN) {
		start++ // the SYN takes one sequence number; data follows it
	}
	end := start + uint32(seg.PayloadLen)
	if !t.ok[d] {
		t.data[d], t.sent[d], t.ok[d] = start, start, true
	}
	fs.sizes(d, seg, end)
	if seg.PayloadLen > 0 && after(end, t.data[d]) || seg.Has(packet.FlagSYN) && after(start, t.data[d]) {
		t.data[d] = end
	}
	if seg.Has(packet.FlagFIN) && !t.finOK[d] {
		t.fin[d], t.finOK[d] = end, true
	}
	t.reach(d, end)
	if seg.Has(packet.FlagACK) {
		t.reach(d.Other(), seg.Ack)
	}
	var u [2]int64
	for side := FromClient; side <= FromServer; side++ {
		// Bounded like the reassembler's jump: a number far beyond anything
		// captured is a stray or corrupt one, not a gap.
		if miss := int32(t.sent[side] - t.data[side]); t.ok[side] && miss > 0 && miss <= maxSeqJump {
			u[side] = int64(miss)
		}
	}
	if u != fs.f.TCP.Uncaptured {
		fs.stream().Uncaptured = u
	}
}

// reach records that side d has sent up to seq. Past a FIN there is only
// the FIN's own sequence number (on the sender's later segments and the
// peer's acknowledgement of it), not data.
func (t *seqTrack) reach(d Dir, seq uint32) {
	if !t.ok[d] {
		return
	}
	if t.finOK[d] && after(seq, t.fin[d]) {
		seq = t.fin[d]
	}
	if after(seq, t.sent[d]) {
		t.sent[d] = seq
	}
}
