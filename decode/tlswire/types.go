// Package tlswire parses TLS handshake messages from their wire bytes.
// Every function takes bytes that came off the network: nothing here trusts a
// length field, panics, or allocates more than the input justifies.
// Strings are returned raw (unsanitised); the model sanitises before display.
package tlswire

import "time"

// Record content types (RFC 8446 §5.1).
const (
	ContentChangeCipherSpec = 20
	ContentAlert            = 21
	ContentHandshake        = 22
	ContentApplicationData  = 23
	ContentHeartbeat        = 24
)

// Handshake message types (RFC 8446 §4, RFC 5246 §7.4).
const (
	HelloRequest        = 0
	ClientHelloType     = 1
	ServerHelloType     = 2
	NewSessionTicket    = 4
	EndOfEarlyData      = 5
	EncryptedExtensions = 8
	CertificateType     = 11
	ServerKeyExchange   = 12
	CertificateRequest  = 13
	ServerHelloDone     = 14
	CertificateVerify   = 15
	ClientKeyExchange   = 16
	Finished            = 20
	CertificateStatus   = 22
	KeyUpdate           = 24
	MessageHash         = 254
)

// Protocol versions.
const (
	VersionSSL20 = 0x0002
	VersionSSL30 = 0x0300
	VersionTLS10 = 0x0301
	VersionTLS11 = 0x0302
	VersionTLS12 = 0x0303
	VersionTLS13 = 0x0304
)

// ClientHello holds what a ClientHello offers. Lists keep wire order and
// include GREASE values (callers mark them with registry.IsGREASE).
type ClientHello struct {
	SSLv2               bool   // SSLv2-compatible (v2 record) ClientHello
	LegacyVersion       uint16 // client_version
	Random              [32]byte
	SessionID           []byte
	CipherSuites        []uint16
	Compression         []uint8
	Extensions          []uint16 // extension types in wire order
	SNI                 string   // first host_name entry, raw bytes
	ALPN                []string // protocol names, raw bytes
	SupportedVersions   []uint16
	SupportedGroups     []uint16
	ECPointFormats      []uint8
	KeyShares           []uint16 // key_share entry groups
	SignatureAlgorithms []uint16
	PSKModes            []uint8
	PSKIdentities       int  // number of pre_shared_key identities (0 = extension absent)
	EarlyData           bool // early_data extension present
	SessionTicket       bool // session_ticket extension present
	SessionTicketLen    int  // length of the ticket offered (0 = empty extension: asking for one)
	ECH                 bool // encrypted_client_hello (0xfe0d) present
	Truncated           bool // the body ended early; fields parsed so far are kept
}

// ServerHello holds the server's choices. A HelloRetryRequest is a
// ServerHello whose Random is the special RFC 8446 value (HelloRetry set).
type ServerHello struct {
	LegacyVersion     uint16
	Random            [32]byte
	SessionID         []byte
	CipherSuite       uint16
	Compression       uint8
	Extensions        []uint16
	SupportedVersion  uint16 // from supported_versions; 0 when absent
	KeyShareGroup     uint16 // key_share group (the selected group in a HelloRetryRequest)
	SelectedPSK       int    // pre_shared_key selected identity, -1 when absent
	ALPN              string
	SessionTicketAck  bool // empty session_ticket extension (TLS 1.2 server will send a ticket)
	HelloRetry        bool
	DowngradeSentinel string // "TLS12"/"TLS11" when the random carries RFC 8446 §4.1.3 bytes
	Truncated         bool
}

// Version is the negotiated version: supported_versions when present, else legacy_version.
func (s *ServerHello) Version() uint16 {
	if s.SupportedVersion != 0 {
		return s.SupportedVersion
	}
	return s.LegacyVersion
}

// Certificate is one X.509 certificate from a (TLS <= 1.2, clear-text) Certificate message.
type Certificate struct {
	Subject    string // RFC 2253-ish, from crypto/x509 Name.String()
	Issuer     string
	CommonName string
	SANs       []string // DNS names, then IP addresses, then e-mail addresses, then URIs
	NotBefore  time.Time
	NotAfter   time.Time
	KeyType    string // "RSA-2048", "ECDSA P-256", "Ed25519", ...
	SelfSigned bool   // subject == issuer and the signature verifies with its own key
	// SignatureNotChecked says why a self-issued certificate's signature was
	// not verified (a key too costly to check, or the per-chain limit on
	// checks reached); SelfSigned is then false.
	SignatureNotChecked string
	IsCA                bool
	Serial              string // hex
	Error               string // set when x509 parsing failed; other fields then empty
	DER                 []byte // nil unless the caller asked to keep it
}

// ServerKeyExchangeInfo is what we read from a ServerKeyExchange.
type ServerKeyExchangeInfo struct {
	NamedGroup uint16 // ECDHE named curve; 0 when not ECDHE or unreadable
	DHE        bool   // finite-field DHE parameters
}

// CertificateRequestInfo is what we read from a CertificateRequest.
type CertificateRequestInfo struct {
	CertificateTypes    []uint8
	SignatureAlgorithms []uint16
	Authorities         int // number of distinguished names listed
}

// Alert is a clear-text alert record's two bytes.
type Alert struct {
	Level       uint8 // 1 warning, 2 fatal
	Description uint8
}
