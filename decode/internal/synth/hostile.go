package synth

import (
	"encoding/binary"
	"fmt"
)

// Hostile connections: small inputs that make a decoder hold memory. The
// decode tests feed them in small numbers; cmd hostile writes them by the
// thousand into captures for measuring a whole run.

// ClientAddr is a distinct client address for connection i.
func ClientAddr(i int) string {
	return fmt.Sprintf("10.%d.%d.%d:%d", 1+i>>16&0xff, i>>8&0xff, i&0xff, 40000+i%20000)
}

// ParkedBehindHole is a connection whose client, after the TCP handshake,
// sends size bytes that all start one byte after its first: every byte waits
// behind a one-byte hole that never fills.
func ParkedBehindHole(client string, size int) []Frame {
	c := New(client, "10.0.0.2:443").Handshake()
	payload := make([]byte, size)
	for off := 0; off < size; off += 1400 {
		end := min(off+1400, size)
		c.Append(c.Segment(true, ACK, c.seq[0]+1+uint32(off), payload[off:end]))
	}
	c.seq[0] += uint32(size + 1)
	return c.Frames
}

// CertificateOneByteShort is a TLS connection whose server sends a
// ServerHello and a Certificate message of size bytes all but its last
// byte: the message waits, whole but for one byte, until the capture ends.
func CertificateOneByteShort(client string, size int) []Frame {
	c := New(client, "10.0.0.2:443").Handshake()
	c.Send(true, Records(MinimalClientHello("short.example.test")), 1400)
	sh := []byte{0x03, 0x03}
	sh = append(sh, make([]byte, 32)...)
	sh = append(sh, 0, 0xc0, 0x2f, 0, 0, 0)
	body := make([]byte, size-4)
	binary.BigEndian.PutUint32(body, uint32(size-7)&0xffffff) // certificate list length
	hs := append(HandshakeMessage(2, sh), HandshakeMessage(11, body)...)
	c.Send(false, Records(hs[:len(hs)-1]), 1400)
	return c.Frames
}

// HandshakeMessage prefixes body with a handshake header.
func HandshakeMessage(typ byte, body []byte) []byte {
	n := len(body)
	return append([]byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// Records wraps handshake bytes in handshake records of at most 16 KiB.
func Records(hs []byte) []byte {
	var out []byte
	for len(hs) > 0 {
		n := min(len(hs), 16384)
		out = append(out, 0x16, 0x03, 0x01, byte(n>>8), byte(n))
		out = append(out, hs[:n]...)
		hs = hs[n:]
	}
	return out
}

// MinimalClientHello is a TLS 1.2 ClientHello message offering two suites
// and naming sni.
func MinimalClientHello(sni string) []byte {
	b := []byte{0x03, 0x03}
	b = append(b, make([]byte, 32)...)          // random
	b = append(b, 0)                            // session id
	b = append(b, 0, 4, 0x13, 0x01, 0xc0, 0x2f) // suites
	b = append(b, 1, 0)                         // compression
	ext := []byte{0, 0}
	ext = binary.BigEndian.AppendUint16(ext, uint16(len(sni)+5))
	ext = binary.BigEndian.AppendUint16(ext, uint16(len(sni)+3))
	ext = append(ext, 0)
	ext = binary.BigEndian.AppendUint16(ext, uint16(len(sni)))
	ext = append(ext, sni...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(ext)))
	return HandshakeMessage(1, append(b, ext...))
}
