// Command demo writes testdata/synth-mix.pcapng: a few dozen TCP connections
// whose TLS handshakes are real Go crypto/tls bytes, covering every outcome
// PCAP Surgery reports, and testdata/demo.expected.tsv, what each flow must
// come out as (written from what each scenario set up, not from the engine).
// (testdata/demo.pcapng, the README's demo, is made from real OpenSSL, GnuTLS
// and Go peers by testdata/gen/demo.sh; this one needs no root and no network.)
//
//	go run ./decode/internal/synth/demo -o testdata/synth-mix.pcapng
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

// expect is one flow's expected result.
type expect struct {
	outcome, who, alert, sni string
}

type scenario struct {
	name string
	run  func(b *builder) expect
}

func main() {
	out := flag.String("o", "testdata/synth-mix.pcapng", "output pcapng")
	flag.Parse()
	b := newBuilder()
	var lines []string
	for i, s := range scenarios {
		e := s.run(b)
		lines = append(lines, fmt.Sprintf("%d\t%s\t%s\t%s\t%s\t%s", i+1, s.name, e.outcome, e.who, e.alert, e.sni))
	}
	data, err := synth.Pcapng(b.merge())
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
	tsv := strings.TrimSuffix(*out, ".pcapng") + ".expected.tsv"
	head := "# id\tscenario\toutcome\twho\talert\tsni (made by decode/internal/synth/demo)\n"
	if err := os.WriteFile(tsv, []byte(head+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "demo: %d flows, %d bytes -> %s, %s\n", len(scenarios), len(data), *out, tsv)
}

// builder lays connections one after another in capture time.
type builder struct {
	conns []*synth.Conn
	at    time.Time
	port  uint16
	pki   *pki
}

func newBuilder() *builder {
	start := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	return &builder{at: start, port: 40000, pki: newPKI(start)}
}

// conn starts a connection 40 ms after the previous one began.
func (b *builder) conn(client, server string) *synth.Conn {
	b.port++
	c := synth.New(fmt.Sprintf(client, b.port), server)
	c.TS = b.at
	b.at = b.at.Add(40 * time.Millisecond)
	b.conns = append(b.conns, c)
	return c
}

// merge interleaves every connection's frames in time order, as a capture would.
func (b *builder) merge() []synth.Frame {
	var all []synth.Frame
	for _, c := range b.conns {
		all = append(all, c.Frames...)
	}
	// Stable insertion by time keeps each connection's own order.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].TS.Before(all[j-1].TS); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	return all
}

// tlsFlow runs a real handshake and lays it out on a new connection, each
// side's writes as segments of at most 1448 bytes, rtt apart.
func (b *builder) tlsFlow(client, server string, cc, sc *tls.Config, exchange bool) (*synth.Conn, error) {
	chunks, err := synth.Transcript(cc, sc, exchange)
	c := b.conn(client, server)
	c.Step = 300 * time.Microsecond
	c.Handshake()
	last := true
	for _, ch := range chunks {
		if ch.FromClient != last {
			c.TS = c.TS.Add(2 * time.Millisecond)
		}
		c.Send(ch.FromClient, ch.Data, 1448)
		last = ch.FromClient
	}
	return c, err
}
