package model

import (
	"io"
	"sync"

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

	// First pass: column widths and the totals, and what each flow's row
	// shows of its verdict, numbered (rows), for the second pass.
	type tally struct {
		widths [tableColumns]int
		counts map[Outcome]int
		n      int
	}
	var tallies []*tally
	rows := newRowVerdicts()
	codes := make([]uint8, len(flows)) // each flow's row verdict, 0 when not kept
	_ = inChunks(flows, io.Discard, func() chunkFunc {
		ta := &tally{counts: map[Outcome]int{}}
		tallies = append(tallies, ta)
		local := map[rowVerdict]uint8{}
		var f Flow
		var v Verdict // f's, reused: keep must not hold on to f
		return func(start int, flows []*decode.Flow, b []byte) []byte {
			for j, df := range flows {
				v = withCrossNote(df, l.cross)
				f = Flow{Flow: df, Verdict: &v}
				if keep != nil && !keep(&f) {
					continue
				}
				codes[start+j] = rows.code(local, rowVerdictOf(&v))
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

	// Second pass: the rows, under the header, each flow's verdict as the
	// first pass numbered it (classified again only past a byte's worth).
	t.header = true
	t.scratch = appendRow(t.scratch[:0], &tableHeader, &t.widths)
	t.w.Write(t.scratch)
	widths := t.widths
	err := inChunks(flows, t.w, func() chunkFunc {
		var f Flow
		var v Verdict
		return func(start int, flows []*decode.Flow, b []byte) []byte {
			for j, df := range flows {
				switch c := codes[start+j]; c {
				case 0:
					continue
				case reclassify:
					v = withCrossNote(df, l.cross)
				default:
					v = rows.list[c-1].verdict()
				}
				f = Flow{Flow: df, Verdict: &v}
				b = appendTableRow(b, &f, &widths, nil)
			}
			return b
		}
	})
	if err != nil {
		return err
	}
	return t.Finish(l.an.Stats())
}

// rowVerdict is what a table row shows of a flow's verdict: its badge, and
// the outcome and version its alert and version columns read.
type rowVerdict struct {
	badge   string
	outcome Outcome
	version uint16
}

func rowVerdictOf(v *Verdict) rowVerdict { return rowVerdict{v.Badge, v.Outcome, v.Version} }

func (r rowVerdict) verdict() Verdict {
	return Verdict{Badge: r.badge, Outcome: r.outcome, Version: r.version}
}

// rowVerdicts numbers the row verdicts of a table from 1, so its second
// pass reads a byte a flow instead of classifying every flow again (a
// tenth of summary's CPU on a million flows). A capture has a few dozen;
// past 254 a flow is numbered reclassify.
type rowVerdicts struct {
	mu   sync.Mutex
	list []rowVerdict
	num  map[rowVerdict]uint8
}

// reclassify marks a flow whose row verdict has no number; rowVerdictsMax
// is how many are numbered (tests make it small).
const reclassify = 255

var rowVerdictsMax = reclassify - 1

func newRowVerdicts() *rowVerdicts { return &rowVerdicts{num: map[rowVerdict]uint8{}} }

// code is v's number; local is the calling worker's own copy of the
// numbers it has seen, read without the lock.
func (r *rowVerdicts) code(local map[rowVerdict]uint8, v rowVerdict) uint8 {
	if c, ok := local[v]; ok {
		return c
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.num[v]
	if !ok {
		if len(r.list) >= rowVerdictsMax {
			return reclassify
		}
		r.list = append(r.list, v)
		c = uint8(len(r.list))
		r.num[v] = c
	}
	local[v] = c
	return c
}
