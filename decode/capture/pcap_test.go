package capture

import (
	"bytes"
	"encoding/binary"
	"testing"
	"testing/iotest"
	"time"
)

func TestPcapByteOrdersAndResolutions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		order endian
		nano  bool
	}{
		{"little-endian µs", binary.LittleEndian, false},
		{"big-endian µs", binary.BigEndian, false},
		{"little-endian ns", binary.LittleEndian, true},
		{"big-endian ns", binary.BigEndian, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := []rec{
				{sec: 1700000000, frac: 123, data: payload(60, 1)},
				{sec: 1700000001, frac: 999, data: payload(1514, 2), origLen: 1514},
				{sec: 4000000000, frac: 0, data: payload(96, 3), origLen: 1500}, // past 2038: unsigned seconds
			}
			s := mustSource(t, pcapBytes(tc.order, tc.nano, 113, recs...))
			if s.Format() != "pcap" || s.Compressed() {
				t.Errorf("Format() = %q, Compressed() = %v", s.Format(), s.Compressed())
			}
			pkts, err := readAll(t, s)
			if err != nil {
				t.Fatal(err)
			}
			if len(pkts) != len(recs) {
				t.Fatalf("got %d packets, want %d", len(pkts), len(recs))
			}
			mul := int64(1000)
			if tc.nano {
				mul = 1
			}
			offset := int64(24)
			for i, p := range pkts {
				r := recs[i]
				want := unixAt(int64(r.sec), int64(r.frac)*mul)
				orig := r.origLen
				if orig == 0 {
					orig = len(r.data)
				}
				if p.Index != i+1 || !p.TS.Equal(want) || p.LinkType != 113 || p.Interface != 0 ||
					p.CapLen != len(r.data) || p.OrigLen != orig || p.Offset != offset || !bytes.Equal(p.Data, r.data) {
					t.Errorf("packet %d = {Index %d TS %v LT %d If %d Cap %d Orig %d Off %d}, want TS %v Orig %d Off %d",
						i, p.Index, p.TS, p.LinkType, p.Interface, p.CapLen, p.OrigLen, p.Offset, want, orig, offset)
				}
				offset += 16 + int64(len(r.data))
			}
			ifs := s.Interfaces()
			wantRes := time.Microsecond
			if tc.nano {
				wantRes = time.Nanosecond
			}
			if len(ifs) != 1 || ifs[0].LinkType != 113 || ifs[0].SnapLen != 65535 || ifs[0].TSResol != wantRes {
				t.Errorf("Interfaces() = %+v", ifs)
			}
			if s.NanoResolution() != tc.nano {
				t.Errorf("NanoResolution() = %v", s.NanoResolution())
			}
		})
	}
}

// A caplen above the snaplen is common (writers ignore their own snaplen)
// and is accepted as long as it is plausible.
func TestPcapCapLenAboveSnapLenAccepted(t *testing.T) {
	b := pcapBytes(binary.LittleEndian, false, 1, rec{sec: 1, data: payload(100, 0)})
	binary.LittleEndian.PutUint32(b[16:], 64) // snaplen 64
	pkts, err := readAll(t, mustSource(t, b))
	if err != nil || len(pkts) != 1 || pkts[0].CapLen != 100 {
		t.Fatalf("got %d packets, err %v", len(pkts), err)
	}
}

func TestUnknownSizeAndTinyReads(t *testing.T) {
	b := pcapBytes(binary.BigEndian, true, 1, rec{sec: 5, data: payload(70, 1)}, rec{sec: 6, data: payload(80, 2)})
	for _, gz := range []bool{false, true} {
		in := b
		if gz {
			in = gzipped(t, b)
		}
		s, err := NewSource(iotest.OneByteReader(bytes.NewReader(in)), -1)
		if err != nil {
			t.Fatal(err)
		}
		pkts, err := readAll(t, s)
		if err != nil || len(pkts) != 2 || s.Size() != -1 {
			t.Fatalf("gzip=%v: %d packets, err %v, size %d", gz, len(pkts), err, s.Size())
		}
		if s.BytesRead() != int64(len(in)) {
			t.Errorf("gzip=%v: BytesRead() = %d, want %d", gz, s.BytesRead(), len(in))
		}
	}
}
