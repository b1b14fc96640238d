package tlswire

import (
	"fmt"
	"testing"
)

// checkCert compares a parsed certificate with the one crypto/x509 made.
func checkCert(t *testing.T, got Certificate, want testCert) {
	t.Helper()
	c := want.cert
	if got.Error != "" || got.Subject != c.Subject.String() || got.Issuer != c.Issuer.String() ||
		got.CommonName != c.Subject.CommonName || !got.NotBefore.Equal(c.NotBefore) || !got.NotAfter.Equal(c.NotAfter) ||
		got.Serial != fmt.Sprintf("%x", c.SerialNumber.Bytes()) || got.IsCA != c.IsCA {
		t.Errorf("certificate %+v\nwant subject %q issuer %q", got, c.Subject, c.Issuer)
	}
}
