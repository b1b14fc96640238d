package capture

import (
	"errors"
	"io"
)

// fillPcap is fill for pcap files without the copy: file bytes are read
// straight into the batch's buffer and its packets point at them where they
// lie. The record cut by the end of the buffer moves, as s.carry, to the
// start of the next batch. Errors are the ones nextPcap reports, at the same
// packets and offsets.
func (s *Source) fillPcap(b *Batch) (done bool) {
	b.buf = append(b.buf[:0], s.carry...)
	s.carry = s.carry[:0]
	eof := false
	for {
		// Whole records first: at least one fits, since the buffer holds the
		// largest record allowed after a full batch's worth of bytes.
		for len(b.buf)-s.parsed >= pcapRecordHeaderLen {
			h := b.buf[s.parsed:]
			capLen := s.order.u32(h[8:])
			if capLen > maxCapLen {
				b.Err = s.damage(s.off, "record length %d exceeds the %d-byte limit", capLen, maxCapLen)
				return s.endBatch(b)
			}
			n := pcapRecordHeaderLen + int(capLen)
			if len(h) < n {
				break
			}
			rec := h[:n:n]
			b.Packets = append(b.Packets, s.pcapPacket(s.off, rec))
			s.parsed += n
			s.off += int64(n)
		}
		if s.parsed >= s.batchBytes() || s.flushNow(b) && !eof {
			s.carry = append(s.carry, b.buf[s.parsed:]...)
			b.buf = b.buf[:s.parsed]
			s.parsed = 0
			return false
		}
		if eof {
			if len(b.buf) > s.parsed {
				b.Err = s.cutRecord(b.buf[s.parsed:], io.ErrUnexpectedEOF)
			}
			return s.endBatch(b)
		}
		k, err := s.readInto(b.buf[len(b.buf):cap(b.buf)])
		b.buf = b.buf[:len(b.buf)+k]
		if err != nil {
			if !errors.Is(err, io.EOF) {
				b.Err = s.cutRecord(b.buf[s.parsed:], err)
				return s.endBatch(b)
			}
			eof = true
		}
	}
}

// cutRecord is the damage nextPcap reports when the stream stops (err)
// with only rest of the next record read: inside its header or its data.
func (s *Source) cutRecord(rest []byte, err error) error {
	if len(rest) < pcapRecordHeaderLen {
		return s.cut(s.off, "record header", len(rest), pcapRecordHeaderLen, err)
	}
	return s.cut(s.off, "record", len(rest), pcapRecordHeaderLen+int(s.order.u32(rest[8:])), err)
}

// endBatch makes b the last batch.
func (s *Source) endBatch(b *Batch) bool {
	b.Last, s.done, s.parsed = true, true, 0
	return true
}

// readInto reads into p. A plain file's bytes go straight from the file
// into p once the reader's buffer is drained: the batch's room is smaller
// than that buffer, so reading through it would copy every byte twice.
func (s *Source) readInto(p []byte) (int, error) {
	if s.gz == nil && s.br.Buffered() == 0 {
		return s.count.Read(p)
	}
	return s.br.Read(p)
}
