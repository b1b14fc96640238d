package model

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Times outside 1678-2262 (what nanoseconds since 1970 in an int64 hold)
// once came out of a pcapng export silently wrong: 1969-12-31 became 2554.

// exNgTimes writes a pcapng with one Ethernet interface per entry of
// offsets (its if_tsoffset in seconds, 0 for none) and one packet per time,
// on the interface ifaces[i], timestamps in microseconds.
func exNgTimes(t *testing.T, path string, offsets []int64, times []time.Time, ifaces []int) {
	t.Helper()
	le := binary.LittleEndian
	block := func(typ uint32, body []byte) []byte {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		b := le.AppendUint32(nil, typ)
		b = le.AppendUint32(b, uint32(12+len(body)))
		b = append(b, body...)
		return le.AppendUint32(b, uint32(12+len(body)))
	}
	shb := le.AppendUint32(nil, 0x1a2b3c4d)
	shb = append(shb, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	file := block(0x0a0d0d0a, shb)
	for _, off := range offsets {
		idb := []byte{1, 0, 0, 0, 0, 0, 1, 0} // Ethernet, snaplen 65536
		if off != 0 {
			idb = le.AppendUint16(idb, 14) // if_tsoffset
			idb = le.AppendUint16(idb, 8)
			idb = le.AppendUint64(idb, uint64(off))
		}
		file = append(file, block(1, idb)...)
	}
	ep := exEndpoints{netip.MustParseAddrPort("192.0.2.1:40000"), netip.MustParseAddrPort("192.0.2.2:443")}
	frames := exFrames(t, ep, exSegments([]exChunk{{true, []byte("hello")}}), false)
	for i, at := range times {
		us := uint64((at.Unix()-offsets[ifaces[i]])*1e6 + int64(at.Nanosecond()/1000))
		fr := frames[i%len(frames)]
		epb := le.AppendUint32(nil, uint32(ifaces[i]))
		epb = le.AppendUint32(epb, uint32(us>>32))
		epb = le.AppendUint32(epb, uint32(us))
		epb = le.AppendUint32(epb, uint32(len(fr)))
		epb = le.AppendUint32(epb, uint32(len(fr)))
		file = append(file, block(6, append(epb, fr...))...)
	}
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestExportPcapngTimesOutsideNanosecondRange(t *testing.T) {
	dir := t.TempDir()
	early := time.Date(1969, 12, 31, 23, 59, 58, 500_000_000, time.UTC)
	late := time.Date(2600, 7, 1, 12, 0, 0, 250_000_000, time.UTC)
	in := filepath.Join(dir, "odd-times.pcapng")
	exNgTimes(t, in, []int64{-86400, 0}, []time.Time{early, late, early.Add(time.Second), late.Add(time.Millisecond)}, []int{0, 1, 0, 1})
	src := exRead(t, in)
	if !src.packets[0].TS.Equal(early) || !src.packets[1].TS.Equal(late) {
		t.Fatalf("source read as %v and %v", src.packets[0].TS, src.packets[1].TS)
	}
	refs := exAllRefs(src)

	out := filepath.Join(dir, "out.pcapng")
	if _, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: out}); err != nil {
		t.Fatal(err)
	}
	exSame(t, src, exRead(t, out), []int{1, 2, 3, 4}) // times compared exactly

	// A pcap holds seconds since 1970 in 32 bits: refused, with the reason.
	bad := filepath.Join(dir, "out.pcap")
	_, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: bad})
	if err == nil || !strings.Contains(err.Error(), "1969-12-31T23:59:58.5Z cannot be stored in a pcap file") {
		t.Errorf("pcap export of a 1969 packet: %v", err)
	}

	// Two packets 574 years apart on one interface cannot share a pcapng
	// timestamp base: refused, naming the packet, and no file is left.
	in2 := filepath.Join(dir, "far-apart.pcapng")
	exNgTimes(t, in2, []int64{0}, []time.Time{exBase, late}, []int{0, 0})
	out2 := filepath.Join(dir, "out2.pcapng")
	_, err = Export(exAllRefs(exRead(t, in2)), ExportRequest{Input: in2, Flows: []int{1}, Out: out2})
	if err == nil || !strings.Contains(err.Error(), "packet 2's time 2600-07-01T12:00:00.25Z is too far from its interface's first packet") {
		t.Errorf("export of packets 574 years apart: %v", err)
	}
	if _, err := os.Stat(out2); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists after a refused export", out2)
	}
	exNoTemp(t, dir)
}
