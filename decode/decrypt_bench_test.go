package decode_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// BenchmarkKeyLog loads 200 real TLS 1.3 handshakes (each with its own
// client random) without a key log, with one that has none of their
// secrets, and with theirs: the first two must cost the same.
func BenchmarkKeyLog(b *testing.B) {
	cert, _ := synth.Cert(synth.New("10.0.0.1:40000", "10.0.0.2:443").TS, "www.example.test")
	var frames []synth.Frame
	var keys bytes.Buffer
	for i := 0; i < 200; i++ {
		cl := &tls.Config{ServerName: "www.example.test", InsecureSkipVerify: true, KeyLogWriter: &keys}
		chunks, err := synth.Transcript(cl, &tls.Config{Certificates: []tls.Certificate{cert}}, true)
		if err != nil {
			b.Fatal(err)
		}
		c := synth.New(synth.ClientAddr(i), "10.0.0.2:443").Handshake()
		for _, ch := range chunks {
			c.Send(ch.FromClient, ch.Data, 1400)
		}
		c.Close(true, false).Close(false, false)
		frames = append(frames, c.Frames...)
	}
	pcap := synth.Pcap(frames, 0)
	theirs := keylog.New()
	theirs.Read(bytes.NewReader(keys.Bytes()))
	for _, c := range []struct {
		name string
		keys *keylog.Log
	}{{"none", nil}, {"unmatched", keylog.New()}, {"matched", theirs}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(pcap)))
			b.ReportAllocs()
			for b.Loop() {
				src, _ := capture.NewSource(bytes.NewReader(pcap), int64(len(pcap)))
				l := model.NewLoader(src)
				if c.keys != nil {
					l.SetKeyLog(c.keys)
				}
				l.Run(context.Background(), nil)
				if n := len(l.Flows()); n != 200 {
					b.Fatalf("%d flows", n)
				}
			}
		})
	}
}
