package packet

import (
	"testing"
	"unsafe"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// FuzzDecode feeds any bytes under any supported (and some unsupported) link
// type, tunnels included. Decode must not panic, and a segment it returns must make sense: its
// payload lies inside the frame, its addresses are of one family, and the
// claimed payload length is at least what is present.
func FuzzDecode(f *testing.F) {
	ip4 := ipv4(layers.IPProtocolTCP)
	ip6 := ipv6(layers.IPProtocolTCP)
	hello := []byte{0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0}
	udp := &layers.UDP{SrcPort: 1, DstPort: 53}
	udpIP := ipv4(layers.IPProtocolUDP)
	udp.SetNetworkLayerForChecksum(udpIP)
	f.Add(uint16(linkEthernet), serialize(f, eth(layers.EthernetTypeIPv4), ip4, syn(ip4)))
	f.Add(uint16(linkEthernet), serialize(f, eth(layers.EthernetTypeIPv4), udpIP, udp, gopacket.Payload("q")))
	f.Add(uint16(linkEthernet), serialize(f, eth(layers.EthernetTypeIPv4), ip4, data(ip4), gopacket.Payload(hello))[:60])
	f.Add(uint16(linkEthernet), serialize(f, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{Type: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{Type: layers.EthernetTypeIPv6}, ip6, data(ip6), gopacket.Payload(hello)))
	f.Add(uint16(linkSLL), cat(sllHeader(0x0800), ipv4Syn(f)))
	f.Add(uint16(linkSLL2), cat(sll2Header(0x86dd), ipv6Data(f, hello)))
	f.Add(uint16(linkNull), cat(family(littleEndian, 2), ipv4Syn(f)))
	f.Add(uint16(linkNull), cat(family(bigEndian, 30), ipv6Data(f, hello)))
	f.Add(uint16(linkLoop), cat(family(bigEndian, 24), ipv6Data(f, hello)))
	f.Add(uint16(linkRaw), serialize(f, ip4, data(ip4), gopacket.Payload(hello)))
	f.Add(uint16(linkIPv6), serialize(f, ipv6(layers.IPProtocolIPv6HopByHop),
		gopacket.Payload(cat(hopByHop(60), destOpts(43), routing(44), fragment(6, 0, false), ipv6Data(f, hello)[40:]))))
	f.Add(uint16(147), []byte{1, 2, 3})
	for _, frame := range tunnelSeeds(f) { // PPPoE, MPLS, IP in IP, GRE, ERSPAN, VXLAN, GTP-U
		f.Add(uint16(linkEthernet), frame)
	}
	f.Fuzz(func(t *testing.T, lt uint16, frame []byte) {
		var seg Segment
		skip := NewDecoder().Decode(capture.LinkType(lt), frame, &seg)
		if seg.Encap > maxEncap {
			t.Fatalf("%d tunnels followed, at most %d allowed", seg.Encap, maxEncap)
		}
		if skip != SkipNone {
			return
		}
		if !seg.Src.IsValid() || !seg.Dst.IsValid() || seg.Src.Is4() != seg.Dst.Is4() {
			t.Fatalf("addresses %v → %v", seg.Src, seg.Dst)
		}
		if len(seg.Payload) > seg.PayloadLen || seg.PayloadLen > 1<<17 {
			t.Fatalf("%d payload bytes present, %d claimed", len(seg.Payload), seg.PayloadLen)
		}
		if seg.PayloadLen > len(seg.Payload) && !seg.Truncated {
			t.Fatalf("payload cut (%d of %d) but not marked truncated", len(seg.Payload), seg.PayloadLen)
		}
		if n := len(seg.Payload); n > 0 {
			// The payload aliases the frame: no copy, no read past its end.
			start := uintptr(unsafe.Pointer(unsafe.SliceData(frame)))
			p := uintptr(unsafe.Pointer(unsafe.SliceData(seg.Payload)))
			if p < start || p+uintptr(n) > start+uintptr(len(frame)) {
				t.Fatalf("payload is not inside the frame")
			}
		}
	})
}
