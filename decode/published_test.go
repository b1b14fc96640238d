package decode_test

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestPublishedFlowsNeverChange takes the changed flows after every packet
// of every bundled capture (with its key log where there is one, so the
// decrypting paths write too) and checks, at the end, that none of the
// flows handed out changed since: the UI reads them without a lock while
// the analyzer goes on. A write that skipped the copy shows here as a
// changed report or Version.
func TestPublishedFlowsNeverChange(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	paths = append(paths, "../testdata/demo.pcapng", "../testdata/synth-mix.pcapng")
	type seen struct {
		f       *decode.Flow
		version uint32
		report  string
	}
	published, copies := 0, 0
	for _, path := range paths {
		an := decode.NewAnalyzer()
		keys := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".pcapng"), ".pcap") + ".keys"
		if b, err := os.ReadFile(filepath.Join("../testdata/captures/keylog", keys)); err == nil {
			l := keylog.New()
			if err := l.Read(strings.NewReader(string(b))); err != nil {
				t.Fatal(err)
			}
			an.SetKeyLog(l)
		}
		src, err := capture.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var out []seen
		last := map[int]*decode.Flow{}
		take := func() {
			for _, f := range an.TakeDirty(nil) {
				if p := last[f.ID]; p != nil && p != f {
					copies++
				}
				last[f.ID] = f
				out = append(out, seen{f, f.Version, fullReport(t, f)})
			}
		}
		for {
			p, err := src.Next()
			if errors.Is(err, io.EOF) || err != nil {
				break // a damaged capture: what was read is checked
			}
			an.Add(&p)
			take()
		}
		an.Finish()
		take()
		src.Close()
		for _, s := range out {
			if s.f.Version != s.version || fullReport(t, s.f) != s.report {
				t.Fatalf("%s: flow %d changed after it was handed out:\nthen %s\nnow  %s",
					filepath.Base(path), s.f.ID, s.report, fullReport(t, s.f))
			}
		}
		published += len(out)
	}
	if published < 1000 || copies < 100 {
		t.Fatalf("only %d flows handed out, %d copied before a change: the test says little", published, copies)
	}
}

func fullReport(t *testing.T, f *decode.Flow) string {
	t.Helper()
	v := model.Classify(f)
	mf := model.Flow{Flow: f, Verdict: &v}
	b, err := json.Marshal(model.Report(&mf))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
