package ui

import (
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestHeaderSparkline: from 120 columns the list header shows the visible
// flows' failures over the capture's span, in the group view's buckets,
// with the span's ends as times (readable under NO_COLOR); at 80 columns
// the counts keep the line. A filter redraws it for what the list shows.
func TestHeaderSparkline(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	span := model.SpanOf(flows)
	want := make([]int, model.GroupBuckets)
	for i := range flows {
		if flows[i].Outcome.Failed() {
			want[span.Bucket(flows[i].First, len(want))]++
		}
	}
	wide := loaded(t, 200, 50, flows, Options{Path: "demo.pcapng"})
	head := strings.Split(noColor(t, wide), "\n")[0]
	if !strings.Contains(head, "failures 12:25:43 |"+model.Sparkline(want)+"| 12:28:03") {
		t.Errorf("200 columns: header %q lacks the failures over time %q", head, model.Sparkline(want))
	}
	if head := strings.Split(screen(loaded(t, 80, 24, flows, Options{Path: "demo.pcapng"})), "\n")[0]; strings.Contains(head, "failures ") {
		t.Errorf("80 columns: the header %q has no room for the sparkline", head)
	}
	wide = press(t, wide, "/")
	for _, r := range "sni:expired" {
		wide = press(t, wide, string(r))
	}
	wide = press(t, wide, "enter")
	head = strings.Split(screen(wide), "\n")[0]
	clear(want)
	for i := range flows {
		if flows[i].Outcome.Failed() && strings.Contains(flows[i].SNI(), "expired") {
			want[span.Bucket(flows[i].First, len(want))]++
		}
	}
	if !strings.Contains(head, "|"+model.Sparkline(want)+"|") {
		t.Errorf("filtered: header %q, want the matching flows' failures %q", head, model.Sparkline(want))
	}
}
