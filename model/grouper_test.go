package model

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// TestGrouperRadixOrderEqualsComparisons: with thousands of groups (where
// the grouper sorts by radix), every order equals the one comparisons
// give: failures, flows, share, first and last seen, ties by the group
// seen first. Times include ones before 1970 and far past 2262.
func TestGrouperRadixOrderEqualsComparisons(t *testing.T) {
	for _, far := range []bool{true, false} { // false: times within an hour, sorted in one pass
		radixOrderEqualsComparisons(t, far)
	}
}

func radixOrderEqualsComparisons(t *testing.T, far bool) {
	r := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	outs := []Outcome{OK, Alert, Reset, Partial, Resumed}
	flows := newFlows(20000)
	for i := range flows {
		f := &flows[i]
		f.Client = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(8)), byte(r.IntN(200))}), 4000)
		f.Outcome = outs[r.IntN(len(outs))]
		f.First = t0.Add(time.Duration(r.Int64N(int64(time.Hour))))
		switch {
		case far && i%997 == 1:
			f.First = time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)
		case far && i%997 == 2:
			f.First = time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		f.Last = f.First.Add(time.Duration(r.IntN(5000)) * time.Millisecond)
	}
	gr := NewGrouper([]GroupKey{ByClient}, SpanOf(flows), GroupBuckets)
	for i := range flows {
		gr.Add(&flows[i])
	}
	n := gr.slots.len()
	if n < 1000 {
		t.Fatalf("only %d groups: the radix path is not exercised", n)
	}
	for _, col := range []GroupColumn{GroupByFailures, GroupByFlows, GroupByShare, GroupByFirst, GroupByLast} {
		radix, ref := make([]int32, n), make([]int32, n)
		for i := range radix {
			radix[i], ref[i] = int32(i), int32(i)
		}
		gr.sortSlots(radix, col)
		gr.compareSort(ref, col)
		if !slices.Equal(radix, ref) {
			i := 0
			for radix[i] == ref[i] {
				i++
			}
			t.Errorf("by %s: the radix order differs from comparisons at %d: %+v vs %+v", col, i,
				*gr.slots.at(radix[i]), *gr.slots.at(ref[i]))
		}
	}
}
