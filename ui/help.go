package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// The help screen: every key binding (from keymap), then the filter
// language (from the parser's field list), in one text that scrolls. Only
// the help keys act on it: scrolling keys scroll, the close keys close it,
// any other key is ignored (it used to close help, so the first arrow key
// pressed to read on threw the page away).

// helpLines is the whole help text, one entry per screen line: the copy
// made when help opened or the window was resized, so a frame or a key
// press does not lay it out again.
func (m Model) helpLines() []string {
	if m.help != nil && m.helpWidth == m.lay.width {
		return m.help
	}
	return m.layoutHelp()
}

// keepHelp lays the help text out for the current width and keeps it.
func (m *Model) keepHelp() {
	m.help, m.helpWidth = m.layoutHelp(), m.lay.width
}

// layoutHelp lays the help text out for the current width.
func (m Model) layoutHelp() []string {
	var blocks []string
	for _, g := range m.keys.Groups() {
		ls := []string{m.st.Section.Render(g.Title)}
		for _, b := range g.Bindings {
			h := b.Help()
			if h == m.keys.List.Pause.Help() && !m.keys.List.Pause.Enabled() {
				continue // pause is for live input only; a file's help stays as it was
			}
			ls = append(ls, fmt.Sprintf("  %-11s %s", h.Key, h.Desc))
		}
		blocks = append(blocks, strings.Join(ls, "\n"))
	}
	colW := 0
	for _, b := range blocks {
		colW = max(colW, lipgloss.Width(b)+2)
	}
	perRow := max(1, m.lay.width/max(colW, 1))
	var rows []string
	for i := 0; i < len(blocks); i += perRow {
		row := blocks[i:min(i+perRow, len(blocks))]
		for j := range row {
			row[j] = lipgloss.NewStyle().Width(colW).Render(row[j])
		}
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	closeKeys := m.keys.Help.Close.Help().Key
	text := m.st.Title.Render("Keys ("+closeKeys+" closes)") + "\n" + strings.Join(rows, "\n\n") + "\n\n" +
		m.st.Title.Render("Filter language") + "\n" +
		strings.TrimRight(model.FilterHelpText(min(max(m.lay.width-1, 60), 100)), "\n")
	return strings.Split(text, "\n")
}

// helpMaxTop is the last scroll position that still fills the body.
func (m Model) helpMaxTop() int { return max(0, len(m.helpLines())-m.lay.body) }

// helpView is the part of the help text the body shows.
func (m Model) helpView() string {
	lines := m.helpLines()
	top := min(m.helpTop, max(0, len(lines)-m.lay.body))
	return strings.Join(lines[top:min(len(lines), top+m.lay.body)], "\n")
}

// helpPosition is the status line's right end in help: the lines on show.
func (m Model) helpPosition() string {
	n := len(m.helpLines())
	top := min(m.helpTop, max(0, n-m.lay.body))
	return fmt.Sprintf("help %d-%d/%d", min(n, top+1), min(n, top+m.lay.body), n)
}

// openHelp shows help from the top, remembering where to go back.
func (m Model) openHelp() Model {
	m.back, m.mode, m.helpTop = m.mode, modeHelp, 0
	m.keepHelp()
	return m
}

// helpKey scrolls or closes help; other keys do nothing.
func (m Model) helpKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	hk := m.keys.Help
	last, page := m.helpMaxTop(), max(1, m.lay.body-1)
	switch {
	case key.Matches(k, hk.Close):
		m.mode = m.back
	case key.Matches(k, hk.Up):
		m.helpTop--
	case key.Matches(k, hk.Down):
		m.helpTop++
	case key.Matches(k, hk.PageUp):
		m.helpTop -= page
	case key.Matches(k, hk.PageDown):
		m.helpTop += page
	case key.Matches(k, hk.Top):
		m.helpTop = 0
	case key.Matches(k, hk.Bottom):
		m.helpTop = last
	}
	m.helpTop = max(0, min(m.helpTop, last))
	return m, nil
}
