package capture

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestPipeBatchesBeforeEOF writes a capture into a real pipe the way
// `tcpdump -U -w -` does (the file header, then a packet now and then) and
// checks that opening it does not wait for more than the header, and that
// each packet arrives in a batch while the pipe is still open.
func TestPipeBatchesBeforeEOF(t *testing.T) {
	pcapFile := pcapBytes(le, false, 1, rec{sec: 1, data: payload(60, 1)})
	n := &ng{order: le}
	n.shb().idb(1, 65535)
	ngHead := len(n.b)
	n.epb(0, 1, payload(60, 2), 0)
	for _, c := range []struct {
		name string
		file []byte
		head int // bytes before the first packet
	}{{"pcap", pcapFile, 24}, {"pcapng", n.b, ngHead}} {
		t.Run(c.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			w.Write(c.file[:c.head])
			opened := make(chan *Source, 1)
			go func() {
				s, err := NewSource(r, -1)
				if err != nil {
					t.Error(err)
				}
				opened <- s
			}()
			var s *Source
			select {
			case s = <-opened:
			case <-time.After(5 * time.Second):
				t.Fatal("opening a pipe that has sent only its file header did not return within 5 s")
			}
			if s == nil {
				return
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			batches := s.Prefetch(ctx, nil)
			for i := 0; i < 3; i++ {
				w.Write(c.file[c.head:])
				select {
				case b := <-batches:
					if len(b.Packets) != 1 || b.Last {
						t.Fatalf("batch %d: %d packets (last %v), want the one packet written", i, len(b.Packets), b.Last)
					}
					b.Release()
				case <-time.After(5 * time.Second):
					t.Fatalf("packet %d written to the open pipe never came out in a batch", i)
				}
			}
			w.Close()
			b := <-batches
			if !b.Last || b.Err != nil || len(b.Packets) != 0 {
				t.Fatalf("after the pipe closed: last %v, err %v, %d packets; want a clean end", b.Last, b.Err, len(b.Packets))
			}
		})
	}
}
