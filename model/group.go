package model

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"slices"
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

// GroupKeyNote is a few words on a key whose name says too little
// ("/24 or /64" for clientnet), "" for the others: help prints it.
func GroupKeyNote(k GroupKey) string {
	switch k {
	case ByClientNet:
		return "/24 or /64"
	case ByJA4a:
		return "JA4's first section"
	}
	return ""
}

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
		return f.TLS.JA4()
	case ByJA4a:
		a, _, _ := strings.Cut(f.TLS.JA4(), "_")
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
	Failures int              // flows whose outcome Failed()
	Outcomes [numOutcomes]int // counts, in Outcomes order
	First    time.Time        // earliest flow start
	Last     time.Time        // latest flow end
	Buckets  []int            // failures by flow start, over the span; read-only (groups without failures share one)
	Sub      []Group          // the second level, when grouping by two keys
	Timings  *GroupTimings    // phase timings' percentiles; nil unless the grouper kept them (WithTimings)
}

const numOutcomes = 13

func init() {
	if len(Outcomes) != numOutcomes {
		panic("model: numOutcomes must equal len(Outcomes)")
	}
	for i, o := range Outcomes {
		if outcomeIndex(o) != i {
			panic("model: outcomeIndex must follow Outcomes")
		}
	}
}

// outcomeIndex is o's position in Outcomes (-1 when unknown): a switch,
// not a search, as the grouper asks once per flow.
func outcomeIndex(o Outcome) int {
	switch o {
	case OK:
		return 0
	case Resumed:
		return 1
	case Alert:
		return 2
	case EncryptedAlert:
		return 3
	case Reset:
		return 4
	case NoServerHello:
		return 5
	case PlaintextReply:
		return 6
	case NoClientHello:
		return 7
	case NotTLS:
		return 8
	case NoSYNACK:
		return 9
	case Refused:
		return 10
	case OneSided:
		return 11
	case Partial:
		return 12
	}
	return -1
}

// Share is the failures' part of the flows, 0 to 1.
func (g *Group) Share() float64 { return share(g.Failures, g.Flows) }

func share(failures, flows int) float64 {
	if flows == 0 {
		return 0
	}
	return float64(failures) / float64(flows)
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
	slices.SortStableFunc(gs, func(a, b Group) int {
		if c := compareStat(col, statOf(&a), statOf(&b), func() int { return compareKeys(a.Key, b.Key) }); c != 0 {
			return c
		}
		return compareKeys(a.Key, b.Key)
	})
}

// groupStat is what the orders compare, for a Group and for the
// grouper's slots alike.
type groupStat struct {
	flows, failures int
	first, last     time.Time
}

func statOf(g *Group) groupStat { return groupStat{g.Flows, g.Failures, g.First, g.Last} }

// compareStat orders by col, then failures, then flows (most first); the
// caller breaks what ties remain.
func compareStat(col GroupColumn, a, b groupStat, keys func() int) int {
	switch col {
	case GroupByFlows:
		if c := cmp.Compare(b.flows, a.flows); c != 0 {
			return c
		}
	case GroupByShare:
		if c := cmp.Compare(share(b.failures, b.flows), share(a.failures, a.flows)); c != 0 {
			return c
		}
	case GroupByKey:
		if c := keys(); c != 0 {
			return c
		}
	case GroupByFirst:
		if c := a.first.Compare(b.first); c != 0 {
			return c
		}
	case GroupByLast:
		if c := b.last.Compare(a.last); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(b.failures, a.failures); c != 0 {
		return c
	}
	return cmp.Compare(b.flows, a.flows)
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
