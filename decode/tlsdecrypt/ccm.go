package tlsdecrypt

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
)

// ccm is AES-CCM (NIST SP 800-38C, RFC 3610) with a 12-byte nonce, as TLS
// uses it (RFC 6655, RFC 8446): the standard library has GCM but no CCM, and
// TLS_AES_128_CCM_SHA256 and TLS_AES_128_CCM_8_SHA256 need it. Only Open is
// used to decrypt; Seal exists for the tests and the test captures.
type ccm struct {
	b       cipher.Block
	tagSize int
}

const ccmNonce = 12

var errOpen = errors.New("tlsdecrypt: message authentication failed")

func newCCM(b cipher.Block, tagSize int) cipher.AEAD { return &ccm{b: b, tagSize: tagSize} }

func (c *ccm) NonceSize() int { return ccmNonce }
func (c *ccm) Overhead() int  { return c.tagSize }

// mac is the CBC-MAC over B0, the encoded additional data and the plaintext.
func (c *ccm) mac(nonce, ad, plain []byte) [16]byte {
	var x, blk [16]byte
	q := 15 - len(nonce)
	flags := byte((c.tagSize-2)/2)<<3 | byte(q-1)
	if len(ad) > 0 {
		flags |= 1 << 6
	}
	blk[0] = flags
	copy(blk[1:], nonce)
	n := uint64(len(plain))
	for i := 15; i > len(nonce); i-- {
		blk[i] = byte(n)
		n >>= 8
	}
	c.b.Encrypt(x[:], blk[:])
	feed := func(b []byte) { // XOR b in, block by block, zero-padded
		for len(b) > 0 {
			k := subtle.XORBytes(x[:], x[:], b[:min(16, len(b))])
			c.b.Encrypt(x[:], x[:])
			b = b[k:]
		}
	}
	if len(ad) > 0 {
		var head []byte
		if len(ad) < 0xff00 {
			head = binary.BigEndian.AppendUint16(nil, uint16(len(ad)))
		} else {
			head = binary.BigEndian.AppendUint32([]byte{0xff, 0xfe}, uint32(len(ad)))
		}
		feed(append(head, ad...))
	}
	feed(plain)
	return x
}

// ctr XORs src with the keystream from counter 1 into dst and returns S0.
func (c *ccm) ctr(dst, src, nonce []byte) [16]byte {
	var ctr, s0, ks [16]byte
	q := 15 - len(nonce)
	ctr[0] = byte(q - 1)
	copy(ctr[1:], nonce)
	c.b.Encrypt(s0[:], ctr[:])
	for i := uint32(1); len(src) > 0; i++ {
		ctr[13], ctr[14], ctr[15] = byte(i>>16), byte(i>>8), byte(i) // q = 3 counter bytes after the nonce
		c.b.Encrypt(ks[:], ctr[:])
		k := subtle.XORBytes(dst, src, ks[:])
		dst, src = dst[k:], src[k:]
	}
	return s0
}

func (c *ccm) Seal(dst, nonce, plain, ad []byte) []byte {
	t := c.mac(nonce, ad, plain)
	out := make([]byte, len(plain)+c.tagSize)
	s0 := c.ctr(out, plain, nonce)
	subtle.XORBytes(out[len(plain):], t[:c.tagSize], s0[:c.tagSize])
	return append(dst, out...)
}

func (c *ccm) Open(dst, nonce, ct, ad []byte) ([]byte, error) {
	if len(nonce) != ccmNonce || len(ct) < c.tagSize || len(ct)-c.tagSize > 1<<24-1 {
		return nil, errOpen
	}
	body, tag := ct[:len(ct)-c.tagSize], ct[len(ct)-c.tagSize:]
	plain := make([]byte, len(body))
	s0 := c.ctr(plain, body, nonce)
	t := c.mac(nonce, ad, plain)
	var want [16]byte
	subtle.XORBytes(want[:], t[:c.tagSize], s0[:c.tagSize])
	if subtle.ConstantTimeCompare(want[:c.tagSize], tag) != 1 {
		return nil, errOpen
	}
	return append(dst, plain...), nil
}
