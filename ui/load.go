package ui

import (
	"context"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
)

// loadBatchMsg carries one batch from the loader goroutine, stamped with
// the time since the load started (View never reads the clock).
type loadBatchMsg struct {
	model.Batch
	Elapsed time.Duration
	start   time.Time
}

// loadEndedMsg says the loader goroutine has returned.
type loadEndedMsg struct{}

// loadProgress is what the progress line shows.
type loadProgress struct {
	bytes, total int64
	packets      int
	elapsed      time.Duration
	ratio        float64 // never goes backwards
}

// startLoad runs the loader on its own goroutine; it only ever talks to the
// UI through ch, so it never touches UI state.
func startLoad(ctx context.Context, l *model.Loader, ch chan model.Batch) tea.Cmd {
	return func() tea.Msg {
		start := time.Now()
		go func() {
			defer close(ch)
			_ = l.Run(ctx, func(b model.Batch) { // the damage also arrives in the last batch
				select {
				case ch <- b:
				case <-ctx.Done():
				}
			})
		}()
		return waitBatch(ch, start)()
	}
}

// waitBatch is the one-shot "next batch" command, re-armed after each batch.
func waitBatch(ch chan model.Batch, start time.Time) tea.Cmd {
	return func() tea.Msg {
		b, ok := <-ch
		if !ok {
			return loadEndedMsg{}
		}
		return loadBatchMsg{Batch: b, Elapsed: time.Since(start), start: start}
	}
}

// onBatch takes a batch in, or holds it while a filter command is reading
// the flows (replacing a flow under it would be a data race).
func (m Model) onBatch(msg loadBatchMsg) (Model, tea.Cmd) {
	var cmds []tea.Cmd
	if m.batches != nil && !msg.Done {
		cmds = append(cmds, waitBatch(m.batches, msg.start))
	}
	m.prog.bytes, m.prog.total, m.prog.packets, m.prog.elapsed = msg.BytesRead, msg.Total, msg.Packets, msg.Elapsed
	if msg.Total > 0 {
		m.prog.ratio = max(m.prog.ratio, min(1, float64(msg.BytesRead)/float64(msg.Total)))
	}
	if msg.Total < 0 && !m.spinning && !msg.Done {
		m.spinning = true
		cmds = append(cmds, m.spin.Tick)
	}
	if m.live != nil && !msg.Done {
		m.live.observe(&msg.Batch, msg.Elapsed)
	}
	if msg.Done {
		if m.live != nil {
			m.live.paused = false // the input ended: everything held goes on show
		}
		m.loading, m.spinning = false, false
		m.prog.ratio = 1
		m.relayout(m.lay.width, m.lay.height)
		if msg.Err != nil {
			cmds = append(cmds, m.status.Flash(statusbar.Error, "capture damaged: "+msg.Err.Error()+" (what was read is shown)"))
		} else if m.live != nil {
			ended := "input ended: " + plural(msg.Packets, "packet") + " read"
			if d := msg.Retained.Dropped(); d > 0 {
				ended += "; " + plural(d, "finished flow") + " dropped from memory by retention"
			}
			cmds = append(cmds, m.status.Flash(statusbar.Info, ended))
		}
	}
	if m.holding() {
		lastHeld := 0
		if n := len(m.flows); n > 0 {
			lastHeld = m.flows[n-1].ID
		}
		m.pending = mergePending(append(m.pending, msg.Batch), lastHeld)
		return m, tea.Batch(cmds...)
	}
	cmds = append(cmds, m.apply(msg.Batch), m.afterReload())
	if msg.Done {
		cmds = append(cmds, m.loaded())
	}
	return m, tea.Batch(cmds...)
}

// loaded is what starts once the last batch is in: the indexes built in
// the background, and a group view opened while loading counted again, of
// every flow (that grouping builds the group index if there is none).
func (m *Model) loaded() tea.Cmd {
	if m.mode == modeGroups {
		return tea.Batch(m.indexClosest(), m.regroup(m.groups.By(), m.groups.Column()))
	}
	return tea.Batch(m.indexClosest(), m.indexAllGroups())
}

