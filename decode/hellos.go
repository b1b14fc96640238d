package decode

import (
	"encoding/binary"

	"github.com/pcapsurgery/pcapsurgery/decode/fingerprint"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// Hellos are shared between flows. One client stack sends the same
// ClientHello on every connection except for its random, session ID and
// server name, and one server answers with the same ServerHello: a busy
// capture holds a few hundred distinct hellos, not one per flow (they were
// a quarter of the memory per flow). A shared hello has Random, SessionID
// and SNI cleared; the flow keeps its session IDs in TLSFacts.SessionIDs and
// its server name in its ClientHello (below). Shared hellos are never
// modified.

// ClientHello is a flow's ClientHello: the hello shared by every flow whose
// client sent the same one, and this flow's own server name, which shadows
// the shared hello's cleared one, so ch.SNI is always the flow's. It is
// shared too, by the flows that sent the same hello to the same name.
type ClientHello struct {
	*tlswire.ClientHello
	SNI string // first host_name entry, raw bytes
}

// NewClientHello is the flow's ClientHello for a hello made by hand (tests,
// what-if flows): ch keeps its SNI, and the result shows the same one.
func NewClientHello(ch *tlswire.ClientHello) *ClientHello {
	return &ClientHello{ClientHello: ch, SNI: ch.SNI}
}

// Copy is a copy of h with a wire hello of its own, for code that changes a
// flow's hello (tests, what-if flows): the hellos of an analyzer's flows are
// shared and never written.
func (h *ClientHello) Copy() *ClientHello {
	wire := *h.ClientHello
	return &ClientHello{ClientHello: &wire, SNI: h.SNI}
}

// sharedServerHello is an interned ServerHello and its JA3S hash.
type sharedServerHello struct {
	sh   *tlswire.ServerHello
	ja3s string
}

// sharedClientHello returns the flow's ClientHello for the parsed ch: the
// flow-independent copy of ch (made the first time its content is seen) with
// ch's server name. ch is left as it was, and nothing returned holds memory
// of ch's: it may be a parser's scratch (interner.scratch).
func (in *interner) sharedClientHello(ch *tlswire.ClientHello) *ClientHello {
	in.key = clientHelloSharingKey(in.key[:0], ch)
	shared, ok := in.clients[string(in.key)]
	if !ok {
		shared = in.keep(ch)
		remember(&in.clients, string(in.key), shared)
	}
	sni := ch.SNI
	slot := &in.named[nameSlot(sni)]
	if v := *slot; v != nil && v.ClientHello == shared && v.SNI == sni {
		return v
	}
	v := &ClientHello{ClientHello: shared, SNI: sni}
	*slot = v
	return v
}

// nameSlot is a server name's place in interner.named (FNV-1a).
func nameSlot(sni string) int {
	h := uint32(2166136261)
	for i := 0; i < len(sni); i++ {
		h = (h ^ uint32(sni[i])) * 16777619
	}
	return int(h % namedSlots)
}

// sharedServerHello returns the flow-independent copy of sh and its JA3S,
// made the first time its content is seen. sh is left as it was, and what is
// returned holds no memory of sh's: it may be a parser's scratch.
func (in *interner) sharedServerHello(sh *tlswire.ServerHello) (*tlswire.ServerHello, string) {
	in.key = serverHelloKey(in.key[:0], sh)
	if v, ok := in.servers[string(in.key)]; ok {
		return v.sh, v.ja3s
	}
	kept := in.keepServer(sh)
	_, ja3s := fingerprint.JA3S(kept)
	remember(&in.servers, string(in.key), sharedServerHello{kept, ja3s})
	return kept, ja3s
}

// keepServer is keep for a ServerHello: Random and SessionID cleared, its
// list shared or copied.
func (in *interner) keepServer(sh *tlswire.ServerHello) *tlswire.ServerHello {
	c := *sh
	c.Random, c.SessionID = [32]byte{}, nil
	c.Extensions = in.list(sh.Extensions)
	return &c
}

// clientHelloSharingKey encodes every field of ch except Random, SessionID
// and the server name, of which only whether there was one: a hello with no
// name differs (JA4 says so). TestHelloKeysCoverEveryField fails when a
// field is added and not here.
func clientHelloSharingKey(k []byte, ch *tlswire.ClientHello) []byte {
	k = keyBool(k, ch.SSLv2)
	k = binary.BigEndian.AppendUint16(k, ch.LegacyVersion)
	k = keyU16s(k, ch.CipherSuites)
	k = keyBytes(k, ch.Compression)
	k = keyU16s(k, ch.Extensions)
	k = keyBool(k, ch.SNI != "")
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
