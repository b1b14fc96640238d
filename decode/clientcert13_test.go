package decode_test

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// A TLS 1.3 client's certificate is known by the size of its encrypted
// records (larger than the suite's fixed-size Finished): accepted, the
// handshake completes and data flows; refused, the server's one
// alert-sized record reads ALERT? naming the certificate, not OK.
func TestTLS13ClientCertificateKnownBySize(t *testing.T) {
	for _, c := range []struct {
		name     string
		auth     tls.ClientAuthType
		exchange bool // the client sends data after its Finished
		outcome  model.Outcome
		says     string
	}{
		{"accepted", tls.RequireAnyClientCert, true, model.OK, "handshake completed with TLS 1.3"},
		{"refused", tls.RequireAndVerifyClientCert, false, model.EncryptedAlert, "got one, and most likely rejected it"},
		{"refused after the client sent data", tls.RequireAndVerifyClientCert, true, model.EncryptedAlert, "got one, and most likely rejected it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			client := &tls.Config{ServerName: "wrap.example.test", InsecureSkipVerify: true, MinVersion: tls.VersionTLS13,
				Certificates: []tls.Certificate{mustCert()}}
			server := &tls.Config{Certificates: []tls.Certificate{mustCert()}, ClientAuth: c.auth}
			chunks, err := synth.Transcript(client, server, c.exchange)
			if err != nil {
				t.Fatal(err)
			}
			conn := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
			for _, ch := range chunks {
				if !c.exchange && ch.FromClient && len(ch.Data) == 5+19 {
					continue // Go's client closes at once; OpenSSL's waits for the server's answer, as here
				}
				conn.Send(ch.FromClient, ch.Data, 1400)
			}
			conn.Close(false, false)
			f := &analyzeFrames(t, conn.Frames)[0]
			if f.Outcome != c.outcome || !strings.Contains(f.Diagnosis, c.says) {
				t.Errorf("%s %q, want %s saying %q", f.Outcome, f.Diagnosis, c.outcome, c.says)
			}
			for _, code := range []uint16{tlswire.CertificateType, tlswire.CertificateVerify, tlswire.Finished} {
				if !hasClientEvent(f, code) {
					t.Errorf("the client's handshake message %d not known: events %v", code, f.Timeline.Events())
				}
			}
		})
	}
}

func hasClientEvent(f *model.Flow, code uint16) bool {
	for _, e := range f.Events {
		if e.Dir == decode.FromClient && e.Kind == decode.EvEncryptedHandshake && e.Code == code {
			return true
		}
	}
	return false
}
