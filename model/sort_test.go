package model

import (
	"cmp"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

func TestSortKeyCycle(t *testing.T) {
	var names []string
	k := SortTime
	for range 12 {
		names = append(names, k.String())
		k = k.Next()
	}
	if got := strings.Join(names, " "); got != "time sni outcome alert handshake server client version cipher packets bytes time" {
		t.Errorf("cycle = %q", got)
	}
	if SortKey(42).Next() != SortTime || SortKey(-1).Next() != SortTime {
		t.Error("out-of-range keys should restart at time")
	}
}

func sortedIDs(flows []Flow, idx []int32, key SortKey, reverse bool) []int {
	idx = slices.Clone(idx)
	SortIndices(flows, idx, key, reverse)
	ids := make([]int, len(idx))
	for i, x := range idx {
		ids[i] = flows[x].ID
	}
	return ids
}

func TestSortIndices(t *testing.T) {
	flows := testFlows()
	// Shuffle the flows so the input order says nothing.
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(flows), func(i, j int) { flows[i], flows[j] = flows[j], flows[i] })
	all := make([]int32, len(flows))
	for i := range all {
		all[i] = int32(i)
	}
	cases := []struct {
		key     SortKey
		reverse bool
		want    []int
	}{
		{SortTime, false, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{SortTime, true, []int{9, 8, 7, 6, 5, 4, 3, 2, 1}},
		// case-insensitive ("API.Example.com" first); no SNI last either way
		{SortSNI, false, []int{1, 6, 4, 7, 8, 3, 2, 5, 9}},
		{SortSNI, true, []int{2, 3, 8, 7, 4, 6, 1, 9, 5}},
		// alert, encrypted_alert, reset (by ID), no_server_hello, no_syn_ack, then ok
		{SortOutcome, false, []int{2, 7, 3, 6, 9, 5, 1, 4, 8}},
		{SortOutcome, true, []int{8, 4, 1, 5, 9, 6, 3, 7, 2}},
		// 2, 5, 12, 30, 40, 50, 80 ms; no handshake time last either way
		{SortHandshake, false, []int{6, 2, 3, 1, 8, 7, 4, 5, 9}},
		{SortHandshake, true, []int{4, 7, 8, 1, 3, 2, 6, 9, 5}},
	}
	for _, c := range cases {
		if got := sortedIDs(flows, all, c.key, c.reverse); !slices.Equal(got, c.want) {
			t.Errorf("%s reverse=%v: %v, want %v", c.key, c.reverse, got, c.want)
		}
	}
	// A subset (a filter's result) sorts among itself.
	sub := []int32{}
	for i := range flows {
		if flows[i].ID%2 == 1 {
			sub = append(sub, int32(i))
		}
	}
	if got, want := sortedIDs(flows, sub, SortOutcome, false), []int{7, 3, 9, 5, 1}; !slices.Equal(got, want) {
		t.Errorf("subset: %v, want %v", got, want)
	}
	SortIndices(flows, nil, SortSNI, false) // must not panic

	// Flows already in time order, both ways round (the no-sort fast paths).
	inOrder := testFlows()
	if got := sortedIDs(inOrder, all, SortTime, true); !slices.Equal(got, []int{9, 8, 7, 6, 5, 4, 3, 2, 1}) {
		t.Errorf("time reverse on ordered flows: %v", got)
	}
	if got := sortedIDs(inOrder, []int32{8, 0, 4}, SortTime, false); !slices.Equal(got, []int{1, 5, 9}) {
		t.Errorf("time on unordered indices: %v", got)
	}
}

func TestSortIndicesStable(t *testing.T) {
	// Equal keys and equal IDs (IDs are unique in practice) keep their input order.
	f := testFlow{id: 1, client: "10.0.0.1:1000", server: "10.0.0.2:443", sni: "Same", outcome: OK}.build()
	g := f
	g.TLS.ClientHello = decode.NewClientHello(&tlswire.ClientHello{SNI: "same"})
	flows := []Flow{f, g, f, g}
	for key := SortTime; key < numSortKeys; key++ {
		for _, rev := range []bool{false, true} {
			idx := []int32{3, 0, 2, 1}
			SortIndices(flows, idx, key, rev)
			if !slices.Equal(idx, []int32{3, 0, 2, 1}) {
				t.Errorf("%s reverse=%v reordered equal flows: %v", key, rev, idx)
			}
		}
	}
}

// TestSortIndicesMatchesReference checks the precomputed keys against a
// plain comparator that calls the Flow methods.
func TestSortIndicesMatchesReference(t *testing.T) {
	flows := bigFlows(5000)
	rng := rand.New(rand.NewPCG(3, 4))
	snis := []string{"b.example", "B.example", "a", "ab", "abcdefghij", "abcdefghiJ", "abcdefgh", "ABCDEFGHIJK", "", "z\x00", "\xff"}
	addrs := []netip.AddrPort{
		netip.MustParseAddrPort("10.0.0.2:443"), netip.MustParseAddrPort("10.0.0.2:80"), netip.MustParseAddrPort("9.255.0.1:443"),
		netip.MustParseAddrPort("[2001:db8::1]:443"), netip.MustParseAddrPort("[2001:db8::1]:80"), netip.MustParseAddrPort("[::ffff:10.0.0.1]:443"),
		netip.MustParseAddrPort("[fe80::1%eth0]:443"), netip.MustParseAddrPort("255.255.255.255:65535"), {},
	}
	for i := range flows {
		if i%5 == 0 {
			flows[i].Timeline = decode.Timeline{} // no handshake time
		}
		flows[i].TLS.ClientHello = decode.NewClientHello(&tlswire.ClientHello{SNI: snis[rng.IntN(len(snis))]})
		flows[i].First = testBase.Add(time.Duration(rng.IntN(100)) * time.Millisecond)
		flows[i].Server = addrs[rng.IntN(len(addrs))]
		flows[i].Client = addrs[rng.IntN(len(addrs))]
		flows[i].PacketsDir = [2]int32{int32(rng.IntN(20)), 0}
		flows[i].Bytes = int64(rng.IntN(3)) << (8 * rng.IntN(5))
		flows[i].Verdict.Version = []uint16{0, 0x0303, 0x0304, 0x0301, 0x7f1c}[rng.IntN(5)]
		if a := rng.IntN(4); a > 0 {
			flows[i].TLS.Alerts = []decode.AlertFact{{Level: 2, Description: []uint8{40, 48, 70}[a-1]}}
		}
	}
	rng.Shuffle(len(flows), func(i, j int) { flows[i], flows[j] = flows[j], flows[i] })
	idx := make([]int32, len(flows))
	for i := range idx {
		idx[i] = int32(i)
	}
	ref := func(key SortKey, a, b *Flow) (c int, missA, missB bool) {
		switch key {
		case SortSNI:
			sa, sb := a.SNI(), b.SNI()
			return cmp.Compare(strings.ToLower(sa), strings.ToLower(sb)), sa == "", sb == ""
		case SortOutcome:
			return cmp.Compare(slices.Index(severityOrder, a.Outcome), slices.Index(severityOrder, b.Outcome)), false, false
		case SortHandshake:
			da, oka := a.HandshakeTime()
			db, okb := b.HandshakeTime()
			return cmp.Compare(da, db), !oka, !okb
		case SortAlert:
			sa, sb := a.AlertName(), b.AlertName()
			return cmp.Compare(strings.ToLower(sa), strings.ToLower(sb)), sa == "", sb == ""
		case SortCipher:
			sa, sb := a.CipherShort(), b.CipherShort()
			return cmp.Compare(strings.ToLower(sa), strings.ToLower(sb)), sa == "", sb == ""
		case SortServer:
			return a.Server.Compare(b.Server), !a.Server.IsValid(), !b.Server.IsValid()
		case SortClient:
			return a.Client.Compare(b.Client), !a.Client.IsValid(), !b.Client.IsValid()
		case SortVersion:
			return cmp.Compare(a.Verdict.Version, b.Verdict.Version), a.Verdict.Version == 0, b.Verdict.Version == 0
		case SortPackets:
			return cmp.Compare(a.Packets(), b.Packets()), false, false
		case SortBytes:
			return cmp.Compare(a.Bytes, b.Bytes), false, false
		}
		return a.First.Compare(b.First), false, false
	}
	for key := SortTime; key < numSortKeys; key++ {
		for _, rev := range []bool{false, true} {
			got := slices.Clone(idx)
			SortIndices(flows, got, key, rev)
			want := slices.Clone(idx)
			slices.SortStableFunc(want, func(x, y int32) int {
				a, b := &flows[x], &flows[y]
				c, ma, mb := ref(key, a, b)
				if ma != mb {
					if ma {
						return 1
					}
					return -1
				}
				if c == 0 {
					c = cmp.Compare(a.ID, b.ID)
				}
				if rev {
					c = -c
				}
				return c
			})
			if !slices.Equal(got, want) {
				t.Errorf("%s reverse=%v differs from the reference", key, rev)
			}
		}
	}
}

var severityOrder = []Outcome{Alert, EncryptedAlert, Reset, PlaintextReply, NoServerHello, NoSYNACK, Refused, NoClientHello,
	NotTLS, Partial, OneSided, Resumed, OK}

func TestOutcomeSeverityCoversEveryOutcome(t *testing.T) {
	for i, o := range severityOrder {
		if got := outcomeSeverity(o); got != uint64(i) {
			t.Errorf("%s ranks %d, want %d", o, got, i)
		}
	}
	if len(severityOrder) != len(Outcomes) {
		t.Errorf("severity order lists %d outcomes, the model has %d", len(severityOrder), len(Outcomes))
	}
}

func BenchmarkSortIndices1M(b *testing.B) {
	flows := bigFlows(1_000_000)
	for i := range flows {
		if i%7 == 0 {
			flows[i].Timeline = decode.MakeTimeline([]decode.Event{{At: flows[i].First.UnixNano(), Kind: decode.EvSYN}}...)
		}
	}
	base := make([]int32, len(flows))
	for i := range base {
		base[i] = int32(i)
	}
	rand.New(rand.NewPCG(5, 6)).Shuffle(len(base), func(i, j int) { base[i], base[j] = base[j], base[i] })
	ascending := make([]int32, len(flows))
	for i := range ascending {
		ascending[i] = int32(i)
	}
	idx := make([]int32, len(base))
	runtime.GC() // the setup's garbage is not the sort's cost
	// "filtered": indices in flow order, as FilterFlows returns them;
	// "shuffled": indices in random order (re-sorting a sorted view).
	for _, input := range []struct {
		name string
		idx  []int32
	}{{"filtered", ascending}, {"shuffled", base}} {
		for _, key := range []SortKey{SortTime, SortSNI, SortOutcome, SortHandshake, SortServer, SortClient, SortBytes} {
			b.Run(input.name+"/"+key.String(), func(b *testing.B) {
				for b.Loop() {
					copy(idx, input.idx)
					SortIndices(flows, idx, key, false)
				}
			})
		}
	}
}
