package model

import (
	"runtime"
	"slices"
	"sort"
	"sync"
)

// Grouping from a GroupIndex: a counting sort of the flows by their first
// key's value number, then one pass over each group's flows. No map, no
// string and no flow is touched per flow, so a million flows group in
// tens of milliseconds (BenchmarkGroup1M).

// failedAt says, by outcome column value, whether the outcome is a failure
// (an unknown one is, as Outcome("").Failed() says).
var failedAt = func() (t [256]bool) {
	for i := range t {
		t[i] = Outcome("").Failed()
	}
	for i, o := range Outcomes {
		t[i] = o.Failed()
	}
	return t
}()

// concRec is where a group's failures concentrate (GroupSet.Concentration
// with one key): the contrast key's value every failure has, and how many
// flows have it, none of them successful.
type concRec struct {
	id    uint32
	flows int32
}

// Group groups the flows at vis (their places in the index) by by, one
// key or two, on span's axis in buckets parts, sorted by col. With one
// key, each group still learns whether its failures concentrate on one
// value of by[0].Contrast() (GroupSet.Concentration), without building
// that second level. timings, when not nil, gives the phase timings of
// the flow at a place (a pass over its timeline: the slow part).
func (x *GroupIndex) Group(vis []int32, by []GroupKey, span Span, buckets int, col GroupColumn, timings func(int32) Timings) *GroupSet {
	gr := &Grouper{by: by, span: span, buckets: max(buckets, 1), timed: timings != nil}
	k1 := keyPos(by[0])
	ids1 := x.ids[k1][:x.Len()]
	gr.dict[0] = x.vals[k1]
	contrast := by[0].Contrast()
	if len(by) > 1 {
		contrast = by[1]
	}
	var ids2 []uint32
	if contrast != by[0] {
		k2 := keyPos(contrast)
		ids2 = x.ids[k2][:x.Len()]
		gr.dict[1] = x.vals[k2]
	}

	// Counting sort by value number; groups are numbered in the order the
	// flows first show them, as the Grouper numbers its slots.
	next := make([]int32, len(gr.dict[0]))
	order := make([]uint32, 0, min(len(vis), len(gr.dict[0])))
	for _, f := range vis {
		id := ids1[f]
		if next[id] == 0 {
			order = append(order, id)
		}
		next[id]++
	}
	start := make([]int32, len(order)+1)
	for t, id := range order {
		start[t+1] = start[t] + next[id]
		next[id] = start[t]
	}
	members := make([]int32, len(vis))
	for _, f := range vis {
		id := ids1[f]
		members[next[id]] = f
		next[id]++
	}
	next = nil

	if col == GroupByKey {
		gr.ranks[0] = x.rank(k1, gr.dict[0])
		if len(by) > 1 {
			gr.ranks[1] = x.rank(keyPos(contrast), gr.dict[1])
		}
	}

	// The groups' slots are built in parts over the cores, each part a run
	// of groups with about the same number of flows: first-level slots in
	// place (their number is known), second-level ones in the part's own
	// store, appended after.
	two := len(by) > 1
	bk := newBucketer(span, gr.buckets)
	gr.slots.reserve(len(order))
	gr.keyIDs = make([]uint32, len(order))
	copy(gr.keyIDs, order)
	parts := make([]*groupBuild, groupParts(len(vis)))
	from := 0
	for p := range parts {
		to := len(order)
		if p < len(parts)-1 { // the first group past this part's share of the flows
			share := int32(int64(len(members)) * int64(p+1) / int64(len(parts)))
			to = max(from, sort.Search(len(order), func(t int) bool { return start[t] >= share }))
		}
		parts[p] = &groupBuild{x: x, gr: gr, ids2: ids2, timings: timings, buckets: bk, from: from, to: to, oneKey: !two}
		if timings != nil {
			parts[p].recBase = start[from]
			parts[p].recStart = make([]int32, start[to]-start[from]+1)
		}
		from = to
	}
	var wg sync.WaitGroup
	for _, b := range parts[1:] {
		wg.Go(func() { b.build(members, start, two) })
	}
	parts[0].build(members, start, two)
	wg.Wait()

	set := &GroupSet{gr: gr, col: col, zero: make([]int, gr.buckets), contrast: contrast}
	set.top = make([]int32, len(order))
	for t := range set.top {
		set.top[t] = int32(t)
	}
	mergeParts(gr, set, parts, two)
	if two {
		for t := range order {
			if sub := set.subs[set.start[t]:set.start[t+1]]; len(sub) > 1 {
				gr.sortSlots(sub, col)
			}
		}
	}
	if timings != nil {
		set.tstart = gr.sortTimes()
	}
	gr.sortSlots(set.top, col)
	return set
}

