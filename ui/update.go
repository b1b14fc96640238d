package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/ui/exportdlg"
	"github.com/pcapsurgery/pcapsurgery/ui/filterbar"
	"github.com/pcapsurgery/pcapsurgery/ui/flowlist"
	"github.com/pcapsurgery/pcapsurgery/ui/groupview"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// Update routes: messages named for what happened first, then keys in the
// order global, mode with focus, child (STYLE §1.15).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.relayout(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.setStyles(styles.New(msg.IsDark()))
		return m, nil
	case loadBatchMsg:
		return m.onBatch(msg)
	case loadEndedMsg:
		if m.loading { // cancelled or ended without a final batch
			m.loading, m.spinning = false, false
			m.relayout(m.lay.width, m.lay.height)
		}
		return m, nil
	case spinner.TickMsg:
		if !m.spinning {
			return m, nil // no animation when idle
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case filterResultMsg:
		m, cmd := m.onFilterResult(msg)
		if msg.Gen != m.filterGen {
			return m, cmd
		}
		cmd = tea.Batch(cmd, m.respark())
		if m.mode == modeGroups { // f, then tab before the list had its answer
			return m, tea.Batch(cmd, m.regroup(m.groups.By(), m.groups.Column()))
		}
		return m, cmd
	case groupResultMsg:
		return m.onGroupResult(msg)
	case sparkResultMsg:
		return m.onSparkResult(msg)
	case closestIndexMsg:
		return m.onClosestIndex(msg)
	case groupIndexMsg:
		return m.onGroupIndex(msg)
	case summarySavedMsg:
		return m.onSummarySaved(msg)
	case filterbar.ChangedMsg:
		return m.onFilterChanged(msg)
	case groupview.OpenMsg:
		return m.drillDown(msg)
	case groupview.RegroupMsg:
		return m, m.regroup(msg.By, msg.Col)
	case flowlist.OpenMsg:
		return m.open(msg.ID), nil
	case exportdlg.RequestMsg:
		return m, m.runExport(msg)
	case exportdlg.DoneMsg:
		var cmd tea.Cmd
		m.dlg, cmd = m.dlg.Update(msg)
		return m, cmd
	case keyLogReadMsg:
		return m.onKeyLogRead(msg)
	case statusbar.ExpiredMsg:
		m.status = m.status.Update(msg)
		return m, nil
	case tea.PasteMsg:
		return m.toInput(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return m, nil
}

func (m Model) typing() bool {
	return m.mode == modeFilter || m.mode == modeKeyLog || (m.mode == modeExport && m.dlg.Typing())
}

// toInput hands a message to the input with focus, if any.
func (m Model) toInput(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case m.mode == modeFilter:
		m.fbar, cmd = m.fbar.Update(msg)
	case m.mode == modeExport:
		m.dlg, cmd = m.dlg.Update(msg)
	case m.mode == modeKeyLog:
		m.klIn, cmd = m.klIn.Update(msg)
	}
	return m, cmd
}

func (m Model) onKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.status.Clear() // the next key clears a flash
	g := m.keys.Global
	if key.Matches(k, g.ForceQuit) {
		return m.quit()
	}
	if m.mode == modeHelp { // help takes every key: q and ? close it there
		return m.helpKey(k)
	}
	if !m.typing() {
		if key.Matches(k, g.Help) {
			return m.openHelp(), nil
		}
	}
	switch m.mode {
	case modeFilter:
		return m.filterKey(k)
	case modeKeyLog:
		return m.keyLogKey(k)
	case modeExport:
		if m.dlg.Running() && key.Matches(k, m.keys.List.Quit) {
			return m.quit() // as from the list under it: nothing here takes q
		}
		var cmd tea.Cmd
		m.dlg, cmd = m.dlg.Update(k)
		if m.dlg.Closed() {
			m.mode = m.back
			m.relayout(m.lay.width, m.lay.height)
		}
		return m, cmd
	case modeDetail:
		return m.detailKey(k)
	case modeGroups:
		return m.groupsKey(k)
	case modeCompare:
		return m.compareKey(k)
	}
	return m.listKey(k)
}

