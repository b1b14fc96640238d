package model

import (
	"context"
	"math"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// loadFlows reads a bundled capture's flows.
func loadFlows(t testing.TB, path string) []Flow { return loaded(t, path).Flows() }

// indexed is flows in a group index, set in order, and every place.
func indexed(flows []Flow) (*GroupIndex, []int32) {
	x := NewGroupIndex()
	for i := range flows {
		x.Set(i, &flows[i])
	}
	all := make([]int32, len(flows))
	for i := range all {
		all[i] = int32(i)
	}
	return x, all
}

// loaded is a loader that has read a bundled capture.
func loaded(t testing.TB, path string) *Loader {
	t.Helper()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	l := NewLoader(src)
	if err := l.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return l
}

// randomFlows are flows with a few clients, servers and outcomes, some
// times before 1970 and past 2262, and some rows left empty (a batch's
// flows come in any order, so the explorer holds places not filled yet).
func randomFlows(n int) []Flow { return randomFlowsIn(n, true) }

// randomFlowsIn is randomFlows, with or without the far times and empty
// places (whose times are the zero time).
func randomFlowsIn(n int, far bool) []Flow {
	r := rand.New(rand.NewPCG(3, 4))
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	outs := []Outcome{OK, Alert, Reset, Partial, Resumed, NoServerHello}
	flows := make([]Flow, n)
	for i := range flows {
		f := &flows[i]
		f.Flow, f.Verdict = decode.NewFlow(), &Verdict{}
		if far && i%101 == 7 {
			continue // an empty place
		}
		f.ID = i + 1
		f.Client = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(8)), byte(r.IntN(40))}), 4000)
		f.Server = netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(r.IntN(5))}), 443)
		f.Outcome = outs[r.IntN(len(outs))]
		f.First = t0.Add(time.Duration(r.Int64N(int64(time.Hour)))) // to the nanosecond
		switch i % 997 {
		case 1:
			if far {
				f.First = time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)
			}
		case 2:
			if far {
				f.First = time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)
			}
		}
		f.Last = f.First.Add(time.Duration(r.IntN(5000)) * time.Millisecond)
	}
	return flows
}

// TestGroupIndexEqualsGrouper: grouping from the index gives what the
// Grouper gives from the flows, for every key alone (with where its
// failures concentrate) and for pairs, in every order, over all flows and
// over a filtered subset in another order, with and without timings.
func TestGroupIndexEqualsGrouper(t *testing.T) {
	sets := map[string][]Flow{"random": randomFlows(5000), "random within an hour": randomFlowsIn(5000, false)}
	for _, p := range []string{"../testdata/demo.pcapng", "../testdata/synth-mix.pcapng", "../testdata/captures/contrast.pcap"} {
		sets[filepath.Base(p)] = loadFlows(t, p)
	}
	pairs := [][]GroupKey{{ByServer, ByJA4}, {ByClient, ByServer}, {BySNI, ByJA4a}, {ByOutcome, ByClientNet},
		{ByIssuer, ByAlert}, {ByCipher, ByVersion}}
	for _, k := range GroupKeys {
		pairs = append(pairs, []GroupKey{k})
	}
	for name, flows := range sets {
		x := NewGroupIndex()
		for i := len(flows) - 1; i >= 0; i-- { // any order
			x.Set(i, &flows[i])
		}
		span := SpanOf(flows)
		if got := x.Span(); !got.From.Equal(span.From) || !got.To.Equal(span.To) {
			t.Errorf("%s: index span %v, flows' %v", name, got, span)
		}
		all := make([]int32, len(flows))
		var some []int32
		for i := range all {
			all[i] = int32(i)
			if j := len(flows) - 1 - i; j%3 != 0 {
				some = append(some, int32(j))
			}
		}
		for _, by := range pairs {
			for vi, vis := range [][]int32{all, some} {
				for _, col := range GroupColumns {
					timed := col == GroupByFailures
					want := referenceGroups(flows, vis, by, span, col, timed)
					var tf func(int32) Timings
					if timed {
						tf = FlowTimings(flows)
					}
					got := x.Group(vis, by, span, GroupBuckets, col, tf)
					if got.Len() != want.Len() {
						t.Fatalf("%s %v vis %d %s: %d groups, want %d", name, by, vi, col, got.Len(), want.Len())
					}
					for i := range got.Len() {
						g, w := got.Full(i), want.Full(i)
						if len(by) == 1 {
							w.Sub = nil
						}
						if !reflect.DeepEqual(g, w) {
							t.Fatalf("%s %v vis %d %s: group %d\n got %+v\nwant %+v", name, by, vi, col, i, g, w)
						}
						gl, gok := got.Concentration(i)
						wl, wok := want.Concentration(i)
						if gl != wl || gok != wok {
							t.Fatalf("%s %v %s: group %d concentration %q %v, want %q %v", name, by, col, i, gl, gok, wl, wok)
						}
					}
				}
			}
		}
	}
}

