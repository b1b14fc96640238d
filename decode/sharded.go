package decode

import (
	"bytes"
	"cmp"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"time"

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

// MaxShards bounds the shards: each step of a batch starts a goroutine per
// shard, and a 512 KiB batch of small packets (some 8,000 SYNs) split
// further would leave each shard a hundred packets or fewer per step.
const MaxShards = 64

// Sharded is an Analyzer spread over shards; with one shard it is that
// analyzer, on the caller's goroutine. It is not safe for concurrent use:
// one goroutine feeds it, and it runs the shards itself.
type Sharded struct {
	shards []*Analyzer
	one    *Analyzer         // the only shard, or nil
	refs   []shardRef        // flow ID-1 -> where the flow is
	before []int             // per shard: its flows before the batch
	newAt  [][]int32         // per shard: batch positions of the packets that started its flows in the batch
	owner  []uint8           // per batch position: 1 + the shard whose flow it started, or 0
	ids    [][]int           // per shard: the IDs of its flows from before[shard] on, not written into them yet (setIDs)
	batch  predecoded        // the batch being added, decoded
	at     [][]int32         // [part*shards+shard]: positions of the part's packets that go to the shard, in order
	decs   []*packet.Decoder // per part of a batch
	keys   *keylog.Log       // the secrets every shard decrypts with
	// ownKeys: keys is the wrapper's own copy, which the capture's
	// Decryption Secrets Blocks may add to.
	ownKeys bool
	maxHeld int64 // the budget across all shards (0: DefaultMaxHeld)
	holders []shardHolding
	work    time.Duration // with threadCPU: CPU time of the parallel steps
	span    time.Duration // the same, counting only the slowest shard of each step
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

// ListNoPackets sets Analyzer.NoPackets on every shard; call it before the
// first batch.
func (s *Sharded) ListNoPackets() {
	for _, a := range s.shards {
		a.NoPackets = true
	}
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
	s.ids = make([][]int, n)
	s.at = make([][]int32, n*n)
	s.decs = make([]*packet.Decoder, n)
	for i := range s.decs {
		s.decs[i] = packet.NewDecoder()
	}
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

// Predecode is Analyzer.Predecode with one shard. With more it is nil:
// frame decoding runs on every shard's core in AddBatch, since on the
// reading goroutine it would be work that every packet waits for on one
// core, whatever the number of cores.
func (s *Sharded) Predecode() func(*capture.Batch) {
	if s.one != nil {
		return s.one.Predecode()
	}
	return nil
}

// AddBatch is Analyzer.AddBatch. With shards it runs in two steps, each
// on every shard's goroutine (the first on the caller's): each decodes
// its part of the batch's frames and sorts them by shard; then each shard
// adds its packets, in capture order. At the end the flows the batch
// started get their IDs.
func (s *Sharded) AddBatch(b *capture.Batch) {
	if s.one != nil {
		s.one.AddBatch(b)
		return
	}
	m := len(b.Packets)
	pd := &s.batch
	pd.segs, pd.skips, pd.hash = grow(pd.segs, m), grow(pd.skips, m), grow(pd.hash, m)
	s.parallel(func(part int) { s.decode(part, b.Packets) })
	s.parallel(func(i int) { s.run(i, b.Packets) })
	s.number(m)
	s.enforce()
}

// parallel calls fn(i) for every shard i, each on its own goroutine but
// the first, and waits for them all.
func (s *Sharded) parallel(fn func(i int)) {
	var took []time.Duration
	if threadCPU != nil {
		took = make([]time.Duration, len(s.shards))
		step := fn
		fn = func(i int) {
			runtime.LockOSThread()
			t := threadCPU()
			step(i)
			took[i] = threadCPU() - t
			runtime.UnlockOSThread()
		}
	}
	var wg sync.WaitGroup
	for i := 1; i < len(s.shards); i++ {
		wg.Go(func() { fn(i) })
	}
	fn(0)
	wg.Wait()
	if took != nil {
		s.span += slices.Max(took)
		for _, t := range took {
			s.work += t
		}
	}
}

// threadCPU, when a benchmark sets it, reads the calling thread's CPU
// time. Each step of a batch then adds the time of its slowest shard to
// span and that of all to work: work/span is the speed-up the steps get
// from a free core per shard, whatever else the machine runs.
var threadCPU func() time.Duration

// decode decodes part of a batch's frames (one of as many as shards) and
// lists which shard each goes to. It reads only the tables' seed.
func (s *Sharded) decode(part int, packets []capture.Packet) {
	n := len(s.shards)
	lo, hi := part*len(packets)/n, (part+1)*len(packets)/n
	at := s.at[part*n : (part+1)*n]
	for i := range at {
		at[i] = at[i][:0]
	}
	pd, dec, table := &s.batch, s.decs[part], &s.shards[0].table
	for i := lo; i < hi; i++ {
		p, seg := &packets[i], &pd.segs[i]
		pd.skips[i] = dec.Decode(p.LinkType, p.Data, seg)
		shard := uint64(0) // a packet that is not TCP only counts
		if pd.skips[i] == packet.SkipNone {
			pd.hash[i] = table.hash(seg.Src, seg.Dst, seg.SrcPort, seg.DstPort)
			shard, _ = bits.Mul64(pd.hash[i], uint64(n))
		}
		at[shard] = append(at[shard], int32(i))
	}
}

// run adds shard i's packets of the batch, noting where its flows start.
func (s *Sharded) run(i int, packets []capture.Packet) {
	a, pd, n := s.shards[i], &s.batch, len(s.shards)
	s.setIDs(i)
	s.before[i] = len(a.flows)
	newAt := s.newAt[i][:0]
	for part := range n {
		for _, j := range s.at[part*n+i] {
			k := len(a.flows)
			a.add(&packets[j], &pd.segs[j], pd.skips[j], pd.hash[j], true)
			if len(a.flows) != k {
				newAt = append(newAt, j)
			}
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
		s.ids[i] = append(s.ids[i], len(s.refs)+1)
		s.refs = append(s.refs, shardRef{int32(i), int32(local)})
	}
}

// setIDs writes the IDs number gave shard i's flows into them. Each shard
// does it at its next step, on its own core, where the flows are in its
// cache (written here they cost most of the time number took); what
// reads flows from outside calls settle first, so they are written before
// TakeDirty hands them out and never need a copy (own).
func (s *Sharded) setIDs(i int) {
	a := s.shards[i]
	for k, id := range s.ids[i] {
		a.flows[s.before[i]+k].f.ID = id
	}
	s.ids[i] = s.ids[i][:0]
}

// settle writes the IDs not written yet.
func (s *Sharded) settle() {
	for i := range s.ids {
		s.setIDs(i)
	}
}

// enforce is heldBudget.enforce across all shards, between batches: past
// the budget, the directions that hold most (the lower ID, then the
// client's side, first among equals) stop until a quarter of it is free. Within a batch the shards
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
	s.settle() // the IDs break ties
	s.holders = s.holders[:0]
	for _, a := range s.shards {
		for _, h := range a.shared.held.holders {
			s.holders = append(s.holders, shardHolding{h, h.fs.f.ID, a})
		}
	}
	slices.SortFunc(s.holders, func(x, y shardHolding) int {
		return cmp.Or(cmp.Compare(y.s.held, x.s.held), cmp.Compare(x.id, y.id), cmp.Compare(x.s.dir, y.s.dir))
	})
	for _, h := range s.holders {
		if s.Held() <= limit-limit/4 {
			break
		}
		if h.s.mode == modeDone || h.fs.dir(h.s.dir) != h.s {
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
	s.parallel(func(i int) {
		s.setIDs(i)
		s.shards[i].Finish()
	})
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

// TakeDirty is Analyzer.TakeDirty: the changed flows of every shard, a
// shard at a time (a batch's flows come in no particular order).
func (s *Sharded) TakeDirty(dst []*Flow) []*Flow {
	s.settle()
	for _, a := range s.shards {
		dst = a.TakeDirty(dst)
	}
	return dst
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
	s.settle()
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
	s.settle()
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
