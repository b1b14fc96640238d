// Command hostile writes captures made to cost a decoder memory or time,
// for measuring a whole run (the decode tests use the same builders at a
// small scale):
//
//	go run ./decode/internal/synth/hostile -kind hole -flows 8000 -o holes.pcap
//	go run ./decode/internal/synth/hostile -kind cert-short -flows 8000 -o certs.pcap
//
// hole: each client parks -size bytes behind a one-byte hole; cert-short:
// each server sends a Certificate message of -size bytes but its last byte.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

func main() {
	kind := flag.String("kind", "hole", "hole or cert-short")
	flows := flag.Int("flows", 8000, "connections to write")
	size := flag.Int("size", 255<<10, "bytes each connection holds")
	out := flag.String("o", "", "output pcap")
	flag.Parse()
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
