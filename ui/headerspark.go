package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// The list header's failures over time: the visible flows' failures in the
// group view's buckets over the whole capture, so "it started at 09:14"
// shows at a glance. Counted in a command once the capture is loaded and
// after each filter result; shown from sparkFrom columns.

// sparkFrom is the width from which the header has room for the sparkline
// (at 80 columns the counts need the line).
const sparkFrom = 120

type sparkResultMsg struct {
	Gen     int
	Buckets []int
	Span    model.Span
}

// respark counts the visible failures over time in a command; outs says
// which flows failed without reading them.
func (m *Model) respark() tea.Cmd {
	if m.loading || len(m.flows) == 0 {
		return nil
	}
	m.sparkGen++
	m.inflight++
	vis := m.list.Visible()
	gen, flows, vis := m.sparkGen, m.flows[:len(m.flows):len(m.flows)], vis[:len(vis):len(vis)]
	outs := m.outcomes[:len(m.outcomes):len(m.outcomes)]
	return func() tea.Msg {
		span := model.SpanOf(flows)
		b := make([]int, model.GroupBuckets)
		for _, i := range vis {
			if model.Outcomes[outs[i]].Failed() {
				b[span.Bucket(flows[i].First, len(b))]++
			}
		}
		return sparkResultMsg{Gen: gen, Buckets: b, Span: span}
	}
}

func (m Model) onSparkResult(msg sparkResultMsg) (Model, tea.Cmd) {
	m.inflight--
	if msg.Gen == m.sparkGen {
		m.spark, m.sparkSpan = msg.Buckets, msg.Span
	}
	return m.takePending()
}

// headerSpark is "failures 12:25:43 |▂▆█▆▄▄▂   | 12:28:03", or "" when
// there is nothing to draw or no room.
func (m Model) headerSpark() string {
	if m.lay.width < sparkFrom || m.spark == nil {
		return ""
	}
	clock := func(t interface{ Format(string) string }) string { return t.Format("15:04:05") }
	from, to := m.sparkSpan.From.UTC(), m.sparkSpan.To.UTC()
	if loc := m.opts.Location; loc != nil {
		from, to = from.In(loc), to.In(loc)
	}
	return "failures " + clock(from) + " |" + model.Sparkline(m.spark) + "| " + clock(to)
}
