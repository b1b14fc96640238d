package capture

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"
)

// spoolPackets makes n packets of size bytes each, numbered from 1, at
// offsets as a pcap stream would give them.
func spoolPackets(n, size int) []Packet {
	ps := make([]Packet, n)
	off := int64(24)
	for i := range ps {
		data := bytes.Repeat([]byte{byte(i)}, size)
		ps[i] = Packet{Index: i + 1, Offset: off, TS: time.Unix(1_700_000_000+int64(i), 123), LinkType: 1,
			CapLen: size, OrigLen: size + 10, Data: data}
		off += int64(16 + size)
	}
	return ps
}

// TestSpoolKeepsTheNewest: past its cap the spool deletes its oldest
// segments, stays under the cap, says from which packet it still holds,
// gives back what it holds byte for byte with the first read's index,
// offset, time and lengths, and Close removes its directory.
func TestSpoolKeepsTheNewest(t *testing.T) {
	const limit = 1 << 20
	sp, err := NewSpool(t.TempDir(), limit)
	if err != nil {
		t.Fatal(err)
	}
	ps := spoolPackets(3000, 1000) // about 3 MB
	for i := 0; i < len(ps); i += 100 {
		sp.Write(ps[i : i+100])
	}
	st := sp.State()
	if !st.Left || st.Bytes > limit || st.Err != nil {
		t.Fatalf("state %+v: want packets gone, at most %d bytes, no error", st, limit)
	}
	var got []Packet
	err = sp.Read(0, ps[len(ps)-1].Offset, func(p Packet) error {
		p.Data = bytes.Clone(p.Data)
		got = append(got, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Index != st.First.Index || got[len(got)-1].Index != len(ps) {
		t.Fatalf("read %d packets from %d, want from the first kept (%d) to %d", len(got), got[0].Index, st.First.Index, len(ps))
	}
	for _, p := range got {
		w := ps[p.Index-1]
		if p.Offset != w.Offset || !p.TS.Equal(w.TS) || p.OrigLen != w.OrigLen || p.LinkType != w.LinkType || !bytes.Equal(p.Data, w.Data) {
			t.Fatalf("packet %d read back differs: %+v", p.Index, p)
		}
	}
	dir := sp.Dir()
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s left after Close: %v", dir, err)
	}
	sp.Write(ps[:1]) // the reading goroutine may still write after Close: nothing happens
}

// TestSpoolStopsOnWriteError: when the spool cannot write (here its
// directory is gone, as a full disk would refuse), it stops for good and
// says before which packet; the input is not disturbed.
func TestSpoolStopsOnWriteError(t *testing.T) {
	sp, err := NewSpool(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	ps := spoolPackets(1000, 1000)
	sp.Write(ps[:10])
	os.RemoveAll(sp.Dir())
	sp.Write(ps[10:])
	st := sp.State()
	if st.Err == nil || st.Stopped.Index <= 10 || st.Stopped.Index > 200 {
		t.Fatalf("state %+v: want a write error and the packet it stopped before (the next segment's first)", st)
	}
}