// TestGroupIndexForGroupsAsTheFullIndex: an index that keeps only the
// columns of one grouping (summary --by's) groups as the full index does,
// and refuses, loudly, a grouping by a key it does not keep.
func TestGroupIndexForGroupsAsTheFullIndex(t *testing.T) {
	flows := loadFlows(t, "../testdata/captures/contrast.pcap")
	flows = append(flows, randomFlows(3000)...)
	span := SpanOf(flows)
	tf := FlowTimings(flows)
	full, all := indexed(flows)
	for _, by := range [][]GroupKey{{ByServer}, {ByClient}, {ByServer, ByClient}, {ByJA4, ByClient}, {ByOutcome, ByAlert}} {
		x := NewGroupIndexFor(by)
		x.Reserve(len(flows))
		for i := len(flows) - 1; i >= 0; i-- {
			x.Set(i, &flows[i])
		}
		got, want := x.Group(all, by, span, GroupBuckets, GroupByFailures, tf), full.Group(all, by, span, GroupBuckets, GroupByFailures, tf)
		if got.Len() != want.Len() || got.Len() < 2 {
			t.Fatalf("%v: %d groups, the full index %d", by, got.Len(), want.Len())
		}
		for i := range got.Len() {
			g, w := got.Full(i), want.Full(i)
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("%v: group %d\n got %+v\nwant %+v", by, i, g, w)
			}
			gl, gok := got.Concentration(i)
			wl, wok := want.Concentration(i)
			if gl != wl || gok != wok {
				t.Fatalf("%v: group %d concentration %q %v, want %q %v", by, i, gl, gok, wl, wok)
			}
		}
	}
	x := NewGroupIndexFor([]GroupKey{ByServer, ByClient})
	x.Set(0, &flows[0])
	defer func() {
		if r := recover(); r == nil {
			t.Error("grouping by SNI an index kept for server, client: no panic")
		}
	}()
	x.Group([]int32{0}, []GroupKey{BySNI}, span, GroupBuckets, GroupByFailures, nil)
}

// referenceGroups groups as the view did before the index: the Grouper
// over the flows, a single key checked against its contrast key as a
// hidden second level.
func referenceGroups(flows []Flow, vis []int32, by []GroupKey, span Span, col GroupColumn, timed bool) *GroupSet {
	levels := by
	if len(by) == 1 {
		levels = []GroupKey{by[0], by[0].Contrast()}
	}
	gr := NewGrouper(levels, span, GroupBuckets)
	if timed {
		gr.WithTimings()
	}
	for _, i := range vis {
		gr.Add(&flows[i])
	}
	return gr.Sorted(col)
}

