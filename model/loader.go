package model

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
)

// Batch is one step of a load: the flows that are new or changed since the
// last batch (replace by ID), and progress. It carries no UI types.
type Batch struct {
	Flows     []Flow
	BytesRead int64
	Total     int64 // -1 when the size is unknown (standard input)
	Packets   int
	Done      bool
	Err       error // damage: what could not be read (what was read is kept)
	Stats     decode.Stats
	// Dropped are the flows retention dropped since the last batch (live
	// input, Loader.SetRetention); each was in an earlier batch or is in
	// this one's Flows. Retained counts every flow dropped so far.
	Dropped  []int
	Retained Retained
}

// How often a loading UI hears about progress. The first batch goes out
// sooner, so the first rows are on screen while the user still looks.
//
// Changed flows are taken every batchInterval, not every few thousand: a
// flow handed out and then changed again is copied and taken in again
// (classified, indexed, listed), and a SYN flood's flows change with each
// retransmitted SYN a second or more of capture time apart. Taken every
// 5,000 changed flows, the 1M-flow SYN flood handed out 2.5 M flows;
// every 100 ms, 1.05-1.12 M (BenchmarkExplorerLoad). batchMaxFlows only bounds
// what one batch holds when flows change faster still. The UI gets a batch
// in slices of batchSlice flows, each taken in as its own message, so a
// key pressed while loading waits for one slice, not a whole batch.
const (
	batchInterval   = 100 * time.Millisecond
	firstBatchAfter = 20 * time.Millisecond
	batchMaxFlows   = 100_000
	batchSlice      = 5000
)

// Loader reads a source into an analyzer on its own goroutine and reports
// batches. Packets may be called from another goroutine while it runs.
type Loader struct {
	src   *capture.Source
	mu    sync.Mutex
	an    *decode.Sharded
	keys  *keylog.Log    // what SetKeyLog gave, for a reload with more (keylogfile.go)
	held  int64          // what SetMaxHeld gave
	cross map[int]string // flow ID -> what other flows say of it (splitHelloNotes), once the load is done
	spool *capture.Spool // live input's newest packets, for export (spool.go); nil for files
	ret   *retainer      // live input's retention (retain.go); nil for files
	dirty []*decode.Flow // the changed flows of the batch being made (reused)
	// The highest flow ID handed out in a batch so far.
	handed int
}

// NewLoader prepares a load of src.
func NewLoader(src *capture.Source) *Loader {
	return &Loader{src: src, an: decode.NewSharded(shardsFor(src), false)}
}

// NewPacketLoader prepares a load that finds flows and their packets without
// decoding TLS: enough to export whole flows by ID, in about half the time.
func NewPacketLoader(src *capture.Source) *Loader {
	return &Loader{src: src, an: decode.NewSharded(shardsFor(src), true)}
}

// NewReportLoader prepares a load for what only reports and never exports
// (summary, diff): the flows' packets are not listed (Packets gives none),
// which keeps each flow's decoding state 80 bytes smaller.
func NewReportLoader(src *capture.Source) *Loader {
	l := NewLoader(src)
	l.an.ListNoPackets()
	return l
}

// minShardedBytes is the smallest capture analysed on every core: below
// it a load takes a few tens of milliseconds on one. shardCount, when
// set, replaces GOMAXPROCS (tests set both).
var (
	minShardedBytes int64 = 8 << 20
	shardCount      int
)

// bytesPerShard: a file gets at most one shard per this many bytes (eight
// 512 KiB batches), so a 9 MB file on a 64-core machine is not cut 64 ways.
const bytesPerShard = 4 << 20

// shardsFor is how many shards analyse src: one per core (GOMAXPROCS) for
// a file of known size big enough to gain from it, else one, which is the
// analyzer alone on the loader's goroutine. Input of unknown size (a pipe,
// live capture) stays on one: its batches are small and come as packets
// arrive.
func shardsFor(src *capture.Source) int {
	if shardCount > 0 && src.Size() >= minShardedBytes {
		return shardCount
	}
	return shardsOf(src.Size(), runtime.GOMAXPROCS(0))
}

