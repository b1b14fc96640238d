package model

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// GroupBuckets is how many parts of the capture's span summary --by and
// the group view divide failures over time into.
const GroupBuckets = 20

// groupKeyWidth clips long key values (issuers, names) in the table.
const groupKeyWidth = 48

// GroupKeyText is a key value as shown: "(none)" for flows without one.
func GroupKeyText(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

// GroupTitle is "SERVER" or "SERVER / JA4".
func GroupTitle(by []GroupKey) string {
	parts := make([]string, len(by))
	for i, k := range by {
		parts[i] = strings.ToUpper(string(k))
	}
	return strings.Join(parts, " / ")
}

// WriteGroupSet writes set's groups as summary --by prints them: the
// table, or one JSON object per group per line. Batches of groups are
// built (each with its second level) and put into text on every core,
// and written in order as they are done; at most two batches a core wait
// to be written, so memory follows the groups being written, not every
// group's second level at once (the table's tabwriter holds its rows'
// text anyway, to fit its columns).
func WriteGroupSet(w io.Writer, set *GroupSet, asJSON bool) error {
	by, span := set.By(), set.Span()
	bw := bufio.NewWriterSize(w, 256<<10) // the tabwriter writes a cell at a time: a write call each, unbuffered
	var tw *tabwriter.Writer
	out := io.Writer(bw)
	if !asJSON {
		tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\tFLOWS\tFAILURES\tSHARE\tFAILURES OVER TIME\tFIRST\tLAST\tOUTCOMES\n", GroupTitle(by))
		out = tw
	}
	var sum groupBatch
	cuts := set.batches()
	err := writeInOrder(out, len(cuts)-1, func(_, i int, b groupBatch) groupBatch {
		b.reset()
		for j := cuts[i]; j < cuts[i+1]; j++ {
			g := set.Full(j)
			if asJSON {
				b.text = appendGroupLines(b.text, &g, by, span)
			} else {
				b.addRows(&g, by)
			}
		}
		return b
	}, func(b *groupBatch) []byte {
		sum.add(b)
		return b.text
	})
	if err != nil {
		return err
	}
	if !asJSON {
		if err := tw.Flush(); err != nil {
			return err
		}
		writeGroupFooter(bw, &sum, span)
	}
	return bw.Flush()
}

// A batch of WriteGroupSet holds up to batchGroups groups and ends after
// the group that takes its flows to batchFlows or more: a grouping whose
// few groups hold every flow (ten JA4s, then their clients) still makes
// batches for every core.
const (
	batchGroups = 256
	batchFlows  = 2048
)

// batches is where WriteGroupSet's batches start, and the end.
func (s *GroupSet) batches() []int {
	cuts := []int{0}
	groups, flows := 0, 0
	for i, id := range s.top {
		groups++
		flows += int(s.gr.slots.at(id).flows)
		if groups == batchGroups || flows >= batchFlows {
			cuts = append(cuts, i+1)
			groups, flows = 0, 0
		}
	}
	if groups > 0 {
		cuts = append(cuts, len(s.top))
	}
	return cuts
}

// groupBatch is some groups put into text, and what the table's footer
// needs of them.
type groupBatch struct {
	text                 []byte
	notes                []string // where a group's failures concentrate, one line each
	groups, flows, fails int
}

func (b *groupBatch) reset() {
	b.text, b.notes = b.text[:0], b.notes[:0]
	b.groups, b.flows, b.fails = 0, 0, 0
}

// add counts b's groups into the totals and keeps its notes.
func (b *groupBatch) add(o *groupBatch) {
	b.notes = append(b.notes, o.notes...)
	b.groups += o.groups
	b.flows += o.flows
	b.fails += o.fails
}

// addRows puts g's row, its second level's rows indented under it, and
// where its failures concentrate.
func (b *groupBatch) addRows(g *Group, by []GroupKey) {
	b.groups++
	b.flows += g.Flows
	b.fails += g.Failures
	b.text = appendGroupRow(b.text, g, "")
	for j := range g.Sub {
		b.text = appendGroupRow(b.text, &g.Sub[j], "  ")
	}
	if len(by) > 1 {
		if line, ok := g.Concentration(by[1]); ok {
			b.notes = append(b.notes, "  "+GroupKeyText(g.Key[0])+": "+line+"\n")
		}
	}
}

// writeGroupFooter writes where the failures concentrate, what the
// sparkline's axis is and the totals.
func writeGroupFooter(w io.Writer, sum *groupBatch, span Span) {
	if len(sum.notes) > 0 {
		fmt.Fprintf(w, "\nWhere the failures concentrate:\n%s", strings.Join(sum.notes, ""))
	}
	n, flows, failures := sum.groups, sum.flows, sum.fails
	fmt.Fprintf(w, "\n%d group%s, %d flow%s, %d failure%s; failures over time: %s in %d parts\n",
		n, plural(n), flows, plural(flows), failures, plural(failures), span.text(), GroupBuckets)
}

// appendGroupRow is a group's row of the table, cells separated by tabs.
func appendGroupRow(b []byte, g *Group, indent string) []byte {
	b = append(b, indent...)
	b = append(b, Clip(GroupKeyText(g.Key[len(g.Key)-1]), groupKeyWidth)...)
	b = append(strconv.AppendInt(append(b, '\t'), int64(g.Flows), 10), '\t')
	b = append(strconv.AppendInt(b, int64(g.Failures), 10), '\t')
	b = append(append(b, SharePercent(g.Share())...), '\t')
	b = append(append(b, Sparkline(g.Buckets)...), '\t')
	b = append(appendGroupTime(b, g.First), '\t')
	b = append(appendGroupTime(b, g.Last), '\t')
	for i, o := range Outcomes {
		if n := g.Outcomes[i]; n > 0 {
			if b[len(b)-1] != '\t' {
				b = append(b, ", "...)
			}
			b = append(append(strconv.AppendInt(b, int64(n), 10), ' '), o...)
		}
	}
	return append(b, '\n')
}

// SharePercent is "42%", never "0%" for a share above zero.
func SharePercent(s float64) string {
	p := int(s*100 + 0.5)
	if p == 0 && s > 0 {
		return "<1%"
	}
	return fmt.Sprintf("%d%%", p)
}

const groupTimeLayout = "2006-01-02 15:04:05"

func groupTime(t time.Time) string { return t.UTC().Format(groupTimeLayout) }

func appendGroupTime(b []byte, t time.Time) []byte { return t.UTC().AppendFormat(b, groupTimeLayout) }

func (s Span) text() string {
	return groupTime(s.From) + " to " + groupTime(s.To) + " UTC"
}

// appendGroupLines is a group's JSON lines: one object for it, or with
// two keys one per pair of values (its second level), in the table's order.
func appendGroupLines(b []byte, g *Group, by []GroupKey, span Span) []byte {
	if len(by) < 2 {
		return appendGroup(b, g, by, span)
	}
	for j := range g.Sub {
		b = appendGroup(b, &g.Sub[j], by, span)
	}
	return b
}

func appendGroup(b []byte, g *Group, by []GroupKey, span Span) []byte {
	b = append(b, `{"by":`...)
	b = appendList(b, by, func(b []byte, k GroupKey) []byte { return appendString(b, string(k)) })
	b = appendKey(b, "key")
	b = appendList(b, g.Key, appendText[string])
	b = appendKeyInt(b, "flows", int64(g.Flows))
	b = appendKeyInt(b, "failures", int64(g.Failures))
	b = appendKey(b, "failure_share")
	b = appendFloat(b, g.Share())
	b = append(b, `,"outcomes":{`...)
	n := 0
	for i, o := range Outcomes {
		if c := g.Outcomes[i]; c > 0 {
			if n > 0 {
				b = append(b, ',')
			}
			b = appendString(b, string(o))
			b = append(b, ':')
			b = appendInt(b, c)
			n++
		}
	}
	b = append(b, '}')
	b = appendKeyStamp(b, "first", g.First)
	b = appendKeyStamp(b, "last", g.Last)
	b = appendKey(b, "failures_over_time")
	b = appendList(b, g.Buckets, appendInt)
	if g.Timings != nil {
		b = appendGroupTimings(b, g.Timings)
	}
	b = appendKeyStamp(b, "span_start", span.From)
	b = appendKeyStamp(b, "span_end", span.To)
	return append(b, "}\n"...)
}

func appendInt(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }

// appendKeyStamp is appendKeyString(b, k, stamp(t)) without the string:
// a stamp has nothing to escape.
func appendKeyStamp(b []byte, k string, t time.Time) []byte {
	b = append(appendKey(b, k), '"')
	return append(t.UTC().AppendFormat(b, time.RFC3339Nano), '"')
}
