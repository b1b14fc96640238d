package model

import (
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

func noteGroups(t *testing.T, flows [][2]string) Group {
	t.Helper()
	gr := NewGrouper([]GroupKey{ByServer, ByJA4a}, Span{}, 1)
	for _, fl := range flows {
		f := Flow{Flow: decode.NewFlow(), Verdict: &Verdict{}}
		f.Outcome = Outcome(fl[1])
		f.First = time.Unix(0, 0)
		f.TLS.SetFingerprints(&decode.Fingerprints{JA4: fl[0] + "_x_y"})
		gr.Add(&f)
	}
	gs := gr.Groups(GroupByFailures)
	if len(gs) != 1 {
		t.Fatalf("%d groups", len(gs))
	}
	return gs[0]
}

func TestConcentrationNamesTheFailingValue(t *testing.T) {
	g := noteGroups(t, [][2]string{{"t12a", "alert"}, {"t12a", "alert"}, {"t12a", "reset"}, {"t13b", "ok"}, {"t13b", "ok"}, {"t13c", "resumed"}})
	line, ok := g.Concentration(ByJA4a)
	if !ok || !strings.Contains(line, "all 3 failures have ja4a t12a") || !strings.Contains(line, "never succeeded here (3 flows)") ||
		!strings.Contains(line, "the 3 successful flows have another ja4a") {
		t.Errorf("line %q, %v", line, ok)
	}
}

func TestConcentrationStaysQuiet(t *testing.T) {
	for name, flows := range map[string][][2]string{
		"the value also succeeds":   {{"t12a", "alert"}, {"t12a", "alert"}, {"t12a", "ok"}, {"t13b", "ok"}},
		"failures spread":           {{"t12a", "alert"}, {"t13b", "alert"}, {"t13b", "ok"}},
		"nothing succeeds at all":   {{"t12a", "alert"}, {"t12a", "alert"}, {"t13b", "not_tls"}},
		"one failure is no pattern": {{"t12a", "alert"}, {"t13b", "ok"}},
	} {
		g := noteGroups(t, flows)
		if line, ok := g.Concentration(ByJA4a); ok {
			t.Errorf("%s: said %q", name, line)
		}
	}
}

func TestContrast(t *testing.T) {
	if ByServer.Contrast() != ByJA4a || BySNI.Contrast() != ByJA4a || ByJA4.Contrast() != ByServer || ByClient.Contrast() != ByServer {
		t.Error("a server side key is checked against ja4a, a client side key against the server")
	}
}
