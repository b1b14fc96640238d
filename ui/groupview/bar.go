package groupview

import (
	"strconv"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// counts is the group's outcomes in words, failures first so a narrow
// screen keeps them: "10 alert 1 rst 12 ok".
func (m Model) counts(g *model.Group) string {
	var parts []string
	for _, o := range barOrder {
		if n := g.Count(o); n > 0 {
			w := string(o)
			if m.word != nil && m.word(o) != "" {
				w = m.word(o)
			}
			parts = append(parts, strconv.Itoa(n)+" "+w)
		}
	}
	return strings.Join(parts, " ")
}

// barOrder is the outcomes failures first, as the words list them.
var barOrder = func() []model.Outcome {
	var out []model.Outcome
	for _, failed := range []bool{true, false} {
		for _, o := range model.Outcomes {
			if o.Failed() == failed {
				out = append(out, o)
			}
		}
	}
	return out
}()

// Segment is one outcome's part of a bar, in cells.
type Segment struct {
	Outcome model.Outcome
	Cells   int
}

// BarSegments divides w cells among the group's outcomes in proportion
// (largest remainders), failures first; every outcome present gets a cell
// while there are cells to give.
func BarSegments(g *model.Group, w int) []Segment {
	if g.Flows == 0 || w <= 0 {
		return nil
	}
	var segs []Segment
	var rems []int
	used := 0
	for _, o := range barOrder {
		n := g.Count(o)
		if n == 0 {
			continue
		}
		c := n * w / g.Flows
		segs = append(segs, Segment{o, c})
		rems = append(rems, n*w%g.Flows)
		used += c
	}
	for used < w { // hand out what rounding left: outcomes with no cell first, then the largest remainders
		best := -1
		for i := range segs {
			if best < 0 || better(segs[i], rems[i], segs[best], rems[best]) {
				best = i
			}
		}
		segs[best].Cells++
		rems[best] = -1
		used++
	}
	for i := range segs { // an outcome present but too small still shows, taken from the largest
		if segs[i].Cells > 0 {
			continue
		}
		big := 0
		for j := range segs {
			if segs[j].Cells > segs[big].Cells {
				big = j
			}
		}
		if segs[big].Cells > 1 {
			segs[big].Cells--
			segs[i].Cells++
		}
	}
	return segs
}

func better(a Segment, ra int, b Segment, rb int) bool {
	if (a.Cells == 0) != (b.Cells == 0) {
		return a.Cells == 0 && ra >= 0
	}
	return ra > rb
}

// glyph tells failures, successes and the rest apart without colour.
func glyph(o model.Outcome) string {
	switch {
	case o.Failed():
		return "█"
	case o == model.OK || o == model.Resumed:
		return "░"
	}
	return "▒"
}

// bar draws the segments, each in its badge's colour when colour is on.
func (m Model) bar(g *model.Group, w int, colour bool) string {
	var b strings.Builder
	n := 0
	for _, s := range BarSegments(g, w) {
		part := strings.Repeat(glyph(s.Outcome), s.Cells)
		if colour {
			part = m.st.Badge(s.Outcome, part)
		}
		b.WriteString(part)
		n += s.Cells
	}
	b.WriteString(strings.Repeat(" ", max(w-n, 0)))
	return b.String()
}
