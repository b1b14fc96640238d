package model

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// TestEmitSlicesKeepsNewFlowsInOrder: a batch of more than batchSlice flows
// reaches the UI in slices. The UI (ui.Model.apply) appends the flows newer
// than every one it holds, in ID order, and drops an update of a flow it
// does not hold: read that way, the slices must give it every flow, once,
// whether a batch's new flows are every ID in a range or have gaps
// (retention dropped some), and only the last slice may end the load.
func TestEmitSlicesKeepsNewFlowsInOrder(t *testing.T) {
	for _, gaps := range []bool{false, true} {
		r := rand.New(rand.NewPCG(1, 2))
		l := &Loader{}
		var held []int // the UI's flows, by ID, in order
		handedBefore := 0
		for round := range 4 {
			var ids []int
			for _, id := range held { // updates of flows held
				if r.IntN(3) == 0 {
					ids = append(ids, id)
				}
			}
			next := handedBefore + 1
			for range 4000 + round*3000 { // new flows
				if gaps && r.IntN(10) == 0 {
					next++
				}
				ids = append(ids, next)
				next++
			}
			r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
			b := Batch{Flows: make([]Flow, len(ids)), Packets: 77 + round, Done: round == 3, Err: errors.New("damage"), Dropped: []int{1}}
			for i, id := range ids {
				b.Flows[i] = Flow{Flow: &decode.Flow{ID: id}, Verdict: &Verdict{}}
			}
			var got []Batch
			l.emitSlices(func(s Batch) { got = append(got, s) }, b)
			if want := (len(ids) + batchSlice - 1) / batchSlice; len(got) != want {
				t.Fatalf("gaps %v round %d: %d slices of %d flows, want %d", gaps, round, len(got), len(ids), want)
			}
			seen := map[int]bool{}
			for k, s := range got {
				lastSlice := k == len(got)-1
				if len(s.Flows) > batchSlice || s.Packets != b.Packets || s.Done != (b.Done && lastSlice) ||
					(s.Err != nil) != lastSlice || (s.Dropped != nil) != lastSlice {
					t.Fatalf("gaps %v round %d slice %d: %d flows, packets %d, done %v, err %v, dropped %v",
						gaps, round, k, len(s.Flows), s.Packets, s.Done, s.Err, s.Dropped)
				}
				last := 0 // as apply reads a slice: newer than every flow held, or held
				if len(held) > 0 {
					last = held[len(held)-1]
				}
				var fresh []int
				for _, f := range s.Flows {
					seen[f.ID] = true
					if f.ID > last {
						fresh = append(fresh, f.ID)
					} else if _, ok := slices.BinarySearch(held, f.ID); !ok {
						t.Fatalf("gaps %v round %d: flow %d comes after a newer one; the UI would drop it", gaps, round, f.ID)
					}
				}
				slices.Sort(fresh)
				held = append(held, fresh...)
			}
			if len(seen) != len(ids) {
				t.Fatalf("gaps %v round %d: %d distinct flows emitted, want %d", gaps, round, len(seen), len(ids))
			}
			handedBefore = next - 1
		}
		if n := len(held); held[n-1] != handedBefore || !slices.IsSorted(held) {
			t.Fatalf("gaps %v: the UI holds %d flows up to %d, want every one up to %d in order", gaps, n, held[n-1], handedBefore)
		}
	}
}
