package model

import (
	"context"
	"net/netip"
	"syscall"
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
	// As the group view groups: the key, with the contrast key as a hidden
	// second level for its note, over every flow, on the capture's span.
	for _, by := range []GroupKey{ByServer, ByJA4, ByClient} {
		b.Run(string(by), func(b *testing.B) {
			cpu0 := cpuTime()
			defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op") }()
			for range b.N {
				gr := NewGrouper([]GroupKey{by, by.Contrast()}, SpanOf(flows), GroupBuckets)
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

// cpuTime is the process's user and system CPU time in ns: on a machine
// shared with other work, wall time says more about the neighbours.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
