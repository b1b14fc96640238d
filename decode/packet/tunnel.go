package packet

// Tunnels and encapsulations decoded through to the inner TCP segment. The
// segment carries the innermost addresses and ports: a flow is the inner
// connection, whichever tunnel (or tunnels) carried it. Outer addresses are
// not kept: two tunnels carrying the same inner 5-tuple at the same time are
// rare (overlapping private address plans behind one capture point), and a
// capture that sees a connection both natively and mirrored (ERSPAN) should
// show one flow, not two.
//
// Every entry into a tunnel counts against maxEncap, so a hostile packet
// that nests tunnels (GRE in GRE in ...) costs at most maxEncap layers.

const (
	maxEncap     = 8  // tunnels inside tunnels: more is garbage or an attack
	maxMPLSLabel = 16 // labels in one MPLS stack

	protoIPIP  = 4  // IPv4 inside IP
	protoIPv6  = 41 // IPv6 inside IP (6in4, sit)
	protoUDP   = 17
	protoGRE   = 47
	portGTPU   = 2152
	portVXLAN  = 4789
	portVXLANL = 8472 // Linux's default VXLAN port (flannel): followed only for a strict VXLAN header
	portGeneve = 6081
	etherPPPoE = 0x8864 // PPPoE session stage (0x8863, discovery, carries no IP)
	etherMPLS  = 0x8847
	etherMPLSM = 0x8848 // multicast MPLS
	etherTEB   = 0x6558 // transparent Ethernet bridging: GRE carries a whole frame (gretap)
	etherERSP2 = 0x88be // ERSPAN type II (type I when GRE has no sequence number)
	etherERSP3 = 0x22eb // ERSPAN type III
	pppIPv4    = 0x0021
	pppIPv6    = 0x0057
	gtpGPDU    = 0xff // GTP-U message type that carries a user packet
)

// enter counts one more layer of encapsulation, or says the packet nests too deep.
func enter(seg *Segment) bool {
	if seg.Encap >= maxEncap {
		return false
	}
	seg.Encap++
	return true
}

// decodeEthernet reads an inner Ethernet frame (VXLAN, gretap, ERSPAN).
func decodeEthernet(b []byte, seg *Segment) Skip {
	if len(b) < 14 {
		seg.Truncated = true
		return SkipMalformed
	}
	return decodeEtherType(be16(b[12:]), b[14:], seg)
}

// decodeIPProto follows an IP payload that is not TCP: IP in IP, GRE, and
// UDP tunnels.
func decodeIPProto(proto uint8, b []byte, seg *Segment) Skip {
	switch proto {
	case protoIPIP:
		if !enter(seg) {
			return SkipTooDeep
		}
		return decodeIPv4(b, seg)
	case protoIPv6:
		if !enter(seg) {
			return SkipTooDeep
		}
		return decodeIPv6(b, seg)
	case protoGRE:
		if !enter(seg) {
			return SkipTooDeep
		}
		return decodeGRE(b, seg)
	case protoUDP:
		return decodeUDP(b, seg)
	}
	return SkipNotTCP
}

// fragmentSkip says why an IP fragment that is not TCP was skipped: a
// fragment of a tunnel packet is a fragment (we do not reassemble); other
// protocols stay "not TCP", as before tunnels were followed.
func fragmentSkip(proto uint8, first bool, b []byte) Skip {
	switch proto {
	case protoIPIP, protoIPv6, protoGRE:
		return SkipFragment
	case protoUDP:
		if first && len(b) >= 4 && isTunnelPort(be16(b[2:])) {
			return SkipFragment
		}
	}
	return SkipNotTCP
}

func isTunnelPort(p uint16) bool {
	return p == portVXLAN || p == portGTPU || p == portGeneve || p == portVXLANL
}

