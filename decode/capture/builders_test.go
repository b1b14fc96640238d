package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"time"
)

// Test files are built byte by byte, in either byte order, so every header
// field can be set to a lie.

// endian is what binary.LittleEndian and binary.BigEndian both are.
type endian interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

var le = binary.LittleEndian

type rec struct {
	sec, frac uint32
	data      []byte
	origLen   int // 0 means len(data)
}

func pcapBytes(order endian, nano bool, linkType uint32, recs ...rec) []byte {
	var b []byte
	magic := uint32(magicMicro)
	if nano {
		magic = magicNano
	}
	b = order.AppendUint32(b, magic)
	b = order.AppendUint16(b, 2)
	b = order.AppendUint16(b, 4)
	b = order.AppendUint32(b, 0) // thiszone
	b = order.AppendUint32(b, 0) // sigfigs
	b = order.AppendUint32(b, 65535)
	b = order.AppendUint32(b, linkType)
	for _, r := range recs {
		b = appendPcapRecord(b, order, r)
	}
	return b
}

func appendPcapRecord(b []byte, order endian, r rec) []byte {
	orig := r.origLen
	if orig == 0 {
		orig = len(r.data)
	}
	b = order.AppendUint32(b, r.sec)
	b = order.AppendUint32(b, r.frac)
	b = order.AppendUint32(b, uint32(len(r.data)))
	b = order.AppendUint32(b, uint32(orig))
	return append(b, r.data...)
}

// ng builds pcapng files.
type ng struct {
	order endian
	b     []byte
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// block appends a block with a correct length before and after body.
func (n *ng) block(typ uint32, body []byte) *ng {
	body = pad4(body)
	length := uint32(12 + len(body))
	n.b = n.order.AppendUint32(n.b, typ)
	n.b = n.order.AppendUint32(n.b, length)
	n.b = append(n.b, body...)
	n.b = n.order.AppendUint32(n.b, length)
	return n
}

func (n *ng) shb() *ng {
	var body []byte
	body = n.order.AppendUint32(body, byteOrderMagic)
	body = n.order.AppendUint16(body, 1)
	body = n.order.AppendUint16(body, 0)
	body = n.order.AppendUint64(body, ^uint64(0)) // section length unknown
	return n.block(blockSHB, body)
}

type opt struct {
	code uint16
	val  []byte
}

func (n *ng) options(body []byte, opts []opt) []byte {
	for _, o := range opts {
		body = n.order.AppendUint16(body, o.code)
		body = n.order.AppendUint16(body, uint16(len(o.val)))
		body = pad4(append(body, o.val...))
	}
	if len(opts) > 0 {
		body = n.order.AppendUint32(body, 0) // opt_endofopt
	}
	return body
}

func (n *ng) idb(linkType uint16, snap uint32, opts ...opt) *ng {
	var body []byte
	body = n.order.AppendUint16(body, linkType)
	body = n.order.AppendUint16(body, 0)
	body = n.order.AppendUint32(body, snap)
	return n.block(blockIDB, n.options(body, opts))
}

func (n *ng) epb(id uint32, ts uint64, data []byte, origLen int) *ng {
	var body []byte
	body = n.order.AppendUint32(body, id)
	body = n.order.AppendUint32(body, uint32(ts>>32))
	body = n.order.AppendUint32(body, uint32(ts))
	body = n.order.AppendUint32(body, uint32(len(data)))
	body = n.order.AppendUint32(body, uint32(origLen))
	body = pad4(append(body, data...))
	body = n.options(body, []opt{{1, []byte("a comment")}})
	return n.block(blockEnhanced, body)
}

func (n *ng) pb(id uint16, ts uint64, data []byte) *ng {
	var body []byte
	body = n.order.AppendUint16(body, id)
	body = n.order.AppendUint16(body, 0) // drops
	body = n.order.AppendUint32(body, uint32(ts>>32))
	body = n.order.AppendUint32(body, uint32(ts))
	body = n.order.AppendUint32(body, uint32(len(data)))
	body = n.order.AppendUint32(body, uint32(len(data)))
	return n.block(blockPacket, append(body, data...))
}

func (n *ng) spb(origLen uint32, data []byte) *ng {
	body := n.order.AppendUint32(nil, origLen)
	return n.block(blockSimple, append(body, data...))
}

// raw appends bytes as they are, for lying blocks.
func (n *ng) raw(words ...uint32) *ng {
	for _, w := range words {
		n.b = n.order.AppendUint32(n.b, w)
	}
	return n
}

func u8(v uint8) []byte { return []byte{v} }

func (n *ng) i64(v int64) []byte { return n.order.AppendUint64(nil, uint64(v)) }

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func payload(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}

// readAll returns copies of every packet and the error that ended the read
// (nil for a clean io.EOF). It checks that damage is reported only once.
func readAll(t testing.TB, s *Source) ([]Packet, error) {
	t.Helper()
	var out []Packet
	for {
		p, err := s.Next()
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			if _, again := s.Next(); again != io.EOF {
				t.Fatalf("after %v, Next returned %v, want io.EOF", err, again)
			}
			return out, err
		}
		p.Data = bytes.Clone(p.Data)
		out = append(out, p)
	}
}

func mustSource(t testing.TB, b []byte) *Source {
	t.Helper()
	s, err := NewSource(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("NewSource: %v", err)
	}
	return s
}

func asDamage(t testing.TB, err error) *DamageError {
	t.Helper()
	var d *DamageError
	if !errors.As(err, &d) {
		t.Fatalf("error %v (%T) is not a *DamageError", err, err)
	}
	return d
}

func unixAt(sec, nsec int64) time.Time { return time.Unix(sec, nsec) }
