package model

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// TestExportRefusesAnInputThatChanged: the explorer loaded a capture, then
// the file under its name changed. Export re-reads packets by offset, so
// from another capture of the same layout it would write that capture's
// packets as the flow shown; it must refuse instead, naming what changed.
// A capture that only grew (still being written) is exported.
func TestExportRefusesAnInputThatChanged(t *testing.T) {
	other := exTLSSource(t, t.TempDir(), false) // same layout, new randoms and keys
	otherBytes, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		change func(t *testing.T, path string)
		want   string // in the error; "" means the export succeeds
	}{
		{"replaced by another capture", func(t *testing.T, path string) {
			tmp := path + ".new"
			os.WriteFile(tmp, otherBytes, 0o644)
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}, "another file now has its name"},
		{"overwritten in place by another capture", func(t *testing.T, path string) {
			if err := os.WriteFile(path, otherBytes, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "the capture changed since it was read"},
		{"cut short", func(t *testing.T, path string) {
			st, _ := os.Stat(path)
			os.Truncate(path, st.Size()-100)
		}, "when it was read"},
		{"modified in place, same size", func(t *testing.T, path string) {
			later := time.Now().Add(time.Hour)
			os.Chtimes(path, later, later)
		}, "it was modified"},
		{"removed", func(t *testing.T, path string) { os.Remove(path) }, "cannot read the source capture"},
		{"grew: still being written", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(otherBytes[24:]) // more records
			f.Close()
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := exTLSSource(t, dir, false)
			l, flows := exLoad(t, in)
			id := flows["one.example"].ID
			tc.change(t, in)
			out := filepath.Join(dir, "out.pcap")
			res, err := Export(l, ExportRequest{Input: in, Flows: []int{id}, Out: out})
			exNoTemp(t, dir)
			if tc.want == "" {
				if err != nil || res.Packets != l.Packets(id).Total {
					t.Fatalf("export of a grown capture: %d packets, %v", res.Packets, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
			if _, gone := os.Stat(in); gone == nil && !errors.Is(err, capture.ErrInputChanged) {
				t.Errorf("error %v does not wrap ErrInputChanged", err)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("an output file was written")
			}
		})
	}
}

// TestExportRefusesAnInputReplacedWhileReading: the file is swapped while
// the export reads it; the check before the rename catches it.
func TestExportRefusesAnInputReplacedWhileReading(t *testing.T) {
	dir := t.TempDir()
	in := exTLSSource(t, dir, false)
	l, flows := exLoad(t, in)
	other := exTLSSource(t, t.TempDir(), false)
	var once sync.Once
	exportWriterHook = func(w io.Writer) io.Writer {
		return hookWriter{w, func() {
			once.Do(func() {
				if err := os.Rename(other, in); err != nil {
					t.Error(err)
				}
			})
		}}
	}
	defer func() { exportWriterHook = nil }()
	out := filepath.Join(dir, "out.pcap")
	_, err := Export(l, ExportRequest{Input: in, Flows: []int{flows["one.example"].ID}, Out: out})
	if !errors.Is(err, capture.ErrInputChanged) {
		t.Fatalf("error %v, want the input changed", err)
	}
	exNoTemp(t, dir)
	if _, err := os.Stat(out); err == nil {
		t.Error("an output file was written")
	}
}

// TestExportFromAPipeIsRefused: a FIFO (as `<(zcat f.gz)` gives) cannot be
// read twice; export says so rather than reading nothing or garbage.
func TestExportFromAPipeIsRefused(t *testing.T) {
	dir := t.TempDir()
	in := exTLSSource(t, dir, false)
	data, _ := os.ReadFile(in)
	fifo := filepath.Join(dir, "fifo")
	if err := mkfifo(fifo); err != nil {
		t.Skip(err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.Write(data)
			f.Close()
		}
	}()
	l := mustLoad(t, fifo)
	_, err := Export(l, ExportRequest{Input: fifo, Flows: []int{1}, Out: filepath.Join(dir, "out.pcap")})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("export from a pipe: %v", err)
	}
}

// hookWriter calls fn before each write.
type hookWriter struct {
	w  io.Writer
	fn func()
}

func (h hookWriter) Write(b []byte) (int, error) {
	h.fn()
	return h.w.Write(b)
}

// blockingExport starts an export whose first write waits for release, and
// returns once that write has begun (the temporary file exists).
func blockingExport(t *testing.T, ctx context.Context) (dir string, release func(), result <-chan error) {
	t.Helper()
	dir = t.TempDir()
	in := exTLSSource(t, dir, false)
	l, flows := exLoad(t, in)
	started, gate := make(chan struct{}), make(chan struct{})
	var once sync.Once
	exportWriterHook = func(w io.Writer) io.Writer {
		return hookWriter{w, func() {
			once.Do(func() { close(started); <-gate })
		}}
	}
	t.Cleanup(func() { exportWriterHook = nil })
	done := make(chan error, 1)
	go func() {
		_, err := ExportContext(ctx, l, ExportRequest{Input: in, Flows: []int{flows["one.example"].ID}, Out: filepath.Join(dir, "out.pcap")})
		done <- err
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("the export ended before writing: %v", err)
	}
	return dir, func() { close(gate) }, done
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, ".pcapsurgery-*.tmp"))
	return m
}

// TestExportInterruptedRemovesItsFile: cancelling mid-export (a signal,
// quitting the explorer) leaves neither the output nor the temporary file.
func TestExportInterruptedRemovesItsFile(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir, release, result := blockingExport(t, ctx)
	if len(tempFiles(t, dir)) != 1 {
		t.Fatalf("no temporary file while the export writes: %v", exListDir(t, dir))
	}
	cancel()
	release()
	err := <-result
	if !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "partial file was removed") {
		t.Fatalf("error %v, want the export interrupted", err)
	}
	exNoTemp(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "out.pcap")); err == nil {
		t.Error("the output was written")
	}
}

// TestRemovePartialExports: the last resort for a process that cannot wait
// for the export to notice its context.
func TestRemovePartialExports(t *testing.T) {
	dir, release, result := blockingExport(t, context.Background())
	tmp := tempFiles(t, dir)
	removed := RemovePartialExports()
	if len(tmp) != 1 || len(removed) != 1 || removed[0] != tmp[0] {
		t.Fatalf("removed %v, want the temporary file %v", removed, tmp)
	}
	exNoTemp(t, dir)
	release()
	if err := <-result; err == nil {
		t.Error("the export succeeded without its file")
	}
	exNoTemp(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "out.pcap")); err == nil {
		t.Error("the output was written")
	}
}
