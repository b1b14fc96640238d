package decode_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/internal/hostile"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// Strings from packets carrying terminal escapes: OSC 52 (set the clipboard)
// ended by BEL, C1 CSI both as UTF-8 (U+009B) and as a raw byte, the bidi
// override U+202E, and DEL.
const (
	evilSNI  = "a\x1b]52;c;aGk=\x07b\u009b31m\u202e\x7f.example.test"
	evilALPN = "\x1b[2J\x9bh2\u202e\x7f"
	evilCN   = "cert\x1b]0;pwned\x07\u202e\u009b2J\x7f"
)

// placeholder is an innocent string of the same byte length, for crypto/tls
// to send; the transcript's bytes are then patched in place.
func placeholder(evil string, suffix string) string {
	return strings.Repeat("x", len(evil)-len(suffix)) + suffix
}

func evilCert(t *testing.T, at time.Time) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: evilCN, Organization: []string{"O\x1b[5m\u202e"}},
		DNSNames:  []string{"san\x1b[31m.example.test"},
		NotBefore: at.Add(-time.Hour), NotAfter: at.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestEscapeSequencesNeverReachTheTerminal(t *testing.T) {
	at := time.Now()
	sniPH := placeholder(evilSNI, ".example.test")
	alpnPH := placeholder(evilALPN, "")
	srv := &tls.Config{Certificates: []tls.Certificate{evilCert(t, at)}, NextProtos: []string{alpnPH}}
	var pcaps [][]byte
	for _, verify := range []bool{false, true} { // accepted, and rejected by the client (an alert after the certificate)
		cl := &tls.Config{ServerName: sniPH, InsecureSkipVerify: !verify, NextProtos: []string{"h2", alpnPH},
			MaxVersion: tls.VersionTLS12}
		chunks, err := synth.Transcript(cl, srv, !verify)
		if (err != nil) != verify {
			t.Fatalf("verify %v: handshake error %v", verify, err)
		}
		for i := range chunks {
			d := chunks[i].Data
			d = bytes.ReplaceAll(d, []byte(sniPH), []byte(evilSNI))
			d = bytes.ReplaceAll(d, []byte(alpnPH), []byte(evilALPN))
			chunks[i].Data = d
		}
		c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
		for _, ch := range chunks {
			c.Send(ch.FromClient, ch.Data, 1400)
		}
		c.Close(true, false).Close(false, false)
		pcaps = append(pcaps, synth.Pcap(c.Frames, 0))
	}

	for i, pcap := range pcaps {
		flows, stats := loadAll(t, pcap)
		f := &flows[0]
		ch := f.TLS.ClientHello
		if ch == nil || ch.SNI != evilSNI || len(ch.ALPN) != 2 || ch.ALPN[1] != evilALPN {
			t.Fatalf("capture %d: the raw strings were not decoded (hello %+v)", i, ch)
		}
		if f.TLS.ServerHello == nil || f.TLS.ServerHello.ALPN != evilALPN {
			t.Fatalf("capture %d: server ALPN not decoded", i)
		}
		if len(f.TLS.Certificates) == 0 || !strings.Contains(f.TLS.Certificates[0].Subject+f.TLS.Certificates[0].CommonName, "\x1b") {
			t.Fatalf("capture %d: certificate subject not decoded with its escape: %+v", i, f.TLS.Certificates)
		}
		if i == 1 && f.Outcome != model.Alert {
			t.Errorf("rejected certificate: outcome %s (%s)", f.Outcome, f.Diagnosis)
		}

		var table, js bytes.Buffer
		if err := model.WriteTable(&table, flows, stats); err != nil {
			t.Fatal(err)
		}
		if err := terminalSafe(table.Bytes(), true); err != nil {
			t.Errorf("capture %d table: %v", i, err)
		}
		if !strings.Contains(table.String(), `a\x1b]52;c;aGk=\x07b\x9b31m\u{202e}\x...`) {
			t.Errorf("capture %d: the table does not show the SNI escaped:\n%s", i, table.String())
		}
		if err := model.WriteJSONLines(&js, flows); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&js)
		for sc.Scan() {
			if err := terminalSafe(sc.Bytes(), false); err != nil {
				t.Errorf("capture %d JSON: %v", i, err)
			}
			var r model.FlowReport
			var raw struct {
				ClientHello struct{ SNI string } `json:"client_hello"`
			}
			if json.Unmarshal(sc.Bytes(), &r) != nil || json.Unmarshal(sc.Bytes(), &raw) != nil {
				t.Fatalf("capture %d: not JSON: %s", i, sc.Bytes())
			}
			if raw.ClientHello.SNI != evilSNI {
				t.Errorf("capture %d: JSON SNI reads back as %q, want the exact bytes", i, raw.ClientHello.SNI)
			}
		}
		for _, text := range []string{f.Diagnosis, f.SNI(), f.ALPN(), model.PrintableList(ch.ALPN, ",")} {
			if err := terminalSafe([]byte(text), false); err != nil {
				t.Errorf("capture %d: %v", i, err)
			}
		}
		if i == 1 && !strings.Contains(f.Diagnosis, `\x1b`) {
			t.Errorf("the diagnosis should name the certificate (escaped): %s", f.Diagnosis)
		}
	}
}

