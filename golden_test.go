package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.jsonl from the current output")

// goldenCaptures are the captures whose `summary --json` output is pinned.
func goldenCaptures(t *testing.T) []string {
	t.Helper()
	paths, _ := filepath.Glob("testdata/captures/*.pcap*")
	more, _ := filepath.Glob("testdata/*.pcapng")
	edge, _ := filepath.Glob("testdata/edge/*.pcap") // synthetic edge cases (decode/internal/synth/edge)
	paths = append(append(paths, more...), edge...)
	var out []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".keys") {
			out = append(out, p)
		}
	}
	return out
}

// TestSummaryJSONGolden runs `summary --json` on every bundled capture and
// compares with testdata/golden/<capture>.jsonl (regenerate: go test . -update).
func TestSummaryJSONGolden(t *testing.T) {
	for _, path := range goldenCaptures(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run([]string{"summary", "--json", path}, &stdout, &stderr); code != exitOK {
				t.Logf("exit %d: %s", code, stderr.String())
			}
			golden := filepath.Join("testdata", "golden", name+".jsonl")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test . -update to create it)", err)
			}
			got := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			exp := strings.Split(strings.TrimSpace(string(want)), "\n")
			if len(got) != len(exp) {
				t.Fatalf("%d flows, golden has %d", len(got), len(exp))
			}
			for i := range exp {
				if got[i] != exp[i] {
					t.Errorf("flow %d differs:\n got %s\nwant %s", i+1, got[i], exp[i])
				}
			}
		})
	}
}

// TestSynthMixOutcomes checks every flow of the synthetic mix against what
// its scenario set up (testdata/synth-mix.expected.tsv, written by the
// generator decode/internal/synth/demo, not by this program).
func TestSynthMixOutcomes(t *testing.T) {
	expected, err := os.Open("testdata/synth-mix.expected.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer expected.Close()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"summary", "--json", "testdata/synth-mix.pcapng"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	type flow struct {
		ID          int
		Outcome     string
		Who         *string
		ClientHello *struct{ SNI string } `json:"client_hello"`
		Alerts      []struct {
			Description string
			Level       string
		}
	}
	var flows []flow
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var f flow
		if err := dec.Decode(&f); err != nil {
			t.Fatal(err)
		}
		flows = append(flows, f)
	}
	sc := bufio.NewScanner(expected)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 6 {
			t.Fatalf("bad line %q", line)
		}
		if n >= len(flows) {
			t.Fatalf("only %d flows decoded", len(flows))
		}
		f, scenario := flows[n], cols[1]
		n++
		if f.Outcome != cols[2] {
			t.Errorf("%s: outcome %s, want %s", scenario, f.Outcome, cols[2])
		}
		if who := deref(f.Who); cols[3] != "" && who != cols[3] {
			t.Errorf("%s: who %q, want %q", scenario, who, cols[3])
		}
		if cols[4] != "" && (len(f.Alerts) == 0 || f.Alerts[0].Description != cols[4]) {
			t.Errorf("%s: alerts %+v, want %s", scenario, f.Alerts, cols[4])
		}
		sni := ""
		if f.ClientHello != nil {
			sni = f.ClientHello.SNI
		}
		if sni != cols[5] {
			t.Errorf("%s: SNI %q, want %q", scenario, sni, cols[5])
		}
	}
	if n != len(flows) {
		t.Errorf("%d flows decoded, %d expected", len(flows), n)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