// decodeUDP follows the UDP tunnels on their registered ports (by
// destination port; GTP-U uses 2152 both ways). Other UDP is not TCP.
func decodeUDP(b []byte, seg *Segment) Skip {
	if len(b) < 8 {
		return SkipNotTCP
	}
	dst := be16(b[2:])
	if !isTunnelPort(dst) {
		return SkipNotTCP
	}
	body := b[8:]
	if n := int(be16(b[4:])); n >= 8 && n-8 < len(body) {
		body = body[:n-8] // never read trailing padding as payload
	}
	if dst == portVXLANL && (len(body) < 8 || body[0] != 0x08 || body[1]|body[2]|body[3]|body[7] != 0) {
		return SkipNotTCP // port 8472 is not registered to VXLAN: only a header that is exactly VXLAN's
	}
	if !enter(seg) {
		return SkipTooDeep
	}
	switch dst {
	case portVXLAN, portVXLANL:
		// flags (the I bit says the VNI is valid), 3 reserved, VNI, 1 reserved
		if len(body) < 8 {
			seg.Truncated = true
			return SkipMalformed
		}
		if body[0]&0x08 == 0 {
			return SkipEncap
		}
		return decodeEthernet(body[8:], seg)
	case portGeneve:
		return decodeGeneve(body, seg)
	}
	return decodeGTPU(body, seg)
}

// decodeGeneve reads a Geneve header (RFC 8926): version 0, options of
// 4-byte units, the protocol type as an EtherType (0x6558: Ethernet).
func decodeGeneve(b []byte, seg *Segment) Skip {
	if len(b) < 8 {
		seg.Truncated = true
		return SkipMalformed
	}
	if b[0]>>6 != 0 || b[1]&0x80 != 0 { // version 0; not an OAM (control) frame
		return SkipEncap
	}
	n := 8 + int(b[0]&0x3f)*4
	if len(b) < n {
		seg.Truncated = true
		return SkipMalformed
	}
	if proto := be16(b[2:]); proto != etherTEB {
		return decodeEtherType(proto, b[n:], seg)
	}
	return decodeEthernet(b[n:], seg)
}

// decodeGTPU reads a GTPv1-U header (3GPP TS 29.281): 8 bytes, 4 more when
// any of E, S, PN is set, then a chain of extension headers whose lengths
// count 4-byte units. Only G-PDUs carry a user packet; echo, error
// indication and end marker are tunnel signalling.
func decodeGTPU(b []byte, seg *Segment) Skip {
	if len(b) < 8 {
		seg.Truncated = true
		return SkipMalformed
	}
	if b[0]>>5 != 1 || b[0]&0x10 == 0 { // version 1, protocol type GTP (not GTP')
		return SkipEncap
	}
	if b[1] != gtpGPDU {
		return SkipEncap
	}
	flags := b[0]
	body := b[8:]
	if n := int(be16(b[2:])); n < len(body) {
		body = body[:n]
	}
	if flags&0x07 != 0 {
		if len(body) < 4 {
			seg.Truncated = true
			return SkipMalformed
		}
		next := body[3]
		body = body[4:]
		// Each extension is at least 4 bytes, so the chain ends within the packet.
		for flags&0x04 != 0 && next != 0 {
			if len(body) < 1 || body[0] == 0 {
				return SkipMalformed
			}
			n := int(body[0]) * 4
			if len(body) < n {
				seg.Truncated = true
				return SkipMalformed
			}
			next = body[n-1]
			body = body[n:]
		}
	}
	return decodeIP(body, seg)
}

