package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/groupview"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
)

// outcomeWord is the short word the header and the group view count in.
func outcomeWord(o model.Outcome) string { return shortOutcome[o] }

// openGroups shows the group view of the flows the list shows (the filter
// and failures-only apply to both).
func (m Model) openGroups() Model {
	m.regroup(m.groups.By())
	m.mode = modeGroups
	m.relayout(m.lay.width, m.lay.height)
	return m
}

// regroup counts the visible flows by by, on the whole capture's time axis.
func (m *Model) regroup(by []model.GroupKey) {
	span := model.SpanOf(m.flows)
	gr := model.NewGrouper(by, span, model.GroupBuckets)
	vis := m.list.Visible()
	for _, i := range vis {
		gr.Add(&m.flows[i])
	}
	m.groups.SetGroups(by, gr.Groups(model.GroupByFailures), len(vis), span)
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
		return m, m.status.Flash(statusbar.Info, "no filter names this group: the filter language has no field for "+string(msg.By[len(msg.Key)-1])+" or for its absence")
	}
	if !m.applied.Empty() {
		expr = m.applied.String() + " " + expr
	}
	m.fbar.SetValue(expr)
	return m.applyFilter()
}
