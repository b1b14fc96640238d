package decode

import "github.com/pcapsurgery/pcapsurgery/decode/packet"

// Direction decoding modes.
const (
	modeUnknown      = iota // no payload yet: TLS, SSLv2 or plaintext?
	modeTLS                 // TLS records
	modeMaybeTLS            // after a STARTTLS command: TLS if the next bytes are a record
	modePlain               // plaintext lines (STARTTLS negotiation)
	modePlainMsg            // plaintext messages (LDAP, XMPP, MySQL, HTTP CONNECT, SOCKS5)
	modeSSLv2               // collecting an SSLv2-compatible ClientHello
	modeDone                // nothing more to decode in this direction
	modeSSLv2Records        // pure SSL 2.0 records after the hellos
)

// Caps on plaintext scanning before a STARTTLS upgrade.
const (
	maxPlainLines    = 64
	maxPlainLineLen  = 1024
	maxPlainMsgBytes = 16 << 10  // a plaintext message held whole (LDAP, MySQL, HTTP headers, ...)
	maxHandshakeBuf  = 256 << 10 // one handshake message (certificate chains included)
	maxCertsParsed   = 16
	sslv2HeaderBytes = 2
)

// dirState is one direction's decoding state.
type dirState struct {
	dir    Dir // which side this state decodes (changes on a flip)
	mode   int
	re     reassembler
	rec    recordStream
	hs     []byte // handshake bytes waiting for a complete message
	hsSkip int    // bytes of a handshake message too large to keep, still to pass over
	line   []byte // a plaintext line in progress
	lines  int

	held     int64 // bytes this side holds, as the memory budget counts them
	holderAt int   // 1 + index in the budget's holders; 0 when holding nothing

	encRecords int   // encrypted records seen from this side
	chDone     bool  // (client side) the first ClientHello is complete
	chSegs     int32 // segments that carried ClientHello bytes
	v2         []byte
	v2need     int
	v2hdr      [3]byte // an SSL 2.0 record header in progress
	v2hdrN     int
	v2skip     int // encrypted SSL 2.0 record bytes still to pass over
	v2recs     int // SSL 2.0 records after the hellos
}

// flowState is a flow and the decoding machinery behind it.
type flowState struct {
	f         *Flow
	refs      *PacketRefs // where the flow's packets are (Analyzer.Packets): not a fact, so not in Flow; nil with NoPackets
	shared    *shared     // the analyzer's caches and slabs, used by every flow
	lastAt    [2]int64    // Unix ns of each side's latest packet (when Net has NetSeen), for TCPFacts.CloseWait
	isn       [2]uint32   // initial sequence numbers from SYN / SYN-ACK
	otherISN  uint32      // a later SYN-ACK's different ISN (a retransmitting or load-balanced server)
	seq       seqTrack    // how far each side was captured and acknowledged (acks.go)
	acked     ackTrack    // the peer's highest acknowledgement of each side (sizes.go)
	hasISN    [2]bool
	hasOther  bool
	hsDone    bool // handshake finished (both Finished, or TLS 1.3 client Finished)
	dirty     bool
	published bool  // f was handed out (Analyzer.TakeDirty): it is never written again (own)
	closed    bool  // both FINs or a RST: a new SYN on this tuple starts a new flow
	ttl       uint8 // TTL of the packet being decoded (for an alert's OriginMarks)
	compacted bool

	// What only a flow that carried payload needs; nil until then (see
	// payloadState). Its fields read as the flow's own on the payload path.
	*payloadState
}

// payloadState is the part of a flow's decoding state that only payload
// needs: made with its first direction state or its first segment with
// data, so a scan or a refused SYN (most flows of a SYN flood) never pays
// for it.
type payloadState struct {
	d         [2]*dirState  // each side's decoding (see flowState.dir); pointers, so a flip never moves a state that is being fed
	dec       *decryptState // TLS decryption with the key log's secrets (decrypt.go); nil without them
	plain     string        // sniffed plaintext protocol
	sz        sizeTrack     // segment sizes behind TCPFacts.Sizes (sizes.go)
	chEnd     uint32        // client sequence number just past the ClientHello
	lastMsg   lastMsg       // last handshake message seen, for "alert after ..." (2 bytes: the struct is 96, not 112)
	chEndOK   bool
	asked     bool // a STARTTLS command was sent
	tls13     bool
	earlyDone bool // the client's EndOfEarlyData was seen: no more 0-RTT data
}

