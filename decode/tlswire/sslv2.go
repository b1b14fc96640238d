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
