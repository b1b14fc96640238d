package model

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// sameAsScan checks that the index chooses, for every flow, the flow the
// scan (Closest) chooses, with the same rule.
func sameAsScan(t *testing.T, name string, flows []Flow) (found int) {
	t.Helper()
	x := BuildClosestIndex(eachOf(flows...))
	for i := range flows {
		want, wantRule, wantOK := Closest(&flows[i], eachOf(flows...))
		id, rule, ok := x.Closest(&flows[i])
		if ok != wantOK || rule != wantRule || ok && id != want.ID {
			t.Errorf("%s: closest to #%d: index says #%d %q %v, scan says #%d %q %v", name, flows[i].ID, id, rule, ok, want.ID, wantRule, wantOK)
		}
		if ok {
			found++
		}
	}
	return found
}

func TestClosestIndexAgreesOnBundledCaptures(t *testing.T) {
	for _, path := range []string{"../testdata/captures/contrast.pcap", "../testdata/demo.pcapng", "../ui/testdata/mix40.pcap"} {
		src, err := capture.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		l := NewLoader(src)
		l.Run(context.Background(), nil)
		src.Close()
		flows := l.Flows()
		if found := sameAsScan(t, path, flows); found == 0 {
			t.Errorf("%s: no flow has a closest working flow: the test compares nothing", path)
		}
	}
}

// TestClosestIndexAgreesOnManyFlowsPerServer mixes few servers and names
// (case variants, "ſ" which folds with "s", no SNI), every tier, resumed
// and full handshakes, suites and groups the targets do and do not offer,
// times that tie, flows added out of time order, and times centuries apart
// whose distances saturate.
func TestClosestIndexAgreesOnManyFlowsPerServer(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		flows := synthClosestFlows(3000, rand.New(rand.NewPCG(seed, 7)))
		sameAsScan(t, "seed "+strconv.FormatUint(seed, 10), flows)
	}
}

func synthClosestFlows(n int, r *rand.Rand) []Flow {
	addrs := []string{"192.0.2.1:443", "192.0.2.2:443", "[2001:db8::1]:443", "192.0.2.1:8443"}
	snis := []string{"", "api.example", "API.Example", "s.example", "ſ.example", "www.example", "\xff.example", "\xfe.example"}
	suites := []uint16{0x1301, 0x1302, 0xc02f, 0xc030}
	groups := []uint16{0, 0x1d, 0x17, 0x18}
	versions := []uint16{tlswire.VersionTLS13, tlswire.VersionTLS12, tlswire.VersionTLS10}
	times := []time.Time{cmpT0, cmpT0.Add(time.Second), {}, time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)}
	flows := newFlows(n)
	for i := range flows {
		at := time.Duration(r.IntN(50)) * time.Second
		sni := snis[r.IntN(len(snis))]
		addr := addrs[r.IntN(len(addrs))]
		switch r.IntN(3) {
		case 0:
			flows[i] = cmpFailing(i+1, addr, sni, at, 40)
		default:
			flows[i] = cmpWorking(i+1, addr, sni, at)
			f := &flows[i]
			f.TLS.ServerHello.CipherSuite = suites[r.IntN(len(suites))]
			f.TLS.ServerHello.KeyShareGroup = groups[r.IntN(len(groups))]
			f.Verdict.Version = versions[r.IntN(len(versions))]
			if r.IntN(4) == 0 {
				f.Outcome = Resumed
			}
			if r.IntN(10) == 0 {
				f.TLS.ServerHello = nil
			}
		}
		f := &flows[i]
		if r.IntN(20) == 0 {
			f.First = times[r.IntN(len(times))]
		}
		switch ch := f.TLS.ClientHello; r.IntN(6) {
		case 0:
			ch.CipherSuites = []uint16{0xc030}
			ch.SupportedVersions = nil
		case 1:
			ch.SupportedGroups = []uint16{0x18}
		case 2:
			f.TLS.ClientHello = nil
		}
		if sni == "" && f.TLS.ClientHello != nil {
			f.TLS.ClientHello.SNI = ""
		}
	}
	return flows
}

