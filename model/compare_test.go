package model

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

var cmpT0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// cmpHello is a ClientHello offering TLS 1.2 and 1.3 with one suite of each.
func cmpHello(sni string) *decode.ClientHello {
	return decode.NewClientHello(&tlswire.ClientHello{
		LegacyVersion:       tlswire.VersionTLS12,
		CipherSuites:        []uint16{0x1301, 0xc02f},
		Extensions:          []uint16{0, 10, 13, 16, 43, 51},
		SNI:                 sni,
		ALPN:                []string{"h2"},
		SupportedVersions:   []uint16{tlswire.VersionTLS13, tlswire.VersionTLS12},
		SupportedGroups:     []uint16{0x1d, 0x17},
		KeyShares:           []uint16{0x1d},
		SignatureAlgorithms: []uint16{0x0403, 0x0804},
	})
}

// cmpWorking is a flow whose TLS 1.3 handshake completed with
// TLS_AES_128_GCM_SHA256 over x25519.
func cmpWorking(id int, server, sni string, at time.Duration) Flow {
	f := Flow{Flow: &decode.Flow{TLS: &decode.TLSFacts{TLSRare: &decode.TLSRare{}}, TCP: decode.TCPFacts{StreamFacts: &decode.StreamFacts{}}, ID: id, Client: netip.MustParseAddrPort("10.0.0.1:40000"), Server: netip.MustParseAddrPort(server),
		First: cmpT0.Add(at), Last: cmpT0.Add(at + time.Second)}}
	f.TLS.ClientHello = cmpHello(sni)
	f.TLS.ClientHelloLen, f.TLS.ClientHelloSegments = 512, 1
	f.TLS.ServerHello = &tlswire.ServerHello{LegacyVersion: tlswire.VersionTLS12, SupportedVersion: tlswire.VersionTLS13,
		CipherSuite: 0x1301, KeyShareGroup: 0x1d, Extensions: []uint16{43, 51}}
	f.Verdict = &Verdict{Outcome: OK, Badge: "OK 1.3", Version: tlswire.VersionTLS13, Stage: StageDone, Diagnosis: "handshake completed"}
	return f
}

// cmpFailing is a flow whose server answered its ClientHello with a fatal alert.
func cmpFailing(id int, server, sni string, at time.Duration, alert uint8) Flow {
	f := Flow{Flow: &decode.Flow{TLS: &decode.TLSFacts{TLSRare: &decode.TLSRare{}}, TCP: decode.TCPFacts{StreamFacts: &decode.StreamFacts{}}, ID: id, Client: netip.MustParseAddrPort("10.0.0.2:40000"), Server: netip.MustParseAddrPort(server),
		First: cmpT0.Add(at), Last: cmpT0.Add(at + time.Second)}}
	f.TLS.ClientHello = cmpHello(sni)
	f.TLS.ClientHelloLen, f.TLS.ClientHelloSegments = 512, 1
	f.TLS.Alerts = []decode.AlertFact{{From: decode.FromServer, Level: 2, Description: alert, After: "ClientHello"}}
	f.Verdict = &Verdict{Outcome: Alert, Badge: "ALERT", Stage: StageClientHello, Who: "server", Diagnosis: "server sent a fatal alert"}
	return f
}

func eachOf(flows ...Flow) func(func(*Flow)) {
	return func(fn func(*Flow)) {
		for i := range flows {
			fn(&flows[i])
		}
	}
}

