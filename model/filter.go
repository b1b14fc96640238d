package model

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// The filter language, shared by the TUI's "/" bar and --filter:
//
//	api.example.com !outcome:ok sni:*.corp|*.lan port:8443,9443 ip:10.0.0.0/8 hs>1s
//
// Terms are separated by spaces and ANDed; "!" negates a term; "|" or ","
// ORs the values of one term; double quotes let a value hold spaces, "|",
// "," or quotes (a backslash escapes the next byte inside quotes). There is
// no OR between terms and no grouping: one term, one field. The parser is
// strict: an unknown field, a value outside a closed set (outcome, alert,
// version, by, starttls) or "field=value" is an error that says what was
// meant, never a silent bare-word search. Matching compares ASCII
// case-insensitively and never allocates for the usual fields, because the
// TUI re-filters a million flows while the user types.

// Filter is a compiled filter expression. The zero value matches everything.
type Filter struct {
	terms []filterTerm // as written, for String
	eval  []filterTerm // the same terms, cheapest first, for Match
}

// FilterError says what is wrong with an expression and where: Pos is the
// byte offset of the offending term, so the filter bar can point at it.
type FilterError struct {
	Pos int
	Msg string
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("filter: %s (at offset %d)", e.Msg, e.Pos)
}

type filterKey uint8

const (
	fkBare filterKey = iota
	fkSNI
	fkIP
	fkPort
	fkOutcome
	fkAlert
	fkVersion
	fkCipher
	fkALPN
	fkJA4
	fkJA3
	fkBy
	fkStartTLS
	fkHS
	fkBytes
	fkPackets
	fkAfter
	fkBefore
	fkIssuer
)

// name is the field's name as String writes it (aliases read as their field).
func (k filterKey) name() string {
	for _, f := range filterFields {
		if f.key == k && !f.alias {
			return f.Name
		}
	}
	return ""
}

type filterTerm struct {
	key  filterKey
	neg  bool
	vals []filterValue // ORed

	anyAddr   bool      // bare: some value has addrOK
	v4        v4Text    // bare: the kinds of IPv4 needle among the values
	octets    [4]uint64 // bare: the octets whose decimal text holds a v4Digits needle, a bit each
	alerts    [4]uint64 // alert: the fatal alert descriptions whose names match, a bit each
	encrypted bool      // alert: "encrypted" matches

	loc *time.Location // after, before: the zone a time of day or a date without one is in
}

// filterValue is one compiled alternative; which fields are used depends on the key.
type filterValue struct {
	text   string        // normalised text, for String
	needle string        // ASCII lower-cased needle for substring keys
	glob   []string      // sni: pattern split at '*' (nil when the value has no '*')
	addrOK bool          // bare word: could occur in "ip:port" text at all
	v4     v4Text        // bare word: where it could occur in IPv4 "a.b.c.d:port" text
	dots   *dottedNeedle // bare word of kind v4Dotted
	prefix netip.Prefix  // ip:
	lo, hi uint16        // port:
	mask   uint64        // outcome: set of outcome classes (see outcomeClass)
	op     versionOp     // version:
	ver    uint16        // version:
	from   int64         // hs, bytes, packets: inclusive range; after, before: the time (Unix ns, or ns into the day)
	to     int64         // hs, bytes, packets
	tod    bool          // after, before: from is a time of day
}

// v4Text says where a bare word could occur in an IPv4 endpoint's text.
type v4Text uint8

const (
	v4None   v4Text = 0         // nowhere: it has a byte other than digits, '.' and ':'
	v4Digits v4Text = 1 << iota // digits only: within one octet or within the port
	v4Dotted                    // digits and dots: within "a.b.c.d"
	v4Span                      // with a ':': only across the whole text
)

type versionOp uint8

const (
	verEQ versionOp = iota
	verLT
	verLE
	verGT
	verGE
)

var versionOpText = [...]string{verEQ: "", verLT: "<", verLE: "<=", verGT: ">", verGE: ">="}

// ParseFilter compiles an expression. An empty or blank expression gives the
// empty filter, which matches every flow. Times (after:, before:) are UTC,
// as the explorer shows them.
func ParseFilter(expr string) (Filter, error) { return ParseFilterIn(expr, time.UTC) }

// ParseFilterIn is ParseFilter with times of day, and dates written without
// a zone, read in loc.
func ParseFilterIn(expr string, loc *time.Location) (Filter, error) {
	if loc == nil {
		loc = time.UTC
	}
	var f Filter
	for i := 0; ; {
		for i < len(expr) && isFilterSpace(expr[i]) {
			i++
		}
		if i >= len(expr) {
			break
		}
		t, next, err := parseFilterTerm(expr, i, loc)
		if err != nil {
			return Filter{}, err
		}
		f.terms = append(f.terms, t)
		i = next
	}
	// AND commutes, so test the terms that read only the flow's own fields
	// before those that follow pointers or format addresses.
	f.eval = slices.Clone(f.terms)
	slices.SortStableFunc(f.eval, func(a, b filterTerm) int { return cmp.Compare(a.key.cost(), b.key.cost()) })
	return f, nil
}

