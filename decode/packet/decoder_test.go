package packet

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

var (
	addrV4a = netip.MustParseAddr("192.0.2.1")
	addrV4b = netip.MustParseAddr("198.51.100.7")
	addrV6a = netip.MustParseAddr("2001:db8::1")
	addrV6b = netip.MustParseAddr("2001:db8::2:3")
)

// want is what a test expects; zero fields of a skipped frame are not checked.
type want struct {
	skip       Skip
	src, dst   netip.Addr
	syn        bool // SYN from 192.0.2.1:51000 with MSS 1460, else data from :443
	payload    []byte
	payloadLen int
	truncated  bool
	vlans      int
}

func TestDecode(t *testing.T) {
	hello := bytes.Repeat([]byte{0x16, 0x03, 0x01}, 100) // 300 bytes
	ip4 := ipv4(layers.IPProtocolTCP)
	ethSyn := serialize(t, eth(layers.EthernetTypeIPv4), ip4, syn(ip4))
	ethData := serialize(t, eth(layers.EthernetTypeIPv4), ip4, data(ip4), gopacket.Payload(hello))
	ip6 := ipv6(layers.IPProtocolTCP)
	tcp6 := serialize(t, data(ip6), gopacket.Payload(hello))
	ext6 := func(next layers.IPProtocol, ext ...[]byte) []byte {
		return serialize(t, ipv6(next), gopacket.Payload(cat(append(ext, tcp6)...)))
	}
	tcpv4 := want{src: addrV4a, dst: addrV4b, syn: true}
	dataV4 := want{src: addrV4b, dst: addrV4a, payload: hello, payloadLen: 300}
	dataV6 := want{src: addrV6b, dst: addrV6a, payload: hello, payloadLen: 300}
	// ipv4 addresses are src a, dst b in every frame; data() swaps ports, not addresses.
	dataV4.src, dataV4.dst = addrV4a, addrV4b
	dataV6.src, dataV6.dst = addrV6a, addrV6b

	withVLANs := func(w want, n int) want { w.vlans = n; return w }
	snapped := func(w want, n int) want {
		w.truncated, w.payload = true, w.payload[:n]
		return w
	}

	// The ACK without payload is 54 bytes; Ethernet pads it to 60.
	ack := &layers.TCP{SrcPort: 443, DstPort: 51000, Seq: 7, Ack: 1001, ACK: true, Window: 501}
	ack.SetNetworkLayerForChecksum(ip4)
	padded := append(serialize(t, eth(layers.EthernetTypeIPv4), ip4, ack), 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad)

	tso := bytes.Clone(ethData)
	tso[14+2], tso[14+3] = 0, 0 // IPv4 total length 0

	frag4 := func(flags layers.IPv4Flag, offset uint16) []byte {
		ip := ipv4(layers.IPProtocolTCP)
		ip.Flags, ip.FragOffset = flags, offset
		return serialize(t, eth(layers.EthernetTypeIPv4), ip, data(ip), gopacket.Payload(hello))
	}
	udp4 := func() []byte {
		ip := ipv4(layers.IPProtocolUDP)
		udp := &layers.UDP{SrcPort: 5353, DstPort: 53}
		udp.SetNetworkLayerForChecksum(ip)
		return serialize(t, eth(layers.EthernetTypeIPv4), ip, udp, gopacket.Payload("q"))
	}()
	arp := serialize(t, eth(layers.EthernetTypeARP), &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: 1, SourceHwAddress: mac1, SourceProtAddress: v4a,
		DstHwAddress: make([]byte, 6), DstProtAddress: v4b})

	const (
		hopByHopNH = uint8(layers.IPProtocolIPv6HopByHop)
		routingNH  = uint8(layers.IPProtocolIPv6Routing)
		destNH     = uint8(layers.IPProtocolIPv6Destination)
		fragNH     = uint8(layers.IPProtocolIPv6Fragment)
		tcpNH      = uint8(layers.IPProtocolTCP)
	)

	tests := []struct {
		name  string
		lt    capture.LinkType
		frame []byte
		want  want
	}{
		{"ethernet syn", 1, ethSyn, tcpv4},
		{"ethernet data", 1, ethData, dataV4},
		{"802.1Q", 1, serialize(t, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeIPv4}, ip4, syn(ip4)), withVLANs(tcpv4, 1)},
		{"QinQ 0x88a8", 1, serialize(t, eth(layers.EthernetTypeQinQ),
			&layers.Dot1Q{VLANIdentifier: 100, Type: layers.EthernetTypeDot1Q},
			&layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeIPv4}, ip4, syn(ip4)), withVLANs(tcpv4, 2)},
		{"triple tag 0x9100", 1, serialize(t, eth(0x9100),
			&layers.Dot1Q{VLANIdentifier: 1, Type: layers.EthernetTypeQinQ},
			&layers.Dot1Q{VLANIdentifier: 2, Type: layers.EthernetTypeDot1Q},
			&layers.Dot1Q{VLANIdentifier: 3, Type: layers.EthernetTypeIPv6}, ip6, data(ip6), gopacket.Payload(hello)), withVLANs(dataV6, 3)},
		{"too many tags", 1, serialize(t, eth(layers.EthernetTypeDot1Q), gopacket.Payload(bytes.Repeat([]byte{0, 1, 0x81, 0}, 12))), want{skip: SkipMalformed}},
		{"ethernet IPv6", 1, serialize(t, eth(layers.EthernetTypeIPv6), ip6, data(ip6), gopacket.Payload(hello)), dataV6},
		{"SLL", 113, cat(sllHeader(0x0800), ipv4Syn(t)), tcpv4},
		{"SLL IPv6", 113, cat(sllHeader(0x86dd), ipv6Data(t, hello)), dataV6},
		{"SLL2", 276, cat(sll2Header(0x86dd), ipv6Data(t, hello)), dataV6},
		{"SLL2 ARP", 276, cat(sll2Header(0x0806), make([]byte, 28)), want{skip: SkipNotIP}},
		{"NULL little-endian AF_INET", 0, serialize(t, &layers.Loopback{Family: layers.ProtocolFamilyIPv4}, ip4, syn(ip4)), tcpv4},
		{"NULL big-endian AF_INET", 0, cat(family(bigEndian, 2), ipv4Syn(t)), tcpv4},
		{"NULL Linux AF_INET6", 0, cat(family(littleEndian, 10), ipv6Data(t, hello)), dataV6},
		{"NULL BSD AF_INET6", 0, cat(family(littleEndian, 24), ipv6Data(t, hello)), dataV6},
		{"NULL FreeBSD AF_INET6", 0, cat(family(bigEndian, 28), ipv6Data(t, hello)), dataV6},
		{"NULL macOS AF_INET6", 0, cat(family(bigEndian, 30), ipv6Data(t, hello)), dataV6},
		{"NULL unknown family", 0, cat(family(littleEndian, 17), ipv4Syn(t)), want{skip: SkipNotIP}},
		{"LOOP", 108, cat(family(bigEndian, 2), ipv4Syn(t)), tcpv4},
		{"LOOP AF_INET6", 108, cat(family(bigEndian, 30), ipv6Data(t, hello)), dataV6},
		{"raw v4", 101, ipv4Syn(t), tcpv4},
		{"raw v6", 101, ipv6Data(t, hello), dataV6},
		{"raw legacy 12", 12, ipv4Syn(t), tcpv4},
		{"raw legacy 14", 14, ipv6Data(t, hello), dataV6},
		{"raw bad version", 101, cat([]byte{0x55}, ipv4Syn(t)[1:]), want{skip: SkipMalformed}},
		{"IPv4 link type", 228, ipv4Syn(t), tcpv4},
		{"IPv6 link type", 229, ipv6Data(t, hello), dataV6},
		{"IPv6 hop-by-hop, routing, dest options, atomic fragment", 229,
			ext6(layers.IPProtocolIPv6HopByHop, hopByHop(routingNH), routing(destNH), destOpts(fragNH), fragment(tcpNH, 0, false)), dataV6},
		{"IPv6 first fragment", 229, ext6(layers.IPProtocolIPv6Fragment, fragment(tcpNH, 0, true)), want{skip: SkipFragment}},
		{"IPv6 later fragment", 229, ext6(layers.IPProtocolIPv6HopByHop, hopByHop(fragNH), fragment(tcpNH, 185, false)), want{skip: SkipFragment}},
		{"IPv6 extension header cut by snaplen", 229, ext6(layers.IPProtocolIPv6HopByHop, hopByHop(destNH), destOpts(tcpNH))[:50],
			want{skip: SkipMalformed, truncated: true}},
		{"IPv6 ICMPv6", 229, serialize(t, ipv6(layers.IPProtocolICMPv6), gopacket.Payload("ping")), want{skip: SkipNotTCP}},
		{"IPv6 no next header", 229, serialize(t, ipv6(layers.IPProtocolNoNextHeader)), want{skip: SkipNotTCP}},
		{"IPv4 more fragments", 1, frag4(layers.IPv4MoreFragments, 0), want{skip: SkipFragment}},
		{"IPv4 fragment offset", 1, frag4(0, 185), want{skip: SkipFragment}},
		{"IPv4 don't fragment is not a fragment", 1, frag4(layers.IPv4DontFragment, 0), dataV4},
		{"snaplen 96", 1, ethData[:96], snapped(dataV4, 96-14-20-32)},
		{"snaplen 96 IPv6 extension headers", 1, cat(ethData[:12], []byte{0x86, 0xdd},
			ext6(layers.IPProtocolIPv6HopByHop, hopByHop(tcpNH)))[:96], snapped(dataV6, 96-14-40-8-32)},
		{"snaplen cuts TCP options", 1, ethSyn[:54+2], want{src: addrV4a, dst: addrV4b, truncated: true, syn: true}},
		{"snaplen cuts TCP header", 1, ethSyn[:14+20+10], want{skip: SkipMalformed, truncated: true}},
		{"snaplen cuts IPv4 header", 1, ethSyn[:14+12], want{skip: SkipMalformed, truncated: true}},
		{"ethernet padding", 1, padded, want{src: addrV4a, dst: addrV4b, payload: nil, payloadLen: 0}},
		{"IPv4 total length 0 (TSO)", 1, tso, dataV4},
		{"UDP", 1, udp4, want{skip: SkipNotTCP}},
		{"ARP", 1, arp, want{skip: SkipNotIP}},
		{"802.3 length field", 1, cat(ethSyn[:12], []byte{0, 46}, make([]byte, 46)), want{skip: SkipNotIP}},
		{"unsupported link type", 105, ethSyn, want{skip: SkipLinkType}},
	}
	d := NewDecoder()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seg Segment
			skip := d.Decode(tc.lt, tc.frame, &seg)
			w := tc.want
			if skip != w.skip {
				t.Fatalf("skip = %q, want %q", skip, w.skip)
			}
			if seg.Truncated != w.truncated {
				t.Errorf("Truncated = %v, want %v", seg.Truncated, w.truncated)
			}
			if skip != SkipNone {
				return
			}
			if seg.Src != w.src || seg.Dst != w.dst {
				t.Errorf("addresses %v -> %v, want %v -> %v", seg.Src, seg.Dst, w.src, w.dst)
			}
			if seg.VLANs != w.vlans {
				t.Errorf("VLANs = %d, want %d", seg.VLANs, w.vlans)
			}
			if w.syn {
				wantMSS := uint16(1460)
				if w.truncated {
					wantMSS = 0 // the options were cut off
				}
				if seg.SrcPort != 51000 || seg.DstPort != 443 || seg.Seq != 1000 || seg.Ack != 0 || seg.Flags != FlagSYN ||
					!seg.Has(FlagSYN) || seg.Window != 64240 || seg.MSS != wantMSS {
					t.Errorf("SYN decoded as %+v", seg)
				}
			} else if seg.SrcPort != 443 || seg.DstPort != 51000 || seg.Seq != 7 || seg.Ack != 1001 ||
				!seg.Has(FlagACK) || seg.Has(FlagSYN) || seg.MSS != 0 {
				t.Errorf("data segment decoded as %+v", seg)
			}
			if !bytes.Equal(seg.Payload, w.payload) || seg.PayloadLen != w.payloadLen && !(w.syn && w.payloadLen == 0) {
				t.Errorf("payload %d bytes (claimed %d), want %d (claimed %d)", len(seg.Payload), seg.PayloadLen, len(w.payload), w.payloadLen)
			}
		})
	}
}

