package model

import (
	"io"
	"runtime"

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
		return func(_ int, flows []*decode.Flow, b []byte) []byte {
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

// chunkFunc turns a chunk of flows, the first at place start of them all,
// into bytes appended to b; each worker has its own (newWorker), so it may
// keep state between its chunks.
type chunkFunc func(start int, flows []*decode.Flow, b []byte) []byte

// inChunks runs a chunkFunc over consecutive chunks of flows on every core
// and writes what each returns to w, in order. After a write error the rest
// is only drained, and the error returned.
func inChunks(flows []*decode.Flow, w io.Writer, newWorker func() chunkFunc) error {
	works := make([]chunkFunc, runtime.GOMAXPROCS(0))
	for i := range works {
		works[i] = newWorker()
	}
	return writeInOrder(w, (len(flows)+jsonChunk-1)/jsonChunk, func(worker, i int, b []byte) []byte {
		return works[worker](i*jsonChunk, flows[i*jsonChunk:min(len(flows), (i+1)*jsonChunk)], b[:0])
	}, func(b *[]byte) []byte { return *b })
}
