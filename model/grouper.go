package model

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Grouper aggregates classified flows one at a time; it keeps one slot per
// key value, never the flows, so memory grows with the groups. Adding a
// flow formats nothing and allocates nothing for a group already seen:
// addresses are looked up as address bytes, names as the flow's own
// strings, and a value is formatted once, when its group is new. Slots
// hold no pointers, so a million of them cost the garbage collector
// nothing to scan: with a million flows loaded (one group each, by
// client) that keeps grouping within the group view's budget
// (BenchmarkGroup1M).
type Grouper struct {
	by      []GroupKey
	span    Span
	buckets int
	slots   slotStore
	keys    []string      // slots[i]'s value of its level, as Value formats it
	keyIDs  []uint32      // from a GroupIndex, instead of keys: slots[i]'s value number in dict
	dict    [2]valueTable // from a GroupIndex: each level's values by number
	ranks   [2][]uint32   // from a GroupIndex, sorting by key: each level's values' ranks in text order
	addrs   map[addrSlotKey]int32
	names   map[nameSlotKey]int32
	spark   []int32              // each failing slot's buckets, one run of buckets each
	nsub    int                  // second-level slots
	outs    [][numOutcomes]int32 // Add's slots' counts by outcome (a GroupIndex's sets count them when a group is built)
	timed   bool                 // WithTimings: keep the phase timings
	times   []timeRec
}

// slotStore holds slots in chunks of slotChunk (the last may be shorter):
// growing never copies a full chunk, and a million slots allocate their
// own size once, not twice over; a few slots take a few slots' room.
type slotStore struct {
	chunks [][]groupSlot
	n      int
}

const slotChunk = 4096

func (st *slotStore) len() int { return st.n }

func (st *slotStore) at(id int32) *groupSlot { return &st.chunks[id/slotChunk][id%slotChunk] }

// next adds a slot and returns it to be filled in place.
func (st *slotStore) next() *groupSlot {
	i := st.n % slotChunk
	if i == 0 {
		st.chunks = append(st.chunks, make([]groupSlot, 0, min(slotChunk, 8)))
	}
	c := &st.chunks[len(st.chunks)-1]
	if i >= cap(*c) {
		*c = slices.Grow(*c, min(cap(*c), slotChunk-cap(*c)))
	}
	*c = (*c)[:i+1]
	st.n++
	return &(*c)[i]
}

// reserve adds n slots, zero, to be filled in place (at).
func (st *slotStore) reserve(n int) {
	for n > 0 {
		i := st.n % slotChunk
		if i == 0 {
			st.chunks = append(st.chunks, make([]groupSlot, 0, min(n, slotChunk)))
		}
		c := &st.chunks[len(st.chunks)-1]
		k := min(n, slotChunk-i)
		*c = slices.Grow(*c, k)[:i+k]
		clear((*c)[i:])
		st.n += k
		n -= k
	}
}

func (st *slotStore) add(s groupSlot) int32 {
	*st.next() = s
	return int32(st.n - 1)
}

// groupSlot is one group while flows are added.
type groupSlot struct {
	flows, failures int32
	parent          int32 // the first-level slot of a second-level one; -1 at the first level
	spark           int32 // where its buckets start in Grouper.spark; -1 before its first failure; oneFailure(b) after it
	first, last     instant
}

// instant is a time.Time without its location pointer (shown in UTC or
// the view's zone anyway), exact over time.Time's whole range.
type instant struct {
	sec  int64
	nsec int32
}

func instantOf(t time.Time) instant { return instant{t.Unix(), int32(t.Nanosecond())} }

func (a instant) before(b instant) bool { return a.sec < b.sec || a.sec == b.sec && a.nsec < b.nsec }

func (a instant) time() time.Time { return time.Unix(a.sec, int64(a.nsec)).UTC() }

// addrSlotKey holds an address as bytes, so the map has no pointers to scan.
type addrSlotKey struct {
	parent int32
	port   uint16
	is4    bool
	ip     [16]byte
}

type nameSlotKey struct {
	parent int32
	name   string
}

// NewGrouper groups by one or two keys; failures are counted in buckets
// equal parts of span.
func NewGrouper(by []GroupKey, span Span, buckets int) *Grouper {
	return &Grouper{by: by, span: span, buckets: max(buckets, 1),
		addrs: map[addrSlotKey]int32{}, names: map[nameSlotKey]int32{}}
}

