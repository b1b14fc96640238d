package model

import (
	"runtime"
	"sync/atomic"
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
		for _, df := range flows {
			f = Flow{Flow: df, Verdict: withCrossNote(df, l.cross)}
			fn(&f)
		}
		return
	}
	done := make([]chan []Flow, chunks)
	for i := range done {
		done[i] = make(chan []Flow, 1)
	}
	ahead := make(chan struct{}, 2*workers)       // chunks classified but not yet taken
	free := make(chan []Flow, cap(ahead)+workers) // taken chunks' room, for reuse
	var next atomic.Int64
	for range workers {
		go func() {
			for {
				ahead <- struct{}{}
				i := int(next.Add(1)) - 1
				if i >= chunks {
					return
				}
				var out []Flow
				select {
				case out = <-free:
				default:
				}
				for _, df := range flows[i*eachChunk : min(len(flows), (i+1)*eachChunk)] {
					out = append(out, Flow{Flow: df, Verdict: withCrossNote(df, l.cross)})
				}
				done[i] <- out
			}
		}()
	}
	for i := range done {
		out := <-done[i]
		for j := range out {
			fn(&out[j])
		}
		clear(out) // no flow held past its turn
		select {
		case free <- out[:0]:
		default:
		}
		<-ahead
	}
}
