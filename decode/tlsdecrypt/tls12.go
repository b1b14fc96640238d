package tlsdecrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"hash"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// Record protections of TLS 1.2 suites.
const (
	kindGCM = iota + 1
	kindCCM
	kindChaCha
	kindCBC
)

// Suite12 describes how a TLS 1.2 cipher suite protects records.
type Suite12 struct {
	ID     uint16
	kind   int
	keyLen int
	ivLen  int // fixed (implicit) IV bytes from the key block
	tag    int // AEAD tag length
	mac    func() hash.Hash
	prf    func() hash.Hash
}

// Suite12Named reads what a suite needs from its IANA name
// (TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, ..._AES_256_GCM_SHA384,
// ..._CHACHA20_POLY1305_SHA256, ..._AES_128_CCM_8): AES in GCM, CCM or CBC
// mode and ChaCha20-Poly1305. Nil for anything else (RC4, 3DES, CAMELLIA,
// ARIA, NULL, export suites).
func Suite12Named(id uint16, name string) *Suite12 {
	_, bulk, ok := strings.Cut(name, "_WITH_")
	if !ok {
		return nil
	}
	s := &Suite12{ID: id, prf: sha256.New}
	if strings.HasSuffix(bulk, "_SHA384") {
		s.prf = sha512.New384
	}
	switch {
	case strings.HasPrefix(bulk, "AES_128_"):
		s.keyLen = 16
	case strings.HasPrefix(bulk, "AES_256_"):
		s.keyLen = 32
	case bulk == "CHACHA20_POLY1305_SHA256":
		s.kind, s.keyLen, s.ivLen, s.tag = kindChaCha, 32, 12, 16
		return s
	default:
		return nil
	}
	mode := bulk[len("AES_128_"):]
	switch mode {
	case "GCM_SHA256", "GCM_SHA384":
		s.kind, s.ivLen, s.tag = kindGCM, 4, 16
	case "CCM":
		s.kind, s.ivLen, s.tag = kindCCM, 4, 16
	case "CCM_8":
		s.kind, s.ivLen, s.tag = kindCCM, 4, 8
	case "CBC_SHA":
		s.kind, s.mac = kindCBC, sha1.New
	case "CBC_SHA256":
		s.kind, s.mac = kindCBC, sha256.New
	case "CBC_SHA384":
		s.kind, s.mac = kindCBC, sha512.New384
	default:
		return nil
	}
	if s.kind == kindCBC {
		s.ivLen = 0 // TLS 1.1 and later send each record's IV in the record
	}
	return s
}

// prf is the TLS 1.2 PRF (RFC 5246 section 5): P_hash over label + seed.
func prf(h func() hash.Hash, secret []byte, label string, seed []byte, n int) []byte {
	ls := append([]byte(label), seed...)
	out := make([]byte, 0, n+64)
	mac := hmac.New(h, secret)
	mac.Write(ls)
	a := mac.Sum(nil)
	for len(out) < n {
		mac.Reset()
		mac.Write(a)
		mac.Write(ls)
		out = mac.Sum(out)
		mac.Reset()
		mac.Write(a)
		a = mac.Sum(a[:0])
	}
	return out[:n]
}

// Keys12 protect one direction of a TLS 1.2 connection after its
// ChangeCipherSpec.
type Keys12 struct {
	s      *Suite12
	aead   cipher.AEAD
	block  cipher.Block
	macKey []byte
	iv     []byte
	etm    bool // encrypt-then-MAC (RFC 7366) was negotiated
	Seq    uint64
}

// NewKeys12 expands a master secret (RFC 5246 6.3) into both directions'
// keys. etm says the ServerHello accepted encrypt_then_mac.
func NewKeys12(s *Suite12, master []byte, clientRandom, serverRandom [32]byte, etm bool) (client, server *Keys12, err error) {
	if len(master) != 48 {
		return nil, nil, errors.New("a master secret is 48 bytes")
	}
	macLen := 0
	if s.mac != nil {
		macLen = s.mac().Size()
	}
	seed := append(serverRandom[:], clientRandom[:]...)
	kb := prf(s.prf, master, "key expansion", seed, 2*(macLen+s.keyLen+s.ivLen))
	take := func(n int) []byte { b := kb[:n:n]; kb = kb[n:]; return b }
	cm, sm := take(macLen), take(macLen)
	ck, sk := take(s.keyLen), take(s.keyLen)
	civ, siv := take(s.ivLen), take(s.ivLen)
	if client, err = s.keys(ck, cm, civ, etm); err != nil {
		return nil, nil, err
	}
	server, err = s.keys(sk, sm, siv, etm)
	return client, server, err
}

