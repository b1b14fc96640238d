package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/internal/bigcap"
)

// buildBinary builds the real command into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "pcapsurgery")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("cannot build the binary: %v\n%s", err, out)
	}
	return bin
}

var (
	bigOnce sync.Once
	bigPath string
	bigErr  error
)

// bigCapture is a gzip-compressed capture of 256 MB of one flow: loading it
// takes about a second, and exporting it another (it is decompressed again).
func bigCapture(t *testing.T) string {
	t.Helper()
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pcapsurgery-big-")
		if err != nil {
			bigErr = err
			return
		}
		bigPath = filepath.Join(dir, "big.pcap.gz")
		bigErr = bigcap.WriteFile(bigPath, 256<<20, true)
	})
	if bigErr != nil {
		t.Fatal(bigErr)
	}
	return bigPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigPath != "" {
		os.RemoveAll(filepath.Dir(bigPath))
	}
	os.Exit(code)
}

// waitForTemp polls dir until an export's temporary file appears or the
// process ends; it reports whether the file was seen.
func waitForTemp(dir string, ended <-chan struct{}) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for ctx.Err() == nil {
		if m, _ := filepath.Glob(filepath.Join(dir, ".pcapsurgery-*.tmp")); len(m) > 0 {
			return true
		}
		select {
		case <-ended:
			return false
		case <-time.After(2 * time.Millisecond): // polling with a deadline
		}
	}
	return false
}

// TestInterruptedExportLeavesNoFile runs the real binary's export on a large
// capture and sends SIGINT, SIGTERM or SIGHUP (what an SSH session hanging
// up delivers) while the temporary file is being written: the process must
// remove it, say so on stderr, and exit with 128+signal.
func TestInterruptedExportLeavesNoFile(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds the binary and a 256 MB capture; the child process is not raced")
	}
	bin := buildBinary(t, t.TempDir())
	in := bigCapture(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "flow.pcap")
			cmd := exec.Command(bin, "export", in, "--flow", "1", "-o", out)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			ended := make(chan struct{})
			var waitErr error
			go func() { waitErr = cmd.Wait(); close(ended) }()
			if !waitForTemp(dir, ended) {
				<-ended
				t.Skipf("the export ended before its temporary file was seen (%v, %s): a faster machine than this test assumes", waitErr, stderr.String())
			}
			sent := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-ended:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatal("the export did not stop within 30 s of the signal")
			}
			st := cmd.ProcessState
			if fi, err := os.Stat(out); err == nil && st.ExitCode() == 0 && fi.ModTime().Before(sent) {
				t.Skip("the export finished before the signal was sent (a loaded machine): nothing to clean up")
			}
			if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				t.Fatalf("the process was killed by %v instead of cleaning up", ws.Signal())
			}
			if st.ExitCode() != 128+int(sig) {
				t.Errorf("exit status %d, want %d", st.ExitCode(), 128+int(sig))
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 0 {
				t.Errorf("left behind: %v", ents)
			}
			msg := stderr.String()
			if !strings.Contains(msg, "export interrupted") || !strings.Contains(msg, "partial file was removed") ||
				!strings.Contains(msg, "("+sig.String()+")") || strings.Count(msg, "\n") != 1 {
				t.Errorf("stderr does not say it in one line: %q", msg)
			}
		})
	}
	t.Run("while loading", func(t *testing.T) {
		dir := t.TempDir()
		cmd := exec.Command(bin, "export", in, "--flow", "1", "-o", filepath.Join(dir, "flow.pcap"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("left behind: %v", ents)
		}
		if code := cmd.ProcessState.ExitCode(); code != 128+int(syscall.SIGTERM) {
			t.Errorf("exit status %d (%s)", code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "nothing was written") && !strings.Contains(stderr.String(), "partial file was removed") {
			t.Errorf("stderr: %q", stderr.String())
		}
	})
}

// TestExportRefusesStandardInputAtOnce: export needs to read the capture
// twice; from standard input or a pipe it says so before reading anything.
func TestExportRefusesStandardInputAtOnce(t *testing.T) {
	for _, in := range []string{"-", "/dev/null"} {
		var out, errb bytes.Buffer
		code := run([]string{"export", in, "--flow", "1", "-o", filepath.Join(t.TempDir(), "x.pcap")}, &out, &errb)
		if code != exitUsage || !strings.Contains(errb.String(), "reads the capture twice") {
			t.Errorf("export %s: exit %d, stderr %q", in, code, errb.String())
		}
	}
}
