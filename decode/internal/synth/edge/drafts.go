package main

import (
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

// Code points of the TLS 1.3 drafts.
const (
	x25519, p256      = 0x001d, 0x0017
	keyShareDraft     = 40 // key_share up to draft 22
	keyShare          = 51 // from draft 23
	supportedVersions = 43
	aes128GCM         = 0x1301
)

// hrrRandom marks a ServerHello that is a HelloRetryRequest (draft 22 on).
var hrrRandom = []byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

// draft is one TLS 1.3 draft handshake's shape.
type draft struct {
	version  int  // 0x7fNN
	hrr      bool // the server asks for x25519 after a P-256 key share
	sni      string
	keyShare int // extension number of key_share
}

// compat: from draft 22 the hellos carry a session id (echoed by the server),
// a compression byte and supported_versions, and both sides send a
// change_cipher_spec, so middleboxes take the handshake for a TLS 1.2 resumption.
func (d draft) compat() bool { return d.version&0xff >= 22 }

// drafts: four full handshakes, none resumed.
func drafts() []synth.Frame {
	return merge(
		draftFlow(1, draft{version: 0x7f12, sni: "draft18.edge.test", keyShare: keyShareDraft}),
		draftFlow(2, draft{version: 0x7f15, hrr: true, sni: "draft21.edge.test", keyShare: keyShareDraft}),
		draftFlow(3, draft{version: 0x7f16, hrr: true, sni: "draft22.edge.test", keyShare: keyShareDraft}),
		draftFlow(4, draft{version: 0x7f1c, sni: "draft28.edge.test", keyShare: keyShare}),
	)
}

func draftFlow(n int, d draft) *synth.Conn {
	c := conn(n, "192.0.2.10:%d").Handshake()
	var sid []byte
	if d.compat() {
		sid = opaque(32, uint32(n))
	}
	first := x25519
	if d.hrr {
		first = p256
	}
	c.Send(true, records(22, 0x0301, hsMsg(1, d.clientHello(sid, first, uint32(n)))), 0)
	if d.hrr {
		if d.compat() {
			c.Send(false, records(22, 0x0303, hsMsg(2, d.serverHello(sid, hrrRandom, ext(d.keyShare, u16(x25519))))), 0)
			c.Send(true, records(20, 0x0303, []byte{1}), 0)
		} else {
			// Drafts up to 21: HelloRetryRequest is handshake type 6 (a cipher suite from draft 19 on).
			body := cat(u16(d.version), u16(aes128GCM), vec16(ext(d.keyShare, u16(x25519))))
			c.Send(false, records(22, 0x0301, hsMsg(6, body)), 0)
		}
		c.Send(true, records(22, 0x0301, hsMsg(1, d.clientHello(sid, x25519, uint32(n)))), 0)
	}
	share := ext(d.keyShare, cat(u16(x25519), vec16(opaque(32, uint32(n)+100))))
	flight := records(22, 0x0303, hsMsg(2, d.serverHello(sid, opaque(32, uint32(n)+200), share)))
	if d.compat() {
		flight = append(flight, records(20, 0x0303, []byte{1})...)
	}
	// EncryptedExtensions, Certificate, CertificateVerify, Finished.
	for i, size := range []int{40, 900, 100, 53} {
		flight = append(flight, encrypted(size, uint32(n*10+i))...)
	}
	c.Send(false, flight, 1448)
	var fin []byte
	if d.compat() && !d.hrr {
		fin = records(20, 0x0303, []byte{1})
	}
	c.Send(true, append(fin, encrypted(53, uint32(n)+300)...), 0)
	c.Send(true, encrypted(40, uint32(n)+400), 0)
	c.Send(false, encrypted(60, uint32(n)+500), 0)
	c.Close(true, false).Close(false, false)
	return c
}

func (d draft) clientHello(sid []byte, group int, seed uint32) []byte {
	keyLen := 32
	if group == p256 {
		keyLen = 65
	}
	exts := cat(
		ext(0, vec16(cat(u8(0), vec16([]byte(d.sni))))),
		ext(10, vec16(cat(u16(x25519), u16(p256)))),
		ext(13, vec16(cat(u16(0x0403), u16(0x0804)))),
		ext(d.keyShare, vec16(cat(u16(group), vec16(opaque(keyLen, seed+uint32(group)))))),
		ext(supportedVersions, vec8(u16(d.version))),
		ext(45, vec8(u8(1))),
	)
	return cat(u16(0x0303), opaque(32, seed+7), vec8(sid),
		vec16(cat(u16(0x1301), u16(0x1302), u16(0x1303))), vec8(u8(0)), vec16(exts))
}

// serverHello: drafts up to 21 carry the version in place of legacy_version
// and have no session id or compression; later ones look like TLS 1.2.
func (d draft) serverHello(sid, random, keyShare []byte) []byte {
	if !d.compat() {
		return cat(u16(d.version), random, u16(aes128GCM), vec16(keyShare))
	}
	exts := cat(ext(supportedVersions, u16(d.version)), keyShare)
	return cat(u16(0x0303), random, vec8(sid), u16(aes128GCM), u8(0), vec16(exts))
}
