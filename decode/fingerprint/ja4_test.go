package fingerprint

import (
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// specChrome is the ClientHello behind FoxIO's documented example
// (technical_details/JA4.md), rebuilt from its ja4_ro, with GREASE added
// where Chrome puts it.
func specChrome() *tlswire.ClientHello {
	return &tlswire.ClientHello{
		LegacyVersion: 0x0303,
		CipherSuites: []uint16{0x3a3a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
			0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		Extensions: []uint16{0x0a0a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d,
			0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0xfafa},
		SNI:                 "example.com",
		ALPN:                []string{"h2", "http/1.1"},
		SupportedVersions:   []uint16{0x5a5a, 0x0304, 0x0303},
		SupportedGroups:     []uint16{0x2a2a, 0x001d, 0x0017, 0x0018},
		ECPointFormats:      []uint8{0},
		SignatureAlgorithms: []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601},
	}
}

// chrome143 is browserleaks' published Chrome 143 hello (ja4_ro/ja3_text),
// with GREASE put back.
func chrome143() *tlswire.ClientHello {
	return &tlswire.ClientHello{
		LegacyVersion: 0x0303,
		CipherSuites: []uint16{0x9a9a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
			0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		Extensions: []uint16{0xdada, 0x002d, 0x0033, 0x0010, 0xfe0d, 0x0017, 0x44cd, 0x0000, 0x000b,
			0x000a, 0x002b, 0xff01, 0x0023, 0x0012, 0x0005, 0x000d, 0x001b, 0x4a4a},
		SNI:                 "tls-outer.browserleaks.com",
		ALPN:                []string{"h2", "http/1.1"},
		SupportedVersions:   []uint16{0x7a7a, 0x0304, 0x0303},
		SupportedGroups:     []uint16{0x8a8a, 0x11ec, 0x001d, 0x0017, 0x0018},
		ECPointFormats:      []uint8{0},
		SignatureAlgorithms: []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601},
		ECH:                 true,
	}
}

// sigalgGREASE is FoxIO's pcap/sigalg-grease.pcapng hello (python testdata
// JA4_ro), with GREASE in the signature algorithms as the capture name says.
func sigalgGREASE() *tlswire.ClientHello {
	return &tlswire.ClientHello{
		LegacyVersion: 0x0303,
		CipherSuites: []uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
			0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		Extensions: []uint16{0xfe0d, 0x0010, 0x0017, 0x0033, 0x44cd, 0xff01, 0x000a, 0x000d, 0x0023,
			0x002b, 0x000b, 0xca34, 0x002d, 0x0000, 0x0005, 0x001b, 0x0012},
		SNI:                 "optimizationguide-pa.googleapis.com",
		ALPN:                []string{"h2", "http/1.1"},
		SupportedVersions:   []uint16{0x0304, 0x0303},
		SignatureAlgorithms: []uint16{0x6a6a, 0x0904, 0x0905, 0x0906, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601},
	}
}

func TestJA4Published(t *testing.T) {
	cases := []struct {
		name       string
		ch         *tlswire.ClientHello
		ja4, r, ro string
	}{
		{
			"FoxIO JA4.md example", specChrome(),
			"t13d1516h2_8daaf6152771_e5627efa2ab1",
			"t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601",
			"t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601",
		},
		{
			"browserleaks Chrome 143", chrome143(),
			"t13d1516h2_8daaf6152771_d8a2da3f94cd",
			"t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,44cd,fe0d,ff01_0403,0804,0401,0503,0805,0501,0806,0601",
			"t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_002d,0033,0010,fe0d,0017,44cd,0000,000b,000a,002b,ff01,0023,0012,0005,000d,001b_0403,0804,0401,0503,0805,0501,0806,0601",
		},
		{
			"FoxIO sigalg-grease.pcapng", sigalgGREASE(),
			"t13d1517h2_8daaf6152771_cb7bf5808d99",
			"t13d1517h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,44cd,ca34,fe0d,ff01_0904,0905,0906,0403,0804,0401,0503,0805,0501,0806,0601",
			"t13d1517h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_fe0d,0010,0017,0033,44cd,ff01,000a,000d,0023,002b,000b,ca34,002d,0000,0005,001b,0012_0904,0905,0906,0403,0804,0401,0503,0805,0501,0806,0601",
		},
	}
	for _, c := range cases {
		if got := JA4(c.ch, ProtoTCP); got != c.ja4 {
			t.Errorf("%s: JA4 = %s, want %s", c.name, got, c.ja4)
		}
		if got := JA4R(c.ch, ProtoTCP); got != c.r {
			t.Errorf("%s: JA4R =\n%s\nwant\n%s", c.name, got, c.r)
		}
		if got := JA4RO(c.ch, ProtoTCP); got != c.ro {
			t.Errorf("%s: JA4RO =\n%s\nwant\n%s", c.name, got, c.ro)
		}
	}
}

// JA4.md: without signature algorithms the extension string has no "_"
// and hashes to 6d807ffa2a79.
func TestJA4NoSignatureAlgorithms(t *testing.T) {
	ch := specChrome()
	ch.SignatureAlgorithms = nil
	if got := JA4(ch, ProtoTCP); !strings.HasSuffix(got, "_6d807ffa2a79") {
		t.Errorf("JA4 = %s, want ..._6d807ffa2a79", got)
	}
}

func TestJA4Edges(t *testing.T) {
	many := make([]uint16, 0, 120)
	for i := 0; i < 120; i++ {
		many = append(many, uint16(0xc000+i))
	}
	cases := []struct {
		name  string
		ch    tlswire.ClientHello
		proto byte
		want  string // full JA4, or a prefix ending in '_'
	}{
		{"no extensions", tlswire.ClientHello{LegacyVersion: 0x0303, CipherSuites: []uint16{0xc02f, 0x009c}},
			ProtoTCP, "t12i020000_" + hash12("009c,c02f") + "_000000000000"},
		{"nothing at all", tlswire.ClientHello{LegacyVersion: 0x0301},
			ProtoTCP, "t10i000000_000000000000_000000000000"},
		{"GREASE everywhere", tlswire.ClientHello{LegacyVersion: 0x0303,
			CipherSuites: []uint16{0x0a0a, 0xfafa}, Extensions: []uint16{0x1a1a, 0x2a2a},
			SupportedVersions: []uint16{0x3a3a}, SignatureAlgorithms: []uint16{0x4a4a}},
			ProtoTCP, "t12i000000_000000000000_000000000000"},
		{"100+ ciphers", tlswire.ClientHello{LegacyVersion: 0x0303, CipherSuites: many, Extensions: many},
			ProtoTCP, "t12i999900_"},
		{"SNI only extension", tlswire.ClientHello{LegacyVersion: 0x0303, CipherSuites: []uint16{0x002f},
			Extensions: []uint16{0x0000}, SNI: "a.example"},
			ProtoTCP, "t12d010100_" + hash12("002f") + "_000000000000"},
		{"SSLv2 hello offering TLS 1.0", tlswire.ClientHello{SSLv2: true, LegacyVersion: 0x0301, CipherSuites: []uint16{0x0004}},
			ProtoTCP, "t10i010000_"},
		{"SSL 2.0 version", tlswire.ClientHello{LegacyVersion: 0x0002}, ProtoTCP, "ts2i000000_"},
		{"SSL 3.0", tlswire.ClientHello{LegacyVersion: 0x0300}, ProtoTCP, "ts3i000000_"},
		{"unknown version", tlswire.ClientHello{LegacyVersion: 0x0305}, ProtoTCP, "t00i000000_"},
		{"draft version", tlswire.ClientHello{LegacyVersion: 0x0303, SupportedVersions: []uint16{0x7f17}}, ProtoTCP, "t00i000000_"},
		{"QUIC", tlswire.ClientHello{LegacyVersion: 0x0303, SupportedVersions: []uint16{0x0304}, ALPN: []string{"h3"}}, ProtoQUIC, "q13i0000h3_"},
		{"DTLS 1.3 beats 1.2", tlswire.ClientHello{LegacyVersion: 0xfefd, SupportedVersions: []uint16{0xfefd, 0xfefc}}, ProtoDTLS, "dd3i000000_"},
		{"DTLS 1.2 legacy", tlswire.ClientHello{LegacyVersion: 0xfefd}, ProtoDTLS, "dd2i000000_"},
	}
	for _, c := range cases {
		got := JA4(&c.ch, c.proto)
		if strings.HasSuffix(c.want, "_") && !strings.HasPrefix(got, c.want) || !strings.HasSuffix(c.want, "_") && got != c.want {
			t.Errorf("%s: JA4 = %s, want %s", c.name, got, c.want)
		}
	}
}

// ALPN characters follow FoxIO's reference implementation (see README.md).
func TestJA4ALPN(t *testing.T) {
	cases := []struct {
		alpn []string
		want string
	}{
		{nil, "00"},
		{[]string{}, "00"},
		{[]string{""}, "00"},
		{[]string{"", "h2"}, "00"},
		{[]string{"h2"}, "h2"},
		{[]string{"http/1.1", "h2"}, "h1"},
		{[]string{"h3"}, "h3"},
		{[]string{"a"}, "a0"},          // spec: "aa"
		{[]string{"\xab"}, "90"},       // spec: "ab"
		{[]string{"\xab\xcd"}, "99"},   // spec: "ad"
		{[]string{"\x30\xab"}, "09"},   // spec: "3b"
		{[]string{"0\xab\xcd1"}, "01"}, // spec: "01" (both agree)
		{[]string{"x\xc3\xa9"}, "x9"},  // UTF-8 é: each byte is non-ASCII
		{[]string{"h/"}, "h/"},         // ASCII punctuation passes through
	}
	for _, c := range cases {
		if got := string(alpnChars(c.alpn)); got != c.want {
			t.Errorf("alpnChars(%q) = %q, want %q", c.alpn, got, c.want)
		}
	}
	ch := tlswire.ClientHello{LegacyVersion: 0x0303, ALPN: []string{"\xab\xcd"}, Extensions: []uint16{0x0010}}
	if got := JA4(&ch, ProtoTCP); !strings.HasPrefix(got, "t12i000199_") {
		t.Errorf("JA4 = %s", got)
	}
}

func BenchmarkJA4(b *testing.B) {
	ch := specChrome()
	for i := 0; i < b.N; i++ {
		_ = JA4(ch, ProtoTCP)
	}
}
