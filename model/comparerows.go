package model

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// The sections of a comparison, in order.
const (
	SectionFlow         = "Flow"
	SectionClientHello  = "ClientHello"
	SectionServerHello  = "ServerHello"
	SectionCertificates = "Certificates"
	SectionAlerts       = "Alerts"
	SectionTimings      = "Timings"
)

// Shown for a message the flow does not have.
const (
	noneSeen  = "(none)"
	encrypted = "(encrypted: TLS 1.3)"
)

func compareSections(a, b *Flow) []CompareSection {
	return []CompareSection{
		{SectionFlow, flowRows(a, b)},
		{SectionClientHello, clientHelloRows(a, b)},
		{SectionServerHello, serverHelloRows(a, b)},
		{SectionCertificates, certRows(a, b)},
		{SectionAlerts, alertRows(a, b)},
		{SectionTimings, timingRows(a, b)},
	}
}

// row marks a difference when the shown values differ.
func row(field, a, b string) CompareRow {
	return CompareRow{Field: field, A: a, B: b, Differs: a != b}
}

// rowKey marks a difference when the keys differ, whatever is shown (a
// list compared as a set, GREASE values taken as one).
func rowKey(field, a, b, ka, kb string) CompareRow {
	return CompareRow{Field: field, A: a, B: b, Differs: ka != kb}
}

// same is a row that shows both values and never counts as a difference
// (identities: the two flows are different connections by definition).
func same(field, a, b string) CompareRow { return CompareRow{Field: field, A: a, B: b} }

func flowRows(a, b *Flow) []CompareRow {
	return []CompareRow{
		same("flow", "#"+strconv.Itoa(a.ID), "#"+strconv.Itoa(b.ID)),
		same("client", a.Client.String(), b.Client.String()),
		row("server", a.Server.String(), b.Server.String()),
		row("outcome", a.Badge, b.Badge),
		row("stopped at", string(a.Stage), string(b.Stage)),
		same("first packet", a.First.UTC().Format("2006-01-02 15:04:05.000000"), b.First.UTC().Format("2006-01-02 15:04:05.000000")),
		row("JA4", Printable(a.TLS.JA4()), Printable(b.TLS.JA4())),
		same("diagnosis", a.Diagnosis, b.Diagnosis),
	}
}

func clientHelloRows(a, b *Flow) []CompareRow {
	ca, cb := a.TLS.ClientHello, b.TLS.ClientHello
	if ca == nil || cb == nil {
		return []CompareRow{row("ClientHello", helloPresence(ca != nil), helloPresence(cb != nil))}
	}
	ta, tb := a.TLS, b.TLS
	return []CompareRow{
		row("legacy version", registry.Version(ca.LegacyVersion), registry.Version(cb.LegacyVersion)),
		listRow("versions", ca.SupportedVersions, cb.SupportedVersions, registry.Version, false),
		listRow("cipher suites", ca.CipherSuites, cb.CipherSuites, registry.CipherSuiteShort, false),
		listRow("groups", ca.SupportedGroups, cb.SupportedGroups, registry.Group, false),
		listRow("key shares", ca.KeyShares, cb.KeyShares, registry.Group, false),
		listRow("signature algorithms", ca.SignatureAlgorithms, cb.SignatureAlgorithms, registry.SignatureScheme, false),
		row("ALPN", quoteList(ca.ALPN), quoteList(cb.ALPN)),
		row("SNI", sniText(ca.SNI), sniText(cb.SNI)),
		listRow("extensions", ca.Extensions, cb.Extensions, registry.Extension, true),
		row("resumption offered", resumptionOffer(ca), resumptionOffer(cb)),
		row("size", bytesText(ta.ClientHelloLen), bytesText(tb.ClientHelloLen)),
		row("segments", strconv.Itoa(int(ta.ClientHelloSegments)), strconv.Itoa(int(tb.ClientHelloSegments))),
		row("retransmitted segments", strconv.Itoa(int(ta.ClientHelloRetrans)), strconv.Itoa(int(tb.ClientHelloRetrans))),
	}
}