// apply replaces flows by ID, adds new ones in ID order, forgets the ones
// retention dropped, and extends the visible order: directly in capture
// order, or through a filter command otherwise. A batch's flows come in any
// order.
func (m *Model) apply(b model.Batch) tea.Cmd {
	fs := b.Flows
	oldLen := len(m.flows)
	m.flowsGen++
	if b.Retained.On {
		m.retained = b.Retained
	}
	last := 0
	if oldLen > 0 {
		last = m.flows[oldLen-1].ID
	}
	var fresh []int // places in fs of flows newer than every flow held
	lo, hi := 0, 0  // their smallest and largest IDs
	for i := range fs {
		f := &fs[i]
		if f.ID > last {
			if len(fresh) == 0 || f.ID < lo {
				lo = f.ID
			}
			hi = max(hi, f.ID)
			fresh = append(fresh, i)
			continue
		}
		idx := m.indexOf(f.ID)
		if idx < 0 {
			continue // dropped already (a held batch merged with a later one)
		}
		old := &m.flows[idx]
		m.counts[old.Outcome]--
		if m.closest != nil && !m.closest.Replace(old, f) {
			m.closest = nil // built again at the next c
		}
		m.flows[idx] = *f
		m.indexGroups(idx, f)
		m.outcomes[idx] = outcomeIndex(f.Outcome)
		m.counts[f.Outcome]++
	}
	if len(fresh) > 0 {
		inIDOrder(fresh, fs, lo, hi)
		m.growFlows(oldLen+len(fresh), b)
		var none model.Flow // Replace's "old" for a new flow
		for _, i := range fresh {
			f := &fs[i]
			if m.closest != nil && !m.closest.Replace(&none, f) {
				m.closest = nil
			}
			m.flows = append(m.flows, *f)
			m.indexGroups(len(m.flows)-1, f)
			m.outcomes = append(m.outcomes, outcomeIndex(f.Outcome))
			m.counts[f.Outcome]++
		}
	}
	if id := m.detail.FlowID(); id > 0 {
		if f := m.flowByID(id); f != nil {
			m.detail.Refresh(f)
		}
	}
	if m.defaultOrder() {
		vis := m.list.Visible()
		for i := oldLen; i < len(m.flows); i++ {
			vis = append(vis, int32(i))
		}
		m.list.SetData(m.flows, vis, -1)
	}
	dropped := m.dropFlows(b.Dropped) // after the new flows are in the order: a squeeze moves them too
	if m.defaultOrder() {
		return tea.Batch(dropped, m.respark()) // nothing once loading is over
	}
	if len(m.flows) != oldLen || len(fs) > 0 {
		m.list.SetData(m.flows, m.list.Visible(), -1)
		return tea.Batch(dropped, m.refilter())
	}
	return dropped
}

// inIDOrder sorts fresh, places in fs, by their flows' IDs, lo to hi.
// A batch's new flows are nearly always every ID from lo to hi: each then
// goes straight to its place, with no comparisons (each of which read two
// flows).
func inIDOrder(fresh []int, fs []model.Flow, lo, hi int) {
	if hi-lo+1 == len(fresh) {
		placed := make([]int, len(fresh))
		for j := range placed {
			placed[j] = -1
		}
		dup := false
		for _, i := range fresh {
			at := fs[i].ID - lo
			dup = dup || placed[at] >= 0
			placed[at] = i
		}
		if !dup { // (a batch holds each flow once; sorting covers it if not)
			copy(fresh, placed)
			return
		}
	}
	slices.SortFunc(fresh, func(a, b int) int { return fs[a].ID - fs[b].ID })
}

// growFlows makes room for n flows. While the file is read, room is made
// for as many flows as its size suggests (the flows so far, scaled by the
// bytes left), so the list is copied a few times, not at every doubling:
// a flow is about a kilobyte, and each copy held the old and the new list.
// Once read, room grows by a quarter (later batches only update flows).
func (m *Model) growFlows(n int, b model.Batch) {
	if n <= cap(m.flows) && n <= cap(m.outcomes) {
		return
	}
	if n > cap(m.flows) || n > cap(m.outcomes) { // Grow rounds each up its own way
		want := n
		if b.Total > 0 && b.BytesRead > 0 && b.BytesRead < b.Total {
			est := float64(n) * float64(b.Total) / float64(b.BytesRead) * 1.1
			const minFlowBytes = 70 // a SYN in a pcap: record header and 54 bytes of frame
			want = int(min(est, float64(n)+float64(b.Total-b.BytesRead)/minFlowBytes))
		}
		// At least a quarter more: reading runs ahead of analysis, so the
		// estimate tends to fall short, and growing to it at every batch
		// copied the whole list each time.
		want = max(want, n+n/4)
		m.flows = slices.Grow(m.flows, want-len(m.flows))
		m.outcomes = slices.Grow(m.outcomes, want-len(m.outcomes))
	}
}
