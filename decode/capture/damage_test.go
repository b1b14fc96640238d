package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestDamage(t *testing.T) {
	twoRecs := pcapBytes(le, false, 1, rec{sec: 1, data: payload(60, 1)}, rec{sec: 2, data: payload(70, 2)})
	third := int64(len(twoRecs))
	ngBase := func() *ng {
		n := &ng{order: le}
		return n.shb().idb(1, 0).epb(0, 1, payload(60, 1), 60)
	}
	ngThird := int64(len(ngBase().b))

	badTrailer := ngBase().epb(0, 2, payload(10, 0), 10)
	binary.LittleEndian.PutUint32(badTrailer.b[len(badTrailer.b)-4:], 999)

	tests := []struct {
		name   string
		file   []byte
		good   int
		offset int64
		reason string
	}{
		{"pcap record header cut", append(bytes.Clone(twoRecs), 1, 2, 3, 4, 5), 2, third,
			"file ends 5 bytes into a 16-byte record header"},
		{"pcap record data cut", appendPcapRecord(bytes.Clone(twoRecs), le, rec{data: payload(100, 0)})[:third+46], 2, third,
			"file ends 46 bytes into a 116-byte record"},
		{"pcap lying caplen", append(bytes.Clone(twoRecs), 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0), 2, third,
			"record length 4294967295 exceeds the 262144-byte limit"},
		{"pcapng length not a multiple of 4", ngBase().raw(blockEnhanced, 33).b, 1, ngThird,
			"enhanced packet block length 33 is not a multiple of 4"},
		{"pcapng EPB too small", ngBase().raw(blockEnhanced, 28, 0, 0, 0, 0, 0).b, 1, ngThird,
			"enhanced packet block length 28 is too small (at least 32)"},
		{"pcapng unknown block too small", ngBase().raw(0x99, 8).b, 1, ngThird,
			"block of type 0x00000099 length 8 is too small (at least 12)"},
		{"pcapng block over 16 MiB", ngBase().raw(0x99, 0x7ffffffc).b, 1, ngThird,
			"length 2147483644 exceeds the 16777216-byte limit"},
		{"pcapng trailing length mismatch", badTrailer.b, 1, ngThird,
			"enhanced packet block length 64 at the start but 999 at the end"},
		{"pcapng unknown interface", ngBase().epb(5, 2, payload(10, 0), 10).b, 1, ngThird,
			"packet refers to interface 5, but the section declares 1"},
		{"pcapng SPB without interface", (&ng{order: le}).shb().spb(10, payload(10, 0)).b, 0, 28,
			"packet refers to interface 0, but the section declares 0"},
		{"pcapng lying caplen", ngBase().raw(blockEnhanced, 32, 0, 0, 0, 0x7fffffff, 0, 32).b, 1, ngThird,
			"record length 2147483647 exceeds the 262144-byte limit"},
		{"pcapng caplen beyond block", ngBase().raw(blockEnhanced, 36, 0, 0, 0, 100, 100, 0, 36).b, 1, ngThird,
			"captured length 100 does not fit in a 36-byte enhanced packet block"},
		{"pcapng second SHB with bad byte-order magic", ngBase().raw(blockSHB, 28, 0xdeadbeef, 1, 0, 0, 28).b, 1, ngThird,
			"section header has a bad byte-order magic 0xefbeadde"},
		{"pcapng block cut", ngBase().epb(0, 2, payload(100, 0), 100).b[:ngThird+50], 1, ngThird,
			"file ends 50 bytes into a 152-byte enhanced packet block"},
		{"pcapng block header cut", append(ngBase().b, 6, 0, 0), 1, ngThird,
			"file ends 3 bytes into a 8-byte block header"},
		{"pcapng skipped block cut", ngBase().raw(0x99, 1000, 1, 2).b, 1, ngThird,
			"file ends 16 bytes into a 1000-byte block of type 0x00000099"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pkts, err := readAll(t, mustSource(t, tc.file))
			if len(pkts) != tc.good {
				t.Errorf("got %d good packets before the damage, want %d", len(pkts), tc.good)
			}
			for i, p := range pkts {
				if p.Index != i+1 || len(p.Data) == 0 {
					t.Errorf("good packet %d: Index %d, %d bytes", i, p.Index, len(p.Data))
				}
			}
			d := asDamage(t, err)
			if d.Packet != tc.good+1 || d.Offset != tc.offset || !strings.Contains(d.Reason, tc.reason) {
				t.Errorf("damage = {Packet %d Offset %d Reason %q}, want {Packet %d Offset %d Reason ~%q}",
					d.Packet, d.Offset, d.Reason, tc.good+1, tc.offset, tc.reason)
			}
		})
	}
}

