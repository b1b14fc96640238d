// Package compareview shows two flows compared: the reading of the
// difference that matters, then every field of both, differences marked
// with model.DiffMark so they read without colour. From SideBySide columns
// the flows sit in two columns; narrower, each field is stacked, one flow
// per line. It scrolls.
package compareview

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pcapsurgery/pcapsurgery/ui/cells"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// SideBySide is the width from which the two flows sit in columns.
const SideBySide = 120

// fieldWidth is the field name column of the side-by-side layout.
const fieldWidth = 22

// Model is the comparison view: a plain component the root routes keys to.
type Model struct {
	keys          keymap.Compare
	st            styles.Styles
	c             *model.Comparison
	width, height int
	top           int
	lines         []string // laid out for width
}

// New returns an empty view.
func New(keys keymap.Compare, st styles.Styles) Model { return Model{keys: keys, st: st} }

// SetComparison shows c from its top.
func (m *Model) SetComparison(c model.Comparison) {
	m.c, m.top = &c, 0
	m.layout()
}

// Comparison is the comparison on show (nil before the first).
func (m Model) Comparison() *model.Comparison { return m.c }

// SetSize lays the view out for w x h.
func (m *Model) SetSize(w, h int) {
	if w == m.width && h == m.height {
		return
	}
	m.width, m.height = w, h
	m.layout()
}

// SetStyles restyles the view.
func (m *Model) SetStyles(st styles.Styles) {
	m.st = st
	m.layout()
}

// Update scrolls.
func (m Model) Update(k tea.KeyPressMsg) Model {
	page := max(1, m.height-1)
	switch {
	case key.Matches(k, m.keys.Down):
		m.top++
	case key.Matches(k, m.keys.Up):
		m.top--
	case key.Matches(k, m.keys.PageDown):
		m.top += page
	case key.Matches(k, m.keys.PageUp):
		m.top -= page
	case key.Matches(k, m.keys.Top):
		m.top = 0
	case key.Matches(k, m.keys.Bottom):
		m.top = len(m.lines)
	}
	m.clamp()
	return m
}

func (m *Model) clamp() {
	m.top = max(0, min(m.top, len(m.lines)-m.height))
}

// View is the visible part, at most height lines of at most width cells.
func (m Model) View() string {
	if m.height <= 0 {
		return ""
	}
	end := min(len(m.lines), m.top+m.height)
	return strings.Join(m.lines[min(m.top, end):end], "\n")
}

// Position is where the view is: "lines 1-22 of 80".
func (m Model) Position() string {
	if len(m.lines) == 0 {
		return ""
	}
	last := min(len(m.lines), m.top+m.height)
	return "lines " + strconv.Itoa(m.top+1) + "-" + strconv.Itoa(last) + " of " + strconv.Itoa(len(m.lines))
}

func (m *Model) layout() {
	m.lines = nil
	if m.c == nil || m.width <= 0 {
		return
	}
	c, w := m.c, m.width
	add := func(s string) { m.lines = append(m.lines, s) }
	wrapped := func(s, indent string) {
		for _, l := range wrap(s, w-ansi.StringWidth(indent)) {
			add(indent + l)
		}
	}
	for _, l := range wrap(c.Header(), w) {
		add(m.st.Title.Render(l))
	}
	wrapped(m.flowLine(&c.A), "  ")
	wrapped(m.flowLine(&c.B), "  ")
	add("")
	add(m.st.Section.Render("Reading"))
	for _, r := range c.Reading {
		ls := wrap(r, w-4)
		for i, l := range ls {
			if i == 0 {
				add("  - " + l)
			} else {
				add("    " + l)
			}
		}
	}
	n := c.Differences()
	add("")
	add(m.st.Muted.Render(model.DifferCount(n) + ", marked " + model.DiffMark))
	for _, s := range c.Sections {
		add("")
		if w >= SideBySide {
			m.sideBySide(s)
		} else {
			m.stacked(s)
		}
	}
	m.clamp()
}