func TestClosestFollowsTheRulesInOrder(t *testing.T) {
	target := cmpFailing(1, "192.0.2.1:443", "api.example", 100*time.Second, 40)
	addrSNI := cmpWorking(2, "192.0.2.1:443", "API.example", 0) // far in time, SNI in another case
	sniOnly := cmpWorking(3, "192.0.2.9:443", "api.example", 99*time.Second)
	addrOnly := cmpWorking(4, "192.0.2.1:443", "www.example", 101*time.Second)
	failingTwin := cmpFailing(5, "192.0.2.1:443", "api.example", 100*time.Second, 40)
	other := cmpWorking(6, "192.0.2.7:443", "other.example", 100*time.Second)

	for _, tc := range []struct {
		name  string
		flows []Flow
		want  int
		rule  MatchRule
	}{
		{"address and SNI beat nearer flows", []Flow{target, addrSNI, sniOnly, addrOnly, failingTwin, other}, 2, MatchAddrSNI},
		{"then the same SNI", []Flow{target, sniOnly, addrOnly, other}, 3, MatchSNI},
		{"then the same address", []Flow{target, addrOnly, other}, 4, MatchAddr},
	} {
		got, rule, ok := Closest(&target, eachOf(tc.flows...))
		if !ok || got.ID != tc.want || rule != tc.rule {
			t.Errorf("%s: got #%d %q (found %v), want #%d %q", tc.name, got.ID, rule, ok, tc.want, tc.rule)
		}
	}
	if got, _, ok := Closest(&target, eachOf(target, failingTwin, other)); ok {
		t.Errorf("only failing flows and another server: got #%d, want none", got.ID)
	}
}

func TestClosestWithoutSNIMatchesOnlyTheAddress(t *testing.T) {
	target := cmpFailing(1, "192.0.2.1:443", "", 0, 40)
	noSNIElsewhere := cmpWorking(2, "192.0.2.9:443", "", 0)
	sameAddr := cmpWorking(3, "192.0.2.1:443", "api.example", 50*time.Second)
	got, rule, ok := Closest(&target, eachOf(target, noSNIElsewhere, sameAddr))
	if !ok || got.ID != 3 || rule != MatchAddr {
		t.Fatalf("got #%d %q, want #3 by %q (two flows without SNI are not the same name)", got.ID, rule, MatchAddr)
	}
}

func TestClosestPrefersNearInTimeAFittingChoiceAndAFullHandshake(t *testing.T) {
	target := cmpFailing(1, "192.0.2.1:443", "api.example", 100*time.Second, 40)
	near := cmpWorking(2, "192.0.2.1:443", "api.example", 95*time.Second)
	far := cmpWorking(3, "192.0.2.1:443", "api.example", 10*time.Second)
	if got, _, _ := Closest(&target, eachOf(target, far, near)); got.ID != 2 {
		t.Errorf("nearest in time: got #%d, want #2", got.ID)
	}
	// The near one negotiated a version the target does not offer: the far one is the useful contrast.
	near.TLS.ServerHello = &tlswire.ServerHello{LegacyVersion: tlswire.VersionTLS11, CipherSuite: 0xc013}
	near.Verdict.Version = tlswire.VersionTLS11
	if got, _, _ := Closest(&target, eachOf(target, far, near)); got.ID != 3 {
		t.Errorf("a choice the target offers: got #%d, want #3", got.ID)
	}
	resumed := cmpWorking(4, "192.0.2.1:443", "api.example", 100*time.Second)
	resumed.Outcome, resumed.Badge = Resumed, "RESUMED"
	if got, _, _ := Closest(&target, eachOf(target, far, resumed)); got.ID != 3 {
		t.Errorf("a full handshake over a resumed one: got #%d, want #3", got.ID)
	}
}

func readingOf(a, b Flow) string {
	c := Compare(a, b, MatchAddrSNI)
	return strings.Join(c.Reading, "\n")
}

func wantReading(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("reading %q\nlacks %q", got, w)
		}
	}
}

func TestReadingNamesAVersionTheClientDoesNotOffer(t *testing.T) {
	// A TLS 1.3-only client against a server that chose TLS 1.2 for a client offering both.
	a := cmpFailing(1, "192.0.2.1:443", "api.example", 0, 70)
	a.TLS.ClientHello.SupportedVersions = []uint16{0x0a0a, tlswire.VersionTLS13}
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	b.TLS.ServerHello = &tlswire.ServerHello{LegacyVersion: tlswire.VersionTLS12, CipherSuite: 0xc02f}
	b.Verdict.Version = tlswire.VersionTLS12
	got := readingOf(a, b)
	wantReading(t, got, "the server chose TLS 1.2 for the working client (#2, which also offered TLS 1.2 to TLS 1.3)",
		"this client offers only TLS 1.3, and the server answered protocol_version", "likely the server accepts no version this client offers")
}

