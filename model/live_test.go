package model

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// pcapRecords splits a little-endian pcap file into its file header and
// its records (each with its 16-byte header), as a writer would send them.
func pcapRecords(t *testing.T, path string) (head []byte, recs [][]byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 24 || binary.LittleEndian.Uint32(data) != 0xa1b2c3d4 {
		t.Fatalf("%s: not a little-endian microsecond pcap", path)
	}
	head, data = data[:24], data[24:]
	for len(data) >= 16 {
		n := 16 + int(binary.LittleEndian.Uint32(data[8:]))
		recs, data = append(recs, data[:n]), data[n:]
	}
	return head, recs
}

// TestLivePipeShowsFlowsBeforeEOF feeds a capture through a real pipe a
// packet at a time and checks what a watching user sees: the flow appears
// within the interval of its first packets, with a provisional badge, and
// its badge becomes the final one while the pipe is still open.
func TestLivePipeShowsFlowsBeforeEOF(t *testing.T) {
	head, recs := pcapRecords(t, filepath.Join("..", "testdata", "captures", "close-notify-tls12-openssl.pcap"))
	if len(recs) < 8 {
		t.Fatalf("expected a whole TLS 1.2 connection, got %d packets", len(recs))
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	write := func(b []byte) {
		t.Helper()
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	write(head)
	src, err := capture.NewSource(r, -1)
	if err != nil {
		t.Fatal(err)
	}
	batches := make(chan Batch, 64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- NewLoader(src).Run(ctx, func(b Batch) { batches <- b }) }()

	// waitBadge waits for flow 1 to show a badge for which ok holds; the
	// deadline is generous for a busy machine, the latency is checked apart.
	waitBadge := func(what string, ok func(string) bool) (string, time.Duration) {
		t.Helper()
		start := time.Now()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case b := <-batches:
				if b.Done {
					t.Fatalf("the load ended before %s, with the pipe still open", what)
				}
				for _, f := range b.Flows {
					if f.ID == 1 && ok(f.Badge) {
						return f.Badge, time.Since(start)
					}
				}
			case <-deadline:
				t.Fatalf("no batch showed %s within 5 s while the pipe stayed open", what)
			}
		}
	}

	// The TCP handshake and the ClientHello, paced like a slow network.
	for _, rec := range recs[:4] {
		write(rec)
		time.Sleep(10 * time.Millisecond)
	}
	first, took := waitBadge("flow 1", func(string) bool { return true })
	if took > time.Second {
		t.Errorf("flow 1 took %v to appear after its packets (want well under a second)", took)
	}
	for _, rec := range recs[4:] {
		write(rec)
		time.Sleep(5 * time.Millisecond)
	}
	final, _ := waitBadge(`"OK 1.2"`, func(b string) bool { return b == "OK 1.2" })
	if first == final {
		t.Errorf("flow 1 showed %q both after its ClientHello and after its whole handshake: no provisional badge", first)
	}
	w.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the load ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the load did not end after the pipe closed")
	}
}
