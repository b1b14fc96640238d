package tlsdecrypt

import (
	"crypto/cipher"
	"crypto/hkdf"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrTag is a record whose authentication tag did not check: the key is
// not this connection's (a wrong or mismatched key log line), or the
// record is not what its position says.
var ErrTag = errors.New("authentication tag check failed")

// expandLabel is HKDF-Expand-Label with an empty context (RFC 8446 7.1).
func expandLabel(s *Suite, secret []byte, label string, n int) ([]byte, error) {
	full := "tls13 " + label
	info := make([]byte, 0, 4+len(full))
	info = binary.BigEndian.AppendUint16(info, uint16(n))
	info = append(info, byte(len(full)))
	info = append(info, full...)
	info = append(info, 0) // empty context
	return hkdf.Expand(s.Hash, secret, string(info), n)
}

// Keys protect one direction at one stage of a TLS 1.3 connection (early,
// handshake, application): an AEAD, its IV and the record sequence number.
type Keys struct {
	suite  *Suite
	secret []byte
	aead   cipher.AEAD
	iv     [12]byte
	Seq    uint64
}

// NewKeys13 derives a direction's record keys from a traffic secret.
func NewKeys13(s *Suite, secret []byte) (*Keys, error) {
	if len(secret) != s.HashLen() {
		return nil, fmt.Errorf("a %d-byte secret for a suite whose hash is %d bytes", len(secret), s.HashLen())
	}
	key, err := expandLabel(s, secret, "key", s.KeyLen)
	if err != nil {
		return nil, err
	}
	iv, err := expandLabel(s, secret, "iv", 12)
	if err != nil {
		return nil, err
	}
	a, err := s.aead(key)
	if err != nil {
		return nil, err
	}
	k := &Keys{suite: s, secret: secret, aead: a}
	copy(k.iv[:], iv)
	return k, nil
}

// Update returns the keys after a KeyUpdate (RFC 8446 7.2).
func (k *Keys) Update() (*Keys, error) {
	next, err := expandLabel(k.suite, k.secret, "traffic upd", k.suite.HashLen())
	if err != nil {
		return nil, err
	}
	return NewKeys13(k.suite, next)
}

// MaxRecord is the largest TLS 1.3 ciphertext (2^14 + 256).
const MaxRecord = 1<<14 + 256

// Open decrypts one TLS 1.3 record: hdr is its 5-byte header, body its
// ciphertext. It returns the inner plaintext (padding removed) and inner
// content type, appending into dst; on success the sequence number
// advances. A failed open leaves the keys as they were.
func (k *Keys) Open(dst []byte, hdr [5]byte, body []byte) (plain []byte, typ uint8, err error) {
	if len(body) < k.aead.Overhead()+1 || len(body) > MaxRecord {
		return nil, 0, ErrTag
	}
	var nonce [12]byte
	nonce = k.iv
	for i := 0; i < 8; i++ {
		nonce[11-i] ^= byte(k.Seq >> (8 * i))
	}
	out, err := k.aead.Open(dst, nonce[:], body, hdr[:])
	if err != nil {
		return nil, 0, ErrTag
	}
	k.Seq++
	plain = out[len(dst):]
	i := len(plain) - 1
	for i >= 0 && plain[i] == 0 {
		i--
	}
	if i < 0 {
		return nil, 0, errors.New("record holds only padding, no content type")
	}
	return plain[:i], plain[i], nil
}

// Seal encrypts one TLS 1.3 record (for tests and generators). It returns
// the whole record, header included.
func (k *Keys) Seal(typ uint8, plain []byte) []byte {
	inner := append(append([]byte(nil), plain...), typ)
	n := len(inner) + k.aead.Overhead()
	hdr := []byte{23, 3, 3, byte(n >> 8), byte(n)}
	var nonce [12]byte
	nonce = k.iv
	for i := 0; i < 8; i++ {
		nonce[11-i] ^= byte(k.Seq >> (8 * i))
	}
	k.Seq++
	return k.aead.Seal(hdr, nonce[:], inner, hdr)
}
