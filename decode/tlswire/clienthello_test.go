package tlswire

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// offsets returns where a ClientHello body's cipher suite length and
// extensions length sit.
func offsets(body []byte) (suitesAt, extsAt int) {
	suitesAt = 35 + int(body[34])
	n := int(body[suitesAt])<<8 | int(body[suitesAt+1])
	compAt := suitesAt + 2 + n
	return suitesAt, compAt + 1 + int(body[compAt])
}

func isPrefix[T comparable](a, b []T) bool {
	return len(a) <= len(b) && slices.Equal(a, b[:len(a)])
}

func TestClientHelloTruncatedEveryOffset(t *testing.T) {
	body := realSamples(t).clientHello13
	full := mustClientHello(t, body)
	if full.PSKIdentities != 1 || full.SNI == "" || len(full.ALPN) != 2 || len(full.KeyShares) == 0 {
		t.Fatalf("sample hello lacks the fields this test needs: %+v", full)
	}
	suitesAt, _ := offsets(body)
	suitesEnd := suitesAt + 2 + int(body[suitesAt])<<8 | int(body[suitesAt+1])
	var prev *ClientHello
	for i := 0; i <= len(body); i++ {
		ch, err := ParseClientHello(body[:i])
		if ch == nil {
			t.Fatalf("offset %d: nil hello", i)
		}
		if (err != nil) != (i < suitesEnd) {
			t.Fatalf("offset %d: err %v (suites end at %d)", i, err, suitesEnd)
		}
		if err != nil && !errors.Is(err, ErrTruncated) {
			t.Fatalf("offset %d: %v does not wrap ErrTruncated", i, err)
		}
		if i < len(body) && !ch.Truncated && i != suitesEnd+2 { // +2: a whole hello without extensions
			t.Fatalf("offset %d: not marked truncated", i)
		}
		// Every list only grows, and always along the final one.
		for name, ok := range map[string]bool{
			"suites":     isPrefix(ch.CipherSuites, full.CipherSuites),
			"extensions": isPrefix(ch.Extensions, full.Extensions),
			"alpn":       isPrefix(ch.ALPN, full.ALPN),
			"versions":   isPrefix(ch.SupportedVersions, full.SupportedVersions),
			"groups":     isPrefix(ch.SupportedGroups, full.SupportedGroups),
			"keyshares":  isPrefix(ch.KeyShares, full.KeyShares),
			"sigalgs":    isPrefix(ch.SignatureAlgorithms, full.SignatureAlgorithms),
			"pskmodes":   isPrefix(ch.PSKModes, full.PSKModes),
			"sni":        ch.SNI == "" || ch.SNI == full.SNI,
			"psk":        ch.PSKIdentities <= full.PSKIdentities,
		} {
			if !ok {
				t.Fatalf("offset %d: %s not a prefix of the full hello's", i, name)
			}
		}
		if prev != nil && (len(ch.Extensions) < len(prev.Extensions) || len(ch.CipherSuites) < len(prev.CipherSuites) ||
			len(ch.KeyShares) < len(prev.KeyShares) || len(ch.ALPN) < len(prev.ALPN) || (prev.SNI != "" && ch.SNI == "") ||
			ch.PSKIdentities < prev.PSKIdentities) {
			t.Fatalf("offset %d: lost fields the shorter body had", i)
		}
		prev = ch
	}
	if !slices.Equal(prev.Extensions, full.Extensions) || prev.Truncated {
		t.Fatalf("whole body parsed differently")
	}
}