func TestReadingNamesASuiteTheClientDoesNotOffer(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "api.example", 0, 40)
	a.TLS.ClientHello.SupportedVersions = nil // TLS 1.2 only
	a.TLS.ClientHello.CipherSuites = []uint16{0x009c, 0x00ff}
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	b.TLS.ServerHello = &tlswire.ServerHello{LegacyVersion: tlswire.VersionTLS12, CipherSuite: 0xc02f}
	b.Verdict.Version = tlswire.VersionTLS12
	got := readingOf(a, b)
	wantReading(t, got, "the server chose TLS 1.2 with ECDHE-RSA-AES128-GCM-SHA256 for the working client (#2)",
		"this client offers TLS 1.2 but not that suite (it offers RSA-AES128-GCM-SHA256)", "likely no cipher suite in common")
	if strings.Contains(got, "EMPTY-RENEGOTIATION") {
		t.Errorf("the SCSV is not a suite the client offers: %q", got)
	}
}

func TestReadingNamesAGroupTheClientDoesNotOffer(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "api.example", 0, 40)
	a.TLS.ClientHello.SupportedGroups = []uint16{0x18} // secp384r1 only
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	wantReading(t, readingOf(a, b), "the server used x25519 for the working client (#2)", "this client does not offer it (it offers secp384r1)",
		"likely no key exchange group in common")
}

func TestReadingNamesASignatureAlgorithmForTheServersKey(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "api.example", 0, 40)
	a.TLS.ClientHello.SignatureAlgorithms = []uint16{0x0403, 0x0503} // ECDSA only
	b := cmpWithCert(cmpWorking(2, "192.0.2.1:443", "api.example", time.Second), "CN=api", "CN=CA", "01")
	b.TLS.ServerKeyExchange = &tlswire.ServerKeyExchangeInfo{NamedGroup: 0x1d}
	wantReading(t, readingOf(a, b), "the server's certificate for the working client (#2) holds a key of type RSA-2048; this client offers no RSA signature algorithm",
		"and the server answered handshake_failure: likely the server cannot sign with a key this client accepts")
	a.TLS.ClientHello.SignatureAlgorithms = []uint16{0x0403, 0x0804} // rsa_pss_rsae_sha256 signs with RSA
	if got := readingOf(a, b); strings.Contains(got, "signature algorithm") {
		t.Errorf("an RSA-PSS scheme is an RSA signature: %q", got)
	}
}

func TestReadingNamesAMissingSNI(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "", 0, 112)
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	got := readingOf(a, b)
	wantReading(t, got, "the failing client sends no SNI; the working one sends api.example: likely the server requires a server name")
	if strings.Contains(got, "nothing") {
		t.Errorf("a reading was found, yet it says nothing stands out: %q", got)
	}
}

func TestReadingNamesAnSNIRefusedByName(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "old.example", 0, 112)
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	wantReading(t, readingOf(a, b), "asks for old.example and the server answered unrecognized_name", "likely the server does not serve old.example")
}

func TestReadingNamesALPN(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "api.example", 0, 120)
	a.TLS.ClientHello.ALPN = []string{"http/1.1"}
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	b.TLS.ServerHello.ALPN = "h2"
	wantReading(t, readingOf(a, b), "the server chose ALPN h2 for the working client; this client offers http/1.1",
		"no_application_protocol: likely no application protocol in common")
}

func TestReadingNamesALPNRefusedUnderTLS13(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "api.example", 0, 120)
	a.TLS.ClientHello.ALPN = []string{"grpc-exp"}
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second) // TLS 1.3: its ALPN choice is encrypted
	wantReading(t, readingOf(a, b), "the server answered no_application_protocol to this client, which offers ALPN grpc-exp; the working client (#2) offers h2: likely the server accepts none of this client's protocols")
}

