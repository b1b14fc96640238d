package model

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// WriteTable prints the aligned one-line-per-flow summary, then totals by
// outcome and by what was skipped.
func WriteTable(w io.Writer, flows []Flow, stats decode.Stats) error {
	t := NewTableWriter(w)
	for i := range flows {
		t.Measure(&flows[i])
	}
	for i := range flows {
		t.Row(&flows[i])
	}
	return t.Finish(stats)
}

// TableWriter prints the summary table one flow at a time, in two passes
// over the same flows: Measure each (column widths), then Row each. Rows
// go out as they come, so memory does not grow with the number of flows
// (text/tabwriter held every row until the end: 1.8 GB for a million).
// The output is what tabwriter printed: each column as wide as its widest
// cell in runes, plus two spaces.
type TableWriter struct {
	w       *bufio.Writer
	widths  [tableColumns]int
	header  bool
	counts  map[Outcome]int
	n       int
	scratch []byte
}

const tableColumns = 9

var tableHeader = [tableColumns]string{"ID", "CLIENT", "SERVER", "SNI", "BADGE", "VERSION", "CIPHER", "ALERT", "FIRST"}

// NewTableWriter starts a table; its header goes out with the first row.
func NewTableWriter(w io.Writer) *TableWriter {
	t := &TableWriter{w: bufio.NewWriterSize(w, 64<<10), counts: map[Outcome]int{}}
	t.widen(&tableHeader)
	return t
}

// tableTimeLayout is the FIRST column's.
const tableTimeLayout = "2006-01-02 15:04:05.000000"

// appendTableRow appends one flow's row to b: each cell padded to widths
// plus two spaces (the last one not padded), or unpadded when widths is nil.
// When runes is not nil it receives each cell's width in runes. Cells are
// appended where they can be, not made into strings: a million rows.
func appendTableRow(b []byte, f *Flow, widths, runes *[tableColumns]int) []byte {
	for i := range tableColumns {
		start := len(b)
		switch i {
		case 0:
			b = strconv.AppendInt(b, int64(f.ID), 10)
		case 1:
			b = appendAddrPort(b, f.Client)
		case 2:
			b = appendAddrPort(b, f.Server)
		case 3:
			b = append(b, orDash(Clip(f.SNI(), 40))...)
		case 4:
			b = append(b, f.Badge...)
		case 5:
			b = append(b, orDash(f.VersionShort())...)
		case 6:
			b = append(b, orDash(f.CipherShort())...)
		case 7:
			b = append(b, orDash(f.AlertName())...)
		case 8:
			b = f.First.UTC().AppendFormat(b, tableTimeLayout)
		}
		n := utf8.RuneCount(b[start:])
		if runes != nil {
			runes[i] = n
		}
		if widths != nil && i < tableColumns-1 {
			// Two spaces at least: on live input (LiveWriter) a cell may be
			// wider than its column.
			for pad := max(widths[i]+2-n, 2); pad > 0; pad-- {
				b = append(b, ' ')
			}
		}
	}
	if widths != nil {
		b = append(b, '\n')
	}
	return b
}

func (t *TableWriter) widen(cells *[tableColumns]string) {
	for i, c := range cells {
		t.widths[i] = max(t.widths[i], utf8.RuneCountInString(c))
	}
}

func (t *TableWriter) widenTo(runes *[tableColumns]int) {
	for i, n := range runes {
		t.widths[i] = max(t.widths[i], n)
	}
}

// Measure widens the columns to fit one flow (the first pass).
func (t *TableWriter) Measure(f *Flow) {
	var runes [tableColumns]int
	t.scratch = appendTableRow(t.scratch[:0], f, nil, &runes)
	t.widenTo(&runes)
}

// Row prints one flow (the second pass).
func (t *TableWriter) Row(f *Flow) {
	t.counts[f.Outcome]++
	t.n++
	t.writeHeader()
	t.scratch = appendTableRow(t.scratch[:0], f, &t.widths, nil)
	t.w.Write(t.scratch)
}

func (t *TableWriter) writeHeader() {
	if !t.header {
		t.header = true
		t.line(&tableHeader)
	}
}

func (t *TableWriter) line(cells *[tableColumns]string) {
	t.scratch = appendRow(t.scratch[:0], cells, &t.widths)
	t.w.Write(t.scratch)
}

// appendRow appends one line of the table: each cell padded to its
// column's width plus two spaces, the last one not padded.
func appendRow(b []byte, cells *[tableColumns]string, widths *[tableColumns]int) []byte {
	for i, c := range cells {
		b = append(b, c...)
		if i == tableColumns-1 {
			break // the last cell is not padded
		}
		for pad := widths[i] + 2 - utf8.RuneCountInString(c); pad > 0; pad-- {
			b = append(b, ' ')
		}
	}
	return append(b, '\n')
}

// Finish prints the totals (and the header, when there were no rows).
func (t *TableWriter) Finish(stats decode.Stats) error {
	t.writeHeader()
	fmt.Fprintf(t.w, "\n%s\n%s", totalsLine(t.n, t.counts), skippedLine(stats))
	return t.w.Flush()
}

// totalsLine is "812 flows: 700 ok, 40 alert, 12 reset ..." in the fixed outcome order.
func totalsLine(n int, counts map[Outcome]int) string {
	var parts []string
	for _, o := range Outcomes {
		if n := counts[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	if len(parts) == 0 {
		return "0 flows"
	}
	return fmt.Sprintf("%d flows: %s", n, strings.Join(parts, ", "))
}

// skippedLine says how many packets were read and what could not be used.
func skippedLine(s decode.Stats) string {
	line := fmt.Sprintf("%d packets read, %d TCP", s.Packets, s.TCPPackets)
	var reasons []string
	for why, n := range s.Skipped {
		reasons = append(reasons, fmt.Sprintf("%d %s", n, why))
	}
	sort.Strings(reasons)
	if len(reasons) > 0 {
		line += "; skipped: " + strings.Join(reasons, ", ")
	}
	if s.Truncated > 0 {
		line += fmt.Sprintf("; %d TCP packets cut short by the snap length", s.Truncated)
	}
	return line + "\n"
}

// Clip shortens s to at most n runes, marking the cut with "...".
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 3 {
		return string(r[:n])
	}
	return string(r[:n-3]) + "..."
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
