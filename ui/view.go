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
	lines = append(lines, m.status.View(m.helpKeys(), m.position()))
	for i := range lines {
		lines[i] = fit(lines[i], w)
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:h], "\n")
}

func (m Model) fileName() string {
	if m.opts.Path == "-" {
		return "stdin"
	}
	if m.opts.Path == "" {
		return "(no file)"
	}
	return model.Printable(filepath.Base(m.opts.Path)) // the title and header are no place for a name's escapes
}

// header: file and totals on the left, the active order on the right.
func (m Model) header() string {
	var parts []string
	for _, o := range model.Outcomes {
		if n := m.counts[o]; n > 0 {
			parts = append(parts, m.st.Badge(o, fmt.Sprintf("%d %s", n, shortOutcome[o])))
		}
	}
	left := m.st.HeaderFile.Render(m.fileName()) + "  " + fmt.Sprintf("%d flows", len(m.flows))
	if len(parts) > 0 {
		left += ": " + strings.Join(parts, " · ")
	}
	right := m.orderText()
	rw := ansi.StringWidth(right)
	avail := m.lay.width - rw - 2
	if avail < 10 {
		return ansi.Truncate(left, m.lay.width, "~")
	}
	if ansi.StringWidth(left) > avail {
		left = m.compactTotals(avail)
	}
	return left + strings.Repeat(" ", m.lay.width-ansi.StringWidth(left)-rw) + m.st.Header.Render(right)
}

// compactTotals fits the header's totals into avail cells: how many flows
// failed, then the failure counts in the list's order as long as they fit
// (on a narrow terminal the failures matter more than the OKs).
func (m Model) compactTotals(avail int) string {
	failed := 0
	for _, o := range model.Outcomes {
		if o.Failed() {
			failed += m.counts[o]
		}
	}
	left := m.st.HeaderFile.Render(m.fileName()) + "  " + fmt.Sprintf("%d flows, %d failed", len(m.flows), failed)
	sep := ": "
	for _, o := range model.Outcomes {
		n := m.counts[o]
		if n == 0 || !o.Failed() {
			continue
		}
		part := m.st.Badge(o, fmt.Sprintf("%d %s", n, shortOutcome[o]))
		if ansi.StringWidth(left)+len(sep)+ansi.StringWidth(part) > avail {
			break
		}
		left += sep + part
		sep = " · "
	}
	return ansi.Truncate(left, avail, "~")
}

// orderText is the active filter and sort, always on screen.
func (m Model) orderText() string {
	dir := "asc"
	if m.reverse {
		dir = "desc"
	}
	s := "sort " + m.sortKey.String() + " " + dir
	if m.failuresOnly {
		s = "failures only | " + s
	}
	if !m.filter.Empty() {
		s = "/" + model.Printable(m.filter.String()) + " | " + s
	}
	return s
}

// progressLine shows bytes, packets, flows and elapsed time; a spinner and
// a running count when the size is unknown (standard input).
func (m Model) progressLine() string {
	p := m.prog
	stats := fmt.Sprintf("%s pkts  %s flows  %s", count(int64(p.packets)), count(int64(len(m.flows))), p.elapsed.Truncate(100e6))
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
	case m.mode == modeDetail || (m.mode == modeExport && m.back == modeDetail) || (m.mode == modeHelp && m.back == modeDetail):
		s = m.detail.View()
	default:
		s = m.list.View()
	}
	lines := strings.Split(s, "\n")
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

// helpKeys is the short help for the mode with focus.
func (m Model) helpKeys() help.KeyMap {
	switch m.mode {
	case modeHelp:
		return m.keys.Help
	case modeFilter:
		return m.keys.Filter
	case modeExport:
		return m.dlg.Keys()
	case modeDetail:
		return joined{m.keys.Detail, m.keys.Global}
	}
	return joined{m.keys.List, m.keys.Global}
}

// joined puts help first (it must always fit), then the mode, then quit.
type joined struct {
	mode   help.KeyMap
	global keymap.Global
}

func (j joined) ShortHelp() []key.Binding {
	return append(append([]key.Binding{j.global.Help}, j.mode.ShortHelp()...), j.global.Quit)
}

func (j joined) FullHelp() [][]key.Binding {
	return append(j.mode.FullHelp(), j.global.FullHelp()...)
}

// position is the right end of the status line.
func (m Model) position() string {
	if m.mode == modeHelp {
		return m.helpPosition()
	}
	if m.mode == modeDetail {
		return fmt.Sprintf("flow %d  %3.0f%%", m.detail.FlowID(), m.detail.ScrollPercent()*100)
	}
	if len(m.list.Visible()) == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%s/%s", count(int64(m.list.Cursor()+1)), count(int64(len(m.list.Visible()))))
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
