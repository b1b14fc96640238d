package model

import "testing"

func TestPrintableEscapesEverythingDangerous(t *testing.T) {
	cases := map[string]string{
		"www.example.com":                "www.example.com",
		"evil\x1b]52;c;aGk=\x07.example": `evil\x1b]52;c;aGk=\x07.example`,
		"a\x00b\x7fc":                    `a\x00b\x7fc`,
		"c1\u009bX":                      `c1\x9bX`,
		"bad\xffutf8":                    `bad\xffutf8`,
		"rtl\u202egnp.exe":               `rtl\u{202e}gnp.exe`,
		"zero\u200bwidth":                `zero\u{200b}width`,
		`back\slash`:                     `back\\slash`,
		"münchen.example":                "münchen.example",
		"line\r\nbreak":                  `line\x0d\x0abreak`,
		// Invisible or of disputed width (issue 12): each escaped, the
		// letters around it kept.
		"pay\u00adpal.com":                         `pay\u{00ad}pal.com`,                       // soft hyphen: 0 cells for us, 1 for glibc
		"paypal.com\U000e0041\U000e007f":           `paypal.com\u{e0041}\u{e007f}`,             // tag characters
		"x\ufe0fy\U000e0100":                       `x\u{fe0f}y\u{e0100}`,                      // variation selectors
		"\u115f\u1160\u3164\uffa0":                 `\u{115f}\u{1160}\u{3164}\u{ffa0}`,         // Hangul fillers
		"a\u034fb":                                 `a\u{034f}b`,                               // combining grapheme joiner
		"\u0301acute":                              `\u{0301}acute`,                            // a combining mark with nothing to sit on
		"e\u0301":                                  "e\u0301",                                  // ... and one on a letter
		"\U0001f1fa\U0001f1f8":                     `\u{1f1fa}\u{1f1f8}`,                       // regional indicators
		"\U0001f44d\U0001f3fd":                     "\U0001f44d\\u{1f3fd}",                     // emoji modifier
		"\u0915\u094d\u0937":                       "\u0915\\u{094d}\u0937",                    // conjunct linker
		"\ue000\U000f0000\ufffe\u0378":             `\u{e000}\u{f0000}\u{fffe}\u{0378}`,        // private use, noncharacter, unassigned
		"\u00e9\u00fc\u0416\u03b1\u4e2d\U0001f600": "\u00e9\u00fc\u0416\u03b1\u4e2d\U0001f600", // ambiguous and wide letters stay
	}
	for in, want := range cases {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPrintableOutputHasNoControlBytes(t *testing.T) {
	var all []byte
	for i := 0; i < 256; i++ {
		all = append(all, byte(i))
	}
	out := Printable(string(all) + "\u202e\u2066")
	for i := 0; i < len(out); i++ {
		if c := out[i]; c < 0x20 || c == 0x7f {
			t.Fatalf("control byte %#x survived at %d", c, i)
		}
	}
}
