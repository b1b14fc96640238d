package model

import (
	"net/netip"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// CertCheck is what the leaf certificate says against the capture: the
// checks a client would make that can be made from the wire.
type CertCheck struct {
	Expired     bool
	NotYetValid bool
	NameMatch   bool // SNI matches a SAN (or the CN when there are no SANs)
	NameChecked bool // there was an SNI and a leaf to check it against
	SelfSigned  bool
	// SelfIssuedUnchecked says why a leaf that names itself as issuer was not
	// checked for its own signature (its key is too large to check cheaply).
	SelfIssuedUnchecked string
	ChainOrder          bool // each certificate is issued by the next one
}

// CheckLeaf checks the first certificate at time at against sni.
func CheckLeaf(certs []tlswire.Certificate, sni string, at time.Time) (CertCheck, bool) {
	if len(certs) == 0 || certs[0].Error != "" {
		return CertCheck{}, false
	}
	leaf := &certs[0]
	c := CertCheck{
		Expired:     at.After(leaf.NotAfter),
		NotYetValid: at.Before(leaf.NotBefore),
		SelfSigned:  leaf.SelfSigned,
		ChainOrder:  true,

		SelfIssuedUnchecked: leaf.SignatureNotChecked,
	}
	for i := 0; i+1 < len(certs); i++ {
		if certs[i].Issuer != certs[i+1].Subject {
			c.ChainOrder = false
		}
	}
	if sni != "" {
		c.NameChecked = true
		c.NameMatch = hostMatches(sni, leaf)
	}
	return c, true
}

// hostMatches follows RFC 6125: SAN DNS names (one leading wildcard label),
// IP SANs for IP literals, the CN only when there are no SANs.
func hostMatches(host string, cert *tlswire.Certificate) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if ip, err := netip.ParseAddr(host); err == nil {
		for _, san := range cert.SANs {
			if a, err := netip.ParseAddr(san); err == nil && a == ip {
				return true
			}
		}
		return false
	}
	names := cert.SANs
	if len(names) == 0 && cert.CommonName != "" {
		names = []string{cert.CommonName}
	}
	for _, n := range names {
		if matchPattern(strings.ToLower(strings.TrimSuffix(n, ".")), host) {
			return true
		}
	}
	return false
}

func matchPattern(pattern, host string) bool {
	if pattern == host {
		return true
	}
	rest, ok := strings.CutPrefix(pattern, "*.")
	if !ok {
		return false
	}
	_, hostRest, found := strings.Cut(host, ".")
	return found && hostRest == rest && strings.Contains(rest, ".")
}
