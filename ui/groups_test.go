package ui

import (
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestGroupViewAt80x24: tab turns the demo's list into its groups by
// server, most failures first, with flows, failures, share, a sparkline and
// the counts in words; K regroups by SNI; enter on a group puts its filter
// in the bar and lists exactly its flows; tab from the list comes back.
func TestGroupViewAt80x24(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	m := loaded(t, 80, 24, flows, Options{Path: "demo.pcapng"})
	m = press(t, m, "tab")
	s := screen(m)
	assertSize(t, s, 80, 24)
	if m.mode != modeGroups {
		t.Fatalf("tab in the list: mode %d, want the group view", m.mode)
	}
	lines := strings.Split(s, "\n")
	head := strings.Join(lines[:4], "\n")
	for _, want := range []string{"by SERVER", "FLOWS", "FAILS", "SHARE", "FAILURES OVER TIME", "192.0.2.20:443"} {
		if !strings.Contains(head, want) {
			t.Errorf("group view lacks %q:\n%s", want, s)
		}
	}
	top := m.groups.Selected()
	if top == nil || top.Key[0] != "192.0.2.20:443" {
		t.Fatalf("first group %+v, want the server with most failures", top)
	}
	row := lines[3]
	for _, want := range []string{" 31 ", " 16 ", "52%", "10 alert "} { // failures first: a narrow row keeps them
		if !strings.Contains(row, want) {
			t.Errorf("first group row %q lacks %q", row, want)
		}
	}
	if !strings.ContainsAny(row, "▁▂▃▄▅▆▇█") {
		t.Errorf("first group row %q has no sparkline", row)
	}
	if !strings.Contains(lines[23], "enter") || !strings.Contains(lines[23], "K") {
		t.Errorf("footer %q does not name the group view's keys", lines[23])
	}

	m = press(t, m, "K")
	if by := m.groups.By(); len(by) != 1 || by[0] != model.BySNI {
		t.Fatalf("K: grouped by %v, want sni", by)
	}
	if !strings.Contains(screen(m), "by SNI") {
		t.Errorf("after K the title does not say SNI:\n%s", screen(m))
	}
	m = press(t, m, "down")
	g := *m.groups.Selected()
	m = press(t, m, "enter")
	if m.mode != modeList {
		t.Fatalf("enter on a group: mode %d, want the list", m.mode)
	}
	want, _ := model.GroupFilter([]model.GroupKey{model.BySNI}, g.Key)
	if m.fbar.Value() != want || !strings.Contains(screen(m), want) {
		t.Errorf("filter bar %q, want %q on screen:\n%s", m.fbar.Value(), want, screen(m))
	}
	if n := len(m.list.Visible()); n != g.Flows {
		t.Errorf("the group has %d flows, the list shows %d", g.Flows, n)
	}
	m = press(t, m, "tab")
	if m.mode != modeGroups || len(m.groups.By()) != 1 || m.groups.By()[0] != model.BySNI {
		t.Errorf("tab back: mode %d by %v", m.mode, m.groups.By())
	}
	if s := screen(m); !strings.Contains(s, "1 group of "+itoa(g.Flows)+" flows") {
		t.Errorf("the filter from the drill-down does not apply to the groups:\n%s", s)
	}
	m = press(t, m, "esc")
	if m.mode != modeList {
		t.Errorf("esc in the group view: mode %d, want the list", m.mode)
	}
}

// TestGroupViewFollowsFailuresOnly: with f on, every group is all failures
// and the flows total the failures; under NO_COLOR the rows still carry
// the counts in words and the sparkline.
func TestGroupViewFollowsFailuresOnly(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	m := loaded(t, 80, 24, flows, Options{Path: "demo.pcapng"})
	m = press(t, m, "f", "tab")
	fails := 0
	for i := range flows {
		if flows[i].Outcome.Failed() {
			fails++
		}
	}
	s := noColor(t, m)
	if !strings.Contains(s, "of "+itoa(fails)+" flows by SERVER") {
		t.Errorf("failures only: want %d flows grouped:\n%s", fails, s)
	}
	if strings.Contains(s, " ok") || !strings.Contains(s, "100%") || !strings.ContainsAny(s, "▁▂▃▄▅▆▇█") {
		t.Errorf("failures only: groups should be all failures, with words and sparklines:\n%s", s)
	}
}

// TestGroupViewAt200x50: a wide screen shows every count in words.
func TestGroupViewAt200x50(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	m := press(t, loaded(t, 200, 50, flows, Options{Path: "demo.pcapng"}), "tab")
	s := screen(m)
	assertSize(t, s, 200, 50)
	row := strings.Split(s, "\n")[3]
	if !strings.Contains(row, "10 alert 3 alert? 1 rst 1 no-sh 1 no-synack 12 ok 3 resumed") {
		t.Errorf("row %q lacks the counts in words", row)
	}
	lines := strings.Split(s, "\n")
	if !strings.Contains(lines[1], "failures over 12:25:43-12:28:03 UTC") || !strings.Contains(lines[2], "FIRST") ||
		!strings.Contains(row, "12:25:43 12:27:30") {
		t.Errorf("the axis or the first and last times are missing:\n%s", strings.Join(lines[:4], "\n"))
	}
}

// TestGroupViewSorts: s steps the order (failures, flows, share, key ...)
// and the footer names it; by key the servers come in address order.
func TestGroupViewSorts(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	m := press(t, loaded(t, 80, 24, flows, Options{Path: "demo.pcapng"}), "tab")
	if s := screen(m); !strings.Contains(s, "sort failures") {
		t.Errorf("footer does not name the order:\n%s", s)
	}
	m = press(t, m, "s")
	if m.groups.Column() != model.GroupByFlows || !strings.Contains(screen(m), "sort flows") {
		t.Errorf("s: order %v\n%s", m.groups.Column(), screen(m))
	}
	m = press(t, m, "s", "s")
	if m.groups.Column() != model.GroupByKey {
		t.Fatalf("s s s: order %v, want key", m.groups.Column())
	}
	lines := strings.Split(screen(m), "\n")
	first, second := strings.Fields(lines[3])[0], strings.Fields(lines[4])[0]
	if first > second {
		t.Errorf("by key: %q before %q", first, second)
	}
}

// TestGroupViewTakesALateFilterResult: f then tab before the list has its
// answer: the groups follow the answer when it comes.
func TestGroupViewTakesALateFilterResult(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	m := loaded(t, 80, 24, flows, Options{Path: "demo.pcapng"})
	next, cmd := m.Update(keyMsg("f")) // the filter command is not run yet
	m = press(t, next.(Model), "tab")
	all := len(m.list.Visible())
	for _, msg := range run(cmd) {
		m = drive(t, m, msg)
	}
	fails := 0
	for i := range flows {
		if flows[i].Outcome.Failed() {
			fails++
		}
	}
	if s := screen(m); fails == all || !strings.Contains(s, "of "+itoa(fails)+" flows by") {
		t.Errorf("want the %d failures grouped (of %d flows):\n%s", fails, all, s)
	}
}

// TestGroupViewCountsInACommand: tab switches at once and says it is
// counting; the groups come with the command's answer, not in Update.
func TestGroupViewCountsInACommand(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	m := loaded(t, 80, 24, flows, Options{Path: "demo.pcapng"})
	next, cmd := m.Update(keyMsg("tab"))
	m = next.(Model)
	if s := screen(m); m.mode != modeGroups || !strings.Contains(s, "counting groups by SERVER...") || cmd == nil {
		t.Fatalf("tab: mode %d, want the group view counting:\n%s", m.mode, s)
	}
	for _, msg := range run(cmd) {
		m = drive(t, m, msg)
	}
	if s := screen(m); !strings.Contains(s, "17 groups of 57 flows by SERVER") {
		t.Errorf("after the count:\n%s", s)
	}
}

// TestGroupViewNotesWhereFailuresConcentrate: on the synthetic mix by SNI,
// the flows without SNI fail only with no JA4 while another succeeds: the
// line under the rows says so for that group and for no other.
func TestGroupViewNotesWhereFailuresConcentrate(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/synth-mix.pcapng")
	m := press(t, loaded(t, 80, 24, flows, Options{Path: "synth-mix.pcapng"}), "tab", "K")
	want := "(none): both failures have ja4a (none), which never succeeded here"
	for i := 0; i < 30; i++ {
		g := m.groups.Selected()
		if g == nil {
			t.Fatal("no group selected")
		}
		note := strings.Split(screen(m), "\n")[22]
		if g.Key[0] == "" {
			if !strings.HasPrefix(note, want) {
				t.Errorf("the no-SNI group's note line is %q, want %q...", note, want)
			}
			return
		}
		if strings.TrimSpace(note) != "" {
			t.Errorf("group %q has a note %q", g.Key[0], note)
		}
		m = press(t, m, "down")
	}
	t.Fatal("no group without SNI")
}