// shardsOf is shardsFor for a file of size bytes (-1: unknown) on procs cores.
func shardsOf(size int64, procs int) int {
	if size < 0 || size < minShardedBytes {
		return 1
	}
	return int(min(int64(procs), max(2, size/bytesPerShard)))
}

// SetKeyLog gives the load secrets to decrypt TLS handshakes with (nil:
// none). Call before Run.
func (l *Loader) SetKeyLog(k *keylog.Log) { l.keys = k; l.an.SetKeyLog(k) }

// SetMaxHeld sets the budget for bytes held across all flows (segments
// behind a hole, unfinished handshake messages); n <= 0 keeps
// decode.DefaultMaxHeld. Call before Run.
func (l *Loader) SetMaxHeld(n int64) { l.held = n; l.an.SetMaxHeld(n) }

// Run reads until the end of the source or ctx is cancelled. If emit is not
// nil it receives batches of changed flows at most every 100 ms, each in
// slices of at most 5,000 flows, and a final batch with Done set. It
// returns the damage error, if any.
// Reading and frame decoding run on their own goroutine (capture.Prefetch,
// Sharded.Predecode), analysis on this one, or on one per shard.
func (l *Loader) Run(ctx context.Context, emit func(Batch)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var damage error
	last := time.Now().Add(firstBatchAfter - batchInterval)
	packets := 0
	batches := l.src.Prefetch(ctx, l.prepare())
	// A batch held back by the interval goes out when the timer fires, not
	// with the next packets: on a pipe those may be minutes away.
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	armed := false
	for done := false; !done; {
		var pb *capture.Batch
		select {
		case pb = <-batches:
		case <-timer.C:
			armed = false
			l.mu.Lock()
			b := l.batch(packets)
			l.mu.Unlock()
			l.emitSlices(emit, b)
			last = time.Now()
			continue
		case <-ctx.Done():
			return ctx.Err()
		}
		if pb == nil {
			return ctx.Err()
		}
		l.mu.Lock()
		if logs, _ := l.src.TakeSecrets(); logs != nil {
			l.an.AddKeyLogText(logs) // the capture's own secrets, read before these packets
		}
		l.an.AddBatch(pb)
		packets += len(pb.Packets)
		done, damage = pb.Last, pb.Err
		pb.Release()
		if done {
			l.an.Finish()
			l.cross = splitHelloNotes(l.an.Flows())
			for id := range l.cross {
				l.an.Touch(id) // the final batch carries them with the note
			}
		}
		var b Batch
		send := emit != nil && (done || time.Since(last) >= batchInterval || l.an.DirtyCount() >= batchMaxFlows)
		if send {
			b = l.batch(packets)
		}
		l.mu.Unlock()
		if send {
			b.Done, b.Err = done, damage
			l.emitSlices(emit, b)
			last = time.Now()
			if armed {
				timer.Stop() // Go 1.23: no stale tick left in the channel
				armed = false
			}
		} else if emit != nil && !armed {
			timer.Reset(batchInterval - time.Since(last))
			armed = true
		}
	}
	return damage
}

// emitSlices hands b to emit in slices of batchSlice flows. Every slice
// carries b's progress; only the last carries Done, the damage and the
// flows retention dropped (each of which is in an earlier slice or this
// one, as Batch.Dropped promises). The UI appends a batch's new flows in
// ID order after those it holds, so the new flows go last, in ID order:
// no slice then brings a new flow older than one an earlier slice brought.
func (l *Loader) emitSlices(emit func(Batch), b Batch) {
	l.newLast(b.Flows, len(b.Flows) > batchSlice)
	for len(b.Flows) > batchSlice {
		s := b
		s.Flows, s.Done, s.Err, s.Dropped = b.Flows[:batchSlice:batchSlice], false, nil, nil
		emit(s)
		b.Flows = b.Flows[batchSlice:]
	}
	emit(b)
}

