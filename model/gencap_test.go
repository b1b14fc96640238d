package model

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gencapOutcome is what each of gencap's flow categories must come out as.
var gencapOutcome = map[string]Outcome{
	"ok/t13-pq-h2": OK, "ok/t13-x25519-http1": OK, "ok/t13-pq-noalpn": OK, "ok/t13-nosni-h2": OK,
	"ok/t12-ecdsa-h2": OK, "ok/t12-rsa-http1": OK,
	"ok/t13-resumed": Resumed, "ok/t12-resumed": Resumed,
	"srv-alert/protocol_version": Alert, "srv-alert/handshake_failure": Alert,
	"srv-alert/no_application_protocol": Alert,
	"cli-alert/t12-unknown_ca":          Alert, "cli-alert/t12-name-mismatch": Alert,
	"cli-alert/t12-certificate_expired": Alert, "cli-alert/t13-encrypted": EncryptedAlert,
	"rst-after-clienthello":     Reset,
	"no-serverhello/retransmit": NoServerHello, "no-serverhello/silent": NoServerHello,
	"tcp/syn-unanswered": NoSYNACK, "tcp/refused": Refused, "http-plaintext": NotTLS,
}

// TestGencapMix runs the shared capture generator (real Go crypto/tls
// handshakes in a realistic mix of failures) and checks that the count of
// every outcome equals the count of the categories that must produce it.
func TestGencapMix(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "tools", "gencap")
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		t.Skip("../shared/tools/gencap not found")
	}
	if testing.Short() {
		t.Skip("builds gencap")
	}
	for _, format := range []string{"pcap", "pcapng"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "mix."+format)
			cmd := exec.Command("go", "run", ".", "-o", out, "-flows", "1500", "-bytes-per-flow", "3000", "-seed", "11", "-v")
			cmd.Dir = dir
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Skipf("gencap did not run: %v\n%s", err, stderr.String())
			}
			want := map[Outcome]int{}
			sc := bufio.NewScanner(&stderr)
			for sc.Scan() {
				fields := strings.Fields(sc.Text())
				if len(fields) != 3 || !strings.HasSuffix(fields[2], "%") {
					continue
				}
				o, ok := gencapOutcome[fields[0]]
				if !ok {
					t.Fatalf("gencap category %q has no expected outcome", fields[0])
				}
				n, _ := strconv.Atoi(fields[1])
				want[o] += n
			}
			l := mustLoad(t, out)
			flows := l.Flows()
			got := countOutcomes(flows)
			for _, o := range Outcomes {
				if got[o] != want[o] {
					t.Errorf("%s: got %d flows, want %d", o, got[o], want[o])
				}
			}
			if t.Failed() {
				shown := map[Outcome]int{}
				for i := range flows {
					f := &flows[i]
					if shown[f.Outcome] < 2 {
						shown[f.Outcome]++
						t.Logf("flow %d %s %s %q: %s", f.ID, f.Badge, History(f.Flow), f.SNI(), f.Diagnosis)
					}
				}
			}
		})
	}
}

// countOutcomes counts flows per outcome.
func countOutcomes(flows []Flow) map[Outcome]int {
	counts := make(map[Outcome]int, len(Outcomes))
	for i := range flows {
		counts[flows[i].Outcome]++
	}
	return counts
}
