package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bigPcapng has two sections, an interface declared after packets, a 300 KiB
// custom block (ReadRecords seeks over it) and a 200 KiB packet (larger than
// ReadRecords' buffer, so it is copied rather than aliased).
func bigPcapng() []byte {
	a := &ng{order: binary.BigEndian}
	a.shb().idb(1, 0)
	for i := range 50 {
		a.epb(0, uint64(i)*1000, payload(100+i*20, byte(i)), 2000)
	}
	a.block(0xBAD, make([]byte, 300<<10))
	a.idb(101, 0, opt{optTSResol, u8(9)})
	a.epb(1, 42, payload(200<<10, 9), 200<<10)
	for i := range 50 {
		a.epb(uint32(i%2), uint64(i)*7, payload(60+i, byte(i)), 1500)
	}
	b := &ng{order: binary.LittleEndian}
	b.shb().idb(228, 0, opt{optTSResol, u8(0x80 | 10)})
	for i := range 30 {
		b.epb(0, uint64(i)<<10, payload(40+i, byte(i)), 40+i)
	}
	return append(a.b, b.b...)
}

func bigPcap() []byte {
	var recs []rec
	for i := range 300 {
		recs = append(recs, rec{sec: uint32(i), frac: uint32(i * 3), data: payload(60+(i*37)%1400, byte(i))})
	}
	recs[150].data = payload(100<<10, 1) // larger than ReadRecords' buffer
	return pcapBytes(binary.BigEndian, true, 1, recs...)
}

func TestReadRecordsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"pcap", bigPcap()},
		{"pcap.gz", gzipped(t, bigPcap())},
		{"pcapng", bigPcapng()},
		{"pcapng.gz", gzipped(t, bigPcapng())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			all, err := readAll(t, s)
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			// Every third packet, the big one, and the last; given out of order.
			var want []Packet
			var refs []Ref
			for i, p := range all {
				if i%3 == 0 || len(p.Data) > 64<<10 || i == len(all)-1 {
					want = append(want, p)
					refs = append([]Ref{{Index: p.Index, Offset: p.Offset}}, refs...)
				}
			}
			var got []Packet
			err = ReadRecords(path, refs, func(p Packet) error {
				p.Data = bytes.Clone(p.Data)
				got = append(got, p)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			checkPackets(t, got, want)
		})
	}
}

func TestReadRecordsErrors(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.pcap", "a.pcapng"} {
		file := bigPcap()
		if name == "a.pcapng" {
			file = bigPcapng()
		}
		path := filepath.Join(dir, name)
		os.WriteFile(path, file, 0o644)

		stop := errors.New("stop")
		calls := 0
		first := Ref{Index: 1, Offset: 24}
		if name == "a.pcapng" {
			first.Offset = 28 + 20
		}
		err := ReadRecords(path, []Ref{first, {Index: 2, Offset: 1 << 40}}, func(Packet) error { calls++; return stop })
		if err != stop || calls != 1 {
			t.Errorf("%s: fn's error: got %v after %d calls", name, err, calls)
		}
		err = ReadRecords(path, []Ref{{Index: 9, Offset: int64(len(file)) + 100}}, func(Packet) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "the file ends before it") {
			t.Errorf("%s: offset past the end: %v", name, err)
		}
		err = ReadRecords(path, []Ref{{Index: 1, Offset: first.Offset + 2}}, func(Packet) error { return nil })
		if err == nil {
			t.Errorf("%s: an offset inside a record gave no error", name)
		}
	}
}
