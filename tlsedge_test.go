package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// edgeFlow is what one flow of an edge-case capture must come out as:
// outcome, stage, who, Zeek-style history, and words the diagnosis must
// (and must not) carry. Issue 10's classes: 0-RTT resumption, encrypted
// alerts after the handshake, several SYN-ACKs, TLS 1.3 drafts, SSLv2,
// oversized handshake messages.
type edgeFlow struct {
	file, outcome, stage, who, history string
	id                                 int
	says, never                        []string
	check                              func(t *testing.T, f map[string]any)
}

var edgeFlows = []edgeFlow{
	{file: "captures/early-data-tls13-openssl.pcap", id: 2, outcome: "resumed", stage: "done", history: "CIDsioEFdD",
		says: []string{"0-RTT", "early data", "EndOfEarlyData"}, never: []string{"certificate"},
		check: noAlerts},
	// GnuTLS sends its early data after the server's flight: still early data, then E, then F.
	{file: "captures/early-data-tls13-gnutls.pcap", id: 2, outcome: "resumed", stage: "done", history: "CsioDEFDd",
		says: []string{"0-RTT", "EndOfEarlyData"}, never: []string{"certificate"}, check: noAlerts},
	// 0-RTT refused: full handshake, the early data skipped.
	{file: "captures/early-data-rejected-tls13-openssl.pcap", id: 1, outcome: "ok", stage: "done", history: "CIDsioFDd",
		says: []string{"0-RTT", "did not take the PSK", "skipped"}, check: noAlerts},
	{file: "captures/close-notify-tls12-openssl.pcap", id: 1, outcome: "ok", stage: "done", history: "CsxknGIFtifLl",
		check: encryptedAlerts("client", "server")},
	{file: "captures/midstream-alert-tls12-openssl.pcap", id: 1, outcome: "partial", history: "DdLl",
		check: encryptedAlerts("client", "server")},
	// The client acknowledged the second SYN-ACK: the server's bytes count from its ISN.
	{file: "edge/synack-two-isns.pcap", id: 1, outcome: "ok", stage: "done", history: "CsioIFDd",
		check: serverHello("TLS 1.3", "TLS_AES_128_GCM_SHA256", false)},
	// The client acknowledged the first; a stray SYN-ACK after it changes nothing.
	{file: "edge/synack-two-isns.pcap", id: 2, outcome: "ok", stage: "done", history: "CsioIFDd",
		check: serverHello("TLS 1.3", "TLS_AES_128_GCM_SHA256", false)},
	// A 340 KB Certificate is passed over: ServerKeyExchange and ServerHelloDone still read.
	{file: "edge/big-certificate-tls12.pcap", id: 1, outcome: "ok", stage: "done", history: "CsxknGIFifDd",
		says: []string{"Certificate message (", "bytes) is over the 262144-byte cap: its first 65536 bytes were read", "the rest passed over"},
		check: func(t *testing.T, f map[string]any) {
			if p, _ := f["problems"].([]any); len(p) != 1 || !strings.Contains(p[0].(string), "passed over") {
				t.Errorf("problems %v, want the certificate passed over", p)
			}
			// The head of the chain is still read: the leaf shows.
			c, _ := f["certificates"].([]any)
			if len(c) != 16 || c[0].(map[string]any)["subject"] != "CN=big.edge.test" {
				t.Errorf("%d certificates, want the first 16 with the leaf first", len(c))
			}
		}},
	// TLS 1.3 drafts: 18 and 21 have no session id in their ServerHello, 21
	// a HelloRetryRequest of type 6; 22 and 28 echo a compatibility session
	// id, which is no resumption.
	{file: "edge/tls13-drafts.pcap", id: 1, outcome: "ok", stage: "done", history: "CsoFDd",
		check: serverHello("TLS 1.3 draft 18", "TLS_AES_128_GCM_SHA256", false)},
	{file: "edge/tls13-drafts.pcap", id: 2, outcome: "ok", stage: "done", history: "CjCsoFDd",
		says:  []string{"after a HelloRetryRequest for x25519"},
		check: serverHello("TLS 1.3 draft 21", "TLS_AES_128_GCM_SHA256", true)},
	{file: "edge/tls13-drafts.pcap", id: 3, outcome: "ok", stage: "done", history: "CjICsioFDd",
		says:  []string{"after a HelloRetryRequest for x25519"},
		check: serverHello("TLS 1.3 draft 22", "TLS_AES_128_GCM_SHA256", true)},
	{file: "edge/tls13-drafts.pcap", id: 4, outcome: "ok", stage: "done", history: "CsioIFDd",
		check: serverHello("TLS 1.3 draft 28", "TLS_AES_128_GCM_SHA256", false)},
	// Pure SSL 2.0: the SERVER-HELLO decodes, its certificate shows, the badge says SSLv2.
	{file: "edge/sslv2.pcap", id: 1, outcome: "ok", stage: "done", history: "CsGF",
		says: []string{"SSL 2.0 handshake most likely completed", "SSL_CK_RC4_128_WITH_MD5", "RFC 6176"},
		check: func(t *testing.T, f map[string]any) {
			if f["badge"] != "SSLv2" {
				t.Errorf("badge %v, want SSLv2", f["badge"])
			}
			c, _ := f["certificates"].([]any)
			if len(c) != 1 || c[0].(map[string]any)["subject"] != "CN=sslv2.edge.test" {
				t.Errorf("certificates %v, want the SERVER-HELLO's", c)
			}
			if ja4, _ := f["ja4"].(string); !strings.HasPrefix(ja4, "ts2") {
				t.Errorf("ja4 %s, want ts2...", ja4)
			}
		}},
	// An SSLv2-format hello advertising TLS 1.0: JA4 by that version.
	{file: "edge/sslv2.pcap", id: 2, outcome: "reset", who: "server", history: "C",
		check: func(t *testing.T, f map[string]any) {
			if ja4, _ := f["ja4"].(string); !strings.HasPrefix(ja4, "t10i03") {
				t.Errorf("ja4 %s, want t10i03...", ja4)
			}
		}},
}

