// Package model turns decoded facts into what people read: outcomes, badges,
// diagnoses, the filter language, sort orders, exports and reports. It knows
// nothing of the terminal.
package model

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable makes a string that came from a packet safe for a terminal or a
// log line: C0 and C1 control characters, DEL, invalid UTF-8 and Unicode
// bidirectional/format controls are written as \xNN or \u{NNNN} escapes.
// Every SNI, ALPN and certificate field goes through it before display.
func Printable(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == '\\':
			b.WriteString(`\\`)
		case unsafeFormatRune(r):
			fmt.Fprintf(&b, `\u{%04x}`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII without backslashes.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// unsafeFormatRune reports invisible characters that reorder or hide text:
// bidi embeddings, overrides and isolates, zero-width characters, the BOM,
// line and paragraph separators.
func unsafeFormatRune(r rune) bool {
	switch {
	case r >= 0x200b && r <= 0x200f, r >= 0x2028 && r <= 0x202e, r >= 0x2060 && r <= 0x206f,
		r == 0xfeff, r == 0x061c, r >= 0xfff9 && r <= 0xfffb:
		return true
	}
	return false
}

// PrintableList sanitises and joins.
func PrintableList(ss []string, sep string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Printable(s)
	}
	return strings.Join(out, sep)
}
