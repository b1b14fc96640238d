package model

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// gencapFile returns a gencap capture made with args, generated once into
// the temp directory (it is large; never committed).
func gencapFile(b *testing.B, name string, args ...string) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), "pcapsurgery-bench-"+name+".pcap")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	cmd := exec.Command("go", append([]string{"run", ".", "-o", path + ".tmp"}, args...)...)
	cmd.Dir = filepath.Join("..", "..", "shared", "tools", "gencap")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("gencap: %v\n%s", err, out)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkLoadShards is the loader (reading, frame decoding, analysis on
// one shard per core) on captures where the cost per flow dominates. Run
// with -cpu 1,2,...: GOMAXPROCS is the shard count. Beside wall time it
// reports the process's CPU time per load (user + system, every goroutine
// and the collector) and the load average when it started, since on a
// shared machine wall time says little alone.
func BenchmarkLoadShards(b *testing.B) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"synflood-200k", []string{"-mix", "synflood", "-flows", "200000", "-seed", "3", "-rate", "20000"}},
		{"mix-50k", []string{"-flows", "50000", "-bytes-per-flow", "200", "-seed", "2", "-rate", "5000"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			path := gencapFile(b, c.name, c.args...)
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			load1 := loadAverage()
			cpu0 := cpuTime()
			flows := 0
			for b.Loop() {
				src, err := capture.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				l := NewLoader(src)
				if got := l.an.Shards(); got != runtime.GOMAXPROCS(0) {
					b.Fatalf("%d shards on %d cores", got, runtime.GOMAXPROCS(0))
				}
				if err := l.Run(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
				flows = l.Stats().Flows
				src.Close()
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/1e9/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(flows), "flows")
			b.ReportMetric(load1, "load1")
		})
	}
}

// loadAverage is the one-minute load average (0 where /proc has none).
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(data) + " 0")[0], 64)
	return f
}
