package decode

import (
	"bytes"
	"testing"
)

type collector struct{ got []byte }

func (c *collector) deliver(b []byte) { c.got = append(c.got, b...) }

func TestReassemblerOrdersAndDropsRetransmissions(t *testing.T) {
	msg := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
	isn := uint32(0xfffffff0) // wraps inside the message
	seg := func(from, to int) (uint32, []byte) { return isn + uint32(from), msg[from:to] }

	cases := []struct {
		name  string
		order [][2]int
	}{
		{"in order", [][2]int{{0, 10}, {10, 20}, {20, 36}}},
		{"reversed", [][2]int{{20, 36}, {10, 20}, {0, 10}}},
		{"middle first", [][2]int{{10, 20}, {0, 10}, {20, 36}}},
		{"retransmitted", [][2]int{{0, 10}, {0, 10}, {10, 20}, {5, 15}, {20, 36}, {20, 36}}},
		{"overlapping out of order", [][2]int{{15, 30}, {10, 20}, {0, 12}, {28, 36}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r reassembler
			var c collector
			r.start(isn)
			for _, o := range tc.order {
				s, d := seg(o[0], o[1])
				if res := r.add(s, d, c.deliver); res.conflict {
					t.Errorf("conflict reported for identical bytes at %v", o)
				}
			}
			r.finish()
			if !bytes.Equal(c.got, msg) {
				t.Errorf("delivered %q, want %q", c.got, msg)
			}
			if r.holed {
				t.Errorf("hole reported")
			}
		})
	}
}

func TestReassemblerHoleStopsDelivery(t *testing.T) {
	var r reassembler
	var c collector
	r.start(1000)
	r.add(1000, []byte("abc"), c.deliver)
	r.add(1010, []byte("xyz"), c.deliver) // 7 bytes missing
	r.finish()
	if string(c.got) != "abc" {
		t.Errorf("delivered %q, want abc", c.got)
	}
	if !r.holed || r.gap != 7 {
		t.Errorf("holed=%v gap=%d, want true 7", r.holed, r.gap)
	}
}

func TestReassemblerFirstCopyWinsAndConflictMarked(t *testing.T) {
	var r reassembler
	var c collector
	r.start(1)
	r.add(5, []byte("EFGH"), c.deliver)
	res := r.add(5, []byte("efgh"), c.deliver)
	if !res.conflict || !res.retransmit {
		t.Errorf("held duplicate with other bytes: %+v", res)
	}
	r.add(1, []byte("ABCD"), c.deliver)
	res = r.add(3, []byte("cd"), c.deliver)
	if !res.conflict {
		t.Errorf("delivered overlap with other bytes not marked: %+v", res)
	}
	if string(c.got) != "ABCDEFGH" {
		t.Errorf("delivered %q", c.got)
	}
}

func TestReassemblerBoundsHeldBytes(t *testing.T) {
	var r reassembler
	var c collector
	r.start(0)
	chunk := make([]byte, 1400)
	for i := 1; i < 1000 && !r.holed; i++ {
		r.add(uint32(i*2000), chunk, c.deliver)
	}
	if !r.holed {
		t.Fatal("never gave up on a hole that keeps growing")
	}
	if r.held != 0 || r.pending != nil {
		t.Errorf("buffers kept after giving up: %d bytes", r.held)
	}
}
