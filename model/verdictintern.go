package model

import "sync"

// Verdicts repeat: a busy capture has a few dozen outcome, badge, stage and
// diagnosis combinations, so a flow points at a shared one instead of
// holding its own 88 bytes (the explorer's list entry went from 96 bytes to
// 16). Flows whose diagnosis names something of their own (a hostname, a
// time) past the table's bound get a verdict of their own.
var verdicts struct {
	mu    sync.RWMutex
	m     map[Verdict]*Verdict
	bytes int // of text the table holds
}

// The table is bounded in verdicts and in bytes of text (hostile input
// makes every diagnosis different, and can make one long: certificate
// names, hostnames); past either bound a verdict not already in it is
// allocated and not kept, so the table outlives no flow by more than this.
const (
	maxInternedVerdicts = 4096
	maxInternedBytes    = 2 << 20
)

// noVerdict is the verdict of a place with no flow in it: shared, read only.
var noVerdict = &Verdict{}

// internVerdict returns a shared, read-only copy of v. Never write through
// it: every flow with the same verdict holds the same pointer.
func internVerdict(v Verdict) *Verdict {
	verdicts.mu.RLock()
	p, ok := verdicts.m[v]
	verdicts.mu.RUnlock()
	if ok {
		return p
	}
	verdicts.mu.Lock()
	defer verdicts.mu.Unlock()
	if p, ok := verdicts.m[v]; ok {
		return p
	}
	p = new(Verdict) // not &v: that would put v on the heap at every call, hit or miss
	*p = v
	if verdicts.m == nil {
		verdicts.m = map[Verdict]*Verdict{}
	}
	n := len(v.Outcome) + len(v.Badge) + len(v.Stage) + len(v.Who) + len(v.Diagnosis)
	if len(verdicts.m) < maxInternedVerdicts && verdicts.bytes+n <= maxInternedBytes {
		verdicts.m[v] = p
		verdicts.bytes += n
	}
	return p
}
