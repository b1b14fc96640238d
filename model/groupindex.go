package model

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// GroupIndex keeps every flow's group keys as small integers, one column
// per key, set when the flow arrives or changes: grouping a million flows
// then reads a few integer columns instead of formatting and hashing a
// million values on every regroup (issue 14: under 100 ms at 1M flows).
// It costs 77 bytes per flow: a 4-byte value number for each of the 11
// keys, the outcome, and the start and end times (16 bytes each).
//
// The explorer sets it from Update and groups from a command; as with the
// flows, batches are held while a command reads it.
type GroupIndex struct {
	ids     [numGroupKeys][]uint32          // per key, per flow: the number of its value in vals
	vals    [numGroupKeys]valueTable        // per key: the values, by number
	out     []uint8                         // per flow: outcomeIndex, or noOutcome
	first   []instant                       // per flow: start
	last    []instant                       // per flow: end
	addrs   [numGroupKeys]addrSet           // address keys' value numbers, by bytes
	names   [numGroupKeys]map[string]uint32 // the others' value numbers, by text: each key its own, so keys can be indexed at once (IndexFlows)
	zero    *Flow                           // what a row not set yet holds (a batch's flows come in any order)
	zeroIDs [numGroupKeys]uint32            // its value numbers, once zeroSet
	zeroSet bool
	skip    [numGroupKeys]bool        // columns not kept (NewGroupIndexFor)
	recent  [numGroupKeys]recentValue // each key's last value looked up
	mu      sync.Mutex                // groupings in commands may run at once (rankOf, shared*)
	rankOf  [numGroupKeys][]uint32    // per key: each value's rank in text order, for as many values
	// How many leading rows of each key's column, and of out, first and
	// last, a grouping may still read (a second level built when asked):
	// a changed value there goes into a copy of the column.
	sharedIDs  [numGroupKeys]int
	sharedRows int
	// The span, kept as rows are set; stale when a row that held one of
	// its ends moved inwards (then Span reads every row again).
	from, to instant
	spanned  bool // from and to hold a row's times
	stale    bool
}

const numGroupKeys = 11

// noOutcome is the outcome column's value for an unknown outcome.
const noOutcome = 0xff

// outcomeCode is o as the outcome column keeps it.
func outcomeCode(o Outcome) uint8 {
	if i := outcomeIndex(o); i >= 0 {
		return uint8(i)
	}
	return noOutcome
}

func init() {
	if len(GroupKeys) != numGroupKeys {
		panic("model: numGroupKeys must equal len(GroupKeys)")
	}
}

// keyPos is k's position in GroupKeys (its column).
func keyPos(k GroupKey) int {
	for i, v := range GroupKeys {
		if v == k {
			return i
		}
	}
	panic("model: unknown group key " + string(k))
}

// NewGroupIndex makes an empty index.
func NewGroupIndex() *GroupIndex {
	x := &GroupIndex{zero: &empty}
	for k, key := range GroupKeys {
		x.vals[k].key = key
	}
	return x
}

// NewGroupIndexFor makes an index that keeps only the columns a grouping
// by by reads (its keys, and the contrast key of a single one): summary
// --by groups once, so looking up the other keys' values of every flow
// would be work for nothing. Grouping it by other keys panics.
func NewGroupIndexFor(by []GroupKey) *GroupIndex {
	x := NewGroupIndex()
	for k := range x.skip {
		x.skip[k] = true
	}
	x.skip[keyPos(by[0])] = false
	if len(by) > 1 {
		x.skip[keyPos(by[1])] = false
	} else {
		x.skip[keyPos(by[0].Contrast())] = false
	}
	return x
}

// column is key k's column (at position k), for the index's rows.
func (x *GroupIndex) column(k int) []uint32 {
	if x.skip[k] {
		panic("model: grouping by " + string(GroupKeys[k]) + ", a key this index does not keep")
	}
	return x.ids[k][:x.Len()]
}

// Len is how many flows the index has rows for.
func (x *GroupIndex) Len() int { return len(x.out) }

// Values is how many distinct values key k has had (the number of groups
// a grouping by k can have at most).
func (x *GroupIndex) Values(k GroupKey) int { return x.vals[keyPos(k)].len() }

