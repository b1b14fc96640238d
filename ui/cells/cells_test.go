package cells

import "testing"

func TestPad(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abcd"},
		{"日本", 3, "日 "}, // a wide character that does not fit is cut whole
		{"日本", 4, "日本"},
		{"x", 0, ""},
		{"x", -3, ""},
	} {
		if got := Pad(c.s, c.w); got != c.want {
			t.Errorf("Pad(%q, %d) = %q, want %q", c.s, c.w, got, c.want)
		}
	}
}
