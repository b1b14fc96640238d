package decode

import (
	"crypto/sha256"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// maxCachedChains bounds the certificate cache; when full it starts over.
const maxCachedChains = 1024

// certCache remembers parsed Certificate messages by their exact bytes. A
// busy server sends the same chain on every connection, and parsing X.509
// is the most expensive thing the engine does per flow. Parsed certificates
// are never modified, so flows share them.
type certCache struct {
	m map[[32]byte]cachedChain // by SHA-256, so the message bytes are not kept
}

type cachedChain struct {
	certs []tlswire.Certificate
	total int32
}

func (c *certCache) parse(body []byte, tls13 bool) ([]tlswire.Certificate, int32) {
	key := sha256.Sum256(body)
	if tls13 {
		key[0] ^= 1 // the same bytes read as the other form are another chain
	}
	if v, ok := c.m[key]; ok {
		return v.certs, v.total
	}
	certs, total, _ := tlswire.ParseCertificates(body, tls13, maxCertsParsed)
	if c.m == nil || len(c.m) >= maxCachedChains {
		c.m = make(map[[32]byte]cachedChain)
	}
	c.m[key] = cachedChain{certs, int32(total)}
	return certs, int32(total)
}
