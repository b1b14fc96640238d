package packet

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Frames for the tests are serialized by gopacket (with lengths and
// checksums fixed up), so they are what real stacks put on the wire. Link
// headers gopacket cannot serialize (SLL, SLL2, big-endian NULL) are
// prepended by hand.

var (
	mac1 = net.HardwareAddr{0, 1, 2, 3, 4, 5}
	mac2 = net.HardwareAddr{0, 6, 7, 8, 9, 10}
	v4a  = net.IP{192, 0, 2, 1}
	v4b  = net.IP{198, 51, 100, 7}
	v6a  = net.ParseIP("2001:db8::1")
	v6b  = net.ParseIP("2001:db8::2:3")
)

func serialize(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(buf.Bytes())
}

func ipv4(proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: v4a, DstIP: v4b, Flags: layers.IPv4DontFragment}
}

func ipv6(next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: next, SrcIP: v6a, DstIP: v6b}
}

// syn is a SYN with the options a Linux client sends.
func syn(net gopacket.NetworkLayer) *layers.TCP {
	tcp := &layers.TCP{SrcPort: 51000, DstPort: 443, Seq: 1000, SYN: true, Window: 64240, Options: []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
	}}
	tcp.SetNetworkLayerForChecksum(net)
	return tcp
}

// data is an ACK|PSH segment from the server with a timestamp option.
func data(net gopacket.NetworkLayer) *layers.TCP {
	tcp := &layers.TCP{SrcPort: 443, DstPort: 51000, Seq: 7, Ack: 1001, ACK: true, PSH: true, Window: 501, Options: []layers.TCPOption{
		{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: make([]byte, 8)},
	}}
	tcp.SetNetworkLayerForChecksum(net)
	return tcp
}

func eth(t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: t}
}

// ipv4Syn and ipv6Data are bare IP packets to wrap in hand-made link headers.
func ipv4Syn(t testing.TB) []byte {
	ip := ipv4(layers.IPProtocolTCP)
	return serialize(t, ip, syn(ip))
}

func ipv6Data(t testing.TB, payload []byte) []byte {
	ip := ipv6(layers.IPProtocolTCP)
	return serialize(t, ip, data(ip), gopacket.Payload(payload))
}

func sllHeader(proto uint16) []byte {
	h := make([]byte, 16)
	binary.BigEndian.PutUint16(h[0:], 0) // sent to us
	binary.BigEndian.PutUint16(h[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(h[4:], 6) // address length
	copy(h[6:], mac1)                    // address
	binary.BigEndian.PutUint16(h[14:], proto)
	return h
}

func sll2Header(proto uint16) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], proto)
	binary.BigEndian.PutUint32(h[4:], 3) // interface index
	binary.BigEndian.PutUint16(h[8:], 1) // ARPHRD_ETHER
	h[10], h[11] = 4, 6                  // outgoing, address length
	copy(h[12:], mac1)
	return h
}

var (
	littleEndian = binary.LittleEndian
	bigEndian    = binary.BigEndian
)

func family(order binary.ByteOrder, af uint32) []byte {
	h := make([]byte, 4)
	order.PutUint32(h, af)
	return h
}

// IPv6 extension headers, hand-built: each is next header, length, body.
func hopByHop(next uint8) []byte { return []byte{next, 0, 1, 4, 0, 0, 0, 0} } // PadN
func destOpts(next uint8) []byte {
	return []byte{next, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} // 16 bytes of PadN
}
func routing(next uint8) []byte { return []byte{next, 0, 0, 0, 0, 0, 0, 0} } // type 0, segments left 0
func fragment(next uint8, offset uint16, more bool) []byte {
	v := offset << 3
	if more {
		v |= 1
	}
	return []byte{next, 0, byte(v >> 8), byte(v), 0, 0, 0, 42}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
