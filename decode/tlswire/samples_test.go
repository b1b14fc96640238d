package tlswire

import (
	"crypto/tls"
	"math/big"
	"sync"
	"testing"

	"golang.org/x/crypto/cryptobyte"
)

// samples are real handshake message bodies from crypto/tls, shared by the
// edge-case tests and the fuzz seeds.
type samples struct {
	clientHello13 []byte // resumption hello: SNI, ALPN, key shares, PSK
	clientHello12 []byte
	serverHello13 []byte
	serverHello12 []byte
	helloRetry    []byte
	certificate   []byte // TLS 1.2 Certificate: leaf and root
	ske           []byte
	nst           []byte
}

var (
	samplesOnce sync.Once
	sampleSet   samples
)

func realSamples(t testing.TB) samples {
	samplesOnce.Do(func() {
		f := certFixtures(t)
		sc := serverConfig(f.ecLeaf.tlsCert(f.root))
		s := &sampleSet

		cc := &tls.Config{ServerName: "api.example.test", RootCAs: rootPool(t), NextProtos: []string{"h2", "http/1.1"},
			ClientSessionCache: tls.NewLRUClientSessionCache(1)}
		runHandshake(t, cc, sc)
		tr := runHandshake(t, cc, sc)
		s.clientHello13 = messagesOfType(handshakeMessages(t, tr.client, false), ClientHelloType)[0]
		s.serverHello13 = messagesOfType(handshakeMessages(t, tr.server, false), ServerHelloType)[0]

		cc12 := cc.Clone()
		cc12.MaxVersion = tls.VersionTLS12
		cc12.ClientSessionCache = tls.NewLRUClientSessionCache(1)
		tr = runHandshake(t, cc12, sc)
		cm, sm := handshakeMessages(t, tr.client, true), handshakeMessages(t, tr.server, true)
		s.clientHello12 = messagesOfType(cm, ClientHelloType)[0]
		s.serverHello12 = messagesOfType(sm, ServerHelloType)[0]
		s.certificate = messagesOfType(sm, CertificateType)[0]
		s.ske = messagesOfType(sm, ServerKeyExchange)[0]
		s.nst = messagesOfType(sm, NewSessionTicket)[0]

		hrrClient := &tls.Config{ServerName: "api.example.test", RootCAs: rootPool(t),
			CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256}}
		hrrServer := sc.Clone()
		hrrServer.CurvePreferences = []tls.CurveID{tls.CurveP256}
		tr = runHandshake(t, hrrClient, hrrServer)
		s.helloRetry = messagesOfType(handshakeMessages(t, tr.server, false), ServerHelloType)[0]
	})
	if sampleSet.clientHello13 == nil {
		t.Fatal("sample handshakes failed")
	}
	return sampleSet
}

// helloSpec describes a ClientHello to build by hand.
type helloSpec struct {
	version uint16
	sid     []byte
	suites  []uint16
	comp    []byte
	exts    []testExt
}

type testExt struct {
	typ  uint16
	data []byte
}

func (h helloSpec) body() []byte {
	var b cryptobyte.Builder
	b.AddUint16(h.version)
	b.AddBytes(make([]byte, 32))
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(h.sid) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, s := range h.suites {
			b.AddUint16(s)
		}
	})
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(h.comp) })
	if h.exts != nil {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, e := range h.exts {
				b.AddUint16(e.typ)
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(e.data) })
			}
		})
	}
	return b.BytesOrPanic()
}

// u16vec is a 2-byte-length-prefixed list of uint16s.
func u16vec(vals ...uint16) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, v := range vals {
			b.AddUint16(v)
		}
	})
	return b.BytesOrPanic()
}

// sniExt is a server_name extension body with the given host names.
func sniExt(names ...string) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, n := range names {
			b.AddUint8(0)
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(n)) })
		}
	})
	return b.BytesOrPanic()
}

func bigOne() *big.Int { return big.NewInt(1) }
