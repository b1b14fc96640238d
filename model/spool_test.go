package model

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// liveStream is a pcap stream as a live input gets it: the first half of a
// TLS connection's packets, filler connections (refused.pcap's, again and
// again: each a new flow), then the rest of the first connection.
func liveStream(t *testing.T, fillers int) []byte {
	t.Helper()
	head, recs := pcapRecords(t, filepath.Join("..", "testdata", "captures", "close-notify-tls12-openssl.pcap"))
	_, fill := pcapRecords(t, filepath.Join("..", "testdata", "captures", "demo-extra.pcap"))
	var b bytes.Buffer
	b.Write(head)
	half := len(recs) / 2
	for _, r := range recs[:half] {
		b.Write(r)
	}
	for range fillers {
		for _, r := range fill {
			b.Write(r)
		}
	}
	for _, r := range recs[half:] {
		b.Write(r)
	}
	return b.Bytes()
}

// loadLive reads stream as live input (size unknown) with a spool of limit bytes.
func loadLive(t *testing.T, stream []byte, limit int64) (*Loader, string) {
	t.Helper()
	src, err := capture.NewSource(bytes.NewReader(stream), -1)
	if err != nil {
		t.Fatal(err)
	}
	l := NewLoader(src)
	tmp := t.TempDir()
	if err := l.SetSpool(tmp, limit); err != nil {
		t.Fatal(err)
	}
	if l.Spool() == nil {
		t.Fatal("live input got no spool")
	}
	if err := l.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return l, tmp
}

// TestSpoolExportsLiveFlows: a flow whose packets are all still spooled
// exports whole from live input, exactly as from the file.
func TestSpoolExportsLiveFlows(t *testing.T) {
	stream := liveStream(t, 1)
	l, _ := loadLive(t, stream, 64<<20)
	defer l.Close()
	out := filepath.Join(t.TempDir(), "one.pcap")
	res, err := Export(l, ExportRequest{Input: "-", Flows: []int{1}, Mode: ExportWhole, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	_, recs := pcapRecords(t, filepath.Join("..", "testdata", "captures", "close-notify-tls12-openssl.pcap"))
	if res.Packets != len(recs) || res.Missing != "" {
		t.Fatalf("exported %d packets (missing %q), want all %d", res.Packets, res.Missing, len(recs))
	}
	_, got := pcapRecords(t, out)
	for i := range recs {
		if !bytes.Equal(got[i], recs[i]) {
			t.Fatalf("packet %d differs from the capture's", i+1)
		}
	}
}

// TestSpoolSaysWhatLeft: with a small cap the first packets of flow 1 leave
// the spool; its export writes the rest and says how many are missing, a
// flow wholly gone is refused with the reason, the newest flows export
// whole, the spool stays under its cap, and Close removes its directory.
func TestSpoolSaysWhatLeft(t *testing.T) {
	const limit = 256 << 10
	stream := liveStream(t, 8)
	l, tmp := loadLive(t, stream, limit)
	st := l.Spool().State()
	if !st.Left || st.Bytes > limit {
		t.Fatalf("spool state %+v: want packets gone and at most %d bytes", st, limit)
	}
	_, recs := pcapRecords(t, filepath.Join("..", "testdata", "captures", "close-notify-tls12-openssl.pcap"))
	half := len(recs) / 2

	out := filepath.Join(t.TempDir(), "split.pcap")
	res, err := Export(l, ExportRequest{Input: "-", Flows: []int{1}, Mode: ExportWhole, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Packets != len(recs)-half {
		t.Fatalf("wrote %d packets, want the %d that came after the filler", res.Packets, len(recs)-half)
	}
	want := []string{"of flow 1 had left the export spool", "keeps the newest 256K of the input: packet"}
	for _, w := range want {
		if !strings.Contains(res.Missing, w) {
			t.Errorf("missing note %q lacks %q", res.Missing, w)
		}
	}
	if !strings.HasPrefix(res.Missing, fmt.Sprintf("%d of %d packets", half, len(recs))) {
		t.Errorf("missing note %q: want %d of %d packets", res.Missing, half, len(recs))
	}

	// Flow 2 is the filler's first flow, long gone.
	gone := filepath.Join(t.TempDir(), "gone.pcap")
	_, err = Export(l, ExportRequest{Input: "-", Flows: []int{2}, Mode: ExportWhole, Out: gone})
	if err == nil || !strings.Contains(err.Error(), "had left the export spool") {
		t.Fatalf("export of a flow that left the spool: %v", err)
	}
	if _, serr := os.Stat(gone); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("%s was written anyway", gone)
	}

	// The last flow before flow 1's end is recent: whole.
	flows := l.Flows()
	last := flows[len(flows)-1]
	res, err = Export(l, ExportRequest{Input: "-", Flows: []int{last.ID}, Mode: ExportWhole, Out: filepath.Join(t.TempDir(), "last.pcap")})
	if err != nil || res.Missing != "" || res.Packets != last.Packets() {
		t.Fatalf("recent flow %d: %d of %d packets, missing %q, err %v", last.ID, res.Packets, last.Packets(), res.Missing, err)
	}

	dir := l.Spool().Dir()
	if filepath.Dir(dir) != tmp {
		t.Fatalf("spool %s is not under %s", dir, tmp)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("spool directory %s still there after Close: %v", dir, err)
	}
}