// payloadExt returns the flow's payloadState, made on first use together
// with the flow's own StreamFacts.
func (fs *flowState) payloadExt() *payloadState {
	if fs.payloadState == nil {
		fs.payloadState = new(payloadState)
		fs.stream()
	}
	return fs.payloadState
}

// stream returns the flow's own StreamFacts, made on the first write: the
// flow shares emptyStream until then (see TCPFacts.StreamFacts).
func (fs *flowState) stream() *StreamFacts {
	if t := &fs.f.TCP; t.StreamFacts == emptyStream || t.StreamFacts == nil {
		t.StreamFacts = new(StreamFacts)
	}
	return fs.f.TCP.StreamFacts
}

// dir is direction d's decoding state: nil until its first payload, then
// its own, then the shared finished one. It lives in payloadState, which a
// flow's first payload makes, so a flow without data (most flows of a SYN
// flood) pays nothing for it.
func (fs *flowState) dir(d Dir) *dirState {
	if fs.payloadState == nil {
		return nil
	}
	return fs.payloadState.d[d]
}

// active reports whether direction d still needs its bytes decoded.
func (fs *flowState) active(d Dir) bool { s := fs.dir(d); return s == nil || s.mode != modeDone }

// state returns direction d's decoding state, made on its first payload: a
// flow that never carries data (a scan, a refused SYN) never pays for one.
func (fs *flowState) state(d Dir) *dirState {
	if s := fs.dir(d); s != nil {
		return s
	}
	fs.tls() // the first payload: TLS facts and payload state from here on
	p := fs.payloadExt()
	s := fs.shared.newDirState(d)
	if fs.hasISN[d] {
		s.re.start(fs.isn[d] + 1)
	}
	p.d[d] = s
	return s
}

// tls returns the flow's own TLS facts, made on the first write: the flow
// shares emptyTLS until then (see Flow.TLS).
func (fs *flowState) tls() *TLSFacts {
	if fs.f.TLS == emptyTLS || fs.f.TLS == nil {
		fs.f.TLS = &TLSFacts{TLSRare: emptyRare}
	}
	return fs.f.TLS
}

// rare returns the flow's own TLSRare, made on the first write: the flow
// shares emptyRare until then (see TLSFacts.TLSRare).
func (fs *flowState) rare() *TLSRare {
	t := fs.tls()
	if t.TLSRare == emptyRare || t.TLSRare == nil {
		t.TLSRare = new(TLSRare)
	}
	return t.TLSRare
}

// finished is the decoding state of every direction that needs no more
// bytes. It is shared and never written: a finished flow holds no state of
// its own, so memory grows with flows only by their facts.
var finished = &dirState{mode: modeDone, re: reassembler{released: true, holed: true}}

// stop ends decoding of direction d and frees its buffers.
func (fs *flowState) stop(d Dir) {
	s := fs.dir(d)
	if s == nil {
		if fs.payloadState != nil {
			fs.payloadState.d[d] = finished
		}
		// A flow that never carried data has nowhere to mark it: only Drop
		// stops one, and a dropped flow is never fed again.
		return
	}
	if s.mode == modeDone {
		return
	}
	s.mode = modeDone
	s.re.release()
	s.hs, s.line, s.v2 = nil, nil, nil
	fs.shared.held.update(fs, s)
	fs.payloadState.d[d] = finished
	fs.shared.recycle(s)
}

// stopClosed stops decoding the directions a close has ended (the side that
// sent a FIN, both after a RST or two FINs) when nothing is left in them
// half-read. Their buffers go now, not at the end of the capture: a busy
// capture holds thousands of closed flows that never finished a handshake.
func (fs *flowState) stopClosed() {
	for d := FromClient; d <= FromServer; d++ {
		s := fs.dir(d)
		if s == nil || s.mode == modeDone || !fs.closed && !fs.f.TCP.FIN[d] {
			continue
		}
		if len(s.re.pending) == 0 && !s.rec.midRecord() && len(s.hs) == 0 && len(s.line) == 0 && len(s.v2) == 0 {
			fs.stop(d)
		}
	}
}

// problem records why direction d stopped being decoded.
func (fs *flowState) problem(d Dir, why string) {
	if fs.f.TLS.Problem[d] == "" {
		fs.rare().Problem[d] = why
	}
	fs.salvage(d)
	fs.stop(d)
}

// dirOf finds which direction a state belongs to (it changes on a flip).
func (fs *flowState) dirOf(s *dirState) Dir { return s.dir }

