package ui

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestLivePauseHoldsUpdates drives the explorer on live input (a source of
// unknown size) with batches as the loader sends them: the line under the
// header says LIVE with the rates and the pause key at 80 columns; p pauses
// the list while batches keep coming (the held updates are counted, the
// list keeps its flows) and p again shows every one of them.
func TestLivePauseHoldsUpdates(t *testing.T) {
	m, flows := liveExplorer(t, Options{Path: "-"})
	batch := func(fs []model.Flow, packets int, at time.Duration) {
		t.Helper()
		m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: fs, BytesRead: int64(packets) * 300, Total: -1, Packets: packets}, Elapsed: at})
	}
	batch(flows[:10], 100, time.Second)
	batch(flows[10:20], 300, 2*time.Second)
	s := screen(m)
	assertSize(t, s, 80, 24)
	for _, want := range []string{"LIVE stdin:", "200 pkts/s", "/min", "(p pauses, q quits)", "20 flows"} {
		if !strings.Contains(s, want) {
			t.Errorf("live screen lacks %q:\n%s", want, s)
		}
	}
	m = press(t, m, "p")
	batch(flows[20:30], 500, 3*time.Second)
	s = screen(m)
	assertSize(t, s, 80, 24)
	if !strings.Contains(s, "PAUSED stdin (input still read: 10 flow updates held)") || !strings.Contains(s, "(p resumes)") {
		t.Errorf("paused screen does not say so:\n%s", s)
	}
	if strings.Contains(s, "30 flows") || !strings.Contains(s, "20 flows") {
		t.Errorf("the list took flows while paused:\n%s", s)
	}
	m = press(t, m, "p")
	s = screen(m)
	if !strings.Contains(s, "30 flows") || !strings.Contains(s, "LIVE stdin:") {
		t.Errorf("resuming did not show the held flows:\n%s", s)
	}
}

// TestLiveSaysKernelDrops: on a captured interface the live line says, as
// soon as a batch arrives after it happened, that the kernel dropped
// packets (they are missing from what is on screen), right after LIVE so
// that an 80-column line keeps it; nothing is said while there are none.
func TestLiveSaysKernelDrops(t *testing.T) {
	var drops uint64
	m, flows := liveExplorer(t, Options{Iface: "eth0 port 443", KernelDrops: func() uint64 { return drops }})
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: flows[:10], BytesRead: 3000, Total: -1, Packets: 100}, Elapsed: time.Second})
	if s := screen(m); !strings.Contains(s, "LIVE eth0 port 443:") || strings.Contains(s, "DROPPED") {
		t.Fatalf("before any drop:\n%s", s)
	}
	drops = 1234
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: flows[10:20], BytesRead: 6000, Total: -1, Packets: 300}, Elapsed: 2 * time.Second})
	s := screen(m)
	assertSize(t, s, 80, 24)
	if !strings.Contains(s, "LIVE eth0 port 443:  KERNEL DROPPED 1,234 pkts") {
		t.Errorf("the live line does not say the kernel dropped packets:\n%s", s)
	}
}

// liveExplorer is an 80x24 explorer with opts on live input (a loader over
// a source of unknown size, never run: the test sends its batches), and
// mix40's flows to send.
func liveExplorer(t *testing.T, opts Options) (Model, []model.Flow) {
	t.Helper()
	data, err := os.ReadFile(capturePath(t, "tls12-openssl.pcap"))
	if err != nil {
		t.Skip(err)
	}
	src, err := capture.NewSource(bytes.NewReader(data), -1)
	if err != nil {
		t.Fatal(err)
	}
	_, flows := loadTestdata(t, "mix40.pcap")
	opts.Loader = model.NewLoader(src)
	return drive(t, New(opts), tea.WindowSizeMsg{Width: 80, Height: 24}), flows
}
