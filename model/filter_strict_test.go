package model

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFilterStrictErrors: what the issue saw applied silently is now an
// error that says what was meant.
func TestFilterStrictErrors(t *testing.T) {
	cases := []struct {
		expr string
		pos  int
		msg  string
	}{
		{"outcome:bogus", 0, `unknown outcome "bogus" (outcomes: ok,`},
		{"outcome:aler", 0, `unknown outcome "aler": did you mean "alert"?`},
		{"outcome:no_sever_hello", 0, `did you mean "no_server_hello"?`},
		{"api badge:rest", 4, `unknown outcome "rest": did you mean "reset"`},
		{"alert:unkown_ca", 0, `unknown alert "unkown_ca": did you mean "unknown_ca"?`},
		{"alert:certificate_expird", 0, `did you mean "certificate_expired"?`},
		{"alert:zzzz", 0, `unknown alert "zzzz" (e.g. unknown_ca`},
		{"outcom:ok", 0, `unknown filter key "outcom": did you mean "outcome"?`},
		{"SNII:x", 0, `unknown filter key "SNII": did you mean "sni"?`},
		{"by:clinet", 0, `bad value "clinet" for by:: did you mean "client"? (client or server)`},
		{"starttls:smpt", 0, `unknown starttls protocol "smpt": did you mean "smtp"?`},
		{"starttls:gopher", 0, `unknown starttls protocol "gopher" (starttls: yes, smtp,`},
		// The old placeholder's syntax, and its cousins.
		{"sni~example.com", 0, `"~" is not filter syntax: write sni:VALUE`},
		{"x badge=ALERT", 2, `"=" is not filter syntax: write badge:VALUE`},
		{"sni!=api", 0, `"!=" is not filter syntax: write !sni:VALUE`},
		{"foo=bar", 0, `unknown filter key "foo"`},
		{"sni>3", 0, `sni: takes no ">"`},
		// Ranges.
		{"hs>1", 0, `bad duration ">1"`},
		{"hs>-1s", 0, "bad duration"},
		{"hs:2s-1s", 0, "bad duration"},
		{"bytes>1XB", 0, `bad size ">1XB"`},
		{"bytes:>", 0, "bad size"},
		{"packets:1.5", 0, `bad count "1.5"`},
		{"packets>99999999999999999999", 0, "bad count"},
		{"after:25:00", 0, `bad time "25:00"`},
		{"before:noon", 0, "bad time"},
		{"after:2024-13-01", 0, "bad time"},
		// Lists.
		{"port:8443,,9443", 0, "empty value for port:"},
		{"port:8443,", 0, "empty value"},
		{"port:8443,x", 0, `bad port "x"`},
	}
	for _, c := range cases {
		_, err := ParseFilter(c.expr)
		var fe *FilterError
		if !errors.As(err, &fe) {
			t.Errorf("ParseFilter(%q) = %v, want a *FilterError", c.expr, err)
			continue
		}
		if fe.Pos != c.pos || !strings.Contains(fe.Msg, c.msg) {
			t.Errorf("ParseFilter(%q) = {Pos %d, %q}, want Pos %d and %q", c.expr, fe.Pos, fe.Msg, c.pos, c.msg)
		}
	}
}

