// Package lineedit is a one-line text input with a static cursor. We use it
// instead of bubbles textinput because that one blinks its cursor (a redraw
// every half second over SSH while idle) and pulls a clipboard module that
// this module does not carry.
package lineedit

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"charm.land/lipgloss/v2"
)

// Model is the input: text as runes and a cursor position.
type Model struct {
	Prompt      string
	Placeholder string
	value       []rune
	pos         int
	focus       bool
	width       int // cells for the text; 0 = unlimited
	cursor      lipgloss.Style
	muted       lipgloss.Style
}

// New returns an empty, blurred input.
func New(prompt string) Model {
	return Model{Prompt: prompt, cursor: lipgloss.NewStyle().Reverse(true), muted: lipgloss.NewStyle().Faint(true)}
}

func (m *Model) Focus()                    { m.focus = true }
func (m *Model) Blur()                     { m.focus = false }
func (m Model) Focused() bool              { return m.focus }
func (m Model) Value() string              { return string(m.value) }
func (m *Model) SetWidth(w int)            { m.width = w }
func (m *Model) CursorEnd()                { m.pos = len(m.value) }
func (m *Model) Reset()                    { m.value, m.pos = nil, 0 }
func (m *Model) SetMuted(s lipgloss.Style) { m.muted = s }

// Position is the cursor, in runes from the start.
func (m Model) Position() int { return m.pos }

// SetPosition moves the cursor (clamped to the text), in runes.
func (m *Model) SetPosition(p int) { m.pos = max(0, min(p, len(m.value))) }

// SetValue replaces the text and puts the cursor at the end.
func (m *Model) SetValue(s string) {
	m.value = []rune(s)
	m.pos = len(m.value)
}

// Update edits on key presses and pastes while focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if !m.focus {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		m.insert(msg.Content)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "backspace", "ctrl+h":
			if m.pos > 0 {
				m.value = append(m.value[:m.pos-1], m.value[m.pos:]...)
				m.pos--
			}
		case "delete", "ctrl+d":
			if m.pos < len(m.value) {
				m.value = append(m.value[:m.pos], m.value[m.pos+1:]...)
			}
		case "left", "ctrl+b":
			m.pos = max(0, m.pos-1)
		case "right", "ctrl+f":
			m.pos = min(len(m.value), m.pos+1)
		case "home", "ctrl+a":
			m.pos = 0
		case "end", "ctrl+e":
			m.pos = len(m.value)
		case "ctrl+u":
			m.value = append([]rune(nil), m.value[m.pos:]...)
			m.pos = 0
		case "ctrl+k":
			m.value = m.value[:m.pos]
		case "ctrl+w", "alt+backspace":
			i := m.pos
			for i > 0 && m.value[i-1] == ' ' {
				i--
			}
			for i > 0 && m.value[i-1] != ' ' {
				i--
			}
			m.value = append(m.value[:i], m.value[m.pos:]...)
			m.pos = i
		default:
			if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
				m.insert(msg.Text)
			}
		}
	}
	return m, nil
}

// insert adds printable runes only: a paste cannot smuggle control bytes.
func (m *Model) insert(s string) {
	var rs []rune
	for _, r := range s {
		if unicode.IsPrint(r) {
			rs = append(rs, r)
		}
	}
	tail := append(rs, m.value[m.pos:]...)
	m.value = append(m.value[:m.pos:m.pos], tail...)
	m.pos += len(rs)
}

// View renders the prompt and the text, scrolled so the cursor shows.
func (m Model) View() string {
	if len(m.value) == 0 && !m.focus && m.Placeholder != "" {
		return m.Prompt + m.muted.Render(m.Placeholder)
	}
	v := m.value
	start := 0
	if m.width > 0 && m.pos >= m.width {
		start = m.pos - m.width + 1
	}
	end := len(v)
	if m.width > 0 {
		end = min(end, start+m.width)
	}
	var b strings.Builder
	b.WriteString(m.Prompt)
	for i := start; i < end; i++ {
		if m.focus && i == m.pos {
			b.WriteString(m.cursor.Render(string(v[i])))
		} else {
			b.WriteRune(v[i])
		}
	}
	if m.focus && m.pos >= end {
		b.WriteString(m.cursor.Render(" "))
	}
	if len(m.value) == 0 && m.focus && m.Placeholder != "" {
		b.WriteString(m.muted.Render(ansi.Truncate(m.Placeholder, max(0, m.width-1), "")))
	}
	return b.String()
}