func TestDamagedFileHeaders(t *testing.T) {
	pcapCut := pcapBytes(binary.BigEndian, false, 1)[:10]
	_, err := NewSource(bytes.NewReader(pcapCut), 10)
	if d := asDamage(t, err); d.Packet != 1 || !strings.Contains(d.Reason, "file ends 10 bytes into a 24-byte pcap file header") {
		t.Errorf("pcap header cut: %v", err)
	}
	n := &ng{order: binary.BigEndian}
	n.raw(blockSHB, 28, 0x01020304, 0x00010000, 0, 0, 28)
	_, err = NewSource(bytes.NewReader(n.b), -1)
	if d := asDamage(t, err); !strings.Contains(d.Reason, "bad byte-order magic 0x01020304") {
		t.Errorf("first SHB bad magic: %v", err)
	}
}

func TestGzipTruncated(t *testing.T) {
	var recs []rec
	for i := range 200 {
		recs = append(recs, rec{sec: uint32(i), data: payload(200+i, byte(i))})
	}
	gz := gzipped(t, pcapBytes(binary.LittleEndian, false, 1, recs...))
	gz = gz[:len(gz)*2/3]
	pkts, err := readAll(t, mustSource(t, gz))
	d := asDamage(t, err)
	if len(pkts) == 0 || len(pkts) >= len(recs) || d.Packet != len(pkts)+1 {
		t.Errorf("got %d packets then %v", len(pkts), err)
	}
}

// Cutting a valid file anywhere, or flipping any byte of it, must end in
// io.EOF or a DamageError: never a panic, a hang, or a different error.
func TestEveryCutAndFlipEnds(t *testing.T) {
	file, _ := twoSections(binary.LittleEndian, binary.BigEndian)
	pc := pcapBytes(binary.LittleEndian, true, 1, rec{data: payload(30, 0)}, rec{data: payload(40, 0)})
	for _, orig := range [][]byte{file, pc} {
		for i := 4; i < len(orig); i++ {
			check := func(b []byte) {
				// A 64-byte buffer sends most records down the copying path too.
				for _, bufSize := range []int{64, 4096} {
					s, err := newSource(bytes.NewReader(b), -1, bufSize)
					if err != nil {
						asDamage(t, err)
						continue
					}
					if _, err := readAll(t, s); err != nil {
						asDamage(t, err)
					}
				}
			}
			check(orig[:i])
			flipped := bytes.Clone(orig)
			flipped[i] ^= 0xff
			check(flipped)
		}
	}
}

func TestReadErrorIsDamageWithCause(t *testing.T) {
	boom := errors.New("disk on fire")
	file := pcapBytes(binary.LittleEndian, false, 1, rec{data: payload(60, 0)})
	r := io.MultiReader(bytes.NewReader(file), errReader{boom})
	s, err := NewSource(r, -1)
	if err != nil {
		t.Fatal(err)
	}
	pkts, err := readAll(t, s)
	if len(pkts) != 1 || !errors.Is(err, boom) {
		t.Errorf("got %d packets, err %v", len(pkts), err)
	}
	asDamage(t, err)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
