package decode

import (
	"strings"
	"testing"
)

// TestPlainStartRefusals: the message protocols' refusals and plain logins
// end as not TLS, naming the protocol; an accepted upgrade records the
// protocol and, for the proxies, where the tunnel goes. Each exchange is fed
// in the order the two sides speak, one message at a time (and, after the
// first, one byte at a time, which must give the same answer).
func TestPlainStartRefusals(t *testing.T) {
	ch := "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"
	type msg struct {
		d Dir
		b string
	}
	c := func(b string) msg { return msg{FromClient, b} }
	s := func(b string) msg { return msg{FromServer, b} }
	ldapAsk := "\x30\x1d\x02\x01\x01\x77\x18\x80\x161.3.6.1.4.1.1466.20037"
	mysqlGreet := "\x0d\x00\x00\x00\x0a8.0.36\x00\x2a\x00\x00\x00\x00"
	tests := []struct {
		name             string
		msgs             []msg
		startTLS, notTLS string
		tunnel           string
	}{
		{"LDAP StartTLS accepted", []msg{c(ldapAsk), s("\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00"), c(ch)}, "LDAP", "", ""},
		{"LDAP StartTLS unavailable", []msg{c(ldapAsk), s("\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x34\x04\x00\x04\x00")}, "", "LDAP", ""},
		{"XMPP failure", []msg{c("<stream:stream to='x' version='1.0'>"), s("<?xml version='1.0'?><stream:stream><stream:features/>"),
			c("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"), s("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>")}, "", "XMPP", ""},
		{"MySQL plain login", []msg{s(mysqlGreet), c("\x28\x00\x00\x01\x05\xa6\xff\x01\x00\x00\x00\x01\x21" + strings.Repeat("\x00", 31))}, "", "MySQL", ""},
		{"MySQL SSL request", []msg{s(mysqlGreet), c("\x20\x00\x00\x01\x05\xae\xff\x01\x00\x00\x00\x01\x21" + strings.Repeat("\x00", 23) + ch),
			s("\x16\x03\x03\x00\x04\x02\x00\x00\x00")}, "MySQL", "", ""},
		{"CONNECT refused", []msg{c("CONNECT pay.example:443 HTTP/1.1\r\nHost: pay.example:443\r\n\r\n"),
			s("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")}, "", "HTTP CONNECT", "pay.example:443"},
		{"CONNECT 407, then again with credentials", []msg{c("CONNECT pay.example:443 HTTP/1.1\r\nHost: pay.example:443\r\n\r\n"),
			s("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n"),
			c("CONNECT pay.example:443 HTTP/1.1\r\nProxy-Authorization: Basic dTpw\r\n\r\n"),
			s("HTTP/1.1 200 Connection established\r\n\r\n"), c(ch)}, "HTTP CONNECT", "", "pay.example:443"},
		{"CONNECT accepted", []msg{c("CONNECT pay.example:443 HTTP/1.1\r\nHost: pay.example:443\r\n\r\n"),
			s("HTTP/1.1 200 Connection established\r\n\r\n"), c(ch)}, "HTTP CONNECT", "", "pay.example:443"},
		{"SOCKS5 host unreachable", []msg{c("\x05\x01\x00"), s("\x05\x00"), c("\x05\x01\x00\x01\xc0\x00\x02\x14\x01\xbb"),
			s("\x05\x04\x00\x01\x00\x00\x00\x00\x00\x00")}, "", "SOCKS5", "192.0.2.20:443"},
		{"SOCKS5 no acceptable method", []msg{c("\x05\x01\x02"), s("\x05\xff")}, "", "SOCKS5", ""},
	}
	for _, tc := range tests {
		for _, bytewise := range []bool{false, true} {
			fs := fuzzFlow(NewAnalyzer())
			for i, m := range tc.msgs {
				parts := []string{m.b}
				if bytewise && i > 0 { // the first segment names the protocol
					parts = strings.Split(m.b, "")
				}
				for _, p := range parts {
					if fs.active(m.d) {
						fs.consume(fs.state(m.d), []byte(p))
					}
				}
			}
			fs.finish()
			got := fs.f.TLS
			if got.StartTLS != tc.startTLS || got.NotTLS != tc.notTLS || got.Tunnel != tc.tunnel {
				t.Errorf("%s (byte by byte %v): starttls %q, not TLS %q, tunnel %q; want %q, %q, %q", tc.name, bytewise,
					got.StartTLS, got.NotTLS, got.Tunnel, tc.startTLS, tc.notTLS, tc.tunnel)
			}
		}
	}
}
