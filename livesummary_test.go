//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pcapParts splits a little-endian pcap into its file header and records.
func pcapParts(t *testing.T, path string) (head []byte, recs [][]byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, data = data[:24], data[24:]
	for len(data) >= 16 {
		n := 16 + int(binary.LittleEndian.Uint32(data[8:]))
		recs, data = append(recs, data[:n]), data[n:]
	}
	return head, recs
}

// TestSummaryLivePipe runs `summary --json -` on a pipe that stays open:
// a flow's line must come out once its outcome is settled, before the input
// ends; SIGINT must then print the flow still open, as it stands, and the
// totals on standard error, and exit 130.
func TestSummaryLivePipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t, t.TempDir())
	head, done := pcapParts(t, filepath.Join("testdata", "captures", "close-notify-tls12-openssl.pcap"))
	_, open := pcapParts(t, filepath.Join("testdata", "captures", "expired-tls12-openssl.pcap"))
	// The two captures' clocks are days apart: without --idle 0 retention
	// would take the open flow for idle when the later one's packets come,
	// and print it then (model.TestLiveSummaryPrintsDroppedFlows).
	cmd := exec.Command(bin, "summary", "--json", "--idle", "0", "-")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func(what string) string {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before %s; stderr: %s", what, stderr.String())
			}
			return l
		case <-time.After(10 * time.Second):
			t.Fatalf("no line for %s within 10 s while the pipe stayed open", what)
		}
		return ""
	}
	stdin.Write(head)
	for _, r := range open[:4] { // SYN, SYN-ACK, ACK, ClientHello: still open
		stdin.Write(r)
	}
	for _, r := range done { // a whole connection, closed by FIN
		stdin.Write(r)
		time.Sleep(2 * time.Millisecond)
	}
	first := next("the closed flow")
	if !strings.Contains(first, `"sni":"notify12.pcapsurgery.test"`) || !strings.Contains(first, `"outcome":"ok"`) {
		t.Fatalf("first line is not the completed flow:\n%s", first)
	}
	select {
	case l := <-lines:
		t.Fatalf("a line for a flow still open came out before the end:\n%s", l)
	case <-time.After(300 * time.Millisecond):
	}
	cmd.Process.Signal(syscall.SIGINT)
	second := next("the open flow after SIGINT")
	if !strings.Contains(second, `"sni":"expired.pcapsurgery.test"`) {
		t.Errorf("after SIGINT the open flow's line is missing:\n%s", second)
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit status %d after SIGINT (err %v), want 130; stderr: %s", code, err, stderr.String())
	}
	if s := stderr.String(); !strings.Contains(s, "interrupted (interrupt): 2 flows: 1 ok, 1 partial") {
		t.Errorf("stderr lacks the totals: %q", s)
	}
}
