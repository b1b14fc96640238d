package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestCaptureWarnsOfKernelDrops: capture's summary says on stderr while it
// runs that the kernel dropped packets, once when it starts and not again
// at every batch after.
func TestCaptureWarnsOfKernelDrops(t *testing.T) {
	var n uint64
	var stderr bytes.Buffer
	warn := dropWarner(func() uint64 { return n }, "eth0", &stderr)
	warn()
	if stderr.Len() != 0 {
		t.Fatalf("warned with no drops: %q", stderr.String())
	}
	n = 3
	warn()
	want := "pcapsurgery: warning: the kernel has dropped 3 packets on eth0 so far (not read fast enough): the flows they belonged to may show gaps\n"
	if stderr.String() != want {
		t.Fatalf("got %q, want %q", stderr.String(), want)
	}
	n = 9
	warn()
	warn()
	if strings.Count(stderr.String(), "warning") != 1 {
		t.Errorf("warned again within %v: %q", dropWarnEvery, stderr.String())
	}
}
