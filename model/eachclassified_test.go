package model

import (
	"reflect"
	"testing"
)

// TestEachClassifiedEqualsEach: classified on every core ahead of the
// caller, the flows come in ID order with the verdicts Each gives.
func TestEachClassifiedEqualsEach(t *testing.T) {
	l := loaded(t, "../testdata/demo.pcapng")
	type seen struct {
		flow *Flow
		v    Verdict // its value when seen: the caller's *Flow is reused
	}
	var want []seen
	l.Each(func(f *Flow) { c := *f; want = append(want, seen{&c, *f.Verdict}) })
	defer func(n int) { eachChunk = n }(eachChunk)
	for _, n := range []int{1, 3, 7, len(want), 1 << 20} {
		eachChunk = n
		var got []seen
		l.EachClassified(func(f *Flow) { c := *f; got = append(got, seen{&c, *f.Verdict}) })
		if len(got) != len(want) {
			t.Fatalf("chunks of %d: %d flows, want %d", n, len(got), len(want))
		}
		for i := range got {
			if got[i].flow.Flow != want[i].flow.Flow || !reflect.DeepEqual(got[i].v, want[i].v) {
				t.Fatalf("chunks of %d: flow %d (ID %d), want ID %d with %+v", n, i, got[i].flow.ID, want[i].flow.ID, want[i].v)
			}
		}
	}
}
