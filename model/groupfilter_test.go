package model

import "testing"

// TestGroupFilterFindsTheGroup: on the bundled demo and synthetic mix, the
// drill-down filter of every group the language can name parses, matches
// every flow of the group and, on these captures, no other flow.
func TestGroupFilterFindsTheGroup(t *testing.T) {
	keys := [][]GroupKey{{ByServer}, {BySNI}, {ByClient}, {ByClientNet}, {ByJA4}, {ByJA4a}, {ByOutcome},
		{ByAlert}, {ByVersion}, {ByCipher}, {ByIssuer}, {ByServer, ByJA4a}, {BySNI, ByOutcome}, {ByServer, ByIssuer}}
	for _, path := range []string{"../testdata/demo.pcapng", "../testdata/synth-mix.pcapng"} {
		l := loadWith(t, path, NewLoader)
		flows := l.Flows()
		named := 0
		for _, by := range keys {
			gr := NewGrouper(by, l.Span(), 4)
			for i := range flows {
				gr.Add(&flows[i])
			}
			var groups []Group
			for _, g := range gr.Groups(GroupByFailures) {
				groups = append(groups, g)
				groups = append(groups, g.Sub...)
			}
			for _, g := range groups {
				expr, ok := GroupFilter(by, g.Key)
				if !ok {
					if g.Key[len(g.Key)-1] != "" {
						t.Errorf("%s by %v: no filter for %q", path, by, g.Key)
					}
					continue
				}
				named++
				f, err := ParseFilter(expr)
				if err != nil {
					t.Fatalf("%q: %v", expr, err)
				}
				n := 0
				for i := range flows {
					if !f.Match(&flows[i]) {
						continue
					}
					n++
					for j, k := range by[:len(g.Key)] {
						if k.Value(&flows[i]) != g.Key[j] {
							t.Errorf("%s by %v: %q finds flow %d with %s %q, not %q", path, by, expr, flows[i].ID, k, k.Value(&flows[i]), g.Key[j])
						}
					}
				}
				if n != g.Flows {
					t.Errorf("%s by %v: %q finds %d flows, the group has %d", path, by, expr, n, g.Flows)
				}
			}
		}
		if named < 50 {
			t.Errorf("%s: only %d groups got a filter", path, named)
		}
	}
}

func TestGroupFilterText(t *testing.T) {
	for _, c := range []struct {
		by   []GroupKey
		key  []string
		want string
	}{
		{[]GroupKey{ByServer}, []string{"192.0.2.20:443"}, "ip:192.0.2.20 port:443"},
		{[]GroupKey{ByServer}, []string{"[2001:db8::1]:8443"}, "ip:2001:db8::1 port:8443"},
		{[]GroupKey{BySNI, ByOutcome}, []string{"a b.test", "alert"}, `sni:"a b.test" outcome:alert`},
		{[]GroupKey{BySNI}, []string{""}, "!sni:*"},
		{[]GroupKey{ByClientNet}, []string{"10.1.2.0/24"}, "ip:10.1.2.0/24"},
		{[]GroupKey{ByIssuer}, []string{"CN=R3,O=Let's Encrypt,C=US"}, `issuer:"CN=R3,O=Let's Encrypt,C=US"`},
		{[]GroupKey{ByServer, ByIssuer}, []string{"192.0.2.20:443", ""}, "ip:192.0.2.20 port:443 !issuer:="},
	} {
		if got, ok := GroupFilter(c.by, c.key); !ok || got != c.want {
			t.Errorf("GroupFilter(%v, %q) = %q, %v; want %q", c.by, c.key, got, ok, c.want)
		}
	}
}
