package capture

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
)

// benchPcap is ~64 MB of records with a TLS-like size mix (ACKs, hellos,
// full-size data segments), averaging about 690 bytes per record.
func benchPcap(b *testing.B) (file []byte, records int) {
	sizes := []int{66, 66, 583, 1514, 1514, 74, 1230}
	file = pcapBytes(binary.LittleEndian, false, 1)
	for len(file) < 64<<20 {
		n := sizes[records%len(sizes)]
		file = appendPcapRecord(file, binary.LittleEndian, rec{sec: uint32(records), data: payload(n, byte(records))})
		records++
	}
	return file, records
}

// BenchmarkNextPcap measures one Next per op; MB/s counts file bytes.
func BenchmarkNextPcap(b *testing.B) {
	file, records := benchPcap(b)
	b.SetBytes(int64(len(file)) / int64(records))
	b.ReportAllocs()
	r := bytes.NewReader(file)
	s, err := NewSource(r, int64(len(file)))
	if err != nil {
		b.Fatal(err)
	}
	sum := 0
	b.ResetTimer()
	for range b.N {
		p, err := s.Next()
		if err == io.EOF {
			// Start over; the Source's allocations amortise to 0 per packet.
			r.Reset(file)
			if s, err = NewSource(r, int64(len(file))); err != nil {
				b.Fatal(err)
			}
			p, err = s.Next()
		}
		if err != nil {
			b.Fatal(err)
		}
		sum += len(p.Data)
	}
	_ = sum
}

func BenchmarkNextPcapngGzip(b *testing.B) {
	n := &ng{order: binary.LittleEndian}
	n.shb().idb(1, 0)
	sizes := []int{66, 583, 1514, 74}
	records := 0
	for len(n.b) < 8<<20 {
		n.epb(0, uint64(records), payload(sizes[records%len(sizes)], byte(records)), 1514)
		records++
	}
	for _, tc := range []struct {
		name string
		file []byte
	}{{"pcapng", n.b}, {"pcapng+gzip", gzipped(b, n.b)}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(n.b)) / int64(records))
			b.ReportAllocs()
			r := bytes.NewReader(tc.file)
			s, _ := NewSource(r, -1)
			b.ResetTimer()
			for range b.N {
				_, err := s.Next()
				if err == io.EOF {
					r.Reset(tc.file)
					s, _ = NewSource(r, -1)
					_, err = s.Next()
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
