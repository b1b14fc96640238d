package capture

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"
)

// pcapng block types (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng).
const (
	blockSHB       = 0x0a0d0d0a
	blockIDB       = 0x00000001
	blockPacket    = 0x00000002 // obsolete Packet Block
	blockSimple    = 0x00000003
	blockEnhanced  = 0x00000006
	byteOrderMagic = 0x1a2b3c4d

	blockHeaderLen  = 8 // type, total length
	blockTrailerLen = 4 // total length again
	minBlockLen     = blockHeaderLen + blockTrailerLen

	optEnd      = 0
	optIfName   = 2
	optTSResol  = 9
	optTSOffset = 14
)

// minLen is the smallest total length a block of type typ can have.
func minLen(typ uint32) uint32 {
	switch typ {
	case blockSHB:
		return 28
	case blockIDB:
		return 20
	case blockSimple:
		return 16
	case blockEnhanced, blockPacket:
		return 32
	}
	return minBlockLen
}

func blockName(typ uint32) string {
	switch typ {
	case blockSHB:
		return "section header block"
	case blockIDB:
		return "interface description block"
	case blockPacket:
		return "packet block"
	case blockSimple:
		return "simple packet block"
	case blockEnhanced:
		return "enhanced packet block"
	case blockDSB:
		return "decryption secrets block"
	}
	return fmt.Sprintf("block of type 0x%08x", typ)
}

// nextPcapng walks blocks until a packet block and returns its packet.
// Section and interface blocks update the interface table; everything else is
// skipped. With target >= 0 (ReadRecords), packet blocks before the byte
// offset target are skipped too and the one at target is returned.
func (s *Source) nextPcapng(target int64) (Packet, error) {
	for {
		start := s.off
		if target >= 0 && start > target {
			return Packet{}, fmt.Errorf("no pcapng block starts at byte offset %d", target)
		}
		h, err := s.br.Peek(blockHeaderLen)
		if len(h) < blockHeaderLen {
			if len(h) == 0 && err == io.EOF {
				return Packet{}, io.EOF
			}
			return Packet{}, s.cut(start, "block header", len(h), blockHeaderLen, orUnexpectedEOF(err))
		}
		typ := s.order.u32(h)
		if typ == blockSHB {
			if err := s.readSectionHeader(); err != nil {
				return Packet{}, err
			}
			continue
		}
		length := s.order.u32(h[4:])
		if err := s.checkBlockLen(start, typ, length); err != nil {
			return Packet{}, err
		}
		switch {
		case typ == blockIDB:
			err = s.readInterface(start, int(length))
		case typ == blockDSB && target < 0 && length >= 20:
			err = s.readSecrets(start, int(length))
		case isPacketBlock(typ) && (target < 0 || start == target):
			return s.readPacket(start, typ, int(length))
		default:
			err = s.skipBlock(start, typ, int(length))
		}
		if err != nil {
			return Packet{}, err
		}
	}
}

func isPacketBlock(typ uint32) bool {
	return typ == blockEnhanced || typ == blockSimple || typ == blockPacket
}

func (s *Source) checkBlockLen(start int64, typ, length uint32) error {
	switch {
	case length%4 != 0:
		return s.damage(start, "%s length %d is not a multiple of 4", blockName(typ), length)
	case length < minLen(typ):
		return s.damage(start, "%s length %d is too small (at least %d)", blockName(typ), length, minLen(typ))
	case length > maxBlockLen:
		return s.damage(start, "%s length %d exceeds the %d-byte limit", blockName(typ), length, maxBlockLen)
	}
	return nil
}

// takeBlock consumes a whole block whose length has been checked, and checks
// that its trailing length matches the leading one.
func (s *Source) takeBlock(start int64, typ uint32, length int) ([]byte, error) {
	b, err := s.take(length)
	if err != nil {
		return nil, s.cut(start, blockName(typ), len(b), length, err)
	}
	if tail := s.order.u32(b[length-blockTrailerLen:]); tail != uint32(length) {
		return nil, s.damage(start, "%s length %d at the start but %d at the end", blockName(typ), length, tail)
	}
	return b, nil
}

func (s *Source) skipBlock(start int64, typ uint32, length int) error {
	body := length - blockTrailerLen
	if d, err := s.skip(body); err != nil {
		return s.cut(start, blockName(typ), d, length, err)
	}
	t, err := s.take(blockTrailerLen)
	if err != nil {
		return s.cut(start, blockName(typ), body+len(t), length, err)
	}
	if tail := s.order.u32(t); tail != uint32(length) {
		return s.damage(start, "%s length %d at the start but %d at the end", blockName(typ), length, tail)
	}
	return nil
}