// cost ranks how much memory a key's test touches.
func (k filterKey) cost() int {
	switch k {
	case fkPort, fkOutcome, fkBy, fkVersion, fkIP, fkBytes, fkPackets, fkAfter, fkBefore:
		return 0
	case fkStartTLS, fkJA4, fkJA3:
		return 1
	case fkBare:
		return 3
	}
	return 2 // sni, alpn, cipher, alert: a pointer or a table lookup
}

func isFilterSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// parseFilterTerm reads the term starting at expr[start] and returns it with
// the offset just past it.
func parseFilterTerm(expr string, start int, loc *time.Location) (filterTerm, int, error) {
	fail := func(format string, args ...any) (filterTerm, int, error) {
		return filterTerm{}, 0, &FilterError{Pos: start, Msg: fmt.Sprintf(format, args...)}
	}
	t := filterTerm{loc: loc}
	i := start
	if expr[i] == '!' {
		t.neg = true
		i++
		if i >= len(expr) || isFilterSpace(expr[i]) {
			return fail(`"!" needs a term after it`)
		}
		if expr[i] == '!' {
			return fail(`"!!": negate a term once`)
		}
	}
	keyText := ""
	if j, sep := fieldRef(expr[i:]); j > 0 {
		j += i
		name := asciiLower(expr[i:j])
		fld := filterFieldByName(name)
		switch {
		case fld == nil && sep == ":" && looksLikeAddress(expr[i:termEnd(expr, i)]):
			// IPv6 words such as "beef::1" read like a key: a bare word.
		case fld == nil:
			return fail("%s", withHint(fmt.Sprintf("unknown filter key %q", expr[i:j]),
				didYouMean(name, filterFieldNames(), false), "keys: "+strings.Join(filterFieldNames(), ", ")))
		case sep == ":":
			t.key, keyText = fld.key, fld.Name
			i = j + 1
		case (sep == "<" || sep == ">") && fld.ordered:
			t.key, keyText = fld.key, fld.Name
			i = j // the operator starts the value: hs>1s reads as hs:>1s
		case sep == "<" || sep == ">":
			return fail("%s: takes no %q; comparisons work on %s (hs>1s)", fld.Name, sep, strings.Join(orderedFieldNames(), ", "))
		case sep == "!=":
			return fail(`"!=" is not filter syntax: write !%s:VALUE`, fld.Name)
		default:
			return fail("%q is not filter syntax: write %s:VALUE", sep, fld.Name)
		}
	}
	raws, next, ok := splitFilterValues(expr, i)
	if !ok {
		return fail("unterminated quote")
	}
	for _, raw := range raws {
		if raw == "" {
			if keyText != "" {
				return fail("empty value for %s:", keyText)
			}
			return fail("empty value")
		}
		v, err := compileFilterValue(t.key, raw, loc)
		if err != "" {
			return fail("%s", err)
		}
		t.vals = append(t.vals, v)
	}
	t.precompute()
	return t, next, nil
}

// withHint words an error: the message, the suggestion if any, then the
// accepted values in brackets (the suggestion first, so it stays on a
// narrow screen).
func withHint(msg, suggestion, accepted string) string {
	if suggestion != "" {
		msg += ": " + suggestion
	}
	if accepted != "" {
		msg += " (" + accepted + ")"
	}
	return msg
}

// precompute derives what the matcher needs from the compiled values: which
// kinds of address text a bare word could occur in, and for alert: the
// answer for every alert description, as Flow.AlertName names them.
func (t *filterTerm) precompute() {
	for i := range t.vals {
		t.anyAddr = t.anyAddr || t.vals[i].addrOK
		t.v4 |= t.vals[i].v4
	}
	if t.v4&v4Digits != 0 {
		var buf addr4Buf
		for o := 0; o < 256; o++ {
			if t.anyV4(buf.formatPort(uint16(o)), v4Digits) { // an octet's text is its decimal, as a port's
				t.octets[o>>6] |= 1 << (o & 63)
			}
		}
	}
	if t.key == fkAlert {
		for d := 0; d < 256; d++ {
			if t.anyContains(registry.Alert(uint8(d))) {
				t.alerts[d>>6] |= 1 << (d & 63)
			}
		}
		t.encrypted = t.anyContains("encrypted")
	}
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// fieldRef returns the length of a field-shaped prefix of s (a letter, then
// letters or digits) and the separator after it: ":", or one of "<", ">",
// "=", "~", "!=" (which the parser reads as a comparison or rejects with a
// hint). It returns 0 when s does not start that way. The field must come
// before any quote.
func fieldRef(s string) (int, string) {
	if s == "" || !isASCIILetter(s[0]) {
		return 0, ""
	}
	j := 1
	for j < len(s) && (isASCIILetter(s[j]) || s[j] >= '0' && s[j] <= '9') {
		j++
	}
	if j == len(s) {
		return 0, ""
	}
	switch s[j] {
	case ':', '<', '>', '=', '~':
		return j, s[j : j+1]
	case '!':
		if j+1 < len(s) && s[j+1] == '=' {
			return j, "!="
		}
	}
	return 0, ""
}

// termEnd finds the end of an unquoted run (for the unknown-key check).
func termEnd(expr string, i int) int {
	for i < len(expr) && !isFilterSpace(expr[i]) {
		i++
	}
	return i
}

// looksLikeAddress reports text made only of what IPv4/IPv6 text is made of.
func looksLikeAddress(s string) bool {
	for k := 0; k < len(s); k++ {
		if !isAddrByte(s[k]) {
			return false
		}
	}
	return true
}

func isAddrByte(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c|0x20 >= 'a' && c|0x20 <= 'f', c == ':', c == '.', c == '[', c == ']', c == '/':
		return true
	}
	return false
}

