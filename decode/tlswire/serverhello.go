package tlswire

import (
	"bytes"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
)

// helloRetryRandom is the ServerHello.random that marks a HelloRetryRequest
// (RFC 8446 §4.1.3).
var helloRetryRandom = [32]byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

// downgradePrefix is the first 7 of the 8 sentinel bytes a TLS 1.3 capable
// server puts at the end of its random when it negotiates TLS 1.2 or below.
var downgradePrefix = []byte{0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44}

// ParseServerHello decodes a ServerHello (or HelloRetryRequest) handshake
// body. Leniency matches ParseClientHello: a nil error once the cipher suite
// was read, with Truncated set when something after it was cut or malformed.
func ParseServerHello(body []byte) (*ServerHello, error) {
	sh := &ServerHello{SelectedPSK: -1}
	return sh, parseServerHello(sh, body, "")
}

// ParseServerHelloInto is ParseServerHello into *sh, reusing the memory of
// its lists (see ParseClientHelloInto). An empty list may be empty rather
// than nil. An ALPN equal to the previous hello's is its string again.
func ParseServerHelloInto(sh *ServerHello, body []byte) error {
	prevALPN := sh.ALPN
	*sh = ServerHello{SelectedPSK: -1, SessionID: sh.SessionID[:0], Extensions: sh.Extensions[:0]}
	return parseServerHello(sh, body, prevALPN)
}

// parseServerHello decodes body into sh, whose lists are empty (nil, or
// memory to reuse); prevALPN is the ALPN the last hello parsed into sh had.
func parseServerHello(sh *ServerHello, body []byte, prevALPN string) error {
	s := cryptobyte.String(body)
	if !s.ReadUint16(&sh.LegacyVersion) || !s.CopyBytes(sh.Random[:]) {
		sh.Truncated = true
		return fmt.Errorf("%w: ServerHello shorter than version and random", ErrTruncated)
	}
	sh.HelloRetry = sh.Random == helloRetryRandom
	if bytes.Equal(sh.Random[24:31], downgradePrefix) {
		switch sh.Random[31] {
		case 0x01:
			sh.DowngradeSentinel = "TLS12"
		case 0x00:
			sh.DowngradeSentinel = "TLS11"
		}
	}
	// TLS 1.3 drafts up to 21 put their version here and have neither a
	// session id nor a compression method: version, random, cipher suite,
	// extensions.
	early := draftBefore22(sh.LegacyVersion)
	if !early {
		sid, full, ok := lenientVec(&s, 1)
		if !ok || !full {
			sh.Truncated = true
			return fmt.Errorf("%w: ServerHello ends in its session id", ErrTruncated)
		}
		sh.SessionID = append(sh.SessionID, sid...) // a copy: nil when empty, as cloneBytes
	}
	if !s.ReadUint16(&sh.CipherSuite) {
		sh.Truncated = true
		return fmt.Errorf("%w: ServerHello ends before its cipher suite", ErrTruncated)
	}
	if !early && !s.ReadUint8(&sh.Compression) {
		sh.Truncated = true
		return nil
	}
	if len(s) == 0 {
		return nil // no extensions: fine for TLS <= 1.2
	}
	sh.parseExtensions(&s, prevALPN)
	return nil
}

// parseExtensions reads the extensions block that ends a ServerHello.
// prevALPN is a string to reuse when the ALPN is the same.
func (sh *ServerHello) parseExtensions(s *cryptobyte.String, prevALPN string) {
	exts, full, ok := lenientVec(s, 2)
	if !ok || !full {
		sh.Truncated = true
	}
	for len(exts) > 0 {
		var typ uint16
		if !exts.ReadUint16(&typ) {
			sh.Truncated = true
			break
		}
		data, full, ok := lenientVec(&exts, 2)
		if !ok {
			sh.Truncated = true
			break
		}
		if len(sh.Extensions) < maxExtensions {
			sh.Extensions = append(sh.Extensions, typ)
		}
		if !full || !sh.extension(typ, data, prevALPN) {
			sh.Truncated = true
		}
	}
}

// draftBefore22 reports a TLS 1.3 draft version (0x7fNN) below 22.
func draftBefore22(v uint16) bool { return v>>8 == 0x7f && v&0xff < 22 }

// IsTLS13 reports TLS 1.3 or one of its drafts: 0x7fNN, and Facebook's
// 0xfb17 and 0xfb1a (drafts 23 and 26).
func IsTLS13(v uint16) bool {
	return v == VersionTLS13 || v>>8 == 0x7f || v == 0xfb17 || v == 0xfb1a
}

// TLS13 reports whether the ServerHello chose TLS 1.3 (or a draft of it).
func (s *ServerHello) TLS13() bool { return IsTLS13(s.Version()) }

// ParseDraftHelloRetryRequest decodes the HelloRetryRequest of TLS 1.3
// drafts up to 21, a handshake message of its own (type 6): version, a
// cipher suite from draft 19 on, extensions. From draft 22 on it is a
// ServerHello with a special random (ParseServerHello).
func ParseDraftHelloRetryRequest(body []byte) (*ServerHello, error) {
	sh := &ServerHello{SelectedPSK: -1, HelloRetry: true}
	s := cryptobyte.String(body)
	if !s.ReadUint16(&sh.LegacyVersion) {
		sh.Truncated = true
		return sh, fmt.Errorf("%w: HelloRetryRequest shorter than its version", ErrTruncated)
	}
	if v := sh.LegacyVersion; v>>8 != 0x7f || v&0xff >= 19 {
		if !s.ReadUint16(&sh.CipherSuite) {
			sh.Truncated = true
			return sh, fmt.Errorf("%w: HelloRetryRequest ends before its cipher suite", ErrTruncated)
		}
	}
	sh.parseExtensions(&s, "")
	return sh, nil
}

// extension decodes one ServerHello extension; false means malformed or cut.
func (sh *ServerHello) extension(typ uint16, data cryptobyte.String, prevALPN string) bool {
	switch typ {
	case extSupportedVersions:
		return data.ReadUint16(&sh.SupportedVersion)
	case extKeyShare, extKeyShareDraft:
		// A HelloRetryRequest carries only the selected group; a ServerHello
		// carries a whole KeyShareEntry. Either way the group comes first.
		if !data.ReadUint16(&sh.KeyShareGroup) {
			return false
		}
		if sh.HelloRetry {
			return true
		}
		_, full, ok := lenientVec(&data, 2)
		return ok && full
	case extPreSharedKey:
		var id uint16
		if !data.ReadUint16(&id) {
			return false
		}
		sh.SelectedPSK = int(id)
	case extALPN:
		list, full, ok := lenientVec(&data, 2)
		if !ok {
			return false
		}
		name, nfull, nok := lenientVec(&list, 1)
		if !nok || !nfull {
			return false
		}
		sh.ALPN = prevALPN
		if prevALPN != string(name) { // compares without a copy
			sh.ALPN = string(name)
		}
		return full
	case extSessionTicket:
		sh.SessionTicketAck = len(data) == 0
	}
	return true
}