// newLast notes the highest flow ID handed out, and with order puts the
// flows newer than every flow handed out before after the others, in ID
// order. A batch's new flows are nearly always every ID between their
// lowest and highest: each then goes straight to its place.
func (l *Loader) newLast(fs []Flow, order bool) {
	var fresh []Flow
	n, lo, hi := 0, 0, l.handed
	for i := range fs {
		id := fs[i].ID
		if id <= l.handed {
			if order {
				fs[n] = fs[i]
				n++
			}
			continue
		}
		if order {
			fresh = append(fresh, fs[i])
		}
		if lo == 0 || id < lo {
			lo = id
		}
		hi = max(hi, id)
	}
	l.handed = hi
	if !order || len(fresh) == 0 {
		return
	}
	rest := fs[n:]
	if hi-lo+1 != len(fresh) {
		copy(rest, fresh)
		slices.SortFunc(rest, func(a, b Flow) int { return cmp.Compare(a.ID, b.ID) })
		return
	}
	for _, f := range fresh {
		rest[f.ID-lo] = f
	}
}

// batch snapshots the changed flows; the lock is held.
func (l *Loader) batch(packets int) Batch {
	l.dirty = l.an.TakeDirty(l.dirty[:0])
	flows := make([]Flow, len(l.dirty))
	l.classify(flows, l.dirty)
	clear(l.dirty)
	b := Batch{Flows: flows, BytesRead: l.src.BytesRead(), Total: l.src.Size(), Packets: packets, Stats: l.an.Stats()}
	if l.ret != nil {
		l.ret.observe(flows)
		l.ret.expire(l.an.Drop)
		l.ret.take(&b)
	}
	return b
}

// classifyChunk is how many flows of a batch one goroutine classifies at a
// time.
const classifyChunk = 512

// classify fills out with dirty's flows, classified. With shards it runs
// on as many goroutines: the shards wait for it, and a batch may carry
// thousands of flows.
func (l *Loader) classify(out []Flow, dirty []*decode.Flow) {
	// Neighbours in a batch often have the same verdict: each worker keeps
	// the last one it interned, and compares with it before hashing the
	// whole verdict into the table.
	one := func(i int, last **Verdict) {
		v := withCrossNote(dirty[i], l.cross)
		if *last == nil || **last != v {
			*last = internVerdict(v)
		}
		out[i] = Flow{Flow: dirty[i], Verdict: *last}
	}
	workers := min(l.an.Shards(), (len(dirty)+classifyChunk-1)/classifyChunk)
	if workers <= 1 {
		var last *Verdict
		for i := range dirty {
			one(i, &last)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var last *Verdict
			for {
				lo := int(next.Add(classifyChunk)) - classifyChunk
				if lo >= len(dirty) {
					return
				}
				for i := lo; i < min(lo+classifyChunk, len(dirty)); i++ {
					one(i, &last)
				}
			}
		})
	}
	wg.Wait()
}

// Flows classifies every flow; call after Run has returned.
func (l *Loader) Flows() []Flow {
	var out []Flow
	l.Each(func(f *Flow) { out = append(out, *f) })
	return out
}

// Each calls fn with every flow, classified, in ID order, without copying
// them all at once (the command line streams its output this way). The
// *Flow is reused between calls; call after Run has returned.
func (l *Loader) Each(fn func(*Flow)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var f Flow
	for _, df := range l.an.Flows() {
		f = classified(df, l.cross)
		fn(&f)
	}
}

// Stats returns the analyzer's counters.
func (l *Loader) Stats() decode.Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.an.Stats()
}

// Packets says where a flow's packets are in the source.
func (l *Loader) Packets(id int) decode.FlowPackets {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.an.Packets(id)
}

// Source is the capture being read.
func (l *Loader) Source() *capture.Source { return l.src }

// Span is the time from the earliest flow start to the latest flow end
// (zero for no flows), read without classifying: the axis of the group
// view's failures over time. Call after Run has returned.
func (l *Loader) Span() Span {
	l.mu.Lock()
	defer l.mu.Unlock()
	var s Span
	for i, df := range l.an.Flows() {
		if i == 0 || df.First.Before(s.From) {
			s.From = df.First
		}
		if i == 0 || df.Last.After(s.To) {
			s.To = df.Last
		}
	}
	return s
}
