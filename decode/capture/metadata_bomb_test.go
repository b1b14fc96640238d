package capture

import (
	"bytes"
	"encoding/binary"
	"io"
	"runtime"
	"strings"
	"testing"
)

// Interface descriptions a file repeats at will: 60,000 with a 64 KB if_name
// each once took 3.8 GB to read (7.6 GB to export). Names are cut and the
// number of interfaces is capped.

func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// manyInterfaces streams a pcapng: a section header, n copies of one
// interface description whose if_name is nameLen bytes, and then a packet
// on the last interface. The copies share one buffer, so the input costs
// nothing to hold.
func manyInterfaces(n, nameLen int) (io.Reader, int64) {
	head := (&ng{order: binary.LittleEndian}).shb().b
	name := bytes.Repeat([]byte("n"), nameLen)
	idb := (&ng{order: binary.LittleEndian}).idb(1, 65535, opt{optIfName, name}).b
	tail := (&ng{order: binary.LittleEndian}).epb(uint32(min(n, maxInterfaces)-1), 1_700_000_000_000_000, payload(60, 1), 60).b
	parts := []io.Reader{bytes.NewReader(head)}
	for range n {
		parts = append(parts, bytes.NewReader(idb))
	}
	parts = append(parts, bytes.NewReader(tail))
	return io.MultiReader(parts...), int64(len(head) + n*len(idb) + len(tail))
}

func TestInterfaceNamesAreCut(t *testing.T) {
	const n = 1000
	r, size := manyInterfaces(n, 65000)
	before := liveHeap()
	s, err := NewSource(r, size)
	if err != nil {
		t.Fatal(err)
	}
	pkts, err := readAll(t, s)
	grew := liveHeap() - before
	ifaces := s.Interfaces()
	runtime.KeepAlive(s)
	if err != nil || len(pkts) != 1 || pkts[0].Interface != n-1 {
		t.Fatalf("%d packets, err %v", len(pkts), err)
	}
	if len(ifaces) != n || len(ifaces[0].Name) > maxInterfaceName || !strings.HasSuffix(ifaces[0].Name, "...") {
		t.Errorf("%d interfaces, first name %d bytes: %q...", len(ifaces), len(ifaces[0].Name), ifaces[0].Name[:10])
	}
	t.Logf("%d interfaces with 65,000-byte names (%d MB): %d bytes kept", n, size>>20, grew)
	if grew > 2<<20 {
		t.Errorf("%d bytes kept for %d interface descriptions", grew, n)
	}
}

func TestInterfaceCountIsCapped(t *testing.T) {
	r, size := manyInterfaces(maxInterfaces+1, 4)
	s, err := NewSource(r, size)
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(t, s)
	d := asDamage(t, err)
	if !strings.Contains(d.Reason, "more than 65536 interface descriptions") {
		t.Errorf("damage %q", d.Reason)
	}
	if n := len(s.Interfaces()); n != maxInterfaces {
		t.Errorf("%d interfaces kept", n)
	}
}
