package model

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// jsonFlow is the part of a summary --json line the grouping test reads.
type jsonFlow struct {
	Client      string `json:"client"`
	Server      string `json:"server"`
	Outcome     string `json:"outcome"`
	JA4         string `json:"ja4"`
	ClientHello *struct {
		SNI string `json:"sni"`
	} `json:"client_hello"`
	Certificates []struct {
		Issuer string `json:"issuer"`
	} `json:"certificates"`
}

// jsonKey is the key's value as a script would read it from summary --json.
func jsonKey(t *testing.T, k GroupKey, f jsonFlow) string {
	switch k {
	case ByServer:
		return f.Server
	case BySNI:
		if f.ClientHello == nil {
			return ""
		}
		return f.ClientHello.SNI
	case ByClient, ByClientNet:
		ap, err := netip.ParseAddrPort(f.Client)
		if err != nil {
			t.Fatal(err)
		}
		if k == ByClient {
			return ap.Addr().Unmap().String()
		}
		bits := 64
		if ap.Addr().Unmap().Is4() {
			bits = 24
		}
		p, _ := ap.Addr().Unmap().Prefix(bits)
		return p.String()
	case ByJA4:
		return f.JA4
	case ByJA4a:
		return strings.SplitN(f.JA4, "_", 2)[0]
	case ByOutcome:
		return f.Outcome
	case ByIssuer:
		if len(f.Certificates) == 0 {
			return ""
		}
		return f.Certificates[0].Issuer
	}
	t.Fatalf("no JSON reading for key %s", k)
	return ""
}

type tally struct {
	flows, failures int
	outcomes        map[string]int
}

// TestGroupCountsEqualSummaryJSON: for every key a script can read from
// summary --json, and for a two-level grouping, the grouper's flows,
// failures and counts by outcome equal what aggregating the JSON lines
// gives, on the bundled demo and synthetic-mix captures.
func TestGroupCountsEqualSummaryJSON(t *testing.T) {
	keys := [][]GroupKey{{ByServer}, {BySNI}, {ByClient}, {ByClientNet}, {ByJA4}, {ByJA4a}, {ByOutcome},
		{ByIssuer}, {ByServer, ByJA4}, {BySNI, ByOutcome}}
	for _, path := range []string{"../testdata/demo.pcapng", "../testdata/synth-mix.pcapng"} {
		l := loadWith(t, path, NewLoader)
		var buf bytes.Buffer
		if err := l.WriteJSONLines(&buf, func(*Flow) bool { return true }); err != nil {
			t.Fatal(err)
		}
		var flows []jsonFlow
		sc := bufio.NewScanner(&buf)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var f jsonFlow
			if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
				t.Fatal(err)
			}
			flows = append(flows, f)
		}
		if len(flows) < 10 {
			t.Fatalf("%s: only %d flows", path, len(flows))
		}
		for _, by := range keys {
			want := map[string]*tally{}
			for _, f := range flows {
				k := jsonKey(t, by[0], f)
				if len(by) > 1 {
					k += "\x00" + jsonKey(t, by[1], f)
				}
				w := want[k]
				if w == nil {
					w = &tally{outcomes: map[string]int{}}
					want[k] = w
				}
				w.flows++
				w.outcomes[f.Outcome]++
				if Outcome(f.Outcome).Failed() {
					w.failures++
				}
			}
			gr := NewGrouper(by, l.Span(), 10)
			l.Each(gr.Add)
			got := map[string]Group{}
			total := 0
			for _, g := range gr.Groups(GroupByFailures) {
				total += g.Flows
				if len(by) == 1 {
					got[g.Key[0]] = g
					continue
				}
				sum := 0
				for _, s := range g.Sub {
					got[s.Key[0]+"\x00"+s.Key[1]] = s
					sum += s.Flows
				}
				if sum != g.Flows {
					t.Errorf("%s by %v: %q has %d flows but its second level %d", path, by, g.Key, g.Flows, sum)
				}
			}
			if total != len(flows) || len(got) != len(want) {
				t.Errorf("%s by %v: %d flows in %d groups, want %d in %d", path, by, total, len(got), len(flows), len(want))
			}
			for k, w := range want {
				g, ok := got[k]
				if !ok {
					t.Errorf("%s by %v: no group %q", path, by, k)
					continue
				}
				if g.Flows != w.flows || g.Failures != w.failures {
					t.Errorf("%s by %v: %q has %d flows %d failures, want %d %d", path, by, k, g.Flows, g.Failures, w.flows, w.failures)
				}
				for o, n := range w.outcomes {
					if g.Count(Outcome(o)) != n {
						t.Errorf("%s by %v: %q has %d %s, want %d", path, by, k, g.Count(Outcome(o)), o, n)
					}
				}
				fails := 0
				for _, n := range g.Buckets {
					fails += n
				}
				if fails != g.Failures || len(g.Buckets) != 10 {
					t.Errorf("%s by %v: %q: %d buckets hold %d failures, want 10 holding %d", path, by, k, len(g.Buckets), fails, g.Failures)
				}
			}
		}
	}
}

