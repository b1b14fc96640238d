package decode

import (
	"unsafe"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// maxInterned bounds each interning table; when full it starts over.
const maxInterned = 4096

// interner shares identical lists between flows. A client stack sends the
// same cipher suites, extensions, groups and signature algorithms on every
// connection, so a million flows from a few client types hold a few copies.
type interner struct {
	u16  map[string][]uint16
	strs map[string]string
}

// clientHello replaces a hello's lists with shared copies. Parsed hellos are
// never modified afterwards, so sharing is safe.
func (in *interner) clientHello(ch *tlswire.ClientHello) {
	for _, l := range []*[]uint16{&ch.CipherSuites, &ch.Extensions, &ch.SupportedVersions,
		&ch.SupportedGroups, &ch.KeyShares, &ch.SignatureAlgorithms} {
		*l = in.list(*l)
	}
	ch.SNI = in.str(ch.SNI)
	for i := range ch.ALPN {
		ch.ALPN[i] = in.str(ch.ALPN[i])
	}
}

func (in *interner) list(l []uint16) []uint16 {
	if len(l) == 0 {
		return nil
	}
	key := unsafe.String((*byte)(unsafe.Pointer(&l[0])), len(l)*2)
	if v, ok := in.u16[key]; ok {
		return v
	}
	if in.u16 == nil || len(in.u16) >= maxInterned {
		in.u16 = make(map[string][]uint16)
	}
	l = append([]uint16(nil), l...) // exact size, and the key must point at memory we keep
	in.u16[unsafe.String((*byte)(unsafe.Pointer(&l[0])), len(l)*2)] = l
	return l
}

func (in *interner) str(s string) string {
	if v, ok := in.strs[s]; ok {
		return v
	}
	if in.strs == nil || len(in.strs) >= maxInterned {
		in.strs = make(map[string]string)
	}
	in.strs[s] = s
	return s
}