// splitFilterValues reads values separated by '|' or ',' up to the next
// unquoted space. Quotes may appear anywhere in a value; inside them '\' escapes.
func splitFilterValues(expr string, i int) (vals []string, next int, ok bool) {
	var cur []byte
	inQuote := false
	for ; i < len(expr); i++ {
		c := expr[i]
		if inQuote {
			switch c {
			case '"':
				inQuote = false
			case '\\':
				i++
				if i >= len(expr) {
					return nil, 0, false
				}
				cur = append(cur, expr[i])
			default:
				cur = append(cur, c)
			}
			continue
		}
		if isFilterSpace(c) {
			break
		}
		switch c {
		case '"':
			inQuote = true
		case '|', ',':
			vals = append(vals, string(cur))
			cur = cur[:0]
		default:
			cur = append(cur, c)
		}
	}
	if inQuote {
		return nil, 0, false
	}
	return append(vals, string(cur)), i, true
}

// compileFilterValue turns one raw value into its matcher; err is the message
// for an invalid value.
func compileFilterValue(k filterKey, raw string, loc *time.Location) (v filterValue, err string) {
	low := asciiLower(raw)
	switch k {
	case fkBare:
		v.text, v.needle = low, low
		v.addrOK = looksLikeAddress(low)
		switch {
		case strings.Trim(low, "0123456789.:") != "":
		case strings.IndexByte(low, ':') >= 0:
			v.v4 = v4Span
		case strings.IndexByte(low, '.') >= 0:
			v.v4, v.dots = v4Dotted, newDottedNeedle(low)
			if v.dots == nil {
				v.v4 = v4None
			}
		default:
			v.v4 = v4Digits
		}
	case fkSNI:
		v.text, v.needle = low, low
		if strings.IndexByte(low, '*') >= 0 {
			v.glob = strings.Split(low, "*")
		}
	case fkIP:
		p, ok := parseFilterPrefix(raw)
		if !ok {
			return v, fmt.Sprintf("bad address or CIDR %q (e.g. 10.0.0.1, 10.0.0.0/8, 2001:db8::/32)", raw)
		}
		v.prefix = p
		if p.IsSingleIP() {
			v.text = p.Addr().String()
		} else {
			v.text = p.String()
		}
	case fkPort:
		lo, hi, ok := parseFilterPorts(raw)
		if !ok {
			return v, fmt.Sprintf("bad port %q (a number 0-65535 or a range like 8000-8999)", raw)
		}
		v.lo, v.hi = lo, hi
		v.text = strconv.Itoa(int(lo))
		if hi != lo {
			v.text += "-" + strconv.Itoa(int(hi))
		}
	case fkOutcome:
		m, ok := outcomeWords[low]
		if !ok {
			return v, withHint(fmt.Sprintf("unknown outcome %q", raw), didYouMean(low, outcomeWordSlice, false),
				"outcomes: "+outcomeWordList)
		}
		v.text, v.mask = low, m
	case fkVersion:
		op, ver, ok := parseFilterVersion(low)
		if !ok {
			return v, fmt.Sprintf("bad version %q (e.g. 1.3, 1.2, <1.2, >=1.2, ssl3)", raw)
		}
		v.op, v.ver = op, ver
		v.text = versionOpText[op] + asciiLower(shortVersion(ver))
	case fkBy:
		if low != "client" && low != "server" {
			return v, withHint(fmt.Sprintf("bad value %q for by:", raw), didYouMean(low, FilterValues("by"), false), "client or server")
		}
		v.text, v.needle = low, low
	case fkAlert:
		// A part of a name: alert:unknown finds unknown_ca and unknown_psk_identity.
		// A part of no name is a typo, not a search that finds nothing.
		if !alertPartKnown(low) {
			return v, withHint(fmt.Sprintf("unknown alert %q", raw),
				didYouMean(low, alertWords(), true), "e.g. unknown_ca, handshake_failure, encrypted")
		}
		v.text, v.needle = low, low
	case fkStartTLS:
		words := startTLSWords()
		if !slices.Contains(words, low) {
			return v, withHint(fmt.Sprintf("unknown starttls protocol %q", raw), didYouMean(low, words, false),
				"starttls: "+strings.Join(words, ", "))
		}
		v.text, v.needle = low, low
	case fkHS:
		from, to, text, ok := parseFilterRange(low, parseDurationNs, formatDurationNs)
		if !ok {
			return v, fmt.Sprintf("bad duration %q (e.g. hs>1s, hs<100ms, hs:100ms-2s)", raw)
		}
		v.from, v.to, v.text = from, to, text
	case fkBytes:
		from, to, text, ok := parseFilterRange(low, parseSize, formatSize)
		if !ok {
			return v, fmt.Sprintf("bad size %q (e.g. bytes>1MB, bytes<1500, bytes:1KB-64KB)", raw)
		}
		v.from, v.to, v.text = from, to, text
	case fkPackets:
		from, to, text, ok := parseFilterRange(low, parseCount, formatCount)
		if !ok {
			return v, fmt.Sprintf("bad count %q (e.g. packets<10, packets:3-20)", raw)
		}
		v.from, v.to, v.text = from, to, text
	case fkAfter, fkBefore:
		at, tod, text, ok := parseFilterTime(raw, loc)
		if !ok {
			return v, fmt.Sprintf("bad time %q (e.g. 12:00, 12:00:30.5, 2024-05-01, 2024-05-01T12:00, 2024-05-01T12:00:00Z)", raw)
		}
		v.from, v.tod, v.text = at, tod, text
	default: // cipher, alpn, ja4, ja3, issuer: text matches
		v.text, v.needle = low, low
	}
	return v, ""
}