// event appends a timeline entry, bounded.
func (fs *flowState) event(d Dir, kind EventKind, code uint16, length int) {
	f := fs.f
	// An event takes 2 bytes or more: a shorter timeline is under the cap
	// without counting, and a cut one is at it.
	if t := &f.Timeline; t.cut > 0 || int(t.n) >= tlMinEvent*maxEvents && t.Len() >= maxEvents {
		t.cut++
		return
	}
	f.Timeline.add(Event{At: unixNanos(fs.f.Last), Dir: d, Kind: kind, Code: code, Len: int32(min(length, 1<<30))})
}

// flip swaps client and server: used when the first guess (by port) is
// contradicted by a ClientHello from the other side.
func (fs *flowState) flip(basis ClientBasis) {
	f := fs.f
	f.Client, f.Server = f.Server, f.Client
	f.ClientBasis = basis
	if p := fs.payloadState; p != nil {
		swap2(&p.d)
		for d, s := range p.d {
			if s != nil && s != finished {
				s.dir = Dir(d)
			}
		}
	}
	swap2(&fs.isn)
	swap2(&fs.hasISN)
	fs.seq.flip()
	swap2(&f.PacketsDir)
	swap2(&f.TCP.FIN)
	swap2(&f.TCP.RST)
	swap2(&f.TCP.MSS)
	if s := f.TCP.StreamFacts; s != emptyStream {
		swap2(&s.Payload)
		swap2(&s.Retransmits)
		swap2(&s.Overlaps)
		swap2(&s.Gap)
		swap2(&s.TruncatedPayload)
		swap2(&s.Uncaptured)
		swap2(&s.HeldDropped)
		swap2(&s.OutOfOrderSegments)
		swap2(&s.Sizes)
	}
	swap2(&f.TCP.Net)
	swap2(&f.TCP.Origin)
	fs.acked.flip()
	if fs.payloadState != nil {
		fs.sz.flip()
	}
	swap2(&fs.lastAt)
	f.TCP.CloseBy ^= 1
	if f.TLS != emptyTLS {
		fs.flipTLS()
	}
	f.Timeline = f.Timeline.flipped()
}

// flipTLS is flip for the flow's own TLS facts and decryption state.
func (fs *flowState) flipTLS() {
	f := fs.f
	swap2(&f.TLS.CCS)
	swap2(&f.TLS.Finished)
	swap2(&f.TLS.Encrypted)
	swap2(&f.TLS.AppData)
	swap2(&f.TLS.FirstEncrypted)
	if r := f.TLS.TLSRare; r != emptyRare {
		swap2(&r.Problem)
	}
	if dc := f.TLS.Decrypt; dc != nil {
		swap2(&dc.Records)
		swap2(&dc.AppProtocol)
	}
	if fs.payloadState != nil && fs.dec != nil {
		dec := fs.dec
		swap2(&dec.keys)
		swap2(&dec.stage)
		swap2(&dec.failed)
		swap2(&dec.opened)
		swap2(&dec.v12)
		swap2(&dec.hs)
	}
	for i := range f.TLS.Alerts {
		f.TLS.Alerts[i].From ^= 1
	}
}

// netSide is what one packet shows of its sender; options only from a SYN.
func netSide(seg *packet.Segment, syn bool) NetSide {
	n := NetSide{TTL: seg.TTL, Bits: NetSeen}
	if seg.IPv6 {
		n.Bits |= NetIPv6
	} else if seg.DF {
		n.Bits |= NetDF
	}
	if syn {
		n.Bits |= NetFromSYN
		if seg.Opts&packet.OptWScale != 0 {
			n.Bits |= NetWScale
			n.WScale = seg.WScale
		}
		if seg.Opts&packet.OptSACKPerm != 0 {
			n.Bits |= NetSACK
		}
		if seg.Opts&packet.OptTimestamps != 0 {
			n.Bits |= NetTimestamps
		}
	}
	return n
}

func swap2[T any](a *[2]T) { a[0], a[1] = a[1], a[0] }

// setISN remembers a side's initial sequence number; its data starts after it.
func (fs *flowState) setISN(d Dir, seq uint32) {
	fs.isn[d], fs.hasISN[d] = seq, true
	if s := fs.dir(d); s != nil {
		s.re.start(seq + 1)
	}
}

