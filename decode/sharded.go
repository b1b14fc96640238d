package decode

import (
	"bytes"
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// Analysis is most of the cost of a capture with many flows, and one flow
// never needs another's state: so Sharded spreads the flows over several
// Analyzers by the hash of their endpoints (both directions of a connection,
// and every connection on the same tuple, land in the same shard), and each
// shard analyses its packets of a batch on its own core. At the end of the
// batch the shards meet: the flows they started get their IDs in order of
// first packet, exactly as one analyzer gives them, and the memory budget
// is checked across all of them.

// MaxShards bounds the shards: past it, the meeting at each batch costs
// more than another core gives.
const MaxShards = 64

// Sharded is an Analyzer spread over shards; with one shard it is that
// analyzer, on the caller's goroutine. It is not safe for concurrent use:
// one goroutine feeds it, and it runs the shards itself.
type Sharded struct {
	shards []*Analyzer
	one    *Analyzer   // the only shard, or nil
	refs   []shardRef  // flow ID-1 -> where the flow is
	before []int       // per shard: its flows before the batch
	newAt  [][]int32   // per shard: batch positions of the packets that started its flows in the batch
	owner  []uint8     // per batch position: 1 + the shard whose flow it started, or 0
	keys   *keylog.Log // the secrets every shard decrypts with
	// ownKeys: keys is the wrapper's own copy, which the capture's
	// Decryption Secrets Blocks may add to.
	ownKeys bool
	maxHeld int64 // the budget across all shards (0: DefaultMaxHeld)
	holders []shardHolding
}

// shardRef is where a flow lives: its shard, and its index there.
type shardRef struct {
	shard int32
	local int32
}

type shardHolding struct {
	holding
	id int
	a  *Analyzer
}

// shardedBatch is a batch's packets decoded, and which shard each goes to:
// the batch's Aux.
type shardedBatch struct {
	predecoded
	at [][]int32 // per shard: positions in the batch, in order
}

// NewSharded returns an empty analyzer of n shards (1 to MaxShards);
// tcpOnly is Analyzer.TCPOnly.
func NewSharded(n int, tcpOnly bool) *Sharded {
	n = min(max(n, 1), MaxShards)
	s := &Sharded{shards: make([]*Analyzer, n)}
	for i := range s.shards {
		a := NewAnalyzer()
		a.TCPOnly = tcpOnly
		if i > 0 {
			a.table.seed = s.shards[0].table.seed // one hash for every shard's table
		}
		s.shards[i] = a
	}
	if n == 1 {
		s.one = s.shards[0]
		return s
	}
	s.before = make([]int, n)
	s.newAt = make([][]int32, n)
	for _, a := range s.shards {
		a.shared.held.max = math.MaxInt64 // the wrapper enforces the budget across shards
	}
	return s
}

// Shards is the number of shards.
func (s *Sharded) Shards() int { return len(s.shards) }

// SetKeyLog is Analyzer.SetKeyLog for every shard.
func (s *Sharded) SetKeyLog(l *keylog.Log) {
	s.keys, s.ownKeys = l, false
	for _, a := range s.shards {
		a.SetKeyLog(l)
	}
}

// AddKeyLogText is Analyzer.AddKeyLogText: every shard decrypts with the
// secrets from the next packet on. The shards share one copy, read by all
// of them during a batch and written only between batches.
func (s *Sharded) AddKeyLogText(logs [][]byte) {
	if s.one != nil {
		s.one.AddKeyLogText(logs)
		return
	}
	if len(logs) == 0 {
		return
	}
	if !s.ownKeys {
		s.keys, s.ownKeys = s.keys.Clone(), true
	}
	for _, t := range logs {
		s.keys.Read(bytes.NewReader(t)) // a bytes.Reader cannot fail
	}
	for _, a := range s.shards {
		a.shared.keys, a.ownKeys = s.keys, true
	}
}

// KeyLog is Analyzer.KeyLog.
func (s *Sharded) KeyLog() *keylog.Log { return s.shards[0].KeyLog() }

// SetMaxHeld is Analyzer.SetMaxHeld, for the bytes held across all shards.
func (s *Sharded) SetMaxHeld(n int64) {
	if s.one != nil {
		s.one.SetMaxHeld(n)
		return
	}
	s.maxHeld = max(n, 0)
}

// Held is Analyzer.Held across all shards.
func (s *Sharded) Held() int64 {
	var n int64
	for _, a := range s.shards {
		n += a.shared.held.total
	}
	return n
}

// Predecode is Analyzer.Predecode, which also sorts the packets by shard.
func (s *Sharded) Predecode() func(*capture.Batch) {
	if s.one != nil {
		return s.one.Predecode()
	}
	dec := packet.NewDecoder()
	return func(b *capture.Batch) { s.predecode(dec, b) }
}

// predecode may run on another goroutine than the analyzer: it reads only
// the tables' seed, which never changes.
func (s *Sharded) predecode(dec *packet.Decoder, b *capture.Batch) *shardedBatch {
	sb, _ := b.Aux.(*shardedBatch)
	if sb == nil {
		sb = &shardedBatch{at: make([][]int32, len(s.shards))}
		b.Aux = sb
	}
	sb.fill(dec, &s.shards[0].table, b.Packets)
	for i := range sb.at {
		sb.at[i] = sb.at[i][:0]
	}
	n := uint64(len(s.shards))
	for i := range b.Packets {
		shard := uint64(0) // a packet that is not TCP only counts
		if sb.skips[i] == packet.SkipNone {
			shard, _ = bits.Mul64(sb.hash[i], n)
		}
		sb.at[shard] = append(sb.at[shard], int32(i))
	}
	return sb
}

// AddBatch is Analyzer.AddBatch: every shard adds its packets of the batch
// on its own goroutine (the first on the caller's), then the flows the
// batch started get their IDs.
func (s *Sharded) AddBatch(b *capture.Batch) {
	if s.one != nil {
		s.one.AddBatch(b)
		return
	}
	sb, _ := b.Aux.(*shardedBatch)
	if sb == nil || len(sb.segs) != len(b.Packets) {
		sb = s.predecode(packet.NewDecoder(), b)
	}
	var wg sync.WaitGroup
	for i, a := range s.shards {
		s.before[i], s.newAt[i] = len(a.flows), s.newAt[i][:0]
		if i > 0 && len(sb.at[i]) > 0 {
			wg.Go(func() { s.run(i, b, sb) })
		}
	}
	s.run(0, b, sb)
	wg.Wait()
	s.number(len(b.Packets))
	s.enforce()
}

// run adds shard i's packets of the batch, noting where its flows start.
func (s *Sharded) run(i int, b *capture.Batch, sb *shardedBatch) {
	a := s.shards[i]
	newAt := s.newAt[i]
	for _, j := range sb.at[i] {
		n := len(a.flows)
		a.add(&b.Packets[j], &sb.segs[j], sb.skips[j], sb.hash[j], true)
		if len(a.flows) != n {
			newAt = append(newAt, j)
		}
	}
	s.newAt[i] = newAt
}

// number gives the flows the batch started their IDs, in order of their
// first packet: the IDs one analyzer gives.
func (s *Sharded) number(n int) {
	s.owner = grow(s.owner, n)
	started := 0
	for i, at := range s.newAt {
		for _, j := range at {
			s.owner[j] = uint8(i + 1)
		}
		started += len(at)
	}
	if started == 0 {
		return
	}
	next := make([]int, len(s.shards)) // per shard: its next new flow
	for j, o := range s.owner {
		if o == 0 {
			continue
		}
		s.owner[j] = 0
		i := int(o - 1)
		local := s.before[i] + next[i]
		next[i]++
		s.shards[i].flows[local].f.ID = len(s.refs) + 1
		s.refs = append(s.refs, shardRef{int32(i), int32(local)})
	}
}

// enforce is heldBudget.enforce across all shards, between batches: past
// the budget, the directions that hold most (the lower ID first among
// equals) stop until a quarter of it is free. Within a batch the shards
// may go over by about what the batch carries (512 KiB of packets); which
// flows stop does not depend on the number of shards.
func (s *Sharded) enforce() {
	limit := s.maxHeld
	if limit <= 0 {
		limit = DefaultMaxHeld
	}
	total := s.Held()
	if total <= limit {
		return
	}
	s.holders = s.holders[:0]
	for _, a := range s.shards {
		for _, h := range a.shared.held.holders {
			s.holders = append(s.holders, shardHolding{h, h.fs.f.ID, a})
		}
	}
	slices.SortFunc(s.holders, func(x, y shardHolding) int {
		return cmp.Or(cmp.Compare(y.s.held, x.s.held), cmp.Compare(x.id, y.id))
	})
	for _, h := range s.holders {
		if s.Held() <= limit-limit/4 {
			break
		}
		if h.s.mode == modeDone || h.fs.d[h.s.dir] != h.s {
			continue
		}
		h.fs.dropHeld(h.s, total, limit)
		h.a.shared.held.drops++
		h.fs.f.Version++
		if !h.fs.dirty {
			h.fs.dirty = true
			h.a.dirty = append(h.a.dirty, h.fs)
		}
	}
	clear(s.holders)
	s.holders = s.holders[:0]
}

// Finish is Analyzer.Finish, every shard on its own goroutine.
func (s *Sharded) Finish() {
	if s.one != nil {
		s.one.Finish()
		return
	}
	var wg sync.WaitGroup
	for _, a := range s.shards[1:] {
		wg.Go(a.Finish)
	}
	s.shards[0].Finish()
	wg.Wait()
}

// flow returns flow id's state, or nil.
func (s *Sharded) flow(id int) (*Analyzer, *flowState) {
	if id < 1 || id > len(s.refs) {
		return nil, nil
	}
	r := s.refs[id-1]
	a := s.shards[r.shard]
	return a, a.flows[r.local]
}

// TakeDirtyInto is Analyzer.TakeDirtyInto: the changed flows of every
// shard, a shard at a time (a batch's flows come in no particular order).
func (s *Sharded) TakeDirtyInto(slot func(i int) *Flow) {
	off := 0
	for _, a := range s.shards {
		n := a.DirtyCount()
		a.TakeDirtyInto(func(i int) *Flow { return slot(off + i) })
		off += n
	}
}

// Touch is Analyzer.Touch.
func (s *Sharded) Touch(id int) {
	if s.one != nil {
		s.one.Touch(id)
		return
	}
	if a, fs := s.flow(id); fs != nil && !fs.dirty {
		fs.dirty = true
		a.dirty = append(a.dirty, fs)
	}
}

// DirtyCount is Analyzer.DirtyCount across all shards.
func (s *Sharded) DirtyCount() int {
	n := 0
	for _, a := range s.shards {
		n += a.DirtyCount()
	}
	return n
}

// Flows is Analyzer.Flows: every shard's flows, in ID order.
func (s *Sharded) Flows() []*Flow {
	if s.one != nil {
		return s.one.Flows()
	}
	out := make([]*Flow, len(s.refs))
	for i, r := range s.refs {
		out[i] = s.shards[r.shard].flows[r.local].f
	}
	return out
}

// Packets is Analyzer.Packets.
func (s *Sharded) Packets(id int) FlowPackets {
	if s.one != nil {
		return s.one.Packets(id)
	}
	_, fs := s.flow(id)
	if fs == nil {
		return FlowPackets{}
	}
	return fs.refs.packets(fs.f)
}

// Stats is Analyzer.Stats summed over the shards.
func (s *Sharded) Stats() Stats {
	out := s.shards[0].Stats()
	for _, a := range s.shards[1:] {
		st := a.Stats()
		out.Packets += st.Packets
		out.TCPPackets += st.TCPPackets
		out.Bytes += st.Bytes
		out.Truncated += st.Truncated
		out.Flows += st.Flows
		out.HeldDropped += st.HeldDropped
		for k, v := range st.Skipped {
			out.Skipped[k] += v
		}
	}
	return out
}
