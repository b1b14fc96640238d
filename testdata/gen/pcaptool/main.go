// Command pcaptool post-processes captures made by the generators:
//
//	pcaptool vlan    -in A.pcap -out B.pcap -vid 100 [-vid2 0]  insert an 802.1Q tag (or QinQ) after the MACs
//	pcaptool corrupt -in A.pcap -out B.pcap -record 3 -caplen 0xffffff00  overwrite a record's incl_len
//	pcaptool cut     -in A.pcap -out B.pcap -record 5 [-keep 20]  keep records 1..record-1, then only the first
//	                  `keep` bytes of record `record` (header plus part of its data): a file cut mid-record
//	pcaptool drop    -in A.pcap -out B.pcap -records 6-8,10  leave out these records (a capture point that
//	                  dropped them, or a capture started late: -records 1-5)
//	pcaptool keep    -in A.pcap -out B.pcap -records 1-4     keep only these records (a capture stopped early)
//	pcaptool split   -in A.pcap -out PREFIX -bytes 1000000   cut into rotated files as tcpdump -C does:
//	                  PREFIX.0, PREFIX.1, ... each with the file header and whole records, a new one
//	                  started once a file holds -bytes (a connection spans files)
//	pcaptool wrap    -in A.pcap -out B.pcap -encap KIND  put every Ethernet frame's IP packet (or the
//	                  whole frame) into a tunnel: pppoe, mpls, ipip, sit, gre, gretap, erspan2, erspan3,
//	                  gtpu (see wrap.go)
//
// It reads and writes classic pcap only, with the standard library (gopacket's pcapgo would
// need golang.org/x/net, which the module does not require). Lives under testdata/, ignored by `go build ./...`.
package main

import (
	"encoding/binary"
	"flag"
	"log"
	"os"
	"strconv"
	"strings"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: pcaptool vlan|corrupt|cut|drop|keep|split|wrap ...")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	in := fs.String("in", "", "input pcap")
	out := fs.String("out", "", "output pcap")
	vid := fs.Int("vid", 100, "802.1Q VLAN id")
	vid2 := fs.Int("vid2", 0, "inner VLAN id for QinQ (0 = single tag)")
	rec := fs.Int("record", 3, "1-based record number")
	caplen := fs.String("caplen", "0xffffff00", "incl_len to write")
	keep := fs.Int("keep", 20, "bytes of the cut record to keep (16-byte header + data)")
	records := fs.String("records", "", "1-based record numbers and ranges, e.g. 1-4,7")
	encap := fs.String("encap", "", "wrap: tunnel kind")
	size := fs.Int("bytes", 1000000, "split: bytes of records a file holds before the next starts")
	fs.Parse(os.Args[2:])

	switch os.Args[1] {
	case "vlan":
		b, err := os.ReadFile(*in)
		check(err)
		bo := order(b)
		if bo.Uint32(b[20:]) != 1 {
			log.Fatalf("vlan: %s is not Ethernet", *in)
		}
		var tags []byte
		if *vid2 != 0 {
			tags = append(tags, 0x88, 0xa8, byte(*vid>>8), byte(*vid))
			tags = append(tags, 0x81, 0x00, byte(*vid2>>8), byte(*vid2))
		} else {
			tags = append(tags, 0x81, 0x00, byte(*vid>>8), byte(*vid))
		}
		out_ := append([]byte{}, b[:24]...)
		for off := 24; off+16 <= len(b); {
			incl := int(bo.Uint32(b[off+8:]))
			orig := bo.Uint32(b[off+12:])
			hdr := append([]byte{}, b[off:off+16]...)
			data := b[off+16 : off+16+incl]
			bo.PutUint32(hdr[8:], uint32(incl+len(tags)))
			bo.PutUint32(hdr[12:], orig+uint32(len(tags)))
			out_ = append(out_, hdr...)
			out_ = append(out_, data[:12]...)
			out_ = append(out_, tags...)
			out_ = append(out_, data[12:]...)
			off += 16 + incl
		}
		check(os.WriteFile(*out, out_, 0o644))
	case "wrap":
		b, err := os.ReadFile(*in)
		check(err)
		out_, err := wrap(b, *encap)
		check(err)
		check(os.WriteFile(*out, out_, 0o644))
	case "corrupt", "cut":
		b, err := os.ReadFile(*in)
		check(err)
		bo := order(b)
		off := 24
		for i := 1; i < *rec; i++ {
			off += 16 + int(bo.Uint32(b[off+8:]))
		}
		if os.Args[1] == "corrupt" {
			v, err := strconv.ParseUint(*caplen, 0, 32)
			check(err)
			bo.PutUint32(b[off+8:], uint32(v))
		} else {
			b = b[:off+*keep]
		}
		check(os.WriteFile(*out, b, 0o644))
	case "drop", "keep":
		b, err := os.ReadFile(*in)
		check(err)
		bo := order(b)
		listed := parseRecords(*records)
		out_ := append([]byte{}, b[:24]...)
		n := 0
		for off := 24; off+16 <= len(b); {
			n++
			end := off + 16 + int(bo.Uint32(b[off+8:]))
			if end > len(b) {
				log.Fatalf("record %d runs past the end of %s", n, *in)
			}
			if listed[n] == (os.Args[1] == "keep") {
				out_ = append(out_, b[off:end]...)
			}
			off = end
		}
		check(os.WriteFile(*out, out_, 0o644))
	case "split":
		b, err := os.ReadFile(*in)
		check(err)
		bo := order(b)
		files := 0
		var cur []byte
		flush := func() {
			check(os.WriteFile(*out+"."+strconv.Itoa(files), cur, 0o644))
			files++
			cur = nil
		}
		for off := 24; off+16 <= len(b); {
			end := off + 16 + int(bo.Uint32(b[off+8:]))
			if end > len(b) {
				log.Fatalf("a record runs past the end of %s", *in)
			}
			if cur == nil {
				cur = append(cur, b[:24]...)
			}
			cur = append(cur, b[off:end]...)
			if len(cur)-24 >= *size {
				flush()
			}
			off = end
		}
		if cur != nil {
			flush()
		}
	default:
		log.Fatalf("unknown command %q", os.Args[1])
	}
}

// parseRecords reads "1-4,7" into a set of record numbers.
func parseRecords(spec string) map[int]bool {
	set := map[int]bool{}
	for _, part := range strings.Split(spec, ",") {
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		check(err)
		b := a
		if isRange {
			b, err = strconv.Atoi(hi)
			check(err)
		}
		for i := a; i <= b; i++ {
			set[i] = true
		}
	}
	if len(set) == 0 {
		log.Fatal("-records lists no records")
	}
	return set
}

// order returns the byte order of a classic pcap file from its magic number.
func order(b []byte) binary.ByteOrder {
	if len(b) < 24 {
		log.Fatal("not a pcap file")
	}
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d:
		return binary.LittleEndian
	case 0xd4c3b2a1, 0x4d3cb2a1:
		return binary.BigEndian
	}
	log.Fatal("not a classic pcap file (pcapng is not supported here)")
	return nil
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
