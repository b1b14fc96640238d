package decode_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// CPU bombs: small inputs that once cost time quadratic in their size. Each
// bound is far above what the linear code takes (tens of milliseconds, a few
// hundred under -race) and far below what the old code took.

// timeBound is a bound that only a return to the old cost can reach, scaled
// for the race detector.
func timeBound(d time.Duration) time.Duration { return d * raceSlowdown }

// paddedHello is a ClientHello whose padding extensions bring it to about
// size bytes, so it is one handshake message spread over many records.
func paddedHello(sni string, size int) []byte {
	exts := sniExt(sni)
	for len(exts) < size {
		n := min(60000, size-len(exts))
		exts = append(exts, 0, 21, byte(n>>8), byte(n)) // padding (RFC 7685)
		exts = append(exts, make([]byte, n)...)
	}
	body := clientHelloBody(exts)
	return handshakeMsg(1, len(body), body)
}

// oneByteRecords wraps each byte of a handshake message in its own record.
func oneByteRecords(hs []byte) []byte {
	out := make([]byte, 0, 6*len(hs))
	for _, b := range hs {
		out = append(out, 0x16, 0x03, 0x01, 0, 1, b)
	}
	return out
}

func TestBombHandshakeMessageInOneByteRecords(t *testing.T) {
	// A 250 KB ClientHello as 256,000 one-byte records (1.5 MB of stream):
	// gathering it once copied everything gathered so far on every record
	// (15.7 s for 256 KB).
	hs := paddedHello("onebyte.example.test", 250<<10)
	frames := oneFlow("10.0.0.1:40000", oneByteRecords(hs), nil)
	start := time.Now()
	a := decode.NewAnalyzer()
	feed(a, frames)
	took := time.Since(start)
	f := a.Flows()[0]
	t.Logf("%d-byte ClientHello in %d one-byte records: %v", len(hs), len(hs), took)
	if ch := f.TLS.ClientHello; ch == nil || ch.SNI != "onebyte.example.test" {
		t.Errorf("ClientHello not decoded: problem %q", f.TLS.Problem[decode.FromClient])
	}
	if took > timeBound(3*time.Second) {
		t.Errorf("a %d-byte message in one-byte records took %v: gathering is not linear", len(hs), took)
	}
}

func TestBombDuplicatesOfAHeldSegment(t *testing.T) {
	// The ClientHello's odd bytes arrive first, one per segment, each behind
	// a one-byte hole (about 500 held segments); then 200,000 copies of one
	// of them; then the even bytes fill the holes. Each copy once walked and
	// re-sliced the whole queue (12 s); now it is a binary search.
	hello := synth.Records(paddedHello("dups.example.test", 900))
	const copies = 200_000
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	bytesAt := c.Segments(true, hello, 1)
	var odd, even []synth.Frame
	for i, fr := range bytesAt {
		if i%2 == 1 {
			odd = append(odd, fr)
		} else {
			even = append(even, fr)
		}
	}
	c.Append(odd...)
	dup := odd[len(odd)/2]
	for range copies {
		c.Append(dup)
	}
	c.Append(even...)
	c.Close(true, false)

	start := time.Now()
	a := decode.NewAnalyzer()
	feed(a, c.Frames)
	took := time.Since(start)
	f := a.Flows()[0]
	t.Logf("%d held one-byte segments, %d copies of one: %v", len(odd), copies, took)
	if ch := f.TLS.ClientHello; ch == nil || ch.SNI != "dups.example.test" {
		t.Errorf("ClientHello not decoded: problem %q, gap %v", f.TLS.Problem[decode.FromClient], f.TCP.Gap)
	}
	if got := f.TCP.Retransmits[decode.FromClient]; got < copies {
		t.Errorf("%d retransmissions counted, want at least %d", got, copies)
	}
	if took > timeBound(3*time.Second) {
		t.Errorf("%d duplicates of a held segment took %v: work per duplicate grows with the queue", copies, took)
	}
	if len(odd) < 400 {
		t.Fatalf("only %d held segments: the queue is too short to show the cost", len(odd))
	}
}

