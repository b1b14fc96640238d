// Package hostile makes strings that try to act on a terminal or hide text,
// one per class of code point, and checks that an output holds none of them
// raw. Tests of every output (the explorer's list, pane, window title and
// messages; the text table; JSON; standard error; export messages) share
// it, so a new class is added once and tried everywhere.
package hostile

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Class is one kind of dangerous character, inside an otherwise ordinary
// host name.
type Class struct {
	Name string
	Text string
}

// Classes holds one string per class named in issue 12. Each is a full
// string as it would arrive (an SNI, a file name), with plain text around
// the dangerous part so hiding can be seen.
var Classes = []Class{
	{"C0", "c0\x00\x01\x08\x0d\x0a\x09x.example"},
	{"OSC 52 clipboard", "clip\x1b]52;c;aGk=\x07.example"},
	{"DSR (the terminal types into stdin)", "dsr\x1b[6n.example"},
	{"OSC 0 title", "title\x1b]0;pwned\x07.example"},
	{"C1 as UTF-8 and as a byte", "c1\u009b31m\x9b2J.example"},
	{"DEL", "del\x7f.example"},
	{"bidi controls", "bidi\u202egnp\u2066\u061c\u200f.example"},
	{"zero-width", "zw\u200b\u200c\u200d\u2060\ufeff.example"},
	{"soft hyphen", "pay" + strings.Repeat("\u00ad", 40) + "pal.example"},
	{"tag characters", "paypal.com\U000e0041\U000e0042\U000e007f"},
	{"variation selectors", "vs\u2764\ufe0f\ufe0e\U000e0100.example"},
	{"Hangul fillers", "hf\u115f\u1160\u3164\uffa0.example"},
	{"combining grapheme joiner and Mongolian selector", "cgj\u034f\u180b.example"},
	{"combining mark at the start", "\u0301\u20e0start.example"},
	{"spacing mark and conjunct", "\u0915\u094d\u0937\u093f.example"},
	{"regional indicators and emoji modifier", "flag\U0001f1fa\U0001f1f8\U0001f44d\U0001f3fd.example"},
	{"private use, noncharacter, unassigned", "pua\ue000\U000f0000\ufffe\u0378.example"},
	{"line and paragraph separators", "ls\u2028\u2029.example"},
	{"ambiguous width (kept, one cell everywhere)", "amb\u00e9\u00fc\u0416\u03b1\u2460.example"},
	{"invalid UTF-8", "bad\xff\xc0\xe2\x82.example"},
}

// All is every class in one string.
func All() string {
	var b strings.Builder
	for _, c := range Classes {
		b.WriteString(c.Text)
	}
	return b.String()
}

// FileName is a hostile name the file system accepts (no '/' or NUL).
func FileName(s string) string {
	return strings.NewReplacer("/", "_", "\x00", "_").Replace(s)
}

// Check reports the first thing in out that a terminal would act on or that
// hides text: a control character (C0 other than the line breaks and tabs a
// multi-line output may hold, DEL, C1), invalid UTF-8, a character that is
// not graphic (format, private use, unassigned, separators), a default
// ignorable one (variation selectors, Hangul fillers, CGJ), or a line whose
// width by grapheme cluster and by code point differ (a disputed-width
// character left raw). ESC is refused too: a styled view must be checked
// with its SGR sequences removed (ansi.Strip) after checking it holds no
// other escape (see CheckStyled).
func Check(out string, multiline bool) error {
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return fmt.Errorf("invalid UTF-8 byte 0x%02x at %d in %q", out[i], i, out)
		case r < 0x20 && !(multiline && (r == '\n' || r == '\t')), r == 0x7f, r >= 0x80 && r < 0xa0:
			return fmt.Errorf("raw control character %U at %d in %q", r, i, out)
		case r >= 0xa0 && !unicode.IsGraphic(r):
			return fmt.Errorf("raw invisible character %U at %d in %q", r, i, out)
		case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r), unicode.Is(unicode.Variation_Selector, r):
			return fmt.Errorf("raw default-ignorable character %U at %d in %q", r, i, out)
		}
		i += size
	}
	for _, line := range strings.Split(out, "\n") {
		if g, wc := ansi.StringWidth(line), ansi.StringWidthWc(line); g != wc {
			return fmt.Errorf("disputed width: %d cells by grapheme, %d by code point: %q", g, wc, line)
		}
	}
	return nil
}

// CheckStyled checks a styled screen: escapes other than SGR (colours,
// bold) are refused, then the text without them is checked.
func CheckStyled(view string) error {
	rest := view
	for {
		i := strings.IndexByte(rest, 0x1b)
		if i < 0 {
			break
		}
		rest = rest[i:]
		j := 2
		if len(rest) < 2 || rest[1] != '[' {
			return fmt.Errorf("escape other than SGR at %q", clip(rest))
		}
		for j < len(rest) && (rest[j] >= '0' && rest[j] <= '9' || rest[j] == ';' || rest[j] == ':') {
			j++
		}
		if j >= len(rest) || rest[j] != 'm' {
			return fmt.Errorf("escape other than SGR at %q", clip(rest))
		}
		rest = rest[j+1:]
	}
	return Check(ansi.Strip(view), true)
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}