// By returns the keys the grouper groups by.
func (gr *Grouper) By() []GroupKey { return gr.by }

// Add counts one flow (the *Flow may be reused after it returns).
func (gr *Grouper) Add(f *Flow) {
	oi := outcomeIndex(f.Outcome)
	bucket := -1
	if f.Outcome.Failed() {
		bucket = gr.span.Bucket(f.First, gr.buckets)
	}
	first, last := instantOf(f.First), instantOf(f.Last)
	id := gr.slot(gr.by[0], -1, f)
	gr.count(id, first, last, oi, bucket)
	sub := int32(-1)
	if len(gr.by) > 1 {
		sub = gr.slot(gr.by[1], id, f)
		gr.count(sub, first, last, oi, bucket)
	}
	if gr.timed {
		if sub >= 0 {
			gr.addTimings(f, id, sub)
		} else {
			gr.addTimings(f, id)
		}
	}
}

// slot finds (or makes) the slot of f's value of k under parent.
func (gr *Grouper) slot(k GroupKey, parent int32, f *Flow) int32 {
	if key, ok := slotAddr(k, parent, f); ok {
		if id, ok := gr.addrs[key]; ok {
			return id
		}
		id := gr.newSlot(parent, k.Value(f))
		gr.addrs[key] = id
		return id
	}
	key := nameSlotKey{parent, k.Value(f)}
	if id, ok := gr.names[key]; ok {
		return id
	}
	key.name = strings.Clone(key.name) // never a view into bytes a reused flow may own
	id := gr.newSlot(parent, key.name)
	gr.names[key] = id
	return id
}

// slotAddr is the address the key's value formats, for the keys that are
// addresses (addrOf), under parent.
func slotAddr(k GroupKey, parent int32, f *Flow) (addrSlotKey, bool) {
	v, ok := addrOf(k, f)
	return addrSlotKey{parent: parent, port: v.port, is4: v.is4, ip: v.ip}, ok
}

// key is slot id's value of its level.
func (gr *Grouper) key(id int32) string {
	if gr.keyIDs == nil {
		return gr.keys[id]
	}
	level := 0
	if gr.slots.at(id).parent >= 0 {
		level = 1
	}
	return gr.dict[level].at(gr.keyIDs[id])
}

func (gr *Grouper) newSlot(parent int32, key string) int32 {
	gr.keys = append(grow(gr.keys, 1), key)
	if parent >= 0 {
		gr.nsub++
	}
	gr.outs = append(grow(gr.outs, 1), [numOutcomes]int32{})
	return gr.slots.add(groupSlot{parent: parent, spark: -1})
}

// grow makes room for n more, doubling: append grows large slices by a
// quarter, which copies a million slots a dozen times over.
func grow[T any](s []T, n int) []T {
	if len(s)+n <= cap(s) {
		return s
	}
	return slices.Grow(s, max(len(s), 64, n))
}

func (gr *Grouper) count(id int32, first, last instant, oi, bucket int) {
	s := gr.slots.at(id)
	if s.flows == 0 || first.before(s.first) {
		s.first = first
	}
	if s.flows == 0 || s.last.before(last) {
		s.last = last
	}
	s.flows++
	if oi >= 0 {
		gr.outs[id][oi]++
	}
	if bucket < 0 {
		return
	}
	s.failures++
	s.spark = addFailure(&gr.spark, s.spark, bucket, gr.buckets)
}

// oneFailure is a slot's spark while its only failure is in bucket b: a
// million one-flow groups need no run of buckets each.
func oneFailure(b int) int32 { return int32(-2 - b) }

// addFailure counts a failure in bucket b for a slot whose spark is at,
// giving its spark after: a slot's second failure gets a run in spark.
func addFailure(spark *[]int32, at int32, b, buckets int) int32 {
	switch {
	case at == -1:
		return oneFailure(b)
	case at < -1:
		first := int(-2 - at)
		at = int32(len(*spark))
		*spark = append(grow(*spark, buckets), make([]int32, buckets)...)
		(*spark)[int(at)+first]++
	}
	(*spark)[int(at)+b]++
	return at
}

// Groups returns every group sorted by col (second-level groups inside
// each, sorted the same way). Buckets is never nil.
func (gr *Grouper) Groups(col GroupColumn) []Group {
	return gr.Sorted(col).Groups()
}

