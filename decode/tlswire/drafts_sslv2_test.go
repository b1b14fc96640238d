package tlswire

import (
	"bytes"
	"testing"
)

// A draft-18 ServerHello: version 0x7f12, random, cipher suite, extensions
// (key_share as extension 40); no session id, no compression byte.
func TestParseServerHelloDraft18(t *testing.T) {
	body := []byte{0x7f, 0x12}
	body = append(body, bytes.Repeat([]byte{0x42}, 32)...)
	body = append(body, 0x13, 0x01, 0x00, 0x08, 0x00, 0x28, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x00)
	sh, err := ParseServerHello(body)
	if err != nil || sh.Truncated {
		t.Fatalf("err %v truncated %v", err, sh.Truncated)
	}
	if sh.CipherSuite != 0x1301 || sh.KeyShareGroup != 0x001d || sh.SessionID != nil || !sh.TLS13() {
		t.Errorf("cipher %#x group %#x session %x tls13 %v", sh.CipherSuite, sh.KeyShareGroup, sh.SessionID, sh.TLS13())
	}
}

// Draft 22 on: a ServerHello laid out like TLS 1.2's, the draft in
// supported_versions, key_share still extension 40 in draft 22.
func TestParseServerHelloDraft22(t *testing.T) {
	body := []byte{0x03, 0x03}
	body = append(body, bytes.Repeat([]byte{0x42}, 32)...)
	body = append(body, 0x01, 0xaa, 0x13, 0x02, 0x00,
		0x00, 0x0e, 0x00, 0x2b, 0x00, 0x02, 0x7f, 0x16, 0x00, 0x28, 0x00, 0x04, 0x00, 0x17, 0x00, 0x00)
	sh, err := ParseServerHello(body)
	if err != nil || sh.Truncated || sh.CipherSuite != 0x1302 || sh.KeyShareGroup != 0x0017 || sh.Version() != 0x7f16 || !sh.TLS13() {
		t.Errorf("err %v %+v", err, sh)
	}
}

func TestParseDraftHelloRetryRequest(t *testing.T) {
	for _, c := range []struct {
		body   []byte
		cipher uint16
	}{
		{[]byte{0x7f, 0x12, 0x00, 0x06, 0x00, 0x28, 0x00, 0x02, 0x00, 0x1d}, 0},                  // draft 18: no cipher suite
		{[]byte{0x7f, 0x15, 0x13, 0x01, 0x00, 0x06, 0x00, 0x28, 0x00, 0x02, 0x00, 0x1d}, 0x1301}, // draft 21
	} {
		sh, err := ParseDraftHelloRetryRequest(c.body)
		if err != nil || sh.Truncated || !sh.HelloRetry || sh.CipherSuite != c.cipher || sh.KeyShareGroup != 0x001d {
			t.Errorf("%x: err %v %+v", c.body, err, sh)
		}
	}
	if _, err := ParseDraftHelloRetryRequest([]byte{0x7f}); err == nil {
		t.Error("a 1-byte HelloRetryRequest parsed")
	}
}

func TestIsTLS13(t *testing.T) {
	for v, want := range map[uint16]bool{0x0304: true, 0x7f12: true, 0x7f1c: true, 0xfb17: true, 0x0303: false, 0x0002: false} {
		if IsTLS13(v) != want {
			t.Errorf("IsTLS13(%#x) = %v", v, !want)
		}
	}
}

func TestSSLv2ServerHello(t *testing.T) {
	rec := []byte{0x80, 0x16, 0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x06, 0x00, 0x02,
		0xaa, 0xbb, 0xcc, 0x01, 0x00, 0x80, 0x07, 0x00, 0xc0, 0x11, 0x22}
	if !IsSSLv2ServerHello(rec) || IsSSLv2ServerHello(sslv2Hello) {
		t.Fatal("SERVER-HELLO not told from CLIENT-HELLO")
	}
	hdr, n := SSLv2RecordHeader(rec)
	if hdr != 2 || n != len(rec)-2 {
		t.Fatalf("header %d length %d", hdr, n)
	}
	sh, err := ParseSSLv2ServerHello(rec[2:])
	if err != nil || sh.Version != 2 || !bytes.Equal(sh.Certificate, []byte{0xaa, 0xbb, 0xcc}) ||
		len(sh.CipherSpecs) != 2 || sh.CipherSpecs[1] != 0x0700c0 {
		t.Errorf("err %v %+v", err, sh)
	}
	if SSLv2CipherName(sh.CipherSpecs[0]) != "SSL_CK_RC4_128_WITH_MD5" {
		t.Errorf("name %s", SSLv2CipherName(sh.CipherSpecs[0]))
	}
	if _, err := ParseSSLv2ServerHello(rec[2:12]); err == nil {
		t.Error("a SERVER-HELLO cut in its certificate parsed")
	}
	if hdr, n := SSLv2RecordHeader([]byte{0x01, 0x02, 0x03}); hdr != 3 || n != 0x0102 {
		t.Errorf("3-byte header: %d %d", hdr, n)
	}
	if kind, ok := ParseSSLv2ClientMasterKey([]byte{2, 1, 0, 0x80, 0, 0}); !ok || kind != 0x010080 {
		t.Errorf("CLIENT-MASTER-KEY kind %#x %v", kind, ok)
	}
}
