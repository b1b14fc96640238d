package tlswire

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strconv"
)

// Protocols whose plaintext start is made of framed messages rather than
// lines: LDAP (BER), XMPP (an XML stream), MySQL (length-prefixed packets),
// HTTP CONNECT (a request and response header block) and SOCKS5 (binary).
const (
	ProtoLDAP        = "LDAP"
	ProtoXMPP        = "XMPP"
	ProtoHTTPConnect = "HTTP CONNECT"
	ProtoSOCKS5      = "SOCKS5"
)

// ldapStartTLSOID names the StartTLS extended operation (RFC 4511 4.14).
const ldapStartTLSOID = "1.3.6.1.4.1.1466.20037"

// mysqlClientSSL is the CLIENT_SSL capability flag of a MySQL handshake response.
const mysqlClientSSL = 0x0800

// IsMessageProtocol reports whether proto's plaintext start is read with
// PlainStep (messages) rather than line by line.
func IsMessageProtocol(proto string) bool {
	switch proto {
	case ProtoLDAP, ProtoXMPP, ProtoMySQL, ProtoHTTPConnect, ProtoSOCKS5:
		return true
	}
	return false
}

// PlainEvent is what one step over a plaintext message found.
type PlainEvent uint8

const (
	PlainMore   PlainEvent = iota // the message is not complete yet: wait for more bytes
	PlainNext                     // a message that changes nothing; go on after N bytes
	PlainAsk                      // the client asked for TLS (or a tunnel); its TLS starts after N bytes
	PlainAccept                   // the server agreed; its TLS starts after N bytes
	PlainRefuse                   // the protocol went on without TLS (refused, plain login, error)
)

// PlainStep is one step over the plaintext start of a message protocol:
// b holds the bytes of one direction not yet taken, index counts the
// messages already taken from that direction, and asked says whether the
// client has asked for TLS. Target is the host:port a CONNECT (HTTP or
// SOCKS5) asked for. PlainStep never reads beyond b and never allocates
// except for Target.
func PlainStep(proto string, fromClient, asked bool, index int, b []byte) (n int, ev PlainEvent, target string) {
	switch proto {
	case ProtoLDAP:
		n, ev = ldapStep(fromClient, asked, b)
	case ProtoXMPP:
		n, ev = xmppStep(fromClient, asked, b)
	case ProtoMySQL:
		n, ev = mysqlStep(fromClient, asked, b)
	case ProtoHTTPConnect:
		return connectStep(fromClient, b)
	case ProtoSOCKS5:
		return socksStep(fromClient, index, b)
	default:
		return 0, PlainRefuse, ""
	}
	return n, ev, ""
}

// berElement returns the length of the BER element at the start of b, its
// tag, and the offset of its contents; n == 0 when b holds too little and
// n < 0 when it is not plausible BER (indefinite length, over 64 KiB).
func berElement(b []byte) (n, hdr int, tag byte) {
	if len(b) < 2 {
		return 0, 0, 0
	}
	tag = b[0]
	l := int(b[1])
	hdr = 2
	if l&0x80 != 0 {
		k := l & 0x7f
		if k == 0 || k > 3 {
			return -1, 0, tag
		}
		if len(b) < 2+k {
			return 0, 0, tag
		}
		l = 0
		for _, c := range b[2 : 2+k] {
			l = l<<8 | int(c)
		}
		hdr += k
	}
	if l > 64<<10 {
		return -1, 0, tag
	}
	return hdr + l, hdr, tag
}

