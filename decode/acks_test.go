package decode_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// Bytes a peer acknowledged but the capture never held are counted per
// side (TCP.Uncaptured), and make the unfinished handshake PARTIAL.
func TestUncapturedBytesFromThePeersACKs(t *testing.T) {
	chunks := tls13(t)
	hello := synth.Concat(chunks[:1], true)
	flight := synth.Concat(chunks, false)
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	c.Send(true, hello, 1400)
	c.Segments(false, flight, 1400) // sent by the server, never captured
	c.Send(true, bytes.Repeat([]byte{0x17}, 80), 0)
	c.Close(true, false)
	f := analyze(t, synth.Pcap(c.Frames, 0))[0]
	if got := f.TCP.Uncaptured; got != [2]int64{0, int64(len(flight))} {
		t.Fatalf("Uncaptured = %v, want [0 %d]", got, len(flight))
	}
	if f.Outcome != model.Partial {
		t.Errorf("outcome %s (%s), want partial", f.Outcome, f.Diagnosis)
	}

	// The same bytes captured after the ACK that covers them (capture
	// points merged out of order) are not missing.
	late := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	late.Send(true, hello, 1400)
	frames := late.Segments(false, flight, 1400)
	late.Send(true, bytes.Repeat([]byte{0x17}, 80), 0)
	late.Append(frames...)
	if f := analyze(t, synth.Pcap(late.Frames, 0))[0]; f.TCP.Uncaptured != [2]int64{} {
		t.Fatalf("Uncaptured = %v when the bytes came late", f.TCP.Uncaptured)
	}
}

// No false gaps on real stacks: FINs and their ACKs, retransmissions,
// resets, a capture that starts mid-connection. Only the capture whose
// server data was dropped has uncaptured bytes.
func TestNoUncapturedBytesOnCompleteCaptures(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap")
	if len(paths) < 20 {
		t.Fatalf("only %d captures", len(paths))
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		flows, _ := loadAllDamaged(t, b)
		for _, f := range flows {
			want := [2]int64{}
			if filepath.Base(p) == "dropped-server-data.pcap" {
				want[1] = 1958
			}
			if f.TCP.Uncaptured != want {
				t.Errorf("%s flow %d: Uncaptured %v, want %v", filepath.Base(p), f.ID, f.TCP.Uncaptured, want)
			}
		}
	}
}

// loadAllDamaged is loadAll for captures that may be damaged: the flows
// read before the damage count.
func loadAllDamaged(t *testing.T, pcap []byte) ([]model.Flow, error) {
	t.Helper()
	src, err := capture.NewSource(bytes.NewReader(pcap), int64(len(pcap)))
	if err != nil {
		t.Fatal(err)
	}
	l := model.NewLoader(src)
	err = l.Run(context.Background(), nil)
	return l.Flows(), err
}