func TestDecodeSnappedPayloadLen(t *testing.T) {
	ip := ipv4(layers.IPProtocolTCP)
	frame := serialize(t, eth(layers.EthernetTypeIPv4), ip, data(ip), gopacket.Payload(make([]byte, 1000)))
	var seg Segment
	if skip := NewDecoder().Decode(1, frame[:96], &seg); skip != SkipNone {
		t.Fatal(skip)
	}
	if seg.PayloadLen != 1000 || len(seg.Payload) != 96-14-20-32 || !seg.Truncated {
		t.Errorf("PayloadLen %d, %d bytes present, Truncated %v", seg.PayloadLen, len(seg.Payload), seg.Truncated)
	}
}

// Every prefix of garbage, for every link type, must decode without panicking.
func TestDecodeGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := NewDecoder()
	var seg Segment
	for _, lt := range []capture.LinkType{0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 999} {
		for n := 0; n <= 100; n++ {
			for range 50 {
				b := make([]byte, n)
				for i := range b {
					b[i] = byte(rng.UintN(256))
				}
				if n > 0 && rng.IntN(2) == 0 { // make the version nibble plausible half the time
					b[0] = b[0]&0x0f | []byte{0x40, 0x60}[rng.IntN(2)]
				}
				d.Decode(lt, b, &seg)
			}
		}
	}
}

// Every prefix and every single-byte corruption of real frames.
func TestDecodeMutations(t *testing.T) {
	ip4 := ipv4(layers.IPProtocolTCP)
	ip6 := ipv6(layers.IPProtocolIPv6HopByHop)
	frames := [][]byte{
		serialize(t, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{Type: layers.EthernetTypeIPv4}, ip4, syn(ip4)),
		serialize(t, eth(layers.EthernetTypeIPv6), ip6, gopacket.Payload(cat(hopByHop(6), serialize(t, data(ip6), gopacket.Payload("x"))))),
	}
	d := NewDecoder()
	var seg Segment
	for _, f := range frames {
		for i := range f {
			d.Decode(1, f[:i], &seg)
			for _, v := range []byte{0, 0xff, f[i] ^ 0x0f} {
				m := bytes.Clone(f)
				m[i] = v
				d.Decode(1, m, &seg)
			}
		}
	}
}
