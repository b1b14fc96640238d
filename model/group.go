package model

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
)

// GroupKey names what flows are grouped by (summary --by, the group view).
type GroupKey string

const (
	ByServer    GroupKey = "server"    // server address and port
	BySNI       GroupKey = "sni"       // the ClientHello's server name
	ByClient    GroupKey = "client"    // client address, without the port
	ByClientNet GroupKey = "clientnet" // client network: /24 for IPv4, /64 for IPv6
	ByJA4       GroupKey = "ja4"       // the client's JA4 fingerprint
	ByJA4a      GroupKey = "ja4a"      // JA4's first section: protocol, version, SNI, counts, ALPN
	ByOutcome   GroupKey = "outcome"   // the outcome (badge) name
	ByAlert     GroupKey = "alert"     // the alert that ended the handshake
	ByVersion   GroupKey = "version"   // negotiated version
	ByCipher    GroupKey = "cipher"    // chosen cipher suite (IANA name)
	ByIssuer    GroupKey = "issuer"    // the leaf certificate's issuer, when it was seen
)

// GroupKeys lists every key, in the order help shows them.
var GroupKeys = []GroupKey{ByServer, BySNI, ByClient, ByClientNet, ByJA4, ByJA4a, ByOutcome,
	ByAlert, ByVersion, ByCipher, ByIssuer}

// MaxGroupLevels is how many keys a grouping nests: KEY or KEY,KEY2.
const MaxGroupLevels = 2

