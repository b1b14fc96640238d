// Package filterbar is the one-line filter input. It reports every change
// of text so the parent can filter live; it never filters itself. It keeps
// this session's history of applied filters (up/down) and completes field
// names and closed-set values with Tab, listing the candidates when there
// are several.
package filterbar

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/lineedit"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// PlaceholderExample is the filter the empty bar shows; a test parses it.
const PlaceholderExample = "sni:*.example.com !outcome:ok"

// placeholder is the empty bar's hint.
const placeholder = PlaceholderExample + "  (tab completes, ? help)"

// historyMax bounds the session's history.
const historyMax = 100

// ChangedMsg says the text changed; the parent parses and filters.
type ChangedMsg struct{ Expr string }

// Model is the input plus the last parse error, shown in place.
type Model struct {
	keys     keymap.Filter
	st       styles.Styles
	ti       lineedit.Model
	err      string
	errAt    int  // column of the error in the text, -1 when unknown
	rejected bool // Enter refused the text: the bar is red and says so
	cands    []string
	width    int

	hist   []string // applied filters, oldest first
	histAt int      // index into hist while browsing; len(hist) = the draft
	draft  string   // what was typed before browsing
}

// New returns a blurred, empty bar.
func New(keys keymap.Filter, st styles.Styles) Model {
	ti := lineedit.New("/")
	ti.Placeholder = placeholder
	ti.SetMuted(st.Muted)
	return Model{keys: keys, st: st, ti: ti, errAt: -1}
}

// Focus starts editing.
func (m *Model) Focus() { m.ti.Focus() }

// Blur stops editing; the text stays.
func (m *Model) Blur() {
	m.ti.Blur()
	m.cands = nil
}

// Focused reports whether keys go to the input.
func (m Model) Focused() bool { return m.ti.Focused() }

// Value is the current text.
func (m Model) Value() string { return m.ti.Value() }

// SetValue replaces the text (the cursor goes to its end) without a
// ChangedMsg: the caller filters for it.
func (m *Model) SetValue(s string) { m.ti.SetValue(s) }

// Reset clears the text and the error.
func (m *Model) Reset() {
	m.ti.Reset()
	m.err, m.errAt, m.rejected, m.cands = "", -1, false, nil
	m.histAt = len(m.hist)
}

// SetError shows a parse error (at column pos, or -1) without touching the text.
func (m *Model) SetError(msg string, pos int) {
	m.err, m.errAt = msg, pos
	if msg == "" {
		m.rejected = false
	}
}

// Err is the error on show.
func (m Model) Err() string { return m.err }

// Reject marks the text as refused by Enter: the bar turns red and says
// "not applied" until the text changes.
func (m *Model) Reject() { m.rejected = true }

// Rejected reports whether Enter refused the text on show.
func (m Model) Rejected() bool { return m.rejected }

// Remember adds an applied filter to the history.
func (m *Model) Remember(expr string) {
	if expr != "" && (len(m.hist) == 0 || m.hist[len(m.hist)-1] != expr) {
		m.hist = append(m.hist, expr)
		if len(m.hist) > historyMax {
			m.hist = m.hist[len(m.hist)-historyMax:]
		}
	}
	m.histAt = len(m.hist)
}

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
	k, isKey := msg.(tea.KeyPressMsg)
	m.cands = nil // candidates last until the next key
	switch {
	case isKey && key.Matches(k, m.keys.Complete):
		m.complete()
	case isKey && key.Matches(k, m.keys.Prev):
		m.browse(-1)
	case isKey && key.Matches(k, m.keys.Next):
		m.browse(+1)
	default:
		m.ti, cmd = m.ti.Update(msg)
	}
	if v := m.ti.Value(); v != before {
		m.rejected = false
		return m, tea.Batch(cmd, func() tea.Msg { return ChangedMsg{Expr: v} })
	}
	return m, cmd
}

// complete runs Tab on the text before the cursor.
func (m *Model) complete() {
	v := m.ti.Value()
	runes := []rune(v)
	pos := len(string(runes[:min(m.ti.Position(), len(runes))]))
	c := model.CompleteFilter(v, pos)
	if c.Expr != v {
		m.ti.SetValue(c.Expr)
		m.ti.SetPosition(utf8.RuneCountInString(c.Expr[:c.Pos]))
	}
	m.cands = c.Candidates
}

// browse steps through the history: -1 older, +1 newer; past the newest
// comes back to what was being typed.
func (m *Model) browse(step int) {
	if len(m.hist) == 0 {
		return
	}
	if m.histAt > len(m.hist) {
		m.histAt = len(m.hist)
	}
	next := m.histAt + step
	if next < 0 || next > len(m.hist) {
		return
	}
	if m.histAt == len(m.hist) {
		m.draft = m.ti.Value()
	}
	m.histAt = next
	if next == len(m.hist) {
		m.ti.SetValue(m.draft)
	} else {
		m.ti.SetValue(m.hist[next])
	}
}

// Lines is how many lines View takes: the input, and under it the
// completions or the error while editing.
func (m Model) Lines() int {
	if m.ti.Focused() && (len(m.cands) > 0 || m.err != "") {
		return 2
	}
	return 1
}

// View is the input while editing (else the filter in force), and while
// editing a second line with the completions or the error, which points at
// the offending term when it can. A refused filter turns the prompt and the
// message red, and the message says "NOT APPLIED" in words, so it reads the
// same without colour.
func (m Model) View() string {
	var s string
	switch {
	case m.ti.Focused() && m.rejected:
		s = m.st.Error.Render("/") + strings.TrimPrefix(m.ti.View(), "/")
	case m.ti.Focused():
		s = m.ti.View()
	default:
		s = "filter: " + model.Printable(m.ti.Value())
	}
	s = m.fit(s)
	if m.Lines() == 1 {
		return s
	}
	if len(m.cands) > 0 {
		return s + "\n" + m.fit(m.st.Muted.Render("tab: "+strings.Join(m.cands, "  ")))
	}
	e := "error"
	if m.rejected {
		e = "NOT APPLIED"
	}
	msg := model.Printable(m.err)
	// A caret under the term when the input shows it from its start and
	// the message still fits after it; else the offset in words.
	var line string
	col := -1
	if m.errAt >= 0 && m.errAt <= len(m.ti.Value()) && m.ti.Position() < max(10, m.width/2) {
		col = 1 + ansi.StringWidth(m.ti.Value()[:m.errAt]) // after the "/" prompt
	}
	switch {
	case col >= 0 && col+2+len(e)+2+ansi.StringWidth(msg) <= m.width:
		line = strings.Repeat(" ", col) + m.st.Error.Render("^ "+e+": "+msg)
	case m.errAt >= 0:
		line = m.st.Error.Render(e + " at " + itoa(m.errAt+1) + ": " + msg)
	default:
		line = m.st.Error.Render(e + ": " + msg)
	}
	return s + "\n" + m.fit(line)
}

// fit cuts or pads a line to the width.
func (m Model) fit(s string) string {
	if w := ansi.StringWidth(s); m.width > 0 && w > m.width {
		return ansi.Truncate(s, m.width, "~")
	} else if m.width > 0 {
		return s + strings.Repeat(" ", m.width-w)
	}
	return s
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
