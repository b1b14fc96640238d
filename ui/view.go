package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// shortOutcome is the word totals use for each outcome.
var shortOutcome = map[model.Outcome]string{
	model.OK: "ok", model.Resumed: "resumed", model.Alert: "alert", model.EncryptedAlert: "alert?",
	model.Reset: "rst", model.NoServerHello: "no-sh", model.NoClientHello: "no-ch",
	model.NotTLS: "not-tls", model.NoSYNACK: "no-synack", model.Refused: "refused",
	model.OneSided: "one-sided", model.Partial: "partial", model.PlaintextReply: "plaintext",
}

// View is deterministic: it reads the model and the layout, never the clock.
func (m Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "pcapsurgery: " + m.fileName()
	if m.loading && m.prog.total > 0 {
		v.ProgressBar = tea.NewProgressBar(tea.ProgressBarDefault, int(m.prog.ratio*100))
	} else if m.loading {
		v.ProgressBar = tea.NewProgressBar(tea.ProgressBarIndeterminate, 0)
	}
	v.SetContent(m.content())
	return v
}

// content is the screen as text, exactly height lines of at most width cells.
func (m Model) content() string {
	w, h := m.lay.width, m.lay.height
	if w <= 0 || h <= 0 {
		return "loading " + m.fileName() + "..."
	}
	lines := make([]string, 0, h)
	lines = append(lines, m.header())
	if m.lay.progress {
		lines = append(lines, m.progressLine())
	}
	lines = append(lines, m.body()...)
	if m.lay.filter {
		bar := strings.Split(m.fbar.View(), "\n")
		if !m.lay.filterMsg {
			bar = bar[:1]
		}
		lines = append(lines, bar...)
	}
	status := strings.Split(m.status.View(m.helpKeys(), m.position()), "\n")
	if extra := len(status) - 1; extra > 0 { // a long flash covers the bottom of the body
		lines = lines[:max(1, len(lines)-extra)]
	}
	lines = append(lines, status...)
	for i := range lines {
		lines[i] = fit(lines[i], w)
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:h], "\n")
}

func (m Model) fileName() string {
	if m.opts.Iface != "" {
		return model.Printable(m.opts.Iface)
	}
	if m.opts.Path == "-" {
		return "stdin"
	}
	if m.opts.Path == "" {
		return "(no file)"
	}
	return model.Printable(filepath.Base(m.opts.Path)) // the title and header are no place for a name's escapes
}

// progressLine shows bytes, packets, flows and elapsed time; a spinner and
// a running count when the size is unknown (standard input).
func (m Model) progressLine() string {
	p := m.prog
	stats := fmt.Sprintf("%s pkts  %s flows  %s", count(int64(p.packets)), count(int64(m.flowCount())), p.elapsed.Truncate(100e6))
	if m.live != nil {
		return m.liveLine()
	}
	if p.total <= 0 {
		return m.spin.View() + " reading " + m.fileName() + ": " + humanBytes(p.bytes) + "  " + stats + "  (q quits)"
	}
	return "loading " + m.bar.ViewAs(p.ratio) + fmt.Sprintf(" %3.0f%% ", p.ratio*100) +
		humanBytes(p.bytes) + "/" + humanBytes(p.total) + "  " + stats
}

