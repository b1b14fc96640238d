//go:build unix

package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestE2ETmuxLiveSpool runs `cat FIFO | pcapsurgery -` in tmux with TMPDIR
// set: while the pipe is open the export spool is a directory of segment
// files there, e exports a flow from it, and SIGHUP, SIGTERM or SIGINT
// (each in its own run) ends the explorer with the directory removed.
func TestE2ETmuxLiveSpool(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("end-to-end test skipped under -short and -race (the binary in tmux is not raced)")
	}
	tmux, dir, bin := e2eBinary(t)
	data := mix40Capture(t)
	// One test, no subtests: a subtest's cleanup would kill its session
	// and with it the tmux server the next one starts on.
	for i, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT} {
		func() {
			tmp := filepath.Join(dir, "tmp"+strconv.Itoa(i))
			if err := os.Mkdir(tmp, 0o700); err != nil {
				t.Fatal(err)
			}
			fifo := e2eFIFO(t, dir, "in"+strconv.Itoa(i)+".fifo")
			sess := startTmux(t, tmux, "spool"+strconv.Itoa(i), dir, "sh", "-c",
				"cat "+fifo+" | { env TMPDIR="+tmp+" TERM=xterm-256color NO_COLOR=1 "+bin+" -; echo EXITED; sleep 60; }")
			w := writeFIFO(t, fifo, data)
			defer w.Close()
			sess.screenHas("LIVE stdin", "40 flows")
			spools, _ := filepath.Glob(filepath.Join(tmp, "pcapsurgery-spool-*", "segment-*"))
			if len(spools) == 0 {
				t.Fatalf("no spool segment under %s while the pipe is open", tmp)
			}
			if i == 0 { // export once, from the pipe
				out := filepath.Join(dir, "from-pipe.pcap")
				sess.send("e", "C-u", out, "Enter")
				sess.screenHas("wrote ", "packets to")
				if st, err := os.Stat(out); err != nil || st.Size() <= 24 {
					t.Fatalf("export from the pipe: %v", err)
				}
				sess.send("x")
			}
			pid := pidOf(t, bin)
			if err := syscall.Kill(pid, sig); err != nil {
				t.Fatal(err)
			}
			sess.screenHas("EXITED")
			left, _ := filepath.Glob(filepath.Join(tmp, "pcapsurgery-spool-*"))
			if len(left) > 0 {
				t.Errorf("after %s the spool is still there: %v", sig, left)
			}
		}()
	}
}

// pidOf finds the one process running bin (its path is unique to the test).
func pidOf(t *testing.T, bin string) int {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		out, _ := exec.Command("pgrep", "-f", "-x", bin+" -").Output()
		if f := strings.Fields(string(out)); len(f) == 1 {
			pid, err := strconv.Atoi(f[0])
			if err == nil {
				return pid
			}
		}
	}
	t.Fatalf("no single process runs %s", bin)
	return 0
}
