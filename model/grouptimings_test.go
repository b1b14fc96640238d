package model

import (
	"slices"
	"testing"
	"time"
)

// TestGroupTimingsPercentiles: with timings kept, each group's (and each
// second-level group's) phase percentiles are the nearest-rank ones of its
// flows' own phase timings, counting only the flows that showed the phase.
func TestGroupTimingsPercentiles(t *testing.T) {
	l := loadWith(t, "../testdata/demo.pcapng", NewLoader)
	flows := l.Flows()
	by := []GroupKey{ByServer, ByOutcome}
	gr := NewGrouper(by, l.Span(), 10).WithTimings()
	for i := range flows {
		gr.Add(&flows[i])
	}
	checked := 0
	check := func(g *Group) {
		if g.Timings == nil {
			t.Fatalf("group %q has no timings", g.Key)
		}
		var vals [numPhases][]int64
		for i := range flows {
			f := &flows[i]
			if by[0].Value(f) != g.Key[0] || len(g.Key) > 1 && by[1].Value(f) != g.Key[1] {
				continue
			}
			pt := PhaseTimings(f.Flow)
			for p, ph := range pt.phases() {
				if ph.Known {
					vals[p] = append(vals[p], ph.NS)
				}
			}
		}
		for p := range numPhases {
			v := vals[p]
			slices.Sort(v)
			st := g.Timings[p]
			if st.N != len(v) {
				t.Errorf("%q %s: n %d, want %d", g.Key, phaseNames[p], st.N, len(v))
				continue
			}
			if len(v) == 0 {
				continue
			}
			rank := func(q int) time.Duration {
				i := (q*len(v)+99)/100 - 1
				return time.Duration(v[i])
			}
			if st.P50 != rank(50) || st.P90 != rank(90) || st.P99 != rank(99) {
				t.Errorf("%q %s: p50/p90/p99 %v %v %v, want %v %v %v", g.Key, phaseNames[p], st.P50, st.P90, st.P99, rank(50), rank(90), rank(99))
			}
			checked++
		}
	}
	for _, g := range gr.Groups(GroupByFailures) {
		check(&g)
		for j := range g.Sub {
			check(&g.Sub[j])
		}
	}
	if checked < 40 {
		t.Errorf("only %d phase percentiles checked", checked)
	}
	if g := NewGrouper(by, l.Span(), 10); true {
		g.Add(&flows[0])
		if gs := g.Groups(GroupByFailures); gs[0].Timings != nil {
			t.Error("timings kept without WithTimings")
		}
	}
}