// groupParts is how many parts a grouping of n flows is built in: one per
// core from 64k flows (below, a part's start costs more than it saves).
func groupParts(n int) int {
	if groupPartsFor > 0 {
		return groupPartsFor
	}
	if n < 1<<16 {
		return 1
	}
	return min(runtime.GOMAXPROCS(0), 8)
}

// groupPartsFor, when set, replaces groupParts' choice (tests).
var groupPartsFor int

// build makes the part's slots: each of its groups' first-level slot in
// place, its concentration note or second level, and timings.
func (b *groupBuild) build(members, start []int32, two bool) {
	gr := b.gr
	for t := b.from; t < b.to; t++ {
		m := members[start[t]:start[t+1]]
		s := gr.slots.at(int32(t))
		b.slot(s, m, -1)
		if b.timings != nil {
			b.addTimings(m, int32(t), start[t])
		}
		if b.oneKey && b.ids2 != nil {
			if c, ok := b.concentration(m, s); ok {
				if b.conc == nil {
					b.conc = map[int32]concRec{}
				}
				b.conc[int32(t)] = c
			}
		}
	}
	if two {
		b.subSlots(members, start)
	}
}

// mergeParts puts the parts' buckets, notes, second-level slots and
// timings together, moving each part's own numbers past the ones before.
func mergeParts(gr *Grouper, set *GroupSet, parts []*groupBuild, two bool) {
	if two {
		set.start = make([]int32, len(set.top)+1)
		subs := 0
		for _, b := range parts {
			subs += len(b.subIDs)
		}
		set.subs = make([]int32, 0, subs)
		gr.keyIDs = slices.Grow(gr.keyIDs, subs+len(parts)*slotChunk)
	}
	for _, b := range parts {
		off := int32(len(gr.spark))
		gr.spark = append(gr.spark, b.spark...)
		fix := func(s *groupSlot) {
			if s.spark >= 0 { // a run of buckets, not none or oneFailure
				s.spark += off
			}
		}
		if off > 0 { // the first part's runs are where they were
			for t := b.from; t < b.to; t++ {
				fix(gr.slots.at(int32(t)))
			}
		}
		for t, c := range b.conc {
			if set.conc == nil {
				set.conc = map[int32]concRec{}
			}
			set.conc[t] = c
		}
		gr.times = append(gr.times, b.times...)
		if !two {
			continue
		}
		if b.subs.len() == 0 {
			continue // a part without groups
		}
		if off > 0 {
			for i := range b.subs.len() {
				fix(b.subs.at(int32(i)))
			}
		}
		base := gr.slots.appendStore(&b.subs)
		gr.keyIDs = slices.Grow(gr.keyIDs, gr.slots.len()-len(gr.keyIDs))[:gr.slots.len()]
		copy(gr.keyIDs[base:], b.subKeys)
		gr.nsub += b.subs.len()
		first := int32(len(set.subs))
		for _, sid := range b.subIDs {
			set.subs = append(set.subs, base+sid)
		}
		for t := b.from; t < b.to; t++ {
			set.start[t+1] = first + b.subStart[t-b.from+1]
		}
		for _, r := range b.subTimes {
			r.slot += base
			gr.times = append(gr.times, r)
		}
	}
}

// groupBuild is what building a grouping's slots reads.
type groupBuild struct {
	x        *GroupIndex
	gr       *Grouper // read only, but for the part's first-level slots
	ids2     []uint32
	timings  func(int32) Timings
	buckets  bucketer
	recStart []int32 // with timings: the member at place recBase+i has times[recStart[i]:recStart[i+1]]
	recBase  int32
	from, to int  // the part's groups
	oneKey   bool // a single key: find where failures concentrate instead of a second level
	// What the part makes, numbered its own way until merged.
	spark    []int32
	conc     map[int32]concRec
	times    []timeRec // first-level slots'
	subs     slotStore // second-level slots
	subKeys  []uint32  // their value numbers
	subIDs   []int32   // subs, group by group
	subStart []int32   // the part's group t has subIDs[subStart[t-from]:subStart[t-from+1]]
	subTimes []timeRec // second-level slots'
}

// slot counts the flows at places m into s, a new slot.
func (b *groupBuild) slot(s *groupSlot, m []int32, parent int32) {
	x, gr := b.x, b.gr
	*s = groupSlot{parent: parent, spark: -1, first: x.first[m[0]], last: x.last[m[0]]}
	for _, f := range m {
		if fi := x.first[f]; fi.before(s.first) {
			s.first = fi
		}
		if la := x.last[f]; s.last.before(la) {
			s.last = la
		}
		o := x.out[f]
		if o != noOutcome {
			s.outcomes[o]++
		}
		if !failedAt[o] {
			continue
		}
		s.failures++
		s.spark = addFailure(&b.spark, s.spark, b.buckets.at(x.first[f]), gr.buckets)
	}
	s.flows = int32(len(m))
}

