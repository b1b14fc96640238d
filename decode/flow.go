// Package decode turns a capture into facts per TCP connection: endpoints, a
// timeline of TCP and TLS events, the decoded hellos and certificates, and
// fingerprints. It knows nothing of outcomes or screens: bytes in, facts out.
package decode

import (
	"math"
	"net/netip"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// Dir is a direction within a flow: FromClient or FromServer.
type Dir uint8

const (
	FromClient Dir = 0
	FromServer Dir = 1
)

func (d Dir) String() string {
	if d == FromClient {
		return "client"
	}
	return "server"
}

// Other returns the opposite direction.
func (d Dir) Other() Dir { return d ^ 1 }

// ClientBasis says how the client side of a flow was decided: one byte a
// flow, written as its String in text and JSON.
type ClientBasis uint8

const (
	BySYN         ClientBasis = iota + 1 // the side that sent the SYN
	BySYNACK                             // the other side of a SYN-ACK
	ByClientHello                        // the side that sent a ClientHello
	ByServerHello                        // the other side of a ServerHello
	ByPort                               // the higher (ephemeral) port
)

var clientBasisNames = [...]string{BySYN: "syn", BySYNACK: "syn-ack", ByClientHello: "client_hello",
	ByServerHello: "server_hello", ByPort: "port"}

// String is the basis's name ("syn", "client_hello", ...; "" when not decided).
func (b ClientBasis) String() string {
	if int(b) < len(clientBasisNames) {
		return clientBasisNames[b]
	}
	return ""
}

// MarshalText writes the name, as the JSON of a flow has always said it.
func (b ClientBasis) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// Flow is what we know about one TCP connection. Every string field holds raw
// bytes from the network: sanitise before display.
type Flow struct {
	ID          int // 1-based, in order of first packet
	Client      netip.AddrPort
	Server      netip.AddrPort
	First, Last time.Time
	Bytes       int64    // frame bytes on the wire (original lengths)
	PacketsDir  [2]int32 // packets each way (Packets is their sum)

	TCP TCPFacts
	// TLS is never nil in a flow the analyzer made: a flow that never
	// carried payload (a scan, a refused SYN) points at one shared empty
	// value, which nothing may write, instead of paying 500 bytes for it.
	TLS *TLSFacts

	Timeline Timeline // bounded, in capture order, packed: read it with Events; Timeline.Cut counts what the cap dropped

	ClientBasis ClientBasis // how Client was decided
	// Version goes up whenever the facts change. 32 bits (with ClientBasis
	// it fills 8 bytes, and a flow 288): it wraps after 4 billion changes,
	// and a reader only compares it with the one it last saw.
	Version uint32
}

// Packets is the flow's packet count, both ways.
func (f *Flow) Packets() int { return int(f.PacketsDir[0]) + int(f.PacketsDir[1]) }

// TCPFacts covers the TCP side of the connection. Fields go from the
// widest to the narrowest so the struct has no padding: every flow has one.
type TCPFacts struct {
	// What the flow's data segments showed; never nil in a flow the
	// analyzer made. A flow without data (a scan, a refused SYN) points at
	// one shared zero value, which nothing may write: its fields read as
	// TCPFacts' own.
	*StreamFacts

	CloseWait  int64          // ns the side that closed first (FIN or RST) waited since the peer's last packet
	SYNRetries int32          // SYNs retransmitted (same ISN)
	Origin     [2]OriginMarks // TTLs and IP IDs that tell a side's own RST/FIN/alert from a forged one
	MSS        [2]uint16      // MSS option each side announced
	Net        [2]NetSide     // each side as the network showed it (TTL, DF, SYN options)

	SYN, SYNACK, ACK bool // three-way handshake steps seen
	RefusedByRST     bool // SYN answered with RST
	FIN              [2]bool
	RST              [2]bool
	MidStream        bool // the capture starts after the connection began
	Truncated        bool // snaplen or damage cut some packet short
	CloseWaitKnown   bool // CloseWait holds a time: the peer had sent something before the close
	CloseBy          Dir  // who closed first (when CloseWaitKnown)
}

// StreamFacts is what a flow's data segments showed, per direction.
type StreamFacts struct {
	Payload     [2]int64 // TCP payload bytes each way, resent ones included
	Gap         [2]int64 // bytes missing when a hole stopped decoding (0 = none)
	Uncaptured  [2]int64 // bytes of this direction the peer acknowledged that the capture does not hold
	HeldDropped [2]int64 // bytes this side held when the memory budget stopped its decoding (0 = never)

	Retransmits        [2]int32 // segments wholly inside bytes already received
	Overlaps           [2]int32 // overlaps whose bytes differed from the first copy (first copy kept)
	OutOfOrderSegments [2]int32
	SnapLen            int32 // bytes the capture kept of the first payload-bearing packet it cut short (0 = none)
	SnapPacket         int32 // that packet's 1-based number in the capture

	Sizes            [2]SegSizes // segment sizes sent, resent and acknowledged, for MTU black holes
	TruncatedPayload [2]bool     // a payload-bearing packet was cut short in this direction
}

// NetSide is one side of a flow as the network showed it, from its SYN or
// SYN-ACK, else from its first packet: 3 bytes, so a million flows pay 6 MB.
// The MSS it announced is TCPFacts.MSS.
type NetSide struct {
	TTL    uint8   // IPv4 TTL or IPv6 hop limit seen (valid when Bits has NetSeen)
	WScale uint8   // window scale shift announced (valid when Bits has NetWScale)
	Bits   NetBits // what was seen
}

// NetBits says what a NetSide holds.
type NetBits uint8

const (
	NetSeen       NetBits = 1 << iota // TTL is from a packet of this side
	NetFromSYN                        // from its SYN or SYN-ACK: the option bits below are known
	NetIPv6                           // TTL is an IPv6 hop limit (no DF in IPv6)
	NetDF                             // IPv4 don't-fragment was set
	NetWScale                         // window scale option announced
	NetSACK                           // SACK permitted announced
	NetTimestamps                     // timestamps option announced
)

// Has reports whether every bit in b is set.
func (n NetSide) Has(b NetBits) bool { return n.Bits&b == b }

// TLSFacts covers what the TLS (or plaintext) bytes said.
type TLSFacts struct {
	// What most TLS flows never have (a plaintext protocol, a problem, a
	// HelloRetryRequest, a key log ...): never nil in a flow the analyzer
	// made. A flow without any points at one shared zero value, which
	// nothing may write; its fields read as TLSFacts' own.
	*TLSRare

	// Hellos are shared by every flow that sent the same one (decode/hellos.go):
	// their Random and SessionID are cleared; SessionID(d) has the flow's own,
	// and ClientHello.SNI the flow's server name.
	ClientHello       *ClientHello // the first ClientHello
	ServerHello       *tlswire.ServerHello
	Certificates      []tlswire.Certificate
	ServerKeyExchange *tlswire.ServerKeyExchangeInfo
	AppData           [2]AppDataFacts
	Alerts            []AlertFact

	fingerprints *Fingerprints // JA3, JA3S, JA4 (decode/fingerprints.go); nil: none

	CertificateTotal    int32     // certificates the Certificate message held (Certificates keeps the first few)
	ClientHelloLen      int32     // bytes of the ClientHello handshake message
	ClientHelloSegments int32     // TCP segments the ClientHello arrived in
	ClientHelloRetrans  int32     // retransmitted segments carrying ClientHello bytes
	ClientHelloEnd      int32     // offset in the client's stream just past the ClientHello (0 = unknown: no SYN seen)
	ClientAckedBytes    int32     // how far into the client's stream the server acknowledged before its ServerHello
	FirstEncrypted      [2]uint16 // length of the first encrypted record after the hellos, per direction (0 = none)

	// The legacy session IDs of the first ClientHello and the ServerHello
	// (decode/sessionid.go): read them with SessionID.
	clientSessionID [maxInlineSessionID]byte
	serverSessionID *[maxInlineSessionID]byte // nil: none, or the client's echoed
	sessionIDLen    [2]uint8

	Seen             bool // some TLS record or SSLv2 hello was parsed
	ClientHelloAcked bool // the server acknowledged every ClientHello byte
	TicketIssued     bool // NewSessionTicket seen in clear
	CCS              [2]bool
	Finished         [2]bool // Finished sent (read in clear, or the encrypted record that must be it)
	Encrypted        [2]bool // this direction switched to encrypted records
}

// TLSRare is the part of TLSFacts most flows never set.
type TLSRare struct {
	NotTLS      string // sniffed protocol when the first bytes were not TLS ("HTTP", "SSH", ...; "unknown")
	StartTLS    string // "SMTP", "IMAP", ... when TLS started after a plaintext upgrade
	Tunnel      string // host:port an HTTP CONNECT or SOCKS5 request asked the proxy for (as sent)
	ServerPlain string // the server's first plaintext line (up to maxPlainReply bytes) when it did not answer in TLS
	NotKept     string // a handshake message over the size cap, passed over (what and how large)
	Problem     [2]string

	SSLv2        *SSLv2Facts  // a pure SSL 2.0 handshake (SERVER-HELLO or CLIENT-MASTER-KEY seen)
	ClientHello2 *ClientHello // the ClientHello after a HelloRetryRequest
	HelloRetry   *tlswire.ServerHello
	CertRequest  *tlswire.CertificateRequestInfo
	Decrypt      *DecryptFacts // what the key log unlocked; nil when it had no secrets for this flow
	EarlyData    AppDataFacts  // TLS 1.3 0-RTT: client application data sent before the server's flight
	SSLv2Hello   bool

	LongSessionIDs *[2][]byte // session IDs over 32 bytes (see TLSFacts.SessionID); replaced, never written
}

// emptyTLS, emptyRare and emptyStream are the facts of every flow that
// has none yet: read only. flowState.tls, flowState.rare and
// flowState.stream give a flow its own before the first write.
var (
	emptyRare   = &TLSRare{}
	emptyTLS    = &TLSFacts{TLSRare: emptyRare}
	emptyStream = &StreamFacts{}
)

// NoFlow is an empty flow (ID 0), shared and read only: what a place in a
// list of flows holds before its flow arrives, so readers need no nil
// checks. Never write through it.
func NoFlow() *Flow { return noFlow }

// NewFlow is an empty flow with parts of its own (TLS facts and their rare
// part, stream facts), for code that builds a flow by hand and writes any
// of its fields: tests, what-if comparisons. The analyzer's flows share
// read-only empty parts until they need their own.
func NewFlow() *Flow {
	return &Flow{TLS: &TLSFacts{TLSRare: &TLSRare{}}, TCP: TCPFacts{StreamFacts: &StreamFacts{}}}
}

var noFlow = &Flow{TLS: emptyTLS, TCP: TCPFacts{StreamFacts: emptyStream}}

// SSLv2Facts is what a pure SSL 2.0 handshake showed in clear.
type SSLv2Facts struct {
	ServerHello   bool     // SERVER-HELLO seen
	ServerCiphers []uint32 // cipher kinds the SERVER-HELLO lists
	SessionIDHit  bool     // the server resumed the client's session
	Cipher        uint32   // the kind CLIENT-MASTER-KEY chose (0 = not seen)
	Encrypted     [2]int32 // encrypted records each way after the clear messages
}

// AppDataFacts counts application data records in one direction.
type AppDataFacts struct {
	Records  int32
	FirstLen int32 // length of the first record (a short one right before a close is an encrypted alert)
	Bytes    int64
	FirstAt  int64 // time of the first record, as Event.At (16 bytes less than a time.Time, twice per flow)
}

// FirstTime is the time of the first record (see Event.Time).
func (a AppDataFacts) FirstTime() time.Time { return Event{At: a.FirstAt}.Time() }

// recordLen is a record's length as TLSFacts.FirstEncrypted holds it: a
// record header says at most 65535.
func recordLen(n int) uint16 { return uint16(min(n, 0xffff)) }

// AlertFact is one alert record.
type AlertFact struct {
	From        Dir
	At          time.Time
	Level       uint8 // 1 warning, 2 fatal; 0 when encrypted
	Description uint8
	Encrypted   bool
	Decrypted   bool   // read with the key log's secrets (it was encrypted on the wire)
	Length      int    // record length (encrypted alerts are only known by size)
	After       string // the last handshake message seen before it, e.g. "ClientHello"
}

// Events yields the flow's timeline, in capture order with each event's
// index: `for _, e := range f.Events`.
func (f *Flow) Events(yield func(int, Event) bool) { f.Timeline.All(yield) }

// Event is one timeline entry (a Timeline keeps it packed).
type Event struct {
	At   int64  // capture time, Unix nanoseconds (see Time)
	Len  int32  // record or segment length when useful
	Code uint16 // handshake/alert detail (e.g. alert description, cipher suite)
	Dir  Dir
	Kind EventKind
}

// Time is when the event was captured (see TimeKnown).
func (e Event) Time() time.Time { return time.Unix(0, e.At).UTC() }

// TimeKnown reports whether At holds the event's time: an int64 of
// nanoseconds since 1970 covers 1678 to 2262, and times outside are pinned
// to its ends, so durations from them are not known.
func (e Event) TimeKnown() bool { return e.At != math.MinInt64 && e.At != math.MaxInt64 }

// unixNanos is t.UnixNano, pinned to the int64 range instead of wrapping
// (UnixNano is undefined outside 1678-2262).
func unixNanos(t time.Time) int64 {
	const maxSec = math.MaxInt64 / 1_000_000_000
	switch s := t.Unix(); {
	case s >= maxSec:
		return math.MaxInt64
	case s < -maxSec:
		return math.MinInt64
	}
	return t.UnixNano()
}

// EventKind names what happened.
type EventKind uint8

const (
	EvSYN EventKind = iota + 1
	EvSYNACK
	EvACK
	EvFIN
	EvRST
	EvHandshake        // Code = handshake type (tlswire.ClientHelloType...)
	EvHelloRetry       // a ServerHello that is a HelloRetryRequest
	EvChangeCipherSpec // Code unused
	EvAlert            // Code = level<<8 | description
	EvEncryptedAlert   // Len = record length
	EvEncryptedHandshake
	EvAppData // first application data record in a direction (later ones are only counted)
	EvHeartbeat
	EvUnknownRecord // Code = content type
	EvPlaintext     // first plaintext bytes (NOT TLS or before STARTTLS)
	EvStartTLS      // the plaintext upgrade was accepted
	EvGap           // a hole stopped decoding of this direction; Len = bytes missing (or -1 unknown)
	EvSSLv2Hello
	EvRetransmit // a segment resent with bytes already captured (ClientHello and handshake only); Len = its payload
	EvEarlyData  // first 0-RTT record from the client (later ones are only counted)
	EvSSLv2      // an SSL 2.0 message: Code = its type (4 SERVER-HELLO, 2 CLIENT-MASTER-KEY, 3 CLIENT-FINISHED), 0 = encrypted record
)

// maxEvents bounds a flow's timeline; history letters come from events, so
// Zeek-style history is bounded the same way (Zeek itself stops at 100).
const maxEvents = 100

// maxRetransmitEvents bounds the repeated SYNs and ClientHello segments the
// timeline shows, so a lossy connection cannot crowd out its handshake.
const maxRetransmitEvents = 20
