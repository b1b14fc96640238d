package tlswire

import (
	"bytes"
	"crypto/tls"
	"slices"
	"testing"

	"golang.org/x/crypto/cryptobyte"
)

// dheBody builds a DHE ServerKeyExchange with a p of pLen bytes.
func dheBody(pLen int, tls12 bool) []byte {
	var b cryptobyte.Builder
	p := bytes.Repeat([]byte{0xff}, pLen)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(p) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte{2}) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(p[1:]) })
	if tls12 {
		b.AddUint16(0x0804)
	}
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(make([]byte, 256)) })
	return b.BytesOrPanic()
}

func TestServerKeyExchange(t *testing.T) {
	real := realSamples(t).ske
	for name, tc := range map[string]struct {
		body []byte
		want ServerKeyExchangeInfo
	}{
		"real ECDHE":              {real, ServerKeyExchangeInfo{NamedGroup: uint16(tls.X25519)}},
		"ECDHE cut after group":   {real[:3], ServerKeyExchangeInfo{NamedGroup: uint16(tls.X25519)}},
		"DHE 2048 TLS 1.2":        {dheBody(256, true), ServerKeyExchangeInfo{DHE: true}},
		"DHE 1024 TLS 1.0":        {dheBody(128, false), ServerKeyExchangeInfo{DHE: true}},
		"DHE 6144 (p starts 03)":  {dheBody(768, true), ServerKeyExchangeInfo{DHE: true}},
		"anonymous ECDHE":         {[]byte{3, 0, 23, 1, 4}, ServerKeyExchangeInfo{NamedGroup: 23}},
		"explicit curve":          {[]byte{1, 0, 0}, ServerKeyExchangeInfo{}},
		"empty":                   {nil, ServerKeyExchangeInfo{}},
		"DHE with trailing bytes": {append(dheBody(256, true), 0), ServerKeyExchangeInfo{}},
	} {
		if got := ParseServerKeyExchange(tc.body); got != tc.want {
			t.Errorf("%s: %+v, want %+v", name, got, tc.want)
		}
	}
}

func TestCertificateRequestReal(t *testing.T) {
	f := certFixtures(t)
	sc := serverConfig(f.ecLeaf.tlsCert(f.root))
	sc.MaxVersion = tls.VersionTLS12
	sc.ClientAuth = tls.RequestClientCert
	sc.ClientCAs = rootPool(t)
	tr := runHandshake(t, &tls.Config{ServerName: "api.example.test", RootCAs: rootPool(t)}, sc)
	if tr.err != nil {
		t.Fatal(tr.err)
	}
	body := only(t, handshakeMessages(t, tr.server, true), CertificateRequest)
	info := ParseCertificateRequest(body, false)
	if !slices.Equal(info.CertificateTypes, []uint8{1, 64}) || info.Authorities != 1 ||
		!slices.Contains(info.SignatureAlgorithms, uint16(tls.ECDSAWithP256AndSHA256)) {
		t.Errorf("%+v", info)
	}
}

func TestCertificateRequestShapes(t *testing.T) {
	dn := []byte{0, 3, 0x30, 0x01, 0x00}
	tls10 := append([]byte{1, 1, 0, byte(2 * len(dn))}, append(bytes.Clone(dn), dn...)...)
	if info := ParseCertificateRequest(tls10, false); info.Authorities != 2 || info.SignatureAlgorithms != nil || !slices.Equal(info.CertificateTypes, []uint8{1}) {
		t.Errorf("TLS 1.0 shape: %+v", info)
	}
	var b cryptobyte.Builder
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {})
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16(extSignatureAlgorithms)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(u16vec(0x0403, 0x0804)) })
		b.AddUint16(extCertAuthorities)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(dn) })
		})
	})
	if info := ParseCertificateRequest(b.BytesOrPanic(), true); info.Authorities != 1 || !slices.Equal(info.SignatureAlgorithms, []uint16{0x0403, 0x0804}) {
		t.Errorf("TLS 1.3 shape: %+v", info)
	}
	for _, junk := range [][]byte{nil, {5}, {0xff, 1}, {0, 0xff, 0xff}} {
		ParseCertificateRequest(junk, false)
		ParseCertificateRequest(junk, true)
	}
}

func TestNewSessionTicket(t *testing.T) {
	var b cryptobyte.Builder
	b.AddUint32(7200)
	b.AddUint32(0xdeadbeef)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte{0}) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(make([]byte, 100)) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {})
	nst13 := b.BytesOrPanic()
	for name, tc := range map[string]struct {
		body     []byte
		tls13    bool
		lifetime uint32
		ok       bool
	}{
		"1.3":                 {nst13, true, 7200, true},
		"1.3 cut":             {nst13[:20], true, 7200, true},
		"1.3 trailing bytes":  {append(bytes.Clone(nst13), 1), true, 0, false},
		"1.2 real":            {realSamples(t).nst, false, 0, true},
		"1.2 hint":            {[]byte{0, 0, 0x1c, 0x20, 0, 2, 1, 2}, false, 7200, true},
		"1.2 trailing bytes":  {[]byte{0, 0, 0x1c, 0x20, 0, 0, 9}, false, 0, false},
		"shorter than a hint": {[]byte{0, 0, 1}, false, 0, false},
	} {
		lifetime, ok := ParseNewSessionTicket(tc.body, tc.tls13)
		if ok != tc.ok || (ok && lifetime != tc.lifetime) {
			t.Errorf("%s: %d %v", name, lifetime, ok)
		}
	}
}
