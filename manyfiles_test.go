package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// pcapngOf rewrites little-endian µs pcap records as a pcapng section: one
// interface of the pcap's link type, one Enhanced Packet Block a record.
func pcapngOf(head []byte, recs [][]byte) []byte {
	le := binary.LittleEndian
	var b []byte
	block := func(typ uint32, body []byte) {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		n := uint32(12 + len(body))
		b = le.AppendUint32(b, typ)
		b = le.AppendUint32(b, n)
		b = append(b, body...)
		b = le.AppendUint32(b, n)
	}
	shb := le.AppendUint32(nil, 0x1a2b3c4d)
	shb = le.AppendUint16(shb, 1)
	shb = le.AppendUint16(shb, 0)
	shb = le.AppendUint64(shb, ^uint64(0))
	block(0x0a0d0d0a, shb)
	idb := le.AppendUint16(nil, uint16(le.Uint32(head[20:])))
	idb = le.AppendUint16(idb, 0)
	idb = le.AppendUint32(idb, le.Uint32(head[16:]))
	block(1, idb)
	for _, r := range recs {
		ts := uint64(le.Uint32(r))*1e6 + uint64(le.Uint32(r[4:]))
		epb := le.AppendUint32(nil, 0)
		epb = le.AppendUint32(epb, uint32(ts>>32))
		epb = le.AppendUint32(epb, uint32(ts))
		epb = le.AppendUint32(epb, le.Uint32(r[8:]))
		epb = le.AppendUint32(epb, le.Uint32(r[12:]))
		block(6, append(epb, r[16:]...))
	}
	return b
}

func gzipBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRotatedFilesReadAsOne splits a capture into three rotated files, as
// tcpdump -C would cut it (mid-connection), in three formats (pcap,
// gzip-compressed pcap, pcapng) and with names whose order is not the
// files' time order: summary on the files, given in any order, or on their
// directory prints exactly what it prints for the capture whole. Flow IDs
// are numbered by first packet across the files, as in one file.
func TestRotatedFilesReadAsOne(t *testing.T) {
	orig := filepath.Join("ui", "testdata", "mix40.pcap")
	head, recs := pcapParts(t, orig)
	dir := t.TempDir()
	a, b := len(recs)/3, 2*len(recs)/3
	parts := map[string][]byte{
		"c-first.pcap":     append(append([]byte(nil), head...), bytes.Join(recs[:a], nil)...),
		"a-second.pcap.gz": gzipBytes(t, append(append([]byte(nil), head...), bytes.Join(recs[a:b], nil)...)),
		"b-third.pcapng":   pcapngOf(head, recs[b:]),
	}
	for name, data := range parts {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	summaryOf := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(append([]string{"summary"}, args...), &out, &errb); code != exitOK {
			t.Fatalf("summary %v: exit %d: %s", args, code, errb.String())
		}
		if errb.Len() > 0 {
			t.Errorf("summary %v said: %s", args, errb.String())
		}
		return out.String()
	}
	for _, asJSON := range []bool{true, false} {
		var flags []string
		if asJSON {
			flags = []string{"--json"}
		}
		want := summaryOf(append(flags, orig)...)
		for _, in := range [][]string{
			{dir},
			{filepath.Join(dir, "a-second.pcap.gz"), filepath.Join(dir, "b-third.pcapng"), filepath.Join(dir, "c-first.pcap")},
		} {
			if got := summaryOf(append(flags, in...)...); got != want {
				t.Errorf("summary %v %v differs from the whole capture's:\n--- got\n%s\n--- want\n%s", flags, in, got, want)
			}
		}
	}
}

// TestExportSpansRotatedFiles exports from the rotated files what it
// exports from the whole capture: a flow by ID, the flows a filter
// matches, and their evidence, packet for packet.
func TestExportSpansRotatedFiles(t *testing.T) {
	orig := filepath.Join("ui", "testdata", "mix40.pcap")
	head, recs := pcapParts(t, orig)
	dir := t.TempDir()
	a, b := len(recs)/3, 2*len(recs)/3
	for name, data := range map[string][]byte{
		"2.pcap.gz": gzipBytes(t, append(append([]byte(nil), head...), bytes.Join(recs[a:b], nil)...)),
		"1.pcap":    append(append([]byte(nil), head...), bytes.Join(recs[:a], nil)...),
		"3.pcap":    append(append([]byte(nil), head...), bytes.Join(recs[b:], nil)...),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	export := func(name, in string, args ...string) []byte {
		t.Helper()
		var o, e bytes.Buffer
		p := filepath.Join(out, name)
		if code := run(append([]string{"export", in, "-o", p}, args...), &o, &e); code != exitOK {
			t.Fatalf("export %s %v: exit %d: %s", in, args, code, e.String())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for i, args := range [][]string{
		{"--flow", "20"},
		{"--filter", "outcome:ok"},
		{"--filter", "outcome:ok", "--evidence"},
	} {
		want := export("whole"+strconv.Itoa(i)+".pcap", orig, args...)
		got := export("split"+strconv.Itoa(i)+".pcap", dir, args...)
		if len(want) <= 24 {
			t.Fatalf("export %v from the whole capture wrote no packets", args)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("export %v from the rotated files: %d bytes, from the whole capture %d: they differ", args, len(got), len(want))
		}
	}
}
