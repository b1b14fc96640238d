package decode

import (
	"slices"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

// TestKeptTimelinesDoNotOverlap: timelines share a slab, so an event added
// to one after it was kept (a late RST) must not land in the next.
func TestKeptTimelinesDoNotOverlap(t *testing.T) {
	var sh shared
	var a, b Timeline
	a.setBytes(sh.keepBytes(MakeTimeline(Event{Kind: EvSYN, At: 5}, Event{Kind: EvSYNACK, At: 7}).bytes()))
	b.setBytes(sh.keepBytes(MakeTimeline(Event{Kind: EvFIN, At: 9}).bytes()))
	a.add(Event{Kind: EvRST, At: 8, Dir: FromServer})
	want := []Event{{Kind: EvSYN, At: 5}, {Kind: EvSYNACK, At: 7}, {Kind: EvRST, At: 8, Dir: FromServer}}
	if !slices.Equal(a.Events(), want) || !slices.Equal(b.Events(), []Event{{Kind: EvFIN, At: 9}}) {
		t.Fatalf("a = %v, b = %v", a.Events(), b.Events())
	}
	long := make([]byte, byteSlab)
	if got := sh.keepBytes(long); len(got) != byteSlab {
		t.Fatalf("a timeline longer than a slab kept %d bytes", len(got))
	}
}

// TestFlowsComeFromSlabs: flow states are carved out of slabs, each its
// own, with packet references of their own unless the analyzer lists no
// packets.
func TestFlowsComeFromSlabs(t *testing.T) {
	for _, noPackets := range []bool{false, true} {
		a := NewAnalyzer()
		a.NoPackets = noPackets
		seen := map[*flowState]bool{}
		refs := map[*PacketRefs]bool{}
		for i := 0; i < 3*maxSlab; i++ {
			s := a.slotFor()
			a.flows = append(a.flows, s)
			if seen[s] || s.refs != nil && refs[s.refs] {
				t.Fatal("a slot was handed out twice")
			}
			seen[s], refs[s.refs] = true, true
			if (s.refs == nil) != noPackets {
				t.Fatalf("NoPackets %v: packet references %p", noPackets, s.refs)
			}
		}
	}
}

// TestRecycledStatesStartClean: a stopped direction's state is reused for
// the next handshake with nothing of the old one but its buffer's room.
func TestRecycledStatesStartClean(t *testing.T) {
	var sh shared
	s := sh.newDirState(FromServer)
	s.mode, s.chDone, s.encRecords = modeTLS, true, 3
	s.rec.body = make([]byte, 100, 2000)
	s.re.start(1000)
	sh.recycle(s)
	r := sh.newDirState(FromClient)
	if r != s {
		t.Fatal("a stopped state was not reused")
	}
	if r.mode != modeUnknown || r.chDone || r.encRecords != 0 || r.re.started || r.dir != FromClient || len(r.rec.body) != 0 {
		t.Errorf("reused state kept old facts: %+v", r)
	}
	if cap(r.rec.body) != 2000 {
		t.Errorf("reused state lost its record buffer (cap %d)", cap(r.rec.body))
	}
	big := sh.newDirState(FromClient)
	big.rec.body = make([]byte, 0, maxSpareBody+1)
	sh.recycle(big)
	if b := sh.newDirState(FromClient); cap(b.rec.body) != 0 {
		t.Errorf("a %d-byte record buffer was kept for reuse", cap(b.rec.body))
	}
}

// TestFlowsWithoutPayloadOwnNothingMore: a SYN nobody answered and a SYN
// answered by a RST share the empty TLS and stream facts and have no payload state;
// the first byte of data gives a flow its own.
func TestFlowsWithoutPayloadOwnNothingMore(t *testing.T) {
	a := NewAnalyzer()
	feed := func(c *synth.Conn) {
		for _, fr := range c.Frames {
			a.Add(&capture.Packet{Index: 1, TS: fr.TS, LinkType: 1, CapLen: len(fr.Data), OrigLen: len(fr.Data), Data: fr.Data})
		}
	}
	syn := synth.New("10.0.0.1:40000", "10.0.0.2:443")
	syn.Append(syn.Segment(true, synth.SYN, 999, nil))
	refused := synth.New("10.0.0.1:40001", "10.0.0.2:443")
	refused.Append(refused.Segment(true, synth.SYN, 999, nil), refused.Segment(false, synth.RST|synth.ACK, 0, nil))
	data := synth.New("10.0.0.1:40002", "10.0.0.2:443").Handshake()
	data.Send(true, []byte("GET / HTTP/1.0\r\n\r\n"), 0)
	feed(syn)
	feed(refused)
	feed(data)
	a.Finish()
	if len(a.flows) != 3 {
		t.Fatalf("%d flows, want 3", len(a.flows))
	}
	for _, fs := range a.flows[:2] {
		if fs.f.TLS != emptyTLS || fs.f.TCP.StreamFacts != emptyStream || fs.payloadState != nil || fs.refs.buf.p != nil {
			t.Errorf("flow %d without payload owns TLS facts %v, stream facts %v, payload state %v, refs %d bytes on the heap",
				fs.f.ID, fs.f.TLS != emptyTLS, fs.f.TCP.StreamFacts != emptyStream, fs.payloadState != nil, fs.refs.buf.n)
		}
	}
	if fs := a.flows[2]; fs.f.TLS == emptyTLS || fs.f.TCP.StreamFacts == emptyStream || fs.payloadState == nil || fs.f.TLS.NotTLS != "HTTP" {
		t.Errorf("flow with data: own TLS facts %v (NotTLS %q), stream facts %v, payload state %v",
			fs.f.TLS != emptyTLS, fs.f.TLS.NotTLS, fs.f.TCP.StreamFacts != emptyStream, fs.payloadState != nil)
	}
}
