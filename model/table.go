package model

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// WriteTable prints the aligned one-line-per-flow summary, then totals by
// outcome and by what was skipped.
func WriteTable(w io.Writer, flows []Flow, stats decode.Stats) error {
	t := NewTableWriter(w)
	for i := range flows {
		t.Row(&flows[i])
	}
	return t.Finish(stats)
}

// TableWriter prints the summary table one flow at a time.
type TableWriter struct {
	w      io.Writer
	tw     *tabwriter.Writer
	counts map[Outcome]int
	n      int
}

// NewTableWriter starts a table with its header line.
func NewTableWriter(w io.Writer) *TableWriter {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCLIENT\tSERVER\tSNI\tBADGE\tVERSION\tCIPHER\tALERT\tFIRST")
	return &TableWriter{w: w, tw: tw, counts: map[Outcome]int{}}
}

// Row adds one flow.
func (t *TableWriter) Row(f *Flow) {
	t.counts[f.Outcome]++
	t.n++
	fmt.Fprintf(t.tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.ID, f.Client, f.Server,
		orDash(Clip(f.SNI(), 40)), f.Badge, orDash(f.VersionShort()), orDash(f.CipherShort()),
		orDash(f.AlertName()), f.First.UTC().Format("2006-01-02 15:04:05.000000"))
}

// Finish aligns and prints the rows, then the totals.
func (t *TableWriter) Finish(stats decode.Stats) error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(t.w, "\n%s\n%s", totalsLine(t.n, t.counts), skippedLine(stats))
	return err
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
