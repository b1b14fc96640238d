// Package filterbar is the one-line filter input. It reports every change
// of text so the parent can filter live; it never filters itself.
package filterbar

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/pcapsurgery/pcapsurgery/ui/lineedit"

	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// ChangedMsg says the text changed; the parent parses and filters.
type ChangedMsg struct{ Expr string }

// Model is the input plus the last parse error, shown in place.
type Model struct {
	st    styles.Styles
	ti    lineedit.Model
	err   string
	errAt int // column of the error in the text, -1 when unknown
	width int
}

// New returns a blurred, empty bar.
func New(st styles.Styles) Model {
	ti := lineedit.New("/")
	ti.Placeholder = "sni~example.com badge=ALERT (see help)"
	ti.SetMuted(st.Muted)
	return Model{st: st, ti: ti, errAt: -1}
}

// Focus starts editing.
func (m *Model) Focus() { m.ti.Focus() }

// Blur stops editing; the text stays.
func (m *Model) Blur() { m.ti.Blur() }

// Focused reports whether keys go to the input.
func (m Model) Focused() bool { return m.ti.Focused() }

// Value is the current text.
func (m Model) Value() string { return m.ti.Value() }

// Reset clears the text and the error.
func (m *Model) Reset() {
	m.ti.Reset()
	m.err, m.errAt = "", -1
}

// SetError shows a parse error (at column pos, or -1) without touching the text.
func (m *Model) SetError(msg string, pos int) { m.err, m.errAt = msg, pos }

// Err is the error on show.
func (m Model) Err() string { return m.err }

// SetWidth sizes the input.
func (m *Model) SetWidth(w int) {
	m.width = w
	m.ti.SetWidth(max(10, w/2))
}

// SetStyles follows the background.
func (m *Model) SetStyles(st styles.Styles) {
	m.st = st
	m.ti.SetMuted(st.Muted)
}

// Update edits the text and reports a change.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	before := m.ti.Value()
	var cmd tea.Cmd
	m.ti, cmd = m.ti.Update(msg)
	if v := m.ti.Value(); v != before {
		return m, tea.Batch(cmd, func() tea.Msg { return ChangedMsg{Expr: v} })
	}
	return m, cmd
}

// View is one line: the input while editing, else the active filter; then
// the error, if any, after the text.
func (m Model) View() string {
	var s string
	if m.ti.Focused() {
		s = m.ti.View()
	} else {
		s = "filter: " + m.ti.Value()
	}
	if m.err != "" {
		e := "error: " + m.err
		if m.errAt >= 0 {
			e = "error at " + itoa(m.errAt+1) + ": " + m.err
		}
		s += "  " + m.st.Error.Render(e)
	}
	if w := ansi.StringWidth(s); m.width > 0 && w > m.width {
		s = ansi.Truncate(s, m.width, "~")
	} else if m.width > 0 {
		s += strings.Repeat(" ", m.width-w)
	}
	return s
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
