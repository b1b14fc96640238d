package ui

import (
	"errors"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/filterbar"
)

// filterResultMsg is a new visible order. Gen tells stale results apart:
// typing keeps launching filters and only the newest one is shown.
type filterResultMsg struct {
	Gen     int
	Visible []int32
	Cursor  int // where the previously selected flow is now, -1 if gone
	Counts  outcomeCounts
}

// defaultOrder is capture order with nothing hidden: batches extend it
// directly, without a command.
func (m Model) defaultOrder() bool {
	return m.filter.Empty() && !m.failuresOnly && m.sortKey == model.SortTime && !m.reverse
}

// refilter starts a filter+sort over every flow in a command. Inputs are
// copied into locals first; the command never sees m (STYLE §1.6).
func (m *Model) refilter() tea.Cmd {
	m.filterGen++
	m.inflight++
	gen, flows, f, failures, key, rev := m.filterGen, m.flows[:len(m.flows):len(m.flows)], m.filter, m.failuresOnly, m.sortKey, m.reverse
	outs := m.outcomes[:len(m.outcomes):len(m.outcomes)]
	sel := int32(-1) // the selected flow's place, to keep the cursor on it
	if vis, c := m.list.Visible(), m.list.Cursor(); c >= 0 && c < len(vis) {
		sel = vis[c]
	}
	return func() tea.Msg {
		var idx []int32
		if f.Empty() && !failures {
			idx = make([]int32, len(flows))
			for i := range idx {
				idx[i] = int32(i)
			}
		} else {
			idx = model.FilterFlows(flows, f, failures)
		}
		idx = withoutGone(outs, idx)
		if key != model.SortTime || rev {
			model.SortIndices(flows, idx, key, rev)
		}
		return filterResultMsg{Gen: gen, Visible: idx, Cursor: slices.Index(idx, sel), Counts: countVisible(outs, idx)}
	}
}

// onFilterResult swaps the newest order in, then takes held batches.
func (m Model) onFilterResult(msg filterResultMsg) (Model, tea.Cmd) {
	m.inflight--
	if msg.Gen == m.filterGen {
		cur := msg.Cursor
		if cur < 0 {
			cur = 0
		}
		m.list.SetData(m.flows, msg.Visible, cur)
		m.visCounts = msg.Counts
	}
	return m.takePending()
}

// settleFilter applies the newest filter now, when Enter keeps it while a
// result is still on its way: the keys after Enter then act on what was
// typed (a quick Enter, Enter opened a flow of an older filter). Older
// results still arrive and are dropped as stale.
func (m Model) settleFilter() (Model, tea.Cmd) {
	msg := m.refilter()()
	return m.onFilterResult(msg.(filterResultMsg))
}

// onFilterChanged parses as the user types. A valid text filters the list
// live; an invalid one shows its error in place and leaves the list on the
// last text that parsed (the header names it), so typing "sni:a|" does not
// flash the whole list. Enter decides: see applyFilter. Stale messages,
// from text since edited, are dropped.
func (m Model) onFilterChanged(msg filterbar.ChangedMsg) (Model, tea.Cmd) {
	if msg.Expr != m.fbar.Value() {
		return m, nil
	}
	f, err := model.ParseFilter(msg.Expr)
	if err != nil {
		m.showFilterError(err)
		m.relayout(m.lay.width, m.lay.height)
		return m, nil
	}
	m.fbar.SetError("", -1)
	m.relayout(m.lay.width, m.lay.height)
	return m.showFilter(f, false)
}

// showFilterError puts a parse error in the bar.
func (m *Model) showFilterError(err error) {
	var fe *model.FilterError
	if errors.As(err, &fe) {
		m.fbar.SetError(fe.Msg, fe.Pos)
	} else {
		m.fbar.SetError(err.Error(), -1)
	}
}

// showFilter makes f the filter the list shows, re-filtering only when it
// changed; now applies the result before returning (Enter: the next key
// acts on it), else a command delivers it.
func (m Model) showFilter(f model.Filter, now bool) (Model, tea.Cmd) {
	if f.String() == m.filter.String() && m.inflight == 0 {
		m.filter = f
		return m, nil
	}
	m.filter = f
	if now {
		return m.settleFilter()
	}
	return m, m.refilter()
}

// applyFilter is Enter in the bar. A filter that parses is applied: the bar
// closes and the filter joins the history. One that does not is refused:
// the bar stays open, red, saying "not applied" with the error, and the
// list goes back to the filter in force before the edit (the header names
// it), not to whatever prefix of the text last parsed: "outcome:bogus"
// must not leave the bare word "outcome" applied.
func (m Model) applyFilter() (Model, tea.Cmd) {
	expr := m.fbar.Value()
	f, err := model.ParseFilter(expr)
	if err != nil {
		m.showFilterError(err)
		m.fbar.Reject()
		m.relayout(m.lay.width, m.lay.height)
		return m.showFilter(m.applied, true)
	}
	m.fbar.SetError("", -1)
	m.fbar.Remember(expr)
	m.fbar.Blur()
	m.applied = f
	m.mode = modeList
	m.relayout(m.lay.width, m.lay.height)
	return m.showFilter(f, true)
}

// clearFilter drops the expression (esc in the input).
func (m Model) clearFilter() (Model, tea.Cmd) {
	m.fbar.Reset()
	m.fbar.Blur()
	m.filter, m.applied = model.Filter{}, model.Filter{}
	m.mode = modeList
	m.relayout(m.lay.width, m.lay.height)
	return m, m.refilter()
}

// matching lists the visible flow IDs, for "export everything matching".
func (m Model) matching() []int {
	vis := m.list.Visible()
	ids := make([]int, len(vis))
	for i, v := range vis {
		ids[i] = m.flows[v].ID
	}
	return ids
}

// takePending applies the load batches held while a filter or a grouping was
// being computed, once none is in flight (and reports a key log reload
// once that leaves its flows settled).
func (m Model) takePending() (Model, tea.Cmd) {
	if m.holding() || len(m.pending) == 0 {
		return m, m.afterReload()
	}
	var cmds []tea.Cmd
	for _, b := range m.pending {
		cmds = append(cmds, m.apply(b))
	}
	m.pending = nil
	if !m.loading { // the last batch was among them
		cmds = append(cmds, m.loaded())
	}
	return m, tea.Batch(append(cmds, m.afterReload())...)
}
