package decode_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

// shardInput is every bundled capture's packets one after another (one
// capture of many flows, some on the same tuple), with each capture's key
// log given as the capture's own secrets (as a pcapng Decryption Secrets
// Block would) in the batch where its packets start.
type shardInput struct {
	packets []capture.Packet
	keysAt  map[int][]byte // packet position -> key log text to add before it
}

func loadShardInput(t *testing.T) shardInput {
	t.Helper()
	dir := filepath.Join("..", "testdata", "captures")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.pcap*"))
	if len(paths) < 20 {
		t.Fatalf("%d bundled captures", len(paths))
	}
	in := shardInput{keysAt: map[int][]byte{}}
	var off int64 = 24
	for _, path := range paths {
		src, err := capture.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".gz"), filepath.Ext(strings.TrimSuffix(filepath.Base(path), ".gz")))
		if keys, err := os.ReadFile(filepath.Join(dir, "keylog", name+".keys")); err == nil {
			in.keysAt[len(in.packets)] = keys
		}
		for {
			p, err := src.Next()
			if err != nil {
				var damage *capture.DamageError
				if !errors.Is(err, io.EOF) && !errors.As(err, &damage) {
					t.Fatalf("%s: %v", path, err)
				}
				break
			}
			p.Data = bytes.Clone(p.Data)
			p.Index, p.Offset = len(in.packets)+1, off
			off += int64(16 + len(p.Data))
			in.packets = append(in.packets, p)
		}
		src.Close()
	}
	return in
}

// shardRun is what feeding an analyzer gave: its flows at the end, and the
// flows (ID and version) each batch of changes carried.
type shardRun struct {
	flows   []decode.Flow
	packets []decode.FlowPackets
	stats   decode.Stats
	batches [][][2]uint64
	handed  []handedOut
}

// handedOut is a flow as it was when a batch of changes handed it out.
type handedOut struct {
	f       *decode.Flow
	version uint32
	report  string
}

// hand records the flows a batch of changes handed out, as they are now.
func (r *shardRun) hand(t *testing.T, flows []*decode.Flow) {
	for _, f := range flows {
		r.handed = append(r.handed, handedOut{f, f.Version, fullReport(t, f)})
	}
}

// checkHanded fails if a flow changed after it was handed out: the shards'
// meeting (IDs, the budget) must copy a published flow before writing it,
// as the analyzer does.
func (r *shardRun) checkHanded(t *testing.T, where string) {
	t.Helper()
	for _, h := range r.handed {
		if h.f.Version != h.version || fullReport(t, h.f) != h.report {
			t.Fatalf("%s: flow %d changed after it was handed out:\nthen %s\nnow  %s", where, h.f.ID, h.report, fullReport(t, h.f))
		}
	}
}

// feedSharded adds in to a Sharded of n shards in batches of size packets, taking
// the changed flows after every batch (and, with hand, recording them as
// they were for checkHanded).
func feedSharded(t *testing.T, in shardInput, n, size int, tcpOnly, hand bool) (shardRun, *decode.Sharded) {
	s := decode.NewSharded(n, tcpOnly)
	prepare := s.Predecode()
	var run shardRun
	take := func() {
		got := s.TakeDirty(nil)
		if hand {
			run.hand(t, got)
		}
		var b [][2]uint64
		for _, f := range got {
			b = append(b, [2]uint64{uint64(f.ID), uint64(f.Version)})
		}
		slices.SortFunc(b, func(x, y [2]uint64) int { return int(x[0]) - int(y[0]) })
		run.batches = append(run.batches, b)
	}
	for start := 0; start < len(in.packets); start += size {
		end := min(start+size, len(in.packets))
		var logs [][]byte
		for i := start; i < end; i++ {
			if k, ok := in.keysAt[i]; ok {
				logs = append(logs, k)
			}
		}
		s.AddKeyLogText(logs)
		b := &capture.Batch{Packets: in.packets[start:end]}
		if prepare != nil && start%(3*size) != 0 {
			prepare(b) // one shard: some batches decoded ahead, some by AddBatch
		}
		s.AddBatch(b)
		take()
	}
	s.Finish()
	take()
	for i, f := range s.Flows() {
		run.flows = append(run.flows, *f)
		run.packets = append(run.packets, s.Packets(i+1))
	}
	run.stats = s.Stats()
	return run, s
}

