package ui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/internal/bigcap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/exportdlg"
)

// TestQuitMidExportRemovesThePartialFile: q while an export of a large
// capture is writing. The export's command runs on its own goroutine as the
// program runs it; quitting cancels it, and what Run does after the program
// ends (exports.finish) waits for it: the temporary file is gone, no output
// was written, and one line on stderr says so.
func TestQuitMidExportRemovesThePartialFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 256 MB (7 MB gzipped) capture")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "big.pcap")
	size, gz := int64(256<<20), true // about a second to export
	if raceEnabled {
		size, gz = 64<<20, false // -race slows the export enough; compressing would take a minute
	}
	if err := bigcap.WriteFile(in, size, gz); err != nil {
		t.Fatal(err)
	}
	l, flows := loadCapture(t, in)
	m := loaded(t, 100, 30, flows, Options{Path: in})
	m.refs = l
	out := filepath.Join(dir, "flow.pcap")
	m = press(t, m, "e", "ctrl+u")
	m = typeText(t, m, out)
	next, cmd := m.Update(keyMsg("enter")) // the dialog asks for the export
	m = next.(Model)
	req, ok := cmd().(exportdlg.RequestMsg)
	if !ok {
		t.Fatal("enter did not request the export")
	}
	next, cmd = m.Update(req)
	m = next.(Model)
	result := make(chan tea.Msg, 1)
	go func() { result <- cmd() }() // as the program runs a command

	seen := false
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for !seen && ctx.Err() == nil && len(result) == 0 {
		m, _ := filepath.Glob(filepath.Join(dir, ".pcapsurgery-*.tmp"))
		seen = len(m) > 0
		time.Sleep(time.Millisecond) // polling with a deadline
	}
	if !seen {
		t.Skip("the export ended before its temporary file was seen: a faster machine than this test assumes")
	}
	sent := time.Now()
	_, cmd = m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q mid-export does not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q mid-export does not quit")
	}
	var stderr bytes.Buffer
	m.exports.finish(&stderr, exportWait)

	done := (<-result).(exportdlg.DoneMsg)
	if fi, err := os.Stat(out); done.Err == nil && err == nil && fi.ModTime().Before(sent) {
		t.Skip("the export finished before q was pressed (a loaded machine): nothing to clean up")
	}
	if !errors.Is(done.Err, model.ErrInterrupted) {
		t.Errorf("the export ended with %v, want interrupted", done.Err)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".pcapsurgery-*.tmp")); len(tmp) > 0 {
		t.Errorf("temporary file left behind: %v", tmp)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the output was written")
	}
	if msg := stderr.String(); strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "partial file was removed") ||
		!strings.Contains(msg, out) {
		t.Errorf("stderr: %q", msg)
	}
}
