package model

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

const hostile = "a\x00b\x1b]52;c;x\x07<script>&\"\\\u2028\u202e\u0085\xff\x7f\t\n"

// TestAppendFlowMatchesEncodingJSON holds the hand-written writer to what
// encoding/json writes for the flow's report, on every flow of every bundled
// capture and on a flow whose packet strings are hostile.
func TestAppendFlowMatchesEncodingJSON(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	more, _ := filepath.Glob("../testdata/*.pcapng")
	paths = append(paths, more...)
	if len(paths) < 10 {
		t.Fatalf("only %d captures found", len(paths))
	}
	n := 0
	for _, p := range paths {
		src, err := capture.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		l := NewLoader(src)
		l.Run(context.Background(), nil)
		l.Each(func(f *Flow) {
			compareFlowJSON(t, p, f)
			n++
		})
		src.Close()
	}
	if n < 150 {
		t.Fatalf("only %d flows compared", n)
	}
	f := &Flow{
		Flow: &decode.Flow{ID: 7, TCP: decode.TCPFacts{StreamFacts: &decode.StreamFacts{}}, TLS: &decode.TLSFacts{
			ClientHello:  decode.NewClientHello(&tlswire.ClientHello{SNI: hostile, ALPN: []string{hostile}}),
			ServerHello:  &tlswire.ServerHello{ALPN: hostile, KeyShareGroup: tlswire.VersionTLS13, SelectedPSK: -1},
			Certificates: []tlswire.Certificate{{Subject: hostile, Issuer: hostile, SANs: []string{hostile}}, {Error: hostile}},
			Alerts:       []decode.AlertFact{{Level: 2, Description: 40}, {Encrypted: true, Length: 19}},
			TLSRare:      &decode.TLSRare{Problem: [2]string{hostile, ""}, StartTLS: hostile, NotTLS: hostile},
		}},
		Verdict: &Verdict{Diagnosis: hostile, Who: hostile, Badge: hostile},
	}
	f.TLS.SetSessionID(decode.FromClient, []byte{0xab})
	f.TLS.SetSessionID(decode.FromServer, []byte{0xcd})
	compareFlowJSON(t, "hostile", f)
}

func compareFlowJSON(t *testing.T, where string, f *Flow) {
	t.Helper()
	var want bytes.Buffer
	if err := json.NewEncoder(&want).Encode(Report(f)); err != nil {
		t.Fatal(err)
	}
	// Without the list cache, then twice through one (built, then reused).
	var lists codeListCache
	for i, c := range []*codeListCache{nil, &lists, &lists} {
		if got := appendFlow(nil, f, c); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%s flow %d (pass %d):\n got %s\nwant %s", where, f.ID, i, got, want.Bytes())
		}
	}
}

// TestEscapesMatchEncodingJSON checks the string, Text and number writers
// on their own, including values no capture produces.
func TestEscapesMatchEncodingJSON(t *testing.T) {
	for _, s := range []string{hostile, "", "plain", "\u2029", "é\u200b"} {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("string %q: got %s want %s", s, got, want)
		}
		want, _ = json.Marshal(Text(s))
		if got := appendText(nil, s); !bytes.Equal(got, want) {
			t.Errorf("Text %q: got %s want %s", s, got, want)
		}
	}
	for _, v := range []float64{0, 1.5, 2.361, 1e-7, 123456789, 1e21, math.SmallestNonzeroFloat64} {
		want, _ := json.Marshal(v)
		if got := appendFloat(nil, v); !bytes.Equal(got, want) {
			t.Errorf("float %v: got %s want %s", v, got, want)
		}
	}
}
