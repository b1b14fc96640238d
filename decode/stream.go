package decode

import (
	"fmt"

	"github.com/pcapsurgery/pcapsurgery/decode/packet"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// payload feeds one segment's bytes to direction d. It reports whether the
// packet is handshake evidence (its bytes were still being decoded).
func (fs *flowState) payload(d Dir, seg *packet.Segment, index int) bool {
	if !fs.active(d) {
		return false
	}
	s := fs.state(d)
	f := fs.f
	chPending := d == FromClient && !s.chDone
	res := s.re.add(seg.Seq, seg.Payload, func(b []byte) { fs.consume(s, b) })
	d = fs.dirOf(s) // a ClientHello from the guessed server side flips the flow
	switch {
	case res.retransmit:
		f.TCP.Retransmits[d]++
		if d == FromClient && f.TLS.ServerHello == nil && f.TLS.HelloRetry == nil {
			f.TLS.ClientHelloRetrans++
			if f.TLS.ClientHelloRetrans <= maxRetransmitEvents {
				fs.event(d, EvRetransmit, 0, len(seg.Payload)) // the diagnosis counts these: show them
			}
		}
	case chPending && len(seg.Payload) > 0:
		s.chSegs++
		f.TLS.ClientHelloSegments = s.chSegs
	}
	if res.conflict {
		f.TCP.Overlaps[d]++
	}
	if res.outOfOrder {
		f.TCP.OutOfOrderSegments[d]++
	}
	if res.holed && fs.active(d) {
		fs.gap(d, s.re.gap)
	}
	if seg.PayloadLen > len(seg.Payload) {
		f.TCP.TruncatedPayload[d] = true
		if fs.active(d) {
			fs.event(d, EvGap, 0, seg.PayloadLen-len(seg.Payload))
			fs.problem(d, fmt.Sprintf("packet %d holds %d of its %d payload bytes (snap length)",
				index, len(seg.Payload), seg.PayloadLen))
		}
	}
	fs.shared.held.update(fs, s)
	fs.shared.held.enforce()
	return true
}

// gap stops direction d at a hole that never filled.
func (fs *flowState) gap(d Dir, missing int64) {
	if s := fs.dir(d); s != nil {
		fs.payloadExt().sz.holeAt[d] = s.re.next
	}
	fs.f.TCP.Gap[d] = max(missing, 1)
	fs.event(d, EvGap, 0, int(min(missing, 1<<30)))
	fs.problem(d, fmt.Sprintf("%d bytes missing from the capture; decoding stopped there", missing))
}

// consume takes contiguous bytes of the direction that owns s.
func (fs *flowState) consume(s *dirState, b []byte) {
	for len(b) > 0 && s.mode != modeDone {
		switch s.mode {
		case modeUnknown:
			b = fs.sniff(s, b)
		case modeMaybeTLS:
			if tlswire.PlausibleRecordHeader(b) || len(b) < 5 && b[0] == tlswire.ContentHandshake {
				s.mode = modeTLS
				s.chSegs = 0 // the plaintext before the upgrade is not part of the ClientHello
			} else if tlswire.IsMessageProtocol(fs.plain) {
				s.mode = modePlainMsg
			} else {
				s.mode = modePlain
			}
		case modeTLS:
			if p := s.rec.feed(b, fs.keepFunc(s), func(r record) bool { return fs.onRecord(s, r) }); p != "" {
				fs.problem(fs.dirOf(s), p)
			}
			return
		case modePlain:
			b = fs.plainLines(s, b)
		case modePlainMsg:
			b = fs.plainMsgs(s, b)
		case modeSSLv2:
			b = fs.sslv2(s, b)
		case modeSSLv2Records:
			b = fs.sslv2Records(s, b)
		}
	}
}

// keepFunc says which record bodies direction s needs: clear handshake
// messages, alerts and change_cipher_spec. Application data is only counted.
func (fs *flowState) keepFunc(s *dirState) func(uint8) bool {
	return func(typ uint8) bool {
		d := fs.dirOf(s)
		switch typ {
		case tlswire.ContentHandshake:
			return !fs.f.TLS.Encrypted[d] || fs.decrypting12(d)
		case tlswire.ContentAlert, tlswire.ContentChangeCipherSpec:
			return true
		case tlswire.ContentApplicationData:
			return fs.decrypting(d) || fs.decrypting12(d)
		}
		return false
	}
}
