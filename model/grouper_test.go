package model

import (
	"cmp"
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

// TestRadixSortStable: both digit sizes sort as a stable sort by key
// does, with keys that differ only in high digits, only in low ones, and
// everywhere.
func TestRadixSortStable(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{300, 1 << 16, 100_000} {
		for _, mask := range []uint64{0xff, 0xffff_0000_0000_0000, 0x00ff_ff00_00ff_0f00, ^uint64(0)} {
			keys := make([]uint64, n)
			for i := range keys {
				keys[i] = r.Uint64() & mask
			}
			got, want := make([]int32, n), make([]int32, n)
			for i := range got {
				got[i], want[i] = int32(i), int32(i)
			}
			radixSortStable(got, func(id int32) uint64 { return keys[id] })
			slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(keys[a], keys[b]) })
			if !slices.Equal(got, want) {
				t.Fatalf("%d keys masked %#x: radix order differs from a stable sort", n, mask)
			}
		}
	}
}

// TestRadixSortStable2: sorting by two keys in one is a stable sort by the
// first key, then the second, at both digit sizes.
func TestRadixSortStable2(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{300, 1 << 16, 100_000} {
		for _, mask := range []uint64{0x3, 0xffff_0000_0000_0000, ^uint64(0)} {
			k1, k2 := make([]uint64, n), make([]uint64, n)
			for i := range k1 {
				k1[i], k2[i] = r.Uint64()&mask, r.Uint64()&0x0f00_0000_0000_0003
			}
			got, want := make([]int32, n), make([]int32, n)
			for i := range got {
				got[i], want[i] = int32(i), int32(i)
			}
			radixSortStable2(got, func(id int32) (uint64, uint64) { return k1[id], k2[id] })
			slices.SortStableFunc(want, func(a, b int32) int {
				if c := cmp.Compare(k1[a], k1[b]); c != 0 {
					return c
				}
				return cmp.Compare(k2[a], k2[b])
			})
			if !slices.Equal(got, want) {
				t.Fatalf("%d keys masked %#x: order differs from a stable sort", n, mask)
			}
		}
	}
}
