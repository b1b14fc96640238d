package registry

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/registry/internal/regdata"
)

const csvDir = "../../../shared/tls-registry"

func loadData(t *testing.T) *regdata.Data {
	t.Helper()
	if _, err := os.Stat(filepath.Join(csvDir, "cipher_suites.csv")); err != nil {
		t.Skipf("registry CSVs not found: %v", err)
	}
	d, err := regdata.Load(csvDir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var lookups = map[string]func(uint16) string{
	"cipher_suites":     CipherSuite,
	"extensions":        Extension,
	"supported_groups":  Group,
	"signature_schemes": SignatureScheme,
	"versions":          Version,
	"alerts":            func(v uint16) string { return Alert(uint8(v)) },
	"handshake_types":   func(v uint16) string { return HandshakeType(uint8(v)) },
	"content_types":     func(v uint16) string { return ContentType(uint8(v)) },
}

// Every CSV row is served by the generated tables; rows that were not
// superseded (by supplement.csv or a correction) keep their CSV name
// verbatim in the registries whose spelling we do not normalise.
func TestEveryRow(t *testing.T) {
	d := loadData(t)
	last := map[[2]any]int{}
	for i, r := range d.Rows {
		last[[2]any{r.Registry, r.Value}] = i
	}
	eightBit := map[string]bool{"alerts": true, "handshake_types": true, "content_types": true}
	verbatim := map[string]bool{"cipher_suites": true, "extensions": true, "supported_groups": true, "signature_schemes": true}
	for i, r := range d.Rows {
		f := lookups[r.Registry]
		if f == nil {
			t.Fatalf("%s: no lookup for registry %q", r.File, r.Registry)
		}
		got := f(r.Value)
		want := d.Name(r.Registry, r.Value)
		if want == "" { // removed by a correction
			want = hex16(r.Value)
			if eightBit[r.Registry] {
				want = hex8(uint8(r.Value))
			}
		}
		if got != want {
			t.Errorf("%s %s 0x%04x: got %q, want %q", r.File, r.Registry, r.Value, got, want)
		}
		if verbatim[r.Registry] && last[[2]any{r.Registry, r.Value}] == i && !IsGREASE(r.Value) && got != r.Name {
			t.Errorf("%s 0x%04x: got %q, CSV says %q", r.File, r.Value, got, r.Name)
		}
	}
	if len(d.Rows) < 800 {
		t.Errorf("only %d rows read", len(d.Rows))
	}
}

// The committed names_gen.go is what the generator produces now.
func TestGeneratedUpToDate(t *testing.T) {
	loadData(t) // skips when the CSVs are missing
	out := filepath.Join(t.TempDir(), "names_gen.go")
	cmd := exec.Command("go", "run", "./gen", "-dir", csvDir, "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("names_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Error("names_gen.go is stale: run go generate ./decode/registry")
	}
}
