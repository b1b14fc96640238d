package capture

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"
)

// twoSections builds a pcapng file with two sections. The first (in order1)
// has an Ethernet interface at the default µs resolution and a raw-IP one at
// ns with a 100 s offset, and holds an EPB on each, a PB, an SPB and blocks
// to skip. The second (in order2) declares one SLL interface with a
// power-of-two resolution (2^-20 s) whose id 0 becomes global index 2.
func twoSections(order1, order2 endian) ([]byte, []Packet) {
	a := &ng{order: order1}
	a.shb().
		idb(1, 65535, opt{optIfName, []byte("eth0")}).
		block(4, []byte{0, 0, 0, 0}). // name resolution block: skipped
		idb(101, 262144, opt{optTSResol, u8(9)}, opt{optTSOffset, a.i64(100)}).
		epb(0, 1_700_000_000_123_456, payload(60, 1), 60).
		epb(1, 1_700_000_000_123_456_789, payload(41, 2), 1400).
		block(5, make([]byte, 28)).           // interface statistics: skipped
		block(0x40000BAD, payload(13, 0)).    // custom block: skipped
		pb(1, 5_000_000_001, payload(20, 3)). // obsolete packet block
		spb(1000, payload(50, 4)).            // simple packet block: caplen = room in block, padding included
		spb(50, payload(50, 6))               // ... or origlen when that is smaller
	b := &ng{order: order2}
	b.shb().
		idb(113, 0, opt{optTSResol, u8(0x80 | 20)}, opt{optIfName, []byte("any\x00")}).
		epb(0, 3<<20|1<<19, payload(64, 5), 64)

	file := append(a.b, b.b...)
	want := []Packet{
		{TS: unixAt(1_700_000_000, 123_456_000), LinkType: 1, Interface: 0, OrigLen: 60},
		{TS: unixAt(1_700_000_100, 123_456_789), LinkType: 101, Interface: 1, OrigLen: 1400},
		{TS: unixAt(105, 1), LinkType: 101, Interface: 1, OrigLen: 20},
		{TS: unixAt(0, 0), LinkType: 1, Interface: 0, OrigLen: 1000},
		{TS: unixAt(0, 0), LinkType: 1, Interface: 0, OrigLen: 50},
		{TS: unixAt(3, 500_000_000), LinkType: 113, Interface: 2, OrigLen: 64},
	}
	datas := [][]byte{payload(60, 1), payload(41, 2), payload(20, 3), pad4(payload(50, 4)), payload(50, 6), payload(64, 5)}
	for i := range want {
		want[i].Index = i + 1
		want[i].Data = datas[i]
		want[i].CapLen = len(datas[i])
	}
	return file, want
}

func TestPcapngSectionsInterfacesResolutions(t *testing.T) {
	for _, tc := range []struct {
		name           string
		order1, order2 endian
	}{
		{"little then big", binary.LittleEndian, binary.BigEndian},
		{"big then little", binary.BigEndian, binary.LittleEndian},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file, want := twoSections(tc.order1, tc.order2)
			s := mustSource(t, file)
			if s.Format() != "pcapng" {
				t.Errorf("Format() = %q", s.Format())
			}
			got, err := readAll(t, s)
			if err != nil {
				t.Fatal(err)
			}
			checkPackets(t, got, want)
			ifs := s.Interfaces()
			wantIfs := []Interface{
				{LinkType: 1, SnapLen: 65535, Name: "eth0", TSResol: time.Microsecond, TSResolOption: 6, Section: 0, ID: 0},
				{LinkType: 101, SnapLen: 262144, TSResol: time.Nanosecond, TSResolOption: 9, TSOffset: 100, Section: 0, ID: 1},
				{LinkType: 113, Name: "any", TSResol: 953, TSResolOption: 0x80 | 20, Section: 1, ID: 0},
			}
			if len(ifs) != len(wantIfs) {
				t.Fatalf("Interfaces() = %+v", ifs)
			}
			for i := range ifs {
				if ifs[i] != wantIfs[i] {
					t.Errorf("interface %d = %+v, want %+v", i, ifs[i], wantIfs[i])
				}
			}
			if !s.NanoResolution() {
				t.Error("NanoResolution() = false with a ns interface")
			}
		})
	}
}

func checkPackets(t *testing.T, got, want []Packet) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d packets, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Index != w.Index || !g.TS.Equal(w.TS) || g.LinkType != w.LinkType || g.Interface != w.Interface ||
			g.CapLen != w.CapLen || g.OrigLen != w.OrigLen || !bytes.Equal(g.Data, w.Data) {
			t.Errorf("packet %d:\n got {Index %d TS %v LT %d If %d Cap %d Orig %d}\nwant {Index %d TS %v LT %d If %d Cap %d Orig %d}",
				i, g.Index, g.TS, g.LinkType, g.Interface, g.CapLen, g.OrigLen,
				w.Index, w.TS, w.LinkType, w.Interface, w.CapLen, w.OrigLen)
		}
		if w.Offset != 0 && g.Offset != w.Offset {
			t.Errorf("packet %d: Offset %d, want %d", i, g.Offset, w.Offset)
		}
	}
}

func TestPcapngMicroOnlyIsNotNano(t *testing.T) {
	n := &ng{order: binary.LittleEndian}
	n.shb().idb(1, 0).epb(0, 1, payload(10, 0), 10)
	s := mustSource(t, n.b)
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	if s.NanoResolution() {
		t.Error("NanoResolution() = true for a µs-only file")
	}
}

func TestPcapngOffsetsPointAtBlocks(t *testing.T) {
	file, _ := twoSections(binary.LittleEndian, binary.LittleEndian)
	pkts, err := readAll(t, mustSource(t, file))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		typ := binary.LittleEndian.Uint32(file[p.Offset:])
		if !isPacketBlock(typ) {
			t.Errorf("packet %d: offset %d holds block type %#x", p.Index, p.Offset, typ)
		}
	}
}

func TestGzipBothFormats(t *testing.T) {
	ngFile, ngWant := twoSections(binary.BigEndian, binary.LittleEndian)
	pcapFile := pcapBytes(binary.LittleEndian, false, 1, rec{sec: 9, frac: 1, data: payload(77, 9)})
	for _, tc := range []struct {
		format string
		file   []byte
		n      int
	}{
		{"pcap+gzip", pcapFile, 1},
		{"pcapng+gzip", ngFile, len(ngWant)},
	} {
		gz := gzipped(t, tc.file)
		s := mustSource(t, gz)
		if s.Format() != tc.format || !s.Compressed() {
			t.Errorf("Format() = %q, Compressed() = %v, want %q", s.Format(), s.Compressed(), tc.format)
		}
		pkts, err := readAll(t, s)
		if err != nil || len(pkts) != tc.n {
			t.Fatalf("%s: %d packets, err %v", tc.format, len(pkts), err)
		}
		if s.BytesRead() != int64(len(gz)) || s.Size() != int64(len(gz)) {
			t.Errorf("%s: BytesRead() = %d, Size() = %d, want %d", tc.format, s.BytesRead(), s.Size(), len(gz))
		}
		if tc.format == "pcapng+gzip" {
			checkPackets(t, pkts, ngWant)
		}
	}
}
