package model

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// The matcher as it was before the memos and fast paths (commit 0e0a62c),
// kept as the reference the fast one must agree with, flow by flow.

func refMatch(f Filter, fl *Flow) bool {
	for i := range f.eval {
		t := &f.eval[i]
		if refTermMatch(t, fl) == t.neg {
			return false
		}
	}
	return true
}

func refTermMatch(t *filterTerm, fl *Flow) bool {
	switch t.key {
	case fkBare:
		return refMatchBare(t, fl)
	case fkSNI:
		sni := refSNI(fl)
		if sni == "" {
			return false // so "!sni:*" finds flows without SNI
		}
		for i := range t.vals {
			v := &t.vals[i]
			if v.glob != nil {
				if refGlobFold(sni, v.glob) {
					return true
				}
			} else if refContainsFold(sni, v.needle) {
				return true
			}
		}
	case fkIP, fkPort, fkOutcome, fkVersion, fkBy, fkHS, fkBytes, fkPackets:
		return t.match(fl, nil) // untouched by the fast paths: no second copy to compare with
	case fkAfter, fkBefore:
		return refTimeMatch(t, fl.First)
	case fkAlert:
		return refAnyContains(t, fl.AlertName())
	case fkCipher:
		if fl.TLS.ServerHello == nil {
			return false
		}
		return refAnyContains(t, fl.CipherName()) || refAnyContains(t, fl.CipherShort())
	case fkALPN:
		if ch := fl.TLS.ClientHello; ch != nil {
			for _, p := range ch.ALPN {
				if refAnyContains(t, p) {
					return true
				}
			}
		}
		if sh := fl.TLS.ServerHello; sh != nil {
			return refAnyContains(t, sh.ALPN)
		}
	case fkJA4:
		return refAnyContains(t, fl.TLS.JA4())
	case fkIssuer:
		if c := fl.TLS.Certificates; len(c) > 0 {
			return refAnyContains(t, Printable(c[0].Issuer)) // as shown
		}
	case fkJA3:
		for i := range t.vals {
			if refHasPrefixFold(fl.TLS.JA3Hash(), t.vals[i].needle) {
				return true
			}
		}
	case fkStartTLS:
		st := fl.TLS.StartTLS
		if st == "" {
			return false
		}
		for i := range t.vals {
			if n := t.vals[i].needle; n == "yes" || refEqualFold(st, n) {
				return true
			}
		}
	}
	return false
}

// refTimeMatch compares the start time as time.Time does, with no modulo
// arithmetic: after: is at or after, before: is strictly before.
func refTimeMatch(t *filterTerm, start time.Time) bool {
	if start.IsZero() {
		return false
	}
	for i := range t.vals {
		v := &t.vals[i]
		var x int64
		if v.tod {
			l := start.In(t.loc)
			h, m, s := l.Clock()
			x = int64(h)*int64(time.Hour) + int64(m)*int64(time.Minute) + int64(s)*int64(time.Second) + int64(l.Nanosecond())
		} else {
			x = start.UnixNano()
		}
		if t.key == fkAfter && x >= v.from || t.key == fkBefore && x < v.from {
			return true
		}
	}
	return false
}

// anyContains reports whether s contains one of the term's needles (s empty never matches).
func refAnyContains(t *filterTerm, s string) bool {
	if s == "" {
		return false
	}
	for i := range t.vals {
		if refContainsFold(s, t.vals[i].needle) {
			return true
		}
	}
	return false
}

// matchBare looks for a bare word in the SNI and in the endpoints' "ip:port"
// text (which includes the port). The address text is only formatted when
// some needle could occur in it at all.
func refMatchBare(t *filterTerm, fl *Flow) bool {
	sni := refSNI(fl)
	addr := false
	for i := range t.vals {
		v := &t.vals[i]
		if sni != "" && refContainsFold(sni, v.needle) {
			return true
		}
		addr = addr || v.addrOK
	}
	if !addr {
		return false
	}
	var buf [64]byte
	for _, ap := range [2]netip.AddrPort{fl.Client, fl.Server} {
		if !ap.IsValid() {
			continue
		}
		text := ap.AppendTo(buf[:0])
		for i := range t.vals {
			if v := &t.vals[i]; v.addrOK && refContainsFoldBytes(text, v.needle) {
				return true
			}
		}
	}
	return false
}

// filterSNI is the SNI as the user sees it: raw when plain (no allocation),
// escaped otherwise.
func refSNI(fl *Flow) string {
	ch := fl.TLS.ClientHello
	if ch == nil {
		return ""
	}
	if isPlain(ch.SNI) {
		return ch.SNI
	}
	return Printable(ch.SNI)
}

