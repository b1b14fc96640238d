package model

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"text/tabwriter"
)

// TestWriteGroupSetInOrder: summary --by builds and writes batches of
// groups on every core. What it writes is what building and writing the
// groups one at a time gives, as the table (rows as the old one-row-at-a-
// time printer wrote them) and as JSON, when the groups fill many batches
// and when a few large groups hold every flow.
func TestWriteGroupSetInOrder(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	flows := randomFlows(20000) // 320 clients, 5 servers
	x, vis := indexed(flows)
	for _, by := range [][]GroupKey{{ByClient}, {ByClient, ByServer}, {ByServer, ByClient}, {ByOutcome, ByClient}} {
		for _, asJSON := range []bool{false, true} {
			var timings func(int32) Timings
			if asJSON {
				timings = FlowTimings(flows)
			}
			set := x.Group(vis, by, x.Span(), GroupBuckets, GroupByFailures, timings)
			if n := len(set.batches()) - 1; n < 5 {
				t.Fatalf("%v: %d batches; the test needs several", by, n)
			}
			var got bytes.Buffer
			if err := WriteGroupSet(&got, set, asJSON); err != nil {
				t.Fatal(err)
			}
			if want := oneAtATime(set, asJSON); got.String() != want {
				t.Errorf("%v json=%v: differs from one group at a time\n got %.600s\nwant %.600s", by, asJSON, got.String(), want)
			}
		}
	}
}

// oneAtATime is the groups written in order, each second level read
// through Sub (the view's cached path), each row printed by fmt.
func oneAtATime(set *GroupSet, asJSON bool) string {
	var b bytes.Buffer
	by, span := set.By(), set.Span()
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tFLOWS\tFAILURES\tSHARE\tFAILURES OVER TIME\tFIRST\tLAST\tOUTCOMES\n", GroupTitle(by))
	row := func(g *Group, indent string) {
		fmt.Fprintf(tw, "%s%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", indent, Clip(GroupKeyText(g.Key[len(g.Key)-1]), groupKeyWidth),
			g.Flows, g.Failures, SharePercent(g.Share()), Sparkline(g.Buckets), groupTime(g.First), groupTime(g.Last), g.OutcomeWords())
	}
	var sum groupBatch
	for i := range set.Len() {
		g := set.At(i)
		for j := range set.SubLen(i) {
			g.Sub = append(g.Sub, set.Sub(i, j))
		}
		if asJSON {
			if len(by) == 1 {
				b.Write(appendGroup(nil, &g, by, span))
			}
			for j := range g.Sub {
				b.Write(appendGroup(nil, &g.Sub[j], by, span))
			}
			continue
		}
		sum.groups++
		sum.flows += g.Flows
		sum.fails += g.Failures
		row(&g, "")
		for j := range g.Sub {
			row(&g.Sub[j], "  ")
		}
		if line, ok := g.Concentration(by[len(by)-1]); ok && len(by) > 1 {
			sum.notes = append(sum.notes, "  "+GroupKeyText(g.Key[0])+": "+line+"\n")
		}
	}
	if asJSON {
		return b.String()
	}
	tw.Flush()
	writeGroupFooter(&b, &sum, span)
	return b.String()
}

// TestWriteGroupSetStopsOnWriteError: a failed write (a full disk, a
// closed pipe) is the error returned, and nothing is written after it.
func TestWriteGroupSetStopsOnWriteError(t *testing.T) {
	x, vis := indexed(randomFlows(20000))
	set := x.Group(vis, []GroupKey{ByServer, ByClient}, x.Span(), GroupBuckets, GroupByFailures, nil)
	w := &failingWriter{}
	if err := WriteGroupSet(w, set, true); err == nil || err.Error() != "disk full" {
		t.Fatalf("error %v, want disk full", err)
	}
	if w.n != 2 {
		t.Errorf("%d writes, want 2 (one that worked, one that failed)", w.n)
	}
}
