package decode

import "github.com/pcapsurgery/pcapsurgery/decode/tlswire"

// maxCachedChains bounds the certificate cache; when full it starts over.
const maxCachedChains = 1024

// certCache remembers parsed Certificate messages by their exact bytes. A
// busy server sends the same chain on every connection, and parsing X.509
// is the most expensive thing the engine does per flow. Parsed certificates
// are never modified, so flows share them.
type certCache struct {
	m map[string]cachedChain
}

type cachedChain struct {
	certs []tlswire.Certificate
	total int
}

func (c *certCache) parse(body []byte) ([]tlswire.Certificate, int) {
	if v, ok := c.m[string(body)]; ok {
		return v.certs, v.total
	}
	certs, total, _ := tlswire.ParseCertificates(body, false, maxCertsParsed)
	if c.m == nil || len(c.m) >= maxCachedChains {
		c.m = make(map[string]cachedChain)
	}
	c.m[string(body)] = cachedChain{certs, total}
	return certs, total
}
