package model

import (
	"io"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// WriteTable prints the summary table of the flows keep accepts (all when
// keep is nil): the bytes a TableWriter prints, Measure then Row for each
// flow. Both passes run on every core in chunks of flows (see inChunks);
// the rows are written in ID order as their chunks complete, so memory does
// not grow with the number of flows. Call after Run has returned.
func (l *Loader) WriteTable(w io.Writer, keep func(*Flow) bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	flows := l.an.Flows()
	t := NewTableWriter(w)

	// First pass: column widths and the totals.
	type tally struct {
		widths [tableColumns]int
		counts map[Outcome]int
		n      int
	}
	var tallies []*tally
	_ = inChunks(flows, io.Discard, func() chunkFunc {
		ta := &tally{counts: map[Outcome]int{}}
		tallies = append(tallies, ta)
		var f Flow
		var v Verdict // f's, reused: keep must not hold on to f
		return func(flows []*decode.Flow, b []byte) []byte {
			for _, df := range flows {
				v = withCrossNote(df, l.cross)
				f = Flow{Flow: df, Verdict: &v}
				if keep != nil && !keep(&f) {
					continue
				}
				var runes [tableColumns]int
				b = appendTableRow(b[:0], &f, nil, &runes)
				for i, n := range runes {
					ta.widths[i] = max(ta.widths[i], n)
				}
				ta.counts[f.Outcome]++
				ta.n++
			}
			return b[:0]
		}
	})
	for _, ta := range tallies {
		for i := range ta.widths {
			t.widths[i] = max(t.widths[i], ta.widths[i])
		}
		for o, n := range ta.counts {
			t.counts[o] += n
		}
		t.n += ta.n
	}

	// Second pass: the rows, under the header.
	t.header = true
	t.scratch = appendRow(t.scratch[:0], &tableHeader, &t.widths)
	t.w.Write(t.scratch)
	widths := t.widths
	err := inChunks(flows, t.w, func() chunkFunc {
		var f Flow
		var v Verdict // f's, reused: keep must not hold on to f
		return func(flows []*decode.Flow, b []byte) []byte {
			for _, df := range flows {
				v = withCrossNote(df, l.cross)
				f = Flow{Flow: df, Verdict: &v}
				if keep == nil || keep(&f) {
					b = appendTableRow(b, &f, &widths, nil)
				}
			}
			return b
		}
	})
	if err != nil {
		return err
	}
	return t.Finish(l.an.Stats())
}
