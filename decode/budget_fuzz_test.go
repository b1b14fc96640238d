package decode

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// FuzzHeldBudget drives up to eight flows against a small memory budget with
// segments described by script (6 bytes each: flow and direction, 16-bit
// offset from the first data byte, length, fill byte, flags), so held bytes
// come from holes, half-read records and unfinished handshake messages.
// After every packet the budget's count matches what the flows hold and is
// under the budget; after Finish nothing is held.
func FuzzHeldBudget(f *testing.F) {
	tls := func(n int) []byte { return []byte{0x16, 0x03, 0x01, byte(n >> 8), byte(n), 0x0b, 0, 0x40, 0} }
	f.Add(uint16(4), []byte{0, 0, 1, 200, 0x16, 0, 1, 0, 1, 200, 0x16, 0, 2, 0, 5, 100, 0, 0}, tls(16000))
	f.Add(uint16(1), []byte{0, 0, 0, 9, 0, 0, 0, 0, 9, 255, 1, 0, 8, 0, 0, 9, 0, 0, 9, 1, 0, 255, 0, 1}, tls(18000))
	f.Fuzz(func(t *testing.T, budgetKB uint16, script, prefix []byte) {
		a := NewAnalyzer()
		a.SetMaxHeld(int64(budgetKB%64+1) << 10)
		at := time.Unix(1_700_000_000, 0)
		idx := 0
		send := func(flow int, fromClient bool, flags uint8, seq uint32, payload []byte) {
			client := netip.AddrFrom4([4]byte{10, 0, 0, byte(flow + 1)})
			server := netip.MustParseAddr("10.0.1.1")
			seg := packet.Segment{Src: client, Dst: server, SrcPort: 40000, DstPort: 443, Seq: seq,
				Flags: flags, Payload: payload, PayloadLen: len(payload)}
			if !fromClient {
				seg.Src, seg.Dst, seg.SrcPort, seg.DstPort = server, client, 443, 40000
			}
			idx++
			a.add(&capture.Packet{Index: idx, TS: at, LinkType: 1, Data: payload}, &seg, packet.SkipNone, 0, false)
			checkBudget(t, a)
		}
		for fl := range 8 {
			send(fl, true, packet.FlagSYN, 1000, nil)
			send(fl, false, packet.FlagSYN|packet.FlagACK, 5000, nil)
		}
		for ; len(script) >= 6; script = script[6:] {
			fl, fromClient := int(script[0]>>1)%8, script[0]&1 == 0
			off := uint32(binary.BigEndian.Uint16(script[1:]))
			n := int(script[3])*64 + 1
			payload := make([]byte, n)
			for i := range payload {
				payload[i] = script[4]
			}
			if off == 0 {
				copy(payload, prefix) // a record or handshake header to start the stream
			}
			base := uint32(1001)
			if !fromClient {
				base = 5001
			}
			send(fl, fromClient, packet.FlagACK|script[5]&(packet.FlagFIN|packet.FlagRST), base+off, payload)
		}
		a.Finish()
		checkBudget(t, a)
		if b := &a.shared.held; b.total != 0 || len(b.holders) != 0 {
			t.Fatalf("after Finish: %d bytes held by %d directions", b.total, len(b.holders))
		}
	})
}

func checkBudget(t *testing.T, a *Analyzer) {
	t.Helper()
	b := &a.shared.held
	var sum int64
	for i, h := range b.holders {
		if h.s.holderAt != i+1 || h.s.held != heldBy(h.s) || h.s.held == 0 {
			t.Fatalf("holder %d: at %d, counted %d, holds %d", i, h.s.holderAt, h.s.held, heldBy(h.s))
		}
		sum += h.s.held
	}
	for _, fs := range a.flows {
		for _, s := range [2]*dirState{fs.dir(FromClient), fs.dir(FromServer)} {
			if s != nil && s != finished && s.mode != modeDone && heldBy(s) != s.held {
				t.Fatalf("flow %d: counted %d, holds %d", fs.f.ID, s.held, heldBy(s))
			}
		}
	}
	if sum != b.total || b.total > b.limit() {
		t.Fatalf("budget total %d, holders sum %d, limit %d", b.total, sum, b.limit())
	}
}