// alertPartKnown reports whether s is part of some alert's name (as
// Flow.AlertName writes it, hex for unnamed ones) or of "encrypted".
func alertPartKnown(s string) bool {
	if strings.Contains("encrypted", s) {
		return true
	}
	for d := 0; d < 256; d++ {
		if strings.Contains(asciiLower(registry.Alert(uint8(d))), s) {
			return true
		}
	}
	return false
}

// parseFilterPrefix reads an address or a CIDR. Zones are dropped (packets
// carry none) and IPv4-mapped IPv6 becomes IPv4, as flow addresses are unmapped.
func parseFilterPrefix(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		a, bits := p.Addr(), p.Bits()
		if a.Is4In6() && bits >= 96 {
			a, bits = a.Unmap(), bits-96
		}
		p, err = a.Prefix(bits)
		return p, err == nil
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.WithZone("").Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

func parseFilterPorts(s string) (lo, hi uint16, ok bool) {
	a, b, isRange := strings.Cut(s, "-")
	if !isRange {
		b = a
	}
	l, err1 := strconv.ParseUint(a, 10, 16)
	h, err2 := strconv.ParseUint(b, 10, 16)
	if err1 != nil || err2 != nil || l > h {
		return 0, 0, false
	}
	return uint16(l), uint16(h), true
}

func parseFilterVersion(s string) (versionOp, uint16, bool) {
	op := verEQ
	switch {
	case strings.HasPrefix(s, "<="):
		op, s = verLE, s[2:]
	case strings.HasPrefix(s, ">="):
		op, s = verGE, s[2:]
	case strings.HasPrefix(s, "=="):
		s = s[2:]
	case strings.HasPrefix(s, "<"):
		op, s = verLT, s[1:]
	case strings.HasPrefix(s, ">"):
		op, s = verGT, s[1:]
	case strings.HasPrefix(s, "="):
		s = s[1:]
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "tls"), "v")
	switch s {
	case "1.3", "13":
		return op, tlswire.VersionTLS13, true
	case "1.2", "12":
		return op, tlswire.VersionTLS12, true
	case "1.1", "11":
		return op, tlswire.VersionTLS11, true
	case "1.0", "10":
		return op, tlswire.VersionTLS10, true
	case "ssl3", "3.0", "ssl3.0":
		return op, tlswire.VersionSSL30, true
	case "ssl2", "2.0", "ssl2.0":
		return op, tlswire.VersionSSL20, true
	}
	return 0, 0, false
}

// Outcome classes: one bit per Outcome, plus one for a Reset whose badge is
// CLOSED (a FIN without an alert), so "rst" and "closed" can tell them apart.
// The switch is the fast path for the outcomes known when it was written;
// any other outcome in Outcomes gets class outcomeOtherClass + its index, so
// an outcome added to the list is matched without touching this file.
const (
	outcomeClosedClass = 12
	outcomeOtherClass  = 16
)

func outcomeClass(fl *Flow) uint {
	switch fl.Outcome {
	case OK:
		return 0
	case Resumed:
		return 1
	case Alert:
		return 2
	case EncryptedAlert:
		return 3
	case Reset:
		if fl.Badge == "CLOSED" {
			return outcomeClosedClass
		}
		return 4
	case NoServerHello:
		return 5
	case NoClientHello:
		return 6
	case NotTLS:
		return 7
	case NoSYNACK:
		return 8
	case Refused:
		return 9
	case OneSided:
		return 10
	case Partial:
		return 11
	case PlaintextReply:
		return 13
	}
	for i, o := range Outcomes {
		if o == fl.Outcome && outcomeOtherClass+i < 64 {
			return uint(outcomeOtherClass + i)
		}
	}
	return 15 // not an outcome: in no set
}

