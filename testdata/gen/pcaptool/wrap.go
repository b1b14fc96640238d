package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Tunnel endpoints of the wrapped captures (TEST-NET-3): the client's side
// of the tunnel and the server's. Inner addresses stay those of the capture.
var (
	tunnelClient = [4]byte{203, 0, 113, 1}
	tunnelServer = [4]byte{203, 0, 113, 2}
)

// wrap rewrites an Ethernet pcap so that every frame travels in a tunnel of
// the given kind, the way it would look captured on the tunnel's underlay:
//
//	pppoe    Ethernet 0x8864, PPPoE session 0x1234, PPP 0x0021/0x0057, IP
//	mpls     Ethernet 0x8847, labels 1000 and 2000 (bottom), IP
//	ipip     Ethernet, IPv4 protocol 4, the IPv4 packet
//	sit      Ethernet, IPv4 protocol 41, the IPv6 packet (6in4)
//	gre      Ethernet, IPv4 protocol 47, GRE with key 42 and sequence numbers, IP
//	gretap   Ethernet, IPv4, GRE 0x6558 with key 7, the whole original frame
//	erspan2  Ethernet, IPv4, GRE 0x88be with sequence, ERSPAN II (session 100), the frame
//	erspan3  Ethernet, IPv4, GRE 0x22eb with sequence, ERSPAN III with the platform
//	         subheader, the frame
//	gtpu     Ethernet, IPv4, UDP 2152, GTP-U G-PDU with a PDU session container
//	         extension header (QFI 9), IP
//
// Lengths in the added headers count the original (on-the-wire) length, so a
// frame cut by the snap length stays a cut frame. Direction (which tunnel
// endpoint sends) follows the Ethernet source of the first frame.
func wrap(b []byte, kind string) ([]byte, error) {
	bo := order(b)
	if bo.Uint32(b[20:]) != 1 {
		return nil, fmt.Errorf("wrap: not Ethernet")
	}
	out := append([]byte{}, b[:24]...)
	var first []byte
	var id uint16
	var seq uint32
	for off := 24; off+16 <= len(b); {
		incl := int(bo.Uint32(b[off+8:]))
		orig := int(bo.Uint32(b[off+12:]))
		frame := b[off+16 : off+16+incl]
		off += 16 + incl
		if first == nil {
			first = frame[6:12]
		}
		fromClient := bytes.Equal(frame[6:12], first)
		etherType := binary.BigEndian.Uint16(frame[12:])
		ipLen := orig - 14 // on the wire
		id++
		seq++
		var hdr []byte        // what goes between the MACs and the payload
		payload := frame[14:] // the IP packet, or the whole frame for Ethernet tunnels
		switch kind {
		case "pppoe":
			ppp := uint16(0x0021)
			if etherType == 0x86dd {
				ppp = 0x0057
			}
			hdr = be(0x8864, 0x1100, 0x1234, uint16(2+ipLen), ppp)
		case "mpls":
			hdr = cat(be(0x8847), label(1000, false), label(2000, true))
		case "ipip", "sit":
			proto, want := byte(4), uint16(0x0800)
			if kind == "sit" {
				proto, want = 41, 0x86dd
			}
			if etherType != want {
				return nil, fmt.Errorf("wrap %s: frame of EtherType %#04x", kind, etherType)
			}
			hdr = cat(be(0x0800), ipv4(proto, ipLen, id, fromClient))
		case "gre":
			g := cat(be(0x3000, etherType), be32(42), be32(seq)) // K and S flags
			hdr = cat(be(0x0800), ipv4(47, len(g)+ipLen, id, fromClient), g)
		case "gretap", "erspan2", "erspan3":
			var g []byte
			switch kind {
			case "gretap":
				g = cat(be(0x2000, 0x6558), be32(7))
			case "erspan2":
				// version 1, VLAN 0, COS 0, En 3 (frames kept as they were), session 100, index 0
				g = cat(be(0x1000, 0x88be), be32(seq), be(0x1000, 0x1800|100), be32(0))
			case "erspan3":
				// version 2, session 100, timestamp, SGT 0, frame type 0 (Ethernet), O bit:
				// an 8-byte platform-specific subheader (platform id 3) follows
				g = cat(be(0x1000, 0x22eb), be32(seq), be(0x2000, 100), be32(seq*1000), be(0, 0x0001),
					be(0x0c00, 0, 0, 0))
			}
			hdr = cat(be(0x0800), ipv4(47, len(g)+orig, id, fromClient), g, frame[:12], be(etherType))
		case "gtpu":
			// flags: version 1, PT 1, E; type G-PDU; length; TEID; sequence, N-PDU, next extension
			// 0x85 (PDU session container: 1 unit, PDU type 0 / QFI 9, next none)
			ext := []byte{0x01, 0x00, 0x09, 0x00}
			gtpLen := 4 + len(ext) + ipLen
			g := cat([]byte{0x34, 0xff}, be(uint16(gtpLen)), be32(0x00c0ffee), []byte{0, 0, 0, 0x85}, ext)
			udpLen := 8 + len(g) + ipLen
			hdr = cat(be(0x0800), ipv4(17, udpLen, id, fromClient), be(2152, 2152, uint16(udpLen), 0), g)
		default:
			return nil, fmt.Errorf("wrap: unknown tunnel %q", kind)
		}
		n := len(hdr) - 2 // hdr starts with the EtherType that replaces the original one
		rec := append([]byte{}, b[off-16-incl:off-incl]...)
		bo.PutUint32(rec[8:], uint32(incl+n))
		bo.PutUint32(rec[12:], uint32(orig+n))
		out = append(out, rec...)
		out = append(out, frame[:12]...)
		out = append(out, hdr...)
		out = append(out, payload...)
	}
	return out, nil
}

// ipv4 is an outer IPv4 header for a payload of n bytes, with its checksum.
func ipv4(proto byte, n int, id uint16, fromClient bool) []byte {
	src, dst := tunnelClient, tunnelServer
	if !fromClient {
		src, dst = dst, src
	}
	h := cat(be(0x4500, uint16(20+n), id, 0x4000), []byte{64, proto, 0, 0}, src[:], dst[:])
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(h[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(h[10:], ^uint16(sum))
	return h
}

func label(l uint32, bottom bool) []byte {
	v := l<<12 | 64 // TTL 64
	if bottom {
		v |= 1 << 8
	}
	return be32(v)
}

func be(v ...uint16) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint16(b[2*i:], x)
	}
	return b
}

func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
