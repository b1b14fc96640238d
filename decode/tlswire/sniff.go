package tlswire

import (
	"bytes"
	"encoding/binary"
)

// Protocol names SniffProtocol returns.
const (
	ProtoHTTP       = "HTTP"
	ProtoHTTP2      = "HTTP/2 cleartext"
	ProtoSSH        = "SSH"
	ProtoSMTP       = "SMTP"
	ProtoIMAP       = "IMAP"
	ProtoPOP3       = "POP3"
	ProtoFTP        = "FTP"
	ProtoPostgreSQL = "PostgreSQL"
	ProtoMySQL      = "MySQL"
	ProtoRedis      = "Redis"
)

// http2Preface is the client connection preface of cleartext HTTP/2.
var http2Preface = []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")

var httpMethods = [][]byte{
	[]byte("GET "), []byte("POST "), []byte("HEAD "), []byte("PUT "), []byte("DELETE "),
	[]byte("OPTIONS "), []byte("CONNECT "), []byte("PATCH "), []byte("TRACE "),
}

// PostgreSQL startup-phase request codes (protocol 3.0 and the special ones).
const (
	pgProtocol3     = 196608
	pgSSLRequest    = 80877103
	pgGSSENCReq     = 80877104
	pgCancelRequest = 80877102
)

// SniffProtocol names the plaintext protocol whose first bytes in one
// direction are first, or returns "" when unsure. It is for flows that turn
// out not to be TLS and for spotting STARTTLS upgrades.
func SniffProtocol(first []byte, fromClient bool) string {
	if bytes.HasPrefix(first, []byte("SSH-")) {
		return ProtoSSH
	}
	if fromClient {
		return sniffClient(first)
	}
	return sniffServer(first)
}

func sniffClient(b []byte) string {
	if hasPrefixOrIsPrefix(b, http2Preface, 8) {
		return ProtoHTTP2
	}
	if bytes.HasPrefix(b, []byte("CONNECT ")) { // a proxy tunnel, usually carrying TLS
		return ProtoHTTPConnect
	}
	for _, m := range httpMethods {
		if bytes.HasPrefix(b, m) {
			return ProtoHTTP
		}
	}
	switch {
	case isLDAPMessage(b):
		return ProtoLDAP
	case isXMPPStream(b):
		return ProtoXMPP
	case isSOCKS5Greeting(b):
		return ProtoSOCKS5
	}
	if len(b) >= 8 {
		n := binary.BigEndian.Uint32(b)
		code := binary.BigEndian.Uint32(b[4:])
		switch {
		case n == 8 && (code == pgSSLRequest || code == pgGSSENCReq):
			return ProtoPostgreSQL
		case n == 16 && code == pgCancelRequest:
			return ProtoPostgreSQL
		case n >= 8 && n <= 10000 && code == pgProtocol3:
			return ProtoPostgreSQL
		}
	}
	if isRESPArray(b) || hasFoldPrefix(b, "PING\r\n") {
		return ProtoRedis
	}
	switch {
	case hasFoldPrefix(b, "EHLO ") || hasFoldPrefix(b, "HELO "):
		return ProtoSMTP
	case hasFoldPrefix(b, "CAPA") || hasFoldPrefix(b, "STLS") || hasFoldPrefix(b, "APOP "):
		return ProtoPOP3
	case hasFoldPrefix(b, "AUTH TLS") || hasFoldPrefix(b, "AUTH SSL") || hasFoldPrefix(b, "FEAT"):
		return ProtoFTP
	}
	if _, cmd, ok := imapTagged(firstLine(b)); ok {
		for _, c := range []string{"CAPABILITY", "STARTTLS", "LOGIN ", "AUTHENTICATE ", "NOOP", "ID "} {
			if hasFoldPrefix(cmd, c) {
				return ProtoIMAP
			}
		}
	}
	return ""
}

func sniffServer(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("HTTP/1.")) || bytes.HasPrefix(b, []byte("HTTP/2 ")):
		return ProtoHTTP
	case hasFoldPrefix(b, "<!DOCTYPE HTML") || hasFoldPrefix(b, "<HTML"):
		// An HTML page with no status line: an HTTP/0.9-style answer, which
		// Python's http.server gives to a request line it cannot parse.
		return ProtoHTTP
	case isHTTP2Settings(b):
		return ProtoHTTP2
	case bytes.HasPrefix(b, []byte("* OK")) || bytes.HasPrefix(b, []byte("* PREAUTH")) || bytes.HasPrefix(b, []byte("* BYE")):
		return ProtoIMAP
	case bytes.HasPrefix(b, []byte("+OK")):
		return ProtoPOP3
	case bytes.HasPrefix(b, []byte("+PONG")) || bytes.HasPrefix(b, []byte("-NOAUTH")) ||
		bytes.HasPrefix(b, []byte("-WRONGPASS")) || bytes.HasPrefix(b, []byte("-DENIED")):
		return ProtoRedis
	case len(b) >= 4 && string(b[:3]) == "220" && (b[3] == ' ' || b[3] == '-'):
		return sniff220Banner(firstLine(b))
	case isMySQLGreeting(b):
		return ProtoMySQL
	case isLDAPMessage(b):
		return ProtoLDAP
	case isXMPPStream(b):
		return ProtoXMPP
	case isPostgresAuth(b):
		return ProtoPostgreSQL
	}
	return ""
}

