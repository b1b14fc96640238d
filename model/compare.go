package model

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// MatchRule says why a working flow was chosen as the one to compare with.
type MatchRule string

const (
	MatchAddrSNI MatchRule = "same server address and SNI"
	MatchSNI     MatchRule = "same SNI"
	MatchAddr    MatchRule = "same server address"
	MatchPicked  MatchRule = "picked" // the user chose both flows
)

// Completed reports whether the flow's handshake completed (OK or RESUMED):
// the flows a failing one can be compared with.
func (f *Flow) Completed() bool { return f.Outcome == OK || f.Outcome == Resumed }

// Closest finds the working flow to compare target with, reading the
// candidates through each (Loader.Each, or a slice walk): a flow that
// completed its handshake to the same server address with the same SNI,
// else with the same SNI anywhere, else to the same address. Among those of
// the best rule it prefers one whose server chose what the target also
// offers (version first, then suite, then group: the comparison can then
// name what else differs), then a full handshake
// over a resumed one, then the nearest in time. ok is false when no flow
// qualifies. It reads every flow: ClosestIndex gives the same answer from
// the few candidates, for choices made again and again.
func Closest(target *Flow, each func(func(*Flow))) (best Flow, rule MatchRule, ok bool) {
	var bestKey closestKey
	each(func(c *Flow) {
		if c.ID == target.ID || !c.Completed() {
			return
		}
		r, tier := matchRule(target, c)
		if tier == 0 {
			return
		}
		k := closestKey{tier: tier, fit: offersChoice(target.TLS.ClientHello, c), resumed: c.Outcome == Resumed,
			dt: absDur(c.First.Sub(target.First)), id: c.ID}
		if !ok || k.less(bestKey) {
			best, rule, bestKey, ok = *c, r, k, true
		}
	})
	return best, rule, ok
}

// closestKey orders candidates: lower is closer.
type closestKey struct {
	tier    int
	fit     int  // offersChoice: higher is closer
	resumed bool // true is worse
	dt      time.Duration
	id      int
}

func (a closestKey) less(b closestKey) bool {
	switch {
	case a.tier != b.tier:
		return a.tier < b.tier
	case a.fit != b.fit:
		return a.fit > b.fit
	case a.resumed != b.resumed:
		return !a.resumed
	case a.dt != b.dt:
		return a.dt < b.dt
	}
	return a.id < b.id
}

// matchRule says how c relates to target; tier 0 is no match.
func matchRule(target, c *Flow) (MatchRule, int) {
	ts, cs := rawSNI(target), rawSNI(c)
	sameAddr := target.Server == c.Server
	sameSNI := strings.EqualFold(ts, cs)
	switch {
	case sameAddr && sameSNI:
		return MatchAddrSNI, 1
	case ts != "" && sameSNI:
		return MatchSNI, 2
	case sameAddr:
		return MatchAddr, 3
	}
	return "", 0
}

func rawSNI(f *Flow) string {
	if ch := f.TLS.ClientHello; ch != nil {
		return ch.SNI
	}
	return ""
}

// absDur is |d|; Sub saturates at the smallest Duration for times over
// 292 years apart, whose negation would stay negative (the nearest).
func absDur(d time.Duration) time.Duration {
	if d == math.MinInt64 {
		return math.MaxInt64
	}
	if d < 0 {
		return -d
	}
	return d
}

// offersChoice scores how much of the server's choice in c the ClientHello
// offers: 4 for the version, 2 for the suite, 1 for the group.
func offersChoice(ch *decode.ClientHello, c *Flow) int {
	sh := c.TLS.ServerHello
	if ch == nil || sh == nil {
		return 0
	}
	n := 0
	if offersVersion(ch, c.Verdict.Version) {
		n += 4
	}
	if slices.Contains(ch.CipherSuites, sh.CipherSuite) {
		n += 2
	}
	if g := negotiatedGroup(c.TLS); g != 0 && slices.Contains(ch.SupportedGroups, g) {
		n++
	}
	return n
}

// offersVersion reports whether a ClientHello offers version v: listed in
// supported_versions, or, without that extension, from SSL 3.0 up to its
// legacy_version.
func offersVersion(ch *decode.ClientHello, v uint16) bool {
	if ch == nil || v == 0 {
		return false
	}
	if len(ch.SupportedVersions) > 0 {
		for _, s := range ch.SupportedVersions {
			if s == v {
				return true
			}
		}
		return false
	}
	return v >= tlswire.VersionSSL30 && v <= ch.LegacyVersion
}

// Comparison sets two flows side by side: A is the one being explained
// (the failing one when only one failed), B the one it is compared with.
// Every string in it is printable.
type Comparison struct {
	A, B     Flow
	Rule     MatchRule
	Reading  []string // the difference that matters, first the main one; evidence, then inference marked "likely"
	Sections []CompareSection
}

// CompareSection is one part of the comparison (ClientHello, ServerHello, ...).
type CompareSection struct {
	Title string
	Rows  []CompareRow
}

// CompareRow is one field of both flows.
type CompareRow struct {
	Field   string
	A, B    string
	Differs bool
}

// Differences counts the rows marked as differing.
func (c *Comparison) Differences() int {
	n := 0
	for _, s := range c.Sections {
		for _, r := range s.Rows {
			if r.Differs {
				n++
			}
		}
	}
	return n
}

// Compare builds the comparison of a with b. When b failed and a completed
// they are swapped, so A is always the one to explain.
func Compare(a, b Flow, rule MatchRule) Comparison {
	if a.Completed() && !b.Completed() {
		a, b = b, a
	}
	c := Comparison{A: a, B: b, Rule: rule}
	c.Sections = compareSections(&c.A, &c.B)
	c.Reading = reading(&c.A, &c.B)
	return c
}

// negotiatedGroup is the key exchange group the server used: the TLS 1.3
// key share, else the ECDHE curve of a TLS 1.2 ServerKeyExchange (0 when
// neither is visible).
func negotiatedGroup(t *decode.TLSFacts) uint16 {
	if sh := t.ServerHello; sh != nil && sh.KeyShareGroup != 0 {
		return sh.KeyShareGroup
	}
	if ske := t.ServerKeyExchange; ske != nil {
		return ske.NamedGroup
	}
	return 0
}
