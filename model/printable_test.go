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