func (s *Suite12) keys(key, macKey, iv []byte, etm bool) (*Keys12, error) {
	k := &Keys12{s: s, macKey: macKey, iv: iv, etm: etm && s.kind == kindCBC}
	var err error
	switch s.kind {
	case kindChaCha:
		k.aead, err = chacha20poly1305.New(key)
	case kindGCM:
		k.aead, err = gcm(key)
	case kindCCM:
		k.aead, err = ccmWith(s.tag)(key)
	case kindCBC:
		k.block, err = aes.NewCipher(key)
	}
	return k, err
}

// additional is the TLS 1.2 MAC/AEAD header: seq, type, version, length.
func additional(seq uint64, hdr [5]byte, n int) []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 13), seq)
	b = append(b, hdr[0], hdr[1], hdr[2])
	return binary.BigEndian.AppendUint16(b, uint16(n))
}

// Open decrypts one TLS 1.2 record and checks its tag or MAC; the
// sequence number advances only on success. The plaintext is appended to dst.
func (k *Keys12) Open(dst []byte, hdr [5]byte, body []byte) ([]byte, error) {
	if len(body) > 1<<14+2048 {
		return nil, ErrTag
	}
	var out []byte
	var err error
	if k.s.kind == kindCBC {
		out, err = k.openCBC(dst, hdr, body)
	} else {
		out, err = k.openAEAD(dst, hdr, body)
	}
	if err != nil {
		return nil, err
	}
	k.Seq++
	return out, nil
}

func (k *Keys12) openAEAD(dst []byte, hdr [5]byte, body []byte) ([]byte, error) {
	var nonce [12]byte
	if k.s.kind == kindChaCha {
		copy(nonce[:], k.iv) // RFC 7905: the IV XOR the sequence number
		for i := 0; i < 8; i++ {
			nonce[11-i] ^= byte(k.Seq >> (8 * i))
		}
	} else { // RFC 5288 / 6655: 4 implicit bytes, 8 explicit ones leading the record
		if len(body) < 8 {
			return nil, ErrTag
		}
		copy(nonce[:4], k.iv)
		copy(nonce[4:], body[:8])
		body = body[8:]
	}
	n := len(body) - k.aead.Overhead()
	if n < 0 {
		return nil, ErrTag
	}
	out, err := k.aead.Open(dst, nonce[:], body, additional(k.Seq, hdr, n))
	if err != nil {
		return nil, ErrTag
	}
	return out[len(dst):], nil
}

func (k *Keys12) openCBC(dst []byte, hdr [5]byte, body []byte) ([]byte, error) {
	bs := k.block.BlockSize()
	macLen := k.s.mac().Size()
	if k.etm {
		if len(body) < bs+bs+macLen {
			return nil, ErrTag
		}
		ct, tag := body[:len(body)-macLen], body[len(body)-macLen:]
		m := hmac.New(k.s.mac, k.macKey)
		m.Write(additional(k.Seq, hdr, len(ct)))
		m.Write(ct)
		if !hmac.Equal(m.Sum(nil), tag) {
			return nil, ErrTag
		}
		plain, ok := k.cbc(ct)
		if !ok {
			return nil, ErrTag
		}
		return append(dst, plain...), nil
	}
	plain, ok := k.cbc(body)
	if !ok || len(plain) < macLen {
		return nil, ErrTag
	}
	content, tag := plain[:len(plain)-macLen], plain[len(plain)-macLen:]
	m := hmac.New(k.s.mac, k.macKey)
	m.Write(additional(k.Seq, hdr, len(content)))
	m.Write(content)
	if subtle.ConstantTimeCompare(m.Sum(nil), tag) != 1 {
		return nil, ErrTag
	}
	return append(dst, content...), nil
}

// cbc decrypts IV || ciphertext and strips the padding.
func (k *Keys12) cbc(b []byte) ([]byte, bool) {
	bs := k.block.BlockSize()
	if len(b) < 2*bs || len(b)%bs != 0 {
		return nil, false
	}
	plain := make([]byte, len(b)-bs)
	cipher.NewCBCDecrypter(k.block, b[:bs]).CryptBlocks(plain, b[bs:])
	pad := int(plain[len(plain)-1])
	if pad+1 > len(plain) {
		return nil, false
	}
	for _, p := range plain[len(plain)-pad-1:] {
		if int(p) != pad {
			return nil, false
		}
	}
	return plain[:len(plain)-pad-1], true
}
