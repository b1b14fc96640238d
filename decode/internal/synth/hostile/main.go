// Command hostile writes captures made to cost a decoder memory or time,
// for measuring a whole run (the decode tests use the same builders at a
// small scale):
//
//	go run ./decode/internal/synth/hostile -kind hole -flows 8000 -o holes.pcap
//	go run ./decode/internal/synth/hostile -kind cert-short -flows 8000 -o certs.pcap
//	go run ./decode/internal/synth/hostile -kind ifaces -flows 60000 -size 65000 -o ifaces.pcapng.gz
//
// hole: each client parks -size bytes behind a one-byte hole; cert-short:
// each server sends a Certificate message of -size bytes but its last byte;
// ifaces: a pcapng with -flows interface descriptions whose if_name is -size
// bytes, then one connection on the last. A name ending in .gz is gzipped.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

func main() {
	kind := flag.String("kind", "hole", "hole, cert-short or ifaces")
	flows := flag.Int("flows", 8000, "connections to write")
	size := flag.Int("size", 255<<10, "bytes each connection holds")
	out := flag.String("o", "", "output pcap")
	flag.Parse()
	if *kind == "ifaces" && *out != "" {
		if err := writeInterfaces(*out, *flows, *size); err != nil {
			fmt.Fprintln(os.Stderr, "hostile:", err)
			os.Exit(1)
		}
		return
	}
	build := map[string]func(string, int) []synth.Frame{
		"hole":       synth.ParkedBehindHole,
		"cert-short": synth.CertificateOneByteShort,
	}[*kind]
	if build == nil || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := write(*out, *flows, func(i int) []synth.Frame { return build(synth.ClientAddr(i), *size) }); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

// write streams the connections into a pcap, one at a time.
func write(path string, n int, conn func(int) []synth.Frame) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		b := synth.Pcap(conn(i), 0)
		if i > 0 {
			b = b[24:] // the file header once
		}
		if _, err := w.Write(b); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeInterfaces writes the pcapng of -kind ifaces.
func writeInterfaces(path string, n, nameLen int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	var w io.Writer = bw
	var gz *gzip.Writer
	if strings.HasSuffix(path, ".gz") {
		gz, _ = gzip.NewWriterLevel(bw, gzip.BestSpeed)
		w = gz
	}
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
	idb := []byte{1, 0, 0, 0, 0xff, 0xff, 0, 0}
	idb = le.AppendUint16(idb, 2) // if_name
	idb = le.AppendUint16(idb, uint16(nameLen))
	idb = append(idb, bytes.Repeat([]byte("if"), nameLen/2+1)[:nameLen]...)
	for len(idb)%4 != 0 {
		idb = append(idb, 0)
	}
	idb = append(idb, 0, 0, 0, 0)
	blocks := [][]byte{block(0x0a0d0d0a, shb)}
	idbBlock := block(1, idb)
	for _, b := range blocks {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	for range n {
		if _, err := w.Write(idbBlock); err != nil {
			return err
		}
	}
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	c.Send(true, synth.Records(synth.MinimalClientHello("ifaces.example.test")), 1400).Close(false, true)
	for _, fr := range c.Frames {
		us := uint64(fr.TS.UnixMicro())
		epb := le.AppendUint32(nil, uint32(n-1))
		epb = le.AppendUint32(epb, uint32(us>>32))
		epb = le.AppendUint32(epb, uint32(us))
		epb = le.AppendUint32(epb, uint32(len(fr.Data)))
		epb = le.AppendUint32(epb, uint32(len(fr.Data)))
		if _, err := w.Write(block(6, append(epb, fr.Data...))); err != nil {
			return err
		}
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}
