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
	ids1 := x.column(k1)
	gr.dict[0] = x.vals[k1]
	contrast := by[0].Contrast()
	if len(by) > 1 {
		contrast = by[1]
	}
	var ids2 []uint32
	if contrast != by[0] {
		k2 := keyPos(contrast)
		ids2 = x.column(k2)
		gr.dict[1] = x.vals[k2]
	}

	// Counting sort by value number; groups are numbered in the order the
	// flows first show them, as the Grouper numbers its slots.
	next := make([]int32, gr.dict[0].len())
	order := make([]uint32, 0, min(len(vis), gr.dict[0].len()))
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

	// The groups' first-level slots are built in parts over the cores, in
	// place (their number is known), each part a run of groups with about
	// the same number of flows. A second level is built when asked
	// (GroupSet.SubLen): the view shows one group's, and a million
	// sub-groups (each client under its server) would cost more than the
	// rest of the grouping.
	two := len(by) > 1
	bk := newBucketer(span, gr.buckets)
	cols := groupCols{out: x.out[:x.Len()], first: x.first[:x.Len()], last: x.last[:x.Len()]}
	gr.slots.reserve(len(order))
	gr.keyIDs = order    // group t's value number; neither is changed after
	var recStart []int32 // with timings: the member at place i has gr.times[recStart[i]:recStart[i+1]]
	if timings != nil {
		recStart = make([]int32, len(members)+1)
	}
	parts := make([]*groupBuild, groupParts(len(vis)))
	from := 0
	for p := range parts {
		to := len(order)
		if p < len(parts)-1 { // the first group past this part's share of the flows
			share := int32(int64(len(members)) * int64(p+1) / int64(len(parts)))
			to = max(from, sort.Search(len(order), func(t int) bool { return start[t] >= share }))
		}
		parts[p] = &groupBuild{cols: cols, gr: gr, ids2: ids2, timings: timings, buckets: bk, from: from, to: to,
			recStart: recStart}
		from = to
	}
	var wg sync.WaitGroup
	for _, b := range parts[1:] {
		wg.Go(func() { b.build(members, start) })
	}
	parts[0].build(members, start)
	wg.Wait()

	set := &GroupSet{gr: gr, col: col, zero: make([]int, gr.buckets), contrast: contrast,
		members: members, mstart: start, out: cols.out}
	set.top = make([]int32, len(order))
	for t := range set.top {
		set.top[t] = int32(t)
	}
	mergeParts(gr, set, parts, recStart, start)
	x.shareRows(len(cols.out)) // the groups' outcomes are counted when built
	if two {
		set.lazy = &subLevels{cols: cols, ids2: ids2, members: members, start: start, bk: bk}
		if timings != nil { // the members' records, before sortTimes orders them by slot and phase
			set.lazy.timed, set.lazy.times, set.lazy.recStart = true, slices.Clone(gr.times), recStart
		}
		x.shareIDs(keyPos(contrast), len(cols.out))
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

// build makes the part's first-level slots in place, with their
// concentration notes and timings.
func (b *groupBuild) build(members, start []int32) {
	gr := b.gr
	for t := b.from; t < b.to; t++ {
		m := members[start[t]:start[t+1]]
		s := gr.slots.at(int32(t))
		completed := b.slot(s, m, -1)
		if b.timings != nil {
			b.addTimings(m, int32(t), start[t])
		}
		if b.ids2 != nil {
			if c, ok := b.concentration(m, s, completed); ok {
				if b.conc == nil {
					b.conc = map[int32]concRec{}
				}
				b.conc[int32(t)] = c
			}
		}
	}
}

// mergeParts puts the parts' buckets, notes and timings together, moving
// each part's own numbers past the ones before.
func mergeParts(gr *Grouper, set *GroupSet, parts []*groupBuild, recStart, start []int32) {
	for _, b := range parts {
		off := int32(len(gr.spark))
		gr.spark = append(gr.spark, b.spark...)
		if off > 0 { // the first part's runs are where they were
			for t := b.from; t < b.to; t++ {
				if s := gr.slots.at(int32(t)); s.spark >= 0 { // a run of buckets, not none or oneFailure
					s.spark += off
				}
			}
		}
		for t, c := range b.conc {
			if set.conc == nil {
				set.conc = map[int32]concRec{}
			}
			set.conc[t] = c
		}
		if recStart != nil && len(gr.times) > 0 { // the part's records follow the ones before
			base := int32(len(gr.times))
			for i := start[b.from] + 1; i <= start[b.to]; i++ {
				recStart[i] += base
			}
		}
		gr.times = append(gr.times, b.times...)
	}
}

// groupBuild is what building a grouping's slots reads.
type groupBuild struct {
	cols     groupCols
	gr       *Grouper // read only, but for the part's first-level slots
	ids2     []uint32 // the contrast key's (or second key's) value numbers, by place
	timings  func(int32) Timings
	buckets  bucketer
	recStart []int32 // with timings: the member at place i has times[recStart[i]:recStart[i+1]], part's own numbers
	from, to int     // the part's groups
	// What the part makes, numbered its own way until merged.
	spark []int32
	conc  map[int32]concRec
	times []timeRec
}

// groupCols are the index's columns a grouping counts from, by place.
type groupCols struct {
	out         []uint8
	first, last []instant
}

// slot counts the flows at places m into s, a new slot, and says how many
// completed their handshake.
func (b *groupBuild) slot(s *groupSlot, m []int32, parent int32) (completed int32) {
	x, gr := &b.cols, b.gr
	*s = groupSlot{parent: parent, spark: -1, first: x.first[m[0]], last: x.last[m[0]]}
	for _, f := range m {
		if fi := x.first[f]; fi.before(s.first) {
			s.first = fi
		}
		if la := x.last[f]; s.last.before(la) {
			s.last = la
		}
		o := x.out[f]
		if o <= 1 { // OK and RESUMED are Outcomes' first two
			completed++
		}
		if !failedAt[o] {
			continue
		}
		s.failures++
		s.spark = addFailure(&b.spark, s.spark, b.buckets.at(x.first[f]), gr.buckets)
	}
	s.flows = int32(len(m))
	return completed
}

// concentration finds, for a group of flows m counted in s (completed of
// them completed their handshake), the one value of the contrast key every
// failure has when no flow with it succeeded and others did.
func (b *groupBuild) concentration(m []int32, s *groupSlot, completed int32) (concRec, bool) {
	if s.failures < 2 || completed == 0 {
		return concRec{}, false
	}
	x := &b.cols
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
		b.recStart[int(at)+i+1] = int32(len(b.times))
	}
}

