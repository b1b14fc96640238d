package decode

import (
	"fmt"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// maxRecordBody is the largest record body TLS allows (2^14 plus 2048 bytes
// of expansion); a longer one means the stream is not TLS or is corrupt.
const maxRecordBody = 16384 + 2048

// record is one complete TLS record. Body is nil for records whose bytes
// we skip (application data): only the length matters for those.
type record struct {
	typ     uint8
	version uint16
	length  int
	body    []byte
}

// recordStream cuts a direction's contiguous bytes into TLS records without
// buffering bodies it does not need.
type recordStream struct {
	hdr   [5]byte
	hdrN  int
	body  []byte
	need  int // body bytes still to come for the current record
	keep  bool
	cur   record
	bytes int64 // bytes consumed, for error positions
}

// feed consumes data and calls onRecord for every complete record. It stops
// and returns a problem at the first header that cannot be TLS.
func (s *recordStream) feed(data []byte, keep func(typ uint8) bool, onRecord func(record) bool) string {
	for len(data) > 0 {
		if s.need == 0 && s.hdrN < 5 {
			n := copy(s.hdr[s.hdrN:], data)
			s.hdrN += n
			data = data[n:]
			s.bytes += int64(n)
			if s.hdrN < 5 {
				return ""
			}
			if !tlswire.PlausibleRecordHeader(s.hdr[:]) {
				return fmt.Sprintf("bytes %x at stream offset %d are not a TLS record header", s.hdr[:], s.bytes-5)
			}
			typ, ver, length, _ := tlswire.ParseRecordHeader(s.hdr[:])
			s.cur = record{typ: typ, version: ver, length: length}
			s.need = length
			s.keep = keep(typ)
			s.body = s.body[:0]
			if s.keep && length > 0 && len(data) >= length {
				// The whole body is here: hand it on in place. onRecord
				// copies whatever it keeps, so nothing outlives the packet.
				s.cur.body = data[:length:length]
				s.need, s.keep = 0, false
				s.bytes += int64(length)
				data = data[length:]
				s.hdrN = 0
				if !onRecord(s.cur) {
					return ""
				}
				continue
			}
			if s.keep && cap(s.body) < length {
				// Sized to the record: thousands of handshakes may be open at
				// once, and most records are a few hundred bytes.
				s.body = make([]byte, 0, length)
			}
			if s.need == 0 && !s.complete(onRecord) {
				return ""
			}
			continue
		}
		n := min(s.need, len(data))
		if s.keep {
			s.body = append(s.body, data[:n]...)
		}
		s.need -= n
		s.bytes += int64(n)
		data = data[n:]
		if s.need == 0 && !s.complete(onRecord) {
			return ""
		}
	}
	return ""
}

// complete hands on the finished record; false means stop feeding.
func (s *recordStream) complete(onRecord func(record) bool) bool {
	if s.keep {
		s.cur.body = s.body
	}
	s.hdrN = 0
	return onRecord(s.cur)
}

// partialBody returns the kept bytes of a record that has not completed.
func (s *recordStream) partialBody() []byte {
	if s.need > 0 && s.keep {
		return s.body
	}
	return nil
}

// midRecord reports whether the stream ended inside a record.
func (s *recordStream) midRecord() bool { return s.hdrN > 0 || s.need > 0 }

// release drops the body buffer once the direction is done.
func (s *recordStream) release() { s.body = nil }