// Sorted returns the groups sorted by col without building them: the
// group view reads the rows it shows. Ties go by failures, then flows,
// then the group seen first. The Grouper must not be added to afterwards.
func (gr *Grouper) Sorted(col GroupColumn) *GroupSet {
	s := &GroupSet{gr: gr, col: col, zero: make([]int, gr.buckets)}
	n := gr.slots.len()
	s.top = make([]int32, 0, n-gr.nsub)
	for i := range int32(n) {
		if gr.slots.at(i).parent < 0 {
			s.top = append(s.top, int32(i))
		}
	}
	gr.sortSlots(s.top, col)
	if gr.timed && s.tstart == nil {
		s.tstart = gr.sortTimes()
	}
	if gr.nsub > 0 { // each first-level slot's children, in one array
		start := make([]int32, n+1)
		for i := range int32(n) {
			if p := gr.slots.at(i).parent; p >= 0 {
				start[p+1]++
			}
		}
		for i := 1; i < len(start); i++ {
			start[i] += start[i-1]
		}
		s.start = start
		s.subs = make([]int32, gr.nsub)
		next := make([]int32, n)
		copy(next, start)
		for i := range int32(n) {
			if p := gr.slots.at(i).parent; p >= 0 {
				s.subs[next[p]] = i
				next[p]++
			}
		}
		for _, id := range s.top {
			gr.sortSlots(s.subs[start[id]:start[id+1]], col)
		}
	}
	return s
}

// GroupSet is a grouping in order, built into Groups one at a time.
type GroupSet struct {
	gr     *Grouper
	col    GroupColumn
	top    []int32 // first-level slots in order
	start  []int32 // with two keys: slot i's children are subs[start[i]:start[i+1]]
	subs   []int32
	zero   []int   // the Buckets of groups without failures (read-only)
	tstart []int32 // with timings: slot i's records are gr.times[tstart[i]:tstart[i+1]]
	// From a GroupIndex: the groups whose failures concentrate on one value
	// of contrast (the second key, or a single key's Contrast), by slot,
	// noted while counting.
	conc     map[int32]concRec
	contrast GroupKey
	// From a GroupIndex with two keys: what builds a group's second level
	// when asked (start and subs stay nil).
	lazy *subLevels
	// From a GroupIndex: slot i's flows are members[mstart[i]:mstart[i+1]],
	// their outcomes in out, counted when a group is built (a million
	// slots do not each hold 52 bytes of counts), the last few kept.
	members, mstart []int32
	out             []uint8
	outMu           sync.Mutex
	outCache        map[int32][numOutcomes]int32
}

// outcomes is slot id's counts by outcome.
func (s *GroupSet) outcomes(id int32) [numOutcomes]int32 {
	if s.members == nil {
		return s.gr.outs[id]
	}
	m := s.members[s.mstart[id]:s.mstart[id+1]]
	count := func() (c [numOutcomes]int32) {
		for _, f := range m {
			if o := s.out[f]; o != noOutcome {
				c[o]++
			}
		}
		return c
	}
	if len(m) < 4096 { // counted faster than looked up
		return count()
	}
	s.outMu.Lock()
	defer s.outMu.Unlock()
	if c, ok := s.outCache[id]; ok {
		return c
	}
	c := count()
	if s.outCache == nil || len(s.outCache) >= 256 { // a few screens of rows
		s.outCache = map[int32][numOutcomes]int32{}
	}
	s.outCache[id] = c
	return c
}

// Len is the number of first-level groups.
func (s *GroupSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.top)
}

// By returns the keys of the grouping.
func (s *GroupSet) By() []GroupKey { return s.gr.by }

// Column is the order the set is in.
func (s *GroupSet) Column() GroupColumn { return s.col }

// Span is the time axis the buckets divide.
func (s *GroupSet) Span() Span { return s.gr.span }

// Key is the i-th group's value (its first level).
func (s *GroupSet) Key(i int) string { return s.gr.key(s.top[i]) }

// At builds the i-th first-level group, without its second level (Sub
// builds those: a server may have a million clients).
func (s *GroupSet) At(i int) Group {
	id := s.top[i]
	return s.group(id, []string{s.gr.key(id)})
}

// SubLen is how many second-level groups the i-th group has.
func (s *GroupSet) SubLen(i int) int {
	if s.lazy != nil {
		return s.level(s.top[i]).Len()
	}
	if s.start == nil {
		return 0
	}
	id := s.top[i]
	return int(s.start[id+1] - s.start[id])
}

