package ui

import (
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestGroupIndexBuiltWhenNeeded: while a capture loads, the explorer keeps
// no group index (no work on Update's goroutine for a view that may never
// open). The first grouping builds it of every flow held and later batches
// keep it up to date; when nothing grouped, the end of loading builds it.
// Either way it groups as an index made of the flows at the end does, for
// every key, flows changed by a later batch included; a group view open
// when loading ends counts every flow.
func TestGroupIndexBuiltWhenNeeded(t *testing.T) {
	flows := mix(t)
	first := flows[:25]
	later := append([]model.Flow(nil), flows[25:]...)
	for i := range 5 { // flows 1-5 again, with other flows' facts: their keys change
		f := flows[25+i].Copy()
		f.ID = i + 1
		later = append(later, f)
	}
	batch := func(fs []model.Flow, done bool) loadBatchMsg {
		return loadBatchMsg{Batch: model.Batch{Flows: fs, BytesRead: 1000, Total: 2000, Packets: 100, Done: done}, Elapsed: time.Second}
	}
	loading := func() Model {
		m := New(Options{Path: "big.pcap"})
		m = drive(t, m, tea.WindowSizeMsg{Width: 160, Height: 40})
		return drive(t, m, batch(first, false))
	}

	m := loading()
	if m.gindex != nil {
		t.Fatal("loading built a group index before anything was grouped")
	}
	m = drive(t, m, batch(later, true))
	sameGroups(t, m, "built when loading ended")

	m = press(t, loading(), "tab") // the group view, while loading
	if m.gindex == nil || m.gindex.Len() != len(first) {
		t.Fatalf("the first grouping built no index of the %d flows held", len(first))
	}
	if s := screen(m); !strings.Contains(s, "of 25 flows by") {
		t.Errorf("the group view while loading:\n%s", s)
	}
	m = drive(t, m, batch(later, true))
	sameGroups(t, m, "built by the first grouping, then kept up to date")
	if s := screen(m); !strings.Contains(s, "of 40 flows by") {
		t.Errorf("the group view open when loading ended was not counted again:\n%s", s)
	}
}

// TestGroupIndexLoadEndsWhileGrouping: the last batch arrives while the
// first grouping (which builds the index) still runs, so it waits; once
// taken in, the index holds every flow and the open view counts them all.
func TestGroupIndexLoadEndsWhileGrouping(t *testing.T) {
	flows := mix(t)
	m := New(Options{Path: "big.pcap"})
	m = drive(t, m, tea.WindowSizeMsg{Width: 120, Height: 40}) // narrower than the timings' pass, which would count again anyway
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: flows[:25], BytesRead: 1000, Total: 2000, Packets: 100}, Elapsed: time.Second})
	next, grouping := m.Update(keyMsg("tab")) // the group view; its grouping not run yet
	m = next.(Model)
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: flows[25:], BytesRead: 2000, Total: 2000, Packets: 200, Done: true}, Elapsed: 2 * time.Second})
	if len(m.flows) != 25 || len(m.pending) == 0 {
		t.Fatalf("the last batch did not wait for the grouping: %d flows, %d batches held", len(m.flows), len(m.pending))
	}
	m = driveCmd(t, m, grouping)
	sameGroups(t, m, "built by the grouping the last batch waited for")
	if s := screen(m); !strings.Contains(s, "of 40 flows by") {
		t.Errorf("the group view once the held last batch was taken in:\n%s", s)
	}
}

// TestGroupIndexBuiltOnce: the group view opened while the end of
// loading's index build is under way waits for that build instead of
// making a second one beside it (a million flows take half a second on two
// cores), and shows every flow.
func TestGroupIndexBuiltOnce(t *testing.T) {
	builds := 0
	defer func(f func([]model.Flow) *model.GroupIndex) { indexFlows = f }(indexFlows)
	indexFlows = func(fs []model.Flow) *model.GroupIndex { builds++; return model.IndexFlows(fs) }
	flows := mix(t)
	m := New(Options{Path: "big.pcap"})
	m = drive(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: flows[:25], BytesRead: 1000, Total: 2000, Packets: 100}, Elapsed: time.Second})
	next, ended := m.Update(loadBatchMsg{Batch: model.Batch{Flows: flows[25:], BytesRead: 2000, Total: 2000, Packets: 200, Done: true}, Elapsed: 2 * time.Second})
	m = next.(Model)
	next, grouping := m.Update(keyMsg("tab")) // before the end of loading's commands ran
	m = next.(Model)
	m = driveCmd(t, m, ended)
	m = driveCmd(t, m, grouping)
	if builds != 1 {
		t.Errorf("the group index was built %d times, want once", builds)
	}
	sameGroups(t, m, "built once, shared by the end of loading and the first grouping")
	if s := screen(m); !strings.Contains(s, "of 40 flows by") {
		t.Errorf("the group view:\n%s", s)
	}
}

// sameGroups checks m's group index groups every key as one made now of
// its flows does.
func sameGroups(t *testing.T, m Model, how string) {
	t.Helper()
	if m.gindex == nil || m.gindex.Len() != len(m.flows) {
		t.Fatalf("%s: no index of the %d flows", how, len(m.flows))
	}
	want := model.IndexFlows(m.flows)
	all := make([]int32, len(m.flows))
	for i := range all {
		all[i] = int32(i)
	}
	span := want.Span()
	if got := m.gindex.Span(); got != span {
		t.Fatalf("%s: span %v, want %v", how, got, span)
	}
	for _, k := range model.GroupKeys {
		by := []model.GroupKey{k}
		g := m.gindex.Group(all, by, span, model.GroupBuckets, model.GroupByFailures, nil).Groups()
		w := want.Group(all, by, span, model.GroupBuckets, model.GroupByFailures, nil).Groups()
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("%s: by %s\n got %+v\nwant %+v", how, k, g, w)
		}
	}
}
