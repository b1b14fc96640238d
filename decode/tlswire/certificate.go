package tlswire

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
)

// ParseCertificates decodes a Certificate handshake body: the TLS <= 1.2 form
// (a 3-byte list of 3-byte-length certificates) or, with tls13, the TLS 1.3
// form (request context, then entries with their own extensions).
//
// At most max certificates (and never more than maxCertificates, however
// large max is) are parsed with crypto/x509; total counts every entry in the
// message. A certificate x509 rejects is kept with Error set.
// When the message is cut, what came before the cut is returned along with
// an error wrapping ErrTruncated.
func ParseCertificates(body []byte, tls13 bool, max int) (certs []Certificate, total int, err error) {
	max = min(max, maxCertificates)
	s := cryptobyte.String(body)
	if tls13 {
		if _, full, ok := lenientVec(&s, 1); !ok || !full {
			return nil, 0, fmt.Errorf("%w: Certificate ends in its request context", ErrTruncated)
		}
	}
	list, full, ok := lenientVec(&s, 3)
	checks := 0
	if !ok {
		return nil, 0, fmt.Errorf("%w: Certificate shorter than its list length", ErrTruncated)
	}
	for len(list) > 0 {
		der, dfull, dok := lenientVec(&list, 3)
		if !dok || !dfull {
			full = false
			break
		}
		if tls13 {
			if _, efull, eok := lenientVec(&list, 2); !eok || !efull {
				full = false
				break
			}
		}
		total++
		if len(certs) < max {
			c := parseCertificate(der, checks < maxSignatureChecks)
			if c.Error == "" && c.Subject == c.Issuer {
				checks++ // self-issued: its signature was checked (or refused)
			}
			certs = append(certs, c)
		}
	}
	if !full {
		return certs, total, fmt.Errorf("%w: Certificate message cut after %d entries", ErrTruncated, total)
	}
	return certs, total, nil
}

// parseCertificate turns one DER certificate into display facts; check
// allows verifying a self-issued certificate's own signature.
func parseCertificate(der []byte, check bool) Certificate {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return Certificate{Error: err.Error()}
	}
	out := Certificate{
		Subject:    c.Subject.String(),
		Issuer:     c.Issuer.String(),
		CommonName: c.Subject.CommonName,
		NotBefore:  c.NotBefore,
		NotAfter:   c.NotAfter,
		KeyType:    keyType(c),
		IsCA:       c.IsCA,
	}
	out.SelfSigned, out.SignatureNotChecked = selfSigned(c, check)
	if n := c.SerialNumber; n != nil {
		// Whole bytes, as openssl and Wireshark print them.
		out.Serial = fmt.Sprintf("%x", n.Bytes())
		if n.Sign() < 0 {
			out.Serial = "-" + out.Serial
		}
	}
	out.SANs = append(out.SANs, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out.SANs = append(out.SANs, ip.String())
	}
	out.SANs = append(out.SANs, c.EmailAddresses...)
	for _, u := range c.URIs {
		out.SANs = append(out.SANs, u.String())
	}
	return out
}

// Public key algorithm OIDs crypto/x509 does not parse.
var (
	oidX25519 = asn1.ObjectIdentifier{1, 3, 101, 110}
	oidX448   = asn1.ObjectIdentifier{1, 3, 101, 111}
	oidEd448  = asn1.ObjectIdentifier{1, 3, 101, 113}
)

// keyType names the subject public key: "RSA-2048", "ECDSA P-256", "Ed25519".
func keyType(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	if c.PublicKeyAlgorithm == x509.DSA {
		return "DSA"
	}
	var spki struct {
		Algorithm struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue `asn1:"optional"`
		}
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return "unknown"
	}
	switch oid := spki.Algorithm.Algorithm; {
	case oid.Equal(oidEd448):
		return "Ed448"
	case oid.Equal(oidX25519):
		return "X25519"
	case oid.Equal(oidX448):
		return "X448"
	default:
		return "unknown (" + oid.String() + ")"
	}
}

// Bounds on the only signature checks made here (is a self-issued
// certificate signed by its own key?). RSA verification costs the square of
// the modulus size times the exponent's length: a 127 KB modulus with
// exponent 2^31-1 took a minute. Deployed keys stop at 8192 bits (3 ms to
// check) and use 65537 or less. A chain has one or two self-issued
// certificates (a self-signed leaf, a root sent along), so at most two are
// checked per message: a flow costs at most a few milliseconds.
const (
	MaxCheckedRSABits     = 8192
	maxCheckedRSAExponent = 65537
	maxSignatureChecks    = 2
)

// selfSigned reports whether c is its own issuer and its signature verifies
// with its own key; notChecked says why the signature of a self-issued
// certificate was not verified (a key too costly to check, or check false).
// CheckSignatureFrom would refuse a self-signed leaf that is not a CA, so the
// signature is checked directly; old SHA-1 self-signed roots, which x509
// refuses as insecure, are verified by hand.
func selfSigned(c *x509.Certificate, check bool) (ok bool, notChecked string) {
	if !bytes.Equal(c.RawSubject, c.RawIssuer) {
		return false, ""
	}
	if !check {
		return false, fmt.Sprintf("only %d signatures are checked per chain", maxSignatureChecks)
	}
	if k, isRSA := c.PublicKey.(*rsa.PublicKey); isRSA {
		if bits := k.N.BitLen(); bits > MaxCheckedRSABits {
			return false, fmt.Sprintf("RSA key of %d bits, over the %d-bit limit", bits, MaxCheckedRSABits)
		}
		if k.E > maxCheckedRSAExponent {
			return false, fmt.Sprintf("RSA exponent %d, over the %d limit", k.E, maxCheckedRSAExponent)
		}
	}
	return verifiesWithOwnKey(c), ""
}

func verifiesWithOwnKey(c *x509.Certificate) bool {
	err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
	if err == nil {
		return true
	}
	var insecure x509.InsecureAlgorithmError
	if !errors.As(err, &insecure) {
		return false
	}
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		sum := sha1.Sum(c.RawTBSCertificate)
		digest := sum[:]
		switch k := c.PublicKey.(type) {
		case *rsa.PublicKey:
			return rsa.VerifyPKCS1v15(k, crypto.SHA1, digest, c.Signature) == nil
		case *ecdsa.PublicKey:
			return ecdsa.VerifyASN1(k, digest, c.Signature)
		}
	}
	return false
}