func TestReadingNamesAHelloSplitOverSegments(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "api.example", 0, 0)
	a.TLS.Alerts = nil
	a.Outcome, a.Badge, a.Who = NoServerHello, "NO SH", ""
	a.TLS.ClientHelloLen, a.TLS.ClientHelloSegments, a.TLS.ClientHelloRetrans = 1812, 2, 3
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	wantReading(t, readingOf(a, b), "the failing ClientHello is 1,812 bytes in two segments, the working one 512 bytes in one segment",
		"retransmitted and never fully acknowledged", "likely the larger segments are lost on the path")

	// Acknowledged by the server: it arrived, so its size is not the reason.
	a.TLS.ClientHelloAcked = true
	got := readingOf(a, b)
	if strings.Contains(got, "segments are lost") {
		t.Errorf("an acknowledged hello is blamed on the path: %q", got)
	}
	wantReading(t, got, "nothing in the comparison stands out")
}

func cmpWithCert(f Flow, subject, issuer, serial string) Flow {
	f.TLS.ServerHello = &tlswire.ServerHello{LegacyVersion: tlswire.VersionTLS12, CipherSuite: 0xc02f}
	f.Verdict.Version = tlswire.VersionTLS12
	f.TLS.Certificates = []tlswire.Certificate{{Subject: subject, Issuer: issuer, Serial: serial, KeyType: "RSA-2048",
		NotBefore: cmpT0.Add(-time.Hour), NotAfter: cmpT0.Add(time.Hour)}}
	return f
}

func TestReadingAfterTheCertificate(t *testing.T) {
	a := cmpWithCert(cmpFailing(1, "192.0.2.1:443", "api.example", 0, 48), "CN=api", "CN=CA", "01")
	a.TLS.Alerts[0].From, a.Who, a.Stage = decode.FromClient, "client", StageServerFlight
	b := cmpWithCert(cmpWorking(2, "192.0.2.1:443", "api.example", time.Second), "CN=api", "CN=CA", "01")
	wantReading(t, readingOf(a, b), "the server sent both clients the same certificate (CN=api, issued by CN=CA)",
		"likely this client's trust store or checks")

	b = cmpWithCert(b, "CN=api", "CN=Other CA", "02")
	wantReading(t, readingOf(a, b), "a different certificate (CN=api, issued by CN=CA) from the one the working client (#2) accepted (CN=api, issued by CN=Other CA)")
}

func TestReadingNamesAMissingClientCertificate(t *testing.T) {
	a := cmpWithCert(cmpFailing(1, "192.0.2.1:443", "api.example", 0, 40), "CN=api", "CN=CA", "01")
	a.Stage = StageClientFlight
	b := cmpWithCert(cmpWorking(2, "192.0.2.1:443", "api.example", time.Second), "CN=api", "CN=CA", "01")
	a.TLS.CertRequest, b.TLS.CertRequest = &tlswire.CertificateRequestInfo{}, &tlswire.CertificateRequestInfo{}
	b.Timeline = decode.MakeTimeline([]decode.Event{{Kind: decode.EvHandshake, Code: tlswire.CertificateType, Len: 900, Dir: decode.FromClient}}...)
	wantReading(t, readingOf(a, b), "the server asked both clients for a certificate; the working one (#2) sent one and this one sent none, and the server answered handshake_failure: likely the server requires a client certificate")
	b.Timeline = decode.Timeline{} // neither sent one: the certificate does not tell them apart
	if got := readingOf(a, b); strings.Contains(got, "requires a client certificate") {
		t.Errorf("neither client sent a certificate, yet: %q", got)
	}
}

func TestReadingWhenTLS13HidesTheCertificates(t *testing.T) {
	a := cmpWorking(1, "192.0.2.1:443", "api.example", 0)
	a.Verdict = &Verdict{Outcome: EncryptedAlert, Badge: "ALERT?", Stage: StageServerFlight, Who: "client"}
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	wantReading(t, readingOf(a, b), "the certificates are encrypted (TLS 1.3), so the capture cannot show")
}

