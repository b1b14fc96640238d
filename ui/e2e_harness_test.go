package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// e2eBinary builds the real binary for an end-to-end run in tmux, or skips
// the test when tmux is missing or the binary does not build.
func e2eBinary(t *testing.T) (tmux, dir, bin string) {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux not installed")
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "pcapsurgery")
	build := exec.Command("go", "build", "-o", bin, "github.com/pcapsurgery/pcapsurgery")
	build.Dir = ".."
	if outb, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build the binary: %v\n%s", err, outb)
	}
	return tmux, dir, bin
}

// tmuxSession is a detached 120x40 tmux session running one command,
// killed when the test ends.
type tmuxSession struct {
	t          *testing.T
	tmux, name string
}

// startTmux starts cmd in a new session named for this process and tag,
// in directory dir.
func startTmux(t *testing.T, tmux, tag, dir string, cmd ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, tmux: tmux, name: "pcapsurgery-" + tag + "-" + strconv.Itoa(os.Getpid())}
	s.run(append([]string{"new-session", "-d", "-s", s.name, "-x", "120", "-y", "40", "-c", dir}, cmd...)...)
	t.Cleanup(func() { exec.Command(tmux, "kill-session", "-t", s.name).Run() })
	return s
}

// run runs a tmux command and returns its output; a failure ends the test.
func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	o, err := exec.Command(s.tmux, args...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, o)
	}
	return string(o)
}

// screen is what the pane shows now.
func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p", "-t", s.name) }

// send types keys into the session, as tmux send-keys reads them.
func (s *tmuxSession) send(keys ...string) {
	s.t.Helper()
	s.run(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// screenHas waits up to 10 s for the pane to show every one of what, and
// returns the screen; otherwise the test fails with the last screen.
func (s *tmuxSession) screenHas(what ...string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var scr string
	for ctx.Err() == nil {
		scr = s.screen()
		all := true
		for _, x := range what {
			all = all && strings.Contains(scr, x)
		}
		if all {
			return scr
		}
		time.Sleep(50 * time.Millisecond) // polling with a deadline
	}
	s.t.Fatalf("screen never showed %q:\n%s", what, scr)
	return scr
}
