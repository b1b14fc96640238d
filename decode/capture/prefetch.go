package capture

import (
	"context"
	"errors"
	"io"
)

// Batch is a run of packets read ahead by Prefetch. Packet Data slices point
// into the batch's own buffer and stay valid until the batch is released.
type Batch struct {
	Packets []Packet
	Err     error // set on the last batch: nil at a clean end, else the damage
	Last    bool
	// Aux is what Prefetch's prepare function made of the packets, on the
	// reading goroutine. It stays with the batch when the batch is reused.
	Aux  any
	buf  []byte
	pool chan *Batch
}

// Release hands the batch back for reuse; its packets must not be used after.
func (b *Batch) Release() {
	b.Packets, b.buf = b.Packets[:0], b.buf[:0]
	select {
	case b.pool <- b:
	default:
	}
}

// Prefetch sizes: a few batches of about 1 MiB in flight bound the memory.
const (
	prefetchBytes   = 512 << 10
	prefetchBatches = 3
)

// Prefetch reads the source on its own goroutine into batches, so reading
// the file overlaps with analysing it on another core. If prepare is not
// nil it is called with each batch on that goroutine before the batch is
// sent (work that needs no state from the consumer can move there). The
// channel closes after the batch with Last set. Cancelling ctx stops the
// reader; the caller must not call Next while prefetching.
func (s *Source) Prefetch(ctx context.Context, prepare func(*Batch)) <-chan *Batch {
	out := make(chan *Batch, prefetchBatches-1)
	pool := make(chan *Batch, prefetchBatches)
	for i := 0; i < prefetchBatches; i++ {
		// Room for a full batch plus the largest record: a record that
		// starts before the batch is full always fits whole.
		pool <- &Batch{buf: make([]byte, 0, s.batchBytes()+maxCapLen+pcapRecordHeaderLen), pool: pool}
	}
	go func() {
		defer close(out)
		for {
			var b *Batch
			select {
			case b = <-pool:
			case <-ctx.Done():
				return
			}
			done := s.fill(b)
			if done && s.advance(b.Err) {
				done, b.Last, b.Err = false, false, nil // the next file follows
			} else if done {
				b.Err = s.endErr(b.Err)
			}
			if prepare != nil {
				prepare(b)
			}
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
			if done {
				return
			}
		}
	}()
	return out
}

// batchBytes is how many bytes of packets make a batch (tests make it small).
func (s *Source) batchBytes() int {
	if s.batchSize > 0 {
		return s.batchSize
	}
	return prefetchBytes
}

// fill reads packets into b until its buffer is full or the source ends.
func (s *Source) fill(b *Batch) (done bool) {
	if s.kind == kindPcap {
		return s.fillPcap(b)
	}
	for len(b.buf) < s.batchBytes() {
		p, err := s.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				b.Err = err
			}
			b.Last = true
			return true
		}
		if len(b.buf)+len(p.Data) > cap(b.buf) {
			// A packet larger than the room left (up to the 256 KiB cap) gets its own copy.
			p.Data = append([]byte(nil), p.Data...)
		} else {
			start := len(b.buf)
			b.buf = append(b.buf, p.Data...)
			p.Data = b.buf[start:len(b.buf):len(b.buf)]
		}
		b.Packets = append(b.Packets, p)
		if s.flushNow(b) {
			break
		}
	}
	return false
}

// flushNow reports whether a batch should go out before it is full: on a
// stream of unknown size (a pipe, a live capture) once the bytes that have
// arrived are used up, so a packet is analysed when it arrives rather than
// when 512 KiB more have followed it. A file's reads never come up short
// this way, and its batches stay full.
func (s *Source) flushNow(b *Batch) bool {
	return s.size < 0 && len(b.Packets) > 0 && s.br.Buffered() == 0
}
