package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"time"
)

// pki is a private CA with the leaves the scenarios need.
type pki struct {
	roots    *x509.CertPool // trusts the demo CA
	other    *x509.CertPool // trusts an unrelated CA
	good     tls.Certificate
	rsa      tls.Certificate
	expired  tls.Certificate
	clientID tls.Certificate
	at       time.Time
}

func newPKI(at time.Time) *pki {
	caKey, caCert := makeCA("PCAP Surgery Demo Root CA", at)
	_, otherCA := makeCA("Some Other Root CA", at)
	p := &pki{roots: x509.NewCertPool(), other: x509.NewCertPool(), at: at}
	p.roots.AddCert(caCert)
	p.other.AddCert(otherCA)
	ecKey := func() crypto.Signer { k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader); return k }
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	names := []string{"*.demo.example", "demo.example"}
	p.good = leaf(caKey, caCert, ecKey(), "*.demo.example", names, at.AddDate(0, -1, 0), at.AddDate(0, 11, 0), false)
	p.rsa = leaf(caKey, caCert, rsaKey, "legacy.demo.example", []string{"legacy.demo.example"}, at.AddDate(0, -1, 0), at.AddDate(1, 0, 0), false)
	p.expired = leaf(caKey, caCert, ecKey(), "stale.demo.example", []string{"stale.demo.example"}, at.AddDate(-1, 0, 0), at.AddDate(0, 0, -35), false)
	p.clientID = leaf(caKey, caCert, ecKey(), "client-7", nil, at.AddDate(0, -1, 0), at.AddDate(1, 0, 0), true)
	return p
}

func makeCA(name string, at time.Time) (crypto.Signer, *x509.Certificate) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name, Organization: []string{"PCAP Surgery demo"}},
		NotBefore: at.AddDate(-2, 0, 0), NotAfter: at.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		panic(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

func leaf(caKey crypto.Signer, ca *x509.Certificate, key crypto.Signer, cn string, dns []string, from, to time.Time, client bool) tls.Certificate {
	usage := x509.ExtKeyUsageServerAuth
	if client {
		usage = x509.ExtKeyUsageClientAuth
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"PCAP Surgery demo"}},
		DNSNames: dns, NotBefore: from, NotAfter: to,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		panic(err)
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.Raw}, PrivateKey: key}
}

// clientConfig trusts the demo CA and checks time against the capture's.
func (p *pki) client(sni string) *tls.Config {
	return &tls.Config{ServerName: sni, RootCAs: p.roots, Time: func() time.Time { return p.at }}
}

func (p *pki) server(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, Time: func() time.Time { return p.at }}
}
