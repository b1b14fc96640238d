package decode

import (
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// Decoding frames and hashing their endpoints needs nothing from the flow
// table, so it can run on the goroutine that reads the capture (as
// capture.Prefetch's prepare function) while the analyzer works on the
// previous batch: the reading core has time to spare, the analysing one
// does not.

// predecoded is a batch's packets, decoded: the batch's Aux.
type predecoded struct {
	segs  []packet.Segment
	skips []packet.Skip
	hash  []uint64
}

// Predecode returns a prepare function for capture.Prefetch that decodes a
// batch for AddBatch. It may run on another goroutine than the analyzer:
// it reads only the flow table's seed, which never changes.
func (a *Analyzer) Predecode() func(*capture.Batch) {
	dec := packet.NewDecoder()
	table := &a.table
	return func(b *capture.Batch) {
		pd, _ := b.Aux.(*predecoded)
		if pd == nil {
			pd = &predecoded{}
			b.Aux = pd
		}
		pd.fill(dec, table, b.Packets)
	}
}

// fill decodes packets and hashes their endpoints with table's seed.
func (pd *predecoded) fill(dec *packet.Decoder, table *flowTable, packets []capture.Packet) {
	n := len(packets)
	pd.segs = grow(pd.segs, n)
	pd.skips = grow(pd.skips, n)
	pd.hash = grow(pd.hash, n)
	for i := range packets {
		p, seg := &packets[i], &pd.segs[i]
		pd.skips[i] = dec.Decode(p.LinkType, p.Data, seg)
		if pd.skips[i] == packet.SkipNone {
			pd.hash[i] = table.hash(seg.Src, seg.Dst, seg.SrcPort, seg.DstPort)
		}
	}
}

// AddBatch adds a batch's packets, using what Predecode made of them if it
// ran, else decoding them here.
func (a *Analyzer) AddBatch(b *capture.Batch) {
	pd, _ := b.Aux.(*predecoded)
	if pd == nil || len(pd.segs) != len(b.Packets) {
		for i := range b.Packets {
			a.Add(&b.Packets[i])
		}
		return
	}
	for i := range b.Packets {
		a.add(&b.Packets[i], &pd.segs[i], pd.skips[i], pd.hash[i], true)
	}
}

// grow returns s with length n, reusing its array when it is big enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
