package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// scaleCapture is the capture BenchmarkExplorerLoad reads: $PCS_SCALE_CAPTURE
// when set (bench/scale.sh points it at its captures), else issue 13's
// 300,000-flow gencap file, generated once into the temp directory.
func scaleCapture(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("PCS_SCALE_CAPTURE"); p != "" {
		return p
	}
	path := filepath.Join(os.TempDir(), "pcapsurgery-bench-300000-200-seed2.pcap")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	cmd := exec.Command("go", "run", ".", "-o", path+".tmp", "-flows", "300000", "-bytes-per-flow", "200",
		"-seed", "2", "-rate", "5000")
	cmd.Dir = gencapDir(b)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("gencap: %v\n%s", err, out)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkExplorerLoad is the explorer's load path without a terminal: the
// loader on its own goroutine, each batch through Update and a frame of
// View, until the last batch is in (the "fully loaded" of bench/scale.sh).
// live-MB is the heap still in use once loaded, after a collection.
func BenchmarkExplorerLoad(b *testing.B) {
	path := scaleCapture(b)
	var m Model
	for b.Loop() {
		m = exploreLoad(b, path)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if p := os.Getenv("PCS_HEAP_PROFILE"); p != "" { // what the loaded explorer holds, by allocation site
		if f, err := os.Create(p); err == nil {
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	b.ReportMetric(float64(ms.HeapAlloc)/1e6, "live-MB")
	b.ReportMetric(float64(len(m.flows)), "flows")
	b.ReportMetric(float64(ms.HeapAlloc)/float64(max(1, len(m.flows))), "B/flow")
	runtime.KeepAlive(m)
}

func exploreLoad(b *testing.B, path string) Model {
	src, err := capture.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	l := model.NewLoader(src)
	m := New(Options{Path: path, Loader: l}) // the explorer keeps its loader (exports), as main.go's does
	m = drive(b, m, tea.WindowSizeMsg{Width: 160, Height: 50})
	ch := make(chan model.Batch, 1)
	go func() {
		defer close(ch)
		_ = l.Run(context.Background(), func(bt model.Batch) { ch <- bt })
	}()
	start := time.Now()
	// What a key pressed while loading waits for: the batch being taken in
	// and the screen drawn after it.
	batches, handed, slowest, last := 0, 0, time.Duration(0), time.Duration(0)
	for bt := range ch {
		handed += len(bt.Flows)
		slowest = max(slowest, last) // the last batch (the load's end: cross-flow notes, indexes) is timed apart
		t0 := time.Now()
		next, _ := m.Update(loadBatchMsg{Batch: bt, Elapsed: time.Since(start), start: start})
		m = next.(Model)
		_ = m.View()
		batches, last = batches+1, time.Since(t0)
	}
	loaded := time.Since(start)
	if m.loading {
		b.Fatal("still loading after the last batch")
	}
	// What the end of loading starts in the background (indexAllGroups):
	// timed apart, and in the process's peak memory.
	t0 := time.Now()
	m.gindex = model.IndexFlows(m.flows)
	indexed := time.Since(t0)
	b.ReportMetric(float64(indexed)/1e6, "group-index-ms")
	b.ReportMetric(float64(batches), "batches")
	b.ReportMetric(float64(handed), "flows-handed")
	b.ReportMetric(float64(slowest)/1e6, "slowest-batch-ms")
	b.ReportMetric(float64(last)/1e6, "last-batch-ms")
	if os.Getenv("PCS_SCALE_CAPTURE") != "" {
		fmt.Fprintf(os.Stderr, "explorer loaded %d flows in %v (%d batches handing %d flows, the slowest taken in and drawn in %v, the last in %v; group index then built in %v)\n",
			len(m.flows), loaded.Round(time.Millisecond), batches, handed, slowest.Round(time.Millisecond), last.Round(time.Millisecond), indexed.Round(time.Millisecond))
	}
	return m
}

// gencapDir finds ../shared/tools/gencap beside the repository (or beside
// the directory of worktrees that holds it).
func gencapDir(b *testing.B) string {
	for _, up := range []string{"../..", "../../.."} {
		dir := filepath.Join(up, "shared", "tools", "gencap")
		if _, err := os.Stat(filepath.Join(dir, "main.go")); err == nil {
			return dir
		}
	}
	b.Skip("../shared/tools/gencap not found")
	return ""
}
