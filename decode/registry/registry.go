// Package registry names TLS code points (cipher suites, extensions, groups,
// signature schemes, alerts, handshake and content types, versions).
// The tables are generated from ../shared/tls-registry/*.csv; unknown values
// print as hex ("0x1234", "0x12") and GREASE values (RFC 8701) as "GREASE".
//
// Suites, extensions, groups and signature schemes use tshark's (IANA's)
// spelling. Alerts, handshake types and content types use the RFC
// identifiers ("handshake_failure", "client_hello", "application_data").
package registry

//go:generate go run ./gen

import "strconv"

type entry struct {
	v    uint16
	name string
}

// IsGREASE reports whether v is an RFC 8701 GREASE value: both bytes equal,
// low nibble 0xa (0x0a0a, 0x1a1a, ..., 0xfafa).
func IsGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

// find returns the index of v in a sorted table, or -1.
func find(t []entry, v uint16) int {
	lo, hi := 0, len(t)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t[m].v < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t) && t[lo].v == v {
		return lo
	}
	return -1
}

func lookup16(t []entry, v uint16) string {
	if IsGREASE(v) {
		return "GREASE"
	}
	if i := find(t, v); i >= 0 {
		return t[i].name
	}
	return hex16(v)
}

func lookup8(t *[256]string, v uint8) string {
	if s := t[v]; s != "" {
		return s
	}
	return hex8(v)
}

func hex16(v uint16) string {
	b := []byte("0x0000")
	s := strconv.AppendUint(nil, uint64(v), 16)
	copy(b[6-len(s):], s)
	return string(b)
}

func hex8(v uint8) string {
	b := []byte("0x00")
	s := strconv.AppendUint(nil, uint64(v), 16)
	copy(b[4-len(s):], s)
	return string(b)
}

// CipherSuite returns the IANA name, e.g. "TLS_AES_128_GCM_SHA256".
func CipherSuite(v uint16) string { return lookup16(cipherSuites[:], v) }

// CipherSuiteShort returns a compact OpenSSL-style name for narrow columns,
// e.g. "ECDHE-RSA-AES128-GCM-SHA256" (mechanically derived, see gen).
func CipherSuiteShort(v uint16) string {
	if IsGREASE(v) {
		return "GREASE"
	}
	if i := find(cipherSuites[:], v); i >= 0 {
		return cipherSuitesShort[i]
	}
	return hex16(v)
}

// Extension returns the extension name, e.g. "server_name".
func Extension(v uint16) string { return lookup16(extensions[:], v) }

// Group returns the named group, e.g. "x25519", "X25519MLKEM768".
func Group(v uint16) string { return lookup16(groups[:], v) }

// SignatureScheme returns the scheme name, e.g. "rsa_pss_rsae_sha256".
func SignatureScheme(v uint16) string { return lookup16(signatureSchemes[:], v) }

// Alert returns the alert description, e.g. "handshake_failure".
func Alert(v uint8) string { return lookup8(&alerts, v) }

// HandshakeType returns the handshake message type, e.g. "client_hello".
func HandshakeType(v uint8) string { return lookup8(&handshakeTypes, v) }

// ContentType returns the record content type, e.g. "handshake".
func ContentType(v uint8) string { return lookup8(&contentTypes, v) }

// Version returns "SSL 3.0", "TLS 1.0".."TLS 1.3", "DTLS 1.0/1.2/1.3",
// "TLS 1.3 draft NN" for 0x7fNN, "GREASE", or hex.
func Version(v uint16) string {
	if IsGREASE(v) {
		return "GREASE"
	}
	if i := find(versions[:], v); i >= 0 {
		return versions[i].name
	}
	if v>>8 == 0x7f { // drafts the data does not list
		return "TLS 1.3 draft " + strconv.Itoa(int(v&0xff))
	}
	return hex16(v)
}
