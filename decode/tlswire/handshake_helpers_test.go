package tlswire

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"
)

// recorder keeps a copy of every byte one side writes: that side's half of
// the wire transcript.
type recorder struct {
	net.Conn
	mu  sync.Mutex
	buf bytes.Buffer
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.buf.Write(p)
	r.mu.Unlock()
	return r.Conn.Write(p)
}

func (r *recorder) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte{}, r.buf.Bytes()...)
}

// transcript is a handshake as it crossed the wire, plus what crypto/tls
// says it negotiated.
type transcript struct {
	client, server []byte // bytes written by each side
	state          tls.ConnectionState
	err            error
}

// runHandshake runs a real crypto/tls client and server over a loopback TCP
// pair (net.Pipe has no buffer, and a TLS 1.3 HelloRetryRequest makes both
// sides write at once). After the handshake the server writes one byte that
// the client reads, so TLS 1.3 session tickets get delivered too.
func runHandshake(t testing.TB, cc, sc *tls.Config) transcript {
	t.Helper()
	c1, c2 := tcpPair(t)
	deadline := time.Now().Add(10 * time.Second)
	c1.SetDeadline(deadline)
	c2.SetDeadline(deadline)
	cr, sr := &recorder{Conn: c1}, &recorder{Conn: c2}
	client, server := tls.Client(cr, cc), tls.Server(sr, sc)
	done := make(chan error, 1)
	go func() {
		err := server.Handshake()
		if err == nil {
			_, err = server.Write([]byte("x"))
		}
		done <- err
	}()
	err := client.Handshake()
	if err == nil {
		_, err = io.ReadFull(client, make([]byte, 1))
	}
	c1.Close() // unblocks the server if the client gave up
	serr := <-done
	c2.Close()
	if err == nil {
		err = serr
	}
	return transcript{client: cr.bytes(), server: sr.bytes(), state: client.ConnectionState(), err: err}
}

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c1, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c2 := <-accepted
	if c2 == nil {
		t.Fatal("accept failed")
	}
	return c1, c2
}

type testRecord struct {
	typ     uint8
	version uint16
	frag    []byte
}

// splitRecords cuts one direction's bytes into TLS records.
func splitRecords(t testing.TB, b []byte) []testRecord {
	t.Helper()
	var recs []testRecord
	for len(b) > 0 {
		typ, version, n, ok := ParseRecordHeader(b)
		if !ok || len(b) < RecordHeaderLen+n {
			t.Fatalf("stream ends inside a record (%d bytes left)", len(b))
		}
		recs = append(recs, testRecord{typ, version, b[RecordHeaderLen : RecordHeaderLen+n]})
		b = b[RecordHeaderLen+n:]
	}
	return recs
}

type testMessage struct {
	typ  uint8
	body []byte
}

// handshakeMessages joins the clear handshake records of one direction and
// cuts them into messages. In TLS 1.2 everything after ChangeCipherSpec is
// encrypted (stopAtCCS); in TLS 1.3 encrypted records are type 23, so every
// type 22 record is clear.
func handshakeMessages(t testing.TB, b []byte, stopAtCCS bool) []testMessage {
	t.Helper()
	var stream []byte
	for _, r := range splitRecords(t, b) {
		if r.typ == ContentChangeCipherSpec && stopAtCCS {
			break
		}
		if r.typ == ContentHandshake {
			stream = append(stream, r.frag...)
		}
	}
	var msgs []testMessage
	for len(stream) >= 4 {
		n := int(stream[1])<<16 | int(stream[2])<<8 | int(stream[3])
		if len(stream) < 4+n {
			t.Fatalf("handshake stream ends inside a message")
		}
		msgs = append(msgs, testMessage{stream[0], stream[4 : 4+n]})
		stream = stream[4+n:]
	}
	return msgs
}

// messagesOfType returns the bodies of the messages of one type, in order.
func messagesOfType(msgs []testMessage, typ uint8) [][]byte {
	var out [][]byte
	for _, m := range msgs {
		if m.typ == typ {
			out = append(out, m.body)
		}
	}
	return out
}

// --- certificates ---

type testCert struct {
	der  []byte
	cert *x509.Certificate
	key  crypto.Signer
}

func (c testCert) tlsCert(chain ...testCert) tls.Certificate {
	tc := tls.Certificate{Certificate: [][]byte{c.der}, PrivateKey: c.key, Leaf: c.cert}
	for _, p := range chain {
		tc.Certificate = append(tc.Certificate, p.der)
	}
	return tc
}

var serialCounter int64 = 0x1000

// makeCert signs tmpl with parent (nil: self-signed).
func makeCert(t testing.TB, tmpl *x509.Certificate, key crypto.Signer, parent *testCert) testCert {
	t.Helper()
	serialCounter++
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = big.NewInt(serialCounter)
	}
	parentCert, parentKey := tmpl, key
	if parent != nil {
		parentCert, parentKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testCert{der, c, key}
}

func ecKey(t testing.TB, curve elliptic.Curve) crypto.Signer {
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type fixtureSet struct {
	root       testCert // ECDSA P-384 self-signed CA
	ecLeaf     testCert // ECDSA P-256 leaf signed by root, every SAN kind
	rsaLeaf    testCert // RSA-2048 leaf signed by root, expired
	edLeaf     testCert // Ed25519 self-signed leaf (not a CA)
	leafSerial *big.Int
}

var (
	fixturesOnce sync.Once
	fixtures     fixtureSet
)

func certFixtures(t testing.TB) fixtureSet {
	fixturesOnce.Do(func() {
		now := time.Now()
		f := &fixtures
		f.root = makeCert(t, &x509.Certificate{
			Subject:               pkix.Name{CommonName: "Surgery Test Root", Organization: []string{"PCAP Surgery"}},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(24 * time.Hour),
			IsCA:                  true,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCertSign,
		}, ecKey(t, elliptic.P384()), nil)
		f.leafSerial, _ = new(big.Int).SetString("0123456789abcdef0123", 16)
		u, _ := url.Parse("spiffe://example.test/api")
		f.ecLeaf = makeCert(t, &x509.Certificate{
			SerialNumber:   f.leafSerial,
			Subject:        pkix.Name{CommonName: "api.example.test", Organization: []string{"Example"}},
			NotBefore:      now.Add(-time.Hour).Truncate(time.Second),
			NotAfter:       now.Add(12 * time.Hour).Truncate(time.Second),
			DNSNames:       []string{"api.example.test", "*.api.example.test"},
			IPAddresses:    []net.IP{net.ParseIP("192.0.2.7"), net.ParseIP("2001:db8::7")},
			EmailAddresses: []string{"ops@example.test"},
			URIs:           []*url.URL{u},
			KeyUsage:       x509.KeyUsageDigitalSignature,
			ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}, ecKey(t, elliptic.P256()), &f.root)
		rk, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		f.rsaLeaf = makeCert(t, &x509.Certificate{
			Subject:     pkix.Name{CommonName: "old.example.test"},
			NotBefore:   now.Add(-30 * 24 * time.Hour),
			NotAfter:    now.Add(-24 * time.Hour), // expired
			DNSNames:    []string{"old.example.test"},
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}, rk, &f.root)
		_, ek, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		f.edLeaf = makeCert(t, &x509.Certificate{
			Subject:               pkix.Name{CommonName: "self.example.test"},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(time.Hour),
			DNSNames:              []string{"self.example.test"},
			BasicConstraintsValid: true,
			IsCA:                  false,
		}, ek, nil)
	})
	return fixtures
}

func rootPool(t testing.TB) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(certFixtures(t).root.cert)
	return p
}
