// Package capture reads packet capture files (pcap, pcapng, either gzipped)
// as a stream of records, remembering where each record lives so that export
// can re-read it without rescanning.
package capture

import (
	"fmt"
	"time"
)

// LinkType is a pcap LINKTYPE_* value (the same numbers as gopacket's layers.LinkType).
type LinkType uint16

// Packet is one captured record. Data aliases the reader's buffer and is valid
// only until the next call to Next.
type Packet struct {
	Index     int // 1-based record number, as tshark and Wireshark count frames
	TS        time.Time
	LinkType  LinkType
	Interface int   // global interface index into Source.Interfaces() (0 for pcap)
	CapLen    int   // bytes captured (len(Data))
	OrigLen   int   // length on the wire
	Offset    int64 // byte offset of the record (block) in the uncompressed stream
	Data      []byte
}

// Interface describes one capture interface (pcap files have exactly one).
type Interface struct {
	LinkType LinkType
	SnapLen  int
	Name     string
	TSResol  time.Duration // timestamp resolution (1µs, 1ns, ...), rounded; at least 1ns

	// TSResolOption is the raw pcapng if_tsresol byte (6 = 10^-6 s, 9 = 10^-9 s;
	// with the high bit set, 2^-n s). pcap files report 6 or 9.
	TSResolOption uint8
	// TSOffset is the pcapng if_tsoffset in seconds; it is already added to Packet.TS.
	TSOffset int64
	// Section and ID locate the interface in a pcapng file: the 0-based section
	// (SHB) it belongs to and its id within that section. Packet.Interface is
	// instead the global index, the interface's position in Source.Interfaces().
	Section int
	ID      int
}

// DamageError says where a capture stopped making sense. Next returns it once
// (after every record before the damage), then io.EOF. What was read is kept.
type DamageError struct {
	Offset int64  // byte offset in the uncompressed stream
	Packet int    // the record number that could not be read (last good + 1)
	Reason string // e.g. "record length 4294967295 exceeds the 262144-byte limit"
	Err    error  // the underlying read error, if the damage was one (nil otherwise)
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("capture damaged at packet %d (byte offset %d): %s", e.Packet, e.Offset, e.Reason)
}

// Unwrap exposes the read error behind the damage, if any.
func (e *DamageError) Unwrap() error { return e.Err }
