package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// manifestFlow is what testdata/captures/MANIFEST.json says about one
// connection; it was written by the capture scripts from what they set up
// and checked against tshark, not from this program's output.
type manifestFlow struct {
	Client, Server, SNI string
	Outcome             string `json:"expected_outcome"`
	Version, Cipher     string
	ALPN                string
	ALPNInClear         bool `json:"alpn_in_clear"`
	Alert               *struct {
		From, Description string
		Code              int
	}
	HelloRetry bool    `json:"hello_retry"`
	Segments   int     `json:"client_hello_segments"`
	StartTLS   *string `json:"starttls"`
	Resumed    bool
	Notes      string
}

type manifestEntry struct {
	File  string
	Flows []manifestFlow
}

// reportFlow is the part of `summary --json` the manifest speaks about.
type reportFlow struct {
	Client, Server, Outcome string
	StartTLS                *string `json:"starttls"`
	ClientHello             *struct {
		SNI      string
		Segments int
	} `json:"client_hello"`
	ServerHello *struct {
		Version     string
		CipherSuite struct{ Name string } `json:"cipher_suite"`
		ALPN        string
		HelloRetry  bool `json:"hello_retry"`
	} `json:"server_hello"`
	Alerts []struct {
		From, Description string
		Code              int
		Encrypted         bool
	}
}

// TestCapturesMatchManifest checks every real-stack capture against its manifest.
func TestCapturesMatchManifest(t *testing.T) {
	data, err := os.ReadFile("testdata/captures/MANIFEST.json")
	if err != nil {
		t.Fatal(err)
	}
	var entries []manifestEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) < 20 {
		t.Fatalf("manifest lists only %d captures", len(entries))
	}
	for _, e := range entries {
		t.Run(e.File, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			path := filepath.Join("testdata", "captures", e.File)
			run([]string{"summary", "--json", path}, &stdout, &stderr)
			var got []reportFlow
			dec := json.NewDecoder(&stdout)
			for dec.More() {
				var f reportFlow
				if err := dec.Decode(&f); err != nil {
					t.Fatal(err)
				}
				got = append(got, f)
			}
			if len(got) != len(e.Flows) {
				t.Fatalf("%d flows, manifest lists %d (stderr: %s)", len(got), len(e.Flows), stderr.String())
			}
			for i, want := range e.Flows {
				checkManifestFlow(t, i+1, got[i], want)
			}
		})
	}
}

func checkManifestFlow(t *testing.T, id int, g reportFlow, w manifestFlow) {
	t.Helper()
	errorf := func(format string, a ...any) {
		t.Helper()
		t.Errorf("flow %d (%s): "+format, append([]any{id, w.Notes}, a...)...)
	}
	if w.Client != "" && (g.Client != w.Client || g.Server != w.Server) {
		errorf("endpoints %s -> %s, want %s -> %s", g.Client, g.Server, w.Client, w.Server)
	}
	if g.Outcome != w.Outcome {
		errorf("outcome %s, want %s", g.Outcome, w.Outcome)
	}
	sni, segs := "", 0
	if g.ClientHello != nil {
		sni, segs = g.ClientHello.SNI, g.ClientHello.Segments
	}
	if sni != w.SNI {
		errorf("SNI %q, want %q", sni, w.SNI)
	}
	if w.Segments > 0 && segs != w.Segments {
		errorf("ClientHello in %d segments, want %d", segs, w.Segments)
	}
	version, cipher, alpn, hrr := "", "", "", false
	if sh := g.ServerHello; sh != nil {
		version, cipher, alpn, hrr = sh.Version, sh.CipherSuite.Name, sh.ALPN, sh.HelloRetry
	}
	if w.Version != "" && version != w.Version {
		errorf("version %q, want %q", version, w.Version)
	}
	if w.Cipher != "" && cipher != w.Cipher {
		errorf("cipher %q, want %q", cipher, w.Cipher)
	}
	if w.ALPNInClear && alpn != w.ALPN {
		errorf("ALPN %q, want %q", alpn, w.ALPN)
	}
	if hrr != w.HelloRetry {
		errorf("hello_retry %v, want %v", hrr, w.HelloRetry)
	}
	if (g.StartTLS == nil) != (w.StartTLS == nil) || g.StartTLS != nil && *g.StartTLS != *w.StartTLS {
		errorf("starttls %v, want %v", deref(g.StartTLS), deref(w.StartTLS))
	}
	if a := w.Alert; a != nil {
		found := false
		for _, ga := range g.Alerts {
			if !ga.Encrypted && ga.From == a.From && ga.Description == a.Description && ga.Code == a.Code {
				found = true
			}
		}
		if !found {
			errorf("alerts %+v, want %s %s (%d)", g.Alerts, a.From, a.Description, a.Code)
		}
	}
}
