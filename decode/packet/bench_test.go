package packet

import (
	"bytes"
	"io"
	"os"
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// benchFrames is a small Ethernet mix: a SYN, a VLAN-tagged data segment, an
// IPv6 data segment, a bare ACK and a UDP datagram.
func benchFrames(b *testing.B) [][]byte {
	ip4 := ipv4(layers.IPProtocolTCP)
	ip6 := ipv6(layers.IPProtocolTCP)
	ack := &layers.TCP{SrcPort: 443, DstPort: 51000, ACK: true}
	ack.SetNetworkLayerForChecksum(ip4)
	udpIP := ipv4(layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: 1, DstPort: 53}
	udp.SetNetworkLayerForChecksum(udpIP)
	body := bytes.Repeat([]byte{0x17}, 1200)
	return [][]byte{
		serialize(b, eth(layers.EthernetTypeIPv4), ip4, syn(ip4)),
		serialize(b, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{Type: layers.EthernetTypeIPv4}, ip4, data(ip4), gopacket.Payload(body)),
		serialize(b, eth(layers.EthernetTypeIPv6), ip6, data(ip6), gopacket.Payload(body[:500])),
		serialize(b, eth(layers.EthernetTypeIPv4), ip4, ack),
		serialize(b, eth(layers.EthernetTypeIPv4), udpIP, udp, gopacket.Payload("q")),
	}
}

func avgLen(frames [][]byte) int64 {
	n := 0
	for _, f := range frames {
		n += len(f)
	}
	return int64(n / len(frames))
}

func BenchmarkDecode(b *testing.B) {
	frames := benchFrames(b)
	d := NewDecoder()
	var seg Segment
	b.SetBytes(avgLen(frames))
	b.ReportAllocs()
	tcps := 0
	for i := range b.N {
		if d.Decode(1, frames[i%len(frames)], &seg) == SkipNone {
			tcps++
		}
	}
	if b.N >= len(frames) && tcps < b.N/2 {
		b.Fatalf("only %d of %d frames decoded to TCP", tcps, b.N)
	}
}

// BenchmarkDecodeGopacket is the alternative we measured against: gopacket's
// DecodingLayerParser with preallocated layers, as STYLE §1.20 describes.
func BenchmarkDecodeGopacket(b *testing.B) {
	frames := benchFrames(b)
	var (
		eth     layers.Ethernet
		dot1q   layers.Dot1Q
		ip4     layers.IPv4
		ip6     layers.IPv6
		ip6skip layers.IPv6ExtensionSkipper
		tcp     layers.TCP
		udp     layers.UDP
	)
	// SetDecodingLayerContainer drops the layers already added, so set the
	// container first and add the layers after it.
	p := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet)
	p.SetDecodingLayerContainer(gopacket.DecodingLayerSparse(nil))
	for _, l := range []gopacket.DecodingLayer{&eth, &dot1q, &ip4, &ip6, &ip6skip, &tcp, &udp} {
		p.AddDecodingLayer(l)
	}
	p.IgnoreUnsupported = true
	decoded := make([]gopacket.LayerType, 0, 8)
	b.SetBytes(avgLen(frames))
	b.ReportAllocs()
	tcps := 0
	for i := range b.N {
		p.DecodeLayers(frames[i%len(frames)], &decoded)
		if slices.Contains(decoded, layers.LayerTypeTCP) {
			tcps++
		}
	}
	if b.N >= len(frames) && tcps < b.N/2 {
		b.Fatalf("only %d of %d frames decoded to TCP", tcps, b.N)
	}
}

// BenchmarkFile reads and decodes a real capture end to end, one op per
// file: PCAPSURGERY_BENCH_FILE=/path/to/big.pcap go test -bench File ./decode/packet
func BenchmarkFile(b *testing.B) {
	path := os.Getenv("PCAPSURGERY_BENCH_FILE")
	if path == "" {
		b.Skip("set PCAPSURGERY_BENCH_FILE to a capture")
	}
	for _, decode := range []bool{false, true} {
		name := "read"
		if decode {
			name = "read+decode"
		}
		b.Run(name, func(b *testing.B) {
			d := NewDecoder()
			var seg Segment
			for range b.N {
				src, err := capture.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				for {
					p, err := src.Next()
					if err != nil {
						if err != io.EOF {
							b.Fatal(err)
						}
						break
					}
					if decode {
						d.Decode(p.LinkType, p.Data, &seg)
					}
				}
				b.SetBytes(src.BytesRead())
				src.Close()
			}
		})
	}
}

// BenchmarkDecodeTunnels decodes one frame of each tunnel kind (PPPoE, MPLS,
// IP in IP, GRE, ERSPAN II and III, VXLAN, Geneve, Ethernet over MPLS,
// GTP-U) down to its inner segment.
func BenchmarkDecodeTunnels(b *testing.B) {
	frames := tunnelSeeds(b)
	d := NewDecoder()
	var seg Segment
	b.SetBytes(avgLen(frames))
	b.ReportAllocs()
	for i := range b.N {
		if skip := d.Decode(1, frames[i%len(frames)], &seg); skip != SkipNone {
			b.Fatalf("frame %d: %s", i%len(frames), skip)
		}
	}
}