// hugeKeyCert turns a synth certificate into a self-issued one whose RSA key
// has a modulus of modBytes bytes and exponent e, with a signature as long
// as the modulus: checking it costs the full modular exponentiation.
func hugeKeyCert(t *testing.T, name string, modBytes, e int) []byte {
	t.Helper()
	_, base := synth.Cert(time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC), name)
	var tbs []asn1.RawValue
	if _, err := asn1.Unmarshal(base.RawTBSCertificate, &tbs); err != nil || len(tbs) < 7 {
		t.Fatalf("TBS: %v (%d elements)", err, len(tbs))
	}
	n := new(big.Int).SetBytes(bytesOf(modBytes, 0x5a))
	n.SetBit(n, modBytes*8-1, 1).SetBit(n, 0, 1) // full length, odd
	spki, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: n, E: e})
	if err != nil {
		t.Fatal(err)
	}
	sha256WithRSA, _ := asn1.Marshal(struct {
		OID  asn1.ObjectIdentifier
		Null asn1.RawValue
	}{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}, asn1.NullRawValue})
	tbs[2] = asn1.RawValue{FullBytes: sha256WithRSA}
	tbs[6] = asn1.RawValue{FullBytes: spki}
	tbsDER, err := asn1.Marshal(tbs)
	if err != nil {
		t.Fatal(err)
	}
	sig := bytesOf(modBytes, 0x33)
	sig[0] = 0x01 // below the modulus
	der, err := asn1.Marshal(struct {
		TBS asn1.RawValue
		Alg asn1.RawValue
		Sig asn1.BitString
	}{asn1.RawValue{FullBytes: tbsDER}, asn1.RawValue{FullBytes: sha256WithRSA}, asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func bytesOf(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed ^ byte(i*131+i>>8)
	}
	return b
}

func TestBombHugeRSAKeyCertificate(t *testing.T) {
	// Eight flows, each with its own self-issued certificate whose RSA key
	// has a 32 KB modulus and exponent 2^31-1: checking each signature took
	// 3.5 s (a 127 KB modulus took 66 s). Keys over 8192 bits are not
	// checked, and the certificate says so.
	hello := clientHelloBody(sniExt("huge.example.test"))
	const flows = 8
	var frames []synth.Frame
	for i := range flows {
		der := hugeKeyCert(t, fmt.Sprintf("huge%d.example.test", i), 32<<10, 1<<31-1)
		frames = append(frames, oneFlow(fmt.Sprintf("10.0.0.%d:40000", i+1),
			synth.Records(handshakeMsg(1, len(hello), hello)), certFlight(der, len(der)+64, uint32(i)))...)
	}
	start := time.Now()
	a := decode.NewAnalyzer()
	feed(a, frames)
	took := time.Since(start)
	t.Logf("%d flows with 32 KB RSA keys (exponent 2^31-1): %v", flows, took)
	for _, f := range a.Flows() {
		if len(f.TLS.Certificates) == 0 {
			t.Fatalf("flow %d: no certificate decoded: %q", f.ID, f.TLS.Problem)
		}
		c := f.TLS.Certificates[0]
		if c.KeyType != "RSA-262144" || c.SelfSigned || !strings.Contains(c.SignatureNotChecked, "over the 8192-bit limit") {
			t.Errorf("flow %d: key %s, self-signed %v, not checked %q", f.ID, c.KeyType, c.SelfSigned, c.SignatureNotChecked)
		}
	}
	if took > timeBound(time.Second) {
		t.Errorf("%d huge-key certificates took %v: signature checks are not bounded", flows, took)
	}
	m := model.NewFlow(*a.Flows()[0])
	if chk, ok := model.CheckLeaf(m.TLS.Certificates, "huge0.example.test", m.First); !ok || chk.SelfIssuedUnchecked == "" {
		t.Errorf("leaf check %+v: the unchecked signature is not reported", chk)
	}

	// At the limit (8192 bits, exponent 65537) the check is made, and costs
	// milliseconds; a larger exponent is not checked.
	for _, tc := range []struct {
		e        int
		checked  bool
		noteWant string
	}{{65537, true, ""}, {1<<31 - 1, false, "exponent 2147483647"}} {
		der := hugeKeyCert(t, "limit.example.test", 1024, tc.e)
		a = decode.NewAnalyzer()
		start = time.Now()
		feed(a, oneFlow("10.0.0.9:40000", synth.Records(handshakeMsg(1, len(hello), hello)), certFlight(der, len(der)+64, 9)))
		took = time.Since(start)
		c := a.Flows()[0].TLS.Certificates[0]
		if got := c.SignatureNotChecked; (got == "") != tc.checked || !strings.Contains(got, tc.noteWant) {
			t.Errorf("8192-bit key, exponent %d: not checked %q", tc.e, got)
		}
		if took > timeBound(200*time.Millisecond) {
			t.Errorf("one 8192-bit key took %v", took)
		}
	}
}

func TestBombChainOfSelfIssuedCertificates(t *testing.T) {
	// Sixteen self-issued 8192-bit certificates with bad signatures in one
	// Certificate message: only the first two are checked, the rest say so.
	hello := clientHelloBody(sniExt("chain16.example.test"))
	der := hugeKeyCert(t, "chain16.example.test", 1024, 65537)
	var list []byte
	for range 16 {
		list = append(list, byte(len(der)>>16), byte(len(der)>>8), byte(len(der)))
		list = append(list, der...)
	}
	body := append([]byte{byte(len(list) >> 16), byte(len(list) >> 8), byte(len(list))}, list...)
	sh := []byte{0x03, 0x03}
	sh = append(sh, make([]byte, 32)...)
	sh = append(sh, 0, 0xc0, 0x2f, 0, 0, 0)
	server := synth.Records(append(handshakeMsg(2, len(sh), sh), handshakeMsg(11, len(body), body)...))
	start := time.Now()
	a := decode.NewAnalyzer()
	feed(a, oneFlow("10.0.0.1:40000", synth.Records(handshakeMsg(1, len(hello), hello)), server))
	took := time.Since(start)
	certs := a.Flows()[0].TLS.Certificates
	if len(certs) != 16 {
		t.Fatalf("%d certificates parsed, want 16", len(certs))
	}
	for i, c := range certs {
		if wantChecked := i < 2; (c.SignatureNotChecked == "") != wantChecked || c.SelfSigned {
			t.Errorf("certificate %d: self-signed %v, not checked %q", i, c.SelfSigned, c.SignatureNotChecked)
		}
	}
	t.Logf("16 self-issued 8192-bit certificates in one chain: %v", took)
	if took > timeBound(200*time.Millisecond) {
		t.Errorf("one chain took %v", took)
	}
}

func TestTimesOutsideNanosecondRange(t *testing.T) {
	// A handshake captured in the year 2600 (or with clocks that say so):
	// its events' times cannot be nanoseconds since 1970 in an int64, so it
	// has no handshake time rather than 9.2e12 ms.
	hello := synth.Records(handshakeMsg(1, len(clientHelloBody(sniExt("late.example.test"))), clientHelloBody(sniExt("late.example.test"))))
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443")
	c.TS = time.Date(2600, 7, 1, 12, 0, 0, 0, time.UTC)
	c.Handshake().Send(true, hello, 1400).Close(false, true)
	a := decode.NewAnalyzer()
	feed(a, c.Frames)
	f := model.NewFlow(*a.Flows()[0])
	if !f.First.Equal(time.Date(2600, 7, 1, 12, 0, 0, 1_000_000, time.UTC)) {
		t.Errorf("first packet at %v", f.First)
	}
	if d, ok := f.HandshakeTime(); ok {
		t.Errorf("handshake time %v from events pinned at the int64 limit", time.Duration(d))
	}
	for _, e := range f.Events {
		if e.TimeKnown() {
			t.Errorf("event %v at %d reads as a known time", e.Kind, e.At)
		}
	}
	if r := model.Report(&f); r.HandshakeMS != nil {
		t.Errorf("handshake_ms %v, want null", *r.HandshakeMS)
	}

	// Just before 1970: negative nanoseconds, exact durations.
	c = synth.New("10.0.0.1:40001", "10.0.0.2:443")
	c.TS = time.Date(1969, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
	c.Handshake().Send(true, hello, 1400).Close(false, true)
	a = decode.NewAnalyzer()
	feed(a, c.Frames)
	f = model.NewFlow(*a.Flows()[0])
	if d, ok := f.HandshakeTime(); !ok || time.Duration(d) != 4*time.Millisecond {
		t.Errorf("handshake across 1970: %v %v, want 4ms", time.Duration(d), ok)
	}
}
