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
	if msg.Done {
		m.loading, m.spinning = false, false
		m.prog.ratio = 1
		m.relayout(m.lay.width, m.lay.height)
		if msg.Err != nil {
			cmds = append(cmds, m.status.Flash(statusbar.Error, "capture damaged: "+msg.Err.Error()+" (what was read is shown)"))
		}
	}
	if m.inflight > 0 {
		m.pending = append(m.pending, msg.Batch)
		return m, tea.Batch(cmds...)
	}
	cmds = append(cmds, m.apply(msg.Batch))
	return m, tea.Batch(cmds...)
}

// apply replaces flows by ID and extends the visible order: directly in
// capture order, or through a filter command otherwise.
func (m *Model) apply(b model.Batch) tea.Cmd {
	fs := b.Flows
	if !slices.IsSortedFunc(fs, byID) {
		fs = slices.Clone(fs)
		slices.SortFunc(fs, byID)
	}
	oldLen := len(m.flows)
	for i := range fs {
		f := &fs[i]
		idx := f.ID - 1
		if idx < 0 {
			continue
		}
		for len(m.flows) <= idx {
			m.flows = append(m.flows, model.Flow{})
			m.outcomes = append(m.outcomes, 0)
		}
		if old := &m.flows[idx]; old.ID != 0 {
			m.counts[old.Outcome]--
		}
		m.flows[idx] = *f
		m.outcomes[idx] = outcomeIndex(f.Outcome)
		m.counts[f.Outcome]++
	}
	if id := m.detail.FlowID(); id > 0 && id <= len(m.flows) {
		m.detail.Refresh(&m.flows[id-1])
	}
	if m.defaultOrder() {
		vis := m.list.Visible()
		for i := len(vis); i < len(m.flows); i++ {
			vis = append(vis, int32(i))
		}
		m.list.SetData(m.flows, vis, -1)
		return nil
	}
	if len(m.flows) != oldLen || len(fs) > 0 {
		m.list.SetData(m.flows, m.list.Visible(), -1)
		return m.refilter()
	}
	return nil
}

func byID(a, b model.Flow) int { return a.ID - b.ID }
