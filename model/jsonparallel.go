package model

import (
	"io"
	"runtime"
	"sync/atomic"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// jsonChunk is how many flows one worker classifies and encodes at a time
// (tests make it small).
var jsonChunk = 64

// WriteJSONLines writes every flow keep accepts (all when keep is nil) as
// one JSON line, in ID order: the bytes WriteJSONLines writes. Classifying and
// encoding run on every core in chunks of flows, written in order as they
// complete; two chunks per core at most are held at once (more, or bigger
// chunks, raised peak memory by 20 MB on a 1 GB capture). Call after Run
// has returned.
func (l *Loader) WriteJSONLines(w io.Writer, keep func(*Flow) bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return inChunks(l.an.Flows(), w, func() chunkFunc {
		var lists codeListCache
		var f Flow
		var v Verdict // f's, reused: keep must not hold on to f
		return func(flows []*decode.Flow, b []byte) []byte {
			for _, df := range flows {
				v = withCrossNote(df, l.cross)
				f = Flow{Flow: df, Verdict: &v}
				if keep == nil || keep(&f) {
					b = appendFlow(b, &f, &lists)
				}
			}
			return b
		}
	})
}

// chunkFunc turns a chunk of flows into bytes appended to b; each worker
// has its own (newWorker), so it may keep state between its chunks.
type chunkFunc func(flows []*decode.Flow, b []byte) []byte

// inChunks runs a chunkFunc over consecutive chunks of flows on every core
// and writes what each returns to w, in order. After a write error the rest
// is only drained, and the error returned.
func inChunks(flows []*decode.Flow, w io.Writer, newWorker func() chunkFunc) error {
	chunks := (len(flows) + jsonChunk - 1) / jsonChunk
	workers := runtime.GOMAXPROCS(0)
	done := make([]chan []byte, chunks)
	for i := range done {
		done[i] = make(chan []byte, 1)
	}
	ahead := make(chan struct{}, 2*workers) // chunks encoded but not yet written
	var next atomic.Int64
	var stop atomic.Bool
	free := make(chan []byte, cap(ahead)+workers) // written chunks' buffers, for reuse
	for range workers {
		work := newWorker()
		go func() {
			for {
				ahead <- struct{}{}
				i := int(next.Add(1)) - 1
				if i >= chunks {
					return
				}
				var b []byte
				select {
				case b = <-free:
				default:
				}
				if !stop.Load() {
					b = work(flows[i*jsonChunk:min(len(flows), (i+1)*jsonChunk)], b)
				}
				done[i] <- b
			}
		}()
	}
	var err error
	for i := range done {
		b := <-done[i]
		if err == nil {
			if _, err = w.Write(b); err != nil {
				stop.Store(true) // the rest is only drained
			}
		}
		select {
		case free <- b[:0]:
		default:
		}
		<-ahead
	}
	return err
}