func TestReadingSaysWhenNothingStandsOut(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b Flow
		want string
	}{
		{"same offer, alert", cmpFailing(1, "192.0.2.1:443", "api.example", 0, 40), cmpWorking(2, "192.0.2.1:443", "api.example", time.Second),
			"this client offers TLS 1.3 with AES128-GCM-SHA256, which the server chose for the working client (#2), yet the server answered handshake_failure: the hellos do not explain it; likely"},
		{"both completed", cmpWorking(1, "192.0.2.1:443", "api.example", 0), cmpWorking(2, "192.0.2.1:443", "api.example", time.Second),
			"both handshakes completed"},
		{"neither completed", cmpFailing(1, "192.0.2.1:443", "api.example", 0, 40), cmpFailing(2, "192.0.2.1:443", "api.example", 0, 40),
			"neither handshake completed"},
	} {
		if got := readingOf(tc.a, tc.b); !strings.Contains(got, tc.want) {
			t.Errorf("%s: reading %q lacks %q", tc.name, got, tc.want)
		}
	}
	noCH := cmpFailing(1, "192.0.2.1:443", "", 0, 0)
	noCH.TLS = &decode.TLSFacts{TLSRare: &decode.TLSRare{}}
	noCH.Verdict = &Verdict{Outcome: NoSYNACK, Badge: "NO SYN-ACK", Stage: StageTCP}
	wantReading(t, readingOf(noCH, cmpWorking(2, "192.0.2.1:443", "api.example", 0)), "sent no ClientHello (NO SYN-ACK, stopped at tcp)")
}

func TestCompareExplainsTheFailingFlowWhicheverOrder(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "", 0, 112)
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	c := Compare(b, a, MatchPicked)
	if c.A.ID != 1 || c.B.ID != 2 {
		t.Fatalf("A=#%d B=#%d, want the failing #1 first", c.A.ID, c.B.ID)
	}
	wantReading(t, strings.Join(c.Reading, "\n"), "the failing client sends no SNI")
}

func rowOf(t *testing.T, c *Comparison, section, field string) CompareRow {
	t.Helper()
	for _, s := range c.Sections {
		if s.Title != section {
			continue
		}
		for _, r := range s.Rows {
			if r.Field == field {
				return r
			}
		}
	}
	t.Fatalf("no row %s/%s", section, field)
	return CompareRow{}
}

func TestCompareMarksEveryDifferenceClass(t *testing.T) {
	a := cmpWithCert(cmpFailing(1, "192.0.2.1:443", "", 0, 48), "CN=a", "CN=CA", "01")
	a.Who = "client"
	ch := a.TLS.ClientHello
	ch.SupportedVersions = []uint16{tlswire.VersionTLS12}
	ch.CipherSuites = []uint16{0xc030}
	ch.SupportedGroups = []uint16{0x17}
	ch.KeyShares = nil
	ch.SignatureAlgorithms = []uint16{0x0401}
	ch.ALPN = []string{"http/1.1"}
	ch.Extensions = []uint16{0, 10}
	a.TLS.ClientHelloLen, a.TLS.ClientHelloSegments = 1812, 2
	a.TLS.ServerHello.CipherSuite = 0xc030
	a.TLS.ServerKeyExchange = &tlswire.ServerKeyExchangeInfo{NamedGroup: 0x17}
	a.Timeline = decode.MakeTimeline([]decode.Event{{At: cmpT0.UnixNano(), Kind: decode.EvHandshake, Code: tlswire.ClientHelloType},
		{At: cmpT0.Add(900 * time.Millisecond).UnixNano(), Kind: decode.EvHandshake, Code: tlswire.ServerHelloType, Dir: decode.FromServer}}...)
	b := cmpWithCert(cmpWorking(2, "192.0.2.1:443", "api.example", 0), "CN=b", "CN=CA", "02")
	b.TLS.ServerHello = &tlswire.ServerHello{LegacyVersion: tlswire.VersionTLS12, SupportedVersion: tlswire.VersionTLS13, CipherSuite: 0x1301, KeyShareGroup: 0x1d}
	b.Verdict.Version = tlswire.VersionTLS13
	b.TLS.Certificates = nil
	b.Timeline = decode.MakeTimeline([]decode.Event{{At: cmpT0.UnixNano(), Kind: decode.EvHandshake, Code: tlswire.ClientHelloType},
		{At: cmpT0.Add(2 * time.Millisecond).UnixNano(), Kind: decode.EvHandshake, Code: tlswire.ServerHelloType, Dir: decode.FromServer}}...)
	c := Compare(a, b, MatchAddr)
	for _, f := range [][2]string{
		{SectionFlow, "outcome"},
		{SectionClientHello, "versions"}, {SectionClientHello, "cipher suites"}, {SectionClientHello, "groups"},
		{SectionClientHello, "key shares"}, {SectionClientHello, "signature algorithms"}, {SectionClientHello, "ALPN"},
		{SectionClientHello, "SNI"}, {SectionClientHello, "extensions"}, {SectionClientHello, "size"}, {SectionClientHello, "segments"},
		{SectionServerHello, "version"}, {SectionServerHello, "cipher suite"}, {SectionServerHello, "key exchange group"},
		{SectionCertificates, "chain"}, {SectionCertificates, "leaf subject"},
		{SectionAlerts, "alerts"}, {SectionTimings, "server answer"},
	} {
		if r := rowOf(t, &c, f[0], f[1]); !r.Differs {
			t.Errorf("%s/%s: %q vs %q not marked as differing", f[0], f[1], r.A, r.B)
		}
	}
	for _, f := range [][2]string{{SectionFlow, "flow"}, {SectionClientHello, "legacy version"}, {SectionClientHello, "retransmitted segments"}, {SectionTimings, "TCP round trip"}} {
		if r := rowOf(t, &c, f[0], f[1]); r.Differs {
			t.Errorf("%s/%s: %q vs %q marked as differing", f[0], f[1], r.A, r.B)
		}
	}
	if r := rowOf(t, &c, SectionCertificates, "chain"); r.B != "(encrypted: TLS 1.3)" || r.A != "1 certificate" {
		t.Errorf("chain: %q vs %q", r.A, r.B)
	}
	if r := rowOf(t, &c, SectionClientHello, "size"); r.A != "1,812 bytes" || r.B != "512 bytes" {
		t.Errorf("size: %q vs %q", r.A, r.B)
	}
	if r := rowOf(t, &c, SectionAlerts, "alerts"); r.A != "fatal unknown_ca from server after ClientHello" || r.B != "none" {
		t.Errorf("alerts: %q vs %q", r.A, r.B)
	}
}

