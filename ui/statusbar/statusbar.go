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

// View is one line of exactly the width: flash or help on the left, right on the right.
func (m Model) View(keys help.KeyMap, right string) string {
	rw := ansi.StringWidth(right)
	left := ""
	if m.flash != "" {
		st := m.st.Good
		if m.level == Error {
			st = m.st.Error
		}
		left = st.Render(ansi.Truncate(m.flash, max(0, m.width-rw-1), "~"))
	} else {
		left = m.shortHelp(keys.ShortHelp(), max(0, m.width-rw-1))
	}
	gap := m.width - ansi.StringWidth(left) - rw
	if gap < 1 {
		return ansi.Truncate(left, m.width, "")
	}
	return left + strings.Repeat(" ", gap) + m.st.Muted.Render(right)
}

// shortHelp is "key desc" pairs that fit in w cells, whole items only
// (bubbles help overflows its width when the ellipsis does not fit).
func (m Model) shortHelp(bs []key.Binding, w int) string {
	var b strings.Builder
	used := 0
	for _, k := range bs {
		if !k.Enabled() {
			continue
		}
		h := k.Help()
		item := h.Key + " " + h.Desc
		sep := 0
		if used > 0 {
			sep = 2
		}
		if used+sep+ansi.StringWidth(item) > w {
			break
		}
		if sep > 0 {
			b.WriteString("  ")
		}
		b.WriteString(m.st.Key.Render(h.Key) + " " + m.st.Muted.Render(h.Desc))
		used += sep + ansi.StringWidth(item)
	}
	return b.String()
}
