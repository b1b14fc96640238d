package decode

import "github.com/pcapsurgery/pcapsurgery/decode/packet"

// OriginMarks is what tells a side's own packets from a close a device on
// the path forged in its name (Weaver, Sommer and Paxson, "Detecting Forged
// TCP Reset Packets", NDSS 2009): the TTLs and IPv4 IDs of its ordinary
// packets, and those of its first RST, FIN and clear alert. Facts only: the
// model judges them. 20 bytes a side: the fields go from the widest to
// the narrowest, so there is no padding.
type OriginMarks struct {
	RSTSeqOff      int32  // first RST's sequence number minus the next one it was known to send (MarkRSTSeq)
	LastID         uint16 // IPv4 ID of its latest packet other than a RST with a nonzero ID (MarkIDs)
	RSTID          uint16 // IPv4 ID of its first RST (0 also when IPv6)
	RSTIDStep      uint16 // RSTID minus LastID when the RST came (MarkRSTIDs)
	AfterRST       uint16 // its packets other than RSTs captured after its first RST (saturates)
	Bits           OriginBits
	TTLMin, TTLMax uint8 // TTL (hop limit) range of its packets other than RSTs (MarkSeen)
	RSTTTL         uint8 // TTL of its first RST (MarkRST)
	FINTTL         uint8 // TTL of its first FIN (MarkFIN)
	AlertTTL       uint8 // TTL of the packet that completed its first clear alert (MarkAlert)
}

// OriginBits says what an OriginMarks holds.
type OriginBits uint16

const (
	MarkSeen   OriginBits = 1 << iota // TTLMin/TTLMax hold a packet other than a RST
	MarkIDs                           // LastID holds a nonzero IPv4 ID
	MarkIDRun                         // two or more nonzero IDs, each a small step up from the last
	MarkIDJump                        // a nonzero ID went back, or jumped (random or shared IDs)
	MarkRST                           // RSTTTL and RSTID hold its first RST
	MarkRSTSeq                        // RSTSeqOff is known
	MarkRSTIDs                        // RSTIDStep holds the RST's ID step from the side's last ID
	MarkFIN                           // FINTTL holds its first FIN
	MarkAlert                         // AlertTTL holds its first clear alert
)

// Has reports whether every bit in b is set.
func (m *OriginMarks) Has(b OriginBits) bool { return m.Bits&b == b }

// MaxIDStep is the largest step between a side's consecutive IPv4 IDs still
// read as one counter (Linux counts per connection; a busy host's shared
// counter moves more, and then the IDs say nothing).
const MaxIDStep = 1024

// originMark updates side d's marks from one of its packets: a few compares,
// nothing kept per packet.
func (fs *flowState) originMark(d Dir, seg *packet.Segment) {
	m := &fs.f.TCP.Origin[d]
	if seg.Has(packet.FlagRST) {
		if !m.Has(MarkRST) {
			m.Bits |= MarkRST
			m.RSTTTL, m.RSTID = seg.TTL, seg.IPID
			if m.Has(MarkIDs) {
				m.RSTIDStep, m.Bits = seg.IPID-m.LastID, m.Bits|MarkRSTIDs
			}
			if t := &fs.seq; t.ok[d] {
				m.RSTSeqOff, m.Bits = int32(seg.Seq-t.sent[d]), m.Bits|MarkRSTSeq
			}
		}
		return
	}
	if m.Has(MarkRST) && m.AfterRST < 0xffff {
		m.AfterRST++
	}
	if !m.Has(MarkSeen) {
		m.TTLMin, m.TTLMax, m.Bits = seg.TTL, seg.TTL, m.Bits|MarkSeen
	} else {
		m.TTLMin, m.TTLMax = min(m.TTLMin, seg.TTL), max(m.TTLMax, seg.TTL)
	}
	if id := seg.IPID; id != 0 {
		if m.Has(MarkIDs) {
			if step := id - m.LastID; step > MaxIDStep {
				m.Bits |= MarkIDJump
			} else if step != 0 {
				m.Bits |= MarkIDRun
			}
		}
		m.LastID, m.Bits = id, m.Bits|MarkIDs
	}
	if seg.Has(packet.FlagFIN) && !m.Has(MarkFIN) {
		m.FINTTL, m.Bits = seg.TTL, m.Bits|MarkFIN
	}
}

// alertMark records the TTL of the packet that completed side d's first
// clear alert.
func (fs *flowState) alertMark(d Dir) {
	if m := &fs.f.TCP.Origin[d]; !m.Has(MarkAlert) {
		m.AlertTTL, m.Bits = fs.ttl, m.Bits|MarkAlert
	}
}
