package capture

import (
	"encoding/binary"
	"io"
	"time"
)

const (
	pcapFileHeaderLen   = 24
	pcapRecordHeaderLen = 16
)

// readPcapHeader reads the 24-byte pcap file header: magic (byte order and
// µs/ns), version, snaplen and link type.
func (s *Source) readPcapHeader() error {
	h, err := s.take(pcapFileHeaderLen)
	if err != nil {
		return s.cut(0, "pcap file header", len(h), pcapFileHeaderLen, err)
	}
	resol := uint8(6)
	switch binary.BigEndian.Uint32(h) {
	case magicMicro:
		s.order, s.tsMul = bigEndian, 1000
	case magicNano:
		s.order, s.tsMul, resol = bigEndian, 1, 9
	case magicMicroSwapped:
		s.order, s.tsMul = littleEndian, 1000
	case magicNanoSwapped:
		s.order, s.tsMul, resol = littleEndian, 1, 9
	}
	// The link-type field's upper bits carry FCS information; the type is the low 16.
	s.linkType = LinkType(s.order.u32(h[20:]))
	s.section++ // a pcap file is one section with one interface
	s.local = s.local[:0]
	s.addInterface(Interface{
		LinkType:      s.linkType,
		SnapLen:       int(s.order.u32(h[16:])),
		TSResolOption: resol,
	}, newTSConv(resol, 0))
	s.pcapIface = len(s.state) - 1 // 0 unless files before it were read (many.go)
	return nil
}

// nextPcap reads one record: a 16-byte header (seconds, fraction, caplen,
// origlen) then caplen bytes. The returned Data aliases the bufio buffer.
func (s *Source) nextPcap() (Packet, error) {
	start := s.off
	h, err := s.br.Peek(pcapRecordHeaderLen)
	if len(h) < pcapRecordHeaderLen {
		if len(h) == 0 && err == io.EOF {
			return Packet{}, io.EOF
		}
		return Packet{}, s.cut(start, "record header", len(h), pcapRecordHeaderLen, orUnexpectedEOF(err))
	}
	capLen := s.order.u32(h[8:])
	if capLen > maxCapLen {
		return Packet{}, s.damage(start, "record length %d exceeds the %d-byte limit", capLen, maxCapLen)
	}
	n := pcapRecordHeaderLen + int(capLen)
	rec, err := s.take(n) // may move the buffer: read the header again from rec
	if err != nil {
		return Packet{}, s.cut(start, "record", len(rec), n, err)
	}
	return s.pcapPacket(start, rec), nil
}

// pcapPacket makes the next packet from a whole record (header and data),
// which starts at offset start. Data aliases rec.
func (s *Source) pcapPacket(start int64, rec []byte) Packet {
	s.n++
	n := len(rec)
	return Packet{
		Index:     s.n,
		Interface: s.pcapIface,
		TS:        time.Unix(int64(s.order.u32(rec)), int64(s.order.u32(rec[4:]))*s.tsMul),
		LinkType:  s.linkType,
		CapLen:    n - pcapRecordHeaderLen,
		OrigLen:   int(s.order.u32(rec[12:])),
		Offset:    s.base + start,
		Data:      rec[pcapRecordHeaderLen:n:n],
	}
}