// TestShardedIsOneAnalyzer: however many shards and whatever the batches,
// the flows (IDs included), their packets, the counters and what each
// batch of changes carries are exactly what one analyzer gives.
func TestShardedIsOneAnalyzer(t *testing.T) {
	in := loadShardInput(t)
	for _, tcpOnly := range []bool{false, true} {
		for _, size := range []int{7, 1000} {
			want, _ := feedSharded(t, in, 1, size, tcpOnly, false)
			decrypted := 0
			for _, f := range want.flows {
				if f.TLS.Decrypt.Decrypted() {
					decrypted++
				}
			}
			if len(want.flows) < 50 || (!tcpOnly && decrypted < 20) {
				t.Fatalf("one analyzer: %d flows, %d decrypted: the input does not test much", len(want.flows), decrypted)
			}
			for _, n := range []int{2, 3, 8} {
				t.Run(fmt.Sprintf("tcpOnly=%v/batch=%d/shards=%d", tcpOnly, size, n), func(t *testing.T) {
					got, s := feedSharded(t, in, n, size, tcpOnly, true)
					if s.Shards() != n {
						t.Fatalf("%d shards", s.Shards())
					}
					if len(got.flows) != len(want.flows) {
						t.Fatalf("%d flows, want %d", len(got.flows), len(want.flows))
					}
					for i := range want.flows {
						if !reflect.DeepEqual(got.flows[i], want.flows[i]) {
							t.Fatalf("flow %d differs:\n got %+v\nwant %+v", i+1, got.flows[i], want.flows[i])
						}
						if !reflect.DeepEqual(got.packets[i], want.packets[i]) {
							t.Fatalf("flow %d: packets %+v, want %+v", i+1, got.packets[i], want.packets[i])
						}
					}
					if !reflect.DeepEqual(got.stats, want.stats) {
						t.Errorf("stats %+v, want %+v", got.stats, want.stats)
					}
					if !reflect.DeepEqual(got.batches, want.batches) {
						t.Errorf("the batches of changed flows differ from one analyzer's")
					}
					got.checkHanded(t, "shards")
				})
			}
		}
	}
}

// TestShardedBudgetIsGlobal: with shards the memory budget still bounds
// the bytes held across all flows (give or take one batch), the flows
// that hold most stop and say so, and which ones does not depend on the
// number of shards.
func TestShardedBudgetIsGlobal(t *testing.T) {
	const (
		perFlow = 250 << 10
		flows   = 32
		budget  = 2 << 20
	)
	var in shardInput
	for i := range flows {
		for _, fr := range synth.ParkedBehindHole(synth.ClientAddr(i), perFlow) {
			n := len(in.packets) + 1
			in.packets = append(in.packets, capture.Packet{Index: n, TS: fr.TS, LinkType: 1, CapLen: len(fr.Data),
				OrigLen: len(fr.Data), Offset: int64(24 + n*2000), Data: fr.Data})
		}
	}
	var first []int
	for _, n := range []int{2, 3, 5} {
		s := decode.NewSharded(n, false)
		s.SetMaxHeld(budget)
		var peak int64
		var run shardRun
		for start := 0; start < len(in.packets); start += 40 {
			b := &capture.Batch{Packets: in.packets[start:min(start+40, len(in.packets))]}
			s.AddBatch(b)
			peak = max(peak, s.Held())
			if s.Held() > budget {
				t.Fatalf("%d shards: %d bytes held after a batch, over the %d-byte budget", n, s.Held(), budget)
			}
			run.hand(t, s.TakeDirty(nil))
		}
		s.Finish()
		run.checkHanded(t, fmt.Sprintf("%d shards", n))
		var dropped []int
		for _, f := range s.Flows() {
			if f.TCP.HeldDropped[decode.FromClient] == 0 {
				continue
			}
			dropped = append(dropped, f.ID)
			if p := f.TLS.Problem[decode.FromClient]; !strings.HasPrefix(p, "held bytes dropped: memory budget") ||
				!strings.Contains(p, fmt.Sprintf("over the %d-byte budget", budget)) {
				t.Errorf("%d shards: flow %d: problem %q", n, f.ID, p)
			}
		}
		if want := flows - budget/perFlow; len(dropped) < want {
			t.Errorf("%d shards: %d flows dropped what they held, want at least %d", n, len(dropped), want)
		}
		if got := s.Stats().HeldDropped; got != len(dropped) {
			t.Errorf("%d shards: stats say %d directions dropped, the flows %d", n, got, len(dropped))
		}
		if first == nil {
			first = dropped
		} else if !slices.Equal(dropped, first) {
			t.Errorf("%d shards dropped flows %v, 2 shards %v", n, dropped, first)
		}
		t.Logf("%d shards: peak %d bytes held after a batch, %d flows dropped", n, peak, len(dropped))
	}
}
