package decode_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// The memory budget for held bytes, at a small scale: 32 flows each holding
// 250 KB (8 MB in all) against a 2 MiB budget. The same builders, by the
// thousand and against the default 256 MiB, are what cmd hostile writes.
func TestBudgetBoundsHeldBytesAcrossFlows(t *testing.T) {
	const (
		perFlow = 250 << 10
		flows   = 32
		budget  = 2 << 20
	)
	for _, tc := range []struct {
		name  string
		build func(client string, size int) []synth.Frame
		side  decode.Dir
	}{
		{"parked behind a one-byte hole", synth.ParkedBehindHole, decode.FromClient},
		{"Certificate one byte short", synth.CertificateOneByteShort, decode.FromServer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conns := make([][]synth.Frame, flows)
			for i := range conns {
				conns[i] = tc.build(synth.ClientAddr(i), perFlow)
			}
			run := func(maxHeld int64) (a *decode.Analyzer, peakHeap, peakHeld int64) {
				before := heapInUse()
				a = decode.NewAnalyzer()
				a.SetMaxHeld(maxHeld)
				n := 0
				for i, frames := range conns {
					for _, fr := range frames {
						n++
						a.Add(&capture.Packet{Index: n, TS: fr.TS, LinkType: 1, CapLen: len(fr.Data),
							OrigLen: len(fr.Data), Offset: int64(24 + n*2000), Data: fr.Data})
						peakHeld = max(peakHeld, a.Held())
					}
					if i%8 == 7 {
						peakHeap = max(peakHeap, heapInUse()-before)
					}
				}
				return a, peakHeap, peakHeld
			}

			// Without a budget that bites, everything is held: the test
			// input really costs what it should.
			a, heapFree, heldFree := run(0)
			runtime.KeepAlive(a)
			a = nil
			if heldFree < flows*perFlow {
				t.Fatalf("default budget: %d bytes held at most, want at least %d", heldFree, flows*perFlow)
			}

			a, heap, held := run(budget)
			t.Logf("%d flows x %d bytes held: peak heap growth %d (held %d) with the default budget, %d (held %d) with %d",
				flows, perFlow, heapFree, heldFree, heap, held, budget)
			if held > budget {
				t.Errorf("%d bytes held at the peak, over the %d-byte budget", held, budget)
			}
			if heap > budget+2<<20 {
				t.Errorf("peak heap growth %d bytes with a %d-byte budget", heap, budget)
			}
			a.Finish()
			dropped := 0
			for _, df := range a.Flows() {
				if df.TCP.HeldDropped[tc.side] == 0 {
					continue
				}
				dropped++
				f := model.NewFlow(*df)
				if f.Outcome != model.Partial || !strings.Contains(f.Diagnosis, "memory budget for held bytes") ||
					!strings.Contains(f.Diagnosis, "--max-held") {
					t.Errorf("flow %d: %s: %s", f.ID, f.Outcome, f.Diagnosis)
				}
				if p := df.TLS.Problem[tc.side]; !strings.HasPrefix(p, "held bytes dropped: memory budget") {
					t.Errorf("flow %d: problem %q", df.ID, p)
				}
			}
			if want := flows - budget/perFlow; dropped < want {
				t.Errorf("%d flows dropped what they held, want at least %d", dropped, want)
			}
		})
	}
}
