package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestProgramFilterOpenExportQuit runs the real program loop in process:
// the loader streams, the filter narrows to one SNI, the pane opens, the
// flow is exported, q quits.
func TestProgramFilterOpenExportQuit(t *testing.T) {
	src := filepath.Join("testdata", "mix40.pcap")
	out := filepath.Join(t.TempDir(), "one.pcap")
	tm := teatest.NewTestModel(t, New(Options{Path: src, Loader: newLoader(t, src)}),
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	wait("intranet-175")
	tm.Type("/sni:old-126.example.test")
	tm.Send(keyMsg("enter")) // keeps the filter: applied at once, even if results lag the keys
	tm.Send(keyMsg("enter"))
	tm.Send(keyMsg("enter"))
	wait("Timeline")
	tm.Send(keyMsg("e"))
	wait("handshake evidence")
	tm.Send(keyMsg("ctrl+u"))
	tm.Type(out)
	tm.Send(keyMsg("enter"))
	wait("packets to")
	tm.Send(keyMsg("x"))
	tm.Type("q") // the pane goes back to the list
	tm.Type("q") // the list quits
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(Model)
	if fm.loading {
		t.Error("still loading at the end")
	}
	if fm.detail.FlowID() == 0 || !strings.Contains(fm.detail.Flow().SNI(), "old-126") {
		t.Errorf("pane shows flow %d", fm.detail.FlowID())
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("export: %v", err)
	}
}