// Set records flow f at index i (its ID-1), growing the index to hold it.
func (x *GroupIndex) Set(i int, f *Flow) {
	if x.Len() <= i {
		x.grow(i)
	}
	x.set(i, f)
}

// Reserve makes room for n flows at once, when their number is known (the
// command line): growing by doubling would hold up to twice the room.
func (x *GroupIndex) Reserve(n int) {
	for k := range x.ids {
		if !x.skip[k] {
			x.ids[k] = slices.Grow(x.ids[k], n-len(x.ids[k]))
		}
	}
	x.out = slices.Grow(x.out, n-len(x.out))
	x.first = slices.Grow(x.first, n-len(x.first))
	x.last = slices.Grow(x.last, n-len(x.last))
}

// grow adds rows up to n+1 (room doubling); the rows before n read as an
// empty flow until set (the caller sets row n).
func (x *GroupIndex) grow(n int) {
	old, n1 := x.Len(), n+1
	for k := range x.ids {
		if !x.skip[k] {
			x.ids[k] = extend(x.ids[k], n1)
		}
	}
	x.out, x.first, x.last = extend(x.out, n1), extend(x.first, n1), extend(x.last, n1)
	if old == n {
		return
	}
	if !x.zeroSet {
		x.zeroIDs = [numGroupKeys]uint32{}
		for k, key := range GroupKeys {
			if !x.skip[k] {
				x.zeroIDs[k] = x.id(k, key, x.zero, math.MaxUint32)
			}
		}
		x.zeroSet = true
	}
	zf := instantOf(x.zero.First)
	for j := old; j < n; j++ {
		for k := range x.ids {
			if !x.skip[k] {
				x.ids[k][j] = x.zeroIDs[k]
			}
		}
		x.out[j], x.first[j], x.last[j] = noOutcome, zf, zf
		x.spanAdd(zf, zf, zf, zf)
	}
}

// extend is s resliced to n, its room doubled when short.
func extend[T any](s []T, n int) []T {
	if n > cap(s) {
		s = slices.Grow(s, max(n, 2*cap(s), 1024)-len(s))
	}
	return s[:n]
}

func (x *GroupIndex) set(i int, f *Flow) {
	for k, key := range GroupKeys {
		if x.skip[k] {
			continue
		}
		id := x.id(k, key, f, x.ids[k][i])
		if i < x.sharedIDs[k] && x.ids[k][i] != id {
			x.ids[k], x.sharedIDs[k] = slices.Clone(x.ids[k]), 0
		}
		x.ids[k][i] = id
	}
	o := outcomeCode(f.Outcome)
	fi, la := instantOf(f.First), instantOf(f.Last)
	if i < x.sharedRows && (x.out[i] != o || x.first[i] != fi || x.last[i] != la) {
		x.out, x.first, x.last = slices.Clone(x.out), slices.Clone(x.first), slices.Clone(x.last)
		x.sharedRows = 0
	}
	x.out[i] = o
	x.spanAdd(x.first[i], x.last[i], fi, la)
	x.first[i], x.last[i] = fi, la
}

// shareRows keeps the first n rows of out, first and last as they are for
// a grouping that reads them later (a group's outcomes, a second level):
// set changes a copy. The groupings' commands call it, Set the UI's
// goroutine, never at once (batches wait while a command reads).
func (x *GroupIndex) shareRows(n int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.sharedRows = max(x.sharedRows, n)
}

// shareIDs is shareRows for key k's column (at position k).
func (x *GroupIndex) shareIDs(k, n int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.sharedIDs[k] = max(x.sharedIDs[k], n)
}

// spanAdd keeps the span as a row's times go from (of, ol) to (fi, la).
func (x *GroupIndex) spanAdd(of, ol, fi, la instant) {
	if !x.spanned {
		x.from, x.to, x.spanned = fi, la, true
	}
	if of == x.from && x.from.before(fi) || ol == x.to && la.before(x.to) {
		x.stale = true
	}
	if fi.before(x.from) {
		x.from = fi
	}
	if x.to.before(la) {
		x.to = la
	}
}

