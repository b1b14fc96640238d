package packet

import (
	"bytes"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Outer (tunnel endpoint) addresses: never the segment's, which are the inner ones.
var (
	outerA  = net.IP{10, 0, 0, 1}
	outerB  = net.IP{10, 0, 0, 2}
	outer6a = net.ParseIP("fd00:aa::1")
	outer6b = net.ParseIP("fd00:aa::2")
)

func outerIPv4(proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: outerA, DstIP: outerB}
}

func outerIPv6(next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: next, SrcIP: outer6a, DstIP: outer6b}
}

func outerUDP(outer *layers.IPv4, dst uint16) *layers.UDP {
	udp := &layers.UDP{SrcPort: 49152, DstPort: layers.UDPPort(dst)}
	udp.SetNetworkLayerForChecksum(outer)
	return udp
}

// hand-built headers gopacket cannot serialize
func erspan2Header() []byte { return []byte{0x10, 0x64, 0x00, 0x07, 0, 0, 0, 1} } // version 1, VLAN 100, session 7
func erspan3Header(frameType byte, platform bool) []byte {
	h := []byte{0x20, 0x64, 0x00, 0x07, 1, 2, 3, 4, 0, 0, frameType << 2, 0}
	if platform {
		h[11] |= 0x01
		h = append(h, 0x08, 0, 0, 0, 0, 0, 0, 0) // platform-specific subheader
	}
	return h
}
func mplsLabel(label uint32, bottom bool) []byte {
	b := []byte{byte(label >> 12), byte(label >> 4), byte(label<<4) & 0xf0, 64}
	if bottom {
		b[2] |= 1
	}
	return b
}