// refContainsFold reports whether s contains needle (already lower case), ignoring ASCII case.
func refContainsFold(s, needle string) bool { return refIndexFold(s, needle, 0) >= 0 }

// refIndexFold finds needle (lower case) in s at or after from, ignoring ASCII case.
func refIndexFold(s, needle string, from int) int {
	n := len(needle)
	if n == 0 {
		return from
	}
	c0 := needle[0]
	for i := from; i+n <= len(s); i++ {
		if lowerASCII(s[i]) != c0 {
			continue
		}
		j := 1
		for j < n && lowerASCII(s[i+j]) == needle[j] {
			j++
		}
		if j == n {
			return i
		}
	}
	return -1
}

func refContainsFoldBytes(s []byte, needle string) bool {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n && lowerASCII(s[i+j]) == needle[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func refHasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && refEqualFold(s[:len(prefix)], prefix)
}

// refEqualFold compares s with a lower-case b, ignoring ASCII case.
func refEqualFold(s, b string) bool {
	if len(s) != len(b) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerASCII(s[i]) != b[i] {
			return false
		}
	}
	return true
}

// refGlobFold matches s against a '*' pattern split into its literal parts,
// anchored at both ends, ignoring ASCII case.
func refGlobFold(s string, parts []string) bool {
	first, last := parts[0], parts[len(parts)-1]
	if !refHasPrefixFold(s, first) {
		return false
	}
	pos := len(first)
	for _, mid := range parts[1 : len(parts)-1] {
		k := refIndexFold(s, mid, pos)
		if k < 0 {
			return false
		}
		pos = k + len(mid)
	}
	return len(s)-pos >= len(last) && refEqualFold(s[len(s)-len(last):], last)
}