// TestFilterListsRangesTimes: comma lists, the badge alias, comparisons on
// hs, bytes, packets and version, and start times.
func TestFilterListsRangesTimes(t *testing.T) {
	flows := testFlows() // flow N starts at 12:00:0N UTC on 2024-05-01
	for i := range flows {
		flows[i].Bytes, flows[i].PacketsDir = int64(flows[i].ID)*1000, [2]int32{int32(flows[i].ID), int32(flows[i].ID)}
	}
	plus2 := time.FixedZone("UTC+2", 2*3600)
	cases := []struct {
		expr string
		loc  *time.Location
		want []int
		norm string
	}{
		{"port:25,853", nil, []int{4, 5}, "port:25|853"},
		{"port:8443,9443", nil, []int{2}, "port:8443|9443"},
		{"sni:api,www", nil, []int{1, 2}, "sni:api|www"},
		{"outcome:alert,reset", nil, []int{2, 3, 6}, "outcome:alert|reset"},
		{`"my,host" "my host"`, nil, nil, `"my,host" "my host"`},
		{"badge:rst", nil, []int{3}, "outcome:rst"},
		{"BADGE:alert?", nil, []int{7}, "outcome:alert?"},
		{"version>=1.2", nil, []int{1, 2, 4, 7}, "version:>=1.2"},
		{"version<1.2", nil, []int{8}, "version:<1.2"},
		{"hs>30ms", nil, []int{4, 7, 8}, "hs:>30ms"},
		{"hs:>=30ms", nil, []int{1, 4, 7, 8}, "hs:>=30ms"},
		{"hs<10ms", nil, []int{2, 6}, "hs:<10ms"},
		{"hs<=5ms|>79ms", nil, []int{2, 4, 6}, "hs:<=5ms|>79ms"},
		{"hs:10ms-45ms", nil, []int{1, 3, 8}, "hs:10ms-45ms"},
		{"hs>0.04s", nil, []int{4, 7}, "hs:>40ms"},
		{"!hs>0s", nil, []int{5, 9}, "!hs:>0s"}, // no handshake time: never in a range
		{"bytes>4KB", nil, []int{5, 6, 7, 8, 9}, "bytes:>4KB"},
		{"bytes:1000-2000", nil, []int{1, 2}, "bytes:1000-2000"},
		{"bytes>=1MB", nil, nil, "bytes:>=1MB"},
		{"bytes<1.5k", nil, []int{1}, "bytes:<1536"},
		{"packets<5", nil, []int{1, 2}, "packets:<5"},
		{"packets:6,8", nil, []int{3, 4}, "packets:6|8"},
		{"packets<0", nil, nil, "packets:<0"},
		{"after:12:00:05", nil, []int{5, 6, 7, 8, 9}, "after:12:00:05"},
		{"before:12:00:03", nil, []int{1, 2}, "before:12:00:03"},
		{"after:12:00:02 before:12:00:04", nil, []int{2, 3}, "after:12:00:02 before:12:00:04"},
		{"after:12:00:08.5", nil, []int{9}, "after:12:00:08.5"},
		{"after:12:01", nil, nil, "after:12:01"},
		{"after:9:00", nil, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, "after:09:00"},
		{"after:2024-05-01T12:00:08", nil, []int{8, 9}, "after:2024-05-01T12:00:08Z"},
		{"after:2024-05-01t14:00:08+02:00", nil, []int{8, 9}, "after:2024-05-01T12:00:08Z"},
		{"before:2024-05-01", nil, nil, "before:2024-05-01T00:00:00Z"},
		{"after:2024-05-02", nil, nil, "after:2024-05-02T00:00:00Z"},
		// In another zone, times of day and dates without a zone are read there.
		{"after:14:00:05", plus2, []int{5, 6, 7, 8, 9}, "after:14:00:05"},
		{"after:12:00:05", plus2, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, "after:12:00:05"},
		{"before:14:00:02", plus2, []int{1}, "before:14:00:02"},
		{"after:2024-05-01T14:00:08", plus2, []int{8, 9}, "after:2024-05-01T12:00:08Z"},
	}
	for _, c := range cases {
		loc := c.loc
		if loc == nil {
			loc = time.UTC
		}
		f, err := ParseFilterIn(c.expr, loc)
		if err != nil {
			t.Errorf("ParseFilterIn(%q): %v", c.expr, err)
			continue
		}
		if got := matchIDs(t, flows, f); !slices.Equal(got, c.want) {
			t.Errorf("%q matched %v, want %v", c.expr, got, c.want)
		}
		if got := f.String(); got != c.norm {
			t.Errorf("%q normalises to %q, want %q", c.expr, got, c.norm)
		}
		again, err := ParseFilterIn(f.String(), loc)
		if err != nil {
			t.Errorf("%q: normalised %q does not parse: %v", c.expr, f.String(), err)
		} else if got := matchIDs(t, flows, again); !slices.Equal(got, c.want) {
			t.Errorf("%q normalised matched %v, want %v", c.expr, got, c.want)
		}
	}
}

