package model

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
)

// TestWriteJSONLinesMatchesSequential: the parallel writer gives exactly
// the bytes of the one-flow-at-a-time writer, with and without a filter,
// on every bundled capture, in chunks of 3 flows and of the usual size.
func TestWriteJSONLinesMatchesSequential(t *testing.T) {
	defer func(n int) { jsonChunk = n }(jsonChunk)
	for _, jsonChunk = range []int{3, jsonChunk} {
		compareParallelJSON(t)
	}
}

func compareParallelJSON(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	more, _ := filepath.Glob("../testdata/*.pcapng")
	failed := func(f *Flow) bool { return f.Outcome.Failed() }
	lines := 0
	for _, p := range append(paths, more...) {
		l := loadWith(t, p, NewLoader)
		for _, keep := range []func(*Flow) bool{nil, failed} {
			var want, got bytes.Buffer
			var kept []Flow
			l.Each(func(f *Flow) {
				if keep == nil || keep(f) {
					kept = append(kept, *f)
				}
			})
			if err := WriteJSONLines(&want, kept); err != nil {
				t.Fatal(err)
			}
			if err := l.WriteJSONLines(&got, keep); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("%s: parallel output differs (%d bytes, want %d)", p, got.Len(), want.Len())
			}
			lines += bytes.Count(want.Bytes(), []byte("\n"))
		}
	}
	if lines < 200 {
		t.Fatalf("only %d lines compared", lines)
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(b []byte) (int, error) {
	if w.n++; w.n > 1 {
		return 0, errors.New("disk full")
	}
	return len(b), nil
}

// TestWriteJSONLinesStopsOnWriteError: a failed write is returned, once.
func TestWriteJSONLinesStopsOnWriteError(t *testing.T) {
	defer func(n int) { jsonChunk = n }(jsonChunk)
	jsonChunk = 2
	l := loadWith(t, "../testdata/demo.pcapng", NewLoader)
	if err := l.WriteJSONLines(&failingWriter{}, nil); err == nil || err.Error() != "disk full" {
		t.Fatalf("error %v, want disk full", err)
	}
}