func TestClientHelloLyingLengths(t *testing.T) {
	body := realSamples(t).clientHello13
	full := mustClientHello(t, body)
	suitesAt, extsAt := offsets(body)

	t.Run("extensions block 65535", func(t *testing.T) {
		b := slices.Clone(body)
		b[extsAt], b[extsAt+1] = 0xff, 0xff
		ch, err := ParseClientHello(b)
		if err != nil || !ch.Truncated || !slices.Equal(ch.Extensions, full.Extensions) || ch.SNI != full.SNI || ch.PSKIdentities != 1 {
			t.Errorf("err %v truncated %v extensions %v", err, ch.Truncated, ch.Extensions)
		}
	})
	t.Run("first extension 65535", func(t *testing.T) {
		b := slices.Clone(body)
		b[extsAt+4], b[extsAt+5] = 0xff, 0xff
		ch, err := ParseClientHello(b)
		if err != nil || !ch.Truncated || !slices.Equal(ch.Extensions, full.Extensions[:1]) {
			t.Errorf("err %v truncated %v extensions %v", err, ch.Truncated, ch.Extensions)
		}
	})
	t.Run("odd cipher list", func(t *testing.T) {
		b := slices.Clone(body)
		n := int(b[suitesAt])<<8 | int(b[suitesAt+1])
		b[suitesAt+1]-- // n-1: odd
		ch, err := ParseClientHello(b)
		if err != nil || !ch.Truncated || !slices.Equal(ch.CipherSuites, full.CipherSuites[:(n-1)/2]) {
			t.Errorf("err %v truncated %v suites %x", err, ch.Truncated, ch.CipherSuites)
		}
	})
	t.Run("cipher list past the end", func(t *testing.T) {
		b := slices.Clone(body[:suitesAt+6])
		b[suitesAt], b[suitesAt+1] = 0xff, 0xfe
		ch, err := ParseClientHello(b)
		if !errors.Is(err, ErrTruncated) || len(ch.CipherSuites) != 2 {
			t.Errorf("err %v suites %x", err, ch.CipherSuites)
		}
	})
	t.Run("sni entry past its list", func(t *testing.T) {
		data := sniExt("example.test")
		data[4] = 0xff // name length far beyond the list
		ch, err := ParseClientHello(helloSpec{version: VersionTLS12, suites: []uint16{0x1301}, comp: []byte{0},
			exts: []testExt{{extServerName, data}, {extALPN, []byte{0, 3, 2, 'h', '2'}}}}.body())
		if err != nil || !ch.Truncated || ch.SNI != "" || !slices.Equal(ch.ALPN, []string{"h2"}) {
			t.Errorf("err %v %+v", err, ch)
		}
	})
}

func TestClientHelloManyExtensions(t *testing.T) {
	// 30,000 empty extensions behind a block length of 65535: only what the
	// block covers is read, and only maxExtensions types are kept.
	const n = 30000
	b := helloSpec{version: VersionTLS12, suites: []uint16{0x1301}, comp: []byte{0}}.body()
	b = append(b, 0xff, 0xff)
	for i := range n {
		b = append(b, byte(0xff), byte(i), 0, 0)
	}
	start := time.Now()
	ch, err := ParseClientHello(b)
	if err != nil || !ch.Truncated || len(ch.Extensions) != maxExtensions || cap(ch.Extensions) > 2*maxExtensions {
		t.Fatalf("err %v truncated %v kept %d (cap %d)", err, ch.Truncated, len(ch.Extensions), cap(ch.Extensions))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}

	// Lists inside one extension are bounded too.
	alpn := []byte{0, 0}
	for range n {
		alpn = append(alpn, 1, 'x')
	}
	alpn[0], alpn[1] = byte((len(alpn)-2)>>8), byte(len(alpn)-2)
	shares := []byte{0, 0}
	for i := range 16000 {
		shares = append(shares, byte(i>>8), byte(i), 0, 0)
	}
	shares[0], shares[1] = byte((len(shares)-2)>>8), byte(len(shares)-2)
	for _, tc := range []struct {
		ext   testExt
		check func(*ClientHello) bool
	}{
		{testExt{extALPN, alpn}, func(ch *ClientHello) bool { return len(ch.ALPN) == maxALPN }},
		{testExt{extKeyShare, shares}, func(ch *ClientHello) bool { return len(ch.KeyShares) == maxKeyShares }},
	} {
		ch, err := ParseClientHello(helloSpec{version: VersionTLS12, suites: []uint16{0x1301}, comp: []byte{0}, exts: []testExt{tc.ext}}.body())
		if err != nil || ch.Truncated || !tc.check(ch) {
			t.Errorf("extension %d: err %v truncated %v alpn %d shares %d", tc.ext.typ, err, ch.Truncated, len(ch.ALPN), len(ch.KeyShares))
		}
	}
}

// Linear time: ten times the extensions must not cost a hundred times more.
func TestClientHelloLinearTime(t *testing.T) {
	build := func(n int) []byte {
		var exts []testExt
		for i := range n {
			exts = append(exts, testExt{uint16(0xff00 + i%200), nil})
		}
		return helloSpec{version: VersionTLS12, suites: []uint16{0x1301}, comp: []byte{0}, exts: exts}.body()
	}
	small, large := build(1600), build(16000)
	measure := func(b []byte) time.Duration {
		best := time.Hour
		for range 5 {
			start := time.Now()
			ParseClientHello(b)
			best = min(best, time.Since(start))
		}
		return best
	}
	ts, tl := measure(small), measure(large)
	if tl > 40*ts+time.Millisecond {
		t.Errorf("1,600 extensions %v, 16,000 extensions %v: not linear", ts, tl)
	}
}

