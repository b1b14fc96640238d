//go:build unix

package ui

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestE2ETmuxLivePipe runs the real binary as `cat FIFO | pcapsurgery -` in
// tmux and writes a capture into the FIFO slowly, as tcpdump -U would: rows
// and the live header must show while the pipe is still open, p must pause
// the list (with the held updates counted) and resume it, and the end of
// the input must leave every flow on screen.
func TestE2ETmuxLivePipe(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("end-to-end test skipped under -short and -race (the binary in tmux is not raced)")
	}
	tmux, dir, bin := e2eBinary(t)
	data, err := os.ReadFile(filepath.Join("testdata", "mix40.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	head, recs := data[:24], splitRecords(data[24:])
	fifo := filepath.Join(dir, "in.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	sess := startTmux(t, tmux, "live", dir, "sh", "-c", "cat "+fifo+" | env TERM=xterm-256color NO_COLOR=1 "+bin+" -")
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // waits for cat to open it
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	write := func(rs [][]byte) {
		t.Helper()
		for _, r := range rs {
			if _, err := w.Write(r); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Millisecond)
		}
	}
	write([][]byte{head})
	half := len(recs) / 2
	write(recs[:half])
	// Rows before the end of the input: flow 1's row and the live header.
	s := sess.screenHas("LIVE stdin", "pkts/s", "failures/min", "10.16.", "OK 1.3")
	if strings.Contains(s, "40 flows") {
		t.Fatalf("all 40 flows on screen from half the packets:\n%s", s)
	}
	sess.send("p")
	sess.screenHas("PAUSED")
	write(recs[half:])
	// Paused: the input is still read (the held updates are counted) but
	// the list keeps its flows.
	s = sess.screenHas("PAUSED", "held")
	if strings.Contains(s, "40 flows:") {
		t.Errorf("the list took new flows while paused:\n%s", s)
	}
	sess.send("p")
	sess.screenHas("LIVE stdin", "40 flows")
	w.Close()
	s = sess.screenHas("40 flows:", "input ended")
	if strings.Contains(s, "LIVE") {
		t.Errorf("the live header stayed after the input ended:\n%s", s)
	}
	sess.send("q")
}

// splitRecords cuts little-endian pcap records (16-byte header and data).
func splitRecords(data []byte) [][]byte {
	var recs [][]byte
	for len(data) >= 16 {
		n := 16 + int(binary.LittleEndian.Uint32(data[8:]))
		if n > len(data) {
			break
		}
		recs, data = append(recs, data[:n]), data[n:]
	}
	return recs
}