// subLevels is what a grouping by two keys from a GroupIndex keeps to
// build a group's second level when it is asked for: the flows of each
// group, and the index's columns as they were (the index copies a column
// before it changes a value a grouping may still read: GroupIndex.share).
type subLevels struct {
	cols     groupCols
	ids2     []uint32 // the second key's value numbers, by place
	members  []int32  // the flows' places, group by group
	start    []int32  // group t's flows are members[start[t]:start[t+1]]
	bk       bucketer
	timed    bool      // with timings:
	times    []timeRec // the members' records, in member order
	recStart []int32   // the member at i has times[recStart[i]:recStart[i+1]]

	mu   sync.Mutex // the view and a command may both ask
	last int32      // the group whose second level was built last (-1: none)
	set  *GroupSet  // that second level, as a one-key grouping
}

// level is first-level slot t's second level, as a one-key grouping in
// s's order, built once and kept until another group's is asked for
// (the view shows one group's second level; summary writes each once).
func (s *GroupSet) level(t int32) *GroupSet {
	lz := s.lazy
	lz.mu.Lock()
	defer lz.mu.Unlock()
	if lz.set != nil && lz.last == t {
		return lz.set
	}
	lz.last, lz.set = t, s.buildLevel(t)
	return lz.set
}

// buildLevel builds first-level slot t's second level. It only reads what
// the grouping shares, so builders on several goroutines may call it at
// once (WriteGroupSet).
func (s *GroupSet) buildLevel(t int32) *GroupSet {
	lz := s.lazy
	gr := &Grouper{by: s.gr.by[1:], span: s.gr.span, buckets: s.gr.buckets, timed: lz.timed}
	gr.dict[0], gr.ranks[0] = s.gr.dict[1], s.gr.ranks[1]
	m := lz.members[lz.start[t]:lz.start[t+1]]
	// The group's flows by second-key value (numbered in the order they
	// first show), by a counting sort; each value's run is one sub-group.
	// A value's sub-group + 1 by value number: in a table over every value
	// for a group with many flows, else in a map.
	// A group of a few flows looks through the values it has seen.
	var table []int32
	var small map[uint32]int32
	switch {
	case len(m) <= 16:
	case len(m) >= gr.dict[0].len()/16:
		table = make([]int32, gr.dict[0].len())
	default:
		small = map[uint32]int32{}
	}
	place := func(id uint32) int32 {
		switch {
		case table != nil:
			return table[id]
		case small != nil:
			return small[id]
		}
		for j, v := range gr.keyIDs {
			if v == id {
				return int32(j) + 1
			}
		}
		return 0
	}
	var counts []int32
	for _, f := range m {
		id := lz.ids2[f]
		j := place(id)
		if j == 0 {
			gr.keyIDs = append(gr.keyIDs, id)
			counts = append(counts, 0)
			j = int32(len(counts))
			if table != nil {
				table[id] = j
			} else if small != nil {
				small[id] = j
			}
		}
		counts[j-1]++
	}
	sum := int32(0)
	for j, n := range counts {
		counts[j], sum = sum, sum+n
	}
	sorted := make([]int32, len(m))
	var at []int32 // with timings: sorted's flows' places in members
	if gr.timed {
		at = make([]int32, len(m))
	}
	for i, f := range m {
		j := place(lz.ids2[f]) - 1
		sorted[counts[j]] = f
		if at != nil {
			at[counts[j]] = lz.start[t] + int32(i)
		}
		counts[j]++
	}
	b := &groupBuild{cols: lz.cols, gr: gr, buckets: lz.bk}
	gr.slots.reserve(len(counts))
	from := int32(0)
	for j, to := range counts {
		b.slot(gr.slots.at(int32(j)), sorted[from:to], -1)
		if at == nil {
			from = to
			continue
		}
		for _, p := range at[from:to] {
			for r := lz.recStart[p]; r < lz.recStart[p+1]; r++ {
				gr.times = append(gr.times, timeRec{int32(j), lz.times[r].phase, lz.times[r].ns})
			}
		}
		from = to
	}
	gr.spark = b.spark
	mstart := make([]int32, len(counts)+1)
	copy(mstart[1:], counts) // each sub-group's end
	sub := &GroupSet{gr: gr, col: s.col, zero: s.zero, members: sorted, mstart: mstart, out: lz.cols.out}
	sub.top = make([]int32, len(counts))
	for j := range sub.top {
		sub.top[j] = int32(j)
	}
	if gr.timed {
		sub.tstart = gr.sortTimes()
	}
	gr.sortSlots(sub.top, s.col)
	return sub
}
