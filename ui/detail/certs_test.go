package detail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/detail"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// A self-issued certificate whose key was too large to check must not read
// as self-signed, nor as a certificate with nothing to say about its issuer.
func TestPaneSaysSignatureNotChecked(t *testing.T) {
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	var df decode.Flow
	df.TLS = &decode.TLSFacts{TLSRare: &decode.TLSRare{}}
	df.TCP.StreamFacts = &decode.StreamFacts{}
	df.ID, df.First, df.Last = 1, at, at
	df.TLS.Certificates = []tlswire.Certificate{{
		Subject: "CN=huge.example.test", Issuer: "CN=huge.example.test", CommonName: "huge.example.test",
		NotBefore: at.Add(-time.Hour), NotAfter: at.Add(time.Hour), KeyType: "RSA-262144",
		SignatureNotChecked: "RSA key of 262144 bits, over the 8192-bit limit",
	}}
	df.TLS.CertificateTotal = 1
	f := model.NewFlow(df)
	pane := ansi.Strip(strings.Join(detail.Render(&f, 200, styles.New(true)), "\n"))
	for _, want := range []string{
		"SELF-ISSUED, signature not checked (RSA key of 262144 bits, over the 8192-bit limit)",
		"RSA-262144, self-issued, signature not checked",
	} {
		if !strings.Contains(pane, want) {
			t.Errorf("pane lacks %q:\n%s", want, pane)
		}
	}
	if strings.Contains(pane, "SELF-SIGNED") {
		t.Errorf("pane calls an unchecked certificate self-signed:\n%s", pane)
	}
}
