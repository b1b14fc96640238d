package model

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// IndexFlows makes a group index of flows, by place, as Set on each in
// turn would, on every core: a key's column, value numbers and value table
// are its own, so the keys are indexed at once, one goroutine a key at a
// time, while the caller's goroutine fills the outcomes, times and span.
// The explorer builds its index this way when loading ends (a million
// flows are a million look-ups per key).
func IndexFlows(flows []Flow) *GroupIndex {
	x := NewGroupIndex()
	n := len(flows)
	if n == 0 {
		return x
	}
	var next atomic.Int32
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), numGroupKeys) {
		wg.Go(func() {
			for k := int(next.Add(1)) - 1; k < numGroupKeys; k = int(next.Add(1)) - 1 {
				col, key := make([]uint32, n), GroupKeys[k]
				for i := range flows {
					col[i] = x.id(k, key, &flows[i], math.MaxUint32)
				}
				x.ids[k] = col
			}
		})
	}
	x.out, x.first, x.last = make([]uint8, n), make([]instant, n), make([]instant, n)
	for i := range flows {
		f := &flows[i]
		x.out[i], x.first[i], x.last[i] = outcomeCode(f.Outcome), instantOf(f.First), instantOf(f.Last)
		if i == 0 || x.first[i].before(x.from) {
			x.from = x.first[i]
		}
		if i == 0 || x.to.before(x.last[i]) {
			x.to = x.last[i]
		}
	}
	x.spanned = true
	wg.Wait()
	return x
}
