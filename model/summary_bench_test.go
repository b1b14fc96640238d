package model

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// BenchmarkSummaryOutput is what summary does: reading the capture, then
// the table (both passes) and the JSON lines, on $PCS_SCALE_CAPTURE
// (bench/scale.sh's captures; skipped without it). Run with -cpu 1,2 to
// see what the parallel passes gain.
func BenchmarkSummaryOutput(b *testing.B) {
	path := os.Getenv("PCS_SCALE_CAPTURE")
	if path == "" {
		b.Skip("PCS_SCALE_CAPTURE is not set")
	}
	load := func(b *testing.B) *Loader {
		src, err := capture.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { src.Close() })
		l := NewLoader(src)
		if err := l.Run(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		return l
	}
	b.Run("read", func(b *testing.B) { // the engine alone, no output
		b.ReportAllocs()
		for b.Loop() {
			load(b)
		}
	})
	l := load(b)
	b.Run("table", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := l.WriteTable(io.Discard, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := l.WriteJSONLines(io.Discard, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
