package decode

import (
	"net/netip"
	"slices"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// Stats counts what the analyzer saw and what it could not use.
type Stats struct {
	Packets    int
	TCPPackets int
	Bytes      int64 // captured bytes of all packets
	Skipped    map[packet.Skip]int
	Truncated  int // TCP packets cut short by the snap length
	Flows      int
	// HeldDropped counts the flow directions the memory budget stopped.
	HeldDropped int
}

// Analyzer builds the flow table from packets. It is not safe for
// concurrent use: one goroutine feeds it (see model.Loader).
type Analyzer struct {
	dec    *packet.Decoder
	seg    packet.Segment
	table  flowTable
	last   *flowState // the flow of the previous packet
	flows  []*flowState
	dirty  []*flowState
	stats  Stats
	shared shared
	slab   []flowSlot // room for the next flows (slabs.go)
	bare   []bareSlot // the same, with NoPackets
	// started is the last ID given; holes counts flows Drop removed from
	// flows, and loose says one was: flows are then allocated one by one
	// (retain.go).
	started int
	holes   int
	loose   bool
	// ownKeys: shared.keys is the analyzer's own copy, which the capture's
	// Decryption Secrets Blocks may add to (decrypt.go).
	ownKeys bool

	// TCPOnly skips decoding payload: flows, their packets and TCP facts
	// only. Flow IDs are the same, since they never depend on payload.
	// Every packet is listed in Packets (exporting one flow needs no scan).
	TCPOnly bool
	// NoPackets lists no flow's packets (Packets gives none), for what
	// only reports and never exports: a flow's decoding state is then 80
	// bytes smaller. Set it before the first packet.
	NoPackets bool
}

// NewAnalyzer returns an empty analyzer.
func NewAnalyzer() *Analyzer {
	return &Analyzer{
		dec:   packet.NewDecoder(),
		table: newFlowTable(),
		stats: Stats{Skipped: make(map[packet.Skip]int)},
	}
}

// Add decodes one packet and updates its flow.
func (a *Analyzer) Add(p *capture.Packet) {
	skip := a.dec.Decode(p.LinkType, p.Data, &a.seg)
	a.add(p, &a.seg, skip, 0, false)
}

// add updates the flow of a decoded packet; h is the endpoints' table hash
// when hashed says it was computed ahead.
func (a *Analyzer) add(p *capture.Packet, seg *packet.Segment, skip packet.Skip, h uint64, hashed bool) {
	a.stats.Packets++
	a.stats.Bytes += int64(p.CapLen)
	if skip != packet.SkipNone {
		a.stats.Skipped[skip]++
		return
	}
	a.stats.TCPPackets++
	if seg.Truncated {
		a.stats.Truncated++
	}
	fs := a.lookup(seg, p, h, hashed)
	fs.own()
	f := fs.f
	d := FromServer
	if seg.Src == f.Client.Addr() && seg.SrcPort == f.Client.Port() {
		d = FromClient
	}
	f.PacketsDir[d]++
	f.Bytes += int64(p.OrigLen)
	if seg.PayloadLen > 0 {
		fs.stream().Payload[d] += int64(seg.PayloadLen)
	}
	f.Last = p.TS // also the time of every event and alert this packet adds
	if seg.Truncated {
		f.TCP.Truncated = true
		if seg.PayloadLen > len(seg.Payload) && p.CapLen < p.OrigLen && f.TCP.SnapLen == 0 {
			// The record itself says it was cut: the snap length, not damage.
			s := fs.stream()
			s.SnapLen, s.SnapPacket = int32(min(p.CapLen, 1<<30)), int32(min(p.Index, 1<<30))
		}
	}
	fs.markTCP(d, seg)
	fs.track(d, seg)
	evidence := seg.Flags&(packet.FlagSYN|packet.FlagFIN|packet.FlagRST) != 0
	// A payload the snap length cut to nothing still goes in: its direction
	// must learn that bytes are missing.
	if max(len(seg.Payload), seg.PayloadLen) > 0 && !a.TCPOnly {
		if fs.payload(d, seg, p.Index) {
			evidence = true
		}
	} else if !fs.hsDone {
		evidence = true // the TCP handshake and the ACKs of the TLS handshake
	}
	fs.refs.Add(p.Index, p.Offset, evidence, a.TCPOnly)
	if seg.Flags&(packet.FlagFIN|packet.FlagRST) != 0 {
		fs.stopClosed()
	}
	if fs.closed && !fs.compacted && !fs.active(FromClient) && !fs.active(FromServer) {
		fs.compact()
	}
	f.Version++
	if !fs.dirty {
		fs.dirty = true
		a.dirty = append(a.dirty, fs)
	}
	if b := &a.shared.held; len(b.stopped) > 0 {
		for _, o := range b.stopped {
			o.f.Version++
			if !o.dirty {
				o.dirty = true
				a.dirty = append(a.dirty, o)
			}
		}
		clear(b.stopped)
		b.stopped = b.stopped[:0]
	}
}

// SetMaxHeld sets the budget for bytes held across all flows (segments
// behind a hole, unfinished handshake messages); n <= 0 means DefaultMaxHeld.
// Past it, the flows that hold most stop being decoded and say so.
func (a *Analyzer) SetMaxHeld(n int64) { a.shared.held.max = max(n, 0) }

// Held is the number of bytes flows hold now, as the budget counts them.
func (a *Analyzer) Held() int64 { return a.shared.held.total }

// lookup finds the packet's flow, starting a new one for a new connection.
func (a *Analyzer) lookup(seg *packet.Segment, p *capture.Packet, h uint64, hashed bool) *flowState {
	if fs := a.last; fs != nil && fs.between(seg) && !a.newConnection(fs, seg) {
		return fs // a burst of one connection's segments: no hashing
	}
	if !hashed {
		h = a.table.hash(seg.Src, seg.Dst, seg.SrcPort, seg.DstPort)
	}
	old := a.table.find(h, seg)
	if old != nil && !a.newConnection(old, seg) {
		a.last = old
		return old
	}
	fs := a.newFlow(seg, p)
	a.table.put(h, fs, old)
	a.last = fs
	return fs
}

// newConnection reports whether a SYN starts a new connection on a tuple
// already in use: the old one closed, or the SYN carries a new ISN.
func (a *Analyzer) newConnection(fs *flowState, seg *packet.Segment) bool {
	if !seg.Has(packet.FlagSYN) || seg.Has(packet.FlagACK) {
		return false
	}
	if fs.closed {
		return true
	}
	if fs.f.TCP.SYN {
		return seg.Seq != fs.isn[FromClient]
	}
	return fs.f.TCP.SYNACK
}

func (a *Analyzer) newFlow(seg *packet.Segment, p *capture.Packet) *flowState {
	src := netip.AddrPortFrom(seg.Src, seg.SrcPort)
	dst := netip.AddrPortFrom(seg.Dst, seg.DstPort)
	fs := a.slotFor()
	a.started++
	// Written whole, not field by field: see written.
	f := new(Flow)
	*f = Flow{ID: a.started, First: p.TS, Last: p.TS, TLS: emptyTLS, TCP: TCPFacts{StreamFacts: emptyStream}}
	switch {
	case seg.Has(packet.FlagSYN) && !seg.Has(packet.FlagACK):
		f.Client, f.Server, f.ClientBasis = src, dst, BySYN
	case seg.Has(packet.FlagSYN | packet.FlagACK):
		f.Client, f.Server, f.ClientBasis = dst, src, BySYNACK
		f.TCP.MidStream = true
	default:
		f.TCP.MidStream = true
		f.ClientBasis = ByPort
		if serverByPort(seg.SrcPort, seg.DstPort) {
			f.Client, f.Server = src, dst
		} else {
			f.Client, f.Server = dst, src
		}
	}
	fs.f, fs.shared = f, &a.shared
	a.flows = append(a.flows, fs)
	a.stats.Flows++
	return fs
}

// serverByPort guesses whether dst is the server: a well-known TLS port, or
// else the lower port (ephemeral ports are high).
func serverByPort(src, dst uint16) bool {
	if tlsPort(dst) != tlsPort(src) {
		return tlsPort(dst)
	}
	return dst < src
}

func tlsPort(p uint16) bool {
	switch p {
	case 443, 8443, 465, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 5223, 6443, 8883:
		return true
	}
	return false
}

// Finish settles every flow at the end of the capture: holes that never
// filled, records the capture cut short.
func (a *Analyzer) Finish() {
	for _, fs := range a.flows {
		if fs != nil && fs.finish() {
			fs.f.Version++
			if !fs.dirty {
				fs.dirty = true
				a.dirty = append(a.dirty, fs)
			}
		}
	}
}

// TakeDirty appends the flows changed since the last call to dst and
// returns it. They are the analyzer's own flows, handed out: from now on
// the analyzer never writes them again (its next change to one goes to a
// copy, see own), so another goroutine may read them without a lock, and a
// loader and its UI hold one copy of each flow, not two.
func (a *Analyzer) TakeDirty(dst []*Flow) []*Flow {
	for _, fs := range a.dirty {
		dst = append(dst, fs.f)
		fs.published = true
		fs.dirty = false
	}
	a.dirty = a.dirty[:0]
	return dst
}

// Touch marks flow id changed so the next TakeDirty includes it: the
// model learned something of it from other flows once all were known.
func (a *Analyzer) Touch(id int) {
	if fs := a.byID(id); fs != nil && !fs.dirty {
		fs.dirty = true
		a.dirty = append(a.dirty, fs)
	}
}

// DirtyCount is the number of flows changed since the last TakeDirty.
func (a *Analyzer) DirtyCount() int { return len(a.dirty) }

// Flows returns the flows themselves (not copies): use only from the feeding
// goroutine, or after feeding has finished.
func (a *Analyzer) Flows() []*Flow {
	out := make([]*Flow, 0, len(a.flows)-a.holes)
	for _, fs := range a.flows {
		if fs != nil {
			out = append(out, fs.f)
		}
	}
	return out
}

// Packets says where flow id's packets are; same rules as Flows. Without
// TCPOnly only the evidence is listed (see PacketRefs).
func (a *Analyzer) Packets(id int) FlowPackets {
	fs := a.byID(id)
	if fs == nil {
		return FlowPackets{}
	}
	return fs.refs.packets(fs.f)
}

// Stats returns the counters so far.
func (a *Analyzer) Stats() Stats {
	s := a.stats
	s.HeldDropped = a.shared.held.drops
	s.Skipped = make(map[packet.Skip]int, len(a.stats.Skipped))
	for k, v := range a.stats.Skipped {
		s.Skipped[k] = v
	}
	return s
}

// own makes fs.f safe to write. A flow TakeDirty handed out is never
// written again: the first change after that goes to a copy, which shares
// only what is never changed once set (parsed hellos, certificates, the
// backing arrays of slices that are only appended to: the timeline's bytes,
// which a flip replaces instead of rewriting; slices with an element
// rewritten in place are cloned).
func (fs *flowState) own() {
	if !fs.published {
		return
	}
	c := new(Flow)
	fs.f.copyInto(c)
	fs.f, fs.published = c, false
}

// copyInto copies a flow to c, cloning what the analyzer changes in place.
func (f *Flow) copyInto(c *Flow) {
	*c = *f
	if f.TCP.StreamFacts != emptyStream && f.TCP.StreamFacts != nil {
		s := *f.TCP.StreamFacts
		c.TCP.StreamFacts = &s
	}
	if f.TLS != emptyTLS {
		t := *f.TLS
		t.Alerts = slices.Clone(t.Alerts)
		if t.TLSRare != emptyRare && t.TLSRare != nil {
			r := *t.TLSRare
			r.Decrypt = r.Decrypt.clone()
			if r.SSLv2 != nil {
				v2 := *r.SSLv2 // its encrypted record counts go up in place
				r.SSLv2 = &v2
			}
			t.TLSRare = &r
		}
		c.TLS = &t
	}
}

// compact moves a finished flow's timeline and packet references into a
// byte slab at their exact lengths: growth by doubling leaves up to half of
// each unused, on every flow. A late packet (a retransmission, an RST after
// the FINs) still adds to them: its append copies them out.
func (fs *flowState) compact() {
	fs.compacted = true
	fs.f.Timeline.setBytes(fs.shared.keepBytes(fs.f.Timeline.bytes()))
	if fs.refs != nil {
		fs.refs.buf.set(fs.shared.keepBytes(fs.refs.buf.bytes()))
	}
}

// finish settles one flow; it reports whether anything changed.
func (fs *flowState) finish() bool {
	changed := false
	for d := FromClient; d <= FromServer; d++ {
		s := fs.dir(d)
		if s == nil {
			if fs.payloadState != nil {
				fs.payloadState.d[d] = finished // never carried data (read below: a banner nobody answered)
			}
			continue // a flow that never carried data has no states to mark: nothing is added after this
		}
		if s.mode == modeDone {
			continue
		}
		changed = true
		fs.own()
		if len(s.line) > 0 && s.mode == modeUnknown {
			fs.decide(s, d, s.line)
		}
		s.re.finish()
		switch {
		case s.re.holed && s.mode != modeDone:
			fs.gap(d, s.re.gap)
		case s.mode == modeTLS && s.rec.midRecord() && !fs.hsDone:
			fs.problem(d, "the capture ends inside a TLS record")
		default:
			fs.stop(d)
		}
	}
	return fs.settleSizes() || changed // after the holes above are known
}