// markTCP records flags for the timeline and TCP facts.
func (fs *flowState) markTCP(d Dir, seg *packet.Segment) {
	f := fs.f
	if !f.TCP.Net[d].Has(NetSeen) {
		f.TCP.Net[d] = netSide(seg, false) // no SYN from this side (yet): its first packet; a SYN below overwrites
	}
	if seg.Flags&(packet.FlagFIN|packet.FlagRST) != 0 && !f.TCP.FIN[0] && !f.TCP.FIN[1] && !f.TCP.RST[0] && !f.TCP.RST[1] {
		// The first close: how long its sender had heard nothing from the peer.
		if o := d.Other(); f.TCP.Net[o].Has(NetSeen) {
			f.TCP.CloseWait, f.TCP.CloseWaitKnown, f.TCP.CloseBy = max(unixNanos(f.Last)-fs.lastAt[o], 0), true, d
		}
	}
	fs.lastAt[d] = unixNanos(f.Last)
	fs.ttl = seg.TTL
	fs.originMark(d, seg)
	switch {
	case seg.Has(packet.FlagSYN | packet.FlagACK):
		if !f.TCP.SYNACK {
			f.TCP.SYNACK = true
			fs.setISN(d, seg.Seq)
			f.TCP.MSS[d] = seg.MSS
			f.TCP.Net[d] = netSide(seg, true)
			fs.event(d, EvSYNACK, 0, 0)
		} else if seg.Seq != fs.isn[d] && (!fs.hasOther || seg.Seq != fs.otherISN) {
			// Another SYN-ACK with its own ISN: which one holds depends on
			// what the client acknowledges (reanchor).
			fs.otherISN, fs.hasOther = seg.Seq, true
			fs.event(d, EvSYNACK, 0, 0)
		}
	case seg.Has(packet.FlagSYN):
		if f.TCP.SYN {
			f.TCP.SYNRetries++
			if f.TCP.SYNRetries <= maxRetransmitEvents {
				fs.event(d, EvSYN, 0, 0) // the timeline shows every try the diagnosis counts
			}
			return
		}
		f.TCP.SYN = true
		fs.setISN(d, seg.Seq)
		f.TCP.MSS[d] = seg.MSS
		f.TCP.Net[d] = netSide(seg, true)
		fs.event(d, EvSYN, 0, 0)
	}
	if seg.Has(packet.FlagRST) && !f.TCP.RST[d] {
		f.TCP.RST[d] = true
		if d == FromServer && f.TCP.SYN && !f.TCP.SYNACK {
			f.TCP.RefusedByRST = true
		}
		fs.event(d, EvRST, 0, 0)
	}
	if seg.Has(packet.FlagFIN) && !f.TCP.FIN[d] {
		f.TCP.FIN[d] = true
		fs.event(d, EvFIN, 0, 0)
	}
	if fs.hasOther && d == FromClient && seg.Has(packet.FlagACK) && !seg.Has(packet.FlagSYN) {
		fs.reanchor(seg.Ack - 1)
	}
	if !f.TCP.ACK && d == FromClient && f.TCP.SYN && f.TCP.SYNACK && seg.Has(packet.FlagACK) &&
		!seg.Has(packet.FlagSYN) && !seg.Has(packet.FlagRST) {
		f.TCP.ACK = true
		fs.event(d, EvACK, 0, 0)
	}
	if d == FromServer && fs.payloadState != nil && fs.chEndOK && seg.Has(packet.FlagACK) && int32(seg.Ack-fs.chEnd) >= 0 {
		fs.tls().ClientHelloAcked = true
	}
	if d == FromServer && fs.hasISN[FromClient] && f.TLS.ServerHello == nil && seg.Has(packet.FlagACK) && !seg.Has(packet.FlagSYN) {
		// How much of the client's hello got through: a split one may stop after its first segment.
		if n := int32(seg.Ack - fs.isn[FromClient] - 1); n > f.TLS.ClientAckedBytes && n < 1<<20 {
			fs.tls().ClientAckedBytes = n
		}
	}
	if (f.TCP.RST[0] || f.TCP.RST[1]) || (f.TCP.FIN[0] && f.TCP.FIN[1]) {
		fs.closed = true
	}
}

// reanchor follows the client when it acknowledges a SYN-ACK other than the
// first: the server's bytes count from that ISN. Only before any server
// byte was delivered; later, the anchor has proved itself.
func (fs *flowState) reanchor(isn uint32) {
	if isn == fs.isn[FromServer] {
		return
	}
	if isn != fs.otherISN {
		return
	}
	fs.otherISN = fs.isn[FromServer]
	if s := fs.dir(FromServer); s != nil && !s.re.restart(isn+1) {
		return
	}
	fs.isn[FromServer] = isn
}