func TestDecodeTunnels(t *testing.T) {
	hello := bytes.Repeat([]byte{0x16, 0x03, 0x01}, 100)
	ip4 := ipv4(layers.IPProtocolTCP)
	ip6 := ipv6(layers.IPProtocolTCP)
	inner4 := serialize(t, ip4, data(ip4), gopacket.Payload(hello))
	inner6 := serialize(t, ip6, data(ip6), gopacket.Payload(hello))
	innerEth := serialize(t, eth(layers.EthernetTypeIPv4), ip4, data(ip4), gopacket.Payload(hello))
	innerVLAN := serialize(t, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 5, Type: layers.EthernetTypeIPv6},
		ip6, data(ip6), gopacket.Payload(hello))

	v4 := want{src: addrV4a, dst: addrV4b, payload: hello, payloadLen: 300}
	v6 := want{src: addrV6a, dst: addrV6b, payload: hello, payloadLen: 300}
	type tc struct {
		name  string
		frame []byte
		want  want
		encap int
	}
	// over wraps inner in Ethernet + an outer IPv4 header of protocol proto.
	over := func(proto layers.IPProtocol, ls ...gopacket.SerializableLayer) []byte {
		return serialize(t, append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4), outerIPv4(proto)}, ls...)...)
	}
	gre := func(g *layers.GRE, inner []byte) []byte {
		return over(layers.IPProtocolGRE, g, gopacket.Payload(inner))
	}
	udp := func(dst uint16, ls ...gopacket.SerializableLayer) []byte {
		o := outerIPv4(layers.IPProtocolUDP)
		return serialize(t, append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4), o, outerUDP(o, dst)}, ls...)...)
	}
	gtp := func(g *layers.GTPv1U, inner []byte) []byte {
		g.Version, g.ProtocolType = 1, 1
		return udp(2152, g, gopacket.Payload(inner))
	}
	vxlan := &layers.VXLAN{ValidIDFlag: true, VNI: 42}
	pppoe := func(ppp layers.PPPType, inner []byte) []byte {
		return serialize(t, eth(layers.EthernetTypePPPoESession),
			&layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession, SessionId: 0x1234},
			&layers.PPP{PPPType: ppp}, gopacket.Payload(inner))
	}
	ipip := func(n int) []byte { // n IPv4 headers of protocol 4 around inner4
		b := inner4
		for range n {
			b = serialize(t, outerIPv4(layers.IPProtocolIPv4), gopacket.Payload(b))
		}
		return cat(serialize(t, eth(layers.EthernetTypeIPv4))[:14], b)
	}
	snap := func(w want, n int) want { w.truncated, w.payload = true, w.payload[:n]; return w }
	vlan := func(w want) want { w.vlans = 1; return w }

	tests := []tc{
		{"PPPoE IPv4", pppoe(layers.PPPTypeIPv4, inner4), v4, 1},
		{"PPPoE IPv6", pppoe(layers.PPPTypeIPv6, inner6), v6, 1},
		{"PPPoE one-byte protocol field", func() []byte {
			b := cat(pppoe(layers.PPPTypeIPv4, nil)[:20], []byte{0x21}, inner4)
			b[18], b[19] = byte((1+len(inner4))>>8), byte(1+len(inner4)) // PPPoE length
			return b
		}(), v4, 1},
		{"PPPoE length shorter than the frame", cat(pppoe(layers.PPPTypeIPv4, inner4), []byte{0, 0, 0, 0}), v4, 1},
		{"PPPoE LCP is not IP", pppoe(0xc021, []byte{1, 1, 0, 4}), want{skip: SkipNotIP}, 1},
		{"PPPoE discovery is not IP", serialize(t, eth(layers.EthernetTypePPPoEDiscovery), gopacket.Payload(make([]byte, 20))), want{skip: SkipNotIP}, 0},
		{"MPLS one label", cat(serialize(t, eth(layers.EthernetTypeMPLSUnicast))[:14], mplsLabel(100, true), inner4), v4, 1},
		{"MPLS two labels IPv6", cat(serialize(t, eth(layers.EthernetTypeMPLSUnicast))[:14], mplsLabel(16, false), mplsLabel(200, true), inner6), v6, 1},
		{"MPLS multicast", cat(serialize(t, eth(layers.EthernetTypeMPLSMulticast))[:14], mplsLabel(100, true), inner4), v4, 1},
		{"MPLS Ethernet pseudowire with control word", cat(serialize(t, eth(layers.EthernetTypeMPLSUnicast))[:14], mplsLabel(100, true), []byte{0, 0, 0, 1}, innerEth),
			v4, 1},
		{"MPLS unknown payload", cat(serialize(t, eth(layers.EthernetTypeMPLSUnicast))[:14], mplsLabel(100, true), []byte{0x10, 0, 0, 1}, innerEth),
			want{skip: SkipEncap}, 1},
		{"MPLS stack without bottom", cat(serialize(t, eth(layers.EthernetTypeMPLSUnicast))[:14], bytes.Repeat(mplsLabel(3, false), 20)),
			want{skip: SkipMalformed}, 1},
		{"IPv4 in IPv4", ipip(1), v4, 1},
		{"IPv4 in IPv4 eight deep", ipip(8), v4, 8},
		{"IPv4 in IPv4 nine deep", ipip(9), want{skip: SkipTooDeep}, 8},
		{"IPv6 in IPv4 (6in4, sit)", over(layers.IPProtocolIPv6, gopacket.Payload(inner6)), v6, 1},
		{"IPv4 in IPv6", serialize(t, eth(layers.EthernetTypeIPv6), outerIPv6(layers.IPProtocolIPv4), gopacket.Payload(inner4)), v4, 1},
		{"GRE IPv4", gre(&layers.GRE{Protocol: layers.EthernetTypeIPv4}, inner4), v4, 1},
		{"GRE checksum, key and sequence", gre(&layers.GRE{ChecksumPresent: true, KeyPresent: true, SeqPresent: true, Key: 9, Seq: 3,
			Protocol: layers.EthernetTypeIPv6}, inner6), v6, 1},
		{"GRE over IPv6", serialize(t, eth(layers.EthernetTypeIPv6), outerIPv6(layers.IPProtocolGRE),
			&layers.GRE{KeyPresent: true, Protocol: layers.EthernetTypeIPv4}, gopacket.Payload(inner4)), v4, 1},
		{"GRE MPLS", gre(&layers.GRE{Protocol: layers.EthernetTypeMPLSUnicast}, cat(mplsLabel(100, true), inner4)), v4, 2},
		{"gretap (transparent Ethernet bridging)", gre(&layers.GRE{KeyPresent: true, Protocol: layers.EthernetTypeTransparentEthernetBridging},
			innerVLAN), vlan(v6), 1},
		{"ERSPAN type I", gre(&layers.GRE{Protocol: layers.EthernetTypeERSPAN}, innerEth), v4, 1},
		{"ERSPAN type II", gre(&layers.GRE{SeqPresent: true, Seq: 1, Protocol: layers.EthernetTypeERSPAN}, cat(erspan2Header(), innerEth)), v4, 1},
		{"ERSPAN type III", gre(&layers.GRE{SeqPresent: true, Protocol: 0x22eb}, cat(erspan3Header(0, false), innerVLAN)), vlan(v6), 1},
		{"ERSPAN type III platform subheader", gre(&layers.GRE{SeqPresent: true, Protocol: 0x22eb}, cat(erspan3Header(0, true), innerEth)), v4, 1},
		{"ERSPAN type III IP frame", gre(&layers.GRE{SeqPresent: true, Protocol: 0x22eb}, cat(erspan3Header(2, false), inner4)), v4, 1},
		{"GRE version 1 (PPTP)", gre(&layers.GRE{KeyPresent: true, Version: 1, Protocol: layers.EthernetTypePPP}, []byte{0xff, 3, 0, 0x21}),
			want{skip: SkipEncap}, 1},
		{"GRE unknown protocol", gre(&layers.GRE{Protocol: 0x88b5}, []byte{1, 2, 3, 4}), want{skip: SkipNotIP}, 1},
		{"VXLAN", udp(4789, vxlan, gopacket.Payload(innerEth)), v4, 1},
		{"VXLAN inner VLAN", udp(4789, vxlan, gopacket.Payload(innerVLAN)), vlan(v6), 1},
		{"VXLAN without the I flag", udp(4789, &layers.VXLAN{VNI: 42}, gopacket.Payload(innerEth)), want{skip: SkipEncap}, 1},
		{"VXLAN cut by snaplen", udp(4789, vxlan, gopacket.Payload(innerEth))[:14+20+8+8+14+20+32+10], snap(v4, 10), 1},
		{"VXLAN carrying gretap carrying PPPoE", udp(4789, vxlan, gopacket.Payload(gre(&layers.GRE{Protocol: layers.EthernetTypeTransparentEthernetBridging},
			pppoe(layers.PPPTypeIPv4, inner4)))), v4, 3},
		{"VXLAN on Linux's port 8472", udp(8472, vxlan, gopacket.Payload(innerEth)), v4, 1},
		{"not VXLAN on port 8472", udp(8472, gopacket.Payload(cat([]byte{0x08, 0, 0, 1, 0, 0, 42, 0}, innerEth))), want{skip: SkipNotTCP}, 0},
		{"Geneve Ethernet", udp(6081, gopacket.Payload(cat([]byte{0x00, 0x00, 0x65, 0x58, 0, 0, 42, 0}, innerEth))), v4, 1},
		{"Geneve options, IPv6", udp(6081, gopacket.Payload(cat([]byte{0x02, 0x00, 0x86, 0xdd, 0, 0, 42, 0}, make([]byte, 8), inner6))), v6, 1},
		{"Geneve OAM", udp(6081, gopacket.Payload(cat([]byte{0x00, 0x80, 0x65, 0x58, 0, 0, 42, 0}, innerEth))), want{skip: SkipEncap}, 1},
		{"Geneve options cut", udp(6081, gopacket.Payload([]byte{0x3f, 0x00, 0x65, 0x58, 0, 0, 42, 0, 1, 2})), want{skip: SkipMalformed, truncated: true}, 1},
		{"GTP-U", gtp(&layers.GTPv1U{MessageType: 0xff, TEID: 0x1234}, inner4), v4, 1},
		{"GTP-U sequence number", gtp(&layers.GTPv1U{MessageType: 0xff, SequenceNumberFlag: true, SequenceNumber: 5}, inner6), v6, 1},
		{"GTP-U extension headers", gtp(&layers.GTPv1U{MessageType: 0xff, GTPExtensionHeaders: []layers.GTPExtensionHeader{
			{Type: 0x85, Content: []byte{0x00, 0x09}}, {Type: 0x40, Content: []byte{1, 2, 3, 4, 5, 6}}}}, inner4), v4, 1},
		{"GTP-U echo request", gtp(&layers.GTPv1U{MessageType: 1, SequenceNumberFlag: true}, nil), want{skip: SkipEncap}, 1},
		{"GTP-U extension header of length 0", cat(gtp(&layers.GTPv1U{MessageType: 0xff, ExtensionHeaderFlag: true}, nil), []byte{0x00, 0x00}),
			want{skip: SkipMalformed}, 1},
		{"DNS is not TCP", udp(53, gopacket.Payload("q")), want{skip: SkipNotTCP}, 0},
		{"fragment of a GRE packet", func() []byte {
			b := gre(&layers.GRE{Protocol: layers.EthernetTypeIPv4}, inner4)
			b[14+6] = 0x20 // more fragments
			return b
		}(), want{skip: SkipFragment}, 0},
	}
	d := NewDecoder()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seg Segment
			skip := d.Decode(1, tc.frame, &seg)
			w := tc.want
			if skip != w.skip {
				t.Fatalf("skip = %q, want %q", skip, w.skip)
			}
			if seg.Encap != tc.encap {
				t.Errorf("Encap = %d, want %d", seg.Encap, tc.encap)
			}
			if seg.Truncated != w.truncated {
				t.Errorf("Truncated = %v, want %v", seg.Truncated, w.truncated)
			}
			if skip != SkipNone {
				return
			}
			if seg.Src != w.src || seg.Dst != w.dst {
				t.Errorf("addresses %v -> %v, want the inner %v -> %v", seg.Src, seg.Dst, w.src, w.dst)
			}
			if seg.VLANs != w.vlans {
				t.Errorf("VLANs = %d, want %d", seg.VLANs, w.vlans)
			}
			if seg.SrcPort != 443 || seg.DstPort != 51000 || seg.Seq != 7 || seg.Ack != 1001 {
				t.Errorf("segment decoded as %+v", seg)
			}
			if !bytes.Equal(seg.Payload, w.payload) || seg.PayloadLen != w.payloadLen {
				t.Errorf("payload %d bytes (claimed %d), want %d (claimed %d)", len(seg.Payload), seg.PayloadLen, len(w.payload), w.payloadLen)
			}
		})
	}
}