// TestBucketerEqualsSpanBucket: the instants' buckets are Span.Bucket's,
// inside the span, at its ends, outside it and far from it.
func TestBucketerEqualsSpanBucket(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	t0 := time.Date(2026, 12, 2, 9, 14, 0, 123, time.UTC)
	spans := []Span{{t0, t0.Add(7 * time.Minute)}, {t0, t0.Add(3 * time.Nanosecond)}, {t0, t0},
		{t0, t0.Add(100 * 365 * 24 * time.Hour)}, {time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), t0}}
	far := []time.Time{{}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(100000000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, s := range spans {
		for _, n := range []int{1, 2, GroupBuckets, 1000} {
			b := newBucketer(s, n)
			ts := append([]time.Time{s.From, s.To, s.From.Add(1), s.To.Add(-1), s.To.Add(1), s.From.Add(-1)}, far...)
			for range 2000 {
				ts = append(ts, s.From.Add(time.Duration(r.Int64N(min(int64(s.To.Sub(s.From)), math.MaxInt64-2)+2))-1))
			}
			for _, tm := range ts {
				if got, want := b.at(instantOf(tm)), s.Bucket(tm, n); got != want {
					t.Fatalf("span %v, %d buckets, %v: %d, want %d", s, n, tm, got, want)
				}
			}
		}
	}
}

// TestGroupIndexSpanFollowsChanges: the span follows flows that change,
// also when the flow that held an end of it moves inwards.
func TestGroupIndexSpanFollowsChanges(t *testing.T) {
	flows := randomFlows(300)[8:58] // no empty place: the ends are real flows' times
	x := NewGroupIndex()
	check := func(step string) {
		t.Helper()
		want, got := SpanOf(flows), x.Span()
		if !got.From.Equal(want.From) || !got.To.Equal(want.To) {
			t.Fatalf("%s: span %v, want %v", step, got, want)
		}
	}
	for i := range flows {
		x.Set(i, &flows[i])
	}
	check("set")
	lo, hi := 0, 0
	for i := range flows {
		if flows[i].First.Before(flows[lo].First) {
			lo = i
		}
		if flows[i].Last.After(flows[hi].Last) {
			hi = i
		}
	}
	flows[lo].First = flows[lo].Last
	x.Set(lo, &flows[lo])
	check("earliest start moved later")
	flows[hi].Last = flows[hi].First
	x.Set(hi, &flows[hi])
	check("latest end moved earlier")
	flows[3].Last = flows[3].Last.Add(time.Hour)
	x.Set(3, &flows[3])
	check("an end moved later")
}

// TestGroupIndexPartsAgree: built in several parts (as on several cores),
// a grouping is the one built in one, for every key and pair, with
// timings; the parts may hold no group at all.
func TestGroupIndexPartsAgree(t *testing.T) {
	flows := append(randomFlows(5000), loadFlows(t, "../testdata/captures/contrast.pcap")...)
	x := NewGroupIndex()
	for i := range flows {
		x.Set(i, &flows[i])
	}
	vis := make([]int32, len(flows))
	for i := range vis {
		vis[i] = int32(len(flows) - 1 - i)
	}
	pairs := [][]GroupKey{{ByServer, ByJA4}, {ByClient, ByServer}, {ByOutcome, ByClientNet}, {ByServer, ByClient}}
	for _, k := range GroupKeys {
		pairs = append(pairs, []GroupKey{k})
	}
	defer func() { groupPartsFor = 0 }()
	for _, by := range pairs {
		groupPartsFor = 1
		want := x.Group(vis, by, x.Span(), GroupBuckets, GroupByFlows, FlowTimings(flows))
		for _, parts := range []int{2, 3, 7, 64} {
			groupPartsFor = parts
			got := x.Group(vis, by, x.Span(), GroupBuckets, GroupByFlows, FlowTimings(flows))
			if got.Len() != want.Len() {
				t.Fatalf("%v in %d parts: %d groups, want %d", by, parts, got.Len(), want.Len())
			}
			for i := range got.Len() {
				g, w := got.Full(i), want.Full(i)
				if !reflect.DeepEqual(g, w) {
					t.Fatalf("%v in %d parts: group %d\n got %+v\nwant %+v", by, parts, i, g, w)
				}
				gl, gok := got.Concentration(i)
				wl, wok := want.Concentration(i)
				if gl != wl || gok != wok {
					t.Fatalf("%v in %d parts: group %d note %q, want %q", by, parts, i, gl, wl)
				}
			}
		}
	}
}

// TestGroupIndexSecondLevelAsGrouped: a group's outcomes and second level
// are counted when asked, after the grouping; flows that changed in the
// index meanwhile (their outcome, second-key value or times) do not change
// them: they say what the grouping counted. A new grouping sees the change.
func TestGroupIndexSecondLevelAsGrouped(t *testing.T) {
	before := randomFlows(3000)
	x, all := indexed(before)
	span := x.Span()
	outs := []Outcome{OK, Alert, Reset}
	after := slices.Clone(before)
	for _, by := range [][]GroupKey{{ByServer, ByClient}, {ByClient, ByOutcome}, {ByOutcome, ByServer}, {ByServer}} {
		set := x.Group(all, by, span, GroupBuckets, GroupByFailures, FlowTimings(before))
		for i := range after {
			if i%3 != 0 || after[i].ID == 0 {
				continue
			}
			f := *after[i].Flow // a flow of its own: published ones are never written
			f.Client = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 9, byte(i >> 8), byte(i)}), 4000)
			f.First = f.First.Add(time.Minute)
			v := *after[i].Verdict // and a verdict of its own: verdicts are shared too
			v.Outcome = outs[(i/3)%len(outs)]
			after[i] = Flow{Flow: &f, Verdict: &v}
			x.Set(i, &after[i])
		}
		want := referenceGroups(before, all, by, span, GroupByFailures, true)
		for i := range want.Len() {
			g, w := set.Full(i), want.Full(i)
			if len(by) == 1 {
				w.Sub = nil // the reference's hidden second level
			}
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("%v: group %d after the flows changed\n got %+v\nwant %+v", by, i, g, w)
			}
		}
		now := x.Group(all, by, x.Span(), GroupBuckets, GroupByFailures, FlowTimings(after))
		want = referenceGroups(after, all, by, x.Span(), GroupByFailures, true)
		for i := range want.Len() {
			g, w := now.Full(i), want.Full(i)
			if len(by) == 1 {
				w.Sub = nil
			}
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("%v: regrouped, group %d\n got %+v\nwant %+v", by, i, g, w)
			}
		}
		before = slices.Clone(after)
	}
}

