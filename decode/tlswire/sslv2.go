package tlswire

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"
)

// IsSSLv2ClientHello reports whether b starts like an SSLv2-format
// CLIENT-HELLO (RFC 5246 Appendix E.2): a 2-byte header with the high bit
// set, message type 1, and a version of SSL 2.0 or SSL 3.0..TLS 1.3.
func IsSSLv2ClientHello(b []byte) bool {
	if len(b) < 5 || b[0]&0x80 == 0 || b[2] != 1 {
		return false
	}
	length := int(b[0]&0x7f)<<8 | int(b[1])
	if length < 9 {
		return false
	}
	switch {
	case b[3] == 0x00 && b[4] == 0x02: // SSL 2.0
	case b[3] == 0x03 && b[4] <= 0x04: // SSL 3.0 .. TLS 1.3 in a v2 hello
	default:
		return false
	}
	return true
}

// ParseSSLv2ClientHello decodes an SSLv2-format CLIENT-HELLO record,
// including its 2-byte header. Cipher specs whose first byte is 0 are
// TLS suites and land in CipherSuites; the challenge becomes the Random,
// right-aligned with leading zeros as RFC 5246 E.2 prescribes.
func ParseSSLv2ClientHello(record []byte) (*ClientHello, error) {
	ch := &ClientHello{SSLv2: true}
	if !IsSSLv2ClientHello(record) {
		return ch, fmt.Errorf("tlswire: not an SSLv2 CLIENT-HELLO")
	}
	length := int(record[0]&0x7f)<<8 | int(record[1])
	msg := record[2:]
	if len(msg) < length {
		ch.Truncated = true
	} else {
		msg = msg[:length]
	}
	s := cryptobyte.String(msg)
	var typ uint8
	var specLen, sidLen, challengeLen uint16
	if !s.ReadUint8(&typ) || !s.ReadUint16(&ch.LegacyVersion) ||
		!s.ReadUint16(&specLen) || !s.ReadUint16(&sidLen) || !s.ReadUint16(&challengeLen) {
		ch.Truncated = true
		return ch, fmt.Errorf("%w: SSLv2 CLIENT-HELLO shorter than its header", ErrTruncated)
	}
	specs := s
	if int(specLen) <= len(s) {
		specs = s[:specLen]
		s = s[specLen:]
	} else {
		s = nil
	}
	for len(specs) >= 3 {
		if specs[0] == 0 && len(ch.CipherSuites) < maxSuites {
			ch.CipherSuites = append(ch.CipherSuites, uint16(specs[1])<<8|uint16(specs[2]))
		}
		specs = specs[3:]
	}
	if int(specLen) > len(msg)-9 {
		ch.Truncated = true
		return ch, fmt.Errorf("%w: SSLv2 CLIENT-HELLO ends in its cipher specs", ErrTruncated)
	}
	if specLen%3 != 0 {
		ch.Truncated = true // a partial spec: keep the whole ones
	}
	var sid, challenge []byte
	if !s.ReadBytes(&sid, int(sidLen)) || !s.ReadBytes(&challenge, int(challengeLen)) {
		ch.Truncated = true
		return ch, nil
	}
	ch.SessionID = cloneBytes(sid)
	if len(challenge) > 32 {
		challenge = challenge[len(challenge)-32:]
	}
	copy(ch.Random[32-len(challenge):], challenge)
	return ch, nil
}

// SSL 2.0 message types (draft-hickman-netscape-ssl-00).
const (
	SSLv2ClientHelloType = 1
	SSLv2ClientMasterKey = 2
	SSLv2ServerHelloType = 4
)

// SSLv2ServerHello is what an SSL 2.0 SERVER-HELLO says.
type SSLv2ServerHello struct {
	SessionIDHit    bool   // the server resumes the session the client offered
	CertificateType uint8  // 1 = X.509
	Version         uint16 // 0x0002
	Certificate     []byte // DER, aliasing the input
	CipherSpecs     []uint32
	Truncated       bool
}

