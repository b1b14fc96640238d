package decode_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// keyedTranscript runs a real crypto/tls handshake whose client writes its
// key log, and lays it out as a capture.
func keyedTranscript(t *testing.T, client, server *tls.Config, exchange bool) (pcap []byte, keys []byte) {
	t.Helper()
	var kl bytes.Buffer
	client.KeyLogWriter = &kl
	chunks, _ := synth.Transcript(client, server, exchange)
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	for _, ch := range chunks {
		c.Send(ch.FromClient, ch.Data, 1400)
	}
	c.Close(true, false).Close(false, false)
	return synth.Pcap(c.Frames, 0), kl.Bytes()
}

func loadKeyed(t *testing.T, pcap, keys []byte) []model.Flow {
	t.Helper()
	src, err := capture.NewSource(bytes.NewReader(pcap), int64(len(pcap)))
	if err != nil {
		t.Fatal(err)
	}
	l := model.NewLoader(src)
	if keys != nil {
		k := keylog.New()
		if err := k.Read(bytes.NewReader(keys)); err != nil {
			t.Fatal(err)
		}
		l.SetKeyLog(k)
	}
	if err := l.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return l.Flows()
}

// TestKeyLogTurnsTheGuessIntoTheAlert: a TLS 1.3 client refuses a
// self-signed certificate. Without the key log the flow is ALERT? (known
// by size); with it, the alert's real description, the certificate and
// the chosen ALPN are read, and the badge is ALERT.
func TestKeyLogTurnsTheGuessIntoTheAlert(t *testing.T) {
	cert, _ := synth.Cert(synth.New("10.0.0.1:40000", "10.0.0.2:443").TS, "www.example.test")
	for _, suite := range []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_AES_256_GCM_SHA384, tls.TLS_CHACHA20_POLY1305_SHA256} {
		pcap, keys := keyedTranscript(t,
			&tls.Config{ServerName: "www.example.test", NextProtos: []string{"h2"}},
			&tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}, CipherSuites: []uint16{suite}}, false)
		if !bytes.Contains(keys, []byte("SERVER_HANDSHAKE_TRAFFIC_SECRET")) {
			t.Fatalf("no key log written: %q", keys)
		}
		plain := loadKeyed(t, pcap, nil)[0]
		if plain.Outcome != model.EncryptedAlert || plain.TLS.Decrypt != nil {
			t.Fatalf("without the key log: %s (%s)", plain.Outcome, plain.Diagnosis)
		}
		f := loadKeyed(t, pcap, keys)[0]
		d := f.TLS.Decrypt
		if f.Outcome != model.Alert || f.Badge != "ALERT" || d == nil || d.Failed != "" {
			t.Fatalf("suite %04x with the key log: %s %s (%s) %+v", suite, f.Outcome, f.Badge, f.Diagnosis, d)
		}
		a := f.TLS.Alerts[len(f.TLS.Alerts)-1]
		if !a.Decrypted || a.Encrypted || a.Level != 2 || a.Description != 42 || a.From != 0 {
			t.Fatalf("suite %04x alert %+v", suite, a)
		}
		t.Log(f.Diagnosis)
		if !strings.Contains(f.Diagnosis, "bad_certificate") {
			t.Errorf("diagnosis does not name the alert: %s", f.Diagnosis)
		}
		if len(f.TLS.Certificates) != 1 || f.TLS.Certificates[0].CommonName != "www.example.test" {
			t.Errorf("TLS 1.3 certificate not read: %+v", f.TLS.Certificates)
		}
		if d.EncExt == nil || d.EncExt.ALPN != "h2" {
			t.Errorf("EncryptedExtensions not read: %+v", d.EncExt)
		}
		if got := model.History(f.Flow); got != "CsioxyfIL" {
			t.Errorf("history %s", got)
		}
	}
}

// TestWrongKeyIsReportedNotAnAlert: the key log holds another connection's
// secrets under this client random: the tag check fails, the flow says so,
// and its verdict is the one it has without a key log.
func TestWrongKeyIsReportedNotAnAlert(t *testing.T) {
	cert, _ := synth.Cert(synth.New("10.0.0.1:40000", "10.0.0.2:443").TS, "www.example.test")
	cl := &tls.Config{ServerName: "www.example.test"}
	srv := &tls.Config{Certificates: []tls.Certificate{cert}}
	pcap, keys := keyedTranscript(t, cl, srv, false)
	_, other := keyedTranscript(t, &tls.Config{ServerName: "www.example.test"}, srv, false)
	// Keep this connection's client random, put the other's secrets behind it.
	mine, theirs := strings.Fields(string(keys)), strings.Fields(string(other))
	var mixed []string
	for i := 0; i+2 < len(theirs); i += 3 {
		mixed = append(mixed, theirs[i]+" "+mine[1]+" "+theirs[i+2])
	}
	f := loadKeyed(t, pcap, []byte(strings.Join(mixed, "\n")))[0]
	if f.Outcome != model.EncryptedAlert || f.TLS.Decrypt == nil || !strings.Contains(f.TLS.Decrypt.Failed, "did not decrypt") {
		t.Fatalf("%s (%s) %+v", f.Outcome, f.Diagnosis, f.TLS.Decrypt)
	}
}

// TestTLS12Decryption: real crypto/tls TLS 1.2 handshakes in CBC (SHA-1
// and SHA-256 MACs), GCM (SHA-384 PRF) and ChaCha20-Poly1305 suites, each
// closed by the client's close_notify right after the handshake: with the
// key log's CLIENT_RANDOM line both encrypted Finished messages and the
// client's close_notify are read; without it the alert stays encrypted.
func TestTLS12Decryption(t *testing.T) {
	cert, _ := synth.Cert(synth.New("10.0.0.1:40000", "10.0.0.2:443").TS, "www.example.test")
	for _, suite := range []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256} {
		pcap, keys := keyedTranscript(t,
			&tls.Config{ServerName: "www.example.test", InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{suite}},
			&tls.Config{Certificates: []tls.Certificate{cert}, CipherSuites: []uint16{suite}}, false)
		name := tls.CipherSuiteName(suite)
		plain := loadKeyed(t, pcap, nil)[0]
		f := loadKeyed(t, pcap, keys)[0]
		d := f.TLS.Decrypt
		if d == nil || d.Failed != "" || d.Records[0] != 2 || d.Records[1] != 1 {
			t.Fatalf("%s: %+v", name, d)
		}
		if len(f.TLS.Alerts) != 1 || len(plain.TLS.Alerts) != 1 {
			t.Fatalf("%s: alerts %+v, without the key log %+v", name, f.TLS.Alerts, plain.TLS.Alerts)
		}
		for i, a := range f.TLS.Alerts {
			if !a.Decrypted || a.Description != 0 || a.Level != 1 || !plain.TLS.Alerts[i].Encrypted {
				t.Errorf("%s: alert %+v (without the key log %+v)", name, a, plain.TLS.Alerts[i])
			}
		}
		if f.Outcome != model.OK || !f.TLS.Finished[0] || !f.TLS.Finished[1] {
			t.Errorf("%s: %s (%s)", name, f.Outcome, f.Diagnosis)
		}
	}
}
