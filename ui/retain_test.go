package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// liveModel is the explorer on live input (size unknown) at w x h, fed
// the first n flows of mix40 in one batch, still loading.
func liveModel(t *testing.T, w, h int, flows []model.Flow) Model {
	t.Helper()
	m := New(Options{Path: "-"})
	m.live = newLiveState()
	m = drive(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: flows, BytesRead: 1000, Total: -1, Packets: 100}, Elapsed: time.Second})
}

// dropBatch is a live batch that drops ids.
func dropBatch(ids []int, r model.Retained) loadBatchMsg {
	return loadBatchMsg{Batch: model.Batch{BytesRead: 2000, Total: -1, Packets: 200, Dropped: ids, Retained: r}, Elapsed: 2 * time.Second}
}

func rowIDs(s string) map[string]bool {
	ids := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		if f := strings.Fields(strings.TrimLeft(line, "> ")); len(f) > 0 && regexp.MustCompile(`^\d+$`).MatchString(f[0]) {
			ids[f[0]] = true
		}
	}
	return ids
}

// TestRetentionDropsFromList: flows retention drops leave the list, the
// counts and the header at once; the cursor stays on its flow, or moves to
// the next when its own went; the live line says what is kept and dropped.
func TestRetentionDropsFromList(t *testing.T) {
	flows := mix(t)[:10]
	m := liveModel(t, 160, 30, flows)
	m = openFlow(t, m, 4)
	m = press(t, m, "esc")
	r := model.Retained{On: true, Limits: model.DefaultRetention, OK: 2, Failed: 1}
	m = drive(t, m, dropBatch([]int{2, 3, 4}, r))
	s := screen(m)
	ids := rowIDs(s)
	for _, id := range []string{"2", "3", "4"} {
		if ids[id] {
			t.Errorf("dropped flow %s still listed:\n%s", id, s)
		}
	}
	if !ids["1"] || !ids["5"] || !ids["10"] {
		t.Errorf("kept flows missing:\n%s", s)
	}
	for _, id := range []int{2, 3, 4} {
		_, open := m.live.open[id]
		_, failed := m.live.failed[id]
		if open || failed {
			t.Errorf("the live counters still hold dropped flow %d (they would grow for as long as the input runs)", id)
		}
	}
	if m.list.Selected() != 5 {
		t.Errorf("cursor on flow %d, want 5 (flow 4 under it was dropped)", m.list.Selected())
	}
	if m.flowCount() != 7 || !strings.Contains(s, "7 flows") {
		t.Errorf("count %d, want 7 shown:\n%s", m.flowCount(), s)
	}
	if !strings.Contains(s, "3 dropped (2 ok, 1 failed)") || !strings.Contains(s, "keeps 20,000 finished (ok 10m, failed 1h)") {
		t.Errorf("the live line does not say what retention did:\n%s", s)
	}
	total := 0
	for _, n := range m.counts {
		total += n
	}
	if total != 7 {
		t.Errorf("outcome counts add to %d, want 7", total)
	}
	// The end of input: the header says how many went.
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Total: -1, Done: true, Retained: r}, Elapsed: 3 * time.Second})
	if s := screen(m); !strings.Contains(s, "7 flows kept (3 dropped)") {
		t.Errorf("the header after the input ended does not count the dropped flows:\n%s", s)
	}
}

// TestRetentionDropsOpenFlow: the flow open in the pane is dropped: the
// pane keeps showing it, the status line says so, and the keys go on
// working (next flow, back, export of the flow under the cursor).
func TestRetentionDropsOpenFlow(t *testing.T) {
	flows := mix(t)[:10]
	m := liveModel(t, 160, 30, flows)
	m = openFlow(t, m, 6)
	before := screen(m)
	m = drive(t, m, dropBatch([]int{6}, model.Retained{On: true, Limits: model.DefaultRetention, OK: 1}))
	s := screen(m)
	if m.mode != modeDetail || m.detail.FlowID() != 6 {
		t.Fatalf("the pane left flow 6 (mode %v, flow %d)", m.mode, m.detail.FlowID())
	}
	if !strings.Contains(s, "flow 6 was dropped from memory") {
		t.Errorf("nothing says the open flow was dropped:\n%s", s)
	}
	if strings.Contains(before, flows[5].Server.String()) && !strings.Contains(s, flows[5].Server.String()) {
		t.Errorf("the pane no longer shows flow 6:\n%s", s)
	}
	m = press(t, m, "n") // next flow
	if id := m.detail.FlowID(); id == 6 || id == 0 {
		t.Errorf("next from a dropped flow shows flow %d", id)
	}
	m = press(t, m, "esc", "c", "m")
}

