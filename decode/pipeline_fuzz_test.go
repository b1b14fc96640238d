package decode_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// pipelineSeeds are small captures: testdata/captures, and synth-built TLS
// 1.3, TLS 1.2 with a certificate in clear, a rejected certificate (alert),
// a reset after the ClientHello, and an SMTP STARTTLS upgrade.
func pipelineSeeds(f *testing.F) [][]byte {
	f.Helper()
	var seeds [][]byte
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "captures", "*"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) > 0 && len(b) <= 64<<10 {
			seeds = append(seeds, b)
		}
	}
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	cert, _ := synth.Cert(at, "seed.example.test")
	srv := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}}
	for i, cl := range []*tls.Config{
		{ServerName: "seed.example.test", InsecureSkipVerify: true, NextProtos: []string{"h2"}, CurvePreferences: []tls.CurveID{tls.X25519}},
		{ServerName: "seed.example.test", InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12},
		{ServerName: "seed.example.test", MaxVersion: tls.VersionTLS12},
	} {
		chunks, _ := synth.Transcript(cl, srv, true)
		if len(chunks) == 0 {
			continue
		}
		c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
		for _, ch := range chunks {
			c.Send(ch.FromClient, ch.Data, 1000)
		}
		c.Close(true, false).Close(false, false)
		seeds = append(seeds, synth.Pcap(c.Frames, 0))
		if i == 0 {
			r := synth.New("10.0.0.3:40001", "10.0.0.2:443").Handshake()
			r.Send(true, chunks[0].Data, 0)
			r.Close(false, true)
			seeds = append(seeds, synth.Pcap(r.Frames, 0))
		}
	}
	s := synth.New("10.0.0.1:40002", "10.0.0.2:25").Handshake()
	s.Send(false, []byte("220 mx ESMTP\r\n"), 0)
	s.Send(true, []byte("EHLO c\r\n"), 0)
	s.Send(false, []byte("250 STARTTLS\r\n"), 0)
	s.Send(true, []byte("STARTTLS\r\n"), 0)
	s.Send(false, []byte("220 go ahead\r\n"), 0)
	s.Send(true, []byte{0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00}, 0)
	seeds = append(seeds, synth.Pcap(s.Frames, 0))
	return seeds
}

// FuzzPipeline runs the whole engine, as `summary` and `summary --json` do,
// on any bytes. It must end (no hang, no panic), every JSON line must parse,
// and neither output may carry a raw control character.
func FuzzPipeline(f *testing.F) {
	for _, s := range pipelineSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := capture.NewSource(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		defer src.Close()
		l := model.NewLoader(src)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := l.Run(ctx, nil); err == context.DeadlineExceeded {
			t.Fatal("loading did not finish in 20 s")
		}
		if decode.EmptyTLSWritten() {
			t.Fatal("a flow wrote the TLS facts flows without payload share")
		}
		flows := l.Flows()
		var js, table bytes.Buffer
		if err := model.WriteJSONLines(&js, flows); err != nil {
			t.Fatal(err)
		}
		if err := model.WriteTable(&table, flows, l.Stats()); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&js)
		sc.Buffer(nil, 1<<24)
		lines := 0
		for sc.Scan() {
			lines++
			if !json.Valid(sc.Bytes()) {
				t.Fatalf("line %d is not JSON: %s", lines, sc.Bytes())
			}
			if err := terminalSafe(sc.Bytes(), false); err != nil {
				t.Fatalf("JSON line %d: %v", lines, err)
			}
		}
		if lines != len(flows) {
			t.Fatalf("%d JSON lines for %d flows", lines, len(flows))
		}
		if err := terminalSafe(table.Bytes(), true); err != nil {
			t.Fatalf("table: %v", err)
		}
		for i := range flows {
			if err := terminalSafe([]byte(flows[i].Diagnosis), false); err != nil {
				t.Fatalf("diagnosis of flow %d: %v", flows[i].ID, err)
			}
		}
	})
}

// terminalSafe reports the first byte or character that a terminal would
// act on: C0 controls (newline and tab allowed in multi-line text), DEL,
// invalid UTF-8, C1 controls, and bidi or zero-width format characters.
func terminalSafe(b []byte, multiline bool) error {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return fmt.Errorf("invalid UTF-8 byte 0x%02x at %d in %q", b[i], i, b)
		case r < 0x20 && !(multiline && (r == '\n' || r == '\t')), r == 0x7f, r >= 0x80 && r < 0xa0:
			return fmt.Errorf("control character %U at %d in %q", r, i, b)
		case r >= 0x200b && r <= 0x200f, r >= 0x2028 && r <= 0x202e, r >= 0x2060 && r <= 0x206f, r == 0xfeff, r == 0x061c:
			return fmt.Errorf("format character %U at %d in %q", r, i, b)
		}
		i += size
	}
	return nil
}
