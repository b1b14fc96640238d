package tlswire

import (
	"bytes"
	"testing"
)

// Messages as the real stacks in testdata/gen/plainstart.sh send them.
var (
	ldapStartTLSRequest = append([]byte{0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16}, ldapStartTLSOID...)
	ldapStartTLSOK      = []byte{0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00}
	ldapStartTLSBusy    = []byte{0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x33, 0x04, 0x00, 0x04, 0x00}
	ldapBindRequest     = []byte{0x30, 0x0c, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02, 0x01, 0x03, 0x04, 0x00, 0x80, 0x00}
	mysqlSSLRequest     = append([]byte{32, 0, 0, 1, 0x05, 0xae, 0xff, 0x01, 0, 0, 0, 1, 0x21}, make([]byte, 23)...)
	mysqlLogin          = append([]byte{40, 0, 0, 1, 0x05, 0xa6, 0xff, 0x01, 0, 0, 0, 1, 0x21}, make([]byte, 31)...)
	mysqlGreeting       = []byte("\x0d\x00\x00\x00\x0a8.0.36\x00\x2a\x00\x00\x00\x00")
	socksGreeting       = []byte{5, 2, 0, 2}
	socksConnectName    = append(append([]byte{5, 1, 0, 3, 11}, "example.org"...), 1, 0xbb)
	socksConnectV4      = []byte{5, 1, 0, 1, 192, 0, 2, 20, 1, 0xbb}
	socksReplyOK        = []byte{5, 0, 0, 1, 192, 0, 2, 20, 0x04, 0x38}
	socksReplyRefused   = []byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0}
	xmppClientStartTLS  = []byte("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
	xmppServerFeatures  = []byte("<?xml version='1.0'?><stream:stream xmlns='jabber:client' version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>")
	xmppProceed         = []byte("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
)

type step struct {
	n      int
	ev     PlainEvent
	target string
}

func TestPlainStep(t *testing.T) {
	tls := []byte{0x16, 0x03, 0x01, 0x00, 0x05}
	tests := []struct {
		name       string
		proto      string
		fromClient bool
		asked      bool
		index      int
		b          []byte
		want       step
	}{
		{"LDAP StartTLS request", ProtoLDAP, true, false, 0, ldapStartTLSRequest, step{len(ldapStartTLSRequest), PlainAsk, ""}},
		{"LDAP StartTLS request then ClientHello", ProtoLDAP, true, false, 0, append(bytes.Clone(ldapStartTLSRequest), tls...), step{len(ldapStartTLSRequest), PlainAsk, ""}},
		{"LDAP request split", ProtoLDAP, true, false, 0, ldapStartTLSRequest[:10], step{0, PlainMore, ""}},
		{"LDAP bind first", ProtoLDAP, true, false, 0, ldapBindRequest, step{len(ldapBindRequest), PlainNext, ""}},
		{"LDAP success", ProtoLDAP, false, true, 0, ldapStartTLSOK, step{len(ldapStartTLSOK), PlainAccept, ""}},
		{"LDAP busy", ProtoLDAP, false, true, 0, ldapStartTLSBusy, step{0, PlainRefuse, ""}},
		{"LDAP response before asking", ProtoLDAP, false, false, 0, ldapStartTLSOK, step{len(ldapStartTLSOK), PlainNext, ""}},
		{"LDAP not BER", ProtoLDAP, true, false, 0, []byte("hello there"), step{0, PlainRefuse, ""}},
		{"XMPP stream header", ProtoXMPP, true, false, 0, []byte("<stream:stream to='x' version='1.0'>"), step{36 - 8, PlainNext, ""}},
		{"XMPP starttls", ProtoXMPP, true, false, 1, xmppClientStartTLS, step{len(xmppClientStartTLS), PlainAsk, ""}},
		{"XMPP starttls split", ProtoXMPP, true, false, 1, xmppClientStartTLS[:20], step{0, PlainMore, ""}},
		{"XMPP features offer is not an answer", ProtoXMPP, false, false, 0, xmppServerFeatures, step{len(xmppServerFeatures) - 7, PlainNext, ""}},
		{"XMPP proceed", ProtoXMPP, false, true, 1, xmppProceed, step{len(xmppProceed), PlainAccept, ""}},
		{"XMPP failure", ProtoXMPP, false, true, 1, []byte("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"), step{0, PlainRefuse, ""}},
		{"MySQL greeting", ProtoMySQL, false, false, 0, mysqlGreeting, step{len(mysqlGreeting), PlainNext, ""}},
		{"MySQL SSL request", ProtoMySQL, true, false, 0, mysqlSSLRequest, step{36, PlainAsk, ""}},
		{"MySQL SSL request then ClientHello", ProtoMySQL, true, false, 0, append(bytes.Clone(mysqlSSLRequest), tls...), step{36, PlainAsk, ""}},
		{"MySQL SSL request split", ProtoMySQL, true, false, 0, mysqlSSLRequest[:20], step{0, PlainMore, ""}},
		{"MySQL plain login", ProtoMySQL, true, false, 0, mysqlLogin, step{0, PlainRefuse, ""}},
		{"MySQL server after the SSL request", ProtoMySQL, false, true, 1, tls, step{0, PlainAccept, ""}},
		{"CONNECT", ProtoHTTPConnect, true, false, 0, []byte("CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n\x16\x03\x01"),
			step{59, PlainAsk, "example.org:443"}},
		{"CONNECT headers split", ProtoHTTPConnect, true, false, 0, []byte("CONNECT example.org:443 HTTP/1.1\r\nHost: exa"), step{0, PlainMore, ""}},
		{"CONNECT 200", ProtoHTTPConnect, false, true, 0, []byte("HTTP/1.1 200 Connection established\r\n\r\n"), step{39, PlainAccept, ""}},
		{"CONNECT 407", ProtoHTTPConnect, false, true, 0, []byte("HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 4\r\n\r\nauth"), step{69, PlainNext, ""}},
		{"CONNECT 407 body split", ProtoHTTPConnect, false, true, 0, []byte("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\nau"), step{0, PlainMore, ""}},
		{"CONNECT 403 without a length", ProtoHTTPConnect, false, true, 0, []byte("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n"), step{0, PlainRefuse, ""}},
		{"GET through a proxy", ProtoHTTPConnect, true, false, 1, []byte("GET / HTTP/1.1\r\n\r\n"), step{0, PlainRefuse, ""}},
		{"SOCKS5 greeting", ProtoSOCKS5, true, false, 0, socksGreeting, step{4, PlainNext, ""}},
		{"SOCKS5 greeting split", ProtoSOCKS5, true, false, 0, socksGreeting[:3], step{0, PlainMore, ""}},
		{"SOCKS5 method", ProtoSOCKS5, false, false, 0, []byte{5, 0}, step{2, PlainNext, ""}},
		{"SOCKS5 no acceptable method", ProtoSOCKS5, false, false, 0, []byte{5, 0xff}, step{0, PlainRefuse, ""}},
		{"SOCKS5 password", ProtoSOCKS5, true, false, 1, []byte{1, 2, 'm', 'e', 3, 'p', 'w', 'd'}, step{8, PlainNext, ""}},
		{"SOCKS5 password accepted", ProtoSOCKS5, false, false, 1, []byte{1, 0}, step{2, PlainNext, ""}},
		{"SOCKS5 CONNECT name", ProtoSOCKS5, true, false, 1, socksConnectName, step{len(socksConnectName), PlainAsk, "example.org:443"}},
		{"SOCKS5 CONNECT IPv4", ProtoSOCKS5, true, false, 1, socksConnectV4, step{10, PlainAsk, "192.0.2.20:443"}},
		{"SOCKS5 BIND", ProtoSOCKS5, true, false, 1, []byte{5, 2, 0, 1, 192, 0, 2, 20, 1, 0xbb}, step{0, PlainRefuse, ""}},
		{"SOCKS5 reply", ProtoSOCKS5, false, true, 1, socksReplyOK, step{10, PlainAccept, ""}},
		{"SOCKS5 connection refused", ProtoSOCKS5, false, true, 1, socksReplyRefused, step{0, PlainRefuse, ""}},
		{"SOCKS5 reply split", ProtoSOCKS5, false, true, 1, socksReplyOK[:6], step{0, PlainMore, ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, ev, target := PlainStep(tc.proto, tc.fromClient, tc.asked, tc.index, tc.b)
			if got := (step{n, ev, target}); got != tc.want {
				t.Errorf("PlainStep = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSniffMessageProtocols(t *testing.T) {
	tests := []struct {
		b          []byte
		fromClient bool
		want       string
	}{
		{ldapStartTLSRequest, true, ProtoLDAP},
		{ldapBindRequest, true, ProtoLDAP},
		{ldapStartTLSOK, false, ProtoLDAP},
		{[]byte("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client'>"), true, ProtoXMPP},
		{xmppServerFeatures, false, ProtoXMPP},
		{[]byte("<?xml version='1.0'?><note/>"), true, ""},
		{socksGreeting, true, ProtoSOCKS5},
		{[]byte{5, 1, 0, 5, 1, 0, 3}, true, ProtoSOCKS5}, // greeting and request held together
		{[]byte{5, 1, 0x42}, true, ""},
		{[]byte("CONNECT [2001:db8::1]:443 HTTP/1.1\r\n"), true, ProtoHTTPConnect},
		{mysqlGreeting, false, ProtoMySQL},
	}
	for _, tc := range tests {
		if got := SniffProtocol(tc.b, tc.fromClient); got != tc.want {
			t.Errorf("SniffProtocol(%q, %v) = %q, want %q", tc.b, tc.fromClient, got, tc.want)
		}
	}
	for _, p := range []string{ProtoLDAP, ProtoXMPP, ProtoMySQL, ProtoHTTPConnect, ProtoSOCKS5} {
		if !CanStartTLS(p) || !IsMessageProtocol(p) {
			t.Errorf("%s: CanStartTLS %v, IsMessageProtocol %v", p, CanStartTLS(p), IsMessageProtocol(p))
		}
	}
}

// FuzzPlainStep: on any bytes, a step takes at most what it was given, makes
// progress whenever it says a message was read, and names no target that is
// not printable text taken from the bytes.
func FuzzPlainStep(f *testing.F) {
	for _, b := range [][]byte{ldapStartTLSRequest, ldapStartTLSOK, ldapBindRequest, mysqlSSLRequest, mysqlGreeting, mysqlLogin,
		socksGreeting, socksConnectName, socksConnectV4, socksReplyOK, xmppClientStartTLS, xmppServerFeatures, xmppProceed,
		[]byte("CONNECT example.org:443 HTTP/1.1\r\n\r\n"), []byte("HTTP/1.1 200 OK\r\n\r\n")} {
		f.Add(b, true, false, uint8(0))
		f.Add(b, false, true, uint8(1))
	}
	f.Fuzz(func(t *testing.T, b []byte, fromClient, asked bool, index uint8) {
		for _, p := range StartTLSProtocols {
			if !IsMessageProtocol(p) {
				continue
			}
			n, ev, target := PlainStep(p, fromClient, asked, int(index), b)
			if n < 0 || n > len(b) {
				t.Fatalf("%s: took %d of %d bytes", p, n, len(b))
			}
			if (ev == PlainNext) && n == 0 {
				t.Fatalf("%s: a message of no bytes", p)
			}
			if len(target) > 300 {
				t.Fatalf("%s: target of %d bytes", p, len(target))
			}
		}
	})
}
