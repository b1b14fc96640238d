package model

import (
	"bytes"
	"context"
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
	for id := 1; id <= len(l.Flows()); id++ {
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
