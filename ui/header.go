package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/flowlist"
)

// outcomeCounts counts flows by outcome, indexed like model.Outcomes (room
// for more outcomes than there are; a test keeps it so).
type outcomeCounts [32]int

// outcomeIdx is each outcome's place in model.Outcomes.
var outcomeIdx = func() map[model.Outcome]uint8 {
	m := make(map[model.Outcome]uint8, len(model.Outcomes))
	for i, o := range model.Outcomes {
		m[o] = uint8(i)
	}
	return m
}()

// outcomeIndex is o's place in model.Outcomes.
func outcomeIndex(o model.Outcome) uint8 { return outcomeIdx[o] }

// countVisible counts the outcomes of the flows at idx, from outs (each
// flow's outcomeIndex, one byte a flow): reading a million scattered 1 KB
// flows again would cost more than the filter itself.
func countVisible(outs []uint8, idx []int32) outcomeCounts {
	var c outcomeCounts
	for _, i := range idx {
		c[outs[i]]++
	}
	return c
}

// filtered reports whether the list shows a subset: the header then counts
// that subset, and says of how many.
func (m Model) filtered() bool { return !m.filter.Empty() || m.failuresOnly }

// header: file and totals on the left, the filter in force on the right.
// The right side is at most half the line (a long filter is cut in the
// middle), so the totals always have room.
func (m Model) header() string {
	w := m.lay.width
	name := flowlist.CutMiddle(m.fileName(), max(8, w/4))
	used := ansi.StringWidth(name) + 2
	// The filter gets what the file name and the shortest form of the
	// totals leave (the filter line below shows it whole while it is edited).
	right := m.orderText(min(w/2, w-used-ansi.StringWidth(m.totals(0))-2))
	rw := ansi.StringWidth(right)
	avail := w - used
	if rw > 0 {
		avail -= rw + 2
	}
	// The sparkline only where the counts keep their form beside it: they
	// come first.
	spark := m.headerSpark()
	if sw := ansi.StringWidth(spark); sw > 0 && avail-sw-2 > 0 && m.totals(avail-sw-2) == m.totals(avail) {
		avail -= sw + 2
	} else {
		spark = ""
	}
	left := m.st.HeaderFile.Render(name) + "  " + m.totals(max(0, avail))
	if spark != "" {
		left += "  " + m.st.Muted.Render(spark)
	}
	gap := w - ansi.StringWidth(left) - rw
	if gap < 1 {
		return ansi.Truncate(left, w, "~")
	}
	return left + strings.Repeat(" ", gap) + m.st.Header.Render(right)
}

// totals fits the counts into avail cells, widest form first:
//
//	40 flows: 29 ok · 1 resumed · 4 alert · 3 rst · 2 no-sh · 1 not-tls
//	40 flows, 9 failed: 4 alert · 3 rst · +2 more
//	2 of 40 flows match, 1 failed: 1 alert
//
// With a filter on, every number is about the flows that match. Failures
// left out for lack of room are counted in "+N more", so the parts always
// add up to what the line claims.
func (m Model) totals(avail int) string {
	var c outcomeCounts
	n := m.flowCount()
	lead := plural(n, "flow")
	if d := m.retained.Dropped(); d > 0 {
		lead += " kept (" + count(int64(d)) + " dropped)"
	}
	if m.filtered() {
		c = m.visCounts
		n = len(m.list.Visible())
		lead = strconv.Itoa(n) + " of " + plural(m.flowCount(), "flow") + " match"
	} else {
		for i, o := range model.Outcomes {
			c[i] = m.counts[o]
		}
	}
	var all []string
	failed, kinds := 0, 0
	for i, o := range model.Outcomes {
		if c[i] == 0 {
			continue
		}
		all = append(all, m.st.Badge(o, strconv.Itoa(c[i])+" "+shortOutcome[o]))
		if o.Failed() {
			failed += c[i]
			kinds++
		}
	}
	if len(all) > 0 {
		if s := lead + ": " + strings.Join(all, " · "); ansi.StringWidth(s) <= avail {
			return s
		}
	}
	lead += ", " + strconv.Itoa(failed) + " failed"
	if avail <= 0 { // the shortest form, for the caller to measure
		return lead
	}
	if failed == 0 {
		return ansi.Truncate(lead, avail, "~")
	}
	// As many failure kinds as fit, in the list's order, then the rest as
	// "+N more".
	s, left := lead, failed
	sep := ": "
	shown := 0
	for i, o := range model.Outcomes {
		if c[i] == 0 || !o.Failed() {
			continue
		}
		part := m.st.Badge(o, strconv.Itoa(c[i])+" "+shortOutcome[o])
		rest := left - c[i]
		need := ansi.StringWidth(s) + len(sep) + ansi.StringWidth(part)
		if rest > 0 {
			need += len(" · +") + len(strconv.Itoa(rest)) + len(" more")
		}
		if need > avail {
			break
		}
		s += sep + part
		sep = " · "
		left = rest
		shown++
	}
	if left > 0 && shown > 0 {
		s += " · +" + strconv.Itoa(left) + " more"
	}
	return ansi.Truncate(s, avail, "~")
}

// orderText is the filter in force and failures-only, in at most w cells:
// a long filter is cut in the middle (its start and its end both matter).
func (m Model) orderText(w int) string {
	if w < 8 {
		return ""
	}
	var parts []string
	if m.failuresOnly {
		parts = append(parts, "failures only")
	}
	if !m.filter.Empty() {
		room := w
		if m.failuresOnly {
			room -= len(" | failures only")
		}
		f := flowlist.CutMiddle("/"+model.Printable(m.filter.String()), max(room, 6))
		parts = append([]string{f}, parts...)
	}
	return strings.Join(parts, " | ")
}

// sortText is the order, for the footer.
func (m Model) sortText() string {
	dir := "asc"
	if m.reverse {
		dir = "desc"
	}
	return "sort " + m.sortKey.String() + " " + dir
}

// plural writes "1 flow", "2 flows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return count(int64(n)) + " " + noun + "s"
}
