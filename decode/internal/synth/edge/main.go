// Command edge writes the synthetic captures of testdata/edge/: TCP and TLS
// shapes that the real stacks in testdata/gen cannot be made to produce
// (issue 10 items 7-10), each built from real Go crypto/tls bytes where a
// handshake is needed and from hand-written records where no stack speaks
// the protocol any more (TLS 1.3 drafts, SSL 2.0):
//
//	synack-two-isns.pcap        two SYN-ACKs with different ISNs; the client acknowledges one
//	big-certificate-tls12.pcap  a 340 KB Certificate message over 21 records
//	tls13-drafts.pcap           TLS 1.3 drafts 18, 21 (HelloRetryRequest type 6), 22 and 28
//	sslv2.pcap                  pure SSL 2.0: CLIENT-HELLO, SERVER-HELLO, CLIENT-MASTER-KEY
//
// What each flow must come out as is in tlsedge_test.go.
//
//	go run ./decode/internal/synth/edge -o testdata/edge
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

var start = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

func main() {
	out := flag.String("o", "testdata/edge", "output directory")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for name, frames := range map[string][]synth.Frame{
		"synack-two-isns.pcap":       synackTwoISNs(),
		"big-certificate-tls12.pcap": bigCertificate(),
		"tls13-drafts.pcap":          drafts(),
		"sslv2.pcap":                 sslv2(),
	} {
		path := filepath.Join(*out, name)
		if err := os.WriteFile(path, synth.Pcap(frames, 0), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "edge: %s, %d frames\n", path, len(frames))
	}
}

// conn starts connection n of a capture, 50 ms after the previous one.
func conn(n int, client string) *synth.Conn {
	c := synth.New(fmt.Sprintf(client, 40700+n), "192.0.2.20:443")
	c.TS = start.Add(time.Duration(n) * 50 * time.Millisecond)
	c.Step = 300 * time.Microsecond
	return c
}

// exchange lays a real transcript's writes on c, each side's in segments of
// at most 1448 bytes, then closes from the client.
func exchange(c *synth.Conn, chunks []synth.Chunk) {
	for _, ch := range chunks {
		c.Send(ch.FromClient, ch.Data, 1448)
	}
	c.Close(true, false).Close(false, false)
}

// transcript runs a real Go handshake with application data each way.
func transcript(sni string, maxVersion uint16, cert tls.Certificate) []synth.Chunk {
	cc := &tls.Config{ServerName: sni, InsecureSkipVerify: true, MaxVersion: maxVersion}
	sc := &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: maxVersion}
	chunks, err := synth.Transcript(cc, sc, true)
	if err != nil {
		log.Fatalf("%s: %v", sni, err)
	}
	return chunks
}

// merge interleaves connections by time, keeping each one's own order.
func merge(conns ...*synth.Conn) []synth.Frame {
	var all []synth.Frame
	for _, c := range conns {
		all = append(all, c.Frames...)
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].TS.Before(all[j-1].TS); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	return all
}
