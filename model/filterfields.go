package model

import (
	"slices"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// FilterField describes one field of the filter language. filterFields is
// the one list of them: the parser's keys, `pcapsurgery help filter`, the
// explorer's help screen, Tab completion and the README's filter section
// are all made from it, so none of them can name a field the parser lacks.
type FilterField struct {
	Name    string // as typed before ':'
	Syntax  string // how it is written, for help
	Matches string // what it matches, one line
	Example string // an expression that parses and shows the field off

	key     filterKey
	ordered bool // takes <, <=, >, >= right after the name (hs>1s) as well as after ':'
	alias   bool // another name for a field listed before it
}

var filterFields = []FilterField{
	{Name: "sni", key: fkSNI, Syntax: "sni:NAME",
		Matches: "SNI contains `NAME`; `*` globs the whole name; `!sni:*` finds flows without SNI", Example: "sni:*.example.com"},
	{Name: "ip", key: fkIP, Syntax: "ip:ADDR, ip:CIDR",
		Matches: "either endpoint's address (IPv4 or IPv6)", Example: "ip:10.0.0.0/8"},
	{Name: "port", key: fkPort, Syntax: "port:N, port:N-M",
		Matches: "either endpoint's port", Example: "port:8443,9443"},
	{Name: "outcome", key: fkOutcome, Syntax: "outcome:NAME",
		Matches: "an outcome, a badge word (`rst`, `nosh`, `closed`, `alert?`) or `fail` (every failure)", Example: "outcome:fail"},
	{Name: "badge", key: fkOutcome, alias: true, Syntax: "badge:NAME",
		Matches: "the same as `outcome:`", Example: "badge:alert?"},
	{Name: "alert", key: fkAlert, Syntax: "alert:NAME",
		Matches: "the alert that ended it: a part of an alert name, or `encrypted`", Example: "alert:unknown_ca|encrypted"},
	{Name: "version", key: fkVersion, ordered: true, Syntax: "version:V, version>=V",
		Matches: "negotiated version, also with `<`, `<=`, `>`, `>=`", Example: "version<1.2"},
	{Name: "cipher", key: fkCipher, Syntax: "cipher:TEXT",
		Matches: "the chosen suite's IANA or short name contains `TEXT`", Example: "cipher:chacha"},
	{Name: "alpn", key: fkALPN, Syntax: "alpn:PROTO",
		Matches: "an offered or the chosen ALPN protocol contains `PROTO`", Example: "alpn:h2"},
	{Name: "ja4", key: fkJA4, Syntax: "ja4:TEXT",
		Matches: "the JA4 fingerprint contains `TEXT`", Example: "ja4:t13d"},
	{Name: "issuer", key: fkIssuer, Syntax: "issuer:TEXT",
		Matches: "the leaf certificate's issuer (seen in clear) contains `TEXT`", Example: `issuer:"O=Let's Encrypt"`},
	{Name: "ja3", key: fkJA3, Syntax: "ja3:PREFIX",
		Matches: "the JA3 hash starts with `PREFIX`", Example: "ja3:771d5f"},
	{Name: "by", key: fkBy, Syntax: "by:client, by:server",
		Matches: "who sent the alert, reset or close that ended it", Example: "by:server"},
	{Name: "starttls", key: fkStartTLS, Syntax: "starttls:PROTO",
		Matches: "TLS after a plaintext upgrade: a protocol, or `yes` for any", Example: "starttls:smtp"},
	{Name: "hs", key: fkHS, ordered: true, Syntax: "hs>DUR, hs<DUR, hs:DUR-DUR",
		Matches: "handshake time, first packet to last handshake message (`100ms`, `1.5s`)", Example: "hs>1s"},
	{Name: "bytes", key: fkBytes, ordered: true, Syntax: "bytes>SIZE, bytes:N-M",
		Matches: "bytes on the wire, both ways", Example: "bytes>1MB"},
	{Name: "packets", key: fkPackets, ordered: true, Syntax: "packets<N, packets:N-M",
		Matches: "packets, both ways", Example: "packets<10"},
	{Name: "after", key: fkAfter, Syntax: "after:TIME",
		Matches: "started at or after `TIME` (see Times)", Example: "after:12:00"},
	{Name: "before", key: fkBefore, Syntax: "before:TIME",
		Matches: "started before `TIME`", Example: "after:2024-05-01T12:00 before:2024-05-01T12:30"},
}

// filterFieldByName returns the field typed as name (lower case), or nil.
func filterFieldByName(name string) *FilterField {
	for i := range filterFields {
		if filterFields[i].Name == name {
			return &filterFields[i]
		}
	}
	return nil
}

// FilterFields lists the fields in help order.
func FilterFields() []FilterField { return slices.Clone(filterFields) }

// filterFieldNames lists every name the parser accepts, aliases included.
func filterFieldNames() []string {
	names := make([]string, len(filterFields))
	for i, f := range filterFields {
		names[i] = f.Name
	}
	return names
}

// orderedFieldNames lists the fields that take <, <=, >, >=, for the
// message that refuses a comparison elsewhere.
func orderedFieldNames() []string {
	var names []string
	for _, f := range filterFields {
		if f.ordered {
			names = append(names, f.Name)
		}
	}
	return names
}

// FilterValues lists the values a field with a closed set accepts, for
// completion and suggestions; nil for open fields (sni, cipher, ...). The
// lists come from the tables the decoder and classifier use, so an outcome
// or STARTTLS protocol added there is accepted here.
func FilterValues(field string) []string {
	switch f := filterFieldByName(asciiLower(field)); {
	case f == nil:
		return nil
	case f.key == fkOutcome:
		return slices.Clone(outcomeWordSlice)
	case f.key == fkAlert:
		return alertWords()
	case f.key == fkVersion:
		return []string{"1.3", "1.2", "1.1", "1.0", "ssl3", "ssl2"}
	case f.key == fkBy:
		return []string{"client", "server"}
	case f.key == fkStartTLS:
		return startTLSWords()
	}
	return nil
}

// alertWords is every named alert description, then "encrypted".
func alertWords() []string {
	var out []string
	for d := 0; d < 256; d++ {
		if n := registry.Alert(uint8(d)); !strings.HasPrefix(n, "0x") {
			out = append(out, asciiLower(n))
		}
	}
	return append(out, "encrypted")
}

// startTLSWords is "yes" and every protocol the flow engine follows.
func startTLSWords() []string {
	out := []string{"yes"}
	for _, p := range tlswire.StartTLSProtocols {
		out = append(out, asciiLower(p))
	}
	return out
}

// suggest returns the candidates closest to s by edit distance, when one is
// close enough to be the likely typo; with within set, s may also be a typo
// of a part of a candidate (alert:unkown finds unknown_ca).
func suggest(s string, candidates []string, within bool) []string {
	limit := max(1, min(3, len(s)/3))
	best, out := limit+1, []string(nil)
	for _, c := range candidates {
		var d int
		if within {
			d = substringDistance(s, c)
		} else {
			d = editDistance(s, c)
		}
		switch {
		case d < best:
			best, out = d, []string{c}
		case d == best && len(out) < 3:
			out = append(out, c)
		}
	}
	return out
}

// didYouMean words a suggestion: ` did you mean "a" or "b"?`, or "".
func didYouMean(s string, candidates []string, within bool) string {
	sug := suggest(s, candidates, within)
	if len(sug) == 0 {
		return ""
	}
	q := make([]string, len(sug))
	for i, c := range sug {
		q[i] = `"` + c + `"`
	}
	return "did you mean " + strings.Join(q, " or ") + "?"
}

// editDistance is the optimal string alignment distance (Levenshtein plus
// swapping two neighbours), on bytes; inputs are short.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// substringDistance is the fewest edits that turn s into some part of text
// (Sellers' approximate matching: the part may start and end anywhere).
func substringDistance(s, text string) int {
	if len(s) > 64 || len(text) > 64 {
		return len(s)
	}
	prev, cur := make([]int, len(text)+1), make([]int, len(text)+1) // column j: a part ending at j
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(text); j++ {
			cost := 1
			if s[i-1] == text[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	if len(s) == 0 {
		return 0
	}
	return slices.Min(prev)
}
