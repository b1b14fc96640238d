// Package exportdlg is the small export dialog: an editable path, whole flow
// or handshake evidence, a question before overwriting, then the result.
// It never writes a file itself: it asks the parent with RequestMsg.
package exportdlg

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/pcapsurgery/pcapsurgery/ui/lineedit"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// RequestMsg asks the parent to run the export.
type RequestMsg struct {
	Flows     []int
	Mode      model.ExportMode
	Out       string
	Overwrite bool
}

// DoneMsg is the export's result, sent back by the parent.
type DoneMsg struct {
	Path    string
	Packets int
	Err     error
}

// ClosedMsg says the dialog is finished with.
type ClosedMsg struct{}

type state int

const (
	editing state = iota
	running
	confirming
	done
)

// Model is the dialog.
type Model struct {
	keys  keymap.Export
	st    styles.Styles
	ti    lineedit.Model
	flows []int
	what  string // "flow 12" or "37 flows matching the filter"
	mode  model.ExportMode
	state state
	msg   string
	err   bool
	width int
}

// New returns a closed dialog.
func New(keys keymap.Export, st styles.Styles) Model {
	ti := lineedit.New("path: ")
	ti.SetMuted(st.Muted)
	return Model{keys: keys, st: st, ti: ti}
}

// Open starts the dialog for flows with a suggested path.
func (m *Model) Open(flows []int, what, path string) tea.Cmd {
	m.flows, m.what, m.state, m.msg, m.err = flows, what, editing, "", false
	m.mode = model.ExportWhole
	m.ti.SetValue(path)
	m.ti.CursorEnd()
	m.keys.SetConfirming(false)
	m.ti.Focus()
	return nil
}

// Typing reports whether keys go to the path input (q then types a q).
func (m Model) Typing() bool { return m.state == editing }

// Keys are the dialog's live bindings, for the help line.
func (m Model) Keys() keymap.Export { return m.keys }

// SetWidth sizes the dialog.
func (m *Model) SetWidth(w int) {
	m.width = w
	m.ti.SetWidth(max(20, min(w-12, 70)))
}

// SetStyles follows the background.
func (m *Model) SetStyles(st styles.Styles) {
	m.st = st
	m.ti.SetMuted(st.Muted)
}

func (m Model) request(overwrite bool) tea.Cmd {
	r := RequestMsg{Flows: m.flows, Mode: m.mode, Out: strings.TrimSpace(m.ti.Value()), Overwrite: overwrite}
	return func() tea.Msg { return r }
}

func closed() tea.Msg { return ClosedMsg{} }

// Update handles keys and the result.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case DoneMsg:
		switch {
		case errors.Is(msg.Err, model.ErrExists):
			m.state = confirming
			m.keys.SetConfirming(true)
			m.ti.Blur()
			m.msg, m.err = model.Printable(filepath.Base(m.ti.Value()))+" exists: overwrite? y/n", true
		case msg.Err != nil:
			m.state, m.msg, m.err = editing, model.Printable(msg.Err.Error()), true
			m.keys.SetConfirming(false)
			m.ti.Focus()
			return m, nil
		default:
			m.state, m.err = done, false
			m.msg = fmt.Sprintf("wrote %d packets to %s", msg.Packets, model.Printable(msg.Path))
		}
		return m, nil
	case tea.KeyPressMsg:
		switch m.state {
		case running:
			return m, nil
		case done:
			return m, closed
		case confirming:
			switch {
			case key.Matches(msg, m.keys.Overwrite):
				m.state, m.msg, m.err = running, "writing...", false
				m.keys.SetConfirming(false)
				return m, m.request(true)
			case key.Matches(msg, m.keys.Keep):
				m.state, m.msg, m.err = editing, "choose another path", false
				m.keys.SetConfirming(false)
				m.ti.Focus()
				return m, nil
			case key.Matches(msg, m.keys.Cancel):
				return m, closed
			}
			return m, nil
		}
		switch {
		case key.Matches(msg, m.keys.Cancel):
			return m, closed
		case key.Matches(msg, m.keys.Toggle):
			m.mode = 1 - m.mode
			return m, nil
		case key.Matches(msg, m.keys.Confirm):
			if strings.TrimSpace(m.ti.Value()) == "" {
				m.msg, m.err = "give a path", true
				return m, nil
			}
			m.state, m.msg, m.err = running, "writing...", false
			m.ti.Blur()
			return m, m.request(false)
		}
	}
	var cmd tea.Cmd
	m.ti, cmd = m.ti.Update(msg)
	return m, cmd
}

// View is the boxed dialog.
func (m Model) View() string {
	format := "pcap"
	if strings.HasSuffix(strings.ToLower(strings.TrimSpace(m.ti.Value())), ".pcapng") {
		format = "pcapng"
	}
	whole, evidence := "( ) whole flow", "( ) handshake evidence only"
	if m.mode == model.ExportWhole {
		whole = "(x) whole flow"
	} else {
		evidence = "(x) handshake evidence only"
	}
	lines := []string{
		m.st.Title.Render("Export " + m.what),
		m.ti.View(),
		whole + "   " + evidence + "   [tab]",
		"format: " + format + " (by extension: .pcapng gives pcapng)",
	}
	if m.msg != "" {
		st := m.st.Good
		if m.err {
			st = m.st.Error
		}
		lines = append(lines, st.Render(m.msg))
	}
	switch m.state {
	case editing:
		lines = append(lines, m.st.Muted.Render("enter export   esc cancel"))
	case confirming:
		lines = append(lines, m.st.Muted.Render("y overwrite   n keep it   esc cancel"))
	case done:
		lines = append(lines, m.st.Muted.Render("any key to close"))
	}
	w := max(30, min(m.width-2, 90))
	return m.st.Dialog.Width(w).Render(strings.Join(lines, "\n"))
}