// sniff220Banner splits SMTP from FTP: both greet with "220". The banner's
// own words decide; SMTP words win over FTP's, and a bare "220" stays unknown.
func sniff220Banner(line []byte) string {
	switch {
	case containsFold(line, "ESMTP") || containsFold(line, "SMTP"):
		return ProtoSMTP
	case containsFold(line, "FTP"):
		return ProtoFTP
	case containsFold(line, "Postfix") || containsFold(line, "mail"):
		return ProtoSMTP
	}
	return ""
}

// isLDAPMessage matches the start of an LDAPMessage: a BER SEQUENCE, a
// messageID INTEGER of 1-4 bytes, then an [APPLICATION n] protocol op.
func isLDAPMessage(b []byte) bool {
	n, hdr, tag := berElement(b)
	if tag != 0x30 || n < 0 || len(b) < hdr+3 || b[hdr] != 0x02 || b[hdr+1] < 1 || b[hdr+1] > 4 {
		return false
	}
	i := hdr + 2 + int(b[hdr+1])
	return i < len(b) && b[i]&0xc0 == 0x40 // application class
}

// isXMPPStream matches the opening of an XMPP stream.
func isXMPPStream(b []byte) bool {
	head := b[:min(len(b), 256)]
	return bytes.HasPrefix(b, []byte("<stream:stream")) ||
		bytes.HasPrefix(b, []byte("<?xml")) && (bytes.Contains(head, []byte("<stream:stream")) || bytes.Contains(head, []byte("jabber:")))
}

// isSOCKS5Greeting matches a SOCKS5 client greeting: version 5, a count of
// 1-16 methods, and that many method numbers of known ranges.
func isSOCKS5Greeting(b []byte) bool {
	if len(b) < 3 || b[0] != 5 || b[1] == 0 || b[1] > 16 || len(b) < 2+int(b[1]) {
		return false
	}
	for _, m := range b[2 : 2+int(b[1])] {
		if m > 0x09 && m < 0x80 || m == 0xff {
			return false
		}
	}
	return true
}

// isRESPArray matches a Redis RESP command: "*<count>\r\n$<len>".
func isRESPArray(b []byte) bool {
	if len(b) < 5 || b[0] != '*' {
		return false
	}
	i := 1
	for i < len(b) && i < 8 && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i > 1 && bytes.HasPrefix(b[i:], []byte("\r\n$"))
}

// isHTTP2Settings matches a server's first HTTP/2 frame: SETTINGS on stream 0.
func isHTTP2Settings(b []byte) bool {
	if len(b) < 9 {
		return false
	}
	length := int(b[0])<<16 | int(b[1])<<8 | int(b[2])
	return b[3] == 0x04 && b[4]&^0x01 == 0 && binary.BigEndian.Uint32(b[5:9]) == 0 && length%6 == 0 && length <= 16384
}

// isMySQLGreeting matches the server's first packet: 3-byte little-endian
// length, sequence 0, protocol version 10 and a NUL-terminated version string
// (or an error packet, 0xff, e.g. "host is not allowed to connect").
func isMySQLGreeting(b []byte) bool {
	if len(b) < 7 || b[3] != 0 {
		return false
	}
	n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	if n < 3 || n > 1024 {
		return false
	}
	payload := b[4:]
	switch payload[0] {
	case 0x0a:
		end := min(len(payload), n)
		nul := bytes.IndexByte(payload[1:end], 0)
		return nul > 0 && isPrintable(payload[1:1+nul])
	case 0xff:
		return n == len(payload) && n > 3
	}
	return false
}

// isPostgresAuth matches an AuthenticationRequest ('R', length, code) or an
// ErrorResponse ('E', length, then 'S' severity field) from the server.
func isPostgresAuth(b []byte) bool {
	if len(b) < 9 {
		return false
	}
	n := binary.BigEndian.Uint32(b[1:5])
	switch b[0] {
	case 'R':
		code := binary.BigEndian.Uint32(b[5:9])
		return n >= 8 && n <= 2048 && code <= 12
	case 'E':
		return n >= 8 && n <= 8192 && b[5] == 'S'
	}
	return false
}

func isPrintable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// hasPrefixOrIsPrefix reports whether b starts with p, or b is a prefix of p
// at least atLeast bytes long (a first segment may be short).
func hasPrefixOrIsPrefix(b, p []byte, atLeast int) bool {
	if len(b) >= len(p) {
		return bytes.HasPrefix(b, p)
	}
	return len(b) >= atLeast && bytes.HasPrefix(p, b)
}

func hasFoldPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && bytes.EqualFold(b[:len(p)], []byte(p))
}

func containsFold(b []byte, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(b); i++ {
		if bytes.EqualFold(b[i:i+n], []byte(sub)) {
			return true
		}
	}
	return false
}

// firstLine returns b up to its first CR or LF.
func firstLine(b []byte) []byte {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		return b[:i]
	}
	return b
}