// TestGroupSortedByFailures: grouped by outcome, the synthetic mix lists
// the groups with most failures first (ties: more flows first), so the
// largest failing outcome leads and OK never sorts above a failure.
func TestGroupSortedByFailures(t *testing.T) {
	l := loadWith(t, "../testdata/synth-mix.pcapng", NewLoader)
	gr := NewGrouper([]GroupKey{ByOutcome}, l.Span(), 8)
	l.Each(gr.Add)
	gs := gr.Groups(GroupByFailures)
	for i := 1; i < len(gs); i++ {
		a, b := gs[i-1], gs[i]
		if a.Failures < b.Failures || a.Failures == b.Failures && a.Flows < b.Flows {
			t.Errorf("group %q (%d failures, %d flows) before %q (%d, %d)", a.Key, a.Failures, a.Flows, b.Key, b.Failures, b.Flows)
		}
	}
	if gs[0].Failures == 0 || !Outcome(gs[0].Key[0]).Failed() {
		t.Errorf("first group %q has %d failures; want the largest failing outcome", gs[0].Key, gs[0].Failures)
	}
}

func TestSortGroupsColumns(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	gs := []Group{
		{Key: []string{"b"}, Flows: 10, Failures: 1, First: t0.Add(2 * time.Minute), Last: t0.Add(3 * time.Minute)},
		{Key: []string{"a"}, Flows: 2, Failures: 2, First: t0.Add(time.Minute), Last: t0.Add(9 * time.Minute)},
		{Key: []string{"c"}, Flows: 20, Failures: 1, First: t0, Last: t0.Add(4 * time.Minute)},
	}
	for _, c := range []struct {
		col  GroupColumn
		want string
	}{
		{GroupByFailures, "a c b"}, // ties on failures: more flows first
		{GroupByFlows, "c b a"},
		{GroupByShare, "a b c"},
		{GroupByKey, "a b c"},
		{GroupByFirst, "c a b"},
		{GroupByLast, "a c b"},
	} {
		SortGroups(gs, c.col)
		var got []string
		for _, g := range gs {
			got = append(got, g.Key[0])
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("sorted by %d: %v, want %s", c.col, got, c.want)
		}
	}
}

func TestSpanBucket(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	s := Span{From: t0, To: t0.Add(10 * time.Second)}
	for _, c := range []struct {
		at   time.Duration
		want int
	}{
		{-time.Hour, 0}, {0, 0}, {999 * time.Millisecond, 0}, {time.Second, 1}, {5 * time.Second, 5},
		{9999 * time.Millisecond, 9}, {10 * time.Second, 9}, {time.Hour, 9},
	} {
		if got := s.Bucket(t0.Add(c.at), 10); got != c.want {
			t.Errorf("Bucket(+%v, 10) = %d, want %d", c.at, got, c.want)
		}
	}
	empty := Span{From: t0, To: t0}
	if got := empty.Bucket(t0, 10); got != 0 {
		t.Errorf("a zero span puts a flow in bucket %d, want 0", got)
	}
	// a span of centuries must not overflow
	wide := Span{From: time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2250, 1, 1, 0, 0, 0, 0, time.UTC)}
	if got := wide.Bucket(time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC), 2); got != 0 {
		t.Errorf("wide span: bucket %d, want 0", got)
	}
	if got := wide.Bucket(time.Date(1976, 1, 1, 0, 0, 0, 0, time.UTC), 2); got != 1 {
		t.Errorf("wide span: bucket %d, want 1", got)
	}
}

// TestGroupBucketsByFlowStart: a failure counts in the bucket of its flow's
// start, and successes count in none.
func TestGroupBucketsByFlowStart(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	span := Span{From: t0, To: t0.Add(4 * time.Minute)}
	gr := NewGrouper([]GroupKey{ByOutcome}, span, 4)
	for i, o := range []Outcome{Alert, Alert, OK, Reset, Alert} {
		f := Flow{Flow: decode.NewFlow(), Verdict: &Verdict{}}
		f.Outcome = o
		f.First = t0.Add(time.Duration(i) * time.Minute)
		f.Last = f.First.Add(time.Second)
		gr.Add(&f)
	}
	got := map[string][]int{}
	for _, g := range gr.Groups(GroupByFailures) {
		got[g.Key[0]] = g.Buckets
	}
	for k, want := range map[string][]int{"alert": {1, 1, 0, 1}, "reset": {0, 0, 0, 1}, "ok": {0, 0, 0, 0}} {
		if !slices.Equal(got[k], want) {
			t.Errorf("%s buckets %v, want %v", k, got[k], want)
		}
	}
	if s := Sparkline(got["alert"]); s != "██ █" {
		t.Errorf("sparkline %q", s)
	}
}

func TestSparklineScalesToPeak(t *testing.T) {
	for _, c := range []struct {
		in   []int
		want string
	}{
		{[]int{0, 1, 2, 4, 8}, " ▁▂▄█"},
		{[]int{0, 0}, "  "},
		{[]int{1, 1000}, "▁█"}, // one failure still shows
	} {
		if got := Sparkline(c.in); got != c.want {
			t.Errorf("Sparkline(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseGroupKeys(t *testing.T) {
	if k, err := ParseGroupKeys("server,JA4"); err != nil || len(k) != 2 || k[0] != ByServer || k[1] != ByJA4 {
		t.Errorf("server,JA4: %v %v", k, err)
	}
	for _, bad := range []string{"", "host", "server,ja4,sni", "sni,sni", "server,"} {
		if _, err := ParseGroupKeys(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	_, err := ParseGroupKeys("host")
	if err == nil || !strings.Contains(err.Error(), "server, sni, client, clientnet, ja4, ja4a, outcome, alert, version, cipher, issuer") {
		t.Errorf("unknown key error %v does not name the keys", err)
	}
}
