package model

import (
	"context"
	"reflect"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// TestEachClassifiedEqualsEach: classified on every core ahead of the
// caller, the flows come in ID order with the verdicts Each gives.
func TestEachClassifiedEqualsEach(t *testing.T) {
	src, err := capture.Open("../testdata/demo.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	l := NewLoader(src)
	if err := l.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	var want []Flow
	l.Each(func(f *Flow) { want = append(want, *f) })
	defer func(n int) { eachChunk = n }(eachChunk)
	for _, n := range []int{1, 3, 7, len(want), 1 << 20} {
		eachChunk = n
		var got []Flow
		l.EachClassified(func(f *Flow) { got = append(got, *f) })
		if len(got) != len(want) {
			t.Fatalf("chunks of %d: %d flows, want %d", n, len(got), len(want))
		}
		for i := range got {
			if got[i].Flow != want[i].Flow || !reflect.DeepEqual(got[i].Verdict, want[i].Verdict) {
				t.Fatalf("chunks of %d: flow %d (ID %d), want ID %d with %+v", n, i, got[i].ID, want[i].ID, want[i].Verdict)
			}
		}
	}
}
