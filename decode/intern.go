package decode

import (
	"unsafe"

	"github.com/pcapsurgery/pcapsurgery/decode/fingerprint"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// maxInterned bounds each interning table; when full it starts over.
const maxInterned = 4096

// remember puts k's v in the interning table *m, which starts over when it
// holds maxInterned.
func remember[K comparable, V any](m *map[K]V, k K, v V) {
	if *m == nil || len(*m) >= maxInterned {
		*m = make(map[K]V)
	}
	(*m)[k] = v
}

// internValue is the shared copy of v in *m, made the first time v is seen.
func internValue[T comparable](m *map[T]*T, v T) *T {
	if p, ok := (*m)[v]; ok {
		return p
	}
	p := &v
	remember(m, v, p)
	return p
}

const namedSlots = 4096 // interner.named

// interner shares identical lists between flows. A client stack sends the
// same cipher suites, extensions, groups and signature algorithms on every
// connection, so a million flows from a few client types hold a few copies.
type interner struct {
	u16     map[string][]uint16
	strs    map[string]string
	fps     map[fpKey][2]string
	clients map[string]*tlswire.ClientHello // see hellos.go
	// The flow ClientHellos last made, by name: a flow that sends a hello
	// already shared to a name already seen shares that pair too. A cache
	// (a name's slot holds the last one), not a map: with a name per flow, as
	// on a busy capture, a map only grew and was thrown away.
	named         [namedSlots]*ClientHello
	servers       map[string]sharedServerHello
	fpSets        map[Fingerprints]*Fingerprints
	skes          map[tlswire.ServerKeyExchangeInfo]*tlswire.ServerKeyExchangeInfo
	key           []byte              // scratch for hello keys
	scratch       tlswire.ClientHello // where the flows' ClientHellos are parsed: keep copies what is shared
	scratchServer tlswire.ServerHello // and their ServerHellos (keepServer)
}

// fpKey identifies a ClientHello's fingerprint inputs. After interning,
// identical lists share one array, so the array pointers stand for content.
type fpKey struct {
	suites, exts, groups, sigs, versions  *uint16
	nSuites, nExts, nGroups, nSigs, nVers int
	legacy                                uint16
	formats, alpn                         string
	sni, sslv2                            bool
}

func first(l []uint16) *uint16 {
	if len(l) == 0 {
		return nil
	}
	return &l[0]
}

// fingerprints returns the JA3 hash and JA4 of an interned ClientHello,
// computing each distinct combination once (hashing is costly per flow).
func (in *interner) fingerprints(ch *ClientHello) (ja3, ja4 string) {
	k := fpKey{
		suites: first(ch.CipherSuites), exts: first(ch.Extensions), groups: first(ch.SupportedGroups),
		sigs: first(ch.SignatureAlgorithms), versions: first(ch.SupportedVersions),
		nSuites: len(ch.CipherSuites), nExts: len(ch.Extensions), nGroups: len(ch.SupportedGroups),
		nSigs: len(ch.SignatureAlgorithms), nVers: len(ch.SupportedVersions),
		legacy: ch.LegacyVersion, formats: string(ch.ECPointFormats), sni: ch.SNI != "", sslv2: ch.SSLv2,
	}
	if len(ch.ALPN) > 0 {
		k.alpn = ch.ALPN[0]
	}
	if v, ok := in.fps[k]; ok {
		return v[0], v[1]
	}
	named := *ch.ClientHello // the shared hello has no name: JA4 says whether there was one
	named.SNI = ch.SNI
	_, ja3 = fingerprint.JA3(&named)
	ja4 = fingerprint.JA4(&named, fingerprint.ProtoTCP)
	remember(&in.fps, k, [2]string{ja3, ja4})
	return ja3, ja4
}

// keep returns the copy of ch that flows share: its lists shared with other
// hellos' (interned) or copied at their exact size, so it holds no memory of
// ch's; Random, SessionID and SNI cleared (each flow keeps its own). Shared
// hellos are never modified. TestKeptHelloHoldsNothingOfTheParsed checks
// every list is copied.
func (in *interner) keep(ch *tlswire.ClientHello) *tlswire.ClientHello {
	c := *ch
	c.Random, c.SessionID, c.SNI = [32]byte{}, nil, ""
	for _, l := range []*[]uint16{&c.CipherSuites, &c.Extensions, &c.SupportedVersions,
		&c.SupportedGroups, &c.KeyShares, &c.SignatureAlgorithms} {
		*l = in.list(*l)
	}
	for _, l := range []*[]uint8{&c.Compression, &c.ECPointFormats, &c.PSKModes} {
		*l = cloneBytes(*l)
	}
	if len(c.ALPN) == 0 {
		c.ALPN = nil
	} else {
		c.ALPN = make([]string, len(ch.ALPN))
		for i, a := range ch.ALPN {
			c.ALPN[i] = in.str(a)
		}
	}
	return &c
}

// cloneBytes copies b at its exact size (nil when empty).
func cloneBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// keyExchange returns a shared copy of a ServerKeyExchange's facts (a curve,
// or DHE: a few distinct values in a capture, instead of one on the heap
// per TLS 1.2 flow).
func (in *interner) keyExchange(v tlswire.ServerKeyExchangeInfo) *tlswire.ServerKeyExchangeInfo {
	return internValue(&in.skes, v)
}

func (in *interner) list(l []uint16) []uint16 {
	if len(l) == 0 {
		return nil
	}
	key := unsafe.String((*byte)(unsafe.Pointer(&l[0])), len(l)*2)
	if v, ok := in.u16[key]; ok {
		return v
	}
	l = append([]uint16(nil), l...) // exact size, and the key must point at memory we keep
	remember(&in.u16, unsafe.String((*byte)(unsafe.Pointer(&l[0])), len(l)*2), l)
	return l
}

func (in *interner) str(s string) string {
	if v, ok := in.strs[s]; ok {
		return v
	}
	remember(&in.strs, s, s)
	return s
}