// concentration finds, for a group of flows m counted in s, the one value
// of the contrast key every failure has when no flow with it succeeded
// and others did.
func (b *groupBuild) concentration(m []int32, s *groupSlot) (concRec, bool) {
	if s.failures < 2 || s.outcomes[0]+s.outcomes[1] == 0 { // OK and RESUMED are Outcomes' first two
		return concRec{}, false
	}
	x := b.x
	c, found := uint32(0), false
	for _, f := range m {
		if !failedAt[x.out[f]] {
			continue
		}
		if id := b.ids2[f]; !found {
			c, found = id, true
		} else if id != c {
			return concRec{}, false
		}
	}
	var flows int32
	for _, f := range m {
		if b.ids2[f] != c {
			continue
		}
		if o := x.out[f]; o == 0 || o == 1 {
			return concRec{}, false
		}
		flows++
	}
	return concRec{c, flows}, true
}

// subSlots builds the second level of each of the part's groups, in the
// part's own store: group t's sub-slots are numbered in the order its
// flows first show them.
func (b *groupBuild) subSlots(members, start []int32) {
	gr := b.gr
	place := make([]int32, len(gr.dict[1])) // value number -> its sub-group in the group at hand, +1
	b.subStart = make([]int32, b.to-b.from+1)
	flows := int(start[b.to] - start[b.from]) // at most that many sub-groups
	b.subKeys, b.subIDs = make([]uint32, 0, flows), make([]int32, 0, flows)
	var ids []uint32   // the group's values, in first-seen order
	var sorted []int32 // the group's flows, by sub-group
	var counts []int32 // flows per sub-group, then where each starts
	var places []int32 // with timings: sorted's flows' places in members
	add := func(id uint32) *groupSlot {
		b.subKeys = append(b.subKeys, id)
		b.subIDs = append(b.subIDs, int32(b.subs.len()))
		return b.subs.next()
	}
	for t := b.from; t < b.to; t++ {
		m := members[start[t]:start[t+1]]
		ids, counts = ids[:0], counts[:0]
		for _, f := range m {
			id := b.ids2[f]
			if place[id] == 0 {
				ids = append(ids, id)
				counts = append(counts, 0)
				place[id] = int32(len(ids))
			}
			counts[place[id]-1]++
		}
		if len(ids) == 1 { // one value: the sub-group is the group (its buckets shared, read-only)
			sid := int32(b.subs.len())
			sub := add(ids[0])
			*sub = *gr.slots.at(int32(t))
			sub.parent = int32(t)
			if b.timings != nil {
				b.copyTimings(nil, sid, start[t], start[t+1])
			}
			place[ids[0]] = 0
			b.subStart[t-b.from+1] = int32(len(b.subIDs))
			continue
		}
		sum := int32(0)
		for j, n := range counts {
			counts[j], sum = sum, sum+n
		}
		sorted = append(sorted[:0], m...)
		if b.timings != nil {
			places = append(places[:0], m...)
		}
		for i, f := range m {
			j := place[b.ids2[f]] - 1
			sorted[counts[j]] = f
			if b.timings != nil {
				places[counts[j]] = start[t] + int32(i)
			}
			counts[j]++
		}
		from := int32(0)
		for j, id := range ids {
			sid := int32(b.subs.len())
			b.slot(add(id), sorted[from:counts[j]], int32(t))
			if b.timings != nil {
				b.copyTimings(places[from:counts[j]], sid, 0, 0)
			}
			from = counts[j]
			place[id] = 0
		}
		b.subStart[t-b.from+1] = int32(len(b.subIDs))
	}
}

// addTimings records the known phases of the flows m (members from
// place at) for first-level slot id.
func (b *groupBuild) addTimings(m []int32, id, at int32) {
	for i, f := range m {
		tm := b.timings(f)
		for p, ph := range tm.phases() {
			if ph.Known {
				b.times = append(b.times, timeRec{id, int32(p), ph.NS})
			}
		}
		b.recStart[int(at-b.recBase)+i+1] = int32(len(b.times))
	}
}

// copyTimings records again, for the part's sub-slot id, the phases the
// first level recorded for the members at places ps, and at places from
// to to.
func (b *groupBuild) copyTimings(ps []int32, id, from, to int32) {
	add := func(p int32) {
		p -= b.recBase
		for r := b.recStart[p]; r < b.recStart[p+1]; r++ {
			b.subTimes = append(b.subTimes, timeRec{id, b.times[r].phase, b.times[r].ns})
		}
	}
	for _, p := range ps {
		add(p)
	}
	for p := from; p < to; p++ {
		add(p)
	}
}