func TestCompareIgnoresGREASEAndExtensionOrder(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "api.example", 0, 40)
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	a.TLS.ClientHello.CipherSuites = []uint16{0x2a2a, 0x1301, 0xc02f}
	b.TLS.ClientHello.CipherSuites = []uint16{0x8a8a, 0x1301, 0xc02f}
	b.TLS.ClientHello.Extensions = []uint16{51, 43, 16, 13, 10, 0}
	c := Compare(a, b, MatchAddrSNI)
	for _, f := range []string{"cipher suites", "extensions"} {
		if r := rowOf(t, &c, SectionClientHello, f); r.Differs {
			t.Errorf("%s: %q vs %q marked as differing", f, r.A, r.B)
		}
	}
	if r := rowOf(t, &c, SectionClientHello, "cipher suites"); !strings.HasPrefix(r.A, "GREASE, ") {
		t.Errorf("GREASE not named: %q", r.A)
	}
}

func TestCompareEscapesWhatThePeersSent(t *testing.T) {
	evil := "evil\x1b[2J.example"
	a := cmpFailing(1, "192.0.2.1:443", evil, 0, 112)
	a.TLS.ClientHello.ALPN = []string{"h2\x07"}
	b := cmpWithCert(cmpWorking(2, "192.0.2.1:443", "api.example", time.Second), "CN=\x1b]0;x\x07", "CN=CA", "01")
	c := Compare(a, b, MatchAddr)
	var text, js bytes.Buffer
	if err := WriteComparisonText(&text, &c); err != nil {
		t.Fatal(err)
	}
	if err := WriteComparisonJSON(&js, &c); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "json": js.String()} {
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("%s output carries a raw control byte:\n%q", name, out)
		}
	}
	if !strings.Contains(text.String(), `evil\x1b[2J.example`) {
		t.Errorf("the SNI is not shown escaped:\n%s", text.String())
	}
}

