// Package statusbar is the bottom line: a flash message when there is one
// (errors and results, cleared by the next key or after 6 s), else the
// short help for the mode with focus, and the position on the right.
package statusbar

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// Level is how loud a flash is.
type Level int

const (
	Info Level = iota
	Error
)

// FlashTimeout is how long a flash stays without a key press.
const FlashTimeout = 6 * time.Second

// ExpiredMsg clears flash Seq if it is still on show.
type ExpiredMsg struct{ Seq int }

// Model is the bar.
type Model struct {
	st    styles.Styles
	flash string
	level Level
	seq   int
	width int
}

// New returns an empty bar.
func New(st styles.Styles) Model {
	return Model{st: st}
}

// SetStyles follows the background.
func (m *Model) SetStyles(st styles.Styles) {
	m.st = st
}

// SetWidth sizes the bar.
func (m *Model) SetWidth(w int) {
	m.width = w
}

// Flash shows a message and returns the command that expires it. The
// message is sanitised here, once, because messages embed text we did not
// write (file names, error texts).
func (m *Model) Flash(level Level, msg string) tea.Cmd {
	m.seq++
	m.flash, m.level = model.Printable(msg), level
	seq := m.seq
	return tea.Tick(FlashTimeout, func(time.Time) tea.Msg { return ExpiredMsg{Seq: seq} })
}

// Clear drops the flash (the next key does this).
func (m *Model) Clear() { m.flash = "" }

// Flashing is the message on show, "" when none.
func (m Model) Flashing() string { return m.flash }

// Update handles expiry.
func (m Model) Update(msg tea.Msg) Model {
	if e, ok := msg.(ExpiredMsg); ok && e.Seq == m.seq {
		m.flash = ""
	}
	return m
}

// maxFlashLines bounds how much of the screen a flash may cover.
const maxFlashLines = 3

// View is one line of exactly the width: flash or help on the left, right
// on the right. A flash too long for one line (a file path, say) wraps onto
// up to two more lines above, covering the bottom of the body, so no part
// of what it says is cut; the right side then shows only if it fits.
func (m Model) View(keys help.KeyMap, right string) string {
	rw := ansi.StringWidth(right)
	if m.flash != "" {
		st := m.st.Good
		if m.level == Error {
			st = m.st.Error
		}
		var ls []string
		if m.width > 0 && ansi.StringWidth(m.flash) > m.width-rw-1 {
			rest := m.flash
			for rest != "" && len(ls) < maxFlashLines-1 {
				var first string
				first, rest = splitWords(rest, m.width)
				ls = append(ls, first)
			}
			if rest != "" {
				ls = append(ls, ansi.Truncate(rest, m.width, "~"))
			}
		} else {
			ls = []string{m.flash}
		}
		for i, l := range ls {
			pad := m.width - ansi.StringWidth(l)
			ls[i] = st.Render(l)
			switch {
			case i == len(ls)-1 && pad > rw:
				ls[i] += strings.Repeat(" ", pad-rw) + m.st.Muted.Render(right)
			case pad > 0:
				ls[i] += strings.Repeat(" ", pad)
			}
		}
		return strings.Join(ls, "\n")
	}
	left := m.shortHelp(keys.ShortHelp(), max(0, m.width-rw-1))
	gap := m.width - ansi.StringWidth(left) - rw
	if gap < 1 {
		return ansi.Truncate(left, m.width, "")
	}
	return left + strings.Repeat(" ", gap) + m.st.Muted.Render(right)
}

// shortHelp is "key desc" pairs that fit in w cells, whole items only
// (bubbles help overflows its width when the ellipsis does not fit). The
// first and the last enabled bindings (help, and how to quit or leave) are
// kept at every width; the ones between fill what room is left.
func (m Model) shortHelp(bs []key.Binding, w int) string {
	var on []key.Binding
	for _, k := range bs {
		if k.Enabled() {
			on = append(on, k)
		}
	}
	if len(on) == 0 {
		return ""
	}
	width := func(k key.Binding) int { h := k.Help(); return ansi.StringWidth(h.Key) + 1 + ansi.StringWidth(h.Desc) }
	last := on[len(on)-1]
	reserve := 0
	if len(on) > 1 {
		reserve = 2 + width(last)
	}
	var b strings.Builder
	used := 0
	add := func(k key.Binding) {
		h := k.Help()
		if used > 0 {
			b.WriteString("  ")
			used += 2
		}
		b.WriteString(m.st.Key.Render(h.Key) + " " + m.st.Muted.Render(h.Desc))
		used += width(k)
	}
	for i, k := range on[:len(on)-1] {
		sep := 0
		if used > 0 {
			sep = 2
		}
		if i > 0 && used+sep+width(k)+reserve > w {
			break
		}
		add(k)
	}
	add(last) // the only one, or the one kept at every width
	return b.String()
}

// splitWords cuts s at the last space that keeps the first part within w
// cells (or hard at w when there is none).
func splitWords(s string, w int) (string, string) {
	cut := ansi.Truncate(s, w, "")
	if len(cut) < len(s) && s[len(cut)] != ' ' {
		if i := strings.LastIndexByte(cut, ' '); i > 0 {
			cut = cut[:i]
		}
	}
	if cut == "" { // nothing fits (w < 1): give up the rest rather than loop
		return s, ""
	}
	return cut, strings.TrimLeft(s[len(cut):], " ")
}