// serverHello wants the ServerHello's version and cipher (and for the drafts,
// whose key_share is extension 40 up to draft 22, the group x25519), and
// resumed false.
func serverHello(version, cipher string, hrr bool) func(t *testing.T, f map[string]any) {
	return func(t *testing.T, f map[string]any) {
		t.Helper()
		sh, _ := f["server_hello"].(map[string]any)
		if sh == nil {
			t.Fatalf("no server_hello")
		}
		cs, _ := sh["cipher_suite"].(map[string]any)
		if sh["version"] != version || cs["name"] != cipher || sh["hello_retry"] != hrr {
			t.Errorf("server_hello %v %v hello_retry %v, want %s %s %v", sh["version"], cs["name"], sh["hello_retry"], version, cipher, hrr)
		}
		if g, _ := sh["group"].(map[string]any); strings.HasPrefix(version, "TLS 1.3 draft") && g["name"] != "x25519" {
			t.Errorf("key share group %v, want x25519", sh["group"])
		}
		if f["resumed"] != false {
			t.Errorf("resumed %v", f["resumed"])
		}
	}
}

func TestEdgeCaptureVerdicts(t *testing.T) {
	for _, e := range edgeFlows {
		t.Run(filepath.Base(e.file)+"#"+strconv.Itoa(e.id), func(t *testing.T) {
			f := edgeReport(t, e.file, e.id)
			for k, want := range map[string]string{"outcome": e.outcome, "stage": e.stage, "who": e.who, "history": e.history} {
				if want == "" && k != "who" {
					continue
				}
				got, _ := f[k].(string)
				if got != want {
					t.Errorf("%s %q, want %q (diagnosis: %s)", k, got, want, f["diagnosis"])
				}
			}
			diag, _ := f["diagnosis"].(string)
			for _, w := range e.says {
				if !strings.Contains(diag, w) {
					t.Errorf("diagnosis %q does not say %q", diag, w)
				}
			}
			for _, w := range e.never {
				if strings.Contains(strings.ToLower(diag), w) {
					t.Errorf("diagnosis %q says %q", diag, w)
				}
			}
			if e.check != nil {
				e.check(t, f)
			}
		})
	}
}

// edgeReport runs `summary --json` on a capture under testdata and returns flow id.
func edgeReport(t *testing.T, file string, id int) map[string]any {
	t.Helper()
	var stdout, stderr bytes.Buffer
	run([]string{"summary", "--json", filepath.Join("testdata", file)}, &stdout, &stderr)
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var f map[string]any
		if err := dec.Decode(&f); err != nil {
			t.Fatal(err)
		}
		if n, _ := f["id"].(float64); int(n) == id {
			return f
		}
	}
	t.Fatalf("no flow %d in %s (stderr: %s)", id, file, stderr.String())
	return nil
}

func noAlerts(t *testing.T, f map[string]any) {
	t.Helper()
	if a, _ := f["alerts"].([]any); len(a) != 0 {
		t.Errorf("alerts %v, want none", a)
	}
}

// encryptedAlerts wants one encrypted alert from each named side, in order.
func encryptedAlerts(from ...string) func(t *testing.T, f map[string]any) {
	return func(t *testing.T, f map[string]any) {
		t.Helper()
		a, _ := f["alerts"].([]any)
		if len(a) != len(from) {
			t.Fatalf("alerts %v, want %d encrypted", a, len(from))
		}
		for i, x := range a {
			m := x.(map[string]any)
			if m["from"] != from[i] || m["encrypted"] != true || m["description"] != "encrypted" {
				t.Errorf("alert %d = %v, want encrypted from %s", i+1, m, from[i])
			}
		}
	}
}

// TestEdgeVersionFilters: SSL 2.0 and the TLS 1.3 drafts are found by the
// version filter (drafts count as 1.3).
func TestEdgeVersionFilters(t *testing.T) {
	for _, c := range []struct {
		file, filter string
		flows        int
	}{
		{"edge/sslv2.pcap", "version:ssl2", 1},
		{"edge/sslv2.pcap", "version:<1.0", 1},
		{"edge/tls13-drafts.pcap", "version:1.3", 4},
		{"edge/tls13-drafts.pcap", "version:<1.3", 0},
	} {
		var stdout, stderr bytes.Buffer
		run([]string{"summary", "--json", "--filter", c.filter, filepath.Join("testdata", c.file)}, &stdout, &stderr)
		if n := strings.Count(stdout.String(), "\n"); n != c.flows {
			t.Errorf("%s %s: %d flows, want %d (%s)", c.file, c.filter, n, c.flows, stderr.String())
		}
	}
}
