package packet

const (
	etherTypeIPv4     = 0x0800
	etherTypeIPv6     = 0x86dd
	etherTypeDot1Q    = 0x8100
	etherTypeDot1AD   = 0x88a8 // QinQ service tag
	etherTypeQinQOld  = 0x9100 // pre-standard QinQ
	maxVLANTags       = 8      // more than this is garbage, not a network
	minEtherTypeValue = 0x0600 // below: an 802.3 length field (LLC follows), not IP
)

// decodeEtherType follows 802.1Q/802.1ad tags, PPPoE sessions and MPLS to the IP header.
func decodeEtherType(etherType uint16, b []byte, seg *Segment) Skip {
	for etherType == etherTypeDot1Q || etherType == etherTypeDot1AD || etherType == etherTypeQinQOld {
		if len(b) < 4 || seg.VLANs == maxVLANTags {
			return SkipMalformed
		}
		etherType = be16(b[2:])
		b = b[4:]
		seg.VLANs++
	}
	switch etherType {
	case etherTypeIPv4:
		return decodeIPv4(b, seg)
	case etherTypeIPv6:
		return decodeIPv6(b, seg)
	case etherPPPoE:
		if !enter(seg) {
			return SkipTooDeep
		}
		return decodePPPoE(b, seg)
	case etherMPLS, etherMPLSM:
		if !enter(seg) {
			return SkipTooDeep
		}
		return decodeMPLS(b, seg)
	}
	return SkipNotIP
}

// decodeFamily reads a BSD loopback header's address family. AF_INET6's
// value depends on the OS that wrote the file.
func decodeFamily(family uint32, b []byte, seg *Segment) Skip {
	switch family {
	case 2: // AF_INET everywhere
		return decodeIPv4(b, seg)
	case 10, 24, 28, 30: // AF_INET6: Linux, NetBSD/OpenBSD, FreeBSD, macOS
		return decodeIPv6(b, seg)
	}
	return SkipNotIP
}

// decodeIP picks IPv4 or IPv6 by the version nibble (raw IP link types).
func decodeIP(b []byte, seg *Segment) Skip {
	if len(b) == 0 {
		return SkipMalformed
	}
	switch b[0] >> 4 {
	case 4:
		return decodeIPv4(b, seg)
	case 6:
		return decodeIPv6(b, seg)
	}
	return SkipMalformed
}
