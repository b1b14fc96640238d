package model

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
)

// TestWithKeyLogFile: the file's secrets are added to a copy (the running
// load's own are never written), its bad lines counted, and the reload
// decrypts the flow the first load could not.
func TestWithKeyLogFile(t *testing.T) {
	pcap := filepath.Join("..", "testdata", "captures", "untrusted-ca-tls13-go-openssl.pcap")
	keys, err := os.ReadFile(filepath.Join("..", "testdata", "captures", "keylog", "untrusted-ca-tls13-go-openssl.keys"))
	if err != nil {
		t.Skip(err)
	}
	file := filepath.Join(t.TempDir(), "k.log")
	if err := os.WriteFile(file, append(keys, "CLIENT_RANDOM zz 00\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	reopen := func() (*capture.Source, error) { return capture.Open(pcap) }
	src, err := reopen()
	if err != nil {
		t.Skip(err)
	}
	defer src.Close()
	first := NewLoader(src)
	own := keylog.New()
	first.SetKeyLog(own)
	if err := first.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if n := len(first.DecryptedFlows()); n != 0 {
		t.Fatalf("%d flows decrypted without secrets", n)
	}

	next, read, err := first.WithKeyLogFile(file, reopen)
	if err != nil {
		t.Fatal(err)
	}
	defer next.Source().Close()
	if read.Lines != 3 || read.Secrets != 2 || read.Problems != "skipped 1 with a wrong length" {
		t.Errorf("read %+v", read)
	}
	if own.Len() != 0 {
		t.Error("the first load's key log was written")
	}
	if err := next.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if d := next.DecryptedFlows(); len(d) != 1 || !d[1] {
		t.Errorf("decrypted after the reload: %v, want flow 1", d)
	}

	if _, _, err := first.WithKeyLogFile(filepath.Join(t.TempDir(), "none"), reopen); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err == nil {
		if _, _, err := first.WithKeyLogFile(fifo, reopen); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("FIFO: %v", err)
		}
	}
	if _, _, err := first.WithKeyLogFile(t.TempDir(), reopen); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	gone := errors.New("gone")
	if _, _, err := first.WithKeyLogFile(file, func() (*capture.Source, error) { return nil, gone }); !errors.Is(err, gone) {
		t.Errorf("reopen failing: %v", err)
	}
}