// loadAll runs the engine as `summary` does, returning flows and counters.
func loadAll(t *testing.T, pcap []byte) ([]model.Flow, decode.Stats) {
	t.Helper()
	src, err := capture.NewSource(bytes.NewReader(pcap), int64(len(pcap)))
	if err != nil {
		t.Fatal(err)
	}
	l := model.NewLoader(src)
	if err := l.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return l.Flows(), l.Stats()
}

// TestEveryHostileClassIsEscaped sends each hostile class (internal/hostile)
// as the SNI and ALPN of a real crypto/tls handshake and checks the text
// table, the JSON lines and the diagnosis: no raw control byte, no raw
// invisible or disputed-width character, and JSON reads back exactly.
func TestEveryHostileClassIsEscaped(t *testing.T) {
	at := time.Now()
	cert := evilCert(t, at)
	for _, c := range hostile.Classes {
		t.Run(c.Name, func(t *testing.T) {
			ph := placeholder(c.Text, "")
			srv := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{ph}}
			cl := &tls.Config{ServerName: ph, InsecureSkipVerify: true, NextProtos: []string{ph}, MaxVersion: tls.VersionTLS12}
			chunks, err := synth.Transcript(cl, srv, false)
			if err != nil {
				t.Fatal(err)
			}
			conn := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
			for _, ch := range chunks {
				conn.Send(ch.FromClient, bytes.ReplaceAll(ch.Data, []byte(ph), []byte(c.Text)), 1400)
			}
			conn.Close(true, false).Close(false, false)
			flows, stats := loadAll(t, synth.Pcap(conn.Frames, 0))
			if ch := flows[0].TLS.ClientHello; ch == nil || ch.SNI != c.Text {
				t.Fatalf("SNI not decoded as sent: %+v", ch)
			}
			var table, js bytes.Buffer
			if err := model.WriteTable(&table, flows, stats); err != nil {
				t.Fatal(err)
			}
			if err := hostile.Check(table.String(), true); err != nil {
				t.Errorf("table: %v", err)
			}
			if err := model.WriteJSONLines(&js, flows); err != nil {
				t.Fatal(err)
			}
			if err := hostile.Check(js.String(), true); err != nil {
				t.Errorf("JSON: %v", err)
			}
			var raw struct {
				ClientHello struct {
					SNI  string
					ALPN []string
				} `json:"client_hello"`
			}
			if err := json.Unmarshal(bytes.SplitN(js.Bytes(), []byte("\n"), 2)[0], &raw); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if utf8.ValidString(c.Text) && (raw.ClientHello.SNI != c.Text || len(raw.ClientHello.ALPN) != 1 || raw.ClientHello.ALPN[0] != c.Text) {
				t.Errorf("JSON reads back as %q %q", raw.ClientHello.SNI, raw.ClientHello.ALPN)
			}
			for _, text := range []string{flows[0].Diagnosis, flows[0].SNI(), flows[0].ALPN()} {
				if err := hostile.Check(text, false); err != nil {
					t.Errorf("%v", err)
				}
			}
		})
	}
}
