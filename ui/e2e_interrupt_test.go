//go:build unix

package ui

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/internal/bigcap"
)

// TestE2EExplorerInterruptedMidExport runs the real binary in tmux on a
// large capture, starts an export from the explorer, and ends the explorer
// while the temporary file is being written: with q, with SIGTERM, with
// SIGINT, and by closing the terminal (tmux kill-session: the SIGHUP an SSH
// session hanging up delivers). Each time the temporary file must be gone,
// no output written, and standard error must say so.
func TestE2EExplorerInterruptedMidExport(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("end-to-end test skipped under -short and -race (the binary in tmux is not raced)")
	}
	tmux, dir, bin := e2eBinary(t)
	in := filepath.Join(dir, "big.pcap.gz")
	if err := bigcap.WriteFile(in, 256<<20, true); err != nil {
		t.Fatal(err)
	}
	for _, way := range []string{"q", "SIGTERM", "SIGINT", "hangup"} {
		t.Run(way, func(t *testing.T) {
			work := t.TempDir()
			errFile := filepath.Join(work, "stderr.txt")
			sess := startTmux(t, tmux, "int-"+way, work,
				"sh", "-c", "exec env TERM=xterm-256color NO_COLOR=1 "+bin+" "+in+" 2>"+errFile)
			pid, err := strconv.Atoi(strings.TrimSpace(sess.run("display", "-p", "-t", sess.name, "#{pane_pid}")))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			// Loaded: the header counts the flow and the progress line is gone.
			loaded := func(screen string) bool {
				return strings.Contains(screen, "1 flow:") && !strings.Contains(screen, "loading ")
			}
			for !loaded(sess.screen()) {
				if ctx.Err() != nil {
					t.Fatalf("the capture never loaded:\n%s", sess.screen())
				}
				time.Sleep(50 * time.Millisecond) // polling with a deadline
			}
			sess.send("e")
			sess.send("C-u")
			sess.send("-l", "flow.pcap")
			sess.send("Enter")
			for {
				if m, _ := filepath.Glob(filepath.Join(work, ".pcapsurgery-*.tmp")); len(m) > 0 {
					break
				}
				if _, err := os.Stat(filepath.Join(work, "flow.pcap")); err == nil {
					t.Skip("the export ended before its temporary file was seen: a faster machine than this test assumes")
				}
				if ctx.Err() != nil {
					t.Fatalf("the export never started:\n%s", sess.screen())
				}
				time.Sleep(time.Millisecond) // polling with a deadline
			}
			sent := time.Now()
			switch way {
			case "q":
				sess.send("q")
			case "SIGTERM":
				syscall.Kill(pid, syscall.SIGTERM)
			case "SIGINT":
				syscall.Kill(pid, syscall.SIGINT)
			case "hangup":
				sess.run("kill-session", "-t", sess.name)
			}
			for syscall.Kill(pid, 0) == nil {
				if ctx.Err() != nil {
					t.Fatal("the explorer did not end")
				}
				time.Sleep(20 * time.Millisecond) // polling with a deadline
			}
			if st, err := os.Stat(filepath.Join(work, "flow.pcap")); err == nil && st.ModTime().Before(sent) {
				t.Skip("the export finished before the interruption was sent (a loaded machine): nothing to clean up")
			}
			ents, _ := os.ReadDir(work)
			for _, e := range ents {
				if e.Name() != "stderr.txt" {
					t.Errorf("left behind: %s", e.Name())
				}
			}
			msg, _ := os.ReadFile(errFile)
			if !strings.Contains(string(msg), "export interrupted") || !strings.Contains(string(msg), "partial file was removed") {
				t.Errorf("stderr does not say the partial file was removed: %q", msg)
			}
		})
	}
}
