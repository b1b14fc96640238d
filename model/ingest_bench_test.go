package model

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// benchCapture returns a gencap capture of the given flow count, generated
// once into the temp directory (it is large; never committed).
func benchCapture(b *testing.B, flows, bytesPerFlow int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("pcapsurgery-bench-%d-%d.pcap", flows, bytesPerFlow))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	dir := filepath.Join("..", "..", "shared", "tools", "gencap")
	cmd := exec.Command("go", "run", ".", "-o", path+".tmp", "-flows", fmt.Sprint(flows),
		"-bytes-per-flow", fmt.Sprint(bytesPerFlow), "-seed", "1")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("gencap: %v\n%s", err, out)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkIngest measures the whole engine (read, decode, reassemble, parse
// TLS, classify) on a ~100 MB realistic capture; MB/s is of capture file.
func BenchmarkIngest(b *testing.B) {
	path := benchCapture(b, 3500, 16384)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		src, err := capture.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		l := NewLoader(src)
		if err := l.Run(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		if n := len(l.Flows()); n != 3500 {
			b.Fatalf("%d flows", n)
		}
		src.Close()
	}
}

// BenchmarkExportOneFlow measures exporting one flow from a loaded ~100 MB
// capture: the explorer's `e` key (offsets are kept, the file is not rescanned).
func BenchmarkExportOneFlow(b *testing.B) {
	path := benchCapture(b, 3500, 16384)
	src, err := capture.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	l := NewLoader(src)
	if err := l.Run(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "one.pcap")
	for b.Loop() {
		res, err := Export(l, ExportRequest{Input: path, Flows: []int{1750}, Out: out, Overwrite: true})
		if err != nil || res.Packets == 0 {
			b.Fatalf("%v %+v", err, res)
		}
	}
}
