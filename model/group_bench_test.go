package model

import (
	"context"
	"net/netip"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// BenchmarkGroup1M groups a million flows (the demo's, repeated with
// distinct clients and servers) by server and by JA4: the group view
// regroups this way on every key change, so it should take well under
// 100 ms (issue 14). Run with -benchtime 3x.
func BenchmarkGroup1M(b *testing.B) {
	src, err := capture.Open("../testdata/demo.pcapng")
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	l := NewLoader(src)
	if err := l.Run(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	base := l.Flows()
	flows := make([]Flow, 1_000_000)
	for i := range flows {
		f := base[i%len(base)]
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		f.Client = netip.AddrPortFrom(a, 40000)
		f.Server = netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 200)}), 443)
		flows[i] = f
	}
	span := SpanOf(flows)
	for _, by := range []GroupKey{ByServer, ByJA4, ByClient} {
		b.Run(string(by), func(b *testing.B) {
			for range b.N {
				gr := NewGrouper([]GroupKey{by}, span, GroupBuckets)
				for i := range flows {
					gr.Add(&flows[i])
				}
				set := gr.Sorted(GroupByFailures)
				for i := range min(set.Len(), 50) { // a screenful, as the view builds
					_ = set.At(i)
				}
			}
		})
	}
}
