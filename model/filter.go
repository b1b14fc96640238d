package model

import (
	"cmp"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// The filter language, shared by the TUI's "/" bar and --filter:
//
//	api.example.com !outcome:ok sni:*.corp|*.lan "port:8000-8999" ip:10.0.0.0/8
//
// Terms are separated by spaces and ANDed; "!" negates a term; "|" ORs the
// values of one term; double quotes let a value hold spaces, "|" or quotes
// (a backslash escapes the next byte inside quotes). Matching compares ASCII
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
)

// filterKeyNames is in the order the error message lists them.
var filterKeyNames = []struct {
	name string
	key  filterKey
}{
	{"sni", fkSNI}, {"ip", fkIP}, {"port", fkPort}, {"outcome", fkOutcome}, {"alert", fkAlert},
	{"version", fkVersion}, {"cipher", fkCipher}, {"alpn", fkALPN}, {"ja4", fkJA4}, {"ja3", fkJA3},
	{"by", fkBy}, {"starttls", fkStartTLS},
}

func (k filterKey) name() string {
	for _, kn := range filterKeyNames {
		if kn.key == k {
			return kn.name
		}
	}
	return ""
}

type filterTerm struct {
	key  filterKey
	neg  bool
	vals []filterValue // ORed
}

// filterValue is one compiled alternative; which fields are used depends on the key.
type filterValue struct {
	text   string       // normalised text, for String
	needle string       // ASCII lower-cased needle for substring keys
	glob   []string     // sni: pattern split at '*' (nil when the value has no '*')
	addrOK bool         // bare word: could occur in "ip:port" text at all
	prefix netip.Prefix // ip:
	lo, hi uint16       // port:
	mask   uint16       // outcome: set of outcome classes (see outcomeClass)
	op     versionOp    // version:
	ver    uint16       // version:
}

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
// empty filter, which matches every flow.
func ParseFilter(expr string) (Filter, error) {
	var f Filter
	for i := 0; ; {
		for i < len(expr) && isFilterSpace(expr[i]) {
			i++
		}
		if i >= len(expr) {
			break
		}
		t, next, err := parseFilterTerm(expr, i)
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
	case fkPort, fkOutcome, fkBy, fkVersion, fkIP:
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
func parseFilterTerm(expr string, start int) (filterTerm, int, error) {
	fail := func(format string, args ...any) (filterTerm, int, error) {
		return filterTerm{}, 0, &FilterError{Pos: start, Msg: fmt.Sprintf(format, args...)}
	}
	var t filterTerm
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
	if j := i + filterKeyLen(expr[i:]); j > i {
		name := asciiLower(expr[i:j])
		found := false
		for _, kn := range filterKeyNames {
			if kn.name == name {
				t.key, found, keyText = kn.key, true, name
				break
			}
		}
		switch {
		case found:
			i = j + 1
		case !looksLikeAddress(expr[i:termEnd(expr, i)]):
			// IPv6 words such as "beef::1" read like a key; anything else is a typo.
			names := make([]string, len(filterKeyNames))
			for k, kn := range filterKeyNames {
				names[k] = kn.name
			}
			return fail("unknown filter key %q (keys: %s)", expr[i:j], strings.Join(names, ", "))
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
		v, err := compileFilterValue(t.key, raw)
		if err != "" {
			return fail("%s", err)
		}
		t.vals = append(t.vals, v)
	}
	return t, next, nil
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// filterKeyLen returns the length of a key-shaped prefix of s (a letter, then
// letters or digits, then ':'), or 0. The key must come before any quote.
func filterKeyLen(s string) int {
	if s == "" || !isASCIILetter(s[0]) {
		return 0
	}
	j := 1
	for j < len(s) && (isASCIILetter(s[j]) || s[j] >= '0' && s[j] <= '9') {
		j++
	}
	if j < len(s) && s[j] == ':' {
		return j
	}
	return 0
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

// splitFilterValues reads values separated by '|' up to the next unquoted
// space. Quotes may appear anywhere in a value; inside them '\' escapes.
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
		case '|':
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
func compileFilterValue(k filterKey, raw string) (v filterValue, err string) {
	low := asciiLower(raw)
	switch k {
	case fkBare:
		v.text, v.needle = low, low
		v.addrOK = looksLikeAddress(low)
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
			return v, fmt.Sprintf("unknown outcome %q (outcomes: %s)", raw, outcomeWordList)
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
			return v, fmt.Sprintf("bad value %q for by: (client or server)", raw)
		}
		v.text, v.needle = low, low
	default: // alert, cipher, alpn, ja4, ja3, starttls: text matches
		v.text, v.needle = low, low
	}
	return v, ""
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
	}
	return 0, 0, false
}

// Outcome classes: one bit per Outcome, plus one for a Reset whose badge is
// CLOSED (a FIN without an alert), so "rst" and "closed" can tell them apart.
const outcomeClosedClass = 12

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
	}
	return 15 // unknown: in no set
}

// outcomeWords maps every accepted outcome word to its class set: the JSON
// names, "fail", and the badges in lower case.
var outcomeWords, outcomeWordList = func() (map[string]uint16, string) {
	bit := func(o Outcome) uint16 {
		fl := Flow{Verdict: Verdict{Outcome: o}}
		return 1 << outcomeClass(&fl)
	}
	closed := uint16(1) << outcomeClosedClass
	m := map[string]uint16{}
	var words []string
	add := func(w string, mask uint16) {
		m[w] = mask
		words = append(words, w)
	}
	var fail uint16
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
	add("one-sided", bit(OneSided))
	return m, strings.Join(words, ", ")
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
// or a "letters:" prefix that would read as a key.
func writeFilterValue(b *strings.Builder, s string, first bool) {
	need := strings.ContainsAny(s, " \t\n\r\v\f\"|")
	if first && !need {
		need = strings.HasPrefix(s, "!") || filterKeyLen(s) > 0
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
func (f Filter) Match(fl *Flow) bool {
	for i := range f.eval {
		t := &f.eval[i]
		if t.match(fl) == t.neg {
			return false
		}
	}
	return true
}

func (t *filterTerm) match(fl *Flow) bool {
	switch t.key {
	case fkBare:
		return t.matchBare(fl)
	case fkSNI:
		sni := filterSNI(fl)
		if sni == "" {
			return false // so "!sni:*" finds flows without SNI
		}
		for i := range t.vals {
			v := &t.vals[i]
			if v.glob != nil {
				if globFold(sni, v.glob) {
					return true
				}
			} else if containsFold(sni, v.needle) {
				return true
			}
		}
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
		bit := uint16(1) << outcomeClass(fl)
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
		return t.anyContains(fl.AlertName())
	case fkCipher:
		if fl.TLS.ServerHello == nil {
			return false
		}
		return t.anyContains(fl.CipherName()) || t.anyContains(fl.CipherShort())
	case fkALPN:
		if ch := fl.TLS.ClientHello; ch != nil {
			for _, p := range ch.ALPN {
				if t.anyContains(p) {
					return true
				}
			}
		}
		if sh := fl.TLS.ServerHello; sh != nil {
			return t.anyContains(sh.ALPN)
		}
	case fkJA4:
		return t.anyContains(fl.TLS.JA4)
	case fkJA3:
		for i := range t.vals {
			if hasPrefixFold(fl.TLS.JA3Hash, t.vals[i].needle) {
				return true
			}
		}
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
	}
	return false
}

// anyContains reports whether s contains one of the term's needles (s empty never matches).
func (t *filterTerm) anyContains(s string) bool {
	if s == "" {
		return false
	}
	for i := range t.vals {
		if containsFold(s, t.vals[i].needle) {
			return true
		}
	}
	return false
}

// matchBare looks for a bare word in the SNI and in the endpoints' "ip:port"
// text (which includes the port). The address text is only formatted when
// some needle could occur in it at all.
func (t *filterTerm) matchBare(fl *Flow) bool {
	sni := filterSNI(fl)
	addr := false
	for i := range t.vals {
		v := &t.vals[i]
		if sni != "" && containsFold(sni, v.needle) {
			return true
		}
		addr = addr || v.addrOK
	}
	if !addr {
		return false
	}
	var buf [64]byte
	for _, ap := range [2]netip.AddrPort{fl.Client, fl.Server} {
		if !ap.IsValid() {
			continue
		}
		text := ap.AppendTo(buf[:0])
		for i := range t.vals {
			if v := &t.vals[i]; v.addrOK && containsFoldBytes(text, v.needle) {
				return true
			}
		}
	}
	return false
}

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

// FilterFlows returns the indices of flows that match f (and, when
// failuresOnly, whose Outcome.Failed()). Large lists are split across CPUs;
// the result is in flow order.
func FilterFlows(flows []Flow, f Filter, failuresOnly bool) []int32 {
	const chunk = 1 << 15
	workers := runtime.GOMAXPROCS(0)
	if workers > 8 {
		workers = 8
	}
	if len(flows) < 2*chunk || workers < 2 {
		return filterRange(nil, flows, 0, len(flows), f, failuresOnly)
	}
	parts := make([][]int32, workers)
	per := (len(flows) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range parts {
		lo, hi := w*per, min((w+1)*per, len(flows))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = filterRange(nil, flows, lo, hi, f, failuresOnly)
		}()
	}
	wg.Wait()
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]int32, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func filterRange(out []int32, flows []Flow, lo, hi int, f Filter, failuresOnly bool) []int32 {
	if out == nil {
		out = make([]int32, 0, min(hi-lo, 1024))
	}
	for i := lo; i < hi; i++ {
		fl := &flows[i]
		if failuresOnly && !fl.Outcome.Failed() {
			continue
		}
		if f.Match(fl) {
			out = append(out, int32(i))
		}
	}
	return out
}

// ASCII case folding. Needles are lower-cased once at parse time; haystacks
// are folded byte by byte so matching never allocates.

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

// containsFold reports whether s contains needle (already lower case), ignoring ASCII case.
func containsFold(s, needle string) bool { return indexFold(s, needle, 0) >= 0 }

// indexFold finds needle (lower case) in s at or after from, ignoring ASCII case.
func indexFold(s, needle string, from int) int {
	n := len(needle)
	if n == 0 {
		return from
	}
	c0 := needle[0]
	for i := from; i+n <= len(s); i++ {
		if lowerASCII(s[i]) != c0 {
			continue
		}
		j := 1
		for j < n && lowerASCII(s[i+j]) == needle[j] {
			j++
		}
		if j == n {
			return i
		}
	}
	return -1
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

// globFold matches s against a '*' pattern split into its literal parts,
// anchored at both ends, ignoring ASCII case.
func globFold(s string, parts []string) bool {
	first, last := parts[0], parts[len(parts)-1]
	if !hasPrefixFold(s, first) {
		return false
	}
	pos := len(first)
	for _, mid := range parts[1 : len(parts)-1] {
		k := indexFold(s, mid, pos)
		if k < 0 {
			return false
		}
		pos = k + len(mid)
	}
	return len(s)-pos >= len(last) && equalFold(s[len(s)-len(last):], last)
}
