package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// read is one way of reading a capture, reduced to what a reader sees.
type read struct {
	packets []string // every field of each packet, data included
	err     string   // the damage, "" at a clean end
}

func describePacket(p *Packet) string {
	h := fnv.New64a()
	h.Write(p.Data)
	return fmt.Sprintf("%d %d %d %d %d %d %d %d %x", p.Index, p.TS.UnixNano(), p.LinkType, p.Interface,
		p.CapLen, p.OrigLen, p.Offset, len(p.Data), h.Sum64())
}

func readByNext(t testing.TB, data []byte) read {
	t.Helper()
	s, err := NewSource(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return read{err: err.Error()}
	}
	var r read
	for {
		p, err := s.Next()
		if errors.Is(err, io.EOF) {
			return r
		}
		if err != nil {
			r.err = err.Error()
			return r
		}
		r.packets = append(r.packets, describePacket(&p))
	}
}

// readByPrefetch reads through Prefetch with batches of batchSize bytes,
// releasing each batch (so its buffer is reused) before taking the next.
func readByPrefetch(t testing.TB, data []byte, batchSize int) read {
	t.Helper()
	s, err := NewSource(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return read{err: err.Error()}
	}
	s.batchSize = batchSize
	var r read
	for b := range s.Prefetch(context.Background(), nil) {
		for i := range b.Packets {
			r.packets = append(r.packets, describePacket(&b.Packets[i]))
		}
		if b.Err != nil {
			r.err = b.Err.Error()
		}
		last := b.Last
		b.Release()
		if last {
			break
		}
	}
	return r
}

func sameRead(t testing.TB, what string, want, got read) {
	t.Helper()
	if got.err != want.err {
		t.Fatalf("%s: damage %q, want %q (as Next reports it)", what, got.err, want.err)
	}
	if len(got.packets) != len(want.packets) {
		t.Fatalf("%s: %d packets, want %d", what, len(got.packets), len(want.packets))
	}
	for i := range want.packets {
		if got.packets[i] != want.packets[i] {
			t.Fatalf("%s: packet %d differs:\n got %.200s\nwant %.200s", what, i+1, got.packets[i], want.packets[i])
		}
	}
}

// randomPcap is a pcap of n records of random sizes, some near the 256 KiB
// limit, so that records are cut by batch ends.
func randomPcap(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0}
	for i := 0; i < n; i++ {
		size := rng.IntN(1600)
		if rng.IntN(150) == 0 {
			size = maxCapLen - rng.IntN(100)
		}
		var h [16]byte
		binary.LittleEndian.PutUint32(h[0:], uint32(1700000000+i))
		binary.LittleEndian.PutUint32(h[4:], uint32(i))
		binary.LittleEndian.PutUint32(h[8:], uint32(size))
		binary.LittleEndian.PutUint32(h[12:], uint32(size+10))
		b = append(b, h[:]...)
		for j := 0; j < size; j++ {
			b = append(b, byte(i+j))
		}
	}
	return b
}

// TestPrefetchReadsWhatNextReads: the read-ahead (which reads pcap files
// straight into its batches and carries a record cut by a batch's end over
// to the next) gives exactly the packets and the damage Next gives: on every
// bundled capture, on a pcap of several batches with records up to the size limit, on
// that file cut short or corrupted at many places, and on a gzipped one cut short.
func TestPrefetchReadsWhatNextReads(t *testing.T) {
	paths, _ := filepath.Glob("../../testdata/captures/*.pcap*")
	paths = append(paths, "../../testdata/demo.pcapng")
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := readByNext(t, data)
		for _, size := range []int{0, 1, 700, 64 << 10} {
			sameRead(t, fmt.Sprintf("%s in %d-byte batches", filepath.Base(path), size), want, readByPrefetch(t, data, size))
		}
	}
	big := randomPcap(3000, 1)
	if len(big) < 4*prefetchBytes {
		t.Fatalf("fixture: %d bytes, want several batches", len(big))
	}
	sameRead(t, "multi-batch pcap", readByNext(t, big), readByPrefetch(t, big, 0))
	rng := rand.New(rand.NewPCG(2, 2))
	for i := 0; i < 15; i++ {
		cut := append([]byte(nil), big[:24+rng.IntN(len(big)-24)]...)
		sameRead(t, fmt.Sprintf("cut at %d", len(cut)), readByNext(t, cut), readByPrefetch(t, cut, 0))
		bad := append([]byte(nil), big...)
		at := 24 + rng.IntN(len(big)-24)
		bad[at] ^= 0xff
		sameRead(t, fmt.Sprintf("byte %d flipped", at), readByNext(t, bad), readByPrefetch(t, bad, 0))
	}
	// A gzip stream cut short fails with io.ErrUnexpectedEOF, not io.EOF.
	gz := gzipped(t, big[:min(len(big), 300<<10)])
	for i := 0; i < 15; i++ {
		cut := gz[:20+rng.IntN(len(gz)-20)]
		sameRead(t, fmt.Sprintf("gzip cut at %d", len(cut)), readByNext(t, cut), readByPrefetch(t, cut, 1000))
	}
}

// FuzzPrefetch: on any bytes, reading ahead in small batches gives what
// Next gives.
func FuzzPrefetch(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, uint16(100))
	}
	f.Fuzz(func(t *testing.T, data []byte, batch uint16) {
		sameRead(t, "fuzz", readByNext(t, data), readByPrefetch(t, data, int(batch%4096)))
	})
}