// outcomeWords maps every accepted outcome word to its class set: the JSON
// names, "fail", and the badges in lower case.
var outcomeWords, outcomeWordSlice, outcomeWordList = func() (map[string]uint64, []string, string) {
	bit := func(o Outcome) uint64 {
		fl := Flow{Flow: &decode.Flow{}, Verdict: &Verdict{Outcome: o}}
		return 1 << outcomeClass(&fl)
	}
	closed := uint64(1) << outcomeClosedClass
	m := map[string]uint64{}
	var words []string
	add := func(w string, mask uint64) {
		if _, dup := m[w]; !dup {
			words = append(words, w)
		}
		m[w] |= mask
	}
	var fail uint64
	for _, o := range Outcomes {
		b := bit(o)
		if o == Reset {
			b |= closed
		}
		add(string(o), b)
		if o.Failed() {
			fail |= b
		}
	}
	add("fail", fail)
	add("rst", bit(Reset))
	add("closed", closed)
	add("alert?", bit(EncryptedAlert))
	add("nosh", bit(NoServerHello))
	add("no-sh", bit(NoServerHello))
	add("noch", bit(NoClientHello))
	add("no-ch", bit(NoClientHello))
	add("not-tls", bit(NotTLS))
	add("no-syn-ack", bit(NoSYNACK))
	add("no-synack", bit(NoSYNACK)) // the header's word for it
	add("one-sided", bit(OneSided))
	add("plaintext", bit(PlaintextReply))
	return m, words, strings.Join(words, ", ")
}()

// Empty reports a filter with no terms: it matches every flow.
func (f Filter) Empty() bool { return len(f.terms) == 0 }

// String is the normalised expression: keys and needles in lower case,
// addresses and ports canonical, quotes only where needed. Parsing it gives
// an equivalent filter.
func (f Filter) String() string {
	var b strings.Builder
	for i, t := range f.terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		if t.neg {
			b.WriteByte('!')
		}
		if t.key != fkBare {
			b.WriteString(t.key.name())
			b.WriteByte(':')
		}
		for j, v := range t.vals {
			if j > 0 {
				b.WriteByte('|')
			}
			writeFilterValue(&b, v.text, t.key == fkBare && j == 0)
		}
	}
	return b.String()
}

