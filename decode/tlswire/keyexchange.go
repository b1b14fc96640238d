package tlswire

import "golang.org/x/crypto/cryptobyte"

// ecCurveTypeNamed is ECCurveType named_curve (RFC 8422 §5.4).
const ecCurveTypeNamed = 3

// ParseServerKeyExchange reads the key exchange parameters of a TLS <= 1.2
// ServerKeyExchange. The message does not say which kind it is (the cipher
// suite does), so both shapes are tried: ECDHE (curve_type, named_curve,
// point) and finite-field DHE (dh_p, dh_g, dh_Ys). A shape that accounts for
// the whole body, up to an optional signature, wins; if the body is cut, an
// ECDHE header alone is still believed.
func ParseServerKeyExchange(body []byte) ServerKeyExchangeInfo {
	if group, ok := ecdheParams(body); ok {
		return ServerKeyExchangeInfo{NamedGroup: group}
	}
	if dheParams(body) {
		return ServerKeyExchangeInfo{DHE: true}
	}
	if len(body) >= 3 && body[0] == ecCurveTypeNamed {
		return ServerKeyExchangeInfo{NamedGroup: uint16(body[1])<<8 | uint16(body[2])}
	}
	return ServerKeyExchangeInfo{}
}

func ecdheParams(body []byte) (uint16, bool) {
	s := cryptobyte.String(body)
	var curveType uint8
	var group uint16
	var point cryptobyte.String
	if !s.ReadUint8(&curveType) || curveType != ecCurveTypeNamed || !s.ReadUint16(&group) ||
		!s.ReadUint8LengthPrefixed(&point) || len(point) == 0 {
		return 0, false
	}
	return group, signatureTail(s)
}

func dheParams(body []byte) bool {
	s := cryptobyte.String(body)
	var p, g, ys cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&p) || !s.ReadUint16LengthPrefixed(&g) || !s.ReadUint16LengthPrefixed(&ys) ||
		len(p) == 0 || len(g) == 0 || len(ys) == 0 {
		return false
	}
	return signatureTail(s)
}

// signatureTail reports whether s is exactly what may follow the parameters:
// nothing (anonymous), a TLS 1.2 digitally-signed struct (algorithm, then a
// 2-byte length), or a TLS 1.0/1.1 one (just the 2-byte length).
func signatureTail(s cryptobyte.String) bool {
	if len(s) == 0 {
		return true
	}
	t := s
	var sig cryptobyte.String
	if t.ReadUint16LengthPrefixed(&sig) && len(t) == 0 {
		return true
	}
	var alg uint16
	return s.ReadUint16(&alg) && s.ReadUint16LengthPrefixed(&sig) && len(s) == 0
}

// ParseCertificateRequest reads a CertificateRequest. In TLS 1.2 the
// signature algorithms list sits between the certificate types and the
// authorities; TLS 1.0/1.1 lack it, so the 1.2 shape is tried first and must
// account for the whole body. In TLS 1.3 both lists are extensions.
func ParseCertificateRequest(body []byte, tls13 bool) CertificateRequestInfo {
	var info CertificateRequestInfo
	s := cryptobyte.String(body)
	if tls13 {
		var exts cryptobyte.String
		if _, full, ok := lenientVec(&s, 1); !ok || !full {
			return info
		}
		exts, _, _ = lenientVec(&s, 2)
		for len(exts) > 0 {
			var typ uint16
			var data cryptobyte.String
			if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
				break
			}
			switch typ {
			case extSignatureAlgorithms:
				v, _, _ := lenientVec(&data, 2)
				info.SignatureAlgorithms, _ = appendUint16s(info.SignatureAlgorithms, v, maxUint16List)
			case extCertAuthorities:
				v, _, _ := lenientVec(&data, 2)
				info.Authorities += countDistinguishedNames(v)
			}
		}
		return info
	}
	types, full, ok := lenientVec(&s, 1)
	if !ok {
		return info
	}
	info.CertificateTypes = appendUint8s(nil, types, maxUint8List)
	if !full {
		return info
	}
	// TLS 1.2 shape: the rest is exactly sigalgs then authorities.
	t := s
	var algs, cas cryptobyte.String
	if t.ReadUint16LengthPrefixed(&algs) && t.ReadUint16LengthPrefixed(&cas) && len(t) == 0 {
		info.SignatureAlgorithms, _ = appendUint16s(nil, algs, maxUint16List)
		info.Authorities = countDistinguishedNames(cas)
		return info
	}
	// TLS 1.0/1.1 shape, or a cut 1.2 body: count what fits.
	cas, _, _ = lenientVec(&s, 2)
	info.Authorities = countDistinguishedNames(cas)
	return info
}

// countDistinguishedNames counts whole 2-byte-length-prefixed names.
func countDistinguishedNames(v cryptobyte.String) int {
	n := 0
	for len(v) > 0 {
		var dn cryptobyte.String
		if !v.ReadUint16LengthPrefixed(&dn) {
			break
		}
		n++
	}
	return n
}

// ParseNewSessionTicket returns the ticket lifetime (TLS 1.2: the lifetime
// hint, 0 meaning unspecified; TLS 1.3: ticket_lifetime in seconds). ok is
// false when the lifetime is missing or the body has bytes the structure
// cannot account for; a body cut after the lifetime is still ok.
func ParseNewSessionTicket(body []byte, tls13 bool) (lifetime uint32, ok bool) {
	s := cryptobyte.String(body)
	if !s.ReadUint32(&lifetime) {
		return 0, false
	}
	if tls13 {
		var ageAdd uint32
		if !s.ReadUint32(&ageAdd) {
			return lifetime, len(s) < 4
		}
		if _, full, ok := lenientVec(&s, 1); !ok || !full {
			return lifetime, true
		}
	}
	if _, full, ok := lenientVec(&s, 2); !ok || !full {
		return lifetime, true
	}
	if tls13 {
		if _, full, ok := lenientVec(&s, 2); !ok || !full {
			return lifetime, true
		}
	}
	return lifetime, len(s) == 0
}
