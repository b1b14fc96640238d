//go:build unix

package ui

import (
	"bytes"
	"encoding/binary"
	"regexp"
	"strconv"
	"strings"
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
	data := mix40Capture(t)
	head, recs := data[:24], splitRecords(data[24:])
	fifo := e2eFIFO(t, dir, "in.fifo")
	sess := startTmux(t, tmux, "live", dir, "sh", "-c", "cat "+fifo+" | env TERM=xterm-256color NO_COLOR=1 "+bin+" -")
	w := writeFIFO(t, fifo)
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

// TestE2ETmuxLiveRetention runs the real binary on a pipe with room for 10
// finished flows, fed mix40.pcap and the same an hour later: while the pipe
// is open the live line says how many flows were dropped and of which kind,
// and when the input ends the header counts the flows kept and dropped.
func TestE2ETmuxLiveRetention(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("end-to-end test skipped under -short and -race (the binary in tmux is not raced)")
	}
	tmux, dir, bin := e2eBinary(t)
	data := mix40Capture(t)
	fifo := e2eFIFO(t, dir, "ret.fifo")
	// --idle 0: mix40's flows end within 5 s, and a grace of 5 s keeps a
	// flow from the count that long after its last packet; the second copy
	// of the capture, an hour later, puts the first out of that grace.
	later := shiftPcap(data, time.Hour)
	sess := startTmux(t, tmux, "retain", dir, "sh", "-c",
		"cat "+fifo+" | env TERM=xterm-256color NO_COLOR=1 "+bin+" --retain-flows 10 --idle 0 -")
	w := writeFIFO(t, fifo, data, later[24:])
	defer w.Close()
	s := sess.screenHas("LIVE stdin", "40 dropped (")
	if !regexp.MustCompile(`40 dropped \(\d+ ok, \d+ failed\)`).MatchString(s) {
		t.Fatalf("the live line does not say what was dropped:\n%s", s)
	}
	w.Close()
	s = sess.screenHas("flows kept (", "dropped)", "input ended")
	got := regexp.MustCompile(`([\d,]+) flows kept \(([\d,]+) dropped\)`).FindStringSubmatch(s)
	if got == nil {
		t.Fatalf("the header does not count kept and dropped flows:\n%s", s)
	}
	kept, _ := strconv.Atoi(strings.ReplaceAll(got[1], ",", ""))
	dropped, _ := strconv.Atoi(strings.ReplaceAll(got[2], ",", ""))
	if kept != 40 || dropped != 40 {
		t.Errorf("%d kept, %d dropped: want the second copy kept (within 5 s of the newest packet) and the first dropped:\n%s", kept, dropped, s)
	}
	sess.send("q")
}

// shiftPcap is a little-endian pcap with every record d later.
func shiftPcap(data []byte, d time.Duration) []byte {
	out := bytes.Clone(data)
	for off := 24; off+16 <= len(out); {
		sec := binary.LittleEndian.Uint32(out[off:])
		binary.LittleEndian.PutUint32(out[off:], sec+uint32(d/time.Second))
		off += 16 + int(binary.LittleEndian.Uint32(out[off+8:]))
	}
	return out
}