// Every prefix and single-byte corruption of tunnelled frames decodes without
// panicking, and never reads the payload from outside the frame.
func TestDecodeTunnelMutations(t *testing.T) {
	for _, f := range tunnelSeeds(t) {
		d := NewDecoder()
		var seg Segment
		for i := range f {
			d.Decode(1, f[:i], &seg)
			for _, v := range []byte{0, 0xff, f[i] ^ 0x0f, f[i] ^ 0x80} {
				m := bytes.Clone(f)
				m[i] = v
				d.Decode(1, m, &seg)
			}
		}
	}
}

// tunnelSeeds is one Ethernet frame per kind of tunnel, for the mutation test, the fuzzer and the benchmark.
func tunnelSeeds(t testing.TB) [][]byte {
	ip4 := ipv4(layers.IPProtocolTCP)
	inner4 := serialize(t, ip4, data(ip4), gopacket.Payload("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"))
	innerEth := cat(serialize(t, eth(layers.EthernetTypeIPv4))[:14], inner4)
	o := outerIPv4(layers.IPProtocolUDP)
	og := outerIPv4(layers.IPProtocolGRE)
	e := eth(layers.EthernetTypeIPv4)
	return [][]byte{
		serialize(t, eth(layers.EthernetTypePPPoESession), &layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession},
			&layers.PPP{PPPType: layers.PPPTypeIPv4}, gopacket.Payload(inner4)),
		cat(serialize(t, eth(layers.EthernetTypeMPLSUnicast))[:14], mplsLabel(16, false), mplsLabel(100, true), inner4),
		serialize(t, e, outerIPv4(layers.IPProtocolIPv4), gopacket.Payload(inner4)),
		serialize(t, e, og, &layers.GRE{KeyPresent: true, SeqPresent: true, Protocol: layers.EthernetTypeIPv4}, gopacket.Payload(inner4)),
		serialize(t, e, og, &layers.GRE{SeqPresent: true, Protocol: layers.EthernetTypeERSPAN}, gopacket.Payload(cat(erspan2Header(), innerEth))),
		serialize(t, e, og, &layers.GRE{SeqPresent: true, Protocol: 0x22eb}, gopacket.Payload(cat(erspan3Header(0, true), innerEth))),
		serialize(t, e, o, outerUDP(o, 4789), &layers.VXLAN{ValidIDFlag: true, VNI: 7}, gopacket.Payload(innerEth)),
		serialize(t, e, o, outerUDP(o, 6081), gopacket.Payload(cat([]byte{0x01, 0x00, 0x65, 0x58, 0, 0, 7, 0, 0, 0, 0, 0}, innerEth))),
		cat(serialize(t, eth(layers.EthernetTypeMPLSUnicast))[:14], mplsLabel(100, true), []byte{0, 0, 0, 0}, innerEth),
		serialize(t, e, o, outerUDP(o, 2152), &layers.GTPv1U{Version: 1, ProtocolType: 1, MessageType: 0xff,
			GTPExtensionHeaders: []layers.GTPExtensionHeader{{Type: 0x85, Content: []byte{0, 9}}}}, gopacket.Payload(inner4)),
	}
}