func TestClientHelloGREASEPreserved(t *testing.T) {
	ch := mustClientHello(t, helloSpec{
		version: VersionTLS12,
		suites:  []uint16{0x0a0a, 0x1301, 0x1302, 0xfafa},
		comp:    []byte{0},
		exts: []testExt{
			{0x2a2a, nil},
			{extSupportedGroups, u16vec(0x3a3a, 29, 23)},
			{extSupportedVersions, []byte{6, 0x4a, 0x4a, 0x03, 0x04, 0x03, 0x03}},
			{extKeyShare, []byte{0, 5, 0x3a, 0x3a, 0, 1, 0}},
			{0x1a1a, []byte{0}},
		},
	}.body())
	if !slices.Equal(ch.CipherSuites, []uint16{0x0a0a, 0x1301, 0x1302, 0xfafa}) ||
		!slices.Equal(ch.Extensions, []uint16{0x2a2a, extSupportedGroups, extSupportedVersions, extKeyShare, 0x1a1a}) ||
		!slices.Equal(ch.SupportedGroups, []uint16{0x3a3a, 29, 23}) ||
		!slices.Equal(ch.SupportedVersions, []uint16{0x4a4a, 0x0304, 0x0303}) ||
		!slices.Equal(ch.KeyShares, []uint16{0x3a3a}) {
		t.Errorf("GREASE not kept in order: %+v", ch)
	}
}

func TestClientHelloSNI(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty list", sniExt(), ""},
		{"control bytes raw", sniExt("ex\x00am\x1bple\n.test\xff"), "ex\x00am\x1bple\n.test\xff"},
		{"first host_name wins", sniExt("one.test", "two.test"), "one.test"},
		{"non-host_name entries skipped", []byte{0, 8, 7, 0, 1, 'x', 0, 0, 1, 'y'}, "y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := mustClientHello(t, helloSpec{version: VersionTLS12, suites: []uint16{0x1301}, comp: []byte{0},
				exts: []testExt{{extServerName, tc.data}, {extServerName, sniExt("later.test")}}}.body())
			if tc.name == "empty list" {
				tc.want = "later.test" // an empty first extension names nothing
			}
			if ch.SNI != tc.want || !slices.Equal(ch.Extensions, []uint16{0, 0}) {
				t.Errorf("SNI %q, want %q; extensions %v", ch.SNI, tc.want, ch.Extensions)
			}
		})
	}
	ch := mustClientHello(t, helloSpec{version: VersionTLS12, suites: []uint16{0x1301}, comp: []byte{0},
		exts: []testExt{{extServerName, sniExt()}}}.body())
	if ch.SNI != "" || !slices.Equal(ch.Extensions, []uint16{0}) {
		t.Errorf("empty SNI list: %+v", ch)
	}
}

func TestClientHelloNoExtensionsAndMisc(t *testing.T) {
	ch := mustClientHello(t, helloSpec{version: VersionTLS10, sid: []byte{1, 2, 3}, suites: []uint16{0x002f, 0x0035}, comp: []byte{1, 0}}.body())
	if ch.LegacyVersion != VersionTLS10 || !slices.Equal(ch.SessionID, []byte{1, 2, 3}) || !slices.Equal(ch.Compression, []byte{1, 0}) || ch.Extensions != nil {
		t.Errorf("%+v", ch)
	}
	ch = mustClientHello(t, helloSpec{version: VersionTLS12, suites: []uint16{0x1301}, comp: []byte{0}, exts: []testExt{
		{extEarlyData, nil}, {extECH, []byte{0}}, {extSessionTicket, make([]byte, 190)},
		{extPreSharedKey, []byte{0, 16, 0, 2, 'a', 'b', 0, 0, 0, 1, 0, 2, 'c', 'd', 0, 0, 0, 2}},
	}}.body())
	if !ch.EarlyData || !ch.ECH || !ch.SessionTicket || ch.SessionTicketLen != 190 || ch.PSKIdentities != 2 {
		t.Errorf("%+v", ch)
	}
	if _, err := ParseClientHello(nil); !errors.Is(err, ErrTruncated) {
		t.Errorf("empty body: %v", err)
	}
}

