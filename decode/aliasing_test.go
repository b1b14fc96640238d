package decode_test

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestNothingOutlivesThePacket feeds every bundled capture twice: once as
// is, and once with each packet's bytes overwritten right after Add. The
// engine reads records and handshake messages in place where it can, so a
// fact that kept a slice of a packet instead of a copy would change here.
// (The loader reuses its read-ahead buffers only on captures bigger than a
// few MiB, which no bundled capture is: this test is what checks it.)
func TestNothingOutlivesThePacket(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	paths = append(paths, "../testdata/demo.pcapng", "../testdata/synth-mix.pcapng")
	compared := 0
	for _, path := range paths {
		want := analyzeFile(t, path, false)
		got := analyzeFile(t, path, true)
		if len(got) != len(want) {
			t.Fatalf("%s: %d flows, %d with scribbled packets", path, len(want), len(got))
		}
		for i := range want {
			w, g := reportJSON(t, &want[i]), reportJSON(t, &got[i])
			if w != g {
				t.Fatalf("%s flow %d changed when packets were overwritten after use:\n got %s\nwant %s",
					filepath.Base(path), want[i].ID, g, w)
			}
			compared++
		}
	}
	if compared < 150 {
		t.Fatalf("only %d flows compared", compared)
	}
}

func analyzeFile(t *testing.T, path string, scribble bool) []model.Flow {
	t.Helper()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	an := decode.NewAnalyzer()
	var scratch []byte
	for {
		p, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			break // damaged on purpose: what was read is compared
		}
		if scribble {
			scratch = append(scratch[:0], p.Data...)
			p.Data = scratch
		}
		an.Add(&p)
		for i := range scratch {
			scratch[i] = 0xa5
		}
	}
	an.Finish()
	var out []model.Flow
	for _, f := range an.Flows() {
		v := model.Classify(f)
		out = append(out, model.Flow{Flow: f, Verdict: &v})
	}
	return out
}
