package model

import (
	"fmt"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// KeyLogNote says in a line what a key log unlocked on a flow ("" when it
// had no secrets for it): records decrypted, what EncryptedExtensions chose,
// the client's certificate, the application protocol, and why decryption
// stopped. Already printable.
func KeyLogNote(d *decode.DecryptFacts) string {
	if d == nil {
		return ""
	}
	parts := []string{fmt.Sprintf("key log: %d client and %d server records decrypted", d.Records[0], d.Records[1])}
	if e := d.EncExt; e != nil {
		if e.ALPN != "" {
			parts = append(parts, "ALPN chosen "+Printable(e.ALPN))
		}
		if e.EarlyData {
			parts = append(parts, "0-RTT data accepted")
		}
	}
	switch n := d.ClientCertificates; {
	case n == 0:
		parts = append(parts, "client sent an empty Certificate")
	case n > 0:
		parts = append(parts, fmt.Sprintf("client sent %d certificate%s", n, plural(int(n))))
	}
	for i, p := range d.AppProtocol {
		if p != "" && p != "unknown" {
			parts = append(parts, fmt.Sprintf("%s speaks %s", decode.Dir(i), p))
		}
	}
	if d.Failed != "" {
		parts = append(parts, Printable(d.Failed))
	}
	return strings.Join(parts, "; ")
}

// ExportSecrets is the key log text of the given flows only (their client
// randoms' lines), for ExportRequest.Secrets; nil when none has any.
func ExportSecrets(flows []*Flow) []byte {
	var out []byte
	for _, f := range flows {
		out = append(out, f.TLS.Decrypt.KeyLogLines()...)
	}
	return out
}
