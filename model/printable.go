// Package model turns decoded facts into what people read: outcomes, badges,
// diagnoses, the filter language, sort orders, exports and reports. It knows
// nothing of the terminal.
package model

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:generate go run ./internal/widthgen -o disputed_gen.go

// Printable makes a string we did not write (from a packet, a certificate, a
// file name, an error that embeds one) safe for a terminal or a log line:
// C0 and C1 control characters, DEL and invalid UTF-8 are written as \xNN;
// every character that is invisible or whose width terminals dispute is
// written as \u{NNNN} (see hiddenOrDisputed); a backslash is doubled. What is
// left is as wide on screen as our width counting says, so a column cannot
// overwrite its neighbour and nothing can hide text.
func Printable(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	base := false // a visible character precedes, for a combining mark to sit on
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[s[i]>>4])
			b.WriteByte(hexDigits[s[i]&0xf])
			base = false
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[r>>4])
			b.WriteByte(hexDigits[r&0xf])
			base = false
		case r == '\\':
			b.WriteString(`\\`)
			base = true
		case hiddenOrDisputed(r, base):
			b.WriteString(`\u{`)
			hex := strconv.FormatInt(int64(r), 16)
			b.WriteString("000"[min(len(hex), 4)-1:]) // at least 4 digits, as %04x
			b.WriteString(hex)
			b.WriteByte('}')
			base = false
		default:
			b.WriteString(s[i : i+size])
			base = true
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

// hiddenOrDisputed reports a character at or above U+00A0 that must not
// reach a terminal as itself (README, "JSON schema" says the same):
//   - anything not graphic: format characters (bidi controls, zero-width
//     characters, the soft hyphen, tag characters, the BOM), line and
//     paragraph separators, private use, noncharacters and unassigned code
//     points;
//   - the rest of Default_Ignorable_Code_Point: variation selectors, the
//     combining grapheme joiner, Hangul fillers, Mongolian and Khmer
//     invisibles;
//   - a combining mark with no visible character before it in the same
//     string (it would sit on our column separator or escape);
//   - disputedWidth: where glibc's wcwidth (tmux) and our width counting
//     disagree (spacing marks, conjunct linkers, conjoining jamo, regional
//     indicators, emoji modifiers, characters newer than glibc's tables).
//
// East Asian Ambiguous characters are not escaped: glibc, tmux and our
// counting all make them one cell (only a terminal set to CJK widths, or
// RUNEWIDTH_EASTASIAN=1, disagrees), and they include ordinary letters such
// as ü, é and Cyrillic.
func hiddenOrDisputed(r rune, afterBase bool) bool {
	switch {
	case r < 0xa0:
		return false
	case !unicode.IsGraphic(r):
		return true
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r), unicode.Is(unicode.Variation_Selector, r):
		return true
	case !afterBase && unicode.In(r, unicode.Mn, unicode.Me):
		return true
	}
	return unicode.Is(disputedWidth, r)
}

// PrintableList sanitises and joins.
func PrintableList(ss []string, sep string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Printable(s)
	}
	return strings.Join(out, sep)
}