// TestRetentionSqueeze: once a quarter of the list is holes it is rebuilt
// without them; filters, sort, later batches and IDs keep working, and the
// storage does not grow with the IDs given.
func TestRetentionSqueeze(t *testing.T) {
	all := mix(t)
	m := liveModel(t, 160, 40, all)
	m = press(t, m, "tab", "tab") // the group view and back: the group index is built
	if m.gindex == nil || m.gindex.Len() != len(m.flows) {
		t.Fatalf("opening the group view built no index of the %d flows", len(m.flows))
	}
	m = press(t, m, "f") // failures only
	var drop []int
	for id := 1; id <= 30; id++ {
		drop = append(drop, id)
	}
	m = drive(t, m, dropBatch(drop, model.Retained{On: true, OK: 20, Failed: 10}))
	if m.holes != 0 || len(m.flows) != 10 || m.flows[0].ID != 31 {
		t.Fatalf("after dropping 30 of 40: %d flows held, %d holes, first ID %d", len(m.flows), m.holes, m.flows[0].ID)
	}
	for _, i := range m.list.Visible() {
		if f := m.flows[i]; f.ID <= 30 || !f.Outcome.Failed() {
			t.Errorf("visible: flow %d (%s)", f.ID, f.Badge)
		}
	}
	// 40 more flows, IDs 41-80 (mix40 again), arrive after the squeeze.
	more := make([]model.Flow, len(all))
	for i, f := range all {
		f = f.Copy() // the facts are shared with the flows held
		f.ID += 40
		more[i] = f
	}
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: more, Total: -1, Packets: 300}, Elapsed: 3 * time.Second})
	if m.flowCount() != 50 {
		t.Fatalf("%d flows, want 10 + 40", m.flowCount())
	}
	for _, id := range []int{31, 40, 41, 80} {
		if f := m.flowByID(id); f == nil || f.ID != id {
			t.Errorf("flowByID(%d) = %v", id, f)
		}
	}
	for _, id := range []int{1, 30, 81} {
		if m.flowByID(id) != nil {
			t.Errorf("flowByID(%d) found a flow", id)
		}
	}
	m = press(t, m, "f") // all again
	if n := len(m.list.Visible()); n != 50 {
		t.Errorf("%d visible without the filter, want 50", n)
	}
	if m.gindex.Len() != len(m.flows) {
		t.Errorf("the group index has %d rows for %d flows", m.gindex.Len(), len(m.flows))
	}
	m = press(t, m, "tab")
	if s := screen(m); !strings.Contains(s, "of 50 flows by") {
		t.Errorf("the group view after the squeeze:\n%s", s)
	}
	m = press(t, m, "tab")
	m = openFlow(t, m, 41)
	if m.detail.FlowID() != 41 {
		t.Errorf("opened flow %d, want 41", m.detail.FlowID())
	}
}

// TestRetentionWhilePaused: a long pause holds what retention keeps, not
// every flow that passed: flows that came and went while paused are not
// held, flows the list holds that were dropped go on resume, and the
// counts add up.
func TestRetentionWhilePaused(t *testing.T) {
	all := mix(t)
	m := liveModel(t, 160, 40, all)
	m, _ = m.togglePause()
	r := model.Retained{On: true, Limits: model.DefaultRetention}
	for k := 1; k <= 100; k++ {
		f := all[k%40].Copy() // the facts are shared with the flows held
		f.ID = 40 + k
		drop := []int{}
		if k > 1 {
			drop = append(drop, 40+k-1) // the flow of the batch before: came and went while paused
		}
		if k <= 10 {
			drop = append(drop, k) // flows the list holds
		}
		r.OK += len(drop)
		m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: []model.Flow{f}, Total: -1, Packets: 1000 + k, Dropped: drop, Retained: r}, Elapsed: time.Duration(k) * time.Second})
	}
	held := 0
	for _, b := range m.pending {
		held += len(b.Flows) + len(b.Dropped)
	}
	if held > 2*32 { // up to 31 batches wait unmerged, each with a flow and a dropped ID or two
		t.Errorf("the pause holds %d flows and dropped IDs for 100 batches; it must not grow with the flows that passed", held)
	}
	m, _ = m.togglePause()
	m = driveCmd(t, m, nil)
	if m.flowCount() != 31 || m.flowByID(140) == nil || m.flowByID(5) != nil || m.flowByID(100) != nil {
		t.Errorf("after resuming: %d flows (want 30 of the first 40 and flow 140)", m.flowCount())
	}
}
