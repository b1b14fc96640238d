package fingerprint

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// JA4 (FoxIO, BSD-3-Clause) client fingerprint. Only JA4 itself lives here:
// JA4S, JA4X, JA4H and the rest of JA4+ are under the FoxIO License and are
// deliberately not implemented.

// Transport markers for the proto argument.
const (
	ProtoTCP  = 't'
	ProtoQUIC = 'q'
	ProtoDTLS = 'd'
)

const (
	extServerName = 0x0000
	extALPN       = 0x0010
	zeroHash      = "000000000000" // JA4 writes this instead of hashing nothing
)

// JA4 returns the JA4 fingerprint, e.g. t13d1516h2_8daaf6152771_e5627efa2ab1.
// proto is ProtoTCP, ProtoQUIC or ProtoDTLS.
func JA4(ch *tlswire.ClientHello, proto byte) string {
	p := ja4Parts(ch, proto, true)
	return p.a + "_" + hash12(p.ciphers) + "_" + hash12(p.exts)
}

// JA4R returns the raw, sorted form (FoxIO's ja4_r): the JA4 inputs before
// hashing. A debugging aid: it shows why two JA4s differ.
func JA4R(ch *tlswire.ClientHello, proto byte) string {
	p := ja4Parts(ch, proto, true)
	return p.a + "_" + p.ciphers + "_" + p.exts
}

// JA4RO returns the raw form in wire order (FoxIO's ja4_ro): ciphers and
// extensions unsorted, SNI and ALPN kept, GREASE removed.
func JA4RO(ch *tlswire.ClientHello, proto byte) string {
	p := ja4Parts(ch, proto, false)
	return p.a + "_" + p.ciphers + "_" + p.exts
}

type parts struct{ a, ciphers, exts string }

func ja4Parts(ch *tlswire.ClientHello, proto byte, sorted bool) parts {
	ciphers := noGREASE(ch.CipherSuites)
	exts := noGREASE(ch.Extensions)

	sni := byte('i')
	if slices.Contains(exts, extServerName) || ch.SNI != "" {
		sni = 'd'
	}
	first := make([]byte, 0, 10)
	first = append(first, proto)
	first = append(first, ja4Version(ch)...)
	first = append(first, sni)
	first = appendCount(first, len(ciphers))
	first = appendCount(first, len(exts))
	first = append(first, alpnChars(ch.ALPN)...)

	if sorted {
		slices.Sort(ciphers)
		// SNI and ALPN are already in part a; dropping them keeps part c
		// stable across destinations and protocols.
		exts = slices.DeleteFunc(exts, func(v uint16) bool { return v == extServerName || v == extALPN })
		slices.Sort(exts)
	}
	e := hexList(exts)
	if sigs := noGREASE(ch.SignatureAlgorithms); len(sigs) > 0 && e != "" {
		e += "_" + hexList(sigs) // signature algorithms stay in wire order
	}
	return parts{a: string(first), ciphers: hexList(ciphers), exts: e}
}

// ja4Version: the highest non-GREASE supported_versions entry, else
// legacy_version. An SSLv2-format hello counts by the version it advertises
// (FoxIO's JA4.md: the hello's protocol version, not the record's format):
// "10" for one offering TLS 1.0, "s2" only for SSL 2.0 itself.
func ja4Version(ch *tlswire.ClientHello) string {
	v := ch.LegacyVersion
	best := 0
	for _, sv := range ch.SupportedVersions {
		if registry.IsGREASE(sv) {
			continue
		}
		if r := versionRank(sv); r > best {
			best, v = r, sv
		}
	}
	switch v {
	case 0x0304:
		return "13"
	case 0x0303:
		return "12"
	case 0x0302:
		return "11"
	case 0x0301:
		return "10"
	case 0x0300:
		return "s3"
	case 0x0002:
		return "s2"
	case 0xfeff:
		return "d1"
	case 0xfefd:
		return "d2"
	case 0xfefc:
		return "d3"
	}
	return "00"
}

// versionRank orders versions newest-last. DTLS numbers count down
// (0xfefc is DTLS 1.3, newer than 0xfefd), so a plain max would pick 1.2.
func versionRank(v uint16) int {
	if v>>8 == 0xfe {
		return 0x10000 + 0xff - int(v&0xff)
	}
	return int(v)
}

// alpnChars follows FoxIO's reference implementation (rust/ja4 first_last,
// fed by tshark), not the written spec's hex rule. See README.md:
//   - no ALPN, or an empty first value: "00";
//   - otherwise the first and last byte of the first value, each byte
//     >= 0x80 replaced by '9' (tshark shows each such byte as one U+FFFD,
//     which the reference maps to '9'); other ASCII passes unchanged;
//   - a one-byte value gives that byte then '0' (the spec says "aa").
func alpnChars(alpn []string) []byte {
	if len(alpn) == 0 || alpn[0] == "" {
		return []byte("00")
	}
	s := alpn[0]
	out := []byte{ascii9(s[0]), '0'}
	if len(s) > 1 {
		out[1] = ascii9(s[len(s)-1])
	}
	return out
}

func ascii9(c byte) byte {
	if c >= 0x80 {
		return '9'
	}
	return c
}

func appendCount(b []byte, n int) []byte {
	n = min(n, 99)
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

func noGREASE(vs []uint16) []uint16 {
	out := make([]uint16, 0, len(vs))
	for _, v := range vs {
		if !registry.IsGREASE(v) {
			out = append(out, v)
		}
	}
	return out
}

func hexList(vs []uint16) string {
	var b strings.Builder
	b.Grow(len(vs) * 5)
	var buf [2]byte
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		buf[0], buf[1] = byte(v>>8), byte(v)
		b.WriteString(hex.EncodeToString(buf[:]))
	}
	return b.String()
}

func hash12(s string) string {
	if s == "" {
		return zeroHash
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}
