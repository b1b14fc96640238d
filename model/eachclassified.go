package model

import (
	"runtime"
	"slices"
)

// eachChunk is how many flows one worker classifies at a time for
// EachClassified (tests make it small).
var eachChunk = 256

// EachClassified calls fn with every flow, classified, in ID order, as Each
// does, but classifies on every core ahead of fn: fn runs on the caller's
// goroutine, two chunks of flows per core at most waiting for it (summary
// --by counts flows one at a time while the other cores classify the next
// ones, as summary --json's writing does). The *Flow is reused between
// calls; call after Run has returned.
func (l *Loader) EachClassified(fn func(*Flow)) {
	workers := runtime.GOMAXPROCS(0)
	l.mu.Lock()
	defer l.mu.Unlock()
	flows := l.an.Flows()
	chunks := (len(flows) + eachChunk - 1) / eachChunk
	if workers < 2 || chunks < 2 {
		var f Flow
		var v Verdict // f's, reused: fn must not hold on to f
		for _, df := range flows {
			v = withCrossNote(df, l.cross)
			f = Flow{Flow: df, Verdict: &v}
			fn(&f)
		}
		return
	}
	type chunk struct {
		flows    []Flow
		verdicts []Verdict // the flows', by place
	}
	inOrder(chunks, func(_, i int, c *chunk) *chunk {
		if c == nil {
			c = &chunk{}
		}
		part := flows[i*eachChunk : min(len(flows), (i+1)*eachChunk)]
		c.flows = slices.Grow(c.flows[:0], len(part))[:len(part)]
		c.verdicts = slices.Grow(c.verdicts[:0], len(part))[:len(part)]
		for j, df := range part {
			c.verdicts[j] = withCrossNote(df, l.cross)
			c.flows[j] = Flow{Flow: df, Verdict: &c.verdicts[j]}
		}
		return c
	}, func(c *chunk) *chunk {
		for j := range c.flows {
			fn(&c.flows[j])
		}
		clear(c.flows) // no flow held past its turn
		return c
	})
}
