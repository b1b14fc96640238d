package model

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text is a string from a packet, written to JSON with every control
// character escaped (C0, DEL, C1, bidi and zero-width format characters as
// \uXXXX, invalid UTF-8 as \ufffd), so no raw control byte reaches a terminal
// that prints the JSON, while the value stays exact for programs.
type Text string

// MarshalJSON implements json.Marshaler.
func (t Text) MarshalJSON() ([]byte, error) {
	s := string(t)
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\ufffd`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || unsafeFormatRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return []byte(b.String()), nil
}
