package decode

import (
	"crypto/tls"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

// TestLatePacketsAfterClose: once a flow is closed and decoded, its
// timeline and packet references move into a shared byte slab, and a flow
// without data keeps no decoding state at all. Packets after the close (a
// retransmitted segment, an RST after both FINs) must still count exactly
// as before: the retransmission counted, the RST on the timeline and among
// the evidence packets, the resent segment counted as a packet and a resend
// of its size (not as a retransmission: no bytes are looked at once decoding
// ended), the version handed out before them unchanged, and the flow kept
// next to it in the slab untouched.
func TestLatePacketsAfterClose(t *testing.T) {
	cert, _ := synth.Cert(synth.New("10.0.0.1:40000", "10.0.0.2:443").TS, "late.example")
	chunks, err := synth.Transcript(&tls.Config{ServerName: "late.example", InsecureSkipVerify: true},
		&tls.Config{Certificates: []tls.Certificate{cert}}, true)
	if err != nil {
		t.Fatal(err)
	}
	handshake := func(client string) *synth.Conn {
		c := synth.New(client, "10.0.0.2:443").Handshake()
		for _, ch := range chunks {
			c.Send(ch.FromClient, ch.Data, 1400)
		}
		return c
	}
	a, b := handshake("10.0.0.1:40000"), handshake("10.0.0.3:40001")
	// The largest segment, resent after the close (the last of that size,
	// as the sizes follow it: a resend repeats its number and size).
	var lastData synth.Frame
	for _, fr := range a.Frames {
		if len(fr.Data) >= len(lastData.Data) {
			lastData = fr
		}
	}
	dataDir := FromServer
	if binary.BigEndian.Uint16(lastData.Data[14+20:]) == 40000 { // Ethernet, IPv4, then the TCP source port
		dataDir = FromClient
	}
	a.Close(true, false).Close(false, false)
	b.Close(true, false).Close(false, false)
	a.Append(a.Segment(true, synth.ACK, 0, nil)) // the last ACK
	var frames []synth.Frame
	frames = append(frames, a.Frames...)
	frames = append(frames, b.Frames...) // b is kept in the slab after a
	late := []synth.Frame{lastData, a.Segment(true, synth.RST|synth.ACK, 0, nil)}

	an := NewAnalyzer()
	add := func(fr synth.Frame) {
		n := an.stats.Packets + 1
		an.Add(&capture.Packet{Index: n, Offset: int64(n) * 2000, TS: fr.TS, LinkType: 1,
			CapLen: len(fr.Data), OrigLen: len(fr.Data), Data: fr.Data})
	}
	for _, fr := range frames {
		add(fr)
	}
	fa, fb := an.flows[0], an.flows[1]
	if !fa.compacted || !fb.compacted || fa.f.Timeline.c != fa.f.Timeline.n ||
		fa.refs.buf.n == 0 || fa.refs.buf.c != fa.refs.buf.n {
		t.Fatal("the closed flows were not moved into the slab: the test says nothing")
	}
	an.TakeDirty(nil)
	pubA, pubB := fa.f, fb.f
	eventsA, eventsB := pubA.Timeline.Events(), pubB.Timeline.Events()
	refsA, refsB := an.Packets(pubA.ID).Listed, an.Packets(pubB.ID).Listed
	retrans, sizes, packets := pubA.TCP.Retransmits, pubA.TCP.Sizes, pubA.Packets()

	for _, fr := range late {
		fr.TS = b.TS.Add(b.Step)
		b.TS = fr.TS
		add(fr)
	}
	an.Finish()
	now := fa.f
	if now == pubA {
		t.Fatal("the late packets went into the flow handed out")
	}
	if !slices.Equal(pubA.Timeline.Events(), eventsA) || !slices.Equal(pubB.Timeline.Events(), eventsB) ||
		!slices.Equal(fb.f.Timeline.Events(), eventsB) || !slices.Equal(an.Packets(pubB.ID).Listed, refsB) {
		t.Fatal("a late packet changed a timeline handed out, or its neighbour's timeline or packets in the slab")
	}
	got := now.Timeline.Events()
	if !slices.Equal(got[:len(eventsA)], eventsA) || len(got) != len(eventsA)+1 ||
		got[len(got)-1].Kind != EvRST || got[len(got)-1].Dir != FromClient {
		t.Fatalf("timeline after the late RST: %v", got)
	}
	wantSizes := sizes
	wantSizes[dataDir].Resent++
	if now.TCP.Retransmits != retrans || now.TCP.Sizes != wantSizes || now.Packets() != packets+2 || !now.TCP.RST[FromClient] {
		t.Errorf("after the late packets: retransmits %v (want %v), sizes %+v (want %+v), %d packets (want %d), client RST %v",
			now.TCP.Retransmits, retrans, now.TCP.Sizes, wantSizes, now.Packets(), packets+2, now.TCP.RST[FromClient])
	}
	refs := an.Packets(now.ID)
	last := refs.Listed[len(refs.Listed)-1]
	if !slices.Equal(refs.Listed[:len(refsA)], refsA) || len(refs.Listed) != len(refsA)+1 ||
		!last.Evidence || last.Index != an.stats.Packets || refs.Total != len(a.Frames)+2 {
		t.Fatalf("packets after the late RST: %+v (before: %d listed)", refs, len(refsA))
	}
}

// TestFlowsWithoutDataKeepNoDecodingState: an unanswered or refused SYN
// (most flows of a SYN flood) never makes payload or direction state, not
// even at the end of the capture; data arriving later still decodes.
func TestFlowsWithoutDataKeepNoDecodingState(t *testing.T) {
	syn := synth.New("10.0.0.1:40000", "10.0.0.2:443")
	syn.Append(syn.Segment(true, synth.SYN, 999, nil))
	refused := synth.New("10.0.0.3:40000", "10.0.0.2:443")
	refused.Append(refused.Segment(true, synth.SYN, 999, nil), refused.Segment(false, synth.RST|synth.ACK, 0, nil))
	an := NewAnalyzer()
	for i, fr := range append(syn.Frames, refused.Frames...) {
		an.Add(&capture.Packet{Index: i + 1, TS: fr.TS, LinkType: 1, CapLen: len(fr.Data), OrigLen: len(fr.Data), Data: fr.Data})
	}
	an.Finish()
	for _, fs := range an.flows {
		if fs.payloadState != nil || fs.dir(FromClient) != nil || fs.dir(FromServer) != nil {
			t.Errorf("flow %d keeps decoding state", fs.f.ID)
		}
	}
}