func TestComparisonTextAndJSON(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "", 0, 112)
	b := cmpWorking(2, "192.0.2.1:443", "api.example", 2*time.Second)
	c := Compare(a, b, MatchAddr)
	var text bytes.Buffer
	if err := WriteComparisonText(&text, &c); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	for _, want := range []string{
		"flow #1 (ALERT) compared with flow #2 (OK 1.3), the closest working flow: same server address, 2s later",
		"Reading:\n  the failing client sends no SNI",
		"\n* SNI                    (none)                           api.example\n",
		"\n  legacy version         TLS 1.2                          TLS 1.2\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	var js bytes.Buffer
	if err := WriteComparisonJSON(&js, &c); err != nil {
		t.Fatal(err)
	}
	var got struct {
		A           struct{ ID int }
		Rule        string
		Reading     []string
		Differences int
		Sections    []struct {
			Title string
			Rows  []struct {
				Field   string
				A, B    string
				Differs bool
			}
		}
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, js.String())
	}
	if got.A.ID != 1 || got.Rule != string(MatchAddr) || got.Differences != c.Differences() || got.Differences == 0 ||
		len(got.Sections) != 6 || !strings.HasPrefix(got.Reading[0], "the failing client sends no SNI") {
		t.Errorf("json: %+v", got)
	}
}

func TestCompareOnTheDemoCapture(t *testing.T) {
	l := mustLoad(t, "../testdata/demo.pcapng")
	flows := l.Flows()
	byID := func(id int) *Flow { return &flows[id-1] }
	// #12: OpenSSL rejected the certificate (unknown_ca) that the server also sent to working clients.
	b, rule, ok := Closest(byID(12), eachOf(flows...))
	if !ok || rule != MatchAddr || !b.Completed() || b.Server != byID(12).Server {
		t.Fatalf("closest to #12: #%d %q found=%v", b.ID, rule, ok)
	}
	c := Compare(*byID(12), b, rule)
	wantReading(t, strings.Join(c.Reading, "\n"), "the server sent both clients the same certificate", "this one rejected it")
	// #23 never got a SYN-ACK: nothing in TLS to compare.
	b, _, _ = Closest(byID(23), eachOf(flows...))
	c = Compare(*byID(23), b, rule)
	wantReading(t, strings.Join(c.Reading, "\n"), "sent no ClientHello")
	// #46 (auth, protocol_version): no flow to that server completed.
	if b, _, ok := Closest(byID(46), eachOf(flows...)); ok {
		t.Errorf("closest to #46: #%d, want none (no handshake to 192.0.2.33 or auth.pcapsurgery.test completed)", b.ID)
	}
}

// TestCompareEveryBundledFlow compares every flow of every bundled capture
// with its closest working flow and with the first flow: whatever the
// flows hold (SSL 2.0, no hello, damaged), the comparison is built and
// written without a panic, and its reading is never empty.
func TestCompareEveryBundledFlow(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	edge, _ := filepath.Glob("../testdata/edge/*.pcap")
	for _, path := range append(append(paths, edge...), "../testdata/demo.pcapng") {
		src, err := capture.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		l := NewLoader(src)
		l.Run(context.Background(), nil) // a damaged capture still has the flows read before the damage
		src.Close()
		flows := l.Flows()
		if len(flows) == 0 {
			continue
		}
		for i := range flows {
			cs := []Comparison{Compare(flows[i], flows[0], MatchPicked)}
			if b, rule, ok := Closest(&flows[i], eachOf(flows...)); ok {
				cs = append(cs, Compare(flows[i], b, rule))
			}
			for _, c := range cs {
				if len(c.Reading) == 0 || c.Reading[0] == "" {
					t.Errorf("%s #%d vs #%d: no reading", path, c.A.ID, c.B.ID)
				}
				if err := WriteComparisonText(io.Discard, &c); err != nil {
					t.Fatal(err)
				}
				if err := WriteComparisonJSON(io.Discard, &c); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

func TestReadingWhenTheWorkingFlowIsSSLv2(t *testing.T) {
	a := cmpFailing(1, "192.0.2.1:443", "api.example", 0, 40)
	b := cmpWorking(2, "192.0.2.1:443", "api.example", time.Second)
	b.TLS.ClientHello, b.TLS.ServerHello = nil, nil
	b.TLS.SSLv2 = &decode.SSLv2Facts{ServerHello: true}
	wantReading(t, readingOf(a, b), "there is no server choice to read the difference from")
}
