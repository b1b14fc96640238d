package model

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
)

// loadWithShards loads path (with its key log when withKeys) on n shards,
// whatever its size, and returns the summary's JSON lines and table, the
// flows of the final batch by ID, and every flow's packet list.
func loadWithShards(t *testing.T, path string, withKeys bool, n int) (out string, final []int, packets string) {
	t.Helper()
	oldMin, oldN := minShardedBytes, shardCount
	minShardedBytes, shardCount = 0, n
	defer func() { minShardedBytes, shardCount = oldMin, oldN }()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	l := NewLoader(src)
	if l.an.Shards() != n {
		t.Fatalf("%d shards, want %d", l.an.Shards(), n)
	}
	if withKeys {
		name := strings.TrimSuffix(filepath.Base(path), ".gz")
		name = strings.TrimSuffix(name, filepath.Ext(name))
		if f, err := os.Open(filepath.Join(filepath.Dir(path), "keylog", name+".keys")); err == nil {
			k := keylog.New()
			if err := k.Read(f); err != nil {
				t.Fatal(err)
			}
			f.Close()
			l.SetKeyLog(k)
		}
	}
	l.SetMaxHeld(0)
	_ = l.Run(context.Background(), func(b Batch) {
		if b.Done {
			for _, f := range b.Flows {
				final = append(final, f.ID)
			}
		}
	})
	slices.Sort(final)
	var buf bytes.Buffer
	if err := l.WriteJSONLines(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if err := l.WriteTable(&buf, nil); err != nil {
		t.Fatal(err)
	}
	var pk strings.Builder
	for id := 1; id <= l.Stats().Flows; id++ {
		fmt.Fprintf(&pk, "%d %+v\n", id, l.Packets(id))
	}
	return buf.String(), final, pk.String()
}

// TestLoaderShardsChangeNothing: every bundled capture, with its key log
// and without, summarises byte for byte the same on 3 shards as on one,
// and its final batch and packet lists are the same.
func TestLoaderShardsChangeNothing(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "captures", "*.pcap*"))
	if len(paths) < 20 {
		t.Fatalf("%d bundled captures", len(paths))
	}
	for _, path := range paths {
		for _, withKeys := range []bool{false, true} {
			want, wantFinal, wantPk := loadWithShards(t, path, withKeys, 1)
			got, gotFinal, gotPk := loadWithShards(t, path, withKeys, 3)
			if got != want {
				t.Errorf("%s (key log %v): the summary differs on 3 shards:\n%s\nwant\n%s", filepath.Base(path), withKeys, got, want)
			}
			if !slices.Equal(gotFinal, wantFinal) {
				t.Errorf("%s: final batch %v on 3 shards, want %v", filepath.Base(path), gotFinal, wantFinal)
			}
			if gotPk != wantPk {
				t.Errorf("%s: packet lists differ on 3 shards", filepath.Base(path))
			}
		}
	}
}

// writeSYNs writes a pcap of n connections that are each one SYN (to port
// 443 from a port of their own) and, for every third, the server's RST.
func writeSYNs(t *testing.T, n int) string {
	t.Helper()
	var buf bytes.Buffer
	le := binary.LittleEndian
	hdr := make([]byte, 24)
	le.PutUint32(hdr[0:], 0xa1b2c3d4)
	le.PutUint16(hdr[4:], 2)
	le.PutUint16(hdr[6:], 4)
	le.PutUint32(hdr[16:], 65535)
	le.PutUint32(hdr[20:], 1) // Ethernet
	buf.Write(hdr)
	frame := func(i int, src, dst [4]byte, sport, dport uint16, flags byte) {
		f := make([]byte, 14+20+20)
		binary.BigEndian.PutUint16(f[12:], 0x0800)
		ip := f[14:]
		ip[0], ip[8], ip[9] = 0x45, 64, 6
		binary.BigEndian.PutUint16(ip[2:], 40)
		copy(ip[12:], src[:])
		copy(ip[16:], dst[:])
		tcp := ip[20:]
		binary.BigEndian.PutUint16(tcp[0:], sport)
		binary.BigEndian.PutUint16(tcp[2:], dport)
		binary.BigEndian.PutUint32(tcp[4:], uint32(i)*7919)
		if flags&0x04 != 0 {
			binary.BigEndian.PutUint32(tcp[8:], uint32(i)*7919+1)
		}
		tcp[12], tcp[13] = 5<<4, flags
		binary.BigEndian.PutUint16(tcp[14:], 64240)
		rec := make([]byte, 16)
		le.PutUint32(rec[0:], uint32(1_800_000_000+i/1000))
		le.PutUint32(rec[4:], uint32(i%1000)*1000)
		le.PutUint32(rec[8:], uint32(len(f)))
		le.PutUint32(rec[12:], uint32(len(f)))
		buf.Write(rec)
		buf.Write(f)
	}
	client, server := [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}
	for i := range n {
		port := uint16(10000 + i)
		frame(2*i, client, server, port, 443, 0x02)
		if i%3 == 0 {
			frame(2*i+1, server, client, 443, port, 0x14) // RST-ACK
		}
	}
	path := filepath.Join(t.TempDir(), "syns.pcap")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoaderShardsClassifyBatches: a batch of thousands of flows is
// classified on every shard's goroutine, each flow with the verdict it has
// on its own, and the summary is what one shard gives.
func TestLoaderShardsClassifyBatches(t *testing.T) {
	path := writeSYNs(t, 3000)
	want, _, _ := loadWithShards(t, path, false, 1)
	got, final, _ := loadWithShards(t, path, false, 3)
	if got != want {
		t.Fatal("the summary differs on 3 shards")
	}
	if len(final) != 3000 {
		t.Fatalf("final batch of %d flows, want all 3000 in one", len(final))
	}
	oldMin, oldN := minShardedBytes, shardCount
	minShardedBytes, shardCount = 0, 3
	defer func() { minShardedBytes, shardCount = oldMin, oldN }()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	counts := map[Outcome]int{}
	_ = NewLoader(src).Run(context.Background(), func(b Batch) {
		for _, f := range b.Flows {
			if *f.Verdict != Classify(f.Flow) {
				t.Fatalf("flow %d: %+v, classified alone %+v", f.ID, *f.Verdict, Classify(f.Flow))
			}
			if b.Done {
				counts[f.Outcome]++
			}
		}
	})
	if counts[Refused] != 1000 || counts[NoSYNACK] != 2000 {
		t.Fatalf("outcomes %v, want 1000 refused and 2000 unanswered", counts)
	}
}

// TestShardsOf: one shard per core for a big file, one for a small one or
// a pipe, and never more than one per 4 MiB.
func TestShardsOf(t *testing.T) {
	for _, c := range []struct {
		size        int64
		procs, want int
	}{
		{-1, 8, 1}, {1 << 20, 8, 1}, {8<<20 - 1, 8, 1},
		{8 << 20, 8, 2}, {9 << 20, 64, 2}, {40 << 20, 64, 10}, {1 << 30, 64, 64}, {1 << 30, 2, 2},
		{1 << 30, 1, 1}, {660 << 20, 16, 16},
	} {
		if got := shardsOf(c.size, c.procs); got != c.want {
			t.Errorf("%d bytes on %d cores: %d shards, want %d", c.size, c.procs, got, c.want)
		}
	}
}
