package model

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// TestMain checks, once every test has run, that no test wrote through a
// shared verdict: each one the table holds still equals its key, and the
// empty place's is still empty.
func TestMain(m *testing.M) {
	code := m.Run()
	verdicts.mu.RLock()
	for k, p := range verdicts.m {
		if *p != k {
			fmt.Fprintf(os.Stderr, "a shared verdict was written through: %+v, interned as %+v\n", *p, k)
			code = 1
		}
	}
	verdicts.mu.RUnlock()
	if *noVerdict != (Verdict{}) || *empty.Verdict != (Verdict{}) {
		fmt.Fprintf(os.Stderr, "the empty place's shared verdict was written: %+v\n", *noVerdict)
		code = 1
	}
	os.Exit(code)
}

func TestEqualVerdictsShareOneCopy(t *testing.T) {
	refused := func(port uint16) Flow {
		df := decode.NewFlow()
		df.TCP.SYN, df.TCP.RefusedByRST = true, true
		df.Server = netip.AddrPortFrom(netip.MustParseAddr("192.0.2.1"), port)
		return classified(df, nil)
	}
	a, b, c := refused(443), refused(443), refused(8443)
	if a.Outcome != Refused || a.Verdict != b.Verdict {
		t.Fatalf("two SYNs refused on port 443: %+v at %p and %p, want one shared refused verdict", *a.Verdict, a.Verdict, b.Verdict)
	}
	if c.Verdict == a.Verdict || !strings.Contains(c.Diagnosis, "port 8443") {
		t.Fatalf("refused on port 8443: %q, shared with port 443's: %v", c.Diagnosis, c.Verdict == a.Verdict)
	}
	if a.Copy().Verdict == a.Verdict {
		t.Fatal("Copy shares the verdict: a what-if change would change every flow with it")
	}
}

// TestVerdictTableIsBounded: hostile input (every diagnosis different, and
// long) fills the table to its bounds and no further; verdicts past them
// are still right, only not shared.
func TestVerdictTableIsBounded(t *testing.T) {
	verdicts.mu.Lock()
	saved, savedBytes := verdicts.m, verdicts.bytes
	verdicts.m, verdicts.bytes = nil, 0
	verdicts.mu.Unlock()
	defer func() {
		verdicts.mu.Lock()
		verdicts.m, verdicts.bytes = saved, savedBytes
		verdicts.mu.Unlock()
	}()
	long := strings.Repeat("x", 1000)
	for i := range 3 * maxInternedVerdicts {
		v := Verdict{Outcome: Alert, Diagnosis: fmt.Sprint(i, long)}
		if p := internVerdict(v); *p != v {
			t.Fatalf("verdict %d came back as %+v", i, *p)
		}
	}
	verdicts.mu.RLock()
	n, b := len(verdicts.m), verdicts.bytes
	verdicts.mu.RUnlock()
	if n == 0 || n > maxInternedVerdicts || b > maxInternedBytes {
		t.Fatalf("table holds %d verdicts, %d bytes; bounds %d and %d", n, b, maxInternedVerdicts, maxInternedBytes)
	}
	late := Verdict{Outcome: OK, Diagnosis: "not in the table yet " + long}
	if a, b := internVerdict(late), internVerdict(late); a == b || *a != late {
		t.Fatalf("a new verdict past the bounds: %+v and %+v, shared %v", *a, *b, a == b)
	}
}