// writeFilterValue quotes a value when it would otherwise read differently:
// separators, quotes, '|', and for a bare word's first value a leading '!'
// or a "letters:" (or "letters=" ...) prefix that would read as a field.
func writeFilterValue(b *strings.Builder, s string, first bool) {
	need := strings.ContainsAny(s, " \t\n\r\v\f\"|,")
	if first && !need {
		n, _ := fieldRef(s)
		need = strings.HasPrefix(s, "!") || n > 0
	}
	if !need {
		b.WriteString(s)
		return
	}
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

// Match reports whether the flow satisfies every term. It does not allocate
// for flows with plain-ASCII fields and known code points.
func (f Filter) Match(fl *Flow) bool { return f.match(fl, nil) }

// match is Match with one goroutine's memos (see newMemo), or none.
func (f *Filter) match(fl *Flow, memo []termMemo) bool {
	for i := range f.eval {
		t := &f.eval[i]
		var m *termMemo
		if memo != nil {
			m = &memo[i]
		}
		if t.match(fl, m) == t.neg {
			return false
		}
	}
	return true
}

// m is the term's memo, or nil.
func (t *filterTerm) match(fl *Flow, m *termMemo) bool {
	switch t.key {
	case fkBare:
		return t.matchBare(fl, m)
	case fkSNI:
		ch := fl.TLS.ClientHello
		if ch == nil || ch.SNI == "" {
			return false // so "!sni:*" finds flows without SNI
		}
		return t.memoString(ch.SNI, m, (*filterTerm).sniMatch)
	case fkIP:
		c, s := fl.Client.Addr().Unmap(), fl.Server.Addr().Unmap()
		for i := range t.vals {
			if p := t.vals[i].prefix; p.Contains(c) || p.Contains(s) {
				return true
			}
		}
	case fkPort:
		c, s := fl.Client.Port(), fl.Server.Port()
		for i := range t.vals {
			v := &t.vals[i]
			if c >= v.lo && c <= v.hi || s >= v.lo && s <= v.hi {
				return true
			}
		}
	case fkOutcome:
		bit := uint64(1) << outcomeClass(fl)
		for i := range t.vals {
			if t.vals[i].mask&bit != 0 {
				return true
			}
		}
	case fkVersion:
		ver := fl.Verdict.Version
		if ver == 0 {
			return false
		}
		if ver>>8 == 0x7f { // TLS 1.3 drafts compare as 1.3
			ver = tlswire.VersionTLS13
		}
		for i := range t.vals {
			if v := &t.vals[i]; versionCompare(ver, v.op, v.ver) {
				return true
			}
		}
	case fkAlert:
		// What anyContains(fl.AlertName()) says, from the table precompute made.
		if a := firstFatal(fl.Flow); a != nil {
			return t.alerts[a.Description>>6]&(1<<(a.Description&63)) != 0
		}
		return t.encrypted && fl.Outcome == EncryptedAlert
	case fkCipher:
		if sh := fl.TLS.ServerHello; sh != nil {
			return t.memoSuite(sh.CipherSuite, m)
		}
	case fkALPN:
		ch, sh := fl.TLS.ClientHello, fl.TLS.ServerHello // both reads before any branch: they overlap
		if ch != nil {
			for _, p := range ch.ALPN {
				if t.memoString(p, m, (*filterTerm).anyContains) {
					return true
				}
			}
		}
		if sh != nil {
			return t.memoString(sh.ALPN, m, (*filterTerm).anyContains)
		}
	case fkJA4:
		return t.memoString(fl.TLS.JA4(), m, (*filterTerm).anyContains)
	case fkIssuer:
		if c := fl.TLS.Certificates; len(c) > 0 {
			return t.memoString(c[0].Issuer, m, (*filterTerm).printableContains)
		}
	case fkJA3:
		return t.memoString(fl.TLS.JA3Hash(), m, (*filterTerm).anyPrefix)
	case fkBy:
		for i := range t.vals {
			if fl.Who == t.vals[i].needle {
				return true
			}
		}
	case fkStartTLS:
		st := fl.TLS.StartTLS
		if st == "" {
			return false
		}
		for i := range t.vals {
			if n := t.vals[i].needle; n == "yes" || equalFold(st, n) {
				return true
			}
		}
	case fkHS:
		if d, ok := fl.HandshakeTime(); ok {
			return t.inRange(d)
		}
	case fkBytes:
		return t.inRange(fl.Bytes)
	case fkPackets:
		return t.inRange(int64(fl.Packets()))
	case fkAfter, fkBefore:
		return t.timeMatch(fl.First)
	}
	return false
}

// inRange reports whether x is in one of the term's ranges.
func (t *filterTerm) inRange(x int64) bool {
	for i := range t.vals {
		if v := &t.vals[i]; x >= v.from && x <= v.to {
			return true
		}
	}
	return false
}

// timeMatch reports whether a flow that started at start is after (at or
// after) or before one of the term's times.
func (t *filterTerm) timeMatch(start time.Time) bool {
	if start.IsZero() {
		return false
	}
	abs, tod := unixNanoClamped(start), int64(-1)
	for i := range t.vals {
		v := &t.vals[i]
		x := abs
		if v.tod {
			if tod < 0 {
				tod = timeOfDay(start, t.loc)
			}
			x = tod
		}
		if (x >= v.from) == (t.key == fkAfter) {
			return true
		}
	}
	return false
}

// timeOfDay is how far into its day (in loc) t is, in nanoseconds.
func timeOfDay(t time.Time, loc *time.Location) int64 {
	if loc == time.UTC && !t.Before(minNanoTime) && !t.After(maxNanoTime) {
		const day = int64(24 * time.Hour)
		return (t.UnixNano()%day + day) % day
	}
	t = t.In(loc)
	h, m, s := t.Clock()
	return int64(h)*int64(time.Hour) + int64(m)*int64(time.Minute) + int64(s)*int64(time.Second) + int64(t.Nanosecond())
}

// sniMatch reports whether a raw SNI, as the user sees it (filterSNI),
// matches one of the sni: values.
// printableContains is anyContains on the text as shown (escaped): an
// issuer is matched as the list and summary --by print it.
func (t *filterTerm) printableContains(raw string) bool {
	var buf [foldBufLen]byte
	s := foldText(raw, true, buf[:])
	for i := range t.vals {
		if s != "" && strings.Contains(s, t.vals[i].needle) {
			return true
		}
	}
	return false
}

func (t *filterTerm) sniMatch(raw string) bool {
	var buf [foldBufLen]byte
	s := foldText(raw, true, buf[:])
	if s == "" {
		return false
	}
	for i := range t.vals {
		v := &t.vals[i]
		if v.glob != nil {
			if globMatch(s, v.glob) {
				return true
			}
		} else if strings.Contains(s, v.needle) {
			return true
		}
	}
	return false
}

// bareSNIMatch reports whether a raw SNI, as the user sees it, contains one
// of a bare word's values.
func (t *filterTerm) bareSNIMatch(raw string) bool {
	var buf [foldBufLen]byte
	s := foldText(raw, true, buf[:])
	if s == "" {
		return false
	}
	for i := range t.vals {
		if strings.Contains(s, t.vals[i].needle) {
			return true
		}
	}
	return false
}

// anyContains reports whether s contains one of the term's needles, ignoring
// ASCII case (s empty never matches).
func (t *filterTerm) anyContains(s string) bool {
	if s == "" {
		return false
	}
	var buf [foldBufLen]byte
	s = foldText(s, false, buf[:])
	for i := range t.vals {
		if strings.Contains(s, t.vals[i].needle) {
			return true
		}
	}
	return false
}

// anyPrefix reports whether s starts with one of the term's needles,
// ignoring ASCII case.
func (t *filterTerm) anyPrefix(s string) bool {
	for i := range t.vals {
		if hasPrefixFold(s, t.vals[i].needle) {
			return true
		}
	}
	return false
}

// cipherMatch reports whether a suite's IANA or compact name contains one of
// the term's needles (what Flow.CipherName and Flow.CipherShort say).
func (t *filterTerm) cipherMatch(suite uint16) bool {
	return t.anyContains(registry.CipherSuite(suite)) || t.anyContains(registry.CipherSuiteShort(suite))
}

// matchBare looks for a bare word in the SNI and in the endpoints' "ip:port"
// text (which includes the port). The address text is only formatted when
// some needle could occur in it at all.
func (t *filterTerm) matchBare(fl *Flow, m *termMemo) bool {
	if !t.anyAddr {
		ch := fl.TLS.ClientHello
		return ch != nil && ch.SNI != "" && t.memoString(ch.SNI, m, (*filterTerm).bareSNIMatch)
	}
	// Read the endpoints before testing the SNI: the reads then overlap,
	// instead of waiting behind a branch on the SNI.
	ch, c, s := fl.TLS.ClientHello, fl.Client, fl.Server
	if ch != nil && ch.SNI != "" && t.memoString(ch.SNI, m, (*filterTerm).bareSNIMatch) {
		return true
	}
	var am *addrMemo
	if m != nil {
		am = m.addr
	}
	return t.addrMatch(c, am) || t.addrMatch(s, am)
}

// addrMatch reports whether an endpoint's text (netip.AddrPort.AppendTo)
// contains one of the bare word's needles; am (or nil) remembers answers
// for ports.
func (t *filterTerm) addrMatch(ap netip.AddrPort, am *addrMemo) bool {
	a := ap.Addr()
	if a.Is4() {
		// Digits, dots and a colon only: no case to fold, and only needles
		// made of those can occur in it. One of digits alone occurs within
		// an octet or the port; one with dots, within the address; only one
		// with a colon needs the whole text written out.
		ip, port := a.As4(), ap.Port()
		if t.v4&v4Digits != 0 && (t.octet(ip[0]) || t.octet(ip[1]) || t.octet(ip[2]) || t.octet(ip[3])) {
			return true
		}
		if t.v4&v4Dotted != 0 && t.ip4Match(ip) {
			return true
		}
		if t.v4&v4Digits != 0 {
			if am != nil && am.port(t, port) || am == nil && t.port4Match(port) {
				return true
			}
		}
		return t.v4&v4Span != 0 && t.span4Match(ip, port)
	}
	if !ap.IsValid() {
		return false
	}
	var buf [64]byte
	text := ap.AppendTo(buf[:0])
	for i := range t.vals {
		if v := &t.vals[i]; v.addrOK && containsFoldBytes(text, v.needle) {
			return true
		}
	}
	return false
}

// octet reports whether an octet's decimal text holds a needle of digits.
func (t *filterTerm) octet(o byte) bool { return t.octets[o>>6]&(1<<(o&63)) != 0 }

// ip4Match reports whether "a.b.c.d" contains a needle of digits and dots.
func (t *filterTerm) ip4Match(ip [4]byte) bool {
	for i := range t.vals {
		if v := &t.vals[i]; v.v4 == v4Dotted && v.dots.match(ip) {
			return true
		}
	}
	return false
}

// dottedNeedle is a bare word of digits and dots split at its dots, to be
// found in an IPv4 address without writing the address's text: the dots of
// "p0.p1...pm" can only fall on the address's dots, so it occurs in
// "a.b.c.d" exactly when, for some octet k, p0 ends octet k's text, the
// middle parts are octets k+1 to k+m-1 and pm begins octet k+m's text.
type dottedNeedle struct {
	m           int       // dots, 1 to 3
	first, last [4]uint64 // the octets whose text ends with p0, begins with pm: a bit each
	middle      []int     // p1 to p(m-1) as octets, -1 when no octet's text is that part
}

// newDottedNeedle returns nil for a needle with more dots than an address has.
func newDottedNeedle(needle string) *dottedNeedle {
	parts := strings.Split(needle, ".")
	d := &dottedNeedle{m: len(parts) - 1}
	if d.m > 3 {
		return nil
	}
	p0, pm := parts[0], parts[d.m]
	for o := 0; o < 256; o++ {
		text := strconv.Itoa(o)
		if strings.HasSuffix(text, p0) {
			d.first[o>>6] |= 1 << (o & 63)
		}
		if strings.HasPrefix(text, pm) {
			d.last[o>>6] |= 1 << (o & 63)
		}
	}
	for _, p := range parts[1:d.m] {
		o, err := strconv.Atoi(p)
		if err != nil || o > 255 || strconv.Itoa(o) != p { // "" or "01" is no octet's text
			o = -1
		}
		d.middle = append(d.middle, o)
	}
	return d
}

func (d *dottedNeedle) match(ip [4]byte) bool {
next:
	for k := 0; k+d.m <= 3; k++ {
		if d.first[ip[k]>>6]&(1<<(ip[k]&63)) == 0 {
			continue
		}
		for j, o := range d.middle {
			if int(ip[k+1+j]) != o {
				continue next
			}
		}
		if o := ip[k+d.m]; d.last[o>>6]&(1<<(o&63)) != 0 {
			return true
		}
	}
	return false
}

// port4Match reports whether a port's decimal text contains a needle of digits.
func (t *filterTerm) port4Match(port uint16) bool {
	var buf addr4Buf
	return t.anyV4(buf.formatPort(port), v4Digits)
}

// span4Match reports whether "a.b.c.d:port" contains a needle with a colon.
func (t *filterTerm) span4Match(ip [4]byte, port uint16) bool {
	var buf addr4Buf
	return t.anyV4(buf.format(ip, port), v4Span)
}

// anyV4 reports whether text contains one of the needles of a kind.
func (t *filterTerm) anyV4(text string, kind v4Text) bool {
	for i := range t.vals {
		if v := &t.vals[i]; v.v4 == kind && strings.Contains(text, v.needle) {
			return true
		}
	}
	return false
}

// addr4Buf holds an IPv4 endpoint's text, written from the end.
type addr4Buf [32]byte

// format returns "a.b.c.d:port", as netip.AddrPort.AppendTo writes it, in
// b (the result aliases b).
func (b *addr4Buf) format(ip [4]byte, port uint16) string {
	n := len(b) - len(b.formatPort(port)) - 1
	b[n] = ':'
	return b.formatIP(n, ip)
}

// formatPort writes the port's decimal text at the end of b.
func (b *addr4Buf) formatPort(port uint16) string {
	n := len(b)
	for {
		n--
		b[n] = byte('0' + port%10)
		port /= 10
		if port == 0 {
			break
		}
	}
	return unsafe.String(&b[n], len(b)-n)
}

// formatIP writes "a.b.c.d" to end just before b[end] and returns the text
// from there to the end of b.
func (b *addr4Buf) formatIP(end int, ip [4]byte) string {
	n := end
	for k := 3; k >= 0; k-- {
		d := octetDigits[ip[k]]
		binary.LittleEndian.PutUint32(b[n-4:n], d) // the digits end at n; the byte before them is their count
		n -= int(d & 0xff)
		if k > 0 {
			n--
			b[n] = '.'
		}
	}
	return unsafe.String(&b[n], len(b)-n)
}

// octetDigits holds each octet's decimal digits in its top bytes, as they
// are written before an end, with their count in the low byte.
var octetDigits = func() (t [256]uint32) {
	for o := range t {
		s := strconv.Itoa(o)
		v := uint32(len(s))
		for i := 0; i < len(s); i++ {
			v |= uint32(s[i]) << (8 * (4 - len(s) + i))
		}
		t[o] = v
	}
	return t
}()

// filterSNI is the SNI as the user sees it: raw when plain (no allocation),
// escaped otherwise.
func filterSNI(fl *Flow) string {
	ch := fl.TLS.ClientHello
	if ch == nil {
		return ""
	}
	if isPlain(ch.SNI) {
		return ch.SNI
	}
	return Printable(ch.SNI)
}

func versionCompare(have uint16, op versionOp, want uint16) bool {
	switch op {
	case verLT:
		return have < want
	case verLE:
		return have <= want
	case verGT:
		return have > want
	case verGE:
		return have >= want
	}
	return have == want
}

// ASCII case folding. Needles are lower-cased once at parse time; haystacks
// are lower-cased on the stack when they have upper case at all, so matching
// never allocates for plain text.

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// asciiLower lower-cases ASCII letters only, leaving other bytes alone (so
// the result has the same length and invalid UTF-8 survives).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}

// foldBufLen is how long a text can be and still be lower-cased on the
// stack (every real SNI, ALPN and fingerprint).
const foldBufLen = 128

// Byte classes for foldText.
const (
	clsUpper   = 1 << iota // 'A'-'Z'
	clsEscaped             // not plain (isPlain): Printable escapes the text
)

var textClass = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= 'A' && c <= 'Z':
			t[c] = clsUpper
		case c < 0x20 || c >= 0x7f || c == '\\':
			t[c] = clsEscaped
		}
	}
	return t
}()

