package decode_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
)

// Flows without payload share one empty TLSFacts (Flow.TLS) and one empty
// StreamFacts (TCPFacts.StreamFacts). Every bundled
// capture, with every bundled key log and again TCP-only, leaves it empty:
// a write to it would show one flow's TLS facts on every other flow.
func TestNoFlowWritesTheSharedEmptyTLS(t *testing.T) {
	keys := keylog.New()
	logs, _ := filepath.Glob("../testdata/captures/keylog/*.keys")
	for _, p := range logs {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		err = keys.Read(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	edge, _ := filepath.Glob("../testdata/edge/*.pcap*")
	paths = append(append(paths, edge...), "../testdata/demo.pcapng", "../testdata/synth-mix.pcapng")
	if len(paths) < 90 || len(logs) == 0 {
		t.Fatalf("fixture: %d captures, %d key logs", len(paths), len(logs))
	}
	withoutTLS := 0
	for _, path := range paths {
		for _, tcpOnly := range []bool{false, true} {
			a := decode.NewAnalyzer()
			a.TCPOnly = tcpOnly
			a.SetKeyLog(keys)
			src, err := capture.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			for {
				p, err := src.Next()
				if errors.Is(err, io.EOF) || err != nil {
					break // a damaged capture: what was read counts
				}
				a.Add(&p)
			}
			src.Close()
			a.Finish()
			a.TakeDirty(nil)
			for _, f := range a.Flows() {
				if f.TLS == nil || f.TCP.StreamFacts == nil {
					t.Fatalf("%s: flow %d has no TLS or stream facts at all", path, f.ID)
				}
				if !f.TLS.Seen && f.TLS.NotTLS == "" {
					withoutTLS++
				}
			}
			if decode.EmptyTLSWritten() {
				t.Fatalf("%s (TCP only: %v) wrote the shared empty TLS or stream facts", filepath.Base(path), tcpOnly)
			}
		}
	}
	if withoutTLS == 0 {
		t.Fatal("fixture: no flow without TLS facts")
	}
}