// id is the number of f's value of key (at position k), numbering it if
// it is new: addresses are looked up and kept as bytes, names as the
// flow's own strings, so only a new name is copied. cur is the row's
// number now: a flow set again (each batch it changed in) mostly keeps
// its values, and one comparison then saves the look-up.
func (x *GroupIndex) id(k int, key GroupKey, f *Flow, cur uint32) uint32 {
	c := &x.recent[k]
	t := &x.vals[k]
	if a, ok := addrOf(key, f); ok {
		// A zero address could be a text value's placeholder: looked up.
		if a != (addrValue{}) && int(cur) < len(t.addrs) && t.addrs[cur] == a {
			return cur
		}
		if c.isAddr && c.addr == a {
			return c.id
		}
		id := x.addrs[k].find(&x.vals[k], a)
		*c = recentValue{isAddr: true, addr: a, id: id}
		return id
	}
	v := key.Value(f)
	if int(cur) < len(t.names) && t.names[cur] == v { // a name key's (an address key keeps no names)
		return cur
	}
	if c.isName && c.name == v {
		return c.id
	}
	names := x.names[k]
	if names == nil {
		names = map[string]uint32{}
		x.names[k] = names
	}
	id, ok := names[v]
	if !ok {
		v = strings.Clone(v) // never a view into bytes a flow owns
		id = x.vals[k].addName(v)
		names[v] = id
	}
	*c = recentValue{isName: true, name: v, id: id}
	return id
}

// recentValue is a key's last value looked up: flows that arrive together
// often share their server, name, JA4, version and cipher.
type recentValue struct {
	isAddr, isName bool
	addr           addrValue
	name           string // the index's own copy
	id             uint32
}

// Span is the span of the indexed flows: earliest start to latest end, as
// SpanOf gives for the flows themselves.
func (x *GroupIndex) Span() Span {
	if x.Len() == 0 {
		return Span{}
	}
	if x.stale {
		x.from, x.to = x.first[0], x.last[0]
		for i := 1; i < len(x.first); i++ {
			if x.first[i].before(x.from) {
				x.from = x.first[i]
			}
			if x.to.before(x.last[i]) {
				x.to = x.last[i]
			}
		}
		x.stale = false
	}
	return Span{x.from.time(), x.to.time()}
}

// rank is each of key k's values' rank in text order (equal texts share
// one), worked out again only when the key has new values since: sorting
// a million groups by key then reads integers, not strings.
func (x *GroupIndex) rank(k int, t valueTable) []uint32 {
	x.mu.Lock()
	defer x.mu.Unlock()
	if r := x.rankOf[k]; len(r) == t.len() {
		return r
	}
	vals := t.names
	if isAddrKey(t.key) { // formatted once for the sort
		vals = make([]string, t.len())
		for i := range vals {
			vals[i] = t.at(uint32(i))
		}
	}
	order := make([]uint32, len(vals))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(vals[a], vals[b]) })
	r := make([]uint32, len(vals))
	for i, id := range order {
		if i > 0 && vals[id] == vals[order[i-1]] {
			r[id] = r[order[i-1]]
		} else {
			r[id] = uint32(i)
		}
	}
	x.rankOf[k] = r
	return r
}

// bucketer is Span.Bucket for instants, without making a time.Time per
// flow; spans too wide for nanoseconds in an int64 go by Span.Bucket.
type bucketer struct {
	span  Span
	n     int
	from  instant
	width int64 // ns, 0 when Span.Bucket decides
}

func newBucketer(s Span, n int) bucketer {
	b := bucketer{span: s, n: n, from: instantOf(s.From)}
	if w := s.To.Sub(s.From); w > 0 && w < math.MaxInt64/4 && n > 1 {
		b.width = int64(w)
	}
	return b
}

func (b *bucketer) at(t instant) int {
	if b.width == 0 {
		return b.span.Bucket(t.time(), b.n)
	}
	if t.sec < b.from.sec || t.sec == b.from.sec && t.nsec <= b.from.nsec {
		return 0 // not after the span's start
	}
	ds := uint64(t.sec) - uint64(b.from.sec) // no overflow: t.sec >= from.sec
	if ds > uint64(b.width/1e9+1) {
		return b.n - 1
	}
	d := int64(ds)*1e9 + int64(t.nsec-b.from.nsec)
	if d >= b.width {
		return b.n - 1
	}
	hi, lo := bits.Mul64(uint64(d), uint64(b.n))
	q, _ := bits.Div64(hi, lo, uint64(b.width))
	return int(q)
}
