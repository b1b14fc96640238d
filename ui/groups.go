package ui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/groupview"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
)

// outcomeWord is the short word the header and the group view count in.
func outcomeWord(o model.Outcome) string { return shortOutcome[o] }

// groupResultMsg is a grouping done in a command; Gen tells stale ones apart.
type groupResultMsg struct {
	Gen   int
	By    []model.GroupKey
	Set   *model.GroupSet
	Flows int
}

// openGroups shows the group view of the flows the list shows (the filter
// and failures-only apply to both).
func (m Model) openGroups() (Model, tea.Cmd) {
	m.mode = modeGroups
	m.relayout(m.lay.width, m.lay.height)
	return m, m.regroup(m.groups.By(), m.groups.Column())
}

// indexGroups records flow f (at idx) in the group index as it arrives,
// so a regroup reads numbers, not flows.
func (m *Model) indexGroups(idx int, f *model.Flow) {
	if m.gindex == nil {
		m.gindex = model.NewGroupIndex()
	}
	m.gindex.Set(idx, f)
}

// regroup counts the visible flows by by, on the whole capture's time
// axis, in a command: a million flows are no work for Update (STYLE §1.9).
// It reads the group index, not the flows; the timings (from
// groupview.TimingsFrom columns) follow in a second command, as they need
// a pass over each flow's timeline. Batches wait while it reads, as they
// do for a filter. The visible order is shared, not copied: a new filter
// result replaces it and loading appends past its end, never writing what
// the command reads.
func (m *Model) regroup(by []model.GroupKey, col model.GroupColumn) tea.Cmd {
	m.groupGen++
	m.groups.SetCounting(true)
	return m.groupCmd(slices.Clone(by), col, false)
}

// groupCmd groups in a command, with the phase timings when timed.
func (m *Model) groupCmd(by []model.GroupKey, col model.GroupColumn, timed bool) tea.Cmd {
	m.inflight++
	if m.gindex == nil {
		m.gindex = model.NewGroupIndex()
	}
	vis := m.list.Visible()
	gen, x, vis, span := m.groupGen, m.gindex, vis[:len(vis):len(vis)], m.gindex.Span()
	var timings func(int32) model.Timings
	if timed {
		timings = model.FlowTimings(m.flows[:len(m.flows):len(m.flows)])
	}
	return func() tea.Msg {
		set := x.Group(vis, by, span, model.GroupBuckets, col, timings)
		return groupResultMsg{Gen: gen, By: by, Set: set, Flows: len(vis)}
	}
}

// onGroupResult shows the newest grouping, then takes held batches; with
// room for the timings, a grouping without them is followed by one with.
func (m Model) onGroupResult(msg groupResultMsg) (Model, tea.Cmd) {
	m.inflight--
	current := msg.Gen == m.groupGen
	if current {
		m.groups.SetGroups(msg.By, msg.Set, msg.Flows)
		m.groups.SetCounting(false)
	}
	m, cmd := m.takePending()
	if current && !msg.Set.Timed() && m.lay.width >= groupview.TimingsFrom && m.mode == modeGroups {
		cmd = tea.Batch(cmd, m.groupCmd(msg.By, msg.Set.Column(), true))
	}
	return m, cmd
}

func (m Model) groupsKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	gk := m.keys.GroupView
	switch {
	case key.Matches(k, gk.Quit):
		return m.quit()
	case key.Matches(k, gk.Back):
		m.mode = modeList
		m.relayout(m.lay.width, m.lay.height)
		return m, nil
	}
	var cmd tea.Cmd
	m.groups, cmd = m.groups.Update(k)
	return m, cmd
}

// drillDown puts the group's filter, after the one already applied, in the
// filter bar, applies it and shows the list: the user sees how to get
// there again and can edit it.
func (m Model) drillDown(msg groupview.OpenMsg) (Model, tea.Cmd) {
	expr, ok := model.GroupFilter(msg.By, msg.Key)
	if !ok {
		// Say which value, not why: the key may lack a field, the value may
		// be empty, or an SNI may hold a '*' the filter would read as a glob.
		last := len(msg.Key) - 1
		return m, m.status.Flash(statusbar.Info, "no filter names this group: the filter language cannot write "+
			string(msg.By[last])+" "+model.Clip(model.GroupKeyText(msg.Key[last]), 60)+" as a term")
	}
	if !m.applied.Empty() {
		expr = m.applied.String() + " " + expr
	}
	m.fbar.SetValue(expr)
	return m.applyFilter()
}
