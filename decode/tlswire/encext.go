package tlswire

import "golang.org/x/crypto/cryptobyte"

// EncryptedExtensionsInfo is what a TLS 1.3 server's EncryptedExtensions said
// (readable only with the connection's key log).
type EncryptedExtensionsInfo struct {
	Extensions []uint16 // types in order (at most maxExtensions)
	ALPN       string   // the protocol the server chose, raw bytes
	EarlyData  bool     // the server accepted the client's 0-RTT data
	Truncated  bool
}

// ParseEncryptedExtensions decodes an EncryptedExtensions body: one
// extensions block, read as a ServerHello's is.
func ParseEncryptedExtensions(body []byte) *EncryptedExtensionsInfo {
	sh := &ServerHello{SelectedPSK: -1}
	s := cryptobyte.String(body)
	sh.parseExtensions(&s, "")
	ee := &EncryptedExtensionsInfo{Extensions: sh.Extensions, ALPN: sh.ALPN, Truncated: sh.Truncated}
	for _, t := range sh.Extensions {
		if t == extEarlyData {
			ee.EarlyData = true
		}
	}
	return ee
}
