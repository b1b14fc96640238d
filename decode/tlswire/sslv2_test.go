package tlswire

import (
	"slices"
	"testing"
)

// sslv2Hello is a hand-built SSLv2-format CLIENT-HELLO offering TLS 1.0, as
// old clients sent it: seven 3-byte cipher specs (two of them SSLv2-only),
// no session id, a 16-byte challenge.
var sslv2Hello = []byte{
	0x80, 0x2e, // 2-byte header, length 46
	0x01,       // CLIENT-HELLO
	0x03, 0x01, // TLS 1.0
	0x00, 0x15, // cipher spec length 21
	0x00, 0x00, // session id length
	0x00, 0x10, // challenge length 16
	0x00, 0x00, 0x39, 0x00, 0x00, 0x38, 0x00, 0x00, 0x35,
	0x01, 0x00, 0x80, // SSL_CK_RC4_128_WITH_MD5
	0x07, 0x00, 0xc0, // SSL_CK_DES_192_EDE3_CBC_WITH_MD5
	0x00, 0x00, 0xff, 0x00, 0x00, 0x0a,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
}

func TestSSLv2ClientHello(t *testing.T) {
	if !IsSSLv2ClientHello(sslv2Hello) {
		t.Fatal("not recognised")
	}
	ch, err := ParseSSLv2ClientHello(sslv2Hello)
	if err != nil || ch.Truncated || !ch.SSLv2 || ch.LegacyVersion != VersionTLS10 {
		t.Fatalf("err %v %+v", err, ch)
	}
	if !slices.Equal(ch.CipherSuites, []uint16{0x39, 0x38, 0x35, 0xff, 0x0a}) {
		t.Errorf("suites %x", ch.CipherSuites)
	}
	var want [32]byte
	copy(want[16:], sslv2Hello[len(sslv2Hello)-16:])
	if ch.Random != want || ch.SessionID != nil || ch.Extensions != nil {
		t.Errorf("random %x session %x", ch.Random, ch.SessionID)
	}

	for i := 0; i < len(sslv2Hello); i++ {
		ch, err := ParseSSLv2ClientHello(sslv2Hello[:i])
		if ch == nil || !ch.Truncated && IsSSLv2ClientHello(sslv2Hello[:i]) || !isPrefix(ch.CipherSuites, []uint16{0x39, 0x38, 0x35, 0xff, 0x0a}) {
			t.Fatalf("offset %d: %v %+v", i, err, ch)
		}
	}
	// Pure SSL 2.0 and a lying spec length.
	v2 := slices.Clone(sslv2Hello)
	v2[3], v2[4] = 0x00, 0x02
	if ch, err := ParseSSLv2ClientHello(v2); err != nil || ch.LegacyVersion != 0x0002 {
		t.Errorf("SSL 2.0: %v %+v", err, ch)
	}
	lying := slices.Clone(sslv2Hello)
	lying[5], lying[6] = 0xff, 0xff
	if ch, err := ParseSSLv2ClientHello(lying); err == nil || len(ch.CipherSuites) > 12 {
		t.Errorf("lying spec length: %v %+v", err, ch)
	}
}

func TestIsSSLv2ClientHello(t *testing.T) {
	for _, b := range [][]byte{
		nil,
		{0x80, 0x2e, 0x01, 0x03},
		{0x16, 0x03, 0x01, 0x00, 0x2e},       // a TLS record
		{0x80, 0x2e, 0x02, 0x03, 0x01},       // not CLIENT-HELLO
		{0x80, 0x05, 0x01, 0x03, 0x01},       // shorter than the fixed fields
		{0x80, 0x2e, 0x01, 0x03, 0x09},       // no such version
		[]byte("GET / HTTP/1.1\r\n\r\n"),     // plain text
		{0x80, 0x2e, 0x01, 0x00, 0x03, 0, 0}, // version 0x0003
	} {
		if IsSSLv2ClientHello(b) {
			t.Errorf("%x recognised as SSLv2", b)
		}
		if _, err := ParseSSLv2ClientHello(b); err == nil {
			t.Errorf("%x parsed", b)
		}
	}
}
