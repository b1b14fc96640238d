package decode

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// BenchmarkShardSpan reads $PCS_SCALE_CAPTURE (bench/scale.sh's captures;
// skipped without it) into 1 to 8 shards, whatever GOMAXPROCS is, and
// reports each shard's CPU time per batch step as the threads measure it:
// work is all the shards' time, span only the slowest shard's of each
// step, so work/span is the speed-up of the sharded part with a free core
// per shard even on a machine with fewer, or a busy one. cpu-s is the
// whole process's CPU time: what it gains over work is what stays on one
// goroutine (reading the file, numbering flows) or the collector's.
func BenchmarkShardSpan(b *testing.B) {
	path := os.Getenv("PCS_SCALE_CAPTURE")
	if path == "" {
		b.Skip("PCS_SCALE_CAPTURE is not set")
	}
	threadCPU = threadCPUTime
	defer func() { threadCPU = nil }()
	for _, n := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("shards=%d", n), func(b *testing.B) {
			var work, span time.Duration
			cpu := processCPUTime()
			for b.Loop() {
				src, err := capture.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				s := NewSharded(n, false)
				for pb := range src.Prefetch(context.Background(), s.Predecode()) {
					s.AddBatch(pb)
					pb.Release()
				}
				s.Finish()
				work, span = work+s.work, span+s.span
				src.Close()
			}
			per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
			b.ReportMetric(per(processCPUTime()-cpu), "cpu-s/op")
			if n > 1 {
				b.ReportMetric(per(work), "work-s/op")
				b.ReportMetric(per(span), "span-s/op")
				b.ReportMetric(float64(work)/float64(span), "work/span")
			}
		})
	}
}

// threadCPUTime is the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID).
func threadCPUTime() time.Duration {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

// processCPUTime is the process's user and system CPU time.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
