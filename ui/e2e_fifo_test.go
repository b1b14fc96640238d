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

// mix40Capture is testdata/mix40.pcap, the live end-to-end tests' input.
func mix40Capture(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "mix40.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
