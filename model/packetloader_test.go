package model

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// TestPacketLoaderFindsTheSameFlows: `export --flow ID` loads without TLS
// decoding, so its flow IDs and packets must be exactly the full load's.
func TestPacketLoaderFindsTheSameFlows(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	more, _ := filepath.Glob("../testdata/*.pcapng")
	for _, p := range append(paths, more...) {
		full, lite := loadWith(t, p, NewLoader), loadWith(t, p, NewPacketLoader)
		if full.Stats().Flows != lite.Stats().Flows {
			t.Fatalf("%s: %d flows, %d without TLS decoding", p, full.Stats().Flows, lite.Stats().Flows)
		}
		for id := 1; id <= full.Stats().Flows; id++ {
			a, b := full.Refs(id), lite.Refs(id)
			if len(a) != len(b) {
				t.Fatalf("%s flow %d: %d packets, %d without TLS decoding", p, id, len(a), len(b))
			}
			for i := range a {
				if a[i].Index != b[i].Index || a[i].Offset != b[i].Offset {
					t.Fatalf("%s flow %d packet %d differs", p, id, i)
				}
			}
		}
	}
}

func loadWith(t *testing.T, path string, newLoader func(*capture.Source) *Loader) *Loader {
	t.Helper()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	l := newLoader(src)
	l.Run(context.Background(), nil)
	return l
}
