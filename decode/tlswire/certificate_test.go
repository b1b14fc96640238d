package tlswire

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
)

// certificateBody builds a Certificate message body from DER blobs.
func certificateBody(tls13 bool, ders ...[]byte) []byte {
	var b cryptobyte.Builder
	if tls13 {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {})
	}
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, d := range ders {
			b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(d) })
			if tls13 {
				// An OCSP status_request entry extension, ignored.
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte{0, 5, 0, 1, 0}) })
			}
		}
	})
	return b.BytesOrPanic()
}

func TestCertificatesTLS13FormAndKinds(t *testing.T) {
	f := certFixtures(t)
	// Ed448 is not parsed by crypto/x509: same-length OID swap in the SPKI.
	ed448 := bytes.Clone(f.edLeaf.der)
	spki := bytes.Index(ed448, f.edLeaf.cert.RawSubjectPublicKeyInfo)
	oid := bytes.Index(ed448[spki:], []byte{0x06, 0x03, 0x2b, 0x65, 0x70})
	ed448[spki+oid+4] = 0x71
	garbage := []byte{0x30, 0x03, 0x02, 0x01, 0x01}

	body := certificateBody(true, f.edLeaf.der, ed448, garbage, f.rsaLeaf.der)
	certs, total, err := ParseCertificates(body, true, 3)
	if err != nil || total != 4 || len(certs) != 3 {
		t.Fatalf("%d of %d: %v", len(certs), total, err)
	}
	checkCert(t, certs[0], f.edLeaf)
	if certs[0].KeyType != "Ed25519" || !certs[0].SelfSigned || certs[0].IsCA {
		t.Errorf("self-signed Ed25519 leaf: %+v", certs[0])
	}
	if certs[1].Error != "" || certs[1].KeyType != "Ed448" || certs[1].CommonName != "self.example.test" {
		t.Errorf("Ed448: %+v", certs[1])
	}
	if certs[2].Error == "" || certs[2].Subject != "" {
		t.Errorf("garbage kept without an error: %+v", certs[2])
	}
	// The same entries in the TLS 1.2 form.
	certs, total, err = ParseCertificates(certificateBody(false, f.edLeaf.der, f.rsaLeaf.der), false, 10)
	if err != nil || total != 2 || certs[1].KeyType != "RSA-2048" {
		t.Errorf("%d of %d: %v", len(certs), total, err)
	}
	if certs, total, err := ParseCertificates(certificateBody(false), false, 10); err != nil || total != 0 || certs != nil {
		t.Errorf("empty list: %v %d %v", certs, total, err)
	}
}

func TestCertificatesTruncated(t *testing.T) {
	body := realSamples(t).certificate
	_, fullTotal, _ := ParseCertificates(body, false, 10)
	firstEnd := 3 + 3 + (int(body[3])<<16 | int(body[4])<<8 | int(body[5]))
	for i := 0; i < len(body); i++ {
		certs, total, err := ParseCertificates(body[:i], false, 10)
		if !errors.Is(err, ErrTruncated) || total > fullTotal || len(certs) != total {
			t.Fatalf("offset %d: %d of %d: %v", i, len(certs), total, err)
		}
		if (total == 1) != (i >= firstEnd) {
			t.Fatalf("offset %d: %d certificates, first ends at %d", i, total, firstEnd)
		}
	}
	// A list length that lies: the entries that fit are still read.
	lying := bytes.Clone(body)
	lying[0], lying[1], lying[2] = 0xff, 0xff, 0xff
	if certs, total, err := ParseCertificates(lying, false, 10); !errors.Is(err, ErrTruncated) || total != 2 || len(certs) != 2 {
		t.Errorf("lying list length: %d of %d: %v", len(certs), total, err)
	}
	if _, _, err := ParseCertificates([]byte{1}, true, 10); err == nil {
		t.Error("1.3 body with a cut request context")
	}
	if certs, total, err := ParseCertificates(body, false, 0); err != nil || total != 2 || certs != nil {
		t.Errorf("max 0: %v %d %v", certs, total, err)
	}
}

// An old root signed with SHA-1: crypto/x509 refuses the algorithm, the
// self-signature is still checked.
func TestSelfSignedSHA1Root(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		Subject: pkix.Name{CommonName: "Old Root"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, SignatureAlgorithm: x509.SHA1WithRSA,
	}
	c, err := x509.ParseCertificate(makeDER(t, tmpl, k))
	if err != nil {
		t.Skipf("cannot build a SHA-1 certificate here: %v", err)
	}
	got := parseCertificate(c.Raw, true)
	if !got.SelfSigned || got.KeyType != "RSA-1024" {
		t.Errorf("%+v", got)
	}
	// A flipped signature bit: not self-signed any more.
	bad := bytes.Clone(c.Raw)
	bad[len(bad)-1] ^= 1
	if got := parseCertificate(bad, true); got.SelfSigned || got.Error != "" {
		t.Errorf("bad signature: %+v", got)
	}
}

func makeDER(t *testing.T, tmpl *x509.Certificate, k *rsa.PrivateKey) []byte {
	tmpl.SerialNumber = bigOne()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		if strings.Contains(err.Error(), "SHA1") || strings.Contains(err.Error(), "SHA-1") {
			t.Skipf("crypto/x509 will not sign with SHA-1: %v", err)
		}
		t.Fatal(err)
	}
	return der
}

// Many empty entries: all counted, only maxCertificates kept.
func TestCertificatesBounded(t *testing.T) {
	ders := make([][]byte, 5000)
	certs, total, err := ParseCertificates(certificateBody(false, ders...), false, 1<<30)
	if err != nil || total != 5000 || len(certs) != maxCertificates || certs[0].Error == "" {
		t.Errorf("%d of %d: %v", len(certs), total, err)
	}
}
