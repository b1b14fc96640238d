package tlswire

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"
)

// ParseClientHello decodes a ClientHello handshake body (the bytes after the
// 4-byte handshake header).
//
// It is lenient: when the body is cut short or an extension is malformed, the
// fields read so far are kept, Truncated is set and the error is nil, as long
// as the cipher suite list was read whole. Otherwise the error wraps
// ErrTruncated; the returned hello is still non-nil and holds whatever came
// before the cut.
func ParseClientHello(body []byte) (*ClientHello, error) {
	ch := &ClientHello{}
	return ch, parseClientHello(ch, body, "")
}

// ParseClientHelloInto is ParseClientHello into *ch, reusing the memory of
// its lists: for a caller that parses many hellos and copies what it keeps
// (decode shares one hello between flows). An empty list may be empty
// rather than nil. Names equal to the previous hello's are its strings again,
// not new ones: a client stack sends the same ALPN list every time.
func ParseClientHelloInto(ch *ClientHello, body []byte) error {
	prevSNI := ch.SNI
	*ch = ClientHello{SessionID: ch.SessionID[:0], CipherSuites: ch.CipherSuites[:0],
		Compression: ch.Compression[:0], Extensions: ch.Extensions[:0], ALPN: ch.ALPN[:0],
		SupportedVersions: ch.SupportedVersions[:0], SupportedGroups: ch.SupportedGroups[:0],
		ECPointFormats: ch.ECPointFormats[:0], KeyShares: ch.KeyShares[:0],
		SignatureAlgorithms: ch.SignatureAlgorithms[:0], PSKModes: ch.PSKModes[:0]}
	return parseClientHello(ch, body, prevSNI)
}

// parseClientHello decodes body into ch, whose lists are empty (nil, or
// memory to reuse); prevSNI is the server name the last hello parsed into ch
// had.
func parseClientHello(ch *ClientHello, body []byte, prevSNI string) error {
	s := cryptobyte.String(body)
	if !s.ReadUint16(&ch.LegacyVersion) || !s.CopyBytes(ch.Random[:]) {
		ch.Truncated = true
		return fmt.Errorf("%w: ClientHello shorter than version and random", ErrTruncated)
	}
	sid, full, ok := lenientVec(&s, 1)
	if !ok || !full {
		ch.Truncated = true
		return fmt.Errorf("%w: ClientHello ends in its session id", ErrTruncated)
	}
	ch.SessionID = append(ch.SessionID, sid...) // a copy: nil when empty, as cloneBytes

	suites, full, ok := lenientVec(&s, 2)
	if ok {
		var even bool
		dst := ch.CipherSuites
		if n := min(len(suites)/2, maxSuites); dst == nil || cap(dst) < n {
			dst = make([]uint16, 0, n)
		}
		ch.CipherSuites, even = appendUint16s(dst, suites, maxSuites)
		if !even {
			ch.Truncated = true // odd list length: keep the whole pairs
		}
	}
	if !ok || !full {
		ch.Truncated = true
		return fmt.Errorf("%w: ClientHello ends in its cipher suites", ErrTruncated)
	}

	comp, full, ok := lenientVec(&s, 1)
	if !ok {
		ch.Truncated = true
		return nil
	}
	ch.Compression = append(ch.Compression, comp...) // a copy: nil when empty, as cloneBytes
	if !full {
		ch.Truncated = true
		return nil
	}

	if len(s) == 0 {
		return nil // no extensions block: a legitimate pre-TLS 1.2 hello
	}
	exts, full, ok := lenientVec(&s, 2)
	if !ok || !full {
		ch.Truncated = true
	}
	d := clientHelloDecoder{ch: ch, prevSNI: prevSNI}
	for len(exts) > 0 {
		var typ uint16
		if !exts.ReadUint16(&typ) {
			ch.Truncated = true
			break
		}
		data, full, ok := lenientVec(&exts, 2)
		if !ok {
			ch.Truncated = true
			break
		}
		if len(ch.Extensions) < maxExtensions {
			ch.Extensions = append(ch.Extensions, typ)
		}
		if !full {
			ch.Truncated = true
		}
		if !d.extension(typ, data) {
			ch.Truncated = true
		}
	}
	return nil
}