func (m Model) flowLine(f *model.Flow) string {
	s := "#" + strconv.Itoa(f.ID) + " " + m.st.Badge(f.Outcome, f.Badge) + "  " + f.Client.String() + " -> " + f.Server.String()
	if sni := f.SNI(); sni != "" {
		s += "  " + sni
	}
	return s
}

// mark is the row's first column: the difference symbol, or a space.
func (m Model) mark(r model.CompareRow) string {
	if r.Differs {
		return m.st.Warn.Render(model.DiffMark)
	}
	return " "
}

func (m Model) value(r model.CompareRow, v string) string {
	if r.Differs {
		return m.st.Warn.Render(v)
	}
	return v
}

// sideBySide writes a section as three columns: field, flow A, flow B.
func (m *Model) sideBySide(s model.CompareSection) {
	col := (m.width - 2 - fieldWidth - 2) / 2
	idA, idB := "#"+strconv.Itoa(m.c.A.ID), "#"+strconv.Itoa(m.c.B.ID)
	m.lines = append(m.lines, m.st.Section.Render(cells.Pad(s.Title, fieldWidth+2)+cells.Pad(idA, col+1)+idB))
	for _, r := range s.Rows {
		as, bs := wrap(r.A, col), wrap(r.B, col)
		for i := 0; i < max(len(as), len(bs)); i++ {
			lead := "  " + strings.Repeat(" ", fieldWidth)
			if i == 0 {
				lead = m.mark(r) + " " + cells.Pad(r.Field, fieldWidth)
			}
			a, b := "", ""
			if i < len(as) {
				a = as[i]
			}
			if i < len(bs) {
				b = bs[i]
			}
			m.lines = append(m.lines, lead+m.value(r, cells.Pad(a, col))+" "+m.value(r, b))
		}
	}
}

// stacked writes a section with each field on its own line and each
// flow's value under it.
func (m *Model) stacked(s model.CompareSection) {
	m.lines = append(m.lines, m.st.Section.Render(s.Title))
	idA, idB := "#"+strconv.Itoa(m.c.A.ID)+":", "#"+strconv.Itoa(m.c.B.ID)+":"
	lw := max(ansi.StringWidth(idA), ansi.StringWidth(idB))
	for _, r := range s.Rows {
		m.lines = append(m.lines, m.mark(r)+" "+r.Field)
		for _, p := range [2][2]string{{idA, r.A}, {idB, r.B}} {
			indent := "    " + cells.Pad(p[0], lw) + " "
			for i, l := range wrap(p[1], m.width-ansi.StringWidth(indent)) {
				lead := indent
				if i > 0 {
					lead = strings.Repeat(" ", len(indent))
				}
				m.lines = append(m.lines, lead+m.value(r, l))
			}
		}
	}
}

// wrap breaks s into lines of at most w cells, at spaces where it can: a
// cipher suite name stays whole (ansi's wrappers also break at hyphens),
// and a word wider than the line is cut.
func wrap(s string, w int) []string {
	w = max(w, 1)
	var lines []string
	line, lw := "", 0
	for _, word := range strings.Fields(s) {
		ww := ansi.StringWidth(word)
		switch {
		case lw > 0 && lw+1+ww <= w:
			line, lw = line+" "+word, lw+1+ww
			continue
		case lw > 0:
			lines = append(lines, line)
		}
		for ww > w {
			piece := ansi.Cut(word, 0, w)
			if piece == "" { // a wide character on a one-cell line: it goes alone
				_, n := utf8.DecodeRuneInString(word)
				piece = word[:n]
			}
			lines = append(lines, piece)
			word = word[len(piece):]
			ww = ansi.StringWidth(word)
		}
		line, lw = word, ww
	}
	if line == "" && len(lines) > 0 { // the last word was cut to its end
		return lines
	}
	return append(lines, line)
}