// Sub builds the j-th second-level group of the i-th group.
func (s *GroupSet) Sub(i, j int) Group {
	id := s.top[i]
	if s.lazy != nil {
		sub := s.level(id)
		sid := sub.top[j]
		return sub.group(sid, []string{s.gr.key(id), sub.gr.key(sid)})
	}
	sid := s.subs[int(s.start[id])+j]
	return s.group(sid, []string{s.gr.key(id), s.gr.key(sid)})
}

// Groups builds every group with its second level, in order.
func (s *GroupSet) Groups() []Group {
	out := make([]Group, s.Len())
	for i := range out {
		out[i] = s.Full(i)
	}
	return out
}

// Full builds the i-th group with its second level. Several goroutines
// may call it at once: a second level it builds is its own, not the one
// the view's Sub keeps.
func (s *GroupSet) Full(i int) Group {
	g := s.At(i)
	if s.lazy != nil {
		sub := s.buildLevel(s.top[i])
		if sub.Len() > 0 {
			g.Sub = make([]Group, sub.Len())
		}
		for j, sid := range sub.top {
			g.Sub[j] = sub.group(sid, []string{g.Key[0], sub.gr.key(sid)})
		}
		return g
	}
	if n := s.SubLen(i); n > 0 {
		g.Sub = make([]Group, n)
		for j := range g.Sub {
			g.Sub[j] = s.Sub(i, j)
		}
	}
	return g
}

// Concentration is Group.Concentration for the i-th group, against the
// second key, without building its second level: only the one group that
// could hold every failure.
func (s *GroupSet) Concentration(i int) (string, bool) {
	if s.gr.keyIDs != nil { // from a GroupIndex: noted while counting
		c, ok := s.conc[s.top[i]]
		if !ok {
			return "", false
		}
		g := s.At(i)
		g.Sub = []Group{{Key: []string{g.Key[0], s.gr.dict[1].at(c.id)}, Flows: int(c.flows), Failures: g.Failures}}
		return g.Concentration(s.contrast)
	}
	if s.SubLen(i) == 0 {
		return "", false
	}
	g := s.At(i)
	id := s.top[i]
	for _, sid := range s.subs[s.start[id]:s.start[id+1]] {
		if int(s.gr.slots.at(sid).failures) == g.Failures {
			g.Sub = []Group{s.group(sid, []string{g.Key[0], s.gr.key(sid)})}
			return g.Concentration(s.gr.by[1])
		}
	}
	return "", false
}

func (s *GroupSet) group(id int32, key []string) Group {
	sl := s.gr.slots.at(id)
	g := Group{Key: key, Flows: int(sl.flows), Failures: int(sl.failures), First: sl.first.time(), Last: sl.last.time(), Buckets: s.zero}
	for i, n := range s.outcomes(id) {
		g.Outcomes[i] = int(n)
	}
	g.Timings = s.timingsOf(id)
	switch {
	case sl.spark >= 0:
		g.Buckets = make([]int, s.gr.buckets)
		for i, n := range s.gr.spark[sl.spark : int(sl.spark)+s.gr.buckets] {
			g.Buckets[i] = int(n)
		}
	case sl.spark < -1:
		g.Buckets = make([]int, s.gr.buckets)
		g.Buckets[-2-sl.spark] = 1
	}
	return g
}

// sortSlots puts slot ids (ascending: in the order the groups were seen)
// in col's order. Large sets go by a stable radix sort on integer keys,
// as a million comparisons of groups would not fit the view's budget.
func (gr *Grouper) sortSlots(ids []int32, col GroupColumn) {
	if len(ids) < 2 {
		return
	}
	rank := gr.keyRank(ids)
	if col == GroupByKey && rank == nil || len(ids) < 256 {
		gr.compareSort(ids, col)
		return
	}
	if col == GroupByFlows { // flows, then failures, then flows: one key
		radixSortStable(ids, func(id int32) uint64 {
			s := gr.slots.at(id)
			return uint64(math.MaxUint32-uint32(s.flows))<<32 | uint64(math.MaxUint32-uint32(s.failures))
		})
		return
	}
	counts := func(s *groupSlot) uint64 { // failures, then flows, both most first
		return uint64(math.MaxUint32-uint32(s.failures))<<32 | uint64(math.MaxUint32-uint32(s.flows))
	}
	// col's key, then counts: both read in one pass over the slots.
	var primary func(s *groupSlot, id int32) uint64
	switch col {
	case GroupByKey: // the values' ranks in text order
		primary = func(_ *groupSlot, id int32) uint64 { return uint64(rank[gr.keyIDs[id]]) }
	case GroupByShare:
		primary = func(s *groupSlot, _ int32) uint64 {
			return ^math.Float64bits(share(int(s.failures), int(s.flows))) // shares are >= 0: bits order as values
		}
	case GroupByFirst, GroupByLast:
		if primary = gr.timeKey(ids, col == GroupByLast); primary == nil {
			radixSortStable(ids, func(id int32) uint64 { return counts(gr.slots.at(id)) })
			gr.sortTimesFar(ids, col == GroupByLast)
			return
		}
	}
	if primary == nil {
		radixSortStable(ids, func(id int32) uint64 { return counts(gr.slots.at(id)) })
		return
	}
	radixSortStable2(ids, func(id int32) (uint64, uint64) {
		s := gr.slots.at(id)
		return primary(s, id), counts(s)
	})
}

