package model

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

	b := groupBuild{x: x, gr: gr, ids2: ids2, timings: timings, buckets: newBucketer(span, gr.buckets)}
	if timings != nil {
		b.recStart = make([]int32, len(members)+1)
	}
	gr.keyIDs = make([]uint32, 0, len(order))
	var conc map[int32]concRec
	for t, id := range order {
		m := members[start[t]:start[t+1]]
		s := gr.slots.next()
		b.slot(s, m, -1)
		gr.keyIDs = append(gr.keyIDs, id)
		if timings != nil {
			b.addTimings(m, int32(t), start[t])
		}
		if len(by) == 1 && ids2 != nil {
			if c, ok := b.concentration(m, s); ok {
				if conc == nil {
					conc = map[int32]concRec{}
				}
				conc[int32(t)] = c
			}
		}
	}
	set := &GroupSet{gr: gr, col: col, zero: make([]int, gr.buckets), conc: conc, contrast: contrast}
	set.top = make([]int32, len(order))
	for t := range set.top {
		set.top[t] = int32(t)
	}
	if len(by) > 1 {
		set.start, set.subs = b.subSlots(members, start)
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

// groupBuild is what building a grouping's slots reads.
type groupBuild struct {
	x        *GroupIndex
	gr       *Grouper
	ids2     []uint32
	timings  func(int32) Timings
	buckets  bucketer
	recStart []int32 // with timings: the member at place i has gr.times[recStart[i]:recStart[i+1]]
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
		if s.spark < 0 {
			s.spark = int32(len(gr.spark))
			gr.spark = append(grow(gr.spark, gr.buckets), make([]int32, gr.buckets)...)
		}
		gr.spark[int(s.spark)+b.buckets.at(x.first[f])]++
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

// subSlots builds each group's second level, after every first-level
// slot: group t's sub-slots are subs[start[t]:start[t+1]], numbered in the
// order the group's flows first show them.
func (b *groupBuild) subSlots(members, start []int32) (subStart, subs []int32) {
	gr := b.gr
	place := make([]int32, len(gr.dict[1])) // value number -> its sub-group in the group at hand, +1
	subStart = make([]int32, len(start))
	var ids []uint32   // the group's values, in first-seen order
	var sorted []int32 // the group's flows, by sub-group
	var counts []int32 // flows per sub-group, then where each starts
	var places []int32 // with timings: sorted's flows' places in members
	for t := range len(start) - 1 {
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
			sid := int32(gr.slots.len())
			sub := gr.slots.next()
			*sub = *gr.slots.at(int32(t))
			sub.parent = int32(t)
			if b.timings != nil {
				b.copyTimings(nil, sid, start[t], start[t+1])
			}
			gr.keyIDs = append(gr.keyIDs, ids[0])
			gr.nsub++
			subs = append(subs, sid)
			place[ids[0]] = 0
			subStart[t+1] = int32(len(subs))
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
			sid := int32(gr.slots.len())
			b.slot(gr.slots.next(), sorted[from:counts[j]], int32(t))
			if b.timings != nil {
				b.copyTimings(places[from:counts[j]], sid, 0, 0)
			}
			gr.keyIDs = append(gr.keyIDs, id)
			gr.nsub++
			subs = append(subs, sid)
			from = counts[j]
			place[id] = 0
		}
		subStart[t+1] = int32(len(subs))
	}
	return subStart, subs
}

// addTimings records the known phases of the flows m (members from
// place at) for slot id.
func (b *groupBuild) addTimings(m []int32, id, at int32) {
	gr := b.gr
	for i, f := range m {
		tm := b.timings(f)
		for p, ph := range tm.phases() {
			if ph.Known {
				gr.times = append(gr.times, timeRec{id, int32(p), ph.NS})
			}
		}
		b.recStart[int(at)+i+1] = int32(len(gr.times))
	}
}

// copyTimings records again, for sub-slot id, the phases the first level
// recorded for the members at places ps, and at places from to to.
func (b *groupBuild) copyTimings(ps []int32, id, from, to int32) {
	gr := b.gr
	add := func(p int32) {
		for r := b.recStart[p]; r < b.recStart[p+1]; r++ {
			gr.times = append(gr.times, timeRec{id, gr.times[r].phase, gr.times[r].ns})
		}
	}
	for _, p := range ps {
		add(p)
	}
	for p := from; p < to; p++ {
		add(p)
	}
}
