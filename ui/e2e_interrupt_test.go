//go:build unix

package ui

import (
	"context"
	"os"
	"os/exec"
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
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pcapsurgery")
	build := exec.Command("go", "build", "-o", bin, "github.com/pcapsurgery/pcapsurgery")
	build.Dir = ".."
	if outb, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build the binary: %v\n%s", err, outb)
	}
	in := filepath.Join(dir, "big.pcap.gz")
	if err := bigcap.WriteFile(in, 256<<20, true); err != nil {
		t.Fatal(err)
	}
	for _, way := range []string{"q", "SIGTERM", "SIGINT", "hangup"} {
		t.Run(way, func(t *testing.T) {
			work := t.TempDir()
			errFile := filepath.Join(work, "stderr.txt")
			sess := "pcapsurgery-int-" + strconv.Itoa(os.Getpid()) + "-" + way
			tm := func(args ...string) string {
				t.Helper()
				o, err := exec.Command(tmux, args...).CombinedOutput()
				if err != nil {
					t.Fatalf("tmux %v: %v\n%s", args, err, o)
				}
				return string(o)
			}
			tm("new-session", "-d", "-s", sess, "-x", "120", "-y", "40", "-c", work,
				"sh", "-c", "exec env TERM=xterm-256color NO_COLOR=1 "+bin+" "+in+" 2>"+errFile)
			t.Cleanup(func() { exec.Command(tmux, "kill-session", "-t", sess).Run() })
			pid, err := strconv.Atoi(strings.TrimSpace(tm("display", "-p", "-t", sess, "#{pane_pid}")))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			// Loaded: the header counts the flow and the progress line is gone.
			loaded := func(screen string) bool {
				return strings.Contains(screen, "1 flow:") && !strings.Contains(screen, "loading ")
			}
			for !loaded(tm("capture-pane", "-p", "-t", sess)) {
				if ctx.Err() != nil {
					t.Fatalf("the capture never loaded:\n%s", tm("capture-pane", "-p", "-t", sess))
				}
				time.Sleep(50 * time.Millisecond) // polling with a deadline
			}
			tm("send-keys", "-t", sess, "e")
			tm("send-keys", "-t", sess, "C-u")
			tm("send-keys", "-t", sess, "-l", "flow.pcap")
			tm("send-keys", "-t", sess, "Enter")
			for {
				if m, _ := filepath.Glob(filepath.Join(work, ".pcapsurgery-*.tmp")); len(m) > 0 {
					break
				}
				if _, err := os.Stat(filepath.Join(work, "flow.pcap")); err == nil {
					t.Skip("the export ended before its temporary file was seen: a faster machine than this test assumes")
				}
				if ctx.Err() != nil {
					t.Fatalf("the export never started:\n%s", tm("capture-pane", "-p", "-t", sess))
				}
				time.Sleep(time.Millisecond) // polling with a deadline
			}
			sent := time.Now()
			switch way {
			case "q":
				tm("send-keys", "-t", sess, "q")
			case "SIGTERM":
				syscall.Kill(pid, syscall.SIGTERM)
			case "SIGINT":
				syscall.Kill(pid, syscall.SIGINT)
			case "hangup":
				tm("kill-session", "-t", sess)
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
