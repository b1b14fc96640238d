package main

import (
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

// sslv2: a pure SSL 2.0 handshake (draft-hickman-netscape-ssl-00): the
// client offers RC4-128-MD5, DES-EDE3-CBC-MD5 and RC4-128-EXPORT40-MD5; the
// server answers with its certificate and two of them; the client picks
// RC4-128-MD5 in CLIENT-MASTER-KEY; everything after is encrypted. Flow 2:
// an SSLv2-format CLIENT-HELLO advertising TLS 1.0 (as old clients sent
// it) that a server of today resets.
func sslv2() []synth.Frame {
	_, leaf := synth.Cert(start, "sslv2.edge.test")
	specs := []byte{0x01, 0x00, 0x80, 0x07, 0x00, 0xc0, 0x02, 0x00, 0x80}
	c := conn(1, "192.0.2.10:%d").Handshake()
	challenge := opaque(16, 1)
	c.Send(true, v2rec(cat(u8(1), u16(0x0002), u16(len(specs)), u16(0), u16(len(challenge)), specs, challenge)), 0)
	connID := opaque(16, 2)
	chosen := specs[:6]
	c.Send(false, v2rec(cat(u8(4), u8(0), u8(1), u16(0x0002), u16(len(leaf.Raw)), u16(len(chosen)), u16(len(connID)),
		leaf.Raw, chosen, connID)), 0)
	key := opaque(128, 3)
	c.Send(true, v2rec(cat(u8(2), specs[:3], u16(0), u16(len(key)), u16(0), key)), 0)
	c.Send(true, v2rec(opaque(33, 4)), 0)                             // CLIENT-FINISHED
	c.Send(false, cat(v2rec(opaque(33, 5)), v2rec(opaque(33, 6))), 0) // SERVER-VERIFY, SERVER-FINISHED
	c.Send(true, v2rec(opaque(60, 7)), 0)
	c.Send(false, v2rec(opaque(80, 8)), 0)
	c.Close(true, false).Close(false, false)

	o := conn(2, "192.0.2.10:%d").Handshake()
	tlsSpecs := []byte{0x00, 0x00, 0x35, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x0a, 0x01, 0x00, 0x80}
	o.Send(true, v2rec(cat(u8(1), u16(0x0301), u16(len(tlsSpecs)), u16(0), u16(len(challenge)), tlsSpecs, challenge)), 0)
	o.Close(false, true)
	return merge(c, o)
}
