package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// liveState is what the header says about live input (a pipe, stdin): how
// fast packets come, how many handshakes failed in the last minute, how
// many flows are still open, and whether the view is paused.
type liveState struct {
	on      bool
	paused  bool
	samples []rateSample     // packets read at each batch, the last rateWindow of them
	fails   []time.Duration  // when each failure settled, the last minute of them
	open    map[int]struct{} // flows whose outcome may still change
	failed  map[int]struct{} // flows already counted in fails
	held    int              // flow updates held while paused

	kernelDrops func() uint64 // the captured interface's drops so far (Options.KernelDrops); nil: none
	dropped     uint64        // what it said at the last batch
}

type rateSample struct {
	at      time.Duration
	packets int
}

// rateWindow is how far back packets/s looks: long enough to be steady,
// short enough to follow a burst.
const rateWindow = 5 * time.Second

func newLiveState() *liveState {
	return &liveState{on: true, open: map[int]struct{}{}, failed: map[int]struct{}{}}
}

// observe takes a batch in as it arrives, paused or not: the rates count
// input, not what is on screen.
func (l *liveState) observe(b *model.Batch, at time.Duration) {
	l.samples = append(l.samples, rateSample{at, b.Packets})
	for len(l.samples) > 2 && at-l.samples[1].at >= rateWindow {
		l.samples = l.samples[1:]
	}
	for i := range b.Flows {
		f := &b.Flows[i]
		if !f.Settled() {
			l.open[f.ID] = struct{}{}
			continue
		}
		delete(l.open, f.ID)
		if _, seen := l.failed[f.ID]; !seen && f.Outcome.Failed() {
			l.failed[f.ID] = struct{}{}
			l.fails = append(l.fails, at)
		}
	}
	for _, id := range b.Dropped { // retention: these IDs never come again
		delete(l.open, id)
		delete(l.failed, id)
	}
	for len(l.fails) > 0 && at-l.fails[0] > time.Minute {
		l.fails = l.fails[1:]
	}
	if l.paused {
		l.held += len(b.Flows)
	}
	if l.kernelDrops != nil {
		l.dropped = l.kernelDrops()
	}
}

// packetRate is packets per second over the last rateWindow.
func (l *liveState) packetRate() float64 {
	if len(l.samples) < 2 {
		return 0
	}
	a, z := l.samples[0], l.samples[len(l.samples)-1]
	if z.at <= a.at {
		return 0
	}
	return float64(z.packets-a.packets) / (z.at - a.at).Seconds()
}

// liveLine is the line under the header on live input: LIVE (or PAUSED)
// and the rates, the parts that matter most first; the rest are left out
// when the line is narrow, so the pause key's hint stays on screen.
func (m Model) liveLine() string {
	l, p := m.live, m.prog
	state := "LIVE " + m.fileName()
	keys := "(p pauses, q quits)"
	if l.paused {
		state = fmt.Sprintf("PAUSED %s (input still read: %s held)", m.fileName(), plural(l.held, "flow update"))
		keys = "(p resumes)"
	}
	parts := []string{m.spin.View() + " " + state + ":"}
	if l.dropped > 0 { // right after the state: what is on screen is missing packets
		parts = append(parts, "KERNEL DROPPED "+count(int64(l.dropped))+" pkts")
	}
	parts = append(parts,
		fmt.Sprintf("%.0f pkts/s", l.packetRate()),
		plural(len(l.fails), "failure")+"/min",
		count(int64(len(l.open)))+" open",
	)
	r := m.retained
	if d := r.Dropped(); d > 0 { // before the totals: the list no longer holds every flow
		parts = append(parts, fmt.Sprintf("%s dropped (%s ok, %s failed)", count(int64(d)), count(int64(r.OK)), count(int64(r.Failed))))
	}
	parts = append(parts, count(int64(p.packets))+" pkts", count(int64(m.flowCount()))+" flows")
	if r.On {
		parts = append(parts, retentionText(r))
	}
	parts = append(parts, humanBytes(p.bytes))

	room := m.lay.width - ansi.StringWidth(keys) - 2
	line := parts[0]
	for _, part := range parts[1:] {
		if ansi.StringWidth(line)+2+ansi.StringWidth(part) > room {
			break
		}
		line += "  " + part
	}
	return line + "  " + keys
}

// retentionText says what live input keeps: "keeps 20,000 finished
// (ok 10m, failed 1h)".
func retentionText(r model.Retained) string {
	var keeps []string
	if r.Limits.Flows > 0 {
		keeps = append(keeps, count(int64(r.Limits.Flows))+" finished")
	}
	var ages []string
	if r.Limits.OKAge > 0 {
		ages = append(ages, "ok "+shortDur(r.Limits.OKAge))
	}
	if r.Limits.FailAge > 0 {
		ages = append(ages, "failed "+shortDur(r.Limits.FailAge))
	}
	if len(ages) > 0 {
		keeps = append(keeps, "("+strings.Join(ages, ", ")+")")
	}
	return "keeps " + strings.Join(keeps, " ")
}

// shortDur is 10m, 1h, 1h30m, 90s.
func shortDur(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return strings.TrimSuffix(d.String(), "0s")
	}
	return d.String()
}

// togglePause pauses the view or resumes it with every update held meanwhile.
func (m Model) togglePause() (Model, tea.Cmd) {
	m.live.paused = !m.live.paused
	if m.live.paused {
		m.live.held = 0
		return m, nil
	}
	m.live.held = 0
	return m.takePending()
}

// holding reports whether batches wait in m.pending instead of reaching the list.
func (m Model) holding() bool { return m.inflight > 0 || m.live != nil && m.live.paused }

// mergePending folds the held batches into one once there are many, so a
// long pause holds each changed flow once, not each of its updates. Flows
// retention dropped meanwhile go from the fold, and of the dropped IDs only
// those of flows the list holds (at most lastHeld) are kept: a pause of an
// hour on a busy pipe holds what retention keeps, not every flow that
// passed.
func mergePending(bs []model.Batch, lastHeld int) []model.Batch {
	if len(bs) < 32 {
		return bs
	}
	gone := map[int]bool{}
	var dropped []int
	for _, b := range bs {
		for _, id := range b.Dropped {
			gone[id] = true
			if id <= lastHeld {
				dropped = append(dropped, id)
			}
		}
	}
	at := map[int]int{}
	var flows []model.Flow
	for _, b := range bs {
		for _, f := range b.Flows {
			if gone[f.ID] {
				continue
			}
			if i, ok := at[f.ID]; ok {
				flows[i] = f
				continue
			}
			at[f.ID] = len(flows)
			flows = append(flows, f)
		}
	}
	last := bs[len(bs)-1]
	last.Flows, last.Dropped = flows, dropped
	return []model.Batch{last}
}