// keyRank is, from a GroupIndex grouping in key order, the rank in text
// order of each value number of ids' level; nil otherwise.
func (gr *Grouper) keyRank(ids []int32) []uint32 {
	if gr.keyIDs == nil {
		return nil
	}
	if gr.slots.at(ids[0]).parent >= 0 {
		return gr.ranks[1]
	}
	return gr.ranks[0]
}

// timeKey is a slot's first (or, when last, its last) time as a 64-bit
// key in order (latest first when last): nanoseconds from the earliest
// when every time is within 285 years of it, else a key that orders by
// seconds only (nil then: the caller sorts with sortTimesFar).
func (gr *Grouper) timeKey(ids []int32, last bool) func(*groupSlot, int32) uint64 {
	at := func(s *groupSlot) instant { return s.first }
	flip := uint64(0)
	if last {
		at, flip = func(s *groupSlot) instant { return s.last }, math.MaxUint64
	}
	lo, hi := at(gr.slots.at(ids[0])).sec, at(gr.slots.at(ids[0])).sec
	for _, id := range ids {
		sec := at(gr.slots.at(id)).sec
		lo, hi = min(lo, sec), max(hi, sec)
	}
	if hi >= lo && uint64(hi)-uint64(lo) < 9e9 { // 9e9 s in ns fits an int64
		return func(s *groupSlot, _ int32) uint64 {
			t := at(s)
			return flip ^ (uint64(t.sec-lo)*1e9 + uint64(t.nsec))
		}
	}
	return nil
}

// sortTimesFar sorts ids, already in counts order, by first (or last,
// latest first) time over time.Time's whole range: nanoseconds, then
// seconds.
func (gr *Grouper) sortTimesFar(ids []int32, last bool) {
	at := func(s *groupSlot) instant { return s.first }
	flip := uint64(0)
	if last {
		at, flip = func(s *groupSlot) instant { return s.last }, math.MaxUint64
	}
	radixSortStable(ids, func(id int32) uint64 { return flip ^ uint64(at(gr.slots.at(id)).nsec) })
	radixSortStable(ids, func(id int32) uint64 { return flip ^ (uint64(at(gr.slots.at(id)).sec) ^ 1<<63) })
}

// compareSort is sortSlots by comparisons: the key order, small sets, and
// the reference the radix sort is tested against.
func (gr *Grouper) compareSort(ids []int32, col GroupColumn) {
	slices.SortFunc(ids, func(a, b int32) int {
		sa, sb := gr.slots.at(a), gr.slots.at(b)
		if c := compareStat(col, slotStat(sa), slotStat(sb), func() int { return strings.Compare(gr.key(a), gr.key(b)) }); c != 0 {
			return c
		}
		return int(a - b)
	})
}

func slotStat(s *groupSlot) groupStat {
	return groupStat{int(s.flows), int(s.failures), s.first.time(), s.last.time()}
}

