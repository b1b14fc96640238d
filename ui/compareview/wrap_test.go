package compareview

import (
	"slices"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWrapKeepsNamesWholeAndCutsOnlyTooLongWords(t *testing.T) {
	for _, tc := range []struct {
		s    string
		w    int
		want []string
	}{
		{"ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256, RSA-AES128-CBC-SHA", 40,
			[]string{"ECDHE-ECDSA-AES128-GCM-SHA256,", "ECDHE-RSA-AES128-GCM-SHA256,", "RSA-AES128-CBC-SHA"}},
		{"", 10, []string{""}},
		{"abcdefghij klm", 4, []string{"abcd", "efgh", "ij", "klm"}},
		{"日本語のテキスト", 5, []string{"日本", "語の", "テキ", "スト"}},
		{"日本", 1, []string{"日", "本"}}, // wider than the line: one character each, no endless loop
	} {
		got := wrap(tc.s, tc.w)
		if !slices.Equal(got, tc.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", tc.s, tc.w, got, tc.want)
		}
		for _, l := range got {
			if ansi.StringWidth(l) > max(tc.w, 2) {
				t.Errorf("wrap(%q, %d): %q is wider", tc.s, tc.w, l)
			}
		}
	}
}