func helloPresence(seen bool) string {
	if seen {
		return "seen"
	}
	return noneSeen
}

func sniText(s string) string {
	if s == "" {
		return "(none)"
	}
	return Printable(s)
}

func resumptionOffer(ch *decode.ClientHello) string {
	var parts []string
	if ch.PSKIdentities > 0 {
		parts = append(parts, "PSK ("+strconv.Itoa(ch.PSKIdentities)+")")
	}
	if ch.SessionTicketLen > 0 {
		parts = append(parts, "ticket")
	}
	if ch.EarlyData {
		parts = append(parts, "early data")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// listRow shows two code lists by name (GREASE as "GREASE"). The lists
// differ when their non-GREASE values differ, in order, or as sets when
// asSet (extension order is randomised by some clients).
func listRow(field string, a, b []uint16, name func(uint16) string, asSet bool) CompareRow {
	return rowKey(field, codeList(a, name), codeList(b, name), codeKey(a, asSet), codeKey(b, asSet))
}

func codeList(vs []uint16, name func(uint16) string) string {
	if len(vs) == 0 {
		return "none"
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		if registry.IsGREASE(v) {
			out[i] = "GREASE"
		} else {
			out[i] = name(v)
		}
	}
	return strings.Join(out, ", ")
}

func codeKey(vs []uint16, asSet bool) string {
	vs = slices.DeleteFunc(slices.Clone(vs), registry.IsGREASE)
	if asSet {
		slices.Sort(vs)
	}
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(strconv.Itoa(int(v)))
		b.WriteByte(',')
	}
	return b.String()
}

// bytesText is "1,812 bytes".
func bytesText(n int32) string {
	if n <= 0 {
		return "-"
	}
	return thousands(int64(n)) + " bytes"
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func serverHelloRows(a, b *Flow) []CompareRow {
	sa, sb := a.TLS.ServerHello, b.TLS.ServerHello
	rows := []CompareRow{row("HelloRetryRequest", retryText(a.TLS.HelloRetry), retryText(b.TLS.HelloRetry))}
	if sa == nil || sb == nil {
		return append(rows, row("ServerHello", helloPresence(sa != nil), helloPresence(sb != nil)))
	}
	return append(rows,
		row("version", registry.Version(sa.Version()), registry.Version(sb.Version())),
		row("cipher suite", registry.CipherSuiteShort(sa.CipherSuite), registry.CipherSuiteShort(sb.CipherSuite)),
		row("key exchange group", groupText(a.TLS), groupText(b.TLS)),
		row("ALPN", alpnChosen(sa), alpnChosen(sb)),
		listRow("extensions", sa.Extensions, sb.Extensions, registry.Extension, true),
		row("resumed", yesNo(a.Outcome == Resumed), yesNo(b.Outcome == Resumed)),
	)
}

func retryText(hrr *tlswire.ServerHello) string {
	if hrr == nil {
		return "no"
	}
	return "yes, for " + registry.Group(hrr.KeyShareGroup)
}

func groupText(t *decode.TLSFacts) string {
	if g := negotiatedGroup(t); g != 0 {
		return registry.Group(g)
	}
	if t.ServerKeyExchange != nil && t.ServerKeyExchange.DHE {
		return "finite-field DHE"
	}
	return "-"
}

func alpnChosen(sh *tlswire.ServerHello) string {
	switch {
	case sh.ALPN != "":
		return Printable(sh.ALPN)
	case sh.TLS13():
		return encrypted
	}
	return "none"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func certRows(a, b *Flow) []CompareRow {
	la, lb := leafOf(a), leafOf(b)
	return []CompareRow{
		row("chain", chainText(a), chainText(b)),
		row("leaf subject", leafField(a, la, func(c *tlswire.Certificate) string { return c.Subject }),
			leafField(b, lb, func(c *tlswire.Certificate) string { return c.Subject })),
		row("leaf issuer", leafField(a, la, func(c *tlswire.Certificate) string { return c.Issuer }),
			leafField(b, lb, func(c *tlswire.Certificate) string { return c.Issuer })),
		row("leaf SANs", leafField(a, la, func(c *tlswire.Certificate) string { return strings.Join(c.SANs, ", ") }),
			leafField(b, lb, func(c *tlswire.Certificate) string { return strings.Join(c.SANs, ", ") })),
		row("leaf valid", leafField(a, la, validityText), leafField(b, lb, validityText)),
		row("leaf key", leafField(a, la, func(c *tlswire.Certificate) string { return c.KeyType }),
			leafField(b, lb, func(c *tlswire.Certificate) string { return c.KeyType })),
	}
}

func leafOf(f *Flow) *tlswire.Certificate {
	if len(f.TLS.Certificates) == 0 || f.TLS.Certificates[0].Error != "" {
		return nil
	}
	return &f.TLS.Certificates[0]
}

// certsHidden reports a flow whose certificates travel encrypted (TLS 1.3).
func certsHidden(f *Flow) bool {
	sh := f.TLS.ServerHello
	return sh != nil && sh.TLS13() && len(f.TLS.Certificates) == 0
}

func chainText(f *Flow) string {
	switch n := len(f.TLS.Certificates); {
	case certsHidden(f):
		return encrypted
	case n == 0:
		return noneSeen
	case n == 1:
		return "1 certificate"
	default:
		return strconv.Itoa(n) + " certificates"
	}
}

func leafField(f *Flow, leaf *tlswire.Certificate, field func(*tlswire.Certificate) string) string {
	switch {
	case leaf != nil:
		if s := field(leaf); s != "" {
			return Printable(s)
		}
		return "-"
	case certsHidden(f):
		return encrypted
	}
	return noneSeen
}

func validityText(c *tlswire.Certificate) string {
	return c.NotBefore.UTC().Format(time.DateOnly) + " to " + c.NotAfter.UTC().Format(time.DateOnly)
}

func alertRows(a, b *Flow) []CompareRow {
	return []CompareRow{row("alerts", alertsText(a), alertsText(b))}
}

func alertsText(f *Flow) string {
	if len(f.TLS.Alerts) == 0 {
		return "none"
	}
	out := make([]string, 0, len(f.TLS.Alerts))
	for _, al := range f.TLS.Alerts {
		out = append(out, alertText(al))
	}
	return strings.Join(out, "; ")
}

func alertText(a decode.AlertFact) string {
	var s string
	switch {
	case a.Encrypted:
		s = "encrypted alert (" + strconv.Itoa(a.Length) + " bytes)"
	case a.Level == 2:
		s = "fatal " + registry.Alert(a.Description)
	default:
		s = "warning " + registry.Alert(a.Description)
	}
	s += " from " + a.From.String()
	if a.After != "" {
		s += " after " + Printable(a.After)
	}
	return s
}

func timingRows(a, b *Flow) []CompareRow {
	pa, pb := PhaseTimings(a.Flow), PhaseTimings(b.Flow)
	ha, okA := a.HandshakeTime()
	hb, okB := b.HandshakeTime()
	return []CompareRow{
		phaseRow("TCP round trip", pa.NetworkRTT, pb.NetworkRTT),
		phaseRow("server answer", pa.ServerThink, pb.ServerThink),
		phaseRow("client answer", pa.ClientAnswer, pb.ClientAnswer),
		phaseRow("handshake", Phase{NS: ha, Known: okA}, Phase{NS: hb, Known: okB}),
	}
}

// phaseRow marks a timing as different when only one is known or one is
// over twice the other and they are a millisecond or more apart: two
// connections never take exactly as long, and only a gap that size is
// worth a look.
func phaseRow(field string, a, b Phase) CompareRow {
	r := CompareRow{Field: field, A: phaseText(a), B: phaseText(b)}
	switch {
	case a.Known != b.Known:
		r.Differs = true
	case a.Known:
		lo, hi := min(a.NS, b.NS), max(a.NS, b.NS)
		r.Differs = hi-lo >= int64(time.Millisecond) && hi > 2*lo
	}
	return r
}

func phaseText(p Phase) string {
	if !p.Known {
		return "-"
	}
	return roundDur(time.Duration(p.NS))
}