// TestGroupIndexValuesAsValue: the index keeps address values as bytes and
// formats them when read: each flow's value reads as Value gives it, for
// IPv4, IPv6, IPv4-mapped, zoned and invalid addresses (thousands, past
// the address table's growth), set once or again, and equal values share
// one number.
func TestGroupIndexValuesAsValue(t *testing.T) {
	var flows []Flow
	add := func(c, s netip.AddrPort) {
		f := Flow{Flow: decode.NewFlow(), Verdict: &Verdict{}}
		f.Client, f.Server = c, s
		flows = append(flows, f)
	}
	for i := range 3000 {
		v4 := netip.AddrFrom4([4]byte{10, byte(i >> 12), byte(i >> 4), byte(i)})
		v6 := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(i >> 8), 15: byte(i)})
		mapped := netip.AddrFrom16(v4.As16())
		srv := netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 7)}), uint16(443+i%3))
		switch i % 6 {
		case 0:
			add(netip.AddrPortFrom(v4, 1000), srv)
		case 1:
			add(netip.AddrPortFrom(v6, 1000), netip.AddrPortFrom(v6, 443))
		case 2:
			add(netip.AddrPortFrom(mapped, 1000), netip.AddrPortFrom(mapped, 8443))
		case 3:
			add(netip.AddrPortFrom(v6.WithZone("eth0"), 1000), netip.AddrPortFrom(v6.WithZone("eth1"), 443))
		case 4:
			add(netip.AddrPort{}, netip.AddrPort{}) // no addresses at all
		case 5:
			add(netip.AddrPortFrom(netip.IPv6Unspecified(), 0), netip.AddrPortFrom(netip.IPv6Unspecified(), 0))
		}
	}
	x := NewGroupIndex()
	for i := range flows {
		x.Set(i, &flows[i])
	}
	for i := range flows { // each row another flow's values, then its own again
		x.Set(i, &flows[(i+7)%len(flows)])
	}
	for k, key := range GroupKeys {
		for i := range flows {
			if got, want := x.vals[k].at(x.ids[k][i]), key.Value(&flows[(i+7)%len(flows)]); got != want {
				t.Fatalf("%s of row %d set to flow %d: %q, want %q", key, i, (i+7)%len(flows), got, want)
			}
		}
	}
	for i := range flows {
		x.Set(i, &flows[i])
	}
	for k, key := range GroupKeys {
		distinct := map[string]bool{}
		for i := range flows {
			want := key.Value(&flows[i])
			distinct[want] = true
			if got := x.vals[k].at(x.ids[k][i]); got != want {
				t.Fatalf("%s of flow %d: %q, want %q", key, i, got, want)
			}
		}
		if got := x.Values(key); got != len(distinct) {
			t.Errorf("%s: %d values, want %d", key, got, len(distinct))
		}
	}
}
