package model

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"runtime"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// tableFlow is flow i of a synthetic capture, classified by hand.
func tableFlow(i int, f *Flow) {
	*f = Flow{Flow: decode.NewFlow(), Verdict: &Verdict{}}
	f.ID = i + 1
	f.Client = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), uint16(1024+i%60000))
	f.Server = netip.MustParseAddrPort("[2001:db8::1]:443")
	if i%3 == 0 {
		f.Server = netip.MustParseAddrPort("192.0.2.1:8443")
	}
	f.First = time.Date(2026, 3, 2, 14, 0, 0, i*1000, time.UTC)
	f.Outcome, f.Badge = NoSYNACK, "NO SYN-ACK"
	if i%7 == 0 {
		f.Outcome, f.Badge = Refused, "REFUSED"
	}
}

// The streamed table is what text/tabwriter printed, byte for byte.
func TestTableMatchesTabwriter(t *testing.T) {
	flows := make([]Flow, 25)
	for i := range flows {
		tableFlow(i*997, &flows[i])
	}
	flows[3].ID = 123456
	stats := decode.Stats{Packets: 25, TCPPackets: 25}
	var got bytes.Buffer
	if err := WriteTable(&got, flows, stats); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCLIENT\tSERVER\tSNI\tBADGE\tVERSION\tCIPHER\tALERT\tFIRST")
	counts := map[Outcome]int{}
	for i := range flows {
		f := &flows[i]
		counts[f.Outcome]++
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.ID, f.Client, f.Server, orDash(Clip(f.SNI(), 40)), f.Badge,
			orDash(f.VersionShort()), orDash(f.CipherShort()), orDash(f.AlertName()), f.First.UTC().Format("2006-01-02 15:04:05.000000"))
	}
	tw.Flush()
	fmt.Fprintf(&want, "\n%s\n%s", totalsLine(len(flows), counts), skippedLine(stats))
	if got.String() != want.String() {
		t.Errorf("streamed table differs from tabwriter's:\n%s\nwant:\n%s", got.String(), want.String())
	}

	got.Reset()
	if err := WriteTable(&got, nil, decode.Stats{}); err != nil || got.String() != "ID  CLIENT  SERVER  SNI  BADGE  VERSION  CIPHER  ALERT  FIRST\n\n0 flows\n0 packets read, 0 TCP\n" {
		t.Errorf("empty table %q, %v", got.String(), err)
	}
}

// Writing rows holds nothing per row: 200,000 flows (tabwriter kept every
// one, about 1.8 KB a flow at a million in `summary`).
func TestTableMemoryDoesNotGrowWithRows(t *testing.T) {
	const n = 200_000
	var f Flow // tableFlow fills it in
	t0 := NewTableWriter(io.Discard)
	for i := range n {
		tableFlow(i, &f)
		t0.Measure(&f)
	}
	before := tableLiveHeap()
	for i := range n {
		tableFlow(i, &f)
		t0.Row(&f)
	}
	grew := tableLiveHeap() - before
	if err := t0.Finish(decode.Stats{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows: heap grew %d bytes", n, grew)
	if grew > 256<<10 {
		t.Errorf("writing %d rows kept %d bytes", n, grew)
	}
}

func tableLiveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
