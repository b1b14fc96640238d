package decode_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// FuzzShardedIsOneAnalyzer: whatever the capture, 3 shards fed in batches
// of a size the input picks give the flows, packet lists and counters of
// one analyzer.
func FuzzShardedIsOneAnalyzer(f *testing.F) {
	for _, s := range pipelineSeeds(f) {
		f.Add(s, uint8(5))
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		src, err := capture.NewSource(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		var in shardInput
		for len(in.packets) < 4096 {
			p, err := src.Next()
			if err != nil {
				break
			}
			p.Data = bytes.Clone(p.Data)
			in.packets = append(in.packets, p)
		}
		batch := int(size%64) + 1
		want, _ := feedSharded(t, in, 1, batch, false, false)
		got, _ := feedSharded(t, in, 3, batch, false, false)
		if !reflect.DeepEqual(got.flows, want.flows) || !reflect.DeepEqual(got.packets, want.packets) ||
			!reflect.DeepEqual(got.stats, want.stats) || !reflect.DeepEqual(got.batches, want.batches) {
			t.Fatalf("3 shards differ from one analyzer (%d packets, batches of %d)", len(in.packets), batch)
		}
	})
}
