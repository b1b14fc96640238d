package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
)

// The comparison view: c on a flow compares it with the closest flow that
// completed its handshake to the same server; m marks a flow, and m on
// another compares the two. Back returns to the list or pane it came from.

// compareClosest opens the comparison of flow id with its closest working flow.
func (m Model) compareClosest(id int) (Model, tea.Cmd) {
	f := m.flowByID(id)
	if f == nil {
		return m, nil
	}
	if m.closest == nil { // flows still arriving, or c before the index built at the end of loading
		m.closest = model.BuildClosestIndex(m.eachFlow)
	}
	oid, rule, ok := m.closest.Closest(f)
	if !ok {
		return m, m.status.Flash(statusbar.Info, "no flow completed its handshake to the same server address or SNI as flow "+
			itoa(id)+"; m marks a flow to compare it with any other")
	}
	o := m.flowByID(oid)
	if o == nil { // the index is rebuilt whenever flows are dropped: never
		return m, nil
	}
	return m.openCompare(model.Compare(*f, *o, rule)), nil
}

// closestIndexMsg carries an index of the flows as they were at flowsGen gen.
type closestIndexMsg struct {
	gen int
	x   *model.ClosestIndex
}

// indexClosest builds the index c reads in a command once loading has
// ended, so the first c does not read every flow (a quarter of a second at
// a million). Batches wait meanwhile, as for a filter.
func (m *Model) indexClosest() tea.Cmd {
	if len(m.flows) == 0 || m.closest != nil { // none, or one kept up to date since a c
		return nil
	}
	m.inflight++
	gen, flows := m.flowsGen, m.flows[:len(m.flows):len(m.flows)]
	outs := m.outcomes[:len(m.outcomes):len(m.outcomes)]
	return func() tea.Msg {
		return closestIndexMsg{gen: gen, x: model.BuildClosestIndex(func(fn func(*model.Flow)) {
			for i := range flows {
				if outs[i] != goneOutcome {
					fn(&flows[i])
				}
			}
		})}
	}
}

func (m Model) onClosestIndex(msg closestIndexMsg) (Model, tea.Cmd) {
	m.inflight--
	if msg.gen == m.flowsGen {
		m.closest = msg.x
	}
	return m.takePending()
}

// markOrCompare marks flow id, unmarks it, or compares it with the marked one.
func (m Model) markOrCompare(id int) (Model, tea.Cmd) {
	switch {
	case m.flowByID(id) == nil:
		return m, nil
	case m.marked == id:
		m.marked = 0
		return m, m.status.Flash(statusbar.Info, "flow "+itoa(id)+" unmarked")
	case m.marked == 0 || m.flowByID(m.marked) == nil:
		m.marked = id
		return m, m.status.Flash(statusbar.Info, "flow "+itoa(id)+" marked; m on another flow compares the two")
	}
	a, b := *m.flowByID(id), *m.flowByID(m.marked)
	m.marked = 0
	return m.openCompare(model.Compare(a, b, model.MatchPicked)), nil
}

func (m Model) eachFlow(fn func(*model.Flow)) {
	for i := range m.flows {
		if m.outcomes[i] != goneOutcome {
			fn(&m.flows[i])
		}
	}
}

func (m Model) openCompare(c model.Comparison) Model {
	m.cmpBack = m.mode
	m.cmp.SetComparison(c)
	m.mode = modeCompare
	m.relayout(m.lay.width, m.lay.height)
	return m
}

func (m Model) compareKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if key.Matches(k, m.keys.Compare.Back) {
		m.mode = m.cmpBack
		m.relayout(m.lay.width, m.lay.height)
		return m, nil
	}
	m.cmp = m.cmp.Update(k)
	return m, nil
}