// decodeGRE reads a GRE header (RFC 2784, key and sequence of RFC 2890) and
// follows its protocol type. Version 1 (PPTP) carries PPP, mostly
// compressed or encrypted, and the routing field is obsolete: both are
// counted as tunnels not decoded.
func decodeGRE(b []byte, seg *Segment) Skip {
	if len(b) < 4 {
		seg.Truncated = true
		return SkipMalformed
	}
	flags, version := b[0], b[1]&0x07
	if version != 0 || flags&0x40 != 0 { // PPTP, or source routing
		return SkipEncap
	}
	n := 4
	if flags&0x80 != 0 { // checksum and reserved
		n += 4
	}
	if flags&0x20 != 0 { // key
		n += 4
	}
	seq := flags&0x10 != 0
	if seq {
		n += 4
	}
	if len(b) < n {
		seg.Truncated = true
		return SkipMalformed
	}
	proto, body := be16(b[2:]), b[n:]
	switch proto {
	case etherTEB:
		return decodeEthernet(body, seg)
	case etherERSP2:
		if !seq { // ERSPAN type I: no ERSPAN header, the mirrored frame at once
			return decodeEthernet(body, seg)
		}
		if len(body) < 8 {
			seg.Truncated = true
			return SkipMalformed
		}
		if body[0]>>4 != 1 {
			return SkipEncap
		}
		return decodeEthernet(body[8:], seg)
	case etherERSP3:
		return decodeERSPAN3(body, seg)
	}
	return decodeEtherType(proto, body, seg)
}

// decodeERSPAN3 reads the 12-byte ERSPAN type III header, an optional
// 8-byte platform-specific subheader (the O bit), and the mirrored frame:
// Ethernet (frame type 0) or IP (frame type 2).
func decodeERSPAN3(b []byte, seg *Segment) Skip {
	if len(b) < 12 {
		seg.Truncated = true
		return SkipMalformed
	}
	if b[0]>>4 != 2 {
		return SkipEncap
	}
	frameType := (b[10] >> 2) & 0x1f
	n := 12
	if b[11]&0x01 != 0 {
		n += 8
	}
	if len(b) < n {
		seg.Truncated = true
		return SkipMalformed
	}
	switch frameType {
	case 0:
		return decodeEthernet(b[n:], seg)
	case 2:
		return decodeIP(b[n:], seg)
	}
	return SkipEncap
}

// decodePPPoE reads a PPPoE session header (RFC 2516) and the PPP protocol
// field; IPv4 and IPv6 are followed, PPP control (LCP, IPCP, ...) is not IP.
func decodePPPoE(b []byte, seg *Segment) Skip {
	if len(b) < 8 {
		seg.Truncated = true
		return SkipMalformed
	}
	if b[0] != 0x11 || b[1] != 0 { // version 1, type 1, code 0 (session data)
		return SkipEncap
	}
	body := b[6:]
	if n := int(be16(b[4:])); n < len(body) {
		body = body[:n]
	}
	if len(body) < 2 {
		return SkipMalformed
	}
	proto := uint16(body[0])
	if proto&1 == 0 { // a two-byte protocol field (the one-byte form is odd)
		proto = be16(body)
		body = body[2:]
	} else {
		body = body[1:]
	}
	switch proto {
	case pppIPv4:
		return decodeIPv4(body, seg)
	case pppIPv6:
		return decodeIPv6(body, seg)
	}
	return SkipNotIP
}

// decodeMPLS walks the label stack to its bottom, then picks IPv4 or IPv6
// by the first nibble, or Ethernet after a pseudowire control word (first
// nibble 0). An Ethernet pseudowire without a control word cannot be told
// from IP reliably and is not decoded.
func decodeMPLS(b []byte, seg *Segment) Skip {
	for range maxMPLSLabel {
		if len(b) < 4 {
			seg.Truncated = true
			return SkipMalformed
		}
		bottom := b[2]&0x01 != 0
		b = b[4:]
		if !bottom {
			continue
		}
		if len(b) == 0 {
			seg.Truncated = true
			return SkipMalformed
		}
		switch b[0] >> 4 {
		case 4:
			return decodeIPv4(b, seg)
		case 6:
			return decodeIPv6(b, seg)
		case 0: // a pseudowire control word (RFC 4385), then Ethernet (RFC 4448)
			if len(b) >= 4+14 {
				return decodeEthernet(b[4:], seg)
			}
		}
		return SkipEncap
	}
	return SkipMalformed
}
