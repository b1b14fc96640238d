package ui

import (
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestCompareFollowsChangedFlows: the index c reads is built once loading
// ends, and flows that change afterwards (a live capture's next batch) are
// never compared from a stale one.
func TestCompareFollowsChangedFlows(t *testing.T) {
	_, flows := loadCapture(t, "contrast.pcap")
	m := loaded(t, 120, 40, flows, Options{Path: "contrast.pcap"})
	if m.closest == nil {
		t.Fatal("no index of the working flows after loading ended")
	}
	m = press(t, press(t, onFlow(t, m, 7), "c"), "esc")
	if s := flat(screen(press(t, onFlow(t, m, 7), "c"))); !strings.Contains(s, "flow #7 (ALERT) compared with flow #8 (OK 1.2)") {
		t.Fatalf("c on #7:\n%s", s)
	}
	m = press(t, m, "esc")
	// A live capture's next flow: like #8, at the moment #7 started. The
	// index takes it in, and it is now the nearest in time.
	kept := m.closest
	late := flows[7].Copy()
	late.ID, late.First = len(flows)+1, flows[6].First
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: []model.Flow{late}, BytesRead: 1000, Total: 1000}})
	flows = append(flows, late)
	if s := flat(screen(press(t, onFlow(t, m, 7), "c"))); !strings.Contains(s, "flow #7 (ALERT) compared with flow #"+itoa(late.ID)+" ") {
		t.Errorf("c on #7 does not compare with the new flow #%d:\n%s", late.ID, s)
	}
	if m.closest != kept {
		t.Error("a new flow made the index be built again instead of added to")
	}
	m = press(t, m, "esc")
	// Flow #8 now failed: the closest working flow is another one, the one the scan finds.
	changed, changedLate := flows[7], late
	changed.Verdict, changedLate.Verdict = flows[6].Verdict, flows[6].Verdict
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: []model.Flow{changed, changedLate}, BytesRead: 1000, Total: 1000}})
	flows[7], flows[late.ID-1] = changed, changedLate
	want, _, ok := model.Closest(&flows[6], func(fn func(*model.Flow)) {
		for i := range flows {
			fn(&flows[i])
		}
	})
	if !ok || want.ID == 8 || want.ID == late.ID {
		t.Fatalf("the scan finds #%d (%v): the capture no longer makes the case", want.ID, ok)
	}
	s := flat(screen(press(t, onFlow(t, m, 7), "c")))
	if !strings.Contains(s, "flow #7 (ALERT) compared with flow #"+itoa(want.ID)+" ") {
		t.Errorf("after #8 failed, c on #7 does not compare with #%d:\n%s", want.ID, s)
	}
}
