package model

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// TestAppendReportMatchesEncodingJSON holds the hand-written writer to what
// encoding/json writes, on every flow of every bundled capture and on
// hostile strings.
func TestAppendReportMatchesEncodingJSON(t *testing.T) {
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
			r := Report(f)
			compareJSON(t, p, &r)
			n++
		})
		src.Close()
	}
	hostile := "a\x00b\x1b]52;c;x\x07<script>&\"\\\u2028\u202e\u0085\xff\x7f\t\n"
	r := FlowReport{Diagnosis: Text(hostile), History: hostile, Client: hostile,
		ClientHello: &ClientHelloReport{SNI: Text(hostile), ALPN: []Text{Text(hostile)}},
		Certs:       []CertReport{{Subject: Text(hostile), Error: "x"}}, Problems: []Text{}}
	for _, v := range []float64{0, 1.5, 2.361, 1e-7, 123456789, 1e21, math.SmallestNonzeroFloat64} {
		r.HandshakeMS = &v
		compareJSON(t, "hostile", &r)
	}
	r.ServerHello = &ServerHelloReport{Group: &CodeName{tlswire.VersionTLS13, "x"}}
	compareJSON(t, "hostile", &r)
	t.Logf("%d flows compared", n)
}

func compareJSON(t *testing.T, where string, r *FlowReport) {
	t.Helper()
	var want bytes.Buffer
	if err := json.NewEncoder(&want).Encode(r); err != nil {
		t.Fatal(err)
	}
	if got := appendReport(nil, r); !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("%s flow %d:\n got %s\nwant %s", where, r.ID, got, want.Bytes())
	}
}

// TestAppendFlowMatchesReport holds the direct writer to the report's JSON.
func TestAppendFlowMatchesReport(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	more, _ := filepath.Glob("../testdata/*.pcapng")
	n := 0
	for _, p := range append(paths, more...) {
		src, err := capture.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		l := NewLoader(src)
		l.Run(context.Background(), nil)
		l.Each(func(f *Flow) {
			r := Report(f)
			want := appendReport(nil, &r)
			if got := appendFlow(nil, f); !bytes.Equal(got, want) {
				t.Fatalf("%s flow %d:\n got %s\nwant %s", p, f.ID, got, want)
			}
			n++
		})
		src.Close()
	}
	if n < 150 {
		t.Fatalf("only %d flows compared", n)
	}
}
