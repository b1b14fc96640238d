package model

import (
	"bufio"
	"io"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// LiveWriter prints summary lines for live input (a pipe): each flow once,
// as soon as its outcome is settled (Flow.Settled), so the output can feed
// a log shipper while the capture runs; at the end (or an interrupt) the
// flows still open follow in ID order, as they stand. A flow's line is its
// state when it settled: packets that come after it (application data, the
// close) are not printed again. Feed it batches from Loader.Run.
type LiveWriter struct {
	w       *bufio.Writer
	json    bool
	keep    func(*Flow) bool
	table   *TableWriter
	lists   codeListCache
	printed map[int]struct{} // flows whose line is out, while the loader still has them
	open    map[int]Flow     // flows not printed yet, as last seen: printed as they stand if retention drops them
	buf     []byte
	err     error
	n       int
	counts  map[Outcome]int
}

// liveWidths are the table's columns on live input, where rows go out before
// the widest value is known: wide enough for IPv4 endpoints and most names;
// a wider value pushes its row's later cells right rather than being cut.
var liveWidths = [tableColumns]string{"123456", "255.255.255.255:65535", "255.255.255.255:65535",
	"api.example.com.cdn.example.net", "NO SYN-ACK", "VERSION", "ECDHE-ECDSA-AES128-GCM-SHA256", "no_application_protocol", ""}

// NewLiveWriter prints to w: JSON lines, or the table with fixed columns.
// keep selects the flows printed (nil: all).
func NewLiveWriter(w io.Writer, asJSON bool, keep func(*Flow) bool) *LiveWriter {
	lw := &LiveWriter{w: bufio.NewWriterSize(w, 64<<10), json: asJSON, keep: keep, counts: map[Outcome]int{},
		printed: map[int]struct{}{}, open: map[int]Flow{}}
	if !asJSON {
		lw.table = NewTableWriter(lw.w)
		lw.table.widen(&liveWidths)
	}
	return lw
}

// Batch prints the batch's flows whose outcome has settled and that were
// not printed yet, then flushes: a line is out when its flow settles. A
// flow retention drops before it settled (an idle connection) is printed
// then, as it stands: nothing goes unreported.
func (lw *LiveWriter) Batch(b Batch) error {
	for i := range b.Flows {
		f := &b.Flows[i]
		switch _, done := lw.printed[f.ID]; {
		case done:
		case f.Settled():
			delete(lw.open, f.ID)
			lw.print(f)
		default:
			lw.open[f.ID] = *f
		}
	}
	for _, id := range b.Dropped {
		if f, ok := lw.open[id]; ok {
			delete(lw.open, id)
			lw.print(&f)
		}
		delete(lw.printed, id) // its ID never comes again
	}
	return lw.flush()
}

// Finish prints every flow not printed yet (still open when the input ended
// or was interrupted), in ID order, then the table's totals. Call after Run
// has returned.
func (lw *LiveWriter) Finish(l *Loader, stats decode.Stats) error {
	l.Each(lw.print)
	if lw.table != nil {
		lw.table.Finish(stats)
	}
	return lw.flush()
}

// Totals is the totals line of the flows printed: "812 flows: 700 ok, ...".
func (lw *LiveWriter) Totals() string { return totalsLine(lw.n, lw.counts) }

func (lw *LiveWriter) print(f *Flow) {
	if _, done := lw.printed[f.ID]; done || f.ID < 1 {
		return
	}
	lw.printed[f.ID] = struct{}{}
	if lw.keep != nil && !lw.keep(f) {
		return
	}
	lw.n++
	lw.counts[f.Outcome]++
	if lw.table != nil {
		lw.table.Row(f)
		return
	}
	lw.buf = appendFlow(lw.buf[:0], f, &lw.lists)
	if _, err := lw.w.Write(lw.buf); err != nil && lw.err == nil {
		lw.err = err
	}
}

func (lw *LiveWriter) flush() error {
	if lw.table != nil {
		if err := lw.table.w.Flush(); err != nil && lw.err == nil {
			lw.err = err
		}
	}
	if err := lw.w.Flush(); err != nil && lw.err == nil {
		lw.err = err
	}
	return lw.err
}