// body is the list, the pane or help, with the export dialog over its foot.
func (m Model) body() []string {
	n := m.lay.body
	var s string
	switch {
	case m.mode == modeHelp:
		s = m.helpView()
	case m.mode == modeCompare:
		s = m.cmp.View()
	case m.mode == modeDetail || (m.mode == modeExport && m.back == modeDetail) || (m.mode == modeHelp && m.back == modeDetail):
		s = m.detail.View()
	case m.mode == modeGroups || (m.mode == modeExport || m.mode == modeHelp) && m.back == modeGroups:
		s = m.groups.View()
	default:
		s = m.list.View()
	}
	lines := strings.Split(s, "\n")
	if m.mode == modeKeyLog && n > 0 { // the prompt on the body's last line
		keep := n - 1
		if len(lines) > keep {
			lines = lines[:keep]
		}
		for len(lines) < keep {
			lines = append(lines, "")
		}
		lines = append(lines, m.keyLogLine())
	}
	if m.mode == modeExport {
		dlg := strings.Split(m.dlg.View(), "\n")
		keep := max(0, n-len(dlg))
		if len(lines) > keep {
			lines = lines[:keep]
		}
		for len(lines) < keep {
			lines = append(lines, "")
		}
		lines = append(lines, dlg...)
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines[:n]
}

// helpKeys is the footer for the mode with focus: help first where ? is
// not typed text, the mode's keys, and how to leave last (the status bar
// keeps the last item at every width): q in the list, which ends its own
// short help, ctrl+c everywhere else.
func (m Model) helpKeys() help.KeyMap {
	g := m.keys.Global
	switch m.mode {
	case modeHelp:
		return m.keys.Help
	case modeFilter:
		return footer{mode: m.keys.Filter, tail: &g.ForceQuit}
	case modeKeyLog:
		return footer{mode: m.keys.KeyLog, tail: &g.ForceQuit}
	case modeExport:
		if m.dlg.Running() { // no dialog key works now; q quits as from the list
			return footer{mode: m.dlg.Keys(), tail: &m.keys.List.Quit}
		}
		return footer{mode: m.dlg.Keys(), tail: &g.ForceQuit}
	case modeDetail:
		return footer{lead: &g.Help, mode: m.keys.Detail, tail: &g.ForceQuit}
	case modeGroups:
		return footer{lead: &g.Help, mode: m.keys.GroupView}
	case modeCompare:
		return footer{lead: &g.Help, mode: m.keys.Compare, tail: &g.ForceQuit}
	}
	return footer{lead: &g.Help, mode: listHelp{m.keys.List, m.columnsHint()}}
}

// columnsHint is the footer's word on columns off screen ("right +7
// columns"), nil when every column is on screen.
func (m Model) columnsHint() *key.Binding {
	l, r := m.list.OffScreen()
	lk := m.keys.List
	var b key.Binding
	switch {
	case l > 0 && r > 0:
		b = key.NewBinding(key.WithKeys(lk.Right.Keys()...), key.WithHelp("left/right", "more columns"))
	case l > 0:
		b = key.NewBinding(key.WithKeys(lk.Left.Keys()...), key.WithHelp("left", "back to the first columns"))
	case r > 0:
		b = key.NewBinding(key.WithKeys(lk.Right.Keys()...), key.WithHelp("right", "+"+itoa(r)+" columns"))
	default:
		return nil
	}
	return &b
}

// listHelp is the list's short help with the columns hint after its first
// item (open), where it is seen at 80 columns.
type listHelp struct {
	keys    keymap.List
	columns *key.Binding
}

func (l listHelp) ShortHelp() []key.Binding {
	bs := l.keys.ShortHelp()
	if l.columns == nil || len(bs) == 0 {
		return bs
	}
	return append([]key.Binding{bs[0], *l.columns}, bs[1:]...)
}

func (l listHelp) FullHelp() [][]key.Binding { return l.keys.FullHelp() }

// footer is a mode's short help between a lead and a tail binding.
type footer struct {
	lead, tail *key.Binding
	mode       help.KeyMap
}

func (f footer) ShortHelp() []key.Binding {
	var bs []key.Binding
	if f.lead != nil {
		bs = append(bs, *f.lead)
	}
	bs = append(bs, f.mode.ShortHelp()...)
	if f.tail != nil {
		bs = append(bs, *f.tail)
	}
	return bs
}

func (f footer) FullHelp() [][]key.Binding { return f.mode.FullHelp() }

// position is the right end of the status line.
func (m Model) position() string {
	if m.mode == modeHelp {
		return m.helpPosition()
	}
	if m.mode == modeDetail {
		return m.markedText() + fmt.Sprintf("flow %d  %3.0f%%", m.detail.FlowID(), m.detail.ScrollPercent()*100)
	}
	if m.mode == modeGroups {
		return m.groups.Position()
	}
	if m.mode == modeCompare {
		return m.cmp.Position()
	}
	pos := "0/0"
	if n := len(m.list.Visible()); n > 0 {
		pos = count(int64(m.list.Cursor()+1)) + "/" + count(int64(n))
	}
	return m.markedText() + m.sortText() + "  " + pos
}

// markedText names the flow m marked for comparison, so it is not forgotten.
func (m Model) markedText() string {
	if m.marked == 0 {
		return ""
	}
	return "marked #" + itoa(m.marked) + "  "
}

// fit clips or pads a line to exactly w cells.
func fit(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "")
	}
	return s + strings.Repeat(" ", w-sw)
}

// count writes 1234567 as 1,234,567.
func count(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