// foldText returns s as the filter compares it with its lower-case needles:
// escaped first when printable is set (what filterSNI shows), then with ASCII
// letters lower-cased. Plain text comes back as is, or lowered into buf (the
// result then aliases buf); only escaped or long text allocates.
func foldText(s string, printable bool, buf []byte) string {
	var cls byte
	for i := 0; i < len(s); i++ {
		cls |= textClass[s[i]]
	}
	switch {
	case cls == 0:
		return s
	case printable && cls&clsEscaped != 0:
		return asciiLower(Printable(s))
	case cls&clsUpper == 0:
		return s
	case len(s) > len(buf):
		return asciiLower(s)
	}
	b := buf[:len(s)]
	for i := range b {
		b[i] = lowerASCII(s[i])
	}
	return unsafe.String(&b[0], len(b))
}

// globMatch matches lower-cased s against a '*' pattern split into its
// literal parts, anchored at both ends.
func globMatch(s string, parts []string) bool {
	first, last := parts[0], parts[len(parts)-1]
	if !strings.HasPrefix(s, first) {
		return false
	}
	pos := len(first)
	for _, mid := range parts[1 : len(parts)-1] {
		k := strings.Index(s[pos:], mid)
		if k < 0 {
			return false
		}
		pos += k + len(mid)
	}
	return len(s)-pos >= len(last) && strings.HasSuffix(s, last)
}

func containsFoldBytes(s []byte, needle string) bool {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n && lowerASCII(s[i+j]) == needle[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFold(s[:len(prefix)], prefix)
}

// equalFold compares s with a lower-case b, ignoring ASCII case.
func equalFold(s, b string) bool {
	if len(s) != len(b) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerASCII(s[i]) != b[i] {
			return false
		}
	}
	return true
}
