// Package tlsdecrypt opens TLS records with keys derived from a key log's
// secrets: TLS 1.3 traffic secrets (RFC 8446 7.1-7.3) and the TLS 1.2
// master secret (RFC 5246 6.3). It returns plaintext to the decoder, which
// keeps facts from handshake messages and alerts and drops the rest; nothing
// here keeps or shows a secret.
package tlsdecrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"crypto/sha512"
	"hash"

	"golang.org/x/crypto/chacha20poly1305"
)

// Suite describes how a TLS 1.3 cipher suite protects records.
type Suite struct {
	ID     uint16
	KeyLen int
	Hash   func() hash.Hash
	aead   func(key []byte) (cipher.AEAD, error)
}

// HashLen is the length of the suite's hash, and of its traffic secrets.
func (s *Suite) HashLen() int { return s.Hash().Size() }

func gcm(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func ccmWith(tag int) func([]byte) (cipher.AEAD, error) {
	return func(key []byte) (cipher.AEAD, error) {
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		return newCCM(b, tag), nil
	}
}

var suites13 = []Suite{
	{0x1301, 16, sha256.New, gcm},
	{0x1302, 32, sha512.New384, gcm},
	{0x1303, 32, sha256.New, chacha20poly1305.New},
	{0x1304, 16, sha256.New, ccmWith(16)},
	{0x1305, 16, sha256.New, ccmWith(8)},
}

// Suite13 returns the TLS 1.3 suite with this id, or nil when we cannot
// decrypt it.
func Suite13(id uint16) *Suite {
	for i := range suites13 {
		if suites13[i].ID == id {
			return &suites13[i]
		}
	}
	return nil
}
