package capture

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNotACaptureFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "not a capture file: empty (0 bytes)"},
		{"one byte", []byte{0}, "not a capture file: too short (1 byte)"},
		{"one printable byte", []byte("x"), "not a capture file: looks like text"},
		{"JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), "not a capture file: looks like a JPEG image"},
		{"text", []byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"), "not a capture file: looks like text"},
		{"UTF-8 text", []byte("naïve café ☕\n"), "not a capture file: looks like text"},
		{"unknown magic", []byte{0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3}, "not a capture file: unknown magic 0xdeadbeef"},
		{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0}, "looks like a zstd archive"},
		{"gzip of text", gzipped(t, []byte("hello, world\n")), "not a capture file: gzip-compressed, and the content looks like text"},
		{"gzip of nothing", gzipped(t, nil), "not a capture file: gzip-compressed, and the content empty (0 bytes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSource(bytes.NewReader(tc.file), int64(len(tc.file)))
			if err == nil || err.Error() != tc.want && !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if !errors.Is(err, ErrNotCapture) {
				t.Errorf("err %v does not wrap ErrNotCapture", err)
			}
		})
	}
	_, err := NewSource(bytes.NewReader([]byte{0x1f, 0x8b}), 2)
	if err == nil || !strings.Contains(err.Error(), "gzip-compressed file, but unreadable") {
		t.Errorf("bare gzip magic: %v", err)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	file, want := twoSections(le, le)
	path := filepath.Join(dir, "capture.bin") // the name says nothing: magic decides
	if err := os.WriteFile(path, gzipped(t, file), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if s.Size() != st.Size() || s.Format() != "pcapng+gzip" {
		t.Errorf("Size() = %d, Format() = %q", s.Size(), s.Format())
	}
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	checkPackets(t, got, want)
	if s.BytesRead() != st.Size() {
		t.Errorf("BytesRead() = %d, want %d", s.BytesRead(), st.Size())
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}

	jpeg := filepath.Join(dir, "photo.pcap")
	os.WriteFile(jpeg, []byte("\xff\xd8\xff\xdb"), 0o644)
	if _, err := Open(jpeg); err == nil || err.Error() != jpeg+": not a capture file: looks like a JPEG image" {
		t.Errorf("Open(jpeg) = %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing.pcap")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing) = %v", err)
	}
}

// BytesRead is polled by the UI while another goroutine reads; run with -race.
func TestBytesReadFromAnotherGoroutine(t *testing.T) {
	var recs []rec
	for i := range 2000 {
		recs = append(recs, rec{sec: uint32(i), data: payload(1000, byte(i))})
	}
	file := pcapBytes(le, false, 1, recs...)
	s := mustSource(t, file)
	done := make(chan struct{})
	go func() {
		defer close(done)
		last := int64(0)
		for range 1000 {
			n := s.BytesRead()
			if n < last {
				t.Errorf("BytesRead went backwards: %d then %d", last, n)
			}
			last = n
			_ = s.Interfaces()
		}
	}()
	if _, err := readAll(t, s); err != nil {
		t.Fatal(err)
	}
	<-done
}
