//go:build unix

package ui

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// e2eFIFO makes the named pipe dir/name for the binary in tmux to read its
// input from, or skips the test where there are none.
func e2eFIFO(t *testing.T, dir, name string) string {
	t.Helper()
	fifo := filepath.Join(dir, name)
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	return fifo
}

// writeFIFO opens fifo for writing (waiting for its reader, the binary's
// cat, to open it) and writes chunks to it; the caller closes it.
func writeFIFO(t *testing.T, fifo string, chunks ...[]byte) *os.File {
	t.Helper()
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if _, err := w.Write(c); err != nil {
			w.Close()
			t.Fatal(err)
		}
	}
	return w
}

// mix40Capture is testdata/mix40.pcap, the live end-to-end tests' input.
func mix40Capture(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "mix40.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
