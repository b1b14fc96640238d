package tlswire

import "testing"

// Fuzz targets for the parsers fuzz_test.go leaves out: key exchange,
// certificate request, session ticket, record header and alert, protocol
// sniffing and STARTTLS lines. Every one sees untrusted bytes.

func FuzzParseServerKeyExchange(f *testing.F) {
	s := realSamples(f)
	f.Add(s.ske)
	f.Add([]byte{3, 0, 23, 65, 4})
	f.Add([]byte{0, 1, 0xff, 0, 1, 2, 0, 1, 5})
	f.Fuzz(func(t *testing.T, body []byte) {
		info := ParseServerKeyExchange(body)
		if info.DHE && info.NamedGroup != 0 {
			t.Fatalf("both DHE and ECDHE: %+v", info)
		}
	})
}

func FuzzParseCertificateRequest(f *testing.F) {
	f.Add([]byte{1, 1, 0, 4, 4, 3, 8, 4, 0, 0}, false)
	f.Add([]byte{0, 0, 10, 0, 13, 0, 6, 0, 4, 4, 3, 8, 4}, true)
	f.Add([]byte{0, 0, 12, 0, 47, 0, 8, 0, 6, 0, 4, 0x30, 2, 5, 0}, true)
	f.Fuzz(func(t *testing.T, body []byte, tls13 bool) {
		info := ParseCertificateRequest(body, tls13)
		if len(info.CertificateTypes) > len(body) || 2*len(info.SignatureAlgorithms) > len(body) ||
			info.Authorities < 0 || 2*info.Authorities > len(body) {
			t.Fatalf("%+v from %d bytes", info, len(body))
		}
	})
}

func FuzzParseNewSessionTicket(f *testing.F) {
	s := realSamples(f)
	f.Add(s.nst, true)
	f.Add(s.nst, false)
	f.Add([]byte{0, 0, 1, 0, 0, 2, 1, 2}, false)
	f.Fuzz(func(t *testing.T, body []byte, tls13 bool) {
		lifetime, ok := ParseNewSessionTicket(body, tls13)
		if ok && len(body) < 4 || !ok && lifetime != 0 && len(body) < 4 {
			t.Fatalf("lifetime %d ok %v from %d bytes", lifetime, ok, len(body))
		}
	})
}

func FuzzRecordHeaderAndAlert(f *testing.F) {
	f.Add([]byte{0x16, 0x03, 0x01, 0x02, 0x00})
	f.Add([]byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28})
	f.Add([]byte{0x17, 0x03, 0x03, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, ver, length, ok := ParseRecordHeader(b)
		if ok != (len(b) >= RecordHeaderLen) || length < 0 || length > 0xffff {
			t.Fatalf("ParseRecordHeader(%x) = %d %x %d %v", b, typ, ver, length, ok)
		}
		if PlausibleRecordHeader(b) && (length < 1 || length > MaxRecordLen) {
			t.Fatalf("plausible header with length %d", length)
		}
		if a, ok := ParseAlert(b); ok && (a.Level < 1 || a.Level > 2) {
			t.Fatalf("alert level %d", a.Level)
		}
	})
}

func FuzzSniffAndStartTLS(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1\r\n", "SSH-2.0-OpenSSH_9.6\r\n", "220 mx ESMTP\r\n", "* OK IMAP4rev1\r\n",
		"+OK POP3\r\n", "a001 STARTTLS\r\n", "STLS\r\n", "AUTH TLS\r\n", "\x00\x00\x00\x08\x04\xd2\x16\x2f"} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, b []byte, fromClient bool) {
		proto := SniffProtocol(b, fromClient)
		for _, c := range []byte(proto) {
			if c < 0x20 || c >= 0x7f {
				t.Fatalf("protocol name %q from packet bytes is not plain text", proto)
			}
		}
		for _, p := range []string{proto, "SMTP", "IMAP", "POP3", "FTP", "PostgreSQL", "LDAP", ""} {
			IsStartTLSCommand(p, b)
			IsStartTLSAccept(p, b)
		}
	})
}

// FuzzSSLv2ServerAndDrafts covers the SSL 2.0 SERVER-HELLO and the TLS 1.3
// draft HelloRetryRequest parsers.
func FuzzSSLv2ServerAndDrafts(f *testing.F) {
	f.Add([]byte{0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x06, 0x00, 0x02, 0xaa, 0xbb, 0xcc, 0x01, 0x00, 0x80, 0x07, 0x00, 0xc0, 0x11, 0x22})
	f.Add([]byte{0x7f, 0x15, 0x13, 0x01, 0x00, 0x06, 0x00, 0x28, 0x00, 0x02, 0x00, 0x1d})
	f.Fuzz(func(t *testing.T, b []byte) {
		if sh, err := ParseSSLv2ServerHello(b); err == nil && len(sh.Certificate) > len(b) {
			t.Fatalf("certificate longer than the message")
		}
		ParseDraftHelloRetryRequest(b)
		ParseSSLv2ClientMasterKey(b)
		if hdr, n := SSLv2RecordHeader(b); hdr > len(b) || n < 0 || n > 0x7fff {
			t.Fatalf("header %d length %d", hdr, n)
		}
	})
}
