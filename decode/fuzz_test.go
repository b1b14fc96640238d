package decode

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// FuzzReassembler cuts a message into segments described by script (4 bytes
// each: 16-bit start, length, and a byte whose low bit corrupts the copy),
// starting at any ISN so sequence numbers wrap. Whatever the order, the bytes
// delivered are the first copy of each byte to arrive, in order; nothing is
// delivered past a hole; identical copies never count as conflicts; and the
// held bytes stay under the caps.
func FuzzReassembler(f *testing.F) {
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz"), uint32(0xfffffff0), []byte{0, 20, 16, 0, 0, 0, 10, 0, 0, 10, 10, 0})
	f.Add(bytes.Repeat([]byte("tls"), 500), uint32(1), []byte{0, 100, 200, 0, 0, 0, 100, 1, 0, 0, 120, 0, 0, 120, 255, 0})
	f.Add([]byte("abcdef"), uint32(0x7fffffff), []byte{0, 3, 3, 1, 0, 0, 6, 0})
	// A retransmission older than the remembered tail (and shorter than the
	// distance) once sliced out of range in differsFromTail.
	f.Add(bytes.Repeat([]byte("0123456789"), 300), uint32(5), []byte{0, 0, 255, 0, 1, 0, 255, 0, 2, 0, 255, 0, 3, 0, 255, 0, 4, 0, 255, 0, 5, 0, 255, 0, 6, 0, 255, 0, 7, 0, 255, 0, 8, 0, 255, 0, 9, 0, 255, 0, 10, 0, 255, 0, 11, 0, 255, 0, 0, 0, 9, 0})
	f.Fuzz(func(t *testing.T, msg []byte, isn uint32, script []byte) {
		if len(msg) == 0 || len(msg) > 1<<16 {
			return
		}
		first := make([]int, len(msg)) // byte value of the first copy, -1 none yet
		for i := range first {
			first[i] = -1
		}
		corrupted := false
		var r reassembler
		var got []byte
		deliver := func(b []byte) { got = append(got, b...) }
		r.start(isn)
		for ; len(script) >= 4; script = script[4:] {
			from := int(binary.BigEndian.Uint16(script)) % len(msg)
			to := min(len(msg), from+int(script[2])+1)
			data := bytes.Clone(msg[from:to])
			if script[3]&1 != 0 {
				data[0] ^= 0x55
				corrupted = true
			}
			res := r.add(isn+uint32(from), data, deliver)
			if res.conflict && !corrupted {
				t.Fatalf("conflict reported with no corrupt copy sent")
			}
			if !r.holed {
				for i, b := range data {
					if first[from+i] < 0 {
						first[from+i] = int(b)
					}
				}
			}
			sum := 0
			for _, p := range r.pending {
				sum += len(p.data)
			}
			if sum != r.held || r.held > maxPendingBytes || len(r.pending) > maxPendingSegments {
				t.Fatalf("held %d (counted %d) in %d segments", sum, r.held, len(r.pending))
			}
			for i := 1; i < len(r.pending); i++ {
				if prev := r.pending[i-1]; r.rel(prev.seq)+int64(len(prev.data)) > r.rel(r.pending[i].seq) {
					t.Fatalf("held segments %d and %d overlap or are out of order", i-1, i)
				}
			}
			if r.released && (r.pending != nil || r.tail != nil) {
				t.Fatal("buffers kept after release")
			}
		}
		r.finish()
		covered := 0
		for covered < len(first) && first[covered] >= 0 {
			covered++
		}
		if len(got) > covered || !r.holed && len(got) != covered {
			t.Fatalf("delivered %d bytes; the first %d were sent (holed %v)", len(got), covered, r.holed)
		}
		for i, b := range got {
			if int(b) != first[i] {
				t.Fatalf("byte %d is %#x, the first copy was %#x", i, b, first[i])
			}
		}
	})
}

// fuzzFlow starts a flow as the analyzer would for a SYN from the client.
func fuzzFlow(a *Analyzer) *flowState {
	seg := &packet.Segment{Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("10.0.0.2"),
		SrcPort: 40000, DstPort: 443, Flags: packet.FlagSYN}
	return a.newFlow(seg, &capture.Packet{Index: 1, TS: time.Unix(1, 0)})
}