func TestFoldSNIKeysWhatEqualFoldEquates(t *testing.T) {
	names := []string{"", "a", "A", "s", "S", "ſ", "k", "K", "\u212a", "\xff", "\xfe", "\ufffd", "api.Example", "API.example", "ß", "ẞ", "σ", "Σ", "ς", "ǅ", "ǆ", "Ǆ"}
	for _, a := range names {
		for _, b := range names {
			if eq, same := strings.EqualFold(a, b), foldSNI(a) == foldSNI(b); eq != same {
				t.Errorf("%q %q: EqualFold %v, same key %v", a, b, eq, same)
			}
		}
	}
}

// BenchmarkClosestIndex1M is the cost of c in the explorer with 1,000,000
// flows loaded (the target: 16 ms): 90% of them to one server under one
// name, the rest spread over others. Build is the one-time cost of the index.
func BenchmarkClosestIndex1M(b *testing.B) {
	flows := newFlows(1_000_000)
	for i := range flows {
		server, sni := "192.0.2.1:443", "api.example"
		if i%10 == 0 {
			server, sni = "192.0.2."+strconv.Itoa(2+i%200)+":443", "host"+strconv.Itoa(i%500)+".example"
		}
		at := time.Duration(i) * time.Millisecond
		if i%3 == 0 {
			flows[i] = cmpFailing(i+1, server, sni, at, 40)
		} else {
			flows[i] = cmpWorking(i+1, server, sni, at)
			flows[i].TLS.ServerHello.CipherSuite = []uint16{0x1301, 0x1302, 0xc02f}[i%3]
		}
	}
	var x *ClosestIndex
	b.Run("build", func(b *testing.B) {
		for range b.N {
			x = BuildClosestIndex(eachOf(flows...))
		}
	})
	b.Run("press", func(b *testing.B) {
		for i := range b.N {
			if _, _, ok := x.Closest(&flows[(i*7919)%len(flows)]); !ok {
				b.Fatal("no closest flow")
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		for i := range b.N {
			Closest(&flows[(i*7919)%len(flows)], eachOf(flows...))
		}
	})
}

// TestClosestIndexFollowsALiveCapture feeds the index as the explorer does
// while flows arrive: each flow first unfinished, then as it ended, in
// batches out of ID and time order. It answers as the scan over the flows
// at the end; a completed flow that changes what the index keeps of it is
// refused, so the explorer builds a new index.
func TestClosestIndexFollowsALiveCapture(t *testing.T) {
	final := synthClosestFlows(2000, rand.New(rand.NewPCG(9, 9)))
	r := rand.New(rand.NewPCG(10, 10))
	now := make([]Flow, len(final))
	x := NewClosestIndex()
	put := func(f Flow) {
		if !x.Replace(&now[f.ID-1], &f) {
			t.Fatalf("#%d: index refused a change it can follow", f.ID)
		}
		now[f.ID-1] = f
	}
	order := r.Perm(len(final))
	for i, j := range order {
		early := final[j]
		early.Verdict = &Verdict{Outcome: NoServerHello, Badge: "NO SH"}
		put(early)
		if i >= 10 {
			put(final[order[i-10]]) // ends ten flows later
		}
	}
	for _, j := range order[len(order)-10:] {
		put(final[j])
		put(final[j]) // the same flow again in a later batch: nothing changes
	}
	for _, b := range x.buckets {
		for _, c := range b.classes {
			if !c.sorted {
				t.Fatalf("flows ending out of time order left a class to sort at the next c (%d flows)", len(c.entries))
			}
		}
	}
	for i := range final {
		want, wantRule, wantOK := Closest(&final[i], eachOf(final...))
		id, rule, ok := x.Closest(&final[i])
		if ok != wantOK || rule != wantRule || ok && id != want.ID {
			t.Errorf("closest to #%d: index says #%d %q %v, scan says #%d %q %v", final[i].ID, id, rule, ok, want.ID, wantRule, wantOK)
		}
	}
	var done *Flow
	for i := range now {
		if now[i].Completed() {
			done = &now[i]
			break
		}
	}
	moved := done.Copy()
	moved.Server = netip.MustParseAddrPort("198.51.100.1:443")
	failed := done.Copy()
	failed.Verdict = &Verdict{Outcome: Alert, Badge: "ALERT"}
	for _, f := range []Flow{moved, failed} {
		if x.Replace(done, &f) {
			t.Errorf("the index follows #%d becoming %v %s: it would still offer it", f.ID, f.Server, f.Badge)
		}
	}
}
