package packet

import "net/netip"

const (
	protoHopByHop = 0
	protoTCP      = 6
	protoRouting  = 43
	protoFragment = 44
	protoAH       = 51
	protoDestOpts = 60
	maxIPv6Ext    = 8 // a longer chain of extension headers is garbage
)

// decodeIPv4 checks the header, drops fragments and non-TCP, and hands TCP
// the bytes the total length covers (so Ethernet padding never reaches it).
func decodeIPv4(b []byte, seg *Segment) Skip {
	if len(b) < 20 || b[0]>>4 != 4 {
		seg.Truncated = len(b) < 20
		return SkipMalformed
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 {
		return SkipMalformed
	}
	if len(b) < ihl {
		seg.Truncated = true
		return SkipMalformed
	}
	total := int(be16(b[2:]))
	if total == 0 {
		total = len(b) // TSO: a capture on the sending host sees length 0
	} else if total < ihl {
		return SkipMalformed
	}
	seg.Src = netip.AddrFrom4([4]byte(b[12:16]))
	seg.Dst = netip.AddrFrom4([4]byte(b[16:20]))
	// A tunnel's inner header comes later and overwrites the outer one's.
	seg.TTL, seg.DF, seg.IPv6, seg.IPID = b[8], b[6]&0x40 != 0, false, be16(b[4:])
	frag := be16(b[6:]) & 0x3fff // MF flag or a fragment offset
	captured := total
	if total > len(b) {
		seg.Truncated = true
		captured = len(b)
	}
	if b[9] != protoTCP {
		if frag != 0 {
			return fragmentSkip(b[9], frag&0x1fff == 0, b[ihl:captured])
		}
		return decodeIPProto(b[9], b[ihl:captured], seg)
	}
	if frag != 0 {
		return SkipFragment
	}
	return decodeTCP(b[ihl:captured], total-ihl, seg)
}

// decodeIPv6 walks the extension headers to TCP. An atomic fragment header
// (offset 0, no more fragments) is skipped like any other.
func decodeIPv6(b []byte, seg *Segment) Skip {
	if len(b) < 40 || b[0]>>4 != 6 {
		seg.Truncated = len(b) < 40
		return SkipMalformed
	}
	seg.Src = netip.AddrFrom16([16]byte(b[8:24]))
	seg.Dst = netip.AddrFrom16([16]byte(b[24:40]))
	seg.TTL, seg.DF, seg.IPv6, seg.IPID = b[7], false, true, 0
	claimed := int(be16(b[4:]))
	body := b[40:]
	if claimed == 0 {
		claimed = len(body) // jumbogram or TSO: trust what was captured
	}
	if claimed > len(body) {
		seg.Truncated = true
	} else {
		body = body[:claimed]
	}
	next := b[6]
	for range maxIPv6Ext + 1 {
		var n int
		switch next {
		case protoTCP:
			return decodeTCP(body, claimed, seg)
		case protoHopByHop, protoRouting, protoDestOpts:
			if len(body) >= 2 {
				n = (int(body[1]) + 1) * 8
			}
		case protoAH:
			if len(body) >= 2 {
				n = (int(body[1]) + 2) * 4
			}
		case protoFragment:
			n = 8
			if len(body) >= 4 && (be16(body[2:])&0xfff9 != 0) { // offset or M set
				return SkipFragment
			}
		default:
			return decodeIPProto(next, body, seg)
		}
		if n == 0 || len(body) < n {
			seg.Truncated = seg.Truncated || claimed >= max(n, 2)
			return SkipMalformed
		}
		next = body[0]
		body = body[n:]
		claimed -= n
	}
	return SkipMalformed
}
