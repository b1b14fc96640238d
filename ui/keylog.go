package ui

import (
	"context"
	"os"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/exportdlg"
	"github.com/pcapsurgery/pcapsurgery/ui/lineedit"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
)

// keyLogPrompt is the prompt's lead, as the filter bar has its "/".
const keyLogPrompt = "key log file: "

// keyLogReadMsg is a key log read and the capture reopened with it (or why not).
type keyLogReadMsg struct {
	path   string // as typed, for messages
	loader *model.Loader
	read   model.KeyLogRead
	err    error
}

// reloadState is what a reload with a new key log keeps to restore and report.
type reloadState struct {
	keepID int          // the flow under the cursor, selected again once loaded
	before map[int]bool // flows decrypted before, to count the ones unlocked
	path   string       // as typed
	read   model.KeyLogRead
}

func newKeyLogInput() lineedit.Model {
	ti := lineedit.New(keyLogPrompt)
	ti.Placeholder = "~/keys.log  (NSS format, as SSLKEYLOGFILE writes it)"
	return ti
}

// openKeyLog shows the prompt, or says why a key log cannot be loaded now.
func (m Model) openKeyLog() (Model, tea.Cmd) {
	switch {
	case m.loader == nil || m.opts.Reopen == nil || m.live != nil:
		return m, m.status.Flash(statusbar.Error, "cannot load a key log here: this input (standard input, a pipe or an interface) cannot be read again; start with --keylog FILE")
	case m.loading:
		return m, m.status.Flash(statusbar.Error, "still loading: load a key log once the capture is read")
	}
	m.mode = modeKeyLog
	m.klIn.SetMuted(m.st.Muted)
	m.klIn.Focus()
	m.klIn.CursorEnd()
	m.relayout(m.lay.width, m.lay.height)
	return m, nil
}

func (m Model) keyLogKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	kk := m.keys.KeyLog
	switch {
	case key.Matches(k, kk.Cancel):
		m.closeKeyLog()
		return m, nil
	case key.Matches(k, kk.Load):
		home, _ := os.UserHomeDir()
		cwd, _ := os.Getwd()
		path := exportdlg.Resolve(m.klIn.Value(), home, cwd)
		if path == "" {
			return m, m.status.Flash(statusbar.Error, "give the key log file's path (esc cancels)")
		}
		m.closeKeyLog()
		l, reopen, typed := m.loader, m.opts.Reopen, strings.TrimSpace(m.klIn.Value())
		flash := m.status.Flash(statusbar.Info, "reading key log "+typed+"...")
		return m, tea.Batch(flash, func() tea.Msg {
			n, read, err := l.WithKeyLogFile(path, reopen)
			return keyLogReadMsg{path: typed, loader: n, read: read, err: err}
		})
	}
	var cmd tea.Cmd
	m.klIn, cmd = m.klIn.Update(k)
	return m, cmd
}

func (m *Model) closeKeyLog() {
	m.klIn.Blur()
	m.mode = modeList
	m.relayout(m.lay.width, m.lay.height)
}

// onKeyLogRead swaps in the new load: the same capture, filter, sort and
// order, with the flows replaced as the reload reads them; the cursor goes
// back to its flow once done. A file that could not be read changes nothing
// but the status line.
func (m Model) onKeyLogRead(msg keyLogReadMsg) (Model, tea.Cmd) {
	if msg.err != nil {
		if msg.loader != nil {
			msg.loader.Source().Close()
		}
		return m, m.status.Flash(statusbar.Error, "key log not loaded: "+msg.err.Error()+" (nothing changed)")
	}
	if m.loading || m.mode == modeKeyLog { // a second load started meanwhile: keep the first
		msg.loader.Source().Close()
		return m, nil
	}
	m.reload = &reloadState{keepID: m.list.Selected(), before: m.loader.DecryptedFlows(), path: msg.path, read: msg.read}
	if m.cancel != nil {
		m.cancel()
	}
	m.reloads.add(msg.loader)
	m.loader, m.refs = msg.loader, msg.loader
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.batches = make(chan model.Batch, 1)
	// Results still on their way read the old flows: make them stale.
	m.filterGen++
	m.groupGen++
	m.sparkGen++
	m.flowsGen++
	m.closest, m.gindex, m.building = nil, nil, nil
	m.flows, m.outcomes, m.pending, m.holes = nil, nil, nil, 0
	m.counts = map[model.Outcome]int{}
	m.visCounts = outcomeCounts{}
	m.list.SetData(nil, nil, 0)
	m.prog = loadProgress{}
	m.loading = true
	m.relayout(m.lay.width, m.lay.height)
	return m, startLoad(m.ctx, msg.loader, m.batches)
}

// afterReload reports a reload once its flows are all in and in order, and
// puts the cursor back on the flow it was on.
func (m *Model) afterReload() tea.Cmd {
	r := m.reload
	if r == nil || m.loading || m.inflight > 0 || len(m.pending) > 0 {
		return nil
	}
	m.reload = nil
	m.keepCursor(r.keepID)
	unlocked := 0
	for id := range m.loader.DecryptedFlows() {
		if !r.before[id] {
			unlocked++
		}
	}
	s := "key log " + r.path + ": " + plural(r.read.Lines, "line") + " read, " + plural(r.read.Secrets, "secret") +
		"; " + plural(unlocked, "flow") + " newly decrypted"
	if r.read.Problems != "" {
		s += " (" + r.read.Problems + ")"
	}
	level := statusbar.Info
	if r.read.Secrets == 0 {
		level = statusbar.Error
		s = "key log " + r.path + ": " + plural(r.read.Lines, "line") + " read, no usable secret"
		if r.read.Problems != "" {
			s += " (" + r.read.Problems + ")"
		}
	}
	return m.status.Flash(level, s)
}

// keepCursor selects flow id if it is on show.
func (m *Model) keepCursor(id int) {
	if id <= 0 {
		return
	}
	for i, v := range m.list.Visible() {
		if m.flows[v].ID == id {
			m.list.SetCursor(i)
			return
		}
	}
}

// keyLogLine is the prompt at the foot of the body.
func (m Model) keyLogLine() string { return m.klIn.View() }

// reloadedLoaders are the loaders key log reloads opened, shared by every
// copy of the model so their files are closed when the program ends.
type reloadedLoaders struct{ list []*model.Loader }

func (r *reloadedLoaders) add(l *model.Loader) { r.list = append(r.list, l) }

func (r *reloadedLoaders) close() {
	for _, l := range r.list {
		l.Source().Close()
	}
}
