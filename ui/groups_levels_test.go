package ui

import (
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestGroupViewTwoLevels: L adds a second key (server, then SNI), l opens
// the selected server's second level under it, and enter on a second-level
// row puts both keys' terms in the filter bar and lists exactly those
// flows; h closes it, L past the last key drops the second level.
func TestGroupViewTwoLevels(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		m := press(t, loaded(t, size[0], size[1], flows, Options{Path: "demo.pcapng"}), "tab", "L")
		if by := m.groups.By(); len(by) != 2 || by[0] != model.ByServer || by[1] != model.BySNI {
			t.Fatalf("L: grouped by %v, want server, sni", by)
		}
		m = press(t, m, "l")
		s := noColor(t, m)
		assertSize(t, s, size[0], size[1])
		lines := strings.Split(s, "\n")
		if !strings.Contains(lines[1], "by SERVER / SNI") || !strings.HasPrefix(lines[3], "▾ 192.0.2.20:443") ||
			!strings.HasPrefix(lines[4], "  ") || !strings.Contains(lines[4], "100%") {
			t.Errorf("%dx%d: the second level does not open under the first server:\n%s", size[0], size[1], s)
		}
		m = press(t, m, "down")
		sub := *m.groups.Selected()
		if len(sub.Key) != 2 || sub.Key[0] != "192.0.2.20:443" || sub.Flows == 0 {
			t.Fatalf("the row under the server is %+v, want one of its SNIs", sub)
		}
		if pos := m.groups.Position(); !strings.Contains(pos, "1/17 (1/") {
			t.Errorf("position %q does not say the second-level row", pos)
		}
		m = press(t, m, "enter")
		want, ok := model.GroupFilter([]model.GroupKey{model.ByServer, model.BySNI}, sub.Key)
		if !ok || m.mode != modeList || m.fbar.Value() != want || !strings.Contains(want, "port:443 sni:") {
			t.Fatalf("enter on a second-level row: mode %d filter %q, want %q", m.mode, m.fbar.Value(), want)
		}
		if n := len(m.list.Visible()); n != sub.Flows {
			t.Errorf("the second-level group has %d flows, the list shows %d", sub.Flows, n)
		}
	}

	m := press(t, loaded(t, 80, 24, flows, Options{Path: "demo.pcapng"}), "tab", "L", "l", "down", "down", "h")
	if g := m.groups.Selected(); g == nil || len(g.Key) != 1 || g.Key[0] != "192.0.2.20:443" {
		t.Errorf("h on a second-level row: selected %+v, want its server, closed", g)
	}
	if strings.Contains(screen(m), "▾") {
		t.Errorf("h did not close the second level:\n%s", screen(m))
	}
	m = press(t, m, "l", "s")
	if strings.Contains(screen(m), "▾") || m.groups.Column() != model.GroupByFlows {
		t.Errorf("s with a second level open: the order is %v and it stays open on another group:\n%s", m.groups.Column(), screen(m))
	}
	m = press(t, m, "H")
	if by := m.groups.By(); len(by) != 1 {
		t.Errorf("H from the first second key: grouped by %v, want one level", by)
	}
}

// TestGroupViewOutcomeBar: each row carries its outcomes as a bar whose
// glyphs split failures (█) from completed handshakes (░) and the rest
// (▒) under NO_COLOR, beside the counts in words.
func TestGroupViewOutcomeBar(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	m := press(t, loaded(t, 80, 24, flows, Options{Path: "demo.pcapng"}), "tab")
	s := noColor(t, m)
	for _, want := range []string{"52%", "████░░ 10 alert", "██████ 1 refused", "░░░░░░ 3 ok", "▒▒▒▒▒▒ 1 not-tls"} {
		if !strings.Contains(s, want) {
			t.Errorf("NO_COLOR group view lacks %q:\n%s", want, s)
		}
	}
}

// TestGroupViewAnswerTimes: at 200 columns each row shows the server's
// answer time (ClientHello to ServerHello) p50/p90 over the group's flows,
// as summary --by --json computes it; at 80 columns the column gives way.
func TestGroupViewAnswerTimes(t *testing.T) {
	_, flows := loadCapture(t, "../testdata/demo.pcapng")
	m := press(t, loaded(t, 200, 50, flows, Options{Path: "demo.pcapng"}), "tab")
	lines := strings.Split(noColor(t, m), "\n")
	if !strings.Contains(lines[2], "ANSWER P50/P90") || !strings.Contains(lines[3], "192.0.2.20:443") ||
		!strings.Contains(lines[3], " 2.2ms/7.6ms ") {
		t.Errorf("200 columns: no answer times on the first server's row:\n%s", strings.Join(lines[:5], "\n"))
	}
	m = press(t, loaded(t, 80, 24, flows, Options{Path: "demo.pcapng"}), "tab")
	if s := screen(m); strings.Contains(s, "ANSWER") {
		t.Errorf("80 columns: the answer column should give way:\n%s", s)
	}
}
