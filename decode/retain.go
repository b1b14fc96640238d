package decode

import (
	"math"
	"slices"
	"sort"
)

// Retention (model.Loader on live input) drops finished flows so that a
// capture read for hours stays in bounded memory. Drop is the one hook: the
// analyzer forgets the flow entirely, and the ID-ordered flow list, which
// then has holes, is searched instead of indexed and squeezed once they are
// many, so it grows with the flows kept, not with every ID ever given.

// Drop forgets flow id for good: its decoding state and buffers, its place
// in the flow table, its packet references. A later packet of its
// connection starts a new flow. It reports whether the flow was there.
// From the first drop on, new flows and their timelines are allocated one
// by one instead of from shared slabs, so that dropping a flow frees it.
func (a *Analyzer) Drop(id int) bool {
	i := a.indexOf(id)
	if i < 0 {
		return false
	}
	fs := a.flows[i]
	for d := FromClient; d <= FromServer; d++ {
		fs.stop(d) // buffers freed, the held-bytes budget told
	}
	f := fs.f
	a.table.remove(a.table.hash(f.Client.Addr(), f.Server.Addr(), f.Client.Port(), f.Server.Port()), fs)
	if a.last == fs {
		a.last = nil
	}
	if fs.dirty {
		a.dirty = slices.DeleteFunc(a.dirty, func(o *flowState) bool { return o == fs })
		fs.dirty = false
	}
	a.flows[i] = nil
	a.holes++
	a.loose, a.shared.loose = true, true
	a.slab, a.bare = nil, nil
	if a.holes >= 256 && a.holes*2 >= len(a.flows) {
		kept := make([]*flowState, 0, (len(a.flows)-a.holes)*5/4+16)
		for _, fs := range a.flows {
			if fs != nil {
				kept = append(kept, fs)
			}
		}
		a.flows, a.holes = kept, 0
	}
	return true
}

// indexOf is flow id's place in a.flows, or -1 when it is not there.
func (a *Analyzer) indexOf(id int) int {
	if id < 1 || id > a.started {
		return -1
	}
	if a.holes == 0 && len(a.flows) == a.started { // nothing dropped: the place is the ID
		return id - 1
	}
	i := sort.Search(len(a.flows), func(i int) bool { return a.idFrom(i) >= id })
	for i < len(a.flows) && a.flows[i] == nil {
		i++
	}
	if i < len(a.flows) && a.flows[i].f.ID == id {
		return i
	}
	return -1
}

// idFrom is the ID of the first flow at or after place i, past the holes.
func (a *Analyzer) idFrom(i int) int {
	for ; i < len(a.flows); i++ {
		if fs := a.flows[i]; fs != nil {
			return fs.f.ID
		}
	}
	return math.MaxInt
}

// byID is flow id's state, or nil.
func (a *Analyzer) byID(id int) *flowState {
	if i := a.indexOf(id); i >= 0 {
		return a.flows[i]
	}
	return nil
}

// Drop is Analyzer.Drop. Only an analyzer of one shard drops (live input,
// the only input retention applies to, is never sharded); with more it
// keeps every flow and reports false.
func (s *Sharded) Drop(id int) bool {
	if s.one == nil {
		return false
	}
	return s.one.Drop(id)
}
