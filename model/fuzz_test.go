package model

// FuzzParseFilter lives in filter_fuzz_test.go.

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzPrintable: the sanitiser's output never holds a character a terminal
// acts on, plain text stays unchanged, and clipping keeps it safe.
func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"www.example.test", "\x1b]52;c;aGk=\x07", "\xc2\x9b31m", "evil\u202etxt.exe", "a\x7fb",
		"\\x1b", "\xff\xfe", "zero\u200bwidth", "\u2028",
		"pay\u00adpal", "paypal.com\U000e0041\U000e007f", "\u0301x", "x\ufe0f", "\u3164", "क्ष", "\U0001f1fa\U0001f1f8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Printable(s)
		if err := safeText(p); err != nil {
			t.Fatalf("Printable(%q) = %q: %v", s, p, err)
		}
		if isPlain(s) && p != s {
			t.Fatalf("plain %q changed to %q", s, p)
		}
		if c := Clip(p, 40); safeText(c) != nil || utf8.RuneCountInString(c) > 40 {
			t.Fatalf("Clip(%q) = %q", p, c)
		}
	})
}

// FuzzText: a packet string in JSON is valid JSON, holds no raw control or
// format character, and reads back exactly when it was valid UTF-8.
func FuzzText(f *testing.F) {
	for _, s := range []string{"www.example.test", "\x1b]52;c;aGk=\x07", "\xc2\x9b31m", "evil\u202etxt", "\"\\", "\xff",
		"paypal.com\U000e0041", "\u0301\u00ad\ufe0f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := json.Marshal(Text(s))
		if err != nil || !json.Valid(b) {
			t.Fatalf("Text(%q) → %q, %v", s, b, err)
		}
		if err := safeText(string(b)); err != nil {
			t.Fatalf("Text(%q) → %s: %v", s, b, err)
		}
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("Text(%q) reads back as %q", s, back)
		}
	})
}

// safeText reports a character a terminal would act on (see Printable).
func safeText(s string) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd"):
			return errors.New("invalid UTF-8")
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			return errors.New("control character")
		case hiddenOrDisputed(r, i > 0):
			return errors.New("invisible or disputed-width character")
		}
	}
	return nil
}
