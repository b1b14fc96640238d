package tlswire

import (
	"errors"

	"golang.org/x/crypto/cryptobyte"
)

// ErrTruncated reports a message that ended before anything usable was read.
// Functions that return it may still return the fields read before the cut.
var ErrTruncated = errors.New("tlswire: message truncated")

// Storage bounds: a hostile message cannot make us keep more than this,
// however many entries it carries (duplicated extensions add up too).
const (
	maxExtensions = 4096
	maxSuites     = 4096
	maxUint16List = 4096 // groups, signature algorithms, versions
	maxUint8List  = 256  // point formats, PSK modes, compression methods
	maxALPN       = 64
	maxKeyShares  = 256
	// Real chains have a handful of certificates; a parsed one costs far
	// more memory than the 3 bytes an empty entry takes on the wire.
	maxCertificates = 64
)

// lenientVec reads a length-prefixed vector (prefix of 1, 2 or 3 bytes).
// A length that runs past the input is not trusted: the rest of the input is
// returned with full=false. ok=false when even the prefix is missing.
func lenientVec(s *cryptobyte.String, prefix int) (v cryptobyte.String, full, ok bool) {
	var n uint32
	switch prefix {
	case 1:
		var x uint8
		if !s.ReadUint8(&x) {
			return nil, false, false
		}
		n = uint32(x)
	case 2:
		var x uint16
		if !s.ReadUint16(&x) {
			return nil, false, false
		}
		n = uint32(x)
	default:
		if !s.ReadUint24(&n) {
			return nil, false, false
		}
	}
	if uint64(n) <= uint64(len(*s)) {
		v = (*s)[:n]
		*s = (*s)[n:]
		return v, true, true
	}
	v = *s
	*s = nil
	return v, false, true
}

// appendUint16s appends the big-endian uint16s of v to dst, storing at most
// limit in dst. It returns false when v has an odd byte left over.
func appendUint16s(dst []uint16, v cryptobyte.String, limit int) ([]uint16, bool) {
	for len(v) >= 2 {
		if len(dst) < limit {
			dst = append(dst, uint16(v[0])<<8|uint16(v[1]))
		}
		v = v[2:]
	}
	return dst, len(v) == 0
}

// appendUint8s appends the bytes of v to dst, storing at most limit in dst.
func appendUint8s(dst []uint8, v cryptobyte.String, limit int) []uint8 {
	room := limit - len(dst)
	if room <= 0 {
		return dst
	}
	if len(v) > room {
		v = v[:room]
	}
	return append(dst, v...)
}

// cloneBytes copies b so results never pin the caller's packet buffer.
func cloneBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte{}, b...)
}
