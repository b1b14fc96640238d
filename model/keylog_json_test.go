package model

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// TestKeyedJSONMatchesEncodingJSON: flows decrypted with their key logs
// (decrypted alerts, the decryption object) are written as encoding/json
// writes their Report, like every other flow.
func TestKeyedJSONMatchesEncodingJSON(t *testing.T) {
	keys, _ := filepath.Glob("../testdata/captures/keylog/*.keys")
	n := 0
	for _, k := range keys {
		name := strings.TrimSuffix(filepath.Base(k), ".keys")
		path := "../testdata/captures/" + name + ".pcap"
		if _, err := os.Stat(path); err != nil {
			continue
		}
		kl := keylog.New()
		fk, err := os.Open(k)
		if err != nil {
			t.Fatal(err)
		}
		kl.Read(fk)
		fk.Close()
		src, err := capture.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		l := NewLoader(src)
		l.SetKeyLog(kl)
		l.Run(context.Background(), nil)
		l.Each(func(f *Flow) {
			if f.TLS.Decrypt != nil {
				compareFlowJSON(t, path, f)
				n++
			}
		})
		src.Close()
	}
	if n < 20 {
		t.Fatalf("only %d keyed flows compared", n)
	}
	f := &Flow{Flow: &decode.Flow{ID: 3, TCP: decode.TCPFacts{StreamFacts: &decode.StreamFacts{}}, TLS: &decode.TLSFacts{TLSRare: &decode.TLSRare{Decrypt: &decode.DecryptFacts{
		Failed: hostile, EncExt: &tlswire.EncryptedExtensionsInfo{ALPN: hostile, EarlyData: true},
		ClientCertificates: 2, AppProtocol: [2]string{"h2", ""}}}}}, Verdict: &Verdict{}}
	compareFlowJSON(t, "hostile decryption", f)
}
