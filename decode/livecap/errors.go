package livecap

import (
	"encoding/binary"
	"fmt"
)

// ErrPermission is a packet socket refused for want of CAP_NET_RAW.
type ErrPermission struct{ Iface string }

func (e *ErrPermission) Error() string {
	return fmt.Sprintf("capturing on %s needs the CAP_NET_RAW capability, which this process lacks: run it with sudo, or give the binary the capability once with: sudo setcap cap_net_raw+ep $(which pcapsurgery)", e.Iface)
}

// ErrUnsupported is Open on a system without AF_PACKET sockets.
var ErrUnsupported = fmt.Errorf("capturing an interface directly works on Linux only; here, pipe tcpdump into it: tcpdump -i IFACE -U -w - 'port 443' | pcapsurgery -")

// pcapHeader is a little-endian, microsecond pcap file header.
func pcapHeader(linkType uint32) []byte {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], snapLen)
	binary.LittleEndian.PutUint32(h[20:], linkType)
	return h
}
