package decode_test

import (
	"crypto/tls"
	"encoding/json"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// analyze runs the whole engine on a capture held in memory.
func analyze(t *testing.T, pcap []byte) []model.Flow {
	t.Helper()
	flows, _ := loadAll(t, pcap)
	return flows
}

func reportJSON(t *testing.T, f *model.Flow) string {
	t.Helper()
	r := model.Report(f)
	r.Start, r.End, r.HandshakeMS = "", "", nil // timing differs with packet order
	for i := range r.Alerts {
		r.Alerts[i].Time = ""
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tls13 returns a real TLS 1.3 transcript whose ClientHello carries a
// post-quantum key share (about 1.4 KB, more than one segment).
func tls13(t *testing.T) []synth.Chunk {
	t.Helper()
	cert, _ := synth.Cert(synth.New("10.0.0.1:40000", "10.0.0.2:443").TS, "www.example.test")
	chunks, err := synth.Transcript(
		&tls.Config{ServerName: "www.example.test", InsecureSkipVerify: true, NextProtos: []string{"h2"}},
		&tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks[0].Data) < 1200 {
		t.Fatalf("ClientHello is only %d bytes; expected a post-quantum key share", len(chunks[0].Data))
	}
	return chunks
}

// build lays out a transcript as TCP, with the ClientHello cut into n
// segments delivered in the given order.
func build(chunks []synth.Chunk, n int, order []int) []byte {
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	hello := chunks[0].Data
	segs := c.Segments(true, hello, (len(hello)+n-1)/n)
	for _, i := range order {
		c.Append(segs[i])
	}
	for _, ch := range chunks[1:] {
		c.Send(ch.FromClient, ch.Data, 1400)
	}
	c.Close(true, false).Close(false, false)
	return synth.Pcap(c.Frames, 0)
}

func TestClientHelloInThreeSegmentsOutOfOrder(t *testing.T) {
	chunks := tls13(t)
	inOrder := analyze(t, build(chunks, 3, []int{0, 1, 2}))
	if len(inOrder) != 1 {
		t.Fatalf("%d flows, want 1", len(inOrder))
	}
	f := &inOrder[0]
	if f.Outcome != model.OK || f.SNI() != "www.example.test" || f.TLS.ClientHelloSegments != 3 {
		t.Fatalf("in order: outcome %s, SNI %q, %d segments: %s", f.Outcome, f.SNI(), f.TLS.ClientHelloSegments, f.Diagnosis)
	}
	want := reportJSON(t, f)
	for _, order := range [][]int{{2, 1, 0}, {1, 0, 2}, {0, 2, 1}, {2, 0, 1}} {
		got := analyze(t, build(chunks, 3, order))
		if len(got) != 1 {
			t.Fatalf("order %v: %d flows", order, len(got))
		}
		if g := reportJSON(t, &got[0]); g != want {
			t.Errorf("order %v decodes differently:\n got %s\nwant %s", order, g, want)
		}
		if got[0].TCP.OutOfOrderSegments[0] == 0 {
			t.Errorf("order %v: no out-of-order segment counted", order)
		}
	}
}

func TestRetransmittedAndConflictingSegments(t *testing.T) {
	chunks := tls13(t)
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	hello := chunks[0].Data
	segs := c.Segments(true, hello, 700)
	c.Append(segs[0], segs[0]) // exact retransmission
	bad := append([]byte(nil), segs[1].Data...)
	bad[len(bad)-1] ^= 0xff // same sequence numbers, other bytes: must not win
	c.Append(segs[1:]...)
	c.Append(synth.Frame{Data: bad})
	for _, ch := range chunks[1:] {
		c.Send(ch.FromClient, ch.Data, 1400)
	}
	flows := analyze(t, synth.Pcap(c.Frames, 0))
	f := &flows[0]
	if f.Outcome != model.OK {
		t.Fatalf("outcome %s: %s", f.Outcome, f.Diagnosis)
	}
	if f.TCP.Retransmits[0] < 2 {
		t.Errorf("retransmits %d, want >= 2", f.TCP.Retransmits[0])
	}
	if f.TCP.Overlaps[0] != 1 {
		t.Errorf("conflicting overlaps %d, want 1", f.TCP.Overlaps[0])
	}
}

func TestHoleInServerFlightIsReportedNotGuessed(t *testing.T) {
	chunks := tls13(t)
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	c.Send(true, chunks[0].Data, 1400)
	server := synth.Concat(chunks, false)
	segs := c.Segments(false, server, 500)
	c.Append(segs[0]) // the ServerHello's first 500 bytes, then nothing of the rest
	c.Append(segs[2:]...)
	flows := analyze(t, synth.Pcap(c.Frames, 0))
	f := &flows[0]
	if f.Outcome != model.Partial || f.TCP.Gap[1] == 0 {
		t.Fatalf("outcome %s gap %d: %s", f.Outcome, f.TCP.Gap[1], f.Diagnosis)
	}
}

func TestSnapLengthGivesPartialNotNoServerHello(t *testing.T) {
	chunks := tls13(t)
	flows := analyze(t, synth.Pcap(nil, 0)) // a capture with a header and no packets
	if len(flows) != 0 {
		t.Fatalf("empty capture gave %d flows", len(flows))
	}
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	for _, ch := range chunks {
		c.Send(ch.FromClient, ch.Data, 1400)
	}
	flows = analyze(t, synth.Pcap(c.Frames, 96))
	f := &flows[0]
	if f.Outcome != model.Partial {
		t.Errorf("snap length 96: outcome %s (%s), want partial", f.Outcome, f.Diagnosis)
	}
	if !f.TCP.Truncated {
		t.Error("truncation not recorded")
	}
}

func TestMidStreamClientFoundByClientHello(t *testing.T) {
	chunks := tls13(t)
	// No SYN, and the client uses the lower port, so a port guess is wrong.
	c := synth.New("10.0.0.1:80", "10.0.0.2:50000")
	for _, ch := range chunks {
		c.Send(ch.FromClient, ch.Data, 1400)
	}
	flows := analyze(t, synth.Pcap(c.Frames, 0))
	f := &flows[0]
	if f.Client.String() != "10.0.0.1:80" || f.ClientBasis.String() != "client_hello" {
		t.Errorf("client %s by %s", f.Client, f.ClientBasis)
	}
	if f.Outcome != model.OK {
		t.Errorf("outcome %s: %s", f.Outcome, f.Diagnosis)
	}
}

func TestNewSYNOnReusedTupleStartsNewFlow(t *testing.T) {
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	c.Close(true, true)
	first := c.Frames
	c2 := synth.New("10.0.0.1:40000", "10.0.0.2:443")
	c2.TS = c.TS
	c2.Handshake() // same tuple; the test's ISN is the same, but the old flow was reset
	flows := analyze(t, synth.Pcap(append(first, c2.Frames...), 0))
	if len(flows) != 2 {
		t.Fatalf("%d flows, want 2", len(flows))
	}
}

func TestStartTLSSMTP(t *testing.T) {
	chunks := tls13(t)
	c := synth.New("10.0.0.1:40000", "10.0.0.2:25").Handshake()
	c.Send(false, []byte("220 mail.example.test ESMTP Postfix\r\n"), 0)
	c.Send(true, []byte("EHLO client.example.test\r\n"), 0)
	c.Send(false, []byte("250-mail.example.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n"), 0)
	c.Send(true, []byte("STARTTLS\r\n"), 0)
	c.Send(false, []byte("220 2.0.0 Ready to start TLS\r\n"), 0)
	for _, ch := range chunks {
		c.Send(ch.FromClient, ch.Data, 1400)
	}
	flows := analyze(t, synth.Pcap(c.Frames, 0))
	f := &flows[0]
	if f.TLS.StartTLS != "SMTP" || f.Outcome != model.OK {
		t.Errorf("starttls %q outcome %s: %s", f.TLS.StartTLS, f.Outcome, f.Diagnosis)
	}
}
