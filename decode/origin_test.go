package decode

import (
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// TestOriginMarksFollowTheSides: the TTL range and IP IDs of a side's
// ordinary packets, its first RST's TTL, ID, ID step, sequence offset and
// the packets after it are what the model compares; a flip swaps them with
// the sides.
func TestOriginMarksFollowTheSides(t *testing.T) {
	fs := &flowState{f: &Flow{TLS: emptyTLS, TCP: TCPFacts{StreamFacts: emptyStream}}}
	seg := func(d Dir, flags uint8, seq, ack uint32, ttl uint8, id uint16, n int) {
		s := &packet.Segment{Flags: flags, Seq: seq, Ack: ack, TTL: ttl, IPID: id, PayloadLen: n}
		fs.markTCP(d, s)
		fs.track(d, s)
	}
	seg(FromClient, packet.FlagSYN, 100, 0, 64, 7, 0)
	seg(FromServer, packet.FlagSYN|packet.FlagACK, 500, 101, 63, 0, 0)
	seg(FromServer, packet.FlagACK, 501, 101, 63, 40, 0)
	seg(FromServer, packet.FlagACK, 501, 101, 63, 41, 1000)
	seg(FromServer, packet.FlagRST, 1501, 0, 64, 0, 0) // the router's, in the server's name
	seg(FromServer, packet.FlagACK, 1501, 101, 63, 42, 200)
	m := fs.f.TCP.Origin[FromServer]
	if m.TTLMin != 63 || m.TTLMax != 63 || m.RSTTTL != 64 || m.RSTID != 0 || m.AfterRST != 1 || m.LastID != 42 ||
		!m.Has(MarkSeen|MarkIDs|MarkIDRun|MarkRST|MarkRSTIDs|MarkRSTSeq) || m.Has(MarkIDJump) || m.RSTSeqOff != 0 {
		t.Fatalf("server marks %+v", m)
	}
	if z := fs.f.TCP.Sizes[FromServer]; z.Max != 1000 {
		t.Errorf("server sizes %+v, want max 1000", z)
	}
	fs.flip(ByPort)
	if fs.f.TCP.Origin[FromClient] != m || fs.f.TCP.Origin[FromServer].RSTTTL != 0 {
		t.Errorf("flip left the marks behind: %+v", fs.f.TCP.Origin)
	}
}
