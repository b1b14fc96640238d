package flowlist

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// CutMiddle fits s into w cells by cutting out its middle: the end of a
// hostname is what tells payments-eu-west-1 from -2, and an address's port
// is at its end, so both ends stay ("payments-e…-west-1").
func CutMiddle(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	if w <= 1 {
		return ansi.Truncate(s, max(w, 0), "")
	}
	head := (w - 1) / 2 // the end gets the odd cell
	tail := w - 1 - head
	return ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
}

// CutHost fits a host name into w cells. What tells hosts apart is usually
// the end of the first label (payments-eu-west-1 vs -2), while the domain
// after it is shared by many flows: so the first label stays whole when it
// can and the domain loses its middle, else the first label is cut in its
// middle and the domain goes.
func CutHost(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	dot := strings.IndexByte(s, '.')
	if dot <= 0 {
		return CutMiddle(s, w)
	}
	label, rest := s[:dot], s[dot:]
	lw := ansi.StringWidth(label)
	if lw+1 <= w {
		return label + "…" + ansi.TruncateLeft(rest, ansi.StringWidth(rest)-(w-lw-1), "")
	}
	return CutMiddle(label, w)
}
