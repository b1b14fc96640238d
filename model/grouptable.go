package model

import (
	"bufio"
	"fmt"
	"io"
	"iter"
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

// WriteGroupTable prints one line per group (second-level groups indented
// under theirs), then where the failures concentrate, what the sparkline's
// axis is and the totals. groups may be built as they are printed (summary
// --by builds the next ones on another goroutine); the tabwriter holds the
// rows until the last, to fit its columns.
func WriteGroupTable(w io.Writer, groups iter.Seq[Group], by []GroupKey, span Span, buckets int) error {
	bw := bufio.NewWriterSize(w, 64<<10) // the tabwriter writes a cell at a time: a write call each, unbuffered
	if err := writeGroupTable(bw, groups, by, span, buckets); err != nil {
		return err
	}
	return bw.Flush()
}

func writeGroupTable(w io.Writer, groups iter.Seq[Group], by []GroupKey, span Span, buckets int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tFLOWS\tFAILURES\tSHARE\tFAILURES OVER TIME\tFIRST\tLAST\tOUTCOMES\n", GroupTitle(by))
	n, flows, failures := 0, 0, 0
	var notes []string
	for g := range groups {
		n++
		flows += g.Flows
		failures += g.Failures
		groupRow(tw, &g, "")
		for j := range g.Sub {
			groupRow(tw, &g.Sub[j], "  ")
		}
		if len(by) > 1 {
			if line, ok := g.Concentration(by[1]); ok {
				notes = append(notes, "  "+GroupKeyText(g.Key[0])+": "+line+"\n")
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "\nWhere the failures concentrate:\n%s", strings.Join(notes, ""))
	}
	_, err := fmt.Fprintf(w, "\n%d group%s, %d flow%s, %d failure%s; failures over time: %s in %d parts\n",
		n, plural(n), flows, plural(flows), failures, plural(failures), span.text(), buckets)
	return err
}

func groupRow(tw io.Writer, g *Group, indent string) {
	fmt.Fprintf(tw, "%s%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", indent, Clip(GroupKeyText(g.Key[len(g.Key)-1]), groupKeyWidth),
		g.Flows, g.Failures, SharePercent(g.Share()), Sparkline(g.Buckets),
		groupTime(g.First), groupTime(g.Last), g.OutcomeWords())
}

// SharePercent is "42%", never "0%" for a share above zero.
func SharePercent(s float64) string {
	p := int(s*100 + 0.5)
	if p == 0 && s > 0 {
		return "<1%"
	}
	return fmt.Sprintf("%d%%", p)
}

func groupTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

func (s Span) text() string {
	return groupTime(s.From) + " to " + groupTime(s.To) + " UTC"
}

// WriteGroupJSON writes one JSON object per group per line; with two keys,
// one per pair of values (the second level), in the table's order.
func WriteGroupJSON(w io.Writer, groups []Group, by []GroupKey, span Span) error {
	var b []byte
	for i := range groups {
		if len(by) < 2 {
			b = appendGroup(b, &groups[i], by, span)
		}
		for j := range groups[i].Sub {
			b = appendGroup(b, &groups[i].Sub[j], by, span)
		}
		if len(b) >= 256<<10 || i == len(groups)-1 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	return nil
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