// TestEveryOutcomeHasAWord: each outcome in the list (the one source, which
// other work may extend) is a filter word that finds exactly its flows.
func TestEveryOutcomeHasAWord(t *testing.T) {
	for _, o := range Outcomes {
		f, err := ParseFilter("outcome:" + string(o))
		if err != nil {
			t.Fatalf("outcome %s: %v", o, err)
		}
		for _, other := range Outcomes {
			fl := Flow{Verdict: &Verdict{Outcome: other}}
			if got := f.Match(&fl); got != (other == o) {
				t.Errorf("outcome:%s on a %s flow = %v", o, other, got)
			}
		}
		if !slices.Contains(FilterValues("outcome"), string(o)) {
			t.Errorf("completion lacks outcome %s", o)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "abc", 0}, {"unkown", "unknown", 1}, {"clinet", "client", 1}, {"ab", "ba", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if got := substringDistance("unkown", "unknown_ca"); got != 1 {
		t.Errorf("substringDistance = %d, want 1", got)
	}
	if got := substringDistance("known", "unknown_ca"); got != 0 {
		t.Errorf("substringDistance of a part = %d, want 0", got)
	}
}

// randomFilter writes a filter-like string from the language's pieces, with
// typos, stray operators and random bytes, so that about half parse.
func randomFilter(rng *rand.Rand) string {
	good := map[string][]string{
		"":    {"api", "example", "10.0.1", "443", "ü", "\"a b\"", "2001:db8::1"},
		"sni": {"api", "*.example.com", "*", "api.*"}, "ip": {"10.0.0.0/8", "10.0.1.5", "2001:db8::/32"},
		"port": {"443", "8000-8999", "1443"}, "outcome": {"ok", "fail", "alert", "alert?", "rst", "closed"},
		"badge": {"nosh", "reset"}, "alert": {"unknown_ca", "encrypted", "unknown", "0x"},
		"version": {"1.2", ">=1.2", "<1.3", "ssl3"}, "cipher": {"aes", "chacha"}, "alpn": {"h2", "http"},
		"ja4": {"t13"}, "ja3": {"77", "a"}, "issuer": {"encrypt", "\"CN=R3,O=x\""}, "by": {"client", "server"}, "starttls": {"smtp", "yes"},
		"hs": {">1s", "<100ms", "100ms-2s", ">=0s"}, "bytes": {">1MB", "<1500", "1KB-2MB"},
		"packets": {">10", "<5", "3-20"}, "after": {"23:00", "23:30:05", "2024-05-01T23:00", "2024-05-02T01:00:00Z"},
		"before": {"01:00", "23:59:59.5", "2024-05-02"},
	}
	names := append(filterFieldNames(), "")
	bad := []string{"outcom:ok", "sn:x", "foo:bar", "badge=ALERT", "sni~x", "outcome:bogus", "alert:unkown_ca",
		"version:1.4", "by:clinet", "starttls:gopher", "hs>1", "bytes>1XB", "after:25:00", "x|", "|", ",", "\"",
		"sni:", "!", "!!a", "hs>-1s", "port:1,,2", "sni>3", "a!=b"}
	var b strings.Builder
	for n := rng.IntN(3) + 1; n > 0; n-- {
		if b.Len() > 0 {
			b.WriteString([]string{" ", " ", "  ", "\t"}[rng.IntN(4)])
		}
		if rng.IntN(6) == 0 {
			b.WriteString(bad[rng.IntN(len(bad))])
			continue
		}
		if rng.IntN(5) == 0 {
			b.WriteByte('!')
		}
		name := names[rng.IntN(len(names))]
		f := filterFieldByName(name)
		switch {
		case name == "":
		case f.ordered && rng.IntN(2) == 0 && strings.ContainsAny(good[name][0], "<>"):
			b.WriteString(name) // hs>1s
		default:
			b.WriteString(name + ":")
		}
		vs := good[name]
		for k := rng.IntN(3); k >= 0; k-- {
			b.WriteString(vs[rng.IntN(len(vs))])
			if k > 0 {
				b.WriteString([]string{"|", ","}[rng.IntN(2)])
			}
		}
		if rng.IntN(30) == 0 {
			b.WriteByte(byte(rng.IntN(256)))
		}
	}
	return b.String()
}

// TestFilterProperty: for random filter strings, either the parser accepts
// them and FilterFlows gives the reference matcher's answer (and the
// normalised form means the same), or it rejects them with a *FilterError
// that points inside the text. The explorer's half of the property (a
// rejected filter leaves the list unchanged) is ui.TestFilterProperty.
func TestFilterProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	flows := append(testFlows(), variedFlows(2000)...)
	accepted, rejected := 0, 0
	for range 3000 {
		expr := randomFilter(rng)
		f, err := ParseFilter(expr)
		if err != nil {
			var fe *FilterError
			if !errors.As(err, &fe) || fe.Pos < 0 || fe.Pos > len(expr) || fe.Msg == "" {
				t.Fatalf("ParseFilter(%q): bad error %v", expr, err)
			}
			rejected++
			continue
		}
		accepted++
		var want []int32
		for i := range flows {
			if refMatch(f, &flows[i]) {
				want = append(want, int32(i))
			}
		}
		if got := FilterFlows(flows, f, false); !slices.Equal(got, want) {
			t.Fatalf("%q: FilterFlows gives %d flows, the reference %d", expr, len(got), len(want))
		}
		again, err := ParseFilter(f.String())
		if err != nil {
			t.Fatalf("%q normalised to %q, which fails: %v", expr, f.String(), err)
		}
		if got := FilterFlows(flows, again, false); !slices.Equal(got, want) {
			t.Fatalf("%q normalised to %q matches differently", expr, f.String())
		}
	}
	if accepted < 300 || rejected < 300 {
		t.Errorf("generator is lopsided: %d accepted, %d rejected", accepted, rejected)
	}
	t.Logf("%d accepted, %d rejected", accepted, rejected)
}