// FuzzTLSStream feeds two byte streams to a flow's decoders, bypassing TCP:
// the client's and the server's, in chunks whose sizes come from cuts. It
// exercises the record layer, handshake reassembly across records, every
// handshake parser, plaintext STARTTLS scanning and SSLv2 hellos. Nothing may
// panic, and every buffer stays under its cap.
func FuzzTLSStream(f *testing.F) {
	for _, s := range streamSeeds(f) {
		f.Add(s[0], s[1], []byte{200, 7, 1, 255, 30})
	}
	f.Add([]byte("EHLO x\r\nSTARTTLS\r\n\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"), []byte("220 hi\r\n250 ok\r\n220 go\r\n"), []byte{3})
	f.Add([]byte{0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10}, []byte{}, []byte{1})
	// Plaintext starts read as messages: LDAP StartTLS, XMPP, MySQL SSL request, HTTP CONNECT, SOCKS5.
	ch, sh := "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00", "\x16\x03\x03\x00\x04\x02\x00\x00\x00"
	for _, p := range [][2]string{
		{"\x30\x1d\x02\x01\x01\x77\x18\x80\x161.3.6.1.4.1.1466.20037" + ch, "\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00" + sh},
		{"<stream:stream to='x' version='1.0'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" + ch,
			"<?xml version='1.0'?><stream:stream><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features><proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" + sh},
		{"\x20\x00\x00\x01\x05\xae\xff\x01\x00\x00\x00\x01\x21" + strings.Repeat("\x00", 23) + ch, "\x0d\x00\x00\x00\x0a8.0.36\x00\x2a\x00\x00\x00\x00" + sh},
		{"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org\r\n\r\n" + ch, "HTTP/1.1 200 Connection established\r\n\r\n" + sh},
		{"\x05\x01\x00\x05\x01\x00\x03\x0bexample.org\x01\xbb" + ch, "\x05\x00\x05\x00\x00\x01\xc0\x00\x02\x14\x04\x38" + sh},
	} {
		f.Add([]byte(p[0]), []byte(p[1]), []byte{3})
		f.Add([]byte(p[0]), []byte(p[1]), []byte{255})
	}
	f.Add([]byte{0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff}, []byte{0x16, 0x03, 0x03, 0x40, 0x00}, []byte{5})
	// Pure SSL 2.0: CLIENT-HELLO then CLIENT-MASTER-KEY and an encrypted
	// record; SERVER-HELLO (no certificate) then a 3-byte-header record.
	f.Add([]byte{0x80, 0x0c, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x80,
		0x80, 0x0a, 0x02, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0xaa, 0x80, 0x02, 0x01, 0x02},
		[]byte{0x80, 0x0d, 0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00, 0x80,
			0x00, 0x03, 0x00, 0x01, 0x02, 0x03, 0x80, 0x01, 0x09}, []byte{4, 2, 9})
	// A Certificate claiming 300 KB (passed over), then a ServerHelloDone.
	f.Add([]byte{}, []byte{0x16, 0x03, 0x03, 0x00, 0x08, 0x0b, 0x04, 0x93, 0xe0, 0x00, 0x00, 0x00, 0x00,
		0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00}, []byte{6})
	f.Fuzz(func(t *testing.T, client, server, cuts []byte) {
		a := NewAnalyzer()
		fs := fuzzFlow(a)
		streams := [2][]byte{client, server}
		for i := 0; len(streams[0])+len(streams[1]) > 0; i++ {
			d := Dir(i % 2)
			n := len(streams[d])
			if len(cuts) > 0 {
				n = min(n, int(cuts[i%len(cuts)])+1)
			}
			chunk := streams[d][:n]
			streams[d] = streams[d][n:]
			if len(chunk) > 0 && fs.active(d) {
				fs.consume(fs.state(d), chunk)
			}
			checkBounds(t, fs)
		}
		fs.finish()
		checkBounds(t, fs)
		if fs.active(FromClient) || fs.active(FromServer) {
			t.Fatal("a direction still decoding after finish")
		}
	})
}

func checkBounds(t *testing.T, fs *flowState) {
	t.Helper()
	if EmptyTLSWritten() {
		t.Fatal("a flow wrote the TLS facts flows without payload share")
	}
	for _, s := range [2]*dirState{fs.dir(FromClient), fs.dir(FromServer)} {
		if s == nil {
			continue
		}
		if len(s.hs) > 4+maxHandshakeBuf+maxRecordBody || cap(s.rec.body) > maxRecordBody ||
			len(s.line) > maxPlainLineLen+maxRecordBody || len(s.v2) > 1<<15+2 {
			t.Fatalf("buffers over their caps: hs %d, record %d, line %d, v2 %d",
				len(s.hs), cap(s.rec.body), len(s.line), len(s.v2))
		}
	}
	f := fs.f
	if f.Timeline.Len() > maxEvents || len(f.TLS.Alerts) > maxAlerts || len(f.TLS.Certificates) > maxCertsParsed {
		t.Fatalf("%d events, %d alerts, %d certificates", f.Timeline.Len(), len(f.TLS.Alerts), len(f.TLS.Certificates))
	}
}

// streamSeeds are real crypto/tls conversations: TLS 1.3 and 1.2, and a
// handshake the client rejects (unknown CA), as each side's byte stream.
func streamSeeds(f *testing.F) [][2][]byte {
	f.Helper()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	cert, _ := synth.Cert(at, "seed.example.test")
	srv := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}}
	var out [][2][]byte
	for _, cl := range []*tls.Config{
		{ServerName: "seed.example.test", InsecureSkipVerify: true, NextProtos: []string{"h2"}},
		{ServerName: "seed.example.test", InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12},
		{ServerName: "seed.example.test", MaxVersion: tls.VersionTLS12},
	} {
		chunks, _ := synth.Transcript(cl, srv, true)
		if len(chunks) > 0 {
			out = append(out, [2][]byte{synth.Concat(chunks, true), synth.Concat(chunks, false)})
		}
	}
	return out
}