func (m Model) filterKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	fk := m.keys.Filter
	switch {
	case key.Matches(k, fk.Clear):
		return m.clearFilter()
	case key.Matches(k, fk.Apply):
		return m.applyFilter()
	}
	lines := m.fbar.Lines()
	m, cmd := m.toInput(k)
	if m.fbar.Lines() != lines { // completions came or went
		m.relayout(m.lay.width, m.lay.height)
	}
	return m, cmd
}

func (m Model) listKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	lk := m.keys.List
	switch {
	case key.Matches(k, lk.Quit):
		return m.quit()
	case key.Matches(k, lk.Copy):
		if f := m.flowByID(m.list.Selected()); f != nil {
			return m, m.copySummary(f)
		}
		return m, nil
	case key.Matches(k, lk.Filter):
		m.mode = modeFilter
		m.fbar.Focus()
		m.relayout(m.lay.width, m.lay.height)
		return m, nil
	case key.Matches(k, lk.Failures):
		m.failuresOnly = !m.failuresOnly
		return m, m.refilter()
	case key.Matches(k, lk.Sort):
		m.sortKey = m.sortKey.Next()
		return m, m.refilter()
	case key.Matches(k, lk.Groups):
		return m.openGroups()
	case key.Matches(k, lk.Compare):
		return m.compareClosest(m.list.Selected())
	case key.Matches(k, lk.Mark):
		return m.markOrCompare(m.list.Selected())
	case key.Matches(k, lk.KeyLog):
		return m.openKeyLog()
	case key.Matches(k, lk.Pause):
		return m.togglePause()
	case key.Matches(k, lk.Reverse):
		m.reverse = !m.reverse
		return m, m.refilter()
	case key.Matches(k, lk.Export):
		if id := m.list.Selected(); id > 0 {
			return m.openExport([]int{id}, "flow "+itoa(id), id)
		}
		return m, nil
	case key.Matches(k, lk.ExportAll):
		ids := m.matching()
		if len(ids) == 0 {
			return m, m.status.Flash(statusbar.Error, "no flows match: nothing to export")
		}
		what := plural(len(ids), "flow") + " matching the filter"
		if !m.filtered() {
			what = "all " + plural(len(ids), "flow")
		}
		return m.openExport(ids, what, 0)
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(k)
	return m, cmd
}

// open shows a flow in the pane.
func (m Model) open(id int) Model {
	f := m.flowByID(id)
	if f == nil {
		return m
	}
	m.detail.SetFlow(f)
	m.mode = modeDetail
	m.relayout(m.lay.width, m.lay.height)
	return m
}

func (m Model) detailKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	dk := m.keys.Detail
	switch {
	case key.Matches(k, dk.Back):
		m.mode = modeList
		m.relayout(m.lay.width, m.lay.height)
		return m, nil
	case key.Matches(k, dk.Next), key.Matches(k, dk.Prev):
		step := 1
		if key.Matches(k, dk.Prev) {
			step = -1
		}
		m.list.SetCursor(m.list.Cursor() + step)
		if id := m.list.Selected(); id > 0 && id != m.detail.FlowID() {
			if f := m.flowByID(id); f != nil {
				m.detail.SetFlow(f)
			}
		}
		return m, nil
	case key.Matches(k, dk.Copy):
		return m, m.copySummary(m.detail.Flow())
	case key.Matches(k, dk.Compare):
		return m.compareClosest(m.detail.FlowID())
	case key.Matches(k, dk.Mark):
		return m.markOrCompare(m.detail.FlowID())
	case key.Matches(k, dk.Export):
		id := m.detail.FlowID()
		return m.openExport([]int{id}, "flow "+itoa(id), id)
	}
	var cmd tea.Cmd
	m.detail, cmd = m.detail.Update(k)
	return m, cmd
}
