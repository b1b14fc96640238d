package tlswire

import (
	"reflect"
	"testing"
)

// checkHelloBounds fails when a parsed hello holds more than the bounds allow.
func checkHelloBounds(t *testing.T, ch *ClientHello, n int) {
	if ch == nil {
		t.Fatal("nil hello")
	}
	if len(ch.Extensions) > maxExtensions || len(ch.CipherSuites) > maxSuites || len(ch.ALPN) > maxALPN ||
		len(ch.KeyShares) > maxKeyShares || len(ch.SupportedGroups) > maxUint16List ||
		len(ch.SignatureAlgorithms) > maxUint16List || len(ch.SupportedVersions) > maxUint16List ||
		len(ch.PSKModes) > maxUint8List || len(ch.ECPointFormats) > maxUint8List {
		t.Fatalf("bounds exceeded: %d extensions %d suites", len(ch.Extensions), len(ch.CipherSuites))
	}
	// Nothing stored can be larger than the input that carried it.
	if len(ch.SNI) > n || len(ch.SessionID) > n || 2*len(ch.CipherSuites) > n || 4*len(ch.Extensions) > n ||
		ch.PSKIdentities*6 > n || ch.SessionTicketLen > n {
		t.Fatalf("more stored than the %d-byte input justifies", n)
	}
}

func FuzzParseClientHello(f *testing.F) {
	s := realSamples(f)
	f.Add(s.clientHello13)
	f.Add(s.clientHello12)
	f.Add(helloSpec{version: VersionTLS12, suites: []uint16{0x0a0a, 0x1301}, comp: []byte{0},
		exts: []testExt{{extServerName, sniExt("a\x00b")}, {extKeyShare, []byte{0, 5, 0x3a, 0x3a, 0, 1, 0}}}}.body())
	f.Fuzz(func(t *testing.T, body []byte) {
		ch, err := ParseClientHello(body)
		checkHelloBounds(t, ch, len(body))
		// Into a hello that held another one: the same hello, nothing left over.
		var reused ClientHello
		_ = ParseClientHelloInto(&reused, s.clientHello13)
		if errInto := ParseClientHelloInto(&reused, body); (errInto == nil) != (err == nil) || !sameHello(&reused, ch) {
			t.Fatalf("ParseClientHelloInto read\n%+v\nParseClientHello\n%+v", reused, *ch)
		}
		if err == nil && len(body) < 2+32+1+2 {
			t.Fatalf("nil error for a %d-byte body", len(body))
		}
		// Parsing a prefix never yields more extensions than the whole.
		if len(body) > 0 {
			short, _ := ParseClientHello(body[:len(body)-1])
			if len(short.Extensions) > len(ch.Extensions) || len(short.CipherSuites) > len(ch.CipherSuites) {
				t.Fatalf("prefix parsed to more than the whole")
			}
		}
	})
}

func FuzzParseServerHello(f *testing.F) {
	s := realSamples(f)
	f.Add(s.serverHello13)
	f.Add(s.serverHello12)
	f.Add(s.helloRetry)
	f.Fuzz(func(t *testing.T, body []byte) {
		sh, err := ParseServerHello(body)
		if sh == nil {
			t.Fatal("nil hello")
		}
		var reused ServerHello
		_ = ParseServerHelloInto(&reused, s.serverHello13)
		if errInto := ParseServerHelloInto(&reused, body); (errInto == nil) != (err == nil) || !sameFields(&reused, sh) {
			t.Fatalf("ParseServerHelloInto read\n%+v\nParseServerHello\n%+v", reused, *sh)
		}
		if len(sh.Extensions) > maxExtensions || 4*len(sh.Extensions) > len(body) || len(sh.ALPN) > len(body) {
			t.Fatalf("bounds exceeded")
		}
		// version, random, session id length, cipher suite; TLS 1.3 drafts
		// before 22 have no session id field.
		least := 2 + 32 + 1 + 2
		if draftBefore22(sh.LegacyVersion) {
			least = 2 + 32 + 2
		}
		if err == nil && len(body) < least {
			t.Fatalf("nil error for a %d-byte body", len(body))
		}
		if sh.SelectedPSK < -1 || sh.SelectedPSK > 0xffff {
			t.Fatalf("selected psk %d", sh.SelectedPSK)
		}
		_ = sh.Version()
	})
}

func FuzzParseCertificates(f *testing.F) {
	s := realSamples(f)
	fx := certFixtures(f)
	f.Add(s.certificate, false, 4)
	f.Add(certificateBody(true, fx.edLeaf.der, fx.rsaLeaf.der), true, 4)
	f.Add(certificateBody(false, []byte{0x30, 0x03, 0x02, 0x01, 0x01}), false, 1)
	f.Fuzz(func(t *testing.T, body []byte, tls13 bool, max int) {
		max %= 8
		certs, total, err := ParseCertificates(body, tls13, max)
		if len(certs) > max && len(certs) > 0 || len(certs) > total || total*3 > len(body) {
			t.Fatalf("%d certificates of %d from %d bytes (max %d)", len(certs), total, len(body), max)
		}
		if err == nil && len(body) < 3 {
			t.Fatalf("nil error for %d bytes", len(body))
		}
		// The other message kinds share the fuzz input: they must not panic.
		ParseServerKeyExchange(body)
		ParseCertificateRequest(body, tls13)
		ParseNewSessionTicket(body, tls13)
		ParseAlert(body)
		PlausibleRecordHeader(body)
		SniffProtocol(body, tls13)
		for _, p := range []string{ProtoSMTP, ProtoIMAP, ProtoPOP3, ProtoFTP, ProtoPostgreSQL} {
			IsStartTLSCommand(p, body)
			IsStartTLSAccept(p, body)
		}
	})
}

func FuzzParseSSLv2ClientHello(f *testing.F) {
	f.Add(sslv2Hello)
	f.Add([]byte{0x80, 0x0b, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0})
	f.Add(append([]byte{0x80, 0x4b, 0x01, 0x03, 0x03, 0, 3, 0, 32, 0, 32, 0, 0x13, 0x01}, make([]byte, 64)...))
	f.Fuzz(func(t *testing.T, record []byte) {
		ch, err := ParseSSLv2ClientHello(record)
		checkHelloBounds(t, ch, len(record))
		if !ch.SSLv2 {
			t.Fatal("SSLv2 not set")
		}
		if err == nil && !IsSSLv2ClientHello(record) {
			t.Fatal("parsed something IsSSLv2ClientHello rejects")
		}
	})
}

// sameHello reports whether a and b hold the same hello, an empty list
// being the same as none.
func sameHello(a, b *ClientHello) bool { return sameFields(a, b) }

// sameFields reports whether the structs *a and *b hold the same values, an
// empty list being the same as none.
func sameFields[T any](a, b *T) bool {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		if fa.Kind() == reflect.Slice && fa.Len() == 0 && fb.Len() == 0 {
			continue
		}
		if !reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			return false
		}
	}
	return true
}
