package model

import (
	"bytes"
	"path/filepath"
	"testing"
)

// TestWriteTableMatchesSequential: the parallel table gives exactly the
// bytes of a TableWriter fed one flow at a time, with and without a
// filter, on every bundled capture, in chunks of 3 flows and of the usual
// size, with the row verdicts numbered (the second pass reads them) and
// with all but two classified again.
func TestWriteTableMatchesSequential(t *testing.T) {
	defer func(n, r int) { jsonChunk, rowVerdictsMax = n, r }(jsonChunk, rowVerdictsMax)
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	more, _ := filepath.Glob("../testdata/*.pcapng")
	failed := func(f *Flow) bool { return f.Outcome.Failed() }
	rows := 0
	for _, c := range []struct{ chunk, rowVerdicts int }{{3, 2}, {jsonChunk, reclassify - 1}} {
		jsonChunk, rowVerdictsMax = c.chunk, c.rowVerdicts
		for _, p := range append(paths, more...) {
			l := loadWith(t, p, NewLoader)
			for _, keep := range []func(*Flow) bool{nil, failed} {
				var want, got bytes.Buffer
				tw := NewTableWriter(&want)
				sel := func(fn func(*Flow)) {
					l.Each(func(f *Flow) {
						if keep == nil || keep(f) {
							fn(f)
						}
					})
				}
				sel(tw.Measure)
				sel(tw.Row)
				if err := tw.Finish(l.Stats()); err != nil {
					t.Fatal(err)
				}
				if err := l.WriteTable(&got, keep); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Fatalf("%s (chunks of %d): parallel table differs:\n%s\nwant:\n%s", p, jsonChunk, got.String(), want.String())
				}
				rows += bytes.Count(want.Bytes(), []byte("\n"))
			}
		}
	}
	if rows < 400 {
		t.Fatalf("only %d lines compared", rows)
	}
}