// radixSortStable sorts ids by key, keeping the order of equal keys: LSD
// by bytes (by 16-bit digits from 64k ids: half the passes), skipping the
// digits every key shares (a million one-flow groups differ in one or two).
func radixSortStable(ids []int32, key func(int32) uint64) {
	if len(ids) >= 1<<16 {
		radixSort16(ids, key)
		return
	}
	type rec struct {
		k  uint64
		id int32
	}
	a := make([]rec, len(ids))
	var hist [8][256]int
	for i, id := range ids {
		k := key(id)
		a[i] = rec{k, id}
		for d := range 8 {
			hist[d][byte(k>>(8*d))]++
		}
	}
	b := make([]rec, len(ids))
	for d := range 8 {
		h := &hist[d]
		if h[byte(a[0].k>>(8*d))] == len(a) {
			continue // every key has this byte
		}
		pos, sum := [256]int{}, 0
		for v := range 256 {
			pos[v], sum = sum, sum+h[v]
		}
		for _, r := range a {
			v := byte(r.k >> (8 * d))
			b[pos[v]] = r
			pos[v]++
		}
		a, b = b, a
	}
	for i := range a {
		ids[i] = a[i].id
	}
}

// radixSortStable2 sorts ids by a first key, then a second, keeping the
// order of equal pairs: both keys are read once, in the ids' order.
func radixSortStable2(ids []int32, key func(int32) (uint64, uint64)) {
	bits := 8
	if len(ids) >= 1<<16 {
		bits = 16
	}
	size, digits := 1<<bits, 64/bits
	mask := uint64(size - 1)
	a := scratch[radixRec2](&radixRecs2, len(ids))
	defer release(&radixRecs2, a)
	// Which bits vary: a digit every key shares costs no pass.
	var or, and [2]uint64
	and[0], and[1] = math.MaxUint64, math.MaxUint64
	for i, id := range ids {
		k1, k2 := key(id)
		a[i] = radixRec2{[2]uint64{k2, k1}, id}
		or[0], or[1], and[0], and[1] = or[0]|k2, or[1]|k1, and[0]&k2, and[1]&k1
	}
	var b []radixRec2
	var hist []int32
	for d := range 2 * digits {
		w, shift := d/digits, uint(bits*(d%digits))
		if (or[w]^and[w])>>shift&mask == 0 {
			continue // every key has this digit
		}
		if b == nil {
			b = scratch[radixRec2](&radixRecs2, len(ids))
			defer release(&radixRecs2, b)
			hist = make([]int32, size)
		}
		clear(hist)
		for i := range a {
			hist[a[i].k[w]>>shift&mask]++
		}
		sum := int32(0)
		for v, n := range hist { // counts become where each digit's run starts
			hist[v], sum = sum, sum+n
		}
		for i := range a {
			v := a[i].k[w] >> shift & mask
			b[hist[v]] = a[i]
			hist[v]++
		}
		a, b = b, a
	}
	for i := range a {
		ids[i] = a[i].id
	}
}

// radixSort16 is radixSortStable by 16-bit digits.
func radixSort16(ids []int32, key func(int32) uint64) {
	a := scratch[radixRec](&radixRecs, len(ids))
	defer release(&radixRecs, a)
	or, and := uint64(0), uint64(math.MaxUint64) // which bits vary
	for i, id := range ids {
		k := key(id)
		a[i] = radixRec{k, id}
		or, and = or|k, and&k
	}
	var b []radixRec
	var hist []int32
	for d := range 4 {
		shift := uint(16 * d)
		if uint16((or^and)>>shift) == 0 {
			continue // every key has this digit
		}
		if b == nil {
			b = scratch[radixRec](&radixRecs, len(ids))
			defer release(&radixRecs, b)
			hist = make([]int32, 1<<16)
		}
		clear(hist)
		for i := range a {
			hist[uint16(a[i].k>>shift)]++
		}
		sum := int32(0)
		for v, n := range hist { // counts become where each digit's run starts
			hist[v], sum = sum, sum+n
		}
		for _, r := range a {
			v := uint16(r.k >> shift)
			b[hist[v]] = r
			hist[v]++
		}
		a, b = b, a
	}
	for i := range a {
		ids[i] = a[i].id
	}
}

// The radix sorts' records: a key (or two) and the id it sorts.
type (
	radixRec struct {
		k  uint64
		id int32
	}
	radixRec2 struct {
		k  [2]uint64 // second key, first key: least significant first
		id int32
	}
)

// radixRecs and radixRecs2 keep the large sorts' room between regroups (a
// million groups sort 32 to 48 MB of records; the view sorts again at
// each key or order change).
var radixRecs, radixRecs2 sync.Pool

// scratch is room for n records from pool, contents undefined.
func scratch[T any](pool *sync.Pool, n int) []T {
	if p, ok := pool.Get().(*[]T); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]T, n)
}

// release gives s's room back to pool.
func release[T any](pool *sync.Pool, s []T) { pool.Put(&s) }