// ldapStep reads one LDAPMessage: SEQUENCE { messageID, protocolOp ... }.
// The client's StartTLS is an ExtendedRequest ([APPLICATION 23]) naming the
// StartTLS OID; the server's answer an ExtendedResponse ([APPLICATION 24])
// whose resultCode (its first element, an ENUMERATED) is 0 for success.
func ldapStep(fromClient, asked bool, b []byte) (int, PlainEvent) {
	n, hdr, tag := berElement(b)
	if n < 0 || n > 0 && tag != 0x30 {
		return 0, PlainRefuse
	}
	if n == 0 || len(b) < n {
		return 0, PlainMore
	}
	msg := b[hdr:n]
	idLen, _, idTag := berElement(msg)
	if idLen <= 0 || idTag != 0x02 || idLen > len(msg) {
		return 0, PlainRefuse
	}
	op := msg[idLen:]
	opLen, opHdr, opTag := berElement(op)
	if opLen <= 0 || opLen > len(op) {
		return 0, PlainRefuse
	}
	body := op[opHdr:opLen]
	switch {
	case fromClient && opTag == 0x77: // ExtendedRequest: [0] requestName
		nameLen, nameHdr, nameTag := berElement(body)
		if nameTag == 0x80 && nameLen > 0 && nameLen <= len(body) && string(body[nameHdr:nameLen]) == ldapStartTLSOID {
			return n, PlainAsk
		}
	case !fromClient && asked && opTag == 0x78: // ExtendedResponse: resultCode first
		if len(body) >= 3 && body[0] == 0x0a && body[1] == 1 {
			if body[2] == 0 {
				return n, PlainAccept
			}
			return 0, PlainRefuse
		}
		return 0, PlainRefuse
	}
	return n, PlainNext
}

// xmppStep looks for the client's <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>
// and the server's <proceed .../> (or <failure .../>) in the XML stream.
// Everything before them is taken in pieces, keeping a tail that could be
// the start of a split tag.
func xmppStep(fromClient, asked bool, b []byte) (int, PlainEvent) {
	tag := []byte("<starttls")
	if !fromClient {
		tag = []byte("<proceed")
	}
	if i := bytes.Index(b, tag); i >= 0 && (fromClient || asked) {
		end := bytes.IndexByte(b[i:], '>')
		if end < 0 {
			if i > 0 {
				return i, PlainNext
			}
			return 0, PlainMore
		}
		if !bytes.Contains(b[i:i+end], []byte("urn:ietf:params:xml:ns:xmpp-tls")) {
			return i + end + 1, PlainNext
		}
		if fromClient {
			return i + end + 1, PlainAsk
		}
		return i + end + 1, PlainAccept
	}
	if !fromClient && asked && bytes.Contains(b, []byte("<failure")) {
		return 0, PlainRefuse
	}
	if keep := len(tag) - 1; len(b) > keep {
		return len(b) - keep, PlainNext
	}
	return 0, PlainMore
}

// mysqlStep reads one MySQL packet (3-byte little-endian length, sequence
// number). The client's first packet is either an SSL request (32 bytes,
// CLIENT_SSL set), after which both sides speak TLS at once, or a full
// handshake response: no TLS.
func mysqlStep(fromClient, asked bool, b []byte) (int, PlainEvent) {
	if !fromClient && asked {
		return 0, PlainAccept // the server answers an SSL request with its ServerHello
	}
	if len(b) < 4 {
		return 0, PlainMore
	}
	n := 4 + (int(b[0]) | int(b[1])<<8 | int(b[2])<<16)
	if n > 64<<10 {
		return 0, PlainRefuse
	}
	if len(b) < n && !fromClient {
		return 0, PlainMore
	}
	if !fromClient {
		return n, PlainNext // greeting (or error)
	}
	if len(b) < 8 {
		return 0, PlainMore
	}
	caps := binary.LittleEndian.Uint32(b[4:])
	if n == 4+32 && caps&mysqlClientSSL != 0 {
		if len(b) < n {
			return 0, PlainMore
		}
		return n, PlainAsk
	}
	return 0, PlainRefuse
}

// connectStep reads an HTTP CONNECT request or the proxy's response, up to
// the blank line that ends its header block. A 2xx status opens the tunnel;
// another is passed over when its body length is known (the client may ask
// again, with credentials), else it refuses the tunnel.
func connectStep(fromClient bool, b []byte) (int, PlainEvent, string) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	n := end + 4
	if end < 0 {
		if end = bytes.Index(b, []byte("\n\n")); end < 0 {
			return 0, PlainMore, ""
		}
		n = end + 2
	}
	line := firstLine(b[:end])
	if fromClient {
		// CONNECT host:port HTTP/1.1
		f := bytes.Fields(line)
		if len(f) != 3 || string(f[0]) != "CONNECT" || !bytes.HasPrefix(f[2], []byte("HTTP/")) {
			return 0, PlainRefuse, ""
		}
		return n, PlainAsk, string(f[1][:min(len(f[1]), 256)])
	}
	// HTTP/1.1 200 Connection established
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/")) {
		return 0, PlainRefuse, ""
	}
	sp := bytes.IndexByte(line, ' ')
	if sp > 0 && sp+4 <= len(line) && line[sp+1] == '2' {
		return n, PlainAccept, ""
	}
	// Refused (407 Proxy Authentication Required, 403, 502, ...). A client may
	// ask again on the same connection, so pass over the response and its body
	// when its length is known; otherwise the tunnel is refused.
	body, ok := contentLength(b[:end])
	if !ok || body > 16<<10 {
		return 0, PlainRefuse, ""
	}
	if len(b) < n+body {
		return 0, PlainMore, ""
	}
	return n + body, PlainNext, ""
}

