package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runDiff(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"diff"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestDiffWithTheClosestWorkingFlow(t *testing.T) {
	code, out, stderr := runDiff(t, "testdata/demo.pcapng", "12")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		"flow #12 (ALERT) compared with flow #",
		"the closest working flow: same server address,",
		"Reading:\n  the server sent both clients the same certificate",
		"* alerts",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDiffTwoFlowsAsJSON(t *testing.T) {
	// Flags after the IDs, and the working flow first: the failing one is explained.
	code, out, stderr := runDiff(t, "testdata/demo.pcapng", "5", "8", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		A, B        struct{ ID int }
		Rule        string
		Reading     []string
		Differences int
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.A.ID != 8 || got.B.ID != 5 || got.Rule != "picked" || len(got.Reading) == 0 || got.Differences == 0 {
		t.Errorf("got %+v", got)
	}
}

func TestDiffErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"testdata/demo.pcapng"}, exitUsage, "diff needs a capture FILE and one or two flow IDs"},
		{[]string{"testdata/demo.pcapng", "x"}, exitUsage, `flow ID "x" is not a positive number`},
		{[]string{"testdata/demo.pcapng", "3", "3"}, exitUsage, "two different flow IDs"},
		{[]string{"testdata/demo.pcapng", "1", "2", "3"}, exitUsage, "got 4 arguments"},
		{[]string{"--nope", "testdata/demo.pcapng", "1"}, exitUsage, "-nope"},
		{[]string{"testdata/demo.pcapng", "999"}, exitCapture, "no flow 999 (the capture has 57)"},
		{[]string{"testdata/demo.pcapng", "46"}, exitCapture, "no flow completed its handshake to the same server address or SNI as flow 46"},
		{[]string{"testdata/no-such.pcap", "1"}, exitCapture, "no-such.pcap"},
	} {
		code, out, stderr := runDiff(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || out != "" {
			t.Errorf("diff %q: exit %d, stderr %q, stdout %q; want exit %d and %q", tc.args, code, stderr, out, tc.code, tc.want)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"help", "diff"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "Usage: pcapsurgery diff FILE ID [ID2]") {
		t.Errorf("help diff: exit %d: %s", code, out.String())
	}
}

// TestContrastCaptureReadings: in contrast.pcap (testdata/gen/contrast.sh) one
// TLS 1.2-only server that needs SNI answers clients of three stacks; the
// comparison with the closest working flow names each failure's reason.
func TestContrastCaptureReadings(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"4", []string{"the closest working flow: same server address and SNI",
			"the server chose TLS 1.2 with ECDHE-RSA-AES128-GCM-SHA256 for the working client",
			"this client offers TLS 1.2 but not that suite (it offers RSA-AES256-CBC-SHA), and the server answered handshake_failure: likely no cipher suite in common"}},
		{"5", []string{"which also offered TLS 1.2 to TLS 1.3); this client offers only TLS 1.3, and the server answered protocol_version: likely the server accepts no version this client offers"}},
		{"6", []string{"this client offers only TLS 1.3, and the server answered protocol_version"}},
		{"7", []string{"the closest working flow: same server address,",
			"the failing client sends no SNI; the working one sends contrast.pcapsurgery.test: likely the server requires a server name"}},
		{"9", []string{"the failing ClientHello is 1,512 bytes in two segments, the working one",
			"bytes in one segment; it was retransmitted and never fully acknowledged: likely the larger segments are lost on the path"}},
	} {
		code, out, stderr := runDiff(t, "testdata/captures/contrast.pcap", tc.id)
		if code != exitOK {
			t.Fatalf("diff %s: exit %d: %s", tc.id, code, stderr)
		}
		reading := out[strings.Index(out, "Reading:"):strings.Index(out, "fields differ")]
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("diff %s lacks %q:\n%s", tc.id, w, reading)
			}
		}
		if strings.Contains(reading, "nothing in the comparison stands out") {
			t.Errorf("diff %s finds nothing:\n%s", tc.id, reading)
		}
	}
}

// TestDiffWithAKeyLogComparesTLS13Certificates: flow 13 of the demo rejected
// a TLS 1.3 certificate; with the key log both certificates are read, and the
// reading names the same certificate accepted by the working client.
func TestDiffWithAKeyLogComparesTLS13Certificates(t *testing.T) {
	t.Setenv("SSLKEYLOGFILE", "")
	_, without, _ := runDiff(t, "testdata/demo.pcapng", "13")
	if !strings.Contains(without, "the certificates are encrypted (TLS 1.3)") {
		t.Errorf("without a key log:\n%s", without)
	}
	code, out, stderr := runDiff(t, "testdata/demo.pcapng", "13", "--keylog", "testdata/captures/keylog/demo.keys")
	if code != exitOK || !strings.Contains(out, "the server sent both clients the same certificate") {
		t.Errorf("exit %d, stderr %q:\n%s", code, stderr, out)
	}
}
