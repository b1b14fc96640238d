package model

import (
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// testFlow is a compact description of a flow for filter and sort tests.
type testFlow struct {
	id             int
	client, server string
	sni            string // "" with hello=false: no ClientHello at all
	noHello        bool
	alpn           []string
	shALPN         string
	cipher         uint16 // 0: no ServerHello
	outcome        Outcome
	badge          string
	version        uint16
	who            string
	alert          uint8 // fatal alert description in clear (0: none)
	startTLS       string
	ja4, ja3       string
	first          time.Duration // since base
	hs             time.Duration // handshake duration (0: none)
}

var testBase = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func (t testFlow) build() Flow {
	f := decode.Flow{TLS: &decode.TLSFacts{TLSRare: &decode.TLSRare{}}, TCP: decode.TCPFacts{StreamFacts: &decode.StreamFacts{}},
		ID:     t.id,
		Client: netip.MustParseAddrPort(t.client),
		Server: netip.MustParseAddrPort(t.server),
		First:  testBase.Add(t.first),
	}
	f.Last = f.First.Add(time.Second)
	if !t.noHello {
		f.TLS.ClientHello = decode.NewClientHello(&tlswire.ClientHello{SNI: t.sni, ALPN: t.alpn})
	}
	if t.cipher != 0 {
		f.TLS.ServerHello = &tlswire.ServerHello{CipherSuite: t.cipher, ALPN: t.shALPN, SelectedPSK: -1}
	}
	if t.alert != 0 {
		f.TLS.Alerts = []decode.AlertFact{{From: decode.FromServer, Level: 2, Description: t.alert}}
	}
	f.TLS.StartTLS = t.startTLS
	f.TLS.SetFingerprints(&decode.Fingerprints{JA4: t.ja4, JA3Hash: t.ja3})
	if t.hs > 0 {
		// The connection closes as the handshake ends, so the handshake time is hs whatever the outcome.
		end := f.First.Add(t.hs).UnixNano()
		f.Timeline = decode.MakeTimeline([]decode.Event{{At: f.First.UnixNano(), Kind: decode.EvSYN}, {At: end, Kind: decode.EvHandshake}, {At: end, Kind: decode.EvFIN}}...)
	}
	v := Verdict{Outcome: t.outcome, Badge: t.badge, Version: t.version, Who: t.who}
	if v.Badge == "" {
		v.Badge = badgeText(v)
	}
	return Flow{Flow: &f, Verdict: &v}
}

func testFlows() []Flow {
	specs := []testFlow{
		{id: 1, client: "10.0.0.5:51000", server: "93.184.216.34:443", sni: "API.Example.com",
			alpn: []string{"h2", "http/1.1"}, shALPN: "h2", cipher: 0x1301, outcome: OK, version: tlswire.VersionTLS13,
			ja4: "t13d1516h2_8daaf6152771_e5627efa2ab1", ja3: "771d5f1a2b3c4d5e6f708192a3b4c5d6", first: 1 * time.Second, hs: 30 * time.Millisecond},
		{id: 2, client: "192.168.1.10:40000", server: "10.1.2.3:8443", sni: "www.example.com", cipher: 0xc02f,
			outcome: Alert, version: tlswire.VersionTLS12, who: "server", alert: 48, first: 2 * time.Second, hs: 5 * time.Millisecond},
		{id: 3, client: "[2001:db8::1]:50000", server: "[2001:db8:1::443]:443", sni: "v6.test",
			outcome: Reset, who: "client", first: 3 * time.Second, hs: 12 * time.Millisecond},
		{id: 4, client: "172.16.0.1:1234", server: "172.16.0.2:25", sni: "mail.example.net", cipher: 0xc030,
			outcome: OK, version: tlswire.VersionTLS12, startTLS: "SMTP", first: 4 * time.Second, hs: 80 * time.Millisecond},
		{id: 5, client: "10.0.0.6:5555", server: "8.8.8.8:853", noHello: true, outcome: NoSYNACK, who: "server",
			first: 5 * time.Second},
		{id: 6, client: "10.9.9.9:6000", server: "10.9.9.10:443", sni: "closed.example.org", outcome: Reset,
			badge: "CLOSED", who: "server", first: 6 * time.Second, hs: 2 * time.Millisecond},
		{id: 7, client: "10.0.0.7:7000", server: "10.0.0.8:9000", sni: "my host", cipher: 0x1302,
			outcome: EncryptedAlert, version: 0x7f17, who: "client", first: 7 * time.Second, hs: 50 * time.Millisecond},
		{id: 8, client: "10.0.0.9:8001", server: "203.0.113.5:8999", sni: "old.example.com", cipher: 0x002f,
			outcome: OK, version: tlswire.VersionTLS10, first: 8 * time.Second, hs: 40 * time.Millisecond},
		{id: 9, client: "10.0.0.10:9001", server: "[::ffff:198.51.100.7]:443", sni: "", outcome: NoServerHello,
			who: "server", first: 9 * time.Second},
	}
	flows := newFlows(len(specs))
	for i, s := range specs {
		flows[i] = s.build()
	}
	return flows
}

func matchIDs(t *testing.T, flows []Flow, f Filter) []int {
	t.Helper()
	var ids []int
	for i := range flows {
		if f.Match(&flows[i]) {
			ids = append(ids, flows[i].ID)
		}
	}
	return ids
}

func TestFilterMatch(t *testing.T) {
	flows := testFlows()
	cases := []struct {
		expr string
		want []int
	}{
		{"", []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"   ", []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		// bare words: SNI, addresses, ports, case-insensitive
		{"example", []int{1, 2, 4, 6, 8}},
		{"EXAMPLE.COM", []int{1, 2, 8}},
		{"api", []int{1}},
		{"8443", []int{2}},
		{"10.0.0", []int{1, 5, 7, 8, 9}},
		{"2001:db8:1::", []int{3}},
		{"[2001:db8::1]:50000", []int{3}},
		{"beef::1", nil}, // reads like a key but is an address fragment
		{"198.51.100.7", []int{9}},
		// sni
		{"sni:example.com", []int{1, 2, 8}},
		{"sni:*.example.com", []int{1, 2, 8}},
		{"sni:*.EXAMPLE.*", []int{1, 2, 4, 6, 8}},
		{"sni:api.*", []int{1}},
		{"sni:w*e*m", []int{2}},
		{"sni:*", []int{1, 2, 3, 4, 6, 7, 8}},
		{"!sni:*", []int{5, 9}},
		{"sni:api|www", []int{1, 2}},
		{`sni:"my host"`, []int{7}},
		{`"my host"`, []int{7}},
		{`sni:my" "host`, []int{7}},
		// ip
		{"ip:10.0.0.0/8", []int{1, 2, 5, 6, 7, 8, 9}},
		{"ip:10.1.2.3", []int{2}},
		{"ip:2001:db8::/32", []int{3}},
		{"ip:2001:db8:1::/48", []int{3}},
		{"ip:[2001:db8::1]", []int{3}},
		{"ip:198.51.100.0/24", []int{9}},         // mapped server address is unmapped
		{"ip:::ffff:198.51.100.0/120", []int{9}}, // mapped prefix too
		{"ip:172.16.0.2|8.8.8.8", []int{4, 5}},
		{"!ip:10.0.0.0/8", []int{3, 4}},
		// port
		{"port:443", []int{1, 3, 6, 9}},
		{"port:8000-8999", []int{2, 8}},
		{"port:25|853", []int{4, 5}},
		{"port:0-65535", []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		// outcome
		{"outcome:ok", []int{1, 4, 8}},
		{"outcome:alert|reset", []int{2, 3, 6}},
		{"outcome:rst", []int{3}},
		{"outcome:closed", []int{6}},
		{"outcome:RESET", []int{3, 6}},
		{"outcome:alert?", []int{7}},
		{"outcome:encrypted_alert", []int{7}},
		{"outcome:nosh", []int{9}},
		{"outcome:no-sh", []int{9}},
		{"outcome:fail", []int{2, 3, 5, 6, 7, 9}},
		{"!outcome:fail", []int{1, 4, 8}},
		{"outcome:no_syn_ack", []int{5}},
		// alert
		{"alert:unknown_ca", []int{2}},
		{"alert:unknown", []int{2}},
		{"alert:encrypted", []int{7}},
		{"alert:unknown_ca|encrypted", []int{2, 7}},
		// version
		{"version:1.3", []int{1, 7}}, // a TLS 1.3 draft counts as 1.3
		{"version:1.2", []int{2, 4}},
		{"version:<1.2", []int{8}},
		{"version:>=1.2", []int{1, 2, 4, 7}},
		{"version:>1.2", []int{1, 7}},
		{"version:<=1.2", []int{2, 4, 8}},
		{"version:tls1.0|1.3", []int{1, 7, 8}},
		{"!version:>=1.2", []int{3, 5, 6, 8, 9}}, // no version: never matches a comparison
		// cipher
		{"cipher:aes_128_gcm", []int{1, 2}},
		{"cipher:tls_aes_128", []int{1}},
		{"cipher:TLS_ECDHE_RSA", []int{2, 4}},
		{"cipher:chacha|aes_256", []int{4, 7}},
		// alpn: offered or chosen
		{"alpn:h2", []int{1}},
		{"alpn:http/1.1", []int{1}},
		// fingerprints
		{"ja4:t13d1516", []int{1}},
		{"ja4:8DAAF6152771", []int{1}},
		{"ja3:771d5f", []int{1}},
		{"ja3:d5f1", nil}, // a prefix, not a substring
		// who
		{"by:client", []int{3, 7}},
		{"by:server", []int{2, 5, 6, 9}},
		{"by:client|server", []int{2, 3, 5, 6, 7, 9}},
		// starttls
		{"starttls:smtp", []int{4}},
		{"starttls:yes", []int{4}},
		{"starttls:imap", nil},
		{"!starttls:yes", []int{1, 2, 3, 5, 6, 7, 8, 9}},
		// combinations
		{"example outcome:fail", []int{2, 6}},
		{"sni:example !outcome:ok", []int{2, 6}},
		{"ip:10.0.0.0/8 port:443 !by:server", []int{1}},
		{"  SNI:api   Outcome:OK  ", []int{1}},
		{"\tsni:www\n", []int{2}},
	}
	for _, c := range cases {
		f, err := ParseFilter(c.expr)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", c.expr, err)
			continue
		}
		if got := matchIDs(t, flows, f); !slices.Equal(got, c.want) {
			t.Errorf("%q matched %v, want %v", c.expr, got, c.want)
		}
		// The normalised form means the same.
		f2, err := ParseFilter(f.String())
		if err != nil {
			t.Errorf("%q: normalised %q does not parse: %v", c.expr, f.String(), err)
			continue
		}
		if got := matchIDs(t, flows, f2); !slices.Equal(got, c.want) {
			t.Errorf("%q normalised to %q matched %v, want %v", c.expr, f.String(), got, c.want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	cases := []struct {
		expr string
		pos  int
		msg  string // substring of the message
	}{
		{"foo:bar", 0, `unknown filter key "foo" (keys: sni, ip, port, outcome, badge, alert, version, cipher, alpn, ja4, issuer, ja3, by, starttls, hs, bytes, packets, after, before)`},
		{"api Host:x", 4, `unknown filter key "Host"`},
		{"ip:10.0.0.0/33", 0, `bad address or CIDR "10.0.0.0/33"`},
		{"ip:example.com", 0, "bad address or CIDR"},
		{"ip:10.0.0.1|nope", 0, `"nope"`},
		{"sni:a port:http", 6, `bad port "http"`},
		{"port:70000", 0, "bad port"},
		{"port:9000-8000", 0, "bad port"},
		{"port:-1", 0, "bad port"},
		{"outcome:broken", 0, `unknown outcome "broken" (outcomes: ok, resumed, alert, encrypted_alert, reset,`},
		{"outcome:ok|nope", 0, "outcomes:"},
		{"version:1.4", 0, `bad version "1.4"`},
		{"version:>=", 0, "bad version"},
		{"by:nobody", 0, "client or server"},
		{"sni:", 0, "empty value for sni:"},
		{"x  ip:", 3, "empty value for ip:"},
		{"sni:a|", 0, "empty value"},
		{`sni:""`, 0, "empty value"},
		{`""`, 0, "empty value"},
		{"a|", 0, "empty value"},
		{"!", 0, `"!" needs a term`},
		{"api !", 4, `"!" needs a term`},
		{"!!api", 0, "negate a term once"},
		{`sni:"open`, 0, "unterminated quote"},
		{`ok "a\`, 3, "unterminated quote"},
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
		if !strings.Contains(err.Error(), fe.Msg) {
			t.Errorf("Error() %q hides the message", err.Error())
		}
	}
}

func TestFilterString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"  API   ", "api"},
		{"SNI:Api|WWW !Outcome:RST", "sni:api|www !outcome:rst"},
		{"ip:10.1.2.3/8 ip:[2001:DB8::1] ip:::ffff:10.0.0.1", "ip:10.0.0.0/8 ip:2001:db8::1 ip:10.0.0.1"},
		{"port:0443 port:80-80 port:1-2", "port:443 port:80 port:1-2"},
		{"version:TLS1.2 version:>=v1.2 version:==1.3 version:3.0", "version:1.2 version:>=1.2 version:1.3 version:ssl3"},
		{`sni:"a b" "c|d" "!x" "sni:y" sni:"q\"uote"`, `sni:"a b" "c|d" "!x" "sni:y" sni:"q\"uote"`},
		{`"beef::1" beef::1`, `"beef::1" "beef::1"`},
		{`a\b`, `a\b`},
	}
	for _, c := range cases {
		f, err := ParseFilter(c.in)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", c.in, err)
			continue
		}
		if got := f.String(); got != c.want {
			t.Errorf("ParseFilter(%q).String() = %q, want %q", c.in, got, c.want)
		}
		if f.Empty() != (c.want == "") {
			t.Errorf("ParseFilter(%q).Empty() = %v", c.in, f.Empty())
		}
	}
}

func TestFilterZeroValueMatchesAll(t *testing.T) {
	var f Filter
	flows := testFlows()
	if !f.Empty() || len(matchIDs(t, flows, f)) != len(flows) {
		t.Fatal("the zero Filter must be empty and match everything")
	}
}

func TestFilterFlows(t *testing.T) {
	flows := testFlows()
	f, err := ParseFilter("ip:10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := FilterFlows(flows, f, false), []int32{0, 1, 4, 5, 6, 7, 8}; !slices.Equal(got, want) {
		t.Errorf("FilterFlows = %v, want %v", got, want)
	}
	if got, want := FilterFlows(flows, f, true), []int32{1, 4, 5, 6, 8}; !slices.Equal(got, want) {
		t.Errorf("FilterFlows(failuresOnly) = %v, want %v", got, want)
	}
	if got := FilterFlows(nil, f, false); len(got) != 0 {
		t.Errorf("FilterFlows(nil) = %v", got)
	}

	// The parallel path gives the same answer, in order.
	big := bigFlows(200_000)
	f, _ = ParseFilter("sni:api|www !outcome:ok")
	got := FilterFlows(big, f, false)
	var want []int32
	for i := range big {
		if f.Match(&big[i]) {
			want = append(want, int32(i))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("parallel FilterFlows differs: %d vs %d indices", len(got), len(want))
	}
}

func TestFilterMatchDoesNotAllocate(t *testing.T) {
	flows := testFlows()
	for _, expr := range []string{
		"example outcome:fail", "10.0.0 port:443", "sni:*.example.com ip:10.0.0.0/8", "cipher:aes alert:unknown",
		"version:>=1.2 alpn:h2 ja4:t13 ja3:77 by:client starttls:yes", "!2001:db8",
	} {
		f, err := ParseFilter(expr)
		if err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(100, func() {
			for i := range flows {
				f.Match(&flows[i])
			}
		})
		if allocs != 0 {
			t.Errorf("%q: %v allocations per pass", expr, allocs)
		}
	}
}

// TestFilterFlowsAllocatesPerCallNotPerFlow: the memos, the bitmap and the
// result, whatever the number of flows or matches.
func TestFilterFlowsAllocatesPerCallNotPerFlow(t *testing.T) {
	big := benchFilterFlows(100_000, 0)
	for _, expr := range []string{"example", "sni:*.example.com", "10.0.1 443", "alpn:h2 cipher:aes ja4:t13 ja3:77", "alert:unknown|encrypted"} {
		f, err := ParseFilter(expr)
		if err != nil {
			t.Fatal(err)
		}
		if allocs := testing.AllocsPerRun(5, func() { FilterFlows(big, f, true) }); allocs > 40 {
			t.Errorf("%q: %v allocations per call", expr, allocs)
		}
	}
}

// bigFlows makes n varied flows that share a few ClientHellos and ServerHellos,
// as a real capture does.
func bigFlows(n int) []Flow {
	snis := []string{"api.example.com", "www.example.com", "cdn.Example.net", "mail.corp.lan", "x.test", ""}
	var chs []*decode.ClientHello
	for _, s := range snis {
		chs = append(chs, decode.NewClientHello(&tlswire.ClientHello{SNI: s, ALPN: []string{"h2", "http/1.1"}}))
	}
	shs := []*tlswire.ServerHello{nil, {CipherSuite: 0x1301, SelectedPSK: -1}, {CipherSuite: 0xc02f, SelectedPSK: -1}}
	flows := newFlows(n)
	for i := range flows {
		o := Outcomes[i*7%len(Outcomes)]
		f := &flows[i]
		f.ID = i + 1
		f.TLS = &decode.TLSFacts{TLSRare: &decode.TLSRare{}}
		f.TCP.StreamFacts = &decode.StreamFacts{}
		f.Client = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), uint16(30000+i%30000))
		f.Server = netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 50)}), []uint16{443, 8443, 993}[i%3])
		f.First = testBase.Add(time.Duration(i*37%n) * time.Millisecond)
		f.TLS.ClientHello = chs[i*13%len(chs)]
		f.TLS.ServerHello = shs[i%len(shs)]
		f.Timeline = decode.MakeTimeline([]decode.Event{{At: f.First.UnixNano(), Kind: decode.EvSYN}, {At: (f.First.Add(time.Duration(i%997) * time.Microsecond)).UnixNano(), Kind: decode.EvHandshake}}...)
		*f.Verdict = Verdict{Outcome: o, Version: tlswire.VersionTLS12 + uint16(i%2), Who: []string{"client", "server"}[i%2]}
		f.Badge = badgeText(*f.Verdict)
	}
	return flows
}

// BenchmarkFilterFlows1M filters a million flows with each form of the
// filter language. "distinct" gives every 16th flow a ClientHello of its own,
// with its own SNI, ALPN and fingerprints, as a capture of many clients does:
// the matchers' per-string memo misses there.
func BenchmarkFilterFlows1M(b *testing.B) {
	shared := benchFilterFlows(1_000_000, 0)
	distinct := benchFilterFlows(1_000_000, 16)
	runtime.GC() // the setup's garbage is not the filter's cost
	for _, set := range []struct {
		name  string
		flows []Flow
		exprs []string
	}{
		{"", shared, []string{
			// the historical three
			"example !outcome:ok", "sni:*.example.com ip:10.0.0.0/8", "10.0.1 port:443",
			// one per form
			"api", "EXAMPLE", "10.0.1", "443", "sni:api", "sni:EXAMPLE", "sni:api|www", "sni:*.example.com",
			"sni:*", "!sni:*", "ip:10.0.0.0/8", "ip:192.0.2.7", "port:443", "port:8000-8999",
			"outcome:alert", "outcome:fail", "!outcome:ok", "alert:unknown", "alert:encrypted", "version:>=1.3",
			"cipher:aes", "cipher:ECDHE", "alpn:h2", "ja4:t13", "ja3:77", "by:client", "starttls:smtp", "starttls:yes",
		}},
		{"distinct", distinct, []string{"api", "sni:api", "sni:*.example.com", "alpn:h2", "ja4:t13", "ja3:77"}},
	} {
		for _, expr := range set.exprs {
			f, err := ParseFilter(expr)
			if err != nil {
				b.Fatal(err)
			}
			name := strings.ReplaceAll(expr, " ", "_")
			if set.name != "" {
				name = set.name + "/" + name
			}
			b.Run(name, func(b *testing.B) {
				n := 0
				for b.Loop() {
					n = len(FilterFlows(set.flows, f, false))
				}
				b.ReportMetric(float64(n), "matches")
			})
		}
	}
}

// benchFilterFlows is bigFlows with alerts, fingerprints and STARTTLS filled
// in; every distinct-th flow (0: none) gets a ClientHello of its own.
func benchFilterFlows(n, distinct int) []Flow {
	flows := bigFlows(n)
	ja4s := []string{"t13d1516h2_8daaf6152771_e5627efa2ab1", "t12d1209h1_aaf6152771d8_5627efa2ab1e", "T13D0000_0_0"}
	ja3s := []string{"771d5f1a2b3c4d5e6f708192a3b4c5d6", "1d5f1a2b3c4d5e6f708192a3b4c5d677", "A7"}
	for i := range flows {
		f := &flows[i]
		f.TLS.SetFingerprints(&decode.Fingerprints{JA4: ja4s[i%len(ja4s)], JA3Hash: ja3s[i%len(ja3s)]})
		switch f.Outcome {
		case Alert:
			f.TLS.Alerts = []decode.AlertFact{{From: decode.FromServer, Level: 2, Description: []uint8{48, 42, 70}[i/12%3]}}
		case OK:
			if i%17 == 0 {
				f.TLS.StartTLS = "SMTP"
			}
		}
		if distinct > 0 && i%distinct == 0 && f.TLS.ClientHello != nil {
			ch := f.TLS.ClientHello.Copy()
			if ch.SNI != "" {
				ch.SNI = fmt.Sprintf("%s-%d.%s", []string{"api", "www", "Cdn", "mail"}[i%4], i, ch.SNI)
			}
			ch.ALPN = []string{fmt.Sprint("h", i%3), "http/1.1"}
			f.TLS.ClientHello = ch
			f.TLS.SetFingerprints(&decode.Fingerprints{JA4: fmt.Sprintf("t13d%d_%x", i, i*7919), JA3Hash: fmt.Sprintf("%x", i*104729)})
		}
		f.Verdict = internVerdict(*f.Verdict) // shared, as the loader's are
	}
	return flows
}

func ExampleParseFilter() {
	f, err := ParseFilter(`SNI:*.Example.com|www !outcome:ok port:8000-8999`)
	fmt.Println(f.String(), err)
	_, err = ParseFilter("sni:api foo:bar")
	fmt.Println(err)
	// Output:
	// sni:*.example.com|www !outcome:ok port:8000-8999 <nil>
	// filter: unknown filter key "foo" (keys: sni, ip, port, outcome, badge, alert, version, cipher, alpn, ja4, issuer, ja3, by, starttls, hs, bytes, packets, after, before) (at offset 8)
}
