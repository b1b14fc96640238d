package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/livecap"
)

// TestCaptureUsage: what a user mistypes is named, with exit 2, before any
// socket is opened (so it holds without root too).
func TestCaptureUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"capture"}, exitUsage, "capture needs an interface name"},
		{[]string{"capture", "lo", "port", "https"}, exitUsage, `filter: port needs a number from 1 to 65535, got "https"`},
		{[]string{"capture", "lo", "port 443 and"}, exitUsage, "filter: ends where a term was expected"},
		{[]string{"capture", "lo", "udp"}, exitUsage, `filter: unknown word "udp"`},
		{[]string{"capture", "--duration", "-1s", "lo"}, exitUsage, "--duration must not be negative"},
		{[]string{"capture", "--bogus", "lo"}, exitUsage, "flag provided but not defined: -bogus"},
		{[]string{"capture", "--filter", "nosuchkey:x", "lo", "port 443"}, exitUsage, `--filter: unknown filter key "nosuchkey"`},
	} {
		var out, errOut bytes.Buffer
		if code := run(c.args, &out, &errOut); code != c.code || !strings.Contains(errOut.String(), c.says) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d saying %q", c.args, code, errOut.String(), c.code, c.says)
		}
	}
}

// TestCaptureKeepsExistingFile: -w never overwrites a file without --force,
// and says so before capturing anything.
func TestCaptureKeepsExistingFile(t *testing.T) {
	if !livecap.Supported {
		t.Skip("capture is Linux only")
	}
	name := filepath.Join(t.TempDir(), "night.pcap")
	if err := os.WriteFile(name, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"capture", "-w", name, "lo", "port 443"}, &out, &errOut)
	if code != exitCapture || !strings.Contains(errOut.String(), "exists; use --force to overwrite it") {
		t.Fatalf("exit %d, stderr %q; want exit 1 saying the file exists", code, errOut.String())
	}
	if b, _ := os.ReadFile(name); string(b) != "keep me" {
		t.Fatalf("the existing file was changed: %q", b)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(name), ".pcapsurgery-*")); len(m) != 0 {
		t.Fatalf("temporary files left: %v", m)
	}
}
