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
	// Flow #8 now failed: the closest working flow is another one, the one the scan finds.
	changed := flows[7]
	changed.Verdict = flows[6].Verdict
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: []model.Flow{changed}, BytesRead: 1000, Total: 1000}})
	flows[7] = changed
	want, _, ok := model.Closest(&flows[6], func(fn func(*model.Flow)) {
		for i := range flows {
			fn(&flows[i])
		}
	})
	if !ok || want.ID == 8 {
		t.Fatalf("the scan finds #%d (%v): the capture no longer makes the case", want.ID, ok)
	}
	s := flat(screen(press(t, onFlow(t, m, 7), "c")))
	if !strings.Contains(s, "flow #7 (ALERT) compared with flow #"+itoa(want.ID)+" ") {
		t.Errorf("after #8 failed, c on #7 does not compare with #%d:\n%s", want.ID, s)
	}
}
