package model

import (
	"slices"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// Times a pcapng file can state but int64 nanoseconds cannot hold still
// sort and filter in calendar order.
func TestTimesOutsideNanosecondRange(t *testing.T) {
	at := func(y int) time.Time { return time.Date(y, 1, 1, 12, 0, 0, 0, time.UTC) }
	var flows []Flow
	for i, y := range []int{3000, 2026, 1500, 2200} {
		fl := Flow{Flow: decode.NewFlow(), Verdict: &Verdict{}}
		fl.ID, fl.First = i+1, at(y)
		flows = append(flows, fl)
	}
	idx := []int32{0, 1, 2, 3}
	SortIndices(flows, idx, SortTime, false)
	var got []int
	for _, i := range idx {
		got = append(got, flows[i].ID)
	}
	if want := []int{3, 2, 4, 1}; !slices.Equal(got, want) {
		t.Errorf("time order %v, want %v (1500, 2026, 2200, 3000)", got, want)
	}
	f, err := ParseFilter("after:2100-01-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range flows {
		if got, want := f.Match(&fl), fl.First.Year() > 2100; got != want {
			t.Errorf("after:2100-01-01 on a flow of %d: %v, want %v", fl.First.Year(), got, want)
		}
	}
	f, err = ParseFilter("after:11:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range flows {
		if !f.Match(&fl) {
			t.Errorf("after:11:00 on a flow at 12:00 in %d: no match", fl.First.Year())
		}
	}
}
