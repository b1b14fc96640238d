// Package cells fits text to terminal cells, not runes or bytes: a wide
// character takes two, a combining mark none.
package cells

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Pad cuts s to w cells or fills it with spaces to w; nothing for w <= 0.
// A wide character that does not fit whole is cut and its cell filled, so
// the result is always exactly w cells.
func Pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "")
		sw = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", w-sw)
}
