// Package packet decodes one captured frame down to its TCP segment:
// link layer (Ethernet, 802.1Q/QinQ, Linux SLL/SLL2, BSD loopback, raw IP),
// IPv4/IPv6 (extension headers skipped), tunnels (PPPoE, MPLS, IP in IP,
// GRE, gretap, ERSPAN, VXLAN, Geneve, GTP-U; see tunnel.go), TCP. It never
// allocates per packet.
package packet

import "net/netip"

// TCP flag bits, in the order of the TCP header's flags byte.
const (
	FlagFIN = 1 << 0
	FlagSYN = 1 << 1
	FlagRST = 1 << 2
	FlagPSH = 1 << 3
	FlagACK = 1 << 4
	FlagURG = 1 << 5
	FlagECE = 1 << 6
	FlagCWR = 1 << 7
)

// Segment is the TCP view of one frame. Payload aliases the frame's bytes.
type Segment struct {
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	Seq, Ack         uint32
	Flags            uint8
	Window           uint16
	MSS              uint16 // MSS option on SYN segments, 0 when absent
	WScale           uint8  // window scale shift on SYN segments (valid when Opts has OptWScale)
	Opts             uint8  // OptWScale, OptSACKPerm, OptTimestamps seen on a SYN segment
	TTL              uint8  // IPv4 TTL or IPv6 hop limit of the innermost IP header
	IPID             uint16 // IPv4 identification of the innermost IP header (0 for IPv6)
	DF               bool   // IPv4 don't-fragment bit (IPv6 has none: routers never fragment it)
	IPv6             bool   // the innermost IP header is IPv6
	Payload          []byte // TCP payload bytes present in the capture
	PayloadLen       int    // payload length the IP header claims (> len(Payload) when snapped)
	Truncated        bool   // snaplen or damage cut the frame short of what headers claim
	VLANs            int    // number of 802.1Q/802.1ad tags seen
	Encap            int    // tunnels and encapsulations decoded through (GRE, VXLAN, MPLS, ...)
}

// TCP options a SYN segment may carry, as bits of Segment.Opts.
const (
	OptWScale     = 1 << 0
	OptSACKPerm   = 1 << 1
	OptTimestamps = 1 << 2
)

// Has reports whether every flag in f is set.
func (s *Segment) Has(f uint8) bool { return s.Flags&f == f }

// Skip says why a frame yielded no TCP segment. The empty string means it did.
type Skip string

const (
	SkipNone      Skip = ""
	SkipNotIP     Skip = "not IP (ARP, LLDP, ...)"
	SkipNotTCP    Skip = "IP but not TCP (UDP, ICMP, ...)"
	SkipFragment  Skip = "IP fragment"
	SkipLinkType  Skip = "unsupported link type"
	SkipMalformed Skip = "malformed or truncated headers"
	SkipEncap     Skip = "tunnel not decoded (PPTP, GTP-U signalling, Geneve OAM, ...)"
	SkipTooDeep   Skip = "tunnels nested too deep"
)
