package tlswire

import (
	"crypto/sha256"
	"slices"
	"sync"
)

// A server sends the same chain on every connection, and checking a
// self-signature costs a millisecond or more, so parsed certificates are
// remembered by the hash of their DER. The cache is bounded: when full it is
// emptied and refilled, which is cheap and keeps memory flat.
const certCacheSize = 4096

var certCache = struct {
	sync.Mutex
	m map[[32]byte]Certificate
}{m: make(map[[32]byte]Certificate)}

// parseCertificateCached is parseCertificate with the cache in front. The
// result's SANs slice is the caller's own.
func parseCertificateCached(der []byte) Certificate {
	key := sha256.Sum256(der)
	certCache.Lock()
	c, ok := certCache.m[key]
	certCache.Unlock()
	if !ok {
		c = parseCertificate(der)
		certCache.Lock()
		if len(certCache.m) >= certCacheSize {
			clear(certCache.m)
		}
		certCache.m[key] = c
		certCache.Unlock()
	}
	c.SANs = slices.Clone(c.SANs)
	return c
}