type clientHelloDecoder struct {
	ch      *ClientHello
	prevSNI string // reused when the name is the same (ParseClientHelloInto)
	haveSNI bool
}

// appendName appends name to l as a string, reusing the one a previous
// parse left just past l's end when it is the same (ParseClientHelloInto).
func appendName(l []string, name []byte) []string {
	if len(l) < cap(l) {
		if old := l[:len(l)+1][len(l)]; old == string(name) {
			return append(l, old)
		}
	}
	return append(l, string(name))
}

// extension decodes one extension body; false means it was malformed or cut.
// What was read before the fault is kept.
func (d *clientHelloDecoder) extension(typ uint16, data cryptobyte.String) bool {
	ch := d.ch
	switch typ {
	case extServerName:
		return d.serverName(data)
	case extALPN:
		list, full, ok := lenientVec(&data, 2)
		if !ok {
			return false
		}
		for len(list) > 0 {
			name, nfull, _ := lenientVec(&list, 1)
			if !nfull {
				return false
			}
			if len(ch.ALPN) < maxALPN {
				ch.ALPN = appendName(ch.ALPN, name)
			}
		}
		return full
	case extSupportedVersions:
		return d.uint16Vec(&ch.SupportedVersions, data, 1)
	case extSupportedGroups:
		return d.uint16Vec(&ch.SupportedGroups, data, 2)
	case extSignatureAlgorithms:
		return d.uint16Vec(&ch.SignatureAlgorithms, data, 2)
	case extECPointFormats:
		v, full, ok := lenientVec(&data, 1)
		ch.ECPointFormats = appendUint8s(ch.ECPointFormats, v, maxUint8List)
		return ok && full
	case extPSKModes:
		v, full, ok := lenientVec(&data, 1)
		ch.PSKModes = appendUint8s(ch.PSKModes, v, maxUint8List)
		return ok && full
	case extKeyShare, extKeyShareDraft:
		shares, full, ok := lenientVec(&data, 2)
		if !ok {
			return false
		}
		for len(shares) > 0 {
			var group uint16
			if !shares.ReadUint16(&group) {
				return false
			}
			_, kfull, kok := lenientVec(&shares, 2)
			if !kok || !kfull {
				return false
			}
			if len(ch.KeyShares) < maxKeyShares {
				ch.KeyShares = append(ch.KeyShares, group)
			}
		}
		return full
	case extPreSharedKey:
		ids, full, ok := lenientVec(&data, 2)
		if !ok {
			return false
		}
		for len(ids) > 0 {
			var age uint32
			_, ifull, iok := lenientVec(&ids, 2)
			if !iok || !ifull || !ids.ReadUint32(&age) {
				return false
			}
			ch.PSKIdentities++
		}
		return full
	case extEarlyData:
		ch.EarlyData = true
	case extSessionTicket:
		ch.SessionTicket = true
		ch.SessionTicketLen = len(data)
	case extECH:
		ch.ECH = true
	}
	return true
}

// serverName keeps the first host_name of the first server_name extension.
func (d *clientHelloDecoder) serverName(data cryptobyte.String) bool {
	list, full, ok := lenientVec(&data, 2)
	if !ok {
		return false
	}
	for len(list) > 0 {
		var nameType uint8
		if !list.ReadUint8(&nameType) {
			return false
		}
		name, nfull, nok := lenientVec(&list, 2)
		if !nok || !nfull {
			return false
		}
		if nameType == 0 && !d.haveSNI {
			d.ch.SNI = d.prevSNI
			if d.prevSNI != string(name) { // compares without a copy
				d.ch.SNI = string(name)
			}
			d.haveSNI = true
		}
	}
	return full
}

// uint16Vec appends a length-prefixed list of uint16s to *dst (bounded).
func (d *clientHelloDecoder) uint16Vec(dst *[]uint16, data cryptobyte.String, prefix int) bool {
	v, full, ok := lenientVec(&data, prefix)
	if !ok {
		return false
	}
	var even bool
	*dst, even = appendUint16s(*dst, v, maxUint16List)
	return full && even
}