// IsSSLv2ServerHello reports whether b starts like an SSL 2.0 SERVER-HELLO:
// a 2-byte header, message type 4, and version 0x0002 after the
// session-id-hit and certificate-type bytes.
func IsSSLv2ServerHello(b []byte) bool {
	return len(b) >= 7 && b[0]&0x80 != 0 && b[2] == SSLv2ServerHelloType && b[5] == 0x00 && b[6] == 0x02
}

// SSLv2RecordHeader reads an SSL 2.0 record header: two bytes when the high
// bit is set (15-bit length), else three (14-bit length, then a padding
// count). It returns the header size and the body length, or 0, 0 when b is
// too short to tell.
func SSLv2RecordHeader(b []byte) (hdr, length int) {
	switch {
	case len(b) >= 2 && b[0]&0x80 != 0:
		return 2, int(b[0]&0x7f)<<8 | int(b[1])
	case len(b) >= 3 && b[0]&0x80 == 0:
		return 3, int(b[0]&0x3f)<<8 | int(b[1])
	}
	return 0, 0
}

// ParseSSLv2ServerHello decodes a SERVER-HELLO message (the record body,
// starting with its type byte).
func ParseSSLv2ServerHello(msg []byte) (*SSLv2ServerHello, error) {
	sh := &SSLv2ServerHello{}
	s := cryptobyte.String(msg)
	var typ, hit uint8
	var certLen, specLen, connLen uint16
	if !s.ReadUint8(&typ) || typ != SSLv2ServerHelloType || !s.ReadUint8(&hit) || !s.ReadUint8(&sh.CertificateType) ||
		!s.ReadUint16(&sh.Version) || !s.ReadUint16(&certLen) || !s.ReadUint16(&specLen) || !s.ReadUint16(&connLen) {
		sh.Truncated = true
		return sh, fmt.Errorf("%w: SSLv2 SERVER-HELLO shorter than its header", ErrTruncated)
	}
	sh.SessionIDHit = hit != 0
	var cert, specs []byte
	if !s.ReadBytes(&cert, int(certLen)) {
		sh.Truncated = true
		return sh, fmt.Errorf("%w: SSLv2 SERVER-HELLO ends in its certificate", ErrTruncated)
	}
	sh.Certificate = cert
	if !s.ReadBytes(&specs, int(specLen)) {
		sh.Truncated = true
		specs = s
	}
	for len(specs) >= 3 && len(sh.CipherSpecs) < maxSuites {
		sh.CipherSpecs = append(sh.CipherSpecs, uint32(specs[0])<<16|uint32(specs[1])<<8|uint32(specs[2]))
		specs = specs[3:]
	}
	return sh, nil
}

// ParseSSLv2ClientMasterKey returns the cipher kind a CLIENT-MASTER-KEY
// message (record body, type byte first) chose.
func ParseSSLv2ClientMasterKey(msg []byte) (uint32, bool) {
	if len(msg) < 4 || msg[0] != SSLv2ClientMasterKey {
		return 0, false
	}
	return uint32(msg[1])<<16 | uint32(msg[2])<<8 | uint32(msg[3]), true
}

// SSLv2CipherName names an SSL 2.0 cipher kind.
func SSLv2CipherName(kind uint32) string {
	switch kind {
	case 0x010080:
		return "SSL_CK_RC4_128_WITH_MD5"
	case 0x020080:
		return "SSL_CK_RC4_128_EXPORT40_WITH_MD5"
	case 0x030080:
		return "SSL_CK_RC2_128_CBC_WITH_MD5"
	case 0x040080:
		return "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5"
	case 0x050080:
		return "SSL_CK_IDEA_128_CBC_WITH_MD5"
	case 0x060040:
		return "SSL_CK_DES_64_CBC_WITH_MD5"
	case 0x0700c0:
		return "SSL_CK_DES_192_EDE3_CBC_WITH_MD5"
	}
	return fmt.Sprintf("0x%06x", kind)
}
