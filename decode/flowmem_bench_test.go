package decode_test

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

// BenchmarkFlowMemory reports the heap an analyzer keeps per flow once the
// capture is read (B/flow), by kind of flow: a SYN nobody answered, a SYN
// answered by a RST, and a full TLS 1.3 handshake with a little data and a
// FIN each way (its hellos shared with the other flows, as one client
// stack's are), and the same handshake with a server name of its own in
// each flow, as on a busy capture (and in gencap's files). Issue 13: a
// SYN-only or refused flow should cost a few dozen bytes.
func BenchmarkFlowMemory(b *testing.B) {
	cert, _ := synth.Cert(synth.New("10.0.0.1:40000", "10.0.0.2:443").TS, "www.example.test")
	chunks, err := synth.Transcript(
		&tls.Config{ServerName: "www.example.test", InsecureSkipVerify: true, NextProtos: []string{"h2"}},
		&tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}}, true)
	if err != nil {
		b.Fatal(err)
	}
	var names [][]byte // the server names of the flows made so far
	kinds := []struct {
		name  string
		build func(c *synth.Conn)
	}{
		{"syn-only", func(c *synth.Conn) { c.Append(c.Segment(true, synth.SYN, 999, nil)) }},
		{"refused", func(c *synth.Conn) {
			c.Append(c.Segment(true, synth.SYN, 999, nil), c.Segment(false, synth.RST|synth.ACK, 0, nil))
		}},
		{"handshake", func(c *synth.Conn) { handshake(c, chunks, nil) }},
		{"handshake-own-name", func(c *synth.Conn) {
			// The same length, so the records' lengths stay right.
			n := strconv.FormatInt(int64(len(names)), 36)
			names = append(names, []byte(strings.Repeat("0", 3-len(n))+n+".example.test"))
			handshake(c, chunks, names[len(names)-1])
		}},
	}
	const flows = 5000
	for _, kind := range kinds {
		for _, report := range []bool{false, true} { // report: as summary and diff load (NoPackets)
			name := kind.name
			if report {
				name += "/no-packet-list"
			}
			benchFlowMemory(b, name, flows, func(c *synth.Conn) {
				if c == nil {
					names = names[:0]
					return
				}
				kind.build(c)
			}, report)
		}
	}
}

// benchFlowMemory is one kind of BenchmarkFlowMemory: flows made by build
// (called once with nil first, to start over), read by an analyzer that
// lists their packets, or (report) not.
func benchFlowMemory(b *testing.B, name string, flows int, build func(c *synth.Conn), report bool) {
	b.Run(name, func(b *testing.B) {
		build(nil)
		var packets []capture.Packet
		for i := range flows {
			client := fmt.Sprintf("10.%d.%d.%d:%d", i>>16&255, i>>8&255, i&255, 40000+i%20000)
			c := synth.New(client, "10.255.0.1:443")
			build(c)
			for _, fr := range c.Frames {
				packets = append(packets, capture.Packet{Index: len(packets) + 1, TS: fr.TS,
					LinkType: 1, // Ethernet CapLen: len(fr.Data), OrigLen: len(fr.Data),
					Offset:   int64(len(packets)) * 100, Data: fr.Data})
			}
		}
		var perFlow float64
		for b.Loop() {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			a := decode.NewAnalyzer()
			a.NoPackets = report
			for i := range packets {
				a.Add(&packets[i])
			}
			a.Finish()
			runtime.GC()
			runtime.ReadMemStats(&after)
			if n := len(a.Flows()); n != flows {
				b.Fatalf("%d flows, want %d", n, flows)
			}
			perFlow = float64(after.HeapAlloc-before.HeapAlloc) / float64(flows)
			runtime.KeepAlive(a)
		}
		b.ReportMetric(perFlow, "B/flow")
	})
}

// handshake sends chunks over c between a SYN handshake and a FIN each way,
// with sni in place of the client's www.example.test when it is not nil.
func handshake(c *synth.Conn, chunks []synth.Chunk, sni []byte) {
	c.Handshake()
	for _, ch := range chunks {
		data := ch.Data
		if ch.FromClient && sni != nil {
			data = bytes.Replace(data, []byte("www.example.test"), sni, 1)
		}
		c.Send(ch.FromClient, data, 1400)
	}
	c.Close(true, false)
	c.Close(false, false)
}
