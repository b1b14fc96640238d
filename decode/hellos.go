package decode

import (
	"encoding/binary"

	"github.com/pcapsurgery/pcapsurgery/decode/fingerprint"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// Hellos are shared between flows. One client stack sends the same
// ClientHello on every connection except for its random and session ID, and
// one server answers with the same ServerHello: a busy capture holds a few
// hundred distinct hellos, not one per flow (they were a quarter of the
// memory per flow). A shared hello has Random and SessionID cleared; the
// flow keeps its session IDs in TLSFacts.SessionIDs. Shared hellos are
// never modified.

// sharedServerHello is an interned ServerHello and its JA3S hash.
type sharedServerHello struct {
	sh   *tlswire.ServerHello
	ja3s string
}

// sharedClientHello returns the flow-independent copy of ch: ch itself,
// with its lists interned, the first time its content is seen.
func (in *interner) sharedClientHello(ch *tlswire.ClientHello) *tlswire.ClientHello {
	ch.Random, ch.SessionID = [32]byte{}, nil
	in.key = clientHelloKey(in.key[:0], ch)
	if v, ok := in.clients[string(in.key)]; ok {
		return v
	}
	in.clientHello(ch)
	if in.clients == nil || len(in.clients) >= maxInterned {
		in.clients = make(map[string]*tlswire.ClientHello)
	}
	in.clients[string(in.key)] = ch
	return ch
}

// sharedServerHello returns the flow-independent copy of sh and its JA3S.
func (in *interner) sharedServerHello(sh *tlswire.ServerHello) (*tlswire.ServerHello, string) {
	sh.Random, sh.SessionID = [32]byte{}, nil
	in.key = serverHelloKey(in.key[:0], sh)
	if v, ok := in.servers[string(in.key)]; ok {
		return v.sh, v.ja3s
	}
	sh.Extensions = in.list(sh.Extensions)
	_, ja3s := fingerprint.JA3S(sh)
	if in.servers == nil || len(in.servers) >= maxInterned {
		in.servers = make(map[string]sharedServerHello)
	}
	in.servers[string(in.key)] = sharedServerHello{sh, ja3s}
	return sh, ja3s
}

// clientHelloKey encodes every field of ch except Random and SessionID.
// TestHelloKeysCoverEveryField fails when a field is added and not here.
func clientHelloKey(k []byte, ch *tlswire.ClientHello) []byte {
	k = keyBool(k, ch.SSLv2)
	k = binary.BigEndian.AppendUint16(k, ch.LegacyVersion)
	k = keyU16s(k, ch.CipherSuites)
	k = keyBytes(k, ch.Compression)
	k = keyU16s(k, ch.Extensions)
	k = keyBytes(k, []byte(ch.SNI))
	k = binary.AppendUvarint(k, uint64(len(ch.ALPN)))
	for _, a := range ch.ALPN {
		k = keyBytes(k, []byte(a))
	}
	k = keyU16s(k, ch.SupportedVersions)
	k = keyU16s(k, ch.SupportedGroups)
	k = keyBytes(k, ch.ECPointFormats)
	k = keyU16s(k, ch.KeyShares)
	k = keyU16s(k, ch.SignatureAlgorithms)
	k = keyBytes(k, ch.PSKModes)
	k = binary.AppendVarint(k, int64(ch.PSKIdentities))
	k = keyBool(k, ch.EarlyData)
	k = keyBool(k, ch.SessionTicket)
	k = binary.AppendVarint(k, int64(ch.SessionTicketLen))
	k = keyBool(k, ch.ECH)
	return keyBool(k, ch.Truncated)
}

// serverHelloKey encodes every field of sh except Random and SessionID.
func serverHelloKey(k []byte, sh *tlswire.ServerHello) []byte {
	k = binary.BigEndian.AppendUint16(k, sh.LegacyVersion)
	k = binary.BigEndian.AppendUint16(k, sh.CipherSuite)
	k = append(k, sh.Compression)
	k = keyU16s(k, sh.Extensions)
	k = binary.BigEndian.AppendUint16(k, sh.SupportedVersion)
	k = binary.BigEndian.AppendUint16(k, sh.KeyShareGroup)
	k = binary.AppendVarint(k, int64(sh.SelectedPSK))
	k = keyBytes(k, []byte(sh.ALPN))
	k = keyBool(k, sh.SessionTicketAck)
	k = keyBool(k, sh.HelloRetry)
	k = keyBytes(k, []byte(sh.DowngradeSentinel))
	return keyBool(k, sh.Truncated)
}

// Length-prefixed, so no two different field sequences share a key.
func keyU16s(k []byte, l []uint16) []byte {
	k = binary.AppendUvarint(k, uint64(len(l)))
	for _, v := range l {
		k = binary.BigEndian.AppendUint16(k, v)
	}
	return k
}

func keyBytes(k, b []byte) []byte {
	k = binary.AppendUvarint(k, uint64(len(b)))
	return append(k, b...)
}

func keyBool(k []byte, b bool) []byte {
	if b {
		return append(k, 1)
	}
	return append(k, 0)
}
