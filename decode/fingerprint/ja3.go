// Package fingerprint computes JA3, JA3S (Salesforce) and JA4 (FoxIO, client
// only) fingerprints from decoded hellos. See README.md for the choices made
// where the specifications leave room.
package fingerprint

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// JA3 returns the JA3 string
// SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
// (decimal, '-' joined, GREASE removed from every list) and its MD5 in hex.
// The version is the ClientHello's legacy_version, as JA3 defines it.
func JA3(ch *tlswire.ClientHello) (full, hash string) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(ch.LegacyVersion)))
	b.WriteByte(',')
	writeDec16(&b, ch.CipherSuites, true)
	b.WriteByte(',')
	writeDec16(&b, ch.Extensions, true)
	b.WriteByte(',')
	writeDec16(&b, ch.SupportedGroups, true)
	b.WriteByte(',')
	for i, f := range ch.ECPointFormats {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(int(f)))
	}
	full = b.String()
	return full, md5hex(full)
}

// JA3S returns the JA3S string SSLVersion,Cipher,Extensions (legacy_version,
// decimal) and its MD5 in hex. Like Salesforce's ja3s.py, server extensions
// are kept as sent (servers do not GREASE them).
func JA3S(sh *tlswire.ServerHello) (full, hash string) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(sh.LegacyVersion)))
	b.WriteByte(',')
	b.WriteString(strconv.Itoa(int(sh.CipherSuite)))
	b.WriteByte(',')
	writeDec16(&b, sh.Extensions, false)
	full = b.String()
	return full, md5hex(full)
}

func writeDec16(b *strings.Builder, vs []uint16, dropGREASE bool) {
	first := true
	for _, v := range vs {
		if dropGREASE && registry.IsGREASE(v) {
			continue
		}
		if !first {
			b.WriteByte('-')
		}
		first = false
		b.WriteString(strconv.Itoa(int(v)))
	}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
