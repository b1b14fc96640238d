package tlswire

import (
	"crypto/tls"
	"testing"
)

func TestRecordHeader(t *testing.T) {
	typ, v, n, ok := ParseRecordHeader([]byte{22, 3, 1, 0x02, 0x00, 9})
	if !ok || typ != 22 || v != VersionTLS10 || n != 512 {
		t.Errorf("%d %#x %d %v", typ, v, n, ok)
	}
	if _, _, _, ok := ParseRecordHeader([]byte{22, 3, 1, 0}); ok {
		t.Error("4 bytes parsed")
	}
	for b, want := range map[string]bool{
		"\x16\x03\x01\x00\x05":     true,
		"\x17\x03\x03\x48\x00":     true, // 18432, the largest
		"\x17\x03\x03\x48\x01":     false,
		"\x15\x03\x00\x00\x02":     true, // SSL 3.0
		"\x14\x03\x04\x00\x01":     true,
		"\x16\x03\x05\x00\x05":     false,
		"\x16\x03\x01\x00\x00":     false, // empty record
		"\x19\x03\x01\x00\x05":     false,
		"\x13\x03\x01\x00\x05":     false,
		"GET / HTTP/1.1":           false,
		"\x16\x03\x01":             false,
		"\x80\x2e\x01\x03\x01\x00": false, // SSLv2 hello is not a record
	} {
		if got := PlausibleRecordHeader([]byte(b)); got != want {
			t.Errorf("%q: %v", b, got)
		}
	}
}

func TestAlertReal(t *testing.T) {
	f := certFixtures(t)
	// The server has only an ECDSA certificate; the client offers only RSA
	// suites, so the server refuses with a fatal handshake_failure in clear.
	cc := &tls.Config{ServerName: "api.example.test", RootCAs: rootPool(t), MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}}
	tr := runHandshake(t, cc, serverConfig(f.ecLeaf.tlsCert(f.root)))
	if tr.err == nil {
		t.Fatal("handshake succeeded")
	}
	var found bool
	for _, r := range splitRecords(t, tr.server) {
		if r.typ == ContentAlert {
			a, ok := ParseAlert(r.frag)
			if !ok || a.Level != 2 || a.Description != 40 {
				t.Errorf("alert %+v %v", a, ok)
			}
			found = true
		}
	}
	if !found {
		t.Error("no alert record from the server")
	}
}

func TestParseAlert(t *testing.T) {
	for _, tc := range []struct {
		frag []byte
		want Alert
		ok   bool
	}{
		{[]byte{1, 0}, Alert{1, 0}, true},
		{[]byte{2, 70, 1, 0}, Alert{2, 70}, true},
		{[]byte{2}, Alert{}, false},
		{[]byte{3, 40}, Alert{}, false},
		{[]byte{2, 40, 9}, Alert{}, false},
		{make([]byte, 26), Alert{}, false}, // an encrypted alert
	} {
		if a, ok := ParseAlert(tc.frag); a != tc.want || ok != tc.ok {
			t.Errorf("%x: %+v %v", tc.frag, a, ok)
		}
	}
}