// variedFlows makes flows with awkward fields for the agreement tests: SNIs
// in upper case, with escapes, non-ASCII, longer than the fold buffer, and
// substrings sharing data; IPv6, mapped, zoned and missing endpoints; every
// alert description; known, unknown and GREASE suites. Hellos are shared
// between flows, as the decoder shares them.
func variedFlows(n int) []Flow {
	rng := rand.New(rand.NewPCG(7, 8))
	long := strings.Repeat("Sub.", 40) + "Example.COM"
	base := "API.example.com\x00Ünïcode\\x\u202e.Bad"
	snis := []string{"", "api.example.com", "API.Example.COM", "www.example.com", "cdn.EXAMPLE.net",
		"my host", "x\x00y.example.com", "\xff\xfe.example.com", "ÄPI.example.com", "api.exämple.com",
		"back\\slash.example", "bidi\u202e.example.com", long, strings.ToLower(long), base[:3], base[:15],
		base, "10.0.1.5", "2001:db8::1", "443", "*", "a", "A", "\x7f"}
	alpns := [][]string{nil, {"h2", "http/1.1"}, {"H2"}, {"\x00h2\xff"}, {"spdy/3", "HTTP/1.1"}}
	var chs []*decode.ClientHello
	for i, s := range snis {
		chs = append(chs, decode.NewClientHello(&tlswire.ClientHello{SNI: s, ALPN: alpns[i%len(alpns)]}))
	}
	shs := []*tlswire.ServerHello{nil, {CipherSuite: 0x1301, ALPN: "h2"}, {CipherSuite: 0xc02f}, {CipherSuite: 0x0a0a},
		{CipherSuite: 0xfefe, ALPN: "HTTP/1.1"}, {CipherSuite: 0xcca8, ALPN: "\x01"}}
	eps := []netip.AddrPort{
		netip.MustParseAddrPort("10.0.1.5:443"), netip.MustParseAddrPort("192.168.100.200:65535"),
		netip.MustParseAddrPort("0.0.0.0:0"), netip.MustParseAddrPort("[2001:db8::1]:8443"),
		netip.MustParseAddrPort("[::ffff:10.0.1.5]:443"), netip.MustParseAddrPort("[fe80::1%Eth0]:993"),
		netip.MustParseAddrPort("[BEEF::1]:1"), {},
	}
	ja4s := []string{"", "t13d1516h2_8daaf6152771_e5627efa2ab1", "T13D0000_0_0", "t12\x00ü"}
	ja3s := []string{"", "771d5f1a2b3c4d5e6f708192a3b4c5d6", "A7", "77"}
	issuers := []string{"", "CN=R3,O=Let's Encrypt,C=US", "CN=Demo CA", "CN=\x00evil\u202e", "cn=r3"}
	whos := []string{"", "client", "server", "Client"}
	starts := []string{"", "SMTP", "imap", "Ftp"}
	flows := newFlows(n)
	for i := range flows {
		f := &flows[i]
		f.ID = i + 1
		f.TLS = &decode.TLSFacts{TLSRare: &decode.TLSRare{}}
		f.TCP.StreamFacts = &decode.StreamFacts{}
		f.Client = eps[rng.IntN(len(eps))]
		if rng.IntN(2) == 0 {
			f.Client = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(rng.IntN(3)), byte(rng.IntN(256))}), uint16(rng.IntN(65536)))
		}
		f.Server = eps[rng.IntN(len(eps))]
		if rng.IntN(4) == 0 {
			f.Server = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 1, byte(rng.IntN(40))}), []uint16{443, 1443, 4430}[rng.IntN(3)])
		}
		if rng.IntN(8) > 0 {
			f.TLS.ClientHello = chs[rng.IntN(len(chs))]
		}
		f.TLS.ServerHello = shs[rng.IntN(len(shs))]
		if k := rng.IntN(4); k > 0 {
			f.TLS.Alerts = make([]decode.AlertFact, k)
			for j := range f.TLS.Alerts {
				f.TLS.Alerts[j] = decode.AlertFact{Level: uint8(rng.IntN(3)), Description: uint8(rng.IntN(256)), Encrypted: rng.IntN(4) == 0}
			}
		}
		f.TLS.SetFingerprints(&decode.Fingerprints{JA4: ja4s[rng.IntN(len(ja4s))], JA3Hash: ja3s[rng.IntN(len(ja3s))]})
		if k := rng.IntN(len(issuers) + 1); k < len(issuers) {
			f.TLS.Certificates = []tlswire.Certificate{{Issuer: issuers[k]}}
		}
		f.TLS.StartTLS = starts[rng.IntN(len(starts))]
		o := Outcomes[rng.IntN(len(Outcomes))]
		f.Verdict = &Verdict{Outcome: o, Version: []uint16{0, tlswire.VersionTLS12, tlswire.VersionTLS13, 0x7f17, tlswire.VersionSSL30}[rng.IntN(5)], Who: whos[rng.IntN(len(whos))]}
		f.Badge = badgeText(*f.Verdict)
		if o == Reset && rng.IntN(2) == 0 {
			f.Badge = "CLOSED"
		}
		// Start times over two days around midnight UTC (and none at all),
		// sizes and handshake times for the range fields.
		if rng.IntN(10) > 0 {
			f.First = time.Date(2024, 5, 1, 22, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(4 * time.Hour))))
		}
		f.PacketsDir, f.Bytes = [2]int32{int32(rng.IntN(40)), 0}, rng.Int64N(3<<20)
		if rng.IntN(3) > 0 && !f.First.IsZero() {
			f.Timeline = decode.MakeTimeline([]decode.Event{{At: f.First.UnixNano(), Kind: decode.EvSYN},
				{At: f.First.Add(time.Duration(rng.Int64N(int64(3 * time.Second)))).UnixNano(), Kind: decode.EvHandshake}}...)
		}
	}
	return flows
}