// readSectionHeader reads an SHB: its byte-order magic sets the byte order
// of everything up to the next SHB, and interface ids start again at 0.
func (s *Source) readSectionHeader() error {
	start := s.off
	h, err := s.br.Peek(12)
	if len(h) < 12 {
		return s.cut(start, blockName(blockSHB), len(h), 12, orUnexpectedEOF(err))
	}
	switch bom := binary.LittleEndian.Uint32(h[8:]); bom {
	case byteOrderMagic:
		s.order = littleEndian
	case 0x4d3c2b1a:
		s.order = bigEndian
	default:
		return s.damage(start, "section header has a bad byte-order magic 0x%08x", binary.BigEndian.Uint32(h[8:]))
	}
	length := s.order.u32(h[4:])
	if err := s.checkBlockLen(start, blockSHB, length); err != nil {
		return err
	}
	b, err := s.takeBlock(start, blockSHB, int(length))
	if err != nil {
		return err
	}
	if major := s.order.u16(b[12:]); major != 1 {
		return s.damage(start, "unsupported pcapng version %d.%d", major, s.order.u16(b[14:]))
	}
	s.section++
	s.local = s.local[:0]
	return nil
}

// Bounds on interface descriptions, which a file may repeat at will: every
// one is kept for the whole read (its packets may come at any time), so
// 60,000 of them with a 64 KB name each once took 3.8 GB. Real names are
// short ("eth0", "\Device\NPF_{GUID}"); real captures have a few
// interfaces, a few thousand when many files were concatenated.
const (
	maxInterfaceName = 256
	maxInterfaces    = 65536
)

// interfaceName is an if_name option's text, cut to maxInterfaceName bytes
// (on a character boundary, marked with "...").
func interfaceName(v []byte) string {
	v = bytes.TrimRight(v, "\x00")
	if len(v) <= maxInterfaceName {
		return string(v)
	}
	cut := maxInterfaceName - 3
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return string(v[:cut]) + "..."
}

// readInterface reads an IDB: link type, snaplen, and the options that
// change how timestamps read (if_tsresol, if_tsoffset) plus if_name.
func (s *Source) readInterface(start int64, length int) error {
	b, err := s.takeBlock(start, blockIDB, length)
	if err != nil {
		return err
	}
	if len(s.state) >= maxInterfaces {
		return s.damage(start, "more than %d interface descriptions (likely not a real capture: real ones have a few, a few thousand when files were joined)", maxInterfaces)
	}
	ifc := Interface{
		LinkType:      LinkType(s.order.u16(b[8:])),
		SnapLen:       int(s.order.u32(b[12:])),
		TSResolOption: tsResolMicro,
	}
	opts := b[16 : length-blockTrailerLen]
	for len(opts) >= 4 {
		code, n := s.order.u16(opts), int(s.order.u16(opts[2:]))
		padded := (n + 3) &^ 3
		if code == optEnd || 4+padded > len(opts) {
			break // malformed options are ignored, like every option we do not need
		}
		v := opts[4 : 4+n]
		switch {
		case code == optIfName:
			ifc.Name = interfaceName(v)
		case code == optTSResol && n >= 1:
			ifc.TSResolOption = v[0]
		case code == optTSOffset && n == 8:
			ifc.TSOffset = int64(s.order.u64(v))
		}
		opts = opts[4+padded:]
	}
	s.addInterface(ifc, newTSConv(ifc.TSResolOption, ifc.TSOffset))
	return nil
}

// readPacket reads an EPB, SPB or obsolete PB whose length has been checked.
func (s *Source) readPacket(start int64, typ uint32, length int) (Packet, error) {
	b, err := s.takeBlock(start, typ, length)
	if err != nil {
		return Packet{}, err
	}
	var id, capLen, origLen uint32
	var ts uint64
	dataAt := 28
	switch typ {
	case blockEnhanced:
		id = s.order.u32(b[8:])
	case blockPacket:
		id = uint32(s.order.u16(b[8:])) // then a 16-bit drops count
	}
	if typ == blockSimple {
		// No caplen field: the packet fills the block unless shorter on the wire.
		dataAt = 12
		origLen = s.order.u32(b[8:])
		capLen = min(origLen, uint32(length-16))
	} else {
		ts = uint64(s.order.u32(b[12:]))<<32 | uint64(s.order.u32(b[16:]))
		capLen, origLen = s.order.u32(b[20:]), s.order.u32(b[24:])
	}
	room := uint32(length - dataAt - blockTrailerLen)
	switch {
	case capLen > maxCapLen:
		return Packet{}, s.damage(start, "record length %d exceeds the %d-byte limit", capLen, maxCapLen)
	case capLen > room:
		return Packet{}, s.damage(start, "captured length %d does not fit in a %d-byte %s", capLen, length, blockName(typ))
	case int(id) >= len(s.local):
		return Packet{}, s.damage(start, "packet refers to interface %d, but the section declares %d", id, len(s.local))
	}
	g := s.local[id]
	st := &s.state[g]
	s.n++
	end := dataAt + int(capLen)
	return Packet{
		Index:     s.n,
		TS:        st.conv.time(ts),
		LinkType:  st.linkType,
		Interface: g,
		CapLen:    int(capLen),
		OrigLen:   int(origLen),
		Offset:    s.base + start,
		Data:      b[dataAt:end:end],
	}, nil
}
