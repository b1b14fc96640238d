package ui

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestE2ETmuxGroups builds the real binary and drives its group view in a
// detached tmux session at 120x40 under NO_COLOR: tab groups the flows by
// server (counts, bar and words on the row), L adds the SNI as a second
// level, l opens the first server's, and enter on one of its SNIs puts
// both keys' terms in the filter bar and lists that one flow; tab then
// groups what the filter keeps.
func TestE2ETmuxGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped under -short")
	}
	tmux, dir, bin := e2eBinary(t)
	capPath, _ := filepath.Abs(filepath.Join("testdata", "mix40.pcap"))
	sess := startTmux(t, tmux, "e2e-groups", dir, "env", "TERM=xterm-256color", "NO_COLOR=1", bin, capPath)
	screenHas, send := sess.screenHas, sess.send

	screenHas("40 flows")
	send("Tab")
	s := screenHas("groups of 40 flows by SERVER")
	row := ""
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "203.0.113.31:443") {
			row = l
		}
	}
	for _, want := range []string{" 3 ", " 2 ", "67%", "1 alert 1 no-sh 1 ok", "█"} {
		if !strings.Contains(row, want) {
			t.Errorf("the first server's row %q lacks %q:\n%s", row, want, s)
		}
	}
	send("L")
	screenHas("by SERVER / SNI")
	send("l")
	screenHas("▾ 203.0.113.31:443")
	send("Down")
	screenHas("(1/3)") // the footer: first server, first of its three SNIs
	send("Enter")
	list := screenHas("ip:203.0.113.31 port:443 sni:api-10152.example.test")
	if !strings.Contains(list, "1/1") {
		t.Errorf("the drill-down does not list the one flow:\n%s", list)
	}
	send("Tab")
	screenHas("1 group of 1 flows by SERVER / SNI")
	send("Escape")
	screenHas("CLIENT") // the list's column head: back in the list (q right after esc would read as alt+q)
	send("q")
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if exec.Command(tmux, "has-session", "-t", sess.name).Run() != nil {
			return // the program quit and took the session with it
		}
	}
	t.Errorf("q did not quit the program:\n%s", sess.screen())
}
