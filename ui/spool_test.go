package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// liveLoader reads a capture as live input (its size unknown, as a pipe's)
// with an export spool of limit bytes (0: none).
func liveLoader(t *testing.T, name string, limit int64) *model.Loader {
	t.Helper()
	data, err := os.ReadFile(capturePath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.NewSource(bytes.NewReader(data), -1)
	if err != nil {
		t.Fatal(err)
	}
	l := model.NewLoader(src)
	if err := l.SetSpool(t.TempDir(), limit); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if err := l.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestExportFromStandardInputSpool: on a pipe, e writes the flow from the
// export spool; with the spool off (--spool 0) it is refused as before.
func TestExportFromStandardInputSpool(t *testing.T) {
	l := liveLoader(t, "close-notify-tls12-openssl.pcap", 64<<20)
	m := loaded(t, 120, 30, l.Flows(), Options{Path: "-", Loader: l})
	m = press(t, m, "e")
	if m.mode != modeExport {
		t.Fatalf("export refused on a spooled pipe:\n%s", screen(m))
	}
	out := filepath.Join(t.TempDir(), "live.pcap")
	m = press(t, m, "ctrl+u")
	m = typeText(t, m, out)
	m = pressExport(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "wrote 16 packets to") || strings.Contains(s, "Missing") {
		t.Fatalf("want the whole flow written from the spool:\n%s", s)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("export file: %v", err)
	}

	off := liveLoader(t, "close-notify-tls12-openssl.pcap", 0)
	m = loaded(t, 120, 30, off.Flows(), Options{Path: "-", Loader: off})
	m = press(t, m, "e")
	if m.mode == modeExport || !strings.Contains(screen(m), "standard input cannot be read a second time") {
		t.Fatalf("export without a spool must be refused:\n%s", screen(m))
	}
}
