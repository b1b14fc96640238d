package packet

import (
	"encoding/binary"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// Link types we decode (pcap LINKTYPE_* values).
const (
	linkNull     capture.LinkType = 0   // BSD loopback: address family in the writer's byte order
	linkEthernet capture.LinkType = 1   // Ethernet II, possibly with 802.1Q/802.1ad tags
	linkRawOld12 capture.LinkType = 12  // raw IP on some BSDs
	linkRawOld14 capture.LinkType = 14  // raw IP on OpenBSD
	linkRaw      capture.LinkType = 101 // raw IP: version nibble picks v4 or v6
	linkLoop     capture.LinkType = 108 // OpenBSD loopback: family in network order
	linkSLL      capture.LinkType = 113 // Linux cooked capture v1
	linkIPv4     capture.LinkType = 228
	linkIPv6     capture.LinkType = 229
	linkSLL2     capture.LinkType = 276 // Linux cooked capture v2
)

// Decoder turns captured frames into TCP segments. It is hand-written rather
// than built on gopacket's DecodingLayerParser: we need only a few header
// fields, and skipping the generic layer machinery makes it several times
// faster (see BenchmarkDecode and BenchmarkDecodeGopacket). Build one per
// Source; it is not safe for concurrent use.
type Decoder struct{}

// NewDecoder returns a Decoder.
func NewDecoder() *Decoder { return &Decoder{} }

// Decode fills seg from one frame of link type lt and returns SkipNone, or
// says why the frame holds no TCP segment. seg's slices alias data. Decode
// never allocates and never panics on malformed input.
func (d *Decoder) Decode(lt capture.LinkType, data []byte, seg *Segment) Skip {
	*seg = Segment{}
	switch lt {
	case linkEthernet:
		return decodeEthernet(data, seg)
	case linkSLL:
		if len(data) < 16 {
			return SkipMalformed
		}
		return decodeEtherType(be16(data[14:]), data[16:], seg)
	case linkSLL2:
		if len(data) < 20 {
			return SkipMalformed
		}
		return decodeEtherType(be16(data[0:]), data[20:], seg)
	case linkNull:
		if len(data) < 4 {
			return SkipMalformed
		}
		family := binary.LittleEndian.Uint32(data)
		if family > 0xffff { // written by a big-endian host
			family = binary.BigEndian.Uint32(data)
		}
		return decodeFamily(family, data[4:], seg)
	case linkLoop:
		if len(data) < 4 {
			return SkipMalformed
		}
		return decodeFamily(binary.BigEndian.Uint32(data), data[4:], seg)
	case linkRaw, linkRawOld12, linkRawOld14:
		return decodeIP(data, seg)
	case linkIPv4:
		return decodeIPv4(data, seg)
	case linkIPv6:
		return decodeIPv6(data, seg)
	}
	return SkipLinkType
}

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
