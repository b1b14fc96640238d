package ui

import (
	"slices"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestNewFlowsGoInIDOrder: a batch's new flows join the list in ID order,
// whether their IDs are a run (placed by ID), have gaps, or (never from the
// loader) repeat one; and a flow is found by ID with and without gaps.
func TestNewFlowsGoInIDOrder(t *testing.T) {
	batch := func(ids ...int) []model.Flow {
		fs := make([]model.Flow, len(ids))
		for i, id := range ids {
			fs[i] = model.Flow{Flow: decode.NewFlow(), Verdict: &model.Verdict{}}
			fs[i].ID = id
		}
		return fs
	}
	for _, ids := range [][]int{{7, 5, 6, 9, 8}, {12, 3, 40, 4}, {5, 7, 5}, {1}} {
		fs := batch(ids...)
		fresh := make([]int, len(fs))
		for i := range fresh {
			fresh[i] = i
		}
		inIDOrder(fresh, fs, slices.Min(ids), slices.Max(ids))
		got := make([]int, len(fresh))
		for j, i := range fresh {
			got[j] = fs[i].ID
		}
		if want := slices.Sorted(slices.Values(ids)); !slices.Equal(got, want) {
			t.Errorf("IDs %v: ordered %v, want %v", ids, got, want)
		}
	}
	for _, ids := range [][]int{{3, 4, 5, 6}, {3, 5, 6, 9}} {
		m := Model{flows: batch(ids...), outcomes: make([]uint8, len(ids))}
		for id := range 11 {
			want := slices.Index(ids, id)
			if got := m.indexOf(id); got != want {
				t.Errorf("flows %v: flow %d at %d, want %d", ids, id, got, want)
			}
		}
	}
}
