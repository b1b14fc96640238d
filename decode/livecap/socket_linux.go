//go:build linux

package livecap

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Supported reports whether this system can capture (Linux: yes).
const Supported = true

// Capture is an open AF_PACKET socket on one interface with its filter
// attached. Stream belongs to one goroutine; Close may be called from any.
type Capture struct {
	fd    int
	iface string
	link  Link
	lo    bool // loopback: each packet also shows as outgoing, kept once
	any   bool // every interface: IP packets without their link header (LINKTYPE_RAW)

	dropped atomic.Uint64 // the kernel's drops so far (its counter resets on each read)
}

// AnyInterface captures on every interface at once, as tcpdump -i any.
const AnyInterface = "any"

// Open opens a packet socket on iface (in the calling thread's network
// namespace) with the filter attached in the kernel before any packet can
// arrive. A missing CAP_NET_RAW is an *ErrPermission.
func Open(iface string, f Filter) (*Capture, error) {
	// Protocol 0 receives nothing until bind: the filter is attached first,
	// so no unfiltered packet slips in.
	// On every interface link headers differ, so the kernel strips them
	// (SOCK_DGRAM) and the packets are written as raw IP.
	typ := unix.SOCK_RAW
	if iface == AnyInterface {
		typ = unix.SOCK_DGRAM
	}
	fd, err := unix.Socket(unix.AF_PACKET, typ|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, &ErrPermission{Iface: iface}
		}
		return nil, fmt.Errorf("opening a packet socket: %w", err)
	}
	c := &Capture{fd: fd, iface: iface, any: iface == AnyInterface}
	if err := c.setup(f); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return c, nil
}

func (c *Capture) setup(f Filter) error {
	if c.any {
		c.link = LinkRawIP
		return c.attach(f, 0)
	}
	ifr, err := unix.NewIfreq(c.iface)
	if err != nil {
		return fmt.Errorf("interface %q: %w", c.iface, err)
	}
	if err := unix.IoctlIfreq(c.fd, unix.SIOCGIFINDEX, ifr); err != nil {
		return fmt.Errorf("no interface %q here (ip link lists them): %w", c.iface, err)
	}
	index := int(ifr.Uint32())
	if err := unix.IoctlIfreq(c.fd, unix.SIOCGIFHWADDR, ifr); err != nil {
		return fmt.Errorf("interface %q: reading its link type: %w", c.iface, err)
	}
	switch hw := ifr.Uint16(); hw {
	case unix.ARPHRD_ETHER, unix.ARPHRD_LOOPBACK:
		c.link, c.lo = LinkEthernet, hw == unix.ARPHRD_LOOPBACK
	case unix.ARPHRD_NONE:
		c.link = LinkRawIP
	default:
		return fmt.Errorf("interface %q has link type %d (ARPHRD); capture reads Ethernet, loopback and raw IP (tun) interfaces, and any: use tcpdump -U -w - for it", c.iface, hw)
	}
	return c.attach(f, index)
}

// attach attaches the filter, sets the socket up and binds it to the
// interface (index 0: all of them).
func (c *Capture) attach(f Filter, index int) error {
	prog, err := f.Compile(c.link)
	if err != nil {
		return err
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return fmt.Errorf("capture filter: %w", err)
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	prog2 := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.SetsockoptSockFprog(c.fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog2); err != nil {
		return fmt.Errorf("attaching the capture filter: %w", err)
	}
	// Kernel receive timestamps, and a read timeout so Stream notices its
	// context ending on a quiet interface.
	if err := unix.SetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		return fmt.Errorf("asking for packet timestamps: %w", err)
	}
	tv := unix.NsecToTimeval(int64(200 * time.Millisecond))
	if err := unix.SetsockoptTimeval(c.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return fmt.Errorf("setting a read timeout: %w", err)
	}
	_ = unix.SetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 4<<20) // fewer drops in bursts; best effort
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: index}
	if err := unix.Bind(c.fd, sa); err != nil {
		return fmt.Errorf("binding to interface %q: %w", c.iface, err)
	}
	return nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// LinkType is the pcap link type of what Stream writes.
func (c *Capture) LinkType() uint32 {
	if c.link == LinkRawIP {
		return 101 // LINKTYPE_RAW
	}
	return 1 // LINKTYPE_ETHERNET
}

// Stream writes a pcap file header, then every packet the filter keeps as
// a record, each in its own Write (as tcpdump -U does), until ctx ends or a
// write fails.
func (c *Capture) Stream(ctx context.Context, w io.Writer) error {
	if _, err := w.Write(pcapHeader(c.LinkType())); err != nil {
		return err
	}
	buf := make([]byte, 16+snapLen)
	oob := make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.Timespec{}))))
	for ctx.Err() == nil {
		n, oobn, flags, from, err := unix.Recvmsg(c.fd, buf[16:], oob, unix.MSG_TRUNC)
		if err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			if errors.Is(err, unix.ENETDOWN) {
				return fmt.Errorf("%s is down (ip link set %s up)", c.iface, c.iface)
			}
			return fmt.Errorf("reading from %s: %w", c.iface, err)
		}
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && c.skip(ll) {
			continue
		}
		kept := n
		if flags&unix.MSG_TRUNC != 0 || kept > snapLen {
			kept = min(n, snapLen)
		}
		ts := timestamp(oob[:oobn])
		binary.LittleEndian.PutUint32(buf[0:], uint32(ts.Unix()))
		binary.LittleEndian.PutUint32(buf[4:], uint32(ts.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(buf[8:], uint32(kept))
		binary.LittleEndian.PutUint32(buf[12:], uint32(n))
		if _, err := w.Write(buf[:16+kept]); err != nil {
			return err
		}
	}
	return nil
}

// skip drops a loopback packet's outgoing copy (as libpcap does: the same
// packet comes back as incoming) and, on any, what is not IP (ARP...),
// which a raw-IP capture cannot hold.
func (c *Capture) skip(ll *unix.SockaddrLinklayer) bool {
	if ll.Pkttype == unix.PACKET_OUTGOING && (c.lo || c.any && ll.Hatype == unix.ARPHRD_LOOPBACK) {
		return true
	}
	if c.any {
		proto := htons(ll.Protocol)
		return proto != unix.ETH_P_IP && proto != unix.ETH_P_IPV6
	}
	return false
}

// timestamp is the kernel's receive time from the control message, or now.
func timestamp(oob []byte) time.Time {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err == nil {
		for _, m := range msgs {
			if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SO_TIMESTAMPNS && len(m.Data) >= int(unsafe.Sizeof(unix.Timespec{})) {
				ts := *(*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
				return time.Unix(int64(ts.Sec), int64(ts.Nsec))
			}
		}
	}
	return time.Now()
}

// Dropped is how many packets the kernel has dropped since Open because
// the reader fell behind (what it could say: 0 when it cannot). Safe to
// call from any goroutine while Stream runs, as often as a screen wants.
func (c *Capture) Dropped() uint64 {
	st, err := unix.GetsockoptTpacketStats(c.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return c.dropped.Load()
	}
	return c.dropped.Add(uint64(st.Drops)) // the kernel counts from its last read
}

// Close closes the socket.
func (c *Capture) Close() error { return unix.Close(c.fd) }