func TestServerHelloTruncatedEveryOffset(t *testing.T) {
	s := realSamples(t)
	for _, body := range [][]byte{s.serverHello13, s.serverHello12, s.helloRetry} {
		full := mustServerHello(t, body)
		suiteEnd := 35 + int(body[34]) + 2
		for i := 0; i <= len(body); i++ {
			sh, err := ParseServerHello(body[:i])
			if (err != nil) != (i < suiteEnd) || !isPrefix(sh.Extensions, full.Extensions) {
				t.Fatalf("offset %d: err %v extensions %v", i, err, sh.Extensions)
			}
			if sh.KeyShareGroup != 0 && sh.KeyShareGroup != full.KeyShareGroup || sh.HelloRetry != (full.HelloRetry && i >= 34) {
				t.Fatalf("offset %d: %+v", i, sh)
			}
		}
	}
}

func TestServerHelloSentinelsAndErrors(t *testing.T) {
	body := slices.Clone(realSamples(t).serverHello12)
	copy(body[2+24:], []byte{0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x00})
	if sh := mustServerHello(t, body); sh.DowngradeSentinel != "TLS11" {
		t.Errorf("sentinel %q", sh.DowngradeSentinel)
	}
	body[2+31] = 0x02
	if sh := mustServerHello(t, body); sh.DowngradeSentinel != "" {
		t.Errorf("sentinel %q for an unknown last byte", sh.DowngradeSentinel)
	}
	if sh, err := ParseServerHello(body[:10]); !errors.Is(err, ErrTruncated) || sh.SelectedPSK != -1 {
		t.Errorf("short: %v %+v", err, sh)
	}
}

// TestClientHelloIntoReusesNothingVisible: parsing hellos one after another
// into one ClientHello (as decode does) reads each exactly as a fresh parse
// does, whatever the one before held, cut short or whole.
func TestClientHelloIntoReusesNothingVisible(t *testing.T) {
	s := realSamples(t)
	bodies := [][]byte{s.clientHello13, s.clientHello12, s.clientHello13[:60], {}, s.clientHello12[:len(s.clientHello12)-3],
		helloSpec{version: VersionTLS12, suites: []uint16{0x1301}}.body(), s.clientHello13}
	var reused ClientHello
	for i, body := range bodies {
		fresh, err := ParseClientHello(body)
		errInto := ParseClientHelloInto(&reused, body)
		if (err == nil) != (errInto == nil) || !sameHello(&reused, fresh) {
			t.Errorf("hello %d: ParseClientHelloInto read\n%+v\nParseClientHello\n%+v", i, reused, *fresh)
		}
	}
}

// TestServerHelloIntoReusesNothingVisible is
// TestClientHelloIntoReusesNothingVisible for ServerHellos.
func TestServerHelloIntoReusesNothingVisible(t *testing.T) {
	s := realSamples(t)
	bodies := [][]byte{s.serverHello13, s.serverHello12, s.helloRetry, s.serverHello13[:40], {},
		s.serverHello12[:len(s.serverHello12)-1], s.serverHello13}
	var reused ServerHello
	for i, body := range bodies {
		fresh, err := ParseServerHello(body)
		errInto := ParseServerHelloInto(&reused, body)
		if (err == nil) != (errInto == nil) || !sameFields(&reused, fresh) {
			t.Errorf("hello %d: ParseServerHelloInto read\n%+v\nParseServerHello\n%+v", i, reused, *fresh)
		}
	}
}

// TestHellosIntoAllocateNothingTheSecondTime: the same client stack's next
// hello, parsed into the last one's memory, allocates nothing (decode parses
// every flow's hellos so; before, each took a dozen allocations).
func TestHellosIntoAllocateNothingTheSecondTime(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	s := realSamples(t)
	var ch ClientHello
	var sh ServerHello
	for _, c := range []struct {
		what  string
		parse func() error
	}{
		{"ClientHello (TLS 1.3)", func() error { return ParseClientHelloInto(&ch, s.clientHello13) }},
		{"ClientHello (TLS 1.2)", func() error { return ParseClientHelloInto(&ch, s.clientHello12) }},
		{"ServerHello (TLS 1.3)", func() error { return ParseServerHelloInto(&sh, s.serverHello13) }},
		{"ServerHello (TLS 1.2)", func() error { return ParseServerHelloInto(&sh, s.serverHello12) }},
	} {
		if err := c.parse(); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(20, func() { _ = c.parse() }); n != 0 {
			t.Errorf("%s parsed again: %.0f allocations, want none", c.what, n)
		}
	}
	if ch.SNI == "" || len(ch.ALPN) == 0 {
		t.Errorf("the sample hello has no name or ALPN (%q %q): the test proves less than it says", ch.SNI, ch.ALPN)
	}
}
