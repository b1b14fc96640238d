package model

import (
	"cmp"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// ClosestIndex answers Closest without reading every flow: the completed
// flows are kept by server address and SNI, and within those by what the
// server chose and in time order, so a choice reads a few candidates, not a
// million flows. It gives exactly Closest's answer for the flows added.
// A live capture's flows change: Replace follows them where it can. Not
// safe for concurrent use.
type ClosestIndex struct {
	buckets map[serverKey]*closestBucket
	byAddr  map[netip.AddrPort][]*closestBucket
	bySNI   map[string][]*closestBucket // folded SNI; no entry for ""
}

// serverKey is a server address with a case-folded SNI: the flows of one
// bucket all match a target with both at tier 1.
type serverKey struct {
	addr netip.AddrPort
	sni  string
}

type closestBucket struct {
	key     serverKey
	classes []closestClass
}

// closestClass holds the flows of one bucket whose server made the same
// choice: offersChoice and resumption are the same for all of them.
type closestClass struct {
	choice  serverChoice
	entries []closestEntry // by time, then ID, once sorted
	sorted  bool
}

// serverChoice is what offersChoice reads of a candidate.
type serverChoice struct {
	hasSH   bool
	version uint16
	suite   uint16
	group   uint16
	resumed bool
}

// closestEntry is one completed flow: its ID and the start time, without
// the location (Sub ignores it).
type closestEntry struct {
	sec  int64
	nsec int32
	id   int32
}

func (e closestEntry) time() time.Time { return time.Unix(e.sec, int64(e.nsec)) }

// NewClosestIndex makes an empty index.
func NewClosestIndex() *ClosestIndex {
	return &ClosestIndex{
		buckets: map[serverKey]*closestBucket{},
		byAddr:  map[netip.AddrPort][]*closestBucket{},
		bySNI:   map[string][]*closestBucket{},
	}
}

// BuildClosestIndex indexes the flows each reads (Loader.Each or a slice walk).
func BuildClosestIndex(each func(func(*Flow))) *ClosestIndex {
	x := NewClosestIndex()
	each(x.Add)
	for _, b := range x.buckets {
		for i := range b.classes {
			b.classes[i].sort()
		}
	}
	return x
}

// Add indexes f if its handshake completed; other flows are never chosen.
func (x *ClosestIndex) Add(f *Flow) { x.add(f, false) }

func (x *ClosestIndex) add(f *Flow, inPlace bool) {
	if !f.Completed() {
		return
	}
	k := serverKey{addr: f.Server, sni: foldSNI(rawSNI(f))}
	b := x.buckets[k]
	if b == nil {
		b = &closestBucket{key: k}
		x.buckets[k] = b
		x.byAddr[k.addr] = append(x.byAddr[k.addr], b)
		if k.sni != "" {
			x.bySNI[k.sni] = append(x.bySNI[k.sni], b)
		}
	}
	ch := choiceOf(f)
	i := slices.IndexFunc(b.classes, func(c closestClass) bool { return c.choice == ch })
	if i < 0 {
		b.classes = append(b.classes, closestClass{choice: ch, sorted: true})
		i = len(b.classes) - 1
	}
	c := &b.classes[i]
	e := closestEntry{sec: f.First.Unix(), nsec: int32(f.First.Nanosecond()), id: int32(f.ID)}
	n := len(c.entries)
	switch {
	case n == 0 || entryCmp(e, c.entries[n-1]) >= 0:
		c.entries = append(c.entries, e)
	case inPlace && c.sorted:
		// A live flow that ended after later ones: usually near the end,
		// so little moves, and no sort of the whole class at the next c.
		at, _ := slices.BinarySearchFunc(c.entries, e, entryCmp)
		c.entries = slices.Insert(c.entries, at, e)
	default:
		c.entries = append(c.entries, e)
		c.sorted = false // sorted once, at the end of a build or at the next Closest
	}
}

// Replace follows a flow that changed from old to f (old zero when f is
// new). It is false when the index cannot follow (old was indexed and what
// the index keeps of it changed): build a new one then.
func (x *ClosestIndex) Replace(old, f *Flow) bool {
	if old.Flow == nil || old.ID == 0 || !old.Completed() {
		x.add(f, true)
		return true
	}
	return f.Completed() && old.ID == f.ID && old.First.Equal(f.First) && old.Server == f.Server &&
		foldSNI(rawSNI(old)) == foldSNI(rawSNI(f)) && choiceOf(old) == choiceOf(f)
}

// Closest is Closest(target, every flow added): the ID of the working flow
// to compare target with and why, or ok false.
func (x *ClosestIndex) Closest(target *Flow) (id int, rule MatchRule, ok bool) {
	ts := rawSNI(target)
	k := serverKey{addr: target.Server, sni: foldSNI(ts)}
	// A lower tier always wins, so the first tier with a candidate decides.
	if b := x.buckets[k]; b != nil {
		if id, ok := x.best(target, 1, []*closestBucket{b}); ok {
			return id, MatchAddrSNI, true
		}
	}
	if ts != "" {
		if id, ok := x.best(target, 2, x.bySNI[k.sni]); ok {
			return id, MatchSNI, true // none of them has target's address: that bucket had no candidate
		}
	}
	if id, ok := x.best(target, 3, x.byAddr[k.addr]); ok {
		return id, MatchAddr, true
	}
	return 0, "", false
}

// best is the closest candidate of the buckets, skipping target itself and
// the bucket of tier 1 when looking at tiers 2 and 3.
func (x *ClosestIndex) best(target *Flow, tier int, bs []*closestBucket) (int, bool) {
	var bestKey closestKey
	found := false
	self := serverKey{addr: target.Server, sni: foldSNI(rawSNI(target))}
	for _, b := range bs {
		if tier > 1 && b.key == self {
			continue
		}
		for i := range b.classes {
			c := &b.classes[i]
			fit := c.choice.fit(target)
			if found && (fit < bestKey.fit || fit == bestKey.fit && c.choice.resumed && !bestKey.resumed) {
				continue // this class cannot win whatever its times
			}
			for _, e := range c.nearest(target) {
				k := closestKey{tier: tier, fit: fit, resumed: c.choice.resumed, dt: absDur(e.time().Sub(target.First)), id: int(e.id)}
				if !found || k.less(bestKey) {
					bestKey, found = k, true
				}
			}
		}
	}
	return bestKey.id, found
}

func choiceOf(f *Flow) serverChoice {
	ch := serverChoice{version: f.Verdict.Version, resumed: f.Outcome == Resumed}
	if sh := f.TLS.ServerHello; sh != nil {
		ch.hasSH, ch.suite, ch.group = true, sh.CipherSuite, negotiatedGroup(f.TLS)
	}
	return ch
}

// fit is offersChoice for a flow whose server made this choice.
func (ch serverChoice) fit(target *Flow) int {
	c := Flow{Flow: decode.NewFlow(), Verdict: &Verdict{Version: ch.version}}
	if ch.hasSH {
		c.TLS.ServerHello = &tlswire.ServerHello{CipherSuite: ch.suite, KeyShareGroup: ch.group}
	}
	return offersChoice(target.TLS.ClientHello, &c)
}

// nearest returns the entries that can be nearest in time to target (not
// target itself): on each side of its time, the first ID of every time at
// the smallest distance. Normally one or two entries; more only when
// distances saturate (times centuries apart) and compare equal.
func (c *closestClass) nearest(target *Flow) []closestEntry {
	c.sort()
	es := c.entries
	t := target.First
	at := closestEntry{sec: t.Unix(), nsec: int32(t.Nanosecond())}
	dist := func(e closestEntry) time.Duration { return absDur(e.time().Sub(t)) }
	from := func(e closestEntry) int {
		return sort.Search(len(es), func(i int) bool { return timeCmp(es[i], e) >= 0 })
	}
	past := func(e closestEntry) int {
		return sort.Search(len(es), func(i int) bool { return timeCmp(es[i], e) > 0 })
	}
	split := from(at) // entries before it are earlier than target
	var out []closestEntry
	var d time.Duration
	// Same time or later: the distance grows with the position.
	for i, have := split, false; i < len(es); {
		end := past(es[i])
		j := i
		if int(es[j].id) == target.ID {
			j++ // IDs are unique: at most one entry to skip
		}
		if j < end {
			if have && dist(es[j]) != d {
				break
			}
			d, have = dist(es[j]), true
			out = append(out, es[j])
		}
		i = end
	}
	// Earlier: the distance grows going back.
	for i, have := split, false; i > 0; {
		start := from(es[i-1])
		if e := es[start]; !have || dist(e) == d {
			d, have = dist(e), true
			out = append(out, e)
		} else {
			break
		}
		i = start
	}
	return out
}

func (c *closestClass) sort() {
	if !c.sorted {
		slices.SortFunc(c.entries, entryCmp)
		c.sorted = true
	}
}

// entryCmp orders by time, then ID.
func entryCmp(a, b closestEntry) int {
	if d := timeCmp(a, b); d != 0 {
		return d
	}
	return cmp.Compare(a.id, b.id)
}

func timeCmp(a, b closestEntry) int {
	switch {
	case a.sec != b.sec:
		return cmp.Compare(a.sec, b.sec)
	}
	return cmp.Compare(a.nsec, b.nsec)
}

// foldSNI maps names that strings.EqualFold finds equal to one key: each
// rune becomes one member of its case-folding orbit (ASCII lower case when
// the orbit has an ASCII letter, else its smallest rune; invalid bytes read
// as U+FFFD, as EqualFold reads them).
func foldSNI(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			plain = false
			break
		}
	}
	if plain {
		return s // the usual name: nothing to fold, nothing to allocate
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	m, ascii := r, rune(-1)
	for f := r; ; {
		if f < utf8.RuneSelf {
			ascii = unicode.ToLower(f)
		}
		m = min(m, f)
		if f = unicode.SimpleFold(f); f == r {
			break
		}
	}
	if ascii >= 0 {
		return ascii
	}
	return m
}
