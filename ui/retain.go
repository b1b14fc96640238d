package ui

import (
	"slices"
	"sort"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"

	tea "charm.land/bubbletea/v2"
)

// The flows are kept in ID order. A file gives IDs 1, 2, 3 ... so a flow's
// place is its ID - 1; on live input retention drops finished flows
// (model.Retention), which leaves holes: a dropped flow's outcome becomes
// goneOutcome, it leaves the visible order at once, and once holes are a
// quarter of the list it is rebuilt without them. So the explorer's memory
// follows the flows kept, never every ID a live capture has given.

// goneOutcome marks, in outcomes, a flow retention dropped.
const goneOutcome = 255

// indexOf is flow id's place in m.flows, or -1 when it is not there (never
// seen, or dropped).
func (m *Model) indexOf(id int) int {
	n := len(m.flows)
	if id <= 0 || n == 0 {
		return -1
	}
	first := m.flows[0].ID
	i := id - first // no hole before it: the common case, and every file
	if m.flows[n-1].ID-first == n-1 && m.holes == 0 {
		// IDs only grow along the list, so n of them from first to
		// first+n-1 are every one of them: no need to read flows[i]'s
		// (a cache miss a flow, in each batch of a million-flow load).
		if i < 0 || i >= n {
			return -1
		}
		return i
	}
	if i < 0 || i >= n || m.flows[i].ID != id {
		i = sort.Search(n, func(i int) bool { return m.flows[i].ID >= id })
		if i >= n || m.flows[i].ID != id {
			return -1
		}
	}
	if m.outcomes[i] == goneOutcome {
		return -1
	}
	return i
}

// flowByID is flow id, or nil when it is not (or no longer) there.
func (m *Model) flowByID(id int) *model.Flow {
	if i := m.indexOf(id); i >= 0 {
		return &m.flows[i]
	}
	return nil
}

// flowCount is how many flows there are, the dropped ones left out.
func (m Model) flowCount() int { return len(m.flows) - m.holes }

// dropFlows forgets the flows retention dropped: counts, the visible
// order (the cursor stays on its flow, or where it was when that one
// went), a mark, the closest-flow index. An open pane keeps showing its
// flow and the status line says it was dropped.
func (m *Model) dropFlows(ids []int) tea.Cmd {
	if len(ids) == 0 {
		return nil
	}
	n, open := 0, m.detail.FlowID()
	var cmd tea.Cmd
	for _, id := range ids {
		i := m.indexOf(id)
		if i < 0 {
			continue
		}
		if id == open && m.mode == modeDetail {
			cmd = m.status.Flash(statusbar.Info, "flow "+itoa(id)+" was dropped from memory (retention on live input); the pane shows it as it was last seen")
		}
		m.counts[m.flows[i].Outcome]--
		m.outcomes[i] = goneOutcome
		m.holes++
		n++
		if m.marked == id {
			m.marked = 0
		}
	}
	if n == 0 {
		return nil
	}
	m.flowsGen++
	m.closest = nil // built again at the next c, from the flows kept
	vis, cur := m.list.Visible(), m.list.Cursor()
	kept := make([]int32, 0, len(vis))
	newCur := -1
	for j, i := range vis {
		if j == cur {
			newCur = len(kept) // the selected flow, or the one after it if it went
		}
		if m.outcomes[i] != goneOutcome {
			kept = append(kept, i)
		}
	}
	if newCur < 0 || newCur >= len(kept) {
		newCur = max(len(kept)-1, 0)
	}
	if m.holes*4 >= len(m.flows) {
		kept = m.squeeze(kept)
	}
	m.list.SetData(m.flows, kept, newCur)
	m.visCounts = countVisible(m.outcomes, kept)
	return cmd
}

// squeeze rebuilds the flow list without its holes, in a new array so the
// old one's memory goes, and returns vis with its places moved to match.
func (m *Model) squeeze(vis []int32) []int32 {
	at := make([]int32, len(m.flows)) // old place -> new place
	flows := make([]model.Flow, 0, (len(m.flows)-m.holes)*5/4+16)
	outs := make([]uint8, 0, cap(flows))
	for i := range m.flows {
		if m.outcomes[i] == goneOutcome {
			at[i] = -1
			continue
		}
		at[i] = int32(len(flows))
		flows = append(flows, m.flows[i])
		outs = append(outs, m.outcomes[i])
	}
	for j, i := range vis {
		vis[j] = at[i]
	}
	m.flows, m.outcomes, m.holes = flows, outs, 0
	if m.gindex != nil {
		// Rows by place, and value tables that only grow: a new index holds
		// the flows kept and only their values (live input meets new client
		// addresses for as long as it runs).
		m.gindex = model.IndexFlows(m.flows)
	}
	return vis
}

// withoutGone drops the places of dropped flows from idx (a filter's
// result, computed over every place).
func withoutGone(outs []uint8, idx []int32) []int32 {
	return slices.DeleteFunc(idx, func(i int32) bool { return outs[i] == goneOutcome })
}