var agreementExprs = []string{
	"api", "API", "example", "EXAMPLE.COM", "10.0.1", "10.0.1.5:443", "443", ":443", "0.0:0", "beef", "beef::1", "[2001:db8::1]:8443",
	`"fe80::1%eth0"`, "eth0", "::ffff:10", "ü", "Ä", `\x00`, `\xff`, `\u{202e}`, `\\`, "my host", `"my host"`, "sub.sub", "*", "a", "1",
	"sni:api", "sni:API.example", "sni:*.example.com", "sni:*.EXAMPLE.*", "sni:api.*", "sni:w*e*m", "sni:*", "!sni:*",
	"sni:api|www", `sni:"my host"`, "sni:ä", "sni:ÄPI", `sni:*\xff*`, `sni:x\x00y`, `sni:*\u{202e}*`, "sni:*.com", "sni:a*a",
	"sni:" + strings.Repeat("sub.", 40) + "*", "sni:*" + strings.Repeat("sub.", 35) + "*com", "sni:api.example.com*",
	"ip:10.0.0.0/8", "ip:10.0.1.5", "ip:2001:db8::/32", "ip:fe80::1", "ip:0.0.0.0/0", "ip:::/0", "!ip:10.0.0.0/8",
	"port:443", "port:0", "port:65535", "port:8000-8999|993",
	"outcome:ok", "outcome:fail", "outcome:rst", "outcome:closed", "outcome:alert|reset", "!outcome:ok", "outcome:alert?",
	"alert:unknown", "alert:unknown_ca|encrypted", "alert:0x", "alert:0X3", "alert:encrypted", "alert:e", "alert:_", "alert:ff",
	"version:1.3", "version:<1.2", "version:>=1.2", "version:ssl3",
	"cipher:aes", "cipher:AES_128", "cipher:ecdhe-rsa", "cipher:grease", "cipher:0x", "cipher:0XFEFE", "cipher:chacha",
	"alpn:h2", "alpn:HTTP", "alpn:\x00", "alpn:\xff", "alpn:/", "alpn:1",
	"ja4:t13", "ja4:T13D", "ja4:ü", "ja4:_e5627", "ja3:77", "ja3:A", "ja3:771D5F",
	"by:client", "by:server", "!by:client",
	"issuer:r3", `issuer:"O=Let's Encrypt"`, "issuer:DEMO", `issuer:\x00`, "!issuer:=", "issuer:cn=r3,demo",
	"starttls:smtp", "starttls:yes", "starttls:FTP", "!starttls:yes",
	"api 10.0.1", "example !outcome:ok port:443", "sni:*.example.com ip:10.0.0.0/8 alpn:h2 cipher:aes ja4:t13",
	"!api !443 !alert:unknown !cipher:aes", "api|443|beef", "ü|10.0.1.5", "5:4", "65535", "0", "1.1", ".2", "2.", "0.0.0.0:0", "255.", "199", "25", "7", "168.100", "0.2",
}

// TestMatchAgreesWithReference checks Match and FilterFlows (memos, fast
// paths, parallel split) against the reference matcher, flow by flow.
func TestMatchAgreesWithReference(t *testing.T) {
	flows := variedFlows(3000)
	big := variedFlows(70_000) // over the parallel threshold
	for _, expr := range agreementExprs {
		f, err := ParseFilter(expr)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", expr, err)
			continue
		}
		for i := range flows {
			if got, want := f.Match(&flows[i]), refMatch(f, &flows[i]); got != want {
				t.Errorf("%q: Match = %v, reference %v on flow %d (SNI %q)", expr, got, want, flows[i].ID, refSNI(&flows[i]))
				break
			}
		}
		for _, fl := range [][]Flow{flows, big} {
			for _, failures := range []bool{false, true} {
				var want []int32
				for i := range fl {
					if refMatch(f, &fl[i]) && (!failures || fl[i].Outcome.Failed()) {
						want = append(want, int32(i))
					}
				}
				if got := FilterFlows(fl, f, failures); !slices.Equal(got, want) {
					t.Errorf("%q failuresOnly=%v: FilterFlows gives %d flows, reference %d", expr, failures, len(got), len(want))
				}
			}
		}
	}
}

func TestFormatAddr4(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100_000; i++ {
		v := rng.Uint32()
		if i < 1000 {
			v &= 0x01ff0f03 // small octets
		}
		ap := netip.AddrPortFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), uint16(rng.IntN(65536)))
		var buf addr4Buf
		if got, want := buf.format(ap.Addr().As4(), ap.Port()), ap.String(); got != want {
			t.Fatalf("addr4Buf.format = %q, want %q", got, want)
		}
	}
}

// TestDottedNeedle checks matching digits-and-dots words against octets
// with finding them in the address's text.
func TestDottedNeedle(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	ips := [][4]byte{{0, 0, 0, 0}, {255, 255, 255, 255}, {10, 0, 1, 5}, {1, 11, 111, 1}, {100, 10, 1, 0}, {192, 168, 100, 200}}
	for range 300 {
		ips = append(ips, [4]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(12)), byte(rng.IntN(256))})
	}
	needles := []string{".", "..", "...", "....", "1..2", "256.1", "01.2", "1.02", "1.2.3.4.5", ".0.", "0.0.0.0", "255.255.255.255", "5.", ".5", "00.1"}
	for _, ip := range ips[:40] { // every dotted substring of some addresses' text
		var buf addr4Buf
		text := buf.formatIP(len(buf), ip)
		for i := range text {
			for j := i + 1; j <= len(text); j++ {
				if strings.Contains(text[i:j], ".") {
					needles = append(needles, text[i:j])
				}
			}
		}
	}
	for _, n := range needles {
		d := newDottedNeedle(n)
		for _, ip := range ips {
			var buf addr4Buf
			text := buf.formatIP(len(buf), ip)
			want := strings.Contains(text, n)
			if got := d != nil && d.match(ip); got != want {
				t.Fatalf("%q in %s: got %v, want %v", n, text, got, want)
			}
		}
	}
}
