// Package synth builds small captures for tests: real TLS bytes (from Go's
// crypto/tls over loopback) cut into TCP segments that a test can reorder,
// repeat, corrupt or drop, written as an Ethernet pcap.
package synth

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Frame is one packet with its capture time.
type Frame struct {
	TS   time.Time
	Data []byte
}

// Conn builds the frames of one TCP connection.
type Conn struct {
	Client, Server netip.AddrPort
	seq            [2]uint32 // next sequence number: [0] client, [1] server
	TS             time.Time
	Step           time.Duration // time between frames
	Frames         []Frame
}

// New starts a connection at a fixed time (so tests are deterministic).
func New(client, server string) *Conn {
	return &Conn{
		Client: netip.MustParseAddrPort(client), Server: netip.MustParseAddrPort(server),
		seq:  [2]uint32{1000, 5000},
		TS:   time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC),
		Step: time.Millisecond,
	}
}

// TCP flags.
const (
	FIN = 1 << iota
	SYN
	RST
	PSH
	ACK
)

// Handshake appends SYN, SYN-ACK and ACK.
func (c *Conn) Handshake() *Conn {
	c.Append(c.Segment(true, SYN, c.seq[0]-1, nil))
	c.Append(c.Segment(false, SYN|ACK, c.seq[1]-1, nil))
	c.Append(c.Segment(true, ACK, c.seq[0], nil))
	return c
}

// Segments cuts payload into segments of at most size bytes (size <= 0: one
// segment) from one side and advances that side's sequence number. The
// frames are returned, not appended, so a test can reorder them.
func (c *Conn) Segments(fromClient bool, payload []byte, size int) []Frame {
	d := side(fromClient)
	if size <= 0 {
		size = len(payload)
	}
	var out []Frame
	for off := 0; off < len(payload); off += size {
		end := min(off+size, len(payload))
		flags := ACK
		if end == len(payload) {
			flags |= PSH
		}
		out = append(out, c.Segment(fromClient, flags, c.seq[d]+uint32(off), payload[off:end]))
	}
	c.seq[d] += uint32(len(payload))
	return out
}

// Send appends payload from one side in segments of at most size bytes.
func (c *Conn) Send(fromClient bool, payload []byte, size int) *Conn {
	c.Append(c.Segments(fromClient, payload, size)...)
	return c
}

// Close appends a FIN (or a RST) from one side.
func (c *Conn) Close(fromClient bool, reset bool) *Conn {
	flags := FIN | ACK
	if reset {
		flags = RST | ACK
	}
	c.Append(c.Segment(fromClient, flags, c.seq[side(fromClient)], nil))
	return c
}

// Append adds frames, restamping them in order.
func (c *Conn) Append(frames ...Frame) {
	for _, f := range frames {
		c.TS = c.TS.Add(c.Step)
		f.TS = c.TS
		c.Frames = append(c.Frames, f)
	}
}

// Segment builds one Ethernet/IP/TCP frame.
func (c *Conn) Segment(fromClient bool, flags int, seq uint32, payload []byte) Frame {
	src, dst := c.Client, c.Server
	if !fromClient {
		src, dst = dst, src
	}
	tcp := &layers.TCP{
		SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()),
		Seq: seq, Ack: c.seq[side(!fromClient)], Window: 65535,
		FIN: flags&FIN != 0, SYN: flags&SYN != 0, RST: flags&RST != 0, PSH: flags&PSH != 0, ACK: flags&ACK != 0,
	}
	if flags&SYN != 0 {
		mss := make([]byte, 2)
		binary.BigEndian.PutUint16(mss, 1460)
		tcp.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: mss}}
	}
	eth := &layers.Ethernet{SrcMAC: []byte{2, 0, 0, 0, 0, 1}, DstMAC: []byte{2, 0, 0, 0, 0, 2}}
	var ip gopacket.NetworkLayer
	if src.Addr().Is4() {
		eth.EthernetType = layers.EthernetTypeIPv4
		ip = &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP,
			SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
	} else {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip = &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP,
			SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
	}
	_ = tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip.(gopacket.SerializableLayer), tcp, gopacket.Payload(payload)); err != nil {
		panic(err)
	}
	return Frame{Data: append([]byte(nil), buf.Bytes()...)}
}

func side(fromClient bool) int {
	if fromClient {
		return 0
	}
	return 1
}

// Pcap writes frames as a microsecond pcap with the Ethernet link type.
// snap > 0 cuts every frame to that many bytes (keeping the original length).
func Pcap(frames []Frame, snap int) []byte {
	out := make([]byte, 24, 24+len(frames)*200)
	binary.LittleEndian.PutUint32(out[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(out[4:], 2)
	binary.LittleEndian.PutUint16(out[6:], 4)
	snapLen := 262144
	if snap > 0 {
		snapLen = snap
	}
	binary.LittleEndian.PutUint32(out[16:], uint32(snapLen))
	binary.LittleEndian.PutUint32(out[20:], 1)
	for _, f := range frames {
		data := f.Data
		if snap > 0 && len(data) > snap {
			data = data[:snap]
		}
		var h [16]byte
		binary.LittleEndian.PutUint32(h[0:], uint32(f.TS.Unix()))
		binary.LittleEndian.PutUint32(h[4:], uint32(f.TS.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(h[8:], uint32(len(data)))
		binary.LittleEndian.PutUint32(h[12:], uint32(len(f.Data)))
		out = append(out, h[:]...)
		out = append(out, data...)
	}
	return out
}
