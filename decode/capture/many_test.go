package capture

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOpenManyOrderAndDamage reads three files as one: given out of time
// order, they are read in the order of their first packets, packet numbers
// and interface indexes run on across them, and a file cut short in the
// middle is reported at the end, after the file after it was read.
func TestOpenManyOrderAndDamage(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := write("z.pcap", pcapBytes(le, false, 1, rec{sec: 10, data: payload(60, 1)}, rec{sec: 11, data: payload(60, 2)}))
	cut := pcapBytes(le, false, 101, rec{sec: 20, data: payload(60, 3)}, rec{sec: 21, data: payload(60, 4)})
	middle := write("a.pcap", cut[:len(cut)-10]) // the second record is cut short
	n := &ng{order: le}
	n.shb().idb(1, 65535).epb(0, 30_000_000, payload(60, 5), 0)
	last := write("m.pcapng.gz", gzipped(t, n.b))

	for _, read := range []string{"Next", "Prefetch"} {
		s, err := OpenMany([]string{last, middle, first})
		if err != nil {
			t.Fatal(err)
		}
		var got []Packet
		var end error
		if read == "Next" {
			got, end = readAll(t, s)
		} else {
			for b := range s.Prefetch(t.Context(), nil) {
				for _, p := range b.Packets {
					p.Data = nil
					got = append(got, p)
				}
				if b.Last {
					end = b.Err
				}
				b.Release()
			}
		}
		s.Close()
		var secs []int64
		for i, p := range got {
			secs = append(secs, p.TS.Unix())
			if p.Index != i+1 {
				t.Errorf("%s: packet %d has number %d; numbers must run on across files", read, i+1, p.Index)
			}
		}
		if want := []int64{10, 11, 20, 30}; !slices.Equal(secs, want) {
			t.Fatalf("%s: packets at %v s, want %v (files in first-packet order, the cut record left out)", read, secs, want)
		}
		if got[2].LinkType != 101 || got[2].Interface != 1 || got[3].Interface != 2 {
			t.Errorf("%s: second file's packet on interface %d (link %d), third's on %d; want 1 (101) and 2",
				read, got[2].Interface, got[2].LinkType, got[3].Interface)
		}
		var d *DamageError
		if !errors.As(end, &d) || !strings.Contains(end.Error(), "a.pcap") {
			t.Errorf("%s: the end says %v; want the damage of a.pcap, named", read, end)
		}
		if errors.Is(end, io.EOF) {
			t.Errorf("%s: damage reported as a clean end", read)
		}
	}
}