// GroupKeyNames is "server, sni, ..." for messages and help.
func GroupKeyNames() string {
	names := make([]string, len(GroupKeys))
	for i, k := range GroupKeys {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// ParseGroupKeys reads "KEY" or "KEY,KEY2". The error names the valid keys.
func ParseGroupKeys(s string) ([]GroupKey, error) {
	parts := strings.Split(s, ",")
	if len(parts) > MaxGroupLevels {
		return nil, fmt.Errorf("at most %d keys (KEY or KEY,KEY2), got %d", MaxGroupLevels, len(parts))
	}
	var out []GroupKey
	for _, p := range parts {
		k := GroupKey(strings.ToLower(strings.TrimSpace(p)))
		if !validGroupKey(k) {
			return nil, fmt.Errorf("unknown key %q (keys: %s)", Printable(p), GroupKeyNames())
		}
		if len(out) > 0 && out[0] == k {
			return nil, fmt.Errorf("key %q given twice", k)
		}
		out = append(out, k)
	}
	return out, nil
}

func validGroupKey(k GroupKey) bool {
	for _, v := range GroupKeys {
		if k == v {
			return true
		}
	}
	return false
}

// Value is the flow's value for the key, printable; "" when the flow has
// none (no SNI, no alert, no certificate seen, ...).
func (k GroupKey) Value(f *Flow) string {
	switch k {
	case ByServer:
		return f.Server.String()
	case BySNI:
		return f.SNI()
	case ByClient:
		return f.Client.Addr().Unmap().String()
	case ByClientNet:
		return clientNet(f.Client.Addr())
	case ByJA4: // our own ASCII: nothing to escape
		return f.TLS.JA4
	case ByJA4a:
		a, _, _ := strings.Cut(f.TLS.JA4, "_")
		return a
	case ByOutcome:
		return string(f.Outcome)
	case ByAlert:
		return f.AlertName()
	case ByVersion:
		return f.VersionShort()
	case ByCipher:
		return f.CipherName()
	case ByIssuer:
		if c := f.TLS.Certificates; len(c) > 0 {
			return Printable(c[0].Issuer)
		}
	}
	return ""
}

// appendValue appends what Value returns, formatting addresses into b
// rather than a new string: the grouper looks groups up by these bytes
// and allocates a key only for a new group.
func (k GroupKey) appendValue(b []byte, f *Flow) []byte {
	switch k {
	case ByServer:
		return f.Server.AppendTo(b)
	case ByClient:
		return f.Client.Addr().Unmap().AppendTo(b)
	case ByClientNet:
		if p, ok := clientPrefix(f.Client.Addr()); ok {
			return p.AppendTo(b)
		}
		return b
	}
	return append(b, k.Value(f)...)
}

// clientNet is the address's /24 (IPv4) or /64 (IPv6) network.
func clientNet(a netip.Addr) string {
	if p, ok := clientPrefix(a); ok {
		return p.String()
	}
	return ""
}

func clientPrefix(a netip.Addr) (netip.Prefix, bool) {
	a = a.Unmap()
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	return p, err == nil
}

// Span is the time range the failure buckets divide: the capture's, so
// every group's sparkline reads on the same axis.
type Span struct{ From, To time.Time }

// Bucket is the index, in [0, n), of the bucket of n equal parts of the
// span that t falls in; times outside the span go to the nearest end.
func (s Span) Bucket(t time.Time, n int) int {
	if n <= 1 || !t.After(s.From) {
		return 0
	}
	width := s.To.Sub(s.From)
	if !t.Before(s.To) || width <= 0 {
		return n - 1
	}
	if width == math.MaxInt64 { // Sub saturates past 292 years: measure in seconds
		q := int(seconds(t, s.From) / seconds(s.To, s.From) * float64(n))
		return min(max(q, 0), n-1)
	}
	d := t.Sub(s.From) // 0 < d < width: d*n/width < n, so Div64 cannot overflow
	hi, lo := bits.Mul64(uint64(d), uint64(n))
	q, _ := bits.Div64(hi, lo, uint64(width))
	return int(q)
}

// seconds is a-b without time.Sub's saturation.
func seconds(a, b time.Time) float64 {
	return float64(a.Unix()-b.Unix()) + float64(a.Nanosecond()-b.Nanosecond())/1e9
}

// Group is the aggregate of the flows that share a key value (or, in a
// two-level grouping, a pair of values).
type Group struct {
	Key      []string // one value per level; "" when the flows have none
	Flows    int
	Failures int               // flows whose outcome Failed()
	Outcomes [numOutcomes]int  // counts, in Outcomes order
	First    time.Time         // earliest flow start
	Last     time.Time         // latest flow end
	Buckets  []int             // failures by flow start, over the span
	Sub      []Group           // the second level, when grouping by two keys
	sub      map[string]*Group // index of Sub while adding
}

const numOutcomes = 13

func init() {
	if len(Outcomes) != numOutcomes {
		panic("model: numOutcomes must equal len(Outcomes)")
	}
}

// outcomeIndex is o's position in Outcomes (-1 when unknown).
func outcomeIndex(o Outcome) int {
	for i, v := range Outcomes {
		if v == o {
			return i
		}
	}
	return -1
}

// Share is the failures' part of the flows, 0 to 1.
func (g *Group) Share() float64 {
	if g.Flows == 0 {
		return 0
	}
	return float64(g.Failures) / float64(g.Flows)
}

// Count is how many of the group's flows had outcome o.
func (g *Group) Count(o Outcome) int {
	if i := outcomeIndex(o); i >= 0 {
		return g.Outcomes[i]
	}
	return 0
}

// OutcomeWords is "3 ok, 2 alert" in the fixed outcome order: the counts
// by badge in words, readable without colour.
func (g *Group) OutcomeWords() string {
	var parts []string
	for i, o := range Outcomes {
		if n := g.Outcomes[i]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	return strings.Join(parts, ", ")
}

func (g *Group) add(f *Flow, span Span, buckets int) {
	if g.Flows == 0 || f.First.Before(g.First) {
		g.First = f.First
	}
	if g.Flows == 0 || f.Last.After(g.Last) {
		g.Last = f.Last
	}
	g.Flows++
	if i := outcomeIndex(f.Outcome); i >= 0 {
		g.Outcomes[i]++
	}
	if f.Outcome.Failed() {
		g.Failures++
		if g.Buckets == nil {
			g.Buckets = make([]int, buckets)
		}
		g.Buckets[span.Bucket(f.First, buckets)]++
	}
}

// Grouper aggregates classified flows one at a time; it keeps one Group per
// key value, never the flows, so memory grows with the groups.
type Grouper struct {
	by      []GroupKey
	span    Span
	buckets int
	groups  map[string]*Group
	buf     []byte // the value being looked up
}

// NewGrouper groups by one or two keys; failures are counted in buckets
// equal parts of span.
func NewGrouper(by []GroupKey, span Span, buckets int) *Grouper {
	return &Grouper{by: by, span: span, buckets: max(buckets, 1), groups: map[string]*Group{}}
}

// By returns the keys the grouper groups by.
func (gr *Grouper) By() []GroupKey { return gr.by }

// Add counts one flow (the *Flow may be reused after it returns).
func (gr *Grouper) Add(f *Flow) {
	gr.buf = gr.by[0].appendValue(gr.buf[:0], f)
	g := gr.groups[string(gr.buf)]
	if g == nil {
		v := string(gr.buf)
		g = &Group{Key: []string{v}}
		gr.groups[v] = g
	}
	g.add(f, gr.span, gr.buckets)
	if len(gr.by) < 2 {
		return
	}
	gr.buf = gr.by[1].appendValue(gr.buf[:0], f)
	if g.sub == nil {
		g.sub = map[string]*Group{}
	}
	s := g.sub[string(gr.buf)]
	if s == nil {
		v2 := string(gr.buf)
		s = &Group{Key: []string{g.Key[0], v2}}
		g.sub[v2] = s
	}
	s.add(f, gr.span, gr.buckets)
}

// Groups returns the groups sorted by col (second-level groups inside
// each, sorted the same way). Buckets is never nil.
func (gr *Grouper) Groups(col GroupColumn) []Group {
	out := sortedGroups(gr.groups, gr.buckets, col)
	for i := range out {
		if m := out[i].sub; m != nil {
			out[i].Sub = sortedGroups(m, gr.buckets, col)
			out[i].sub = nil
		}
	}
	return out
}

// sortedGroups sorts pointers, not the large Group values, then copies:
// a million groups (one per client) sort in a fraction of the time.
func sortedGroups(m map[string]*Group, buckets int, col GroupColumn) []Group {
	ptrs := make([]*Group, 0, len(m))
	for _, g := range m {
		if g.Buckets == nil {
			g.Buckets = make([]int, buckets)
		}
		ptrs = append(ptrs, g)
	}
	slices.SortFunc(ptrs, func(a, b *Group) int { return compareGroups(a, b, col) })
	out := make([]Group, len(ptrs))
	for i, g := range ptrs {
		out[i] = *g
	}
	return out
}

// GroupColumn is what groups are sorted by.
type GroupColumn int

const (
	GroupByFailures GroupColumn = iota // most failures first (the default)
	GroupByFlows                       // most flows first
	GroupByShare                       // highest failure share first
	GroupByKey                         // key values in order
	GroupByFirst                       // earliest first
	GroupByLast                        // latest last time first
)

// GroupColumns lists the sort orders, in the order a key steps through them.
var GroupColumns = []GroupColumn{GroupByFailures, GroupByFlows, GroupByShare, GroupByKey, GroupByFirst, GroupByLast}

// String names the order for the footer: "failures", "share" ...
func (c GroupColumn) String() string {
	switch c {
	case GroupByFlows:
		return "flows"
	case GroupByShare:
		return "share"
	case GroupByKey:
		return "key"
	case GroupByFirst:
		return "first seen"
	case GroupByLast:
		return "last seen"
	}
	return "failures"
}

// SortGroups sorts in place by col; ties go by failures, then flows, then
// key, so the order never depends on map iteration.
func SortGroups(gs []Group, col GroupColumn) {
	sort.SliceStable(gs, func(i, j int) bool { return compareGroups(&gs[i], &gs[j], col) < 0 })
}

func compareGroups(a, b *Group, col GroupColumn) int {
	switch col {
	case GroupByFlows:
		if c := cmp.Compare(b.Flows, a.Flows); c != 0 {
			return c
		}
	case GroupByShare:
		if c := cmp.Compare(b.Share(), a.Share()); c != 0 {
			return c
		}
	case GroupByKey:
		if c := compareKeys(a.Key, b.Key); c != 0 {
			return c
		}
	case GroupByFirst:
		if c := a.First.Compare(b.First); c != 0 {
			return c
		}
	case GroupByLast:
		if c := b.Last.Compare(a.Last); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(b.Failures, a.Failures); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Flows, a.Flows); c != 0 {
		return c
	}
	return compareKeys(a.Key, b.Key)
}

func compareKeys(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// sparkBlocks are the eight heights; a bucket with no failures is a space,
// so "none" and "a few" never look alike.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws counts as one block character each, scaled to the
// largest; it carries its meaning without colour.
func Sparkline(counts []int) string {
	peak := 0
	for _, c := range counts {
		peak = max(peak, c)
	}
	var b strings.Builder
	for _, c := range counts {
		if c <= 0 {
			b.WriteByte(' ')
			continue
		}
		level := (c*len(sparkBlocks) + peak - 1) / peak // 1..8, rounding up
		b.WriteRune(sparkBlocks[level-1])
	}
	return b.String()
}

// SpanOf is the span of flows: earliest start to latest end.
func SpanOf(flows []Flow) Span {
	var s Span
	for i := range flows {
		if f := &flows[i]; i == 0 || f.First.Before(s.From) {
			s.From = f.First
		}
		if f := &flows[i]; i == 0 || f.Last.After(s.To) {
			s.To = f.Last
		}
	}
	return s
}