// contentLength finds the Content-Length header of an HTTP header block.
func contentLength(hdr []byte) (int, bool) {
	for _, l := range bytes.Split(hdr, []byte("\n"))[1:] {
		name, v, ok := bytes.Cut(bytes.TrimRight(l, "\r"), []byte(":"))
		if !ok || !bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Length")) {
			continue
		}
		n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
		return n, err == nil && n >= 0
	}
	return 0, false
}

// socksStep reads one SOCKS5 message (RFC 1928, RFC 1929). Client: the
// greeting (index 0), then a username/password sub-negotiation (version
// 1) or the request (version 5; CONNECT asks for the tunnel). Server: the
// chosen method (0xff: none acceptable), the sub-negotiation status, then
// the reply (0 opens the tunnel).
func socksStep(fromClient bool, index int, b []byte) (int, PlainEvent, string) {
	if len(b) < 2 {
		return 0, PlainMore, ""
	}
	switch {
	case fromClient && index == 0: // VER NMETHODS METHODS
		if b[0] != 5 || b[1] == 0 {
			return 0, PlainRefuse, ""
		}
		n := 2 + int(b[1])
		if len(b) < n {
			return 0, PlainMore, ""
		}
		return n, PlainNext, ""
	case fromClient && b[0] == 1: // VER ULEN UNAME PLEN PASSWD
		n := 2 + int(b[1])
		if len(b) < n+1 {
			return 0, PlainMore, ""
		}
		n += 1 + int(b[n])
		if len(b) < n {
			return 0, PlainMore, ""
		}
		return n, PlainNext, ""
	case fromClient && b[0] == 5: // VER CMD RSV ATYP DST.ADDR DST.PORT
		n, target := socksAddress(b)
		if n == 0 {
			return 0, PlainMore, ""
		}
		if n < 0 || b[1] != 1 { // only CONNECT carries a TLS connection
			return 0, PlainRefuse, ""
		}
		return n, PlainAsk, target
	case !fromClient && index == 0: // VER METHOD
		if b[0] != 5 || b[1] == 0xff {
			return 0, PlainRefuse, ""
		}
		return 2, PlainNext, ""
	case !fromClient && b[0] == 1: // VER STATUS
		if b[1] != 0 {
			return 0, PlainRefuse, ""
		}
		return 2, PlainNext, ""
	case !fromClient && b[0] == 5: // VER REP RSV ATYP BND.ADDR BND.PORT
		n, _ := socksAddress(b)
		if n == 0 {
			return 0, PlainMore, ""
		}
		if n < 0 || b[1] != 0 {
			return 0, PlainRefuse, ""
		}
		return n, PlainAccept, ""
	}
	return 0, PlainRefuse, ""
}

// socksAddress measures a SOCKS5 request or reply (4 bytes, an address of
// type ATYP, a port) and renders its address; n is 0 when incomplete and -1
// for an unknown address type.
func socksAddress(b []byte) (int, string) {
	if len(b) < 5 {
		return 0, ""
	}
	var n int
	switch b[3] {
	case 1:
		n = 4 + 4 + 2
	case 3:
		n = 4 + 1 + int(b[4]) + 2
	case 4:
		n = 4 + 16 + 2
	default:
		return -1, ""
	}
	if len(b) < n {
		return 0, ""
	}
	port := strconv.Itoa(int(binary.BigEndian.Uint16(b[n-2:])))
	switch b[3] {
	case 1:
		return n, netip.AddrFrom4([4]byte(b[4:8])).String() + ":" + port
	case 4:
		return n, "[" + netip.AddrFrom16([16]byte(b[4:20])).String() + "]:" + port
	}
	return n, string(b[5:n-2]) + ":" + port
}
