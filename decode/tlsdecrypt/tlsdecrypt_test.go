package tlsdecrypt

import (
	"bytes"
	"crypto/aes"
	"encoding/hex"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func seq(from, to int) []byte {
	var b []byte
	for i := from; i < to; i++ {
		b = append(b, byte(i))
	}
	return b
}

// TestCCM checks AES-CCM against NIST SP 800-38C example 3 (12-byte nonce,
// 8-byte tag) and against vectors from pyca/cryptography (OpenSSL's CCM) for
// the 16-byte tag, a record-sized message and additional data over 0xff00
// bytes (the long length form).
func TestCCM(t *testing.T) {
	cases := []struct {
		name       string
		key, nonce []byte
		ad, plain  []byte
		tag        int
		want       string
	}{
		{"NIST example 3", seq(0x40, 0x50), seq(0x10, 0x1c), seq(0, 20), seq(0x20, 0x38), 8,
			"e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951"},
		{"16-byte tag", unhex(t, "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"), unhex(t, "00000003020100a0a1a2a3a4"),
			unhex(t, "17030300ff"), seq(0, 100), 16,
			"3534e71085ff8b0580633afc7dedae67b942d46b02bda4e7d76719b534bbe1a77b76355d2e5dfb7290088044eb29dcaba309feec99e0a4a836539e532b44398f33d5aae5c286f0a99e31dca78cbb0a14ff03e41ae5f8875c35feb2ded0bf5677b22b4d1386f3856694865ff051682a941d9e42cd"},
		{"long additional data", unhex(t, "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"), unhex(t, "00000003020100a0a1a2a3a4"),
			bytes.Repeat(seq(0, 256), 300)[:70000], seq(0, 33), 16,
			"3534e71085ff8b0580633afc7dedae67b942d46b02bda4e7d76719b534bbe1a77b996ab00b17a6d905cd618cdc0306fd2e"},
	}
	for _, c := range cases {
		b, _ := aes.NewCipher(c.key)
		a := newCCM(b, c.tag)
		got := a.Seal(nil, c.nonce, c.plain, c.ad)
		if hex.EncodeToString(got) != c.want {
			t.Errorf("%s: sealed %x\nwant %s", c.name, got, c.want)
		}
		plain, err := a.Open(nil, c.nonce, got, c.ad)
		if err != nil || !bytes.Equal(plain, c.plain) {
			t.Errorf("%s: open %v", c.name, err)
		}
		got[len(got)-1] ^= 1
		if _, err := a.Open(nil, c.nonce, got, c.ad); err == nil {
			t.Errorf("%s: a flipped tag bit opened", c.name)
		}
	}
}

// TestKeys13RFC8448 derives the server handshake key and IV of RFC 8448's
// simple 1-RTT handshake (section 3) from its traffic secret.
func TestKeys13RFC8448(t *testing.T) {
	s := Suite13(0x1301)
	secret := unhex(t, "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
	key, _ := expandLabel(s, secret, "key", 16)
	iv, _ := expandLabel(s, secret, "iv", 12)
	if hex.EncodeToString(key) != "3fce516009c21727d0f2e4e86ee403bc" || hex.EncodeToString(iv) != "5d313eb2671276ee13000b30" {
		t.Fatalf("key %x iv %x", key, iv)
	}
}

func TestOpen13EverySuite(t *testing.T) {
	for _, s := range suites13 {
		secret := bytes.Repeat([]byte{7}, s.HashLen())
		w, _ := NewKeys13(&s, secret)
		r, _ := NewKeys13(&s, secret)
		for i, msg := range []string{"first", "second"} {
			rec := w.Seal(22, []byte(msg))
			var hdr [5]byte
			copy(hdr[:], rec)
			plain, typ, err := r.Open(nil, hdr, rec[5:])
			if err != nil || typ != 22 || string(plain) != msg || r.Seq != uint64(i+1) {
				t.Fatalf("suite %04x record %d: %q %d %v", s.ID, i, plain, typ, err)
			}
		}
		rec := w.Seal(21, []byte{2, 40})
		rec[len(rec)-1] ^= 0x80
		var hdr [5]byte
		copy(hdr[:], rec)
		if _, _, err := r.Open(nil, hdr, rec[5:]); err != ErrTag || r.Seq != 2 {
			t.Fatalf("suite %04x: a bad tag gave %v, seq %d", s.ID, err, r.Seq)
		}
	}
}

// FuzzOpen13 feeds arbitrary records to every suite's record layer: a
// record that does not open is an error, never a panic, and a failed open
// leaves the sequence number where it was.
func FuzzOpen13(f *testing.F) {
	f.Add(uint8(0), []byte{23, 3, 3, 0, 20}, bytes.Repeat([]byte{1}, 20))
	f.Add(uint8(4), []byte{23, 3, 3, 0, 9}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Fuzz(func(t *testing.T, which uint8, hdr, body []byte) {
		s := &suites13[int(which)%len(suites13)]
		k, err := NewKeys13(s, bytes.Repeat([]byte{9}, s.HashLen()))
		if err != nil {
			t.Fatal(err)
		}
		var h [5]byte
		copy(h[:], hdr)
		if _, _, err := k.Open(nil, h, body); err == nil || k.Seq != 0 {
			t.Fatalf("random bytes opened (%v) or moved the sequence (%d)", err, k.Seq)
		}
		rec := k.Seal(22, body)
		copy(h[:], rec)
		k2, _ := NewKeys13(s, bytes.Repeat([]byte{9}, s.HashLen()))
		if len(body) <= 1<<14 {
			if p, typ, err := k2.Open(nil, h, rec[5:]); err != nil || typ != 22 || !bytes.Equal(p, body) {
				t.Fatalf("a sealed record did not open: %v", err)
			}
		}
	})
}

var names12 = []string{"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"}

func TestSuite12Named(t *testing.T) {
	for _, n := range names12 {
		if Suite12Named(1, n) == nil {
			t.Errorf("%s not decryptable", n)
		}
	}
	for _, n := range []string{"TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_AES_128_GCM_SHA256",
		"TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "TLS_RSA_WITH_NULL_SHA", "GREASE", "0x1234"} {
		if Suite12Named(1, n) != nil {
			t.Errorf("%s taken as decryptable", n)
		}
	}
}

// FuzzOpen12 feeds arbitrary records to every kind of TLS 1.2 record layer,
// with encrypt-then-MAC on and off: never a panic, never an open.
func FuzzOpen12(f *testing.F) {
	f.Add(uint8(0), false, []byte{22, 3, 3, 0, 48}, bytes.Repeat([]byte{1}, 48))
	f.Add(uint8(5), true, []byte{21, 3, 3, 0, 26}, bytes.Repeat([]byte{2}, 26))
	f.Fuzz(func(t *testing.T, which uint8, etm bool, hdr, body []byte) {
		s := Suite12Named(1, names12[int(which)%len(names12)])
		var cr, sr [32]byte
		c, _, err := NewKeys12(s, bytes.Repeat([]byte{3}, 48), cr, sr, etm)
		if err != nil {
			t.Fatal(err)
		}
		var h [5]byte
		copy(h[:], hdr)
		if _, err := c.Open(nil, h, body); err == nil || c.Seq != 0 {
			t.Fatalf("random bytes opened (%v) or moved the sequence", err)
		}
	})
}
