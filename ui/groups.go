package ui

import (
	"slices"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/groupview"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
)

// outcomeWord is the short word the header and the group view count in.
func outcomeWord(o model.Outcome) string { return shortOutcome[o] }

// groupResultMsg is a grouping done in a command; Gen tells stale ones
// apart. Index is the group index the command built first, when there was
// none, of the flows as they were at flowsGen FlowsGen.
type groupResultMsg struct {
	Gen      int
	By       []model.GroupKey
	Set      *model.GroupSet
	Flows    int
	Index    *model.GroupIndex
	FlowsGen int
}

// openGroups shows the group view of the flows the list shows (the filter
// and failures-only apply to both).
func (m Model) openGroups() (Model, tea.Cmd) {
	m.mode = modeGroups
	m.relayout(m.lay.width, m.lay.height)
	return m, m.regroup(m.groups.By(), m.groups.Column())
}

// indexGroups records flow f (at idx) in the group index as it arrives,
// once there is one, so a regroup reads numbers, not flows.
//
// The index is built whole, off Update: when loading ends (indexAllGroups),
// or by the first grouping asked for before that (groupCmd). Kept up to
// date from the start, it was a sixth of a million-flow load's CPU, all of
// it on Update's goroutine, for a view the user may never open, and a
// flow changed in several batches was indexed in each.
func (m *Model) indexGroups(idx int, f *model.Flow) {
	if m.gindex != nil {
		m.gindex.Set(idx, f)
	}
}

// groupIndexMsg carries a group index of the flows as they were at
// flowsGen gen.
type groupIndexMsg struct {
	gen int
	x   *model.GroupIndex
}

// indexAllGroups builds the group index in a command, when loading ends,
// so the group view opens on numbers. Batches wait while it reads the
// flows, as they do for a filter.
func (m *Model) indexAllGroups() tea.Cmd {
	if m.gindex != nil || len(m.flows) == 0 {
		return nil
	}
	m.inflight++
	b := m.indexing()
	return func() tea.Msg { return groupIndexMsg{gen: b.gen, x: b.index()} }
}

// indexFlows builds a group index (tests count the builds).
var indexFlows = model.IndexFlows

// indexBuild is the group index of the flows at flowsGen gen, built once
// however many commands need it before it is kept: a grouping asked for
// while the end of loading's build runs waits for that build instead of
// making its own beside it.
type indexBuild struct {
	gen   int
	flows []model.Flow
	once  sync.Once
	x     *model.GroupIndex
}

func (b *indexBuild) index() *model.GroupIndex {
	b.once.Do(func() { b.x = indexFlows(b.flows) })
	return b.x
}

// indexing is the build of the group index of the flows as they are now.
func (m *Model) indexing() *indexBuild {
	if b := m.building; b != nil && b.gen == m.flowsGen {
		return b
	}
	m.building = &indexBuild{gen: m.flowsGen, flows: m.flows[:len(m.flows):len(m.flows)]}
	return m.building
}

func (m Model) onGroupIndex(msg groupIndexMsg) (Model, tea.Cmd) {
	m.inflight--
	m.keepIndex(msg.x, msg.gen)
	return m.takePending()
}

// keepIndex makes x, built of the flows at flowsGen gen, the group index,
// unless the flows changed since or an index is there already; a build
// that is done or stale is let go (it holds the flows it read).
func (m *Model) keepIndex(x *model.GroupIndex, gen int) {
	if x == nil {
		return
	}
	if b := m.building; b != nil && (b.x == x || b.gen != m.flowsGen) {
		m.building = nil
	}
	if m.gindex == nil && gen == m.flowsGen {
		m.gindex = x
	}
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
	vis := m.list.Visible()
	gen, fgen, x, vis := m.groupGen, m.flowsGen, m.gindex, vis[:len(vis):len(vis)]
	var span model.Span
	var b *indexBuild
	if x != nil {
		span = x.Span() // here, not in the command: it may update the index's cached span
	} else {
		b = m.indexing()
	}
	var timings func(int32) model.Timings
	if timed {
		timings = model.FlowTimings(m.flows[:len(m.flows):len(m.flows)])
	}
	return func() tea.Msg {
		var built *model.GroupIndex
		if b != nil { // no index yet: built first, or the build under way waited for
			x = b.index()
			built, span = x, x.Span() // a built index's span is never stale: Span only reads
		}
		set := x.Group(vis, by, span, model.GroupBuckets, col, timings)
		return groupResultMsg{Gen: gen, By: by, Set: set, Flows: len(vis), Index: built, FlowsGen: fgen}
	}
}

// onGroupResult shows the newest grouping, then takes held batches; with
// room for the timings, a grouping without them is followed by one with.
func (m Model) onGroupResult(msg groupResultMsg) (Model, tea.Cmd) {
	m.inflight--
	m.keepIndex(msg.Index, msg.FlowsGen)
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
