package model

import (
	"encoding/hex"
	"io"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// CodeName is a TLS code point with its registry name.
type CodeName struct {
	Code uint16 `json:"code"`
	Name string `json:"name"`
}

// FlowReport is the JSON form of one flow (`summary --json`, one per line).
// The schema is documented in README.md; add fields, never rename them.
type FlowReport struct {
	ID          int                `json:"id"`
	Client      string             `json:"client"`
	Server      string             `json:"server"`
	ClientBy    string             `json:"client_inferred_by"`
	Start       string             `json:"start"`
	End         string             `json:"end"`
	Packets     int                `json:"packets"`
	Bytes       int64              `json:"bytes"`
	Outcome     Outcome            `json:"outcome"`
	Badge       string             `json:"badge"`
	Stage       Stage              `json:"stage"`
	Who         *string            `json:"who"`
	Diagnosis   Text               `json:"diagnosis"`
	History     string             `json:"history"`
	StartTLS    *string            `json:"starttls"`
	NotTLS      *string            `json:"not_tls"`
	ClientHello *ClientHelloReport `json:"client_hello"`
	ServerHello *ServerHelloReport `json:"server_hello"`
	Resumed     bool               `json:"resumed"`
	Alerts      []AlertReport      `json:"alerts"`
	ResetBy     *string            `json:"reset_by"`
	Certs       []CertReport       `json:"certificates"`
	JA4         string             `json:"ja4"`
	JA3         string             `json:"ja3"`
	JA3S        string             `json:"ja3s"`
	HandshakeMS *float64           `json:"handshake_ms"`
	Network     NetworkReport      `json:"network"`
	Timings     TimingsReport      `json:"timings"`
	CloseOrigin *CloseOrigin       `json:"close_origin"`
	Problems    []Text             `json:"problems"`
	// Decrypted and Decryption are there only when a key log held this
	// flow's secrets (absent otherwise, so output without one is unchanged).
	Decrypted  *bool             `json:"decrypted,omitempty"`
	Decryption *DecryptionReport `json:"decryption,omitempty"`
}

// ClientHelloReport is what the client offered.
type ClientHelloReport struct {
	LegacyVersion string     `json:"legacy_version"`
	Versions      []string   `json:"versions"`
	CipherSuites  []CodeName `json:"cipher_suites"`
	Extensions    []CodeName `json:"extensions"`
	SNI           Text       `json:"sni"`
	ALPN          []Text     `json:"alpn"`
	Groups        []CodeName `json:"groups"`
	KeyShares     []CodeName `json:"key_shares"`
	SigAlgs       []CodeName `json:"signature_algorithms"`
	SessionID     string     `json:"session_id"`
	SSLv2         bool       `json:"sslv2"`
	Truncated     bool       `json:"truncated"`
	Length        int        `json:"length"`
	Segments      int        `json:"segments"`
	AckedBytes    *int       `json:"acked_bytes"`
}

// ServerHelloReport is what the server chose.
type ServerHelloReport struct {
	Version     string    `json:"version"`
	CipherSuite CodeName  `json:"cipher_suite"`
	ALPN        Text      `json:"alpn"`
	Group       *CodeName `json:"group"`
	HelloRetry  bool      `json:"hello_retry"`
	RetryGroup  *CodeName `json:"hello_retry_group"`
}

// AlertReport is one alert.
type AlertReport struct {
	From        string `json:"from"`
	Level       string `json:"level"`
	Description string `json:"description"`
	Code        int    `json:"code"`
	Encrypted   bool   `json:"encrypted"`
	After       string `json:"after"`
	Time        string `json:"time"`
	Decrypted   bool   `json:"decrypted,omitempty"` // encrypted on the wire, read with the key log
}

// CertReport is one certificate in clear.
type CertReport struct {
	Subject   Text   `json:"subject"`
	Issuer    Text   `json:"issuer"`
	SANs      []Text `json:"sans"`
	NotBefore string `json:"not_before"`
	NotAfter  string `json:"not_after"`
	KeyType   string `json:"key_type"`
	Error     Text   `json:"error,omitempty"`
	// SignatureNotChecked: a self-issued certificate whose key is too large to check.
	SignatureNotChecked string `json:"signature_not_checked,omitempty"`
}

// DecryptionReport is what the key log unlocked on a flow. It never holds a
// secret or application data.
type DecryptionReport struct {
	Records            [2]int32  `json:"records"` // decrypted, client then server
	Error              Text      `json:"error,omitempty"`
	ALPN               Text      `json:"alpn,omitempty"` // chosen in EncryptedExtensions (TLS 1.3)
	EarlyDataAccepted  bool      `json:"early_data_accepted"`
	ClientCertificates *int32    `json:"client_certificates"` // in the client's Certificate; null when it sent none
	AppProtocol        [2]string `json:"app_protocol"`        // named from the first decrypted bytes, "" when none
}

func decryptionReport(d *decode.DecryptFacts) (*bool, *DecryptionReport) {
	if d == nil {
		return nil, nil
	}
	ok := d.Decrypted()
	r := &DecryptionReport{Records: d.Records, Error: Text(d.Failed), AppProtocol: d.AppProtocol}
	if e := d.EncExt; e != nil {
		r.ALPN, r.EarlyDataAccepted = Text(e.ALPN), e.EarlyData
	}
	if n := d.ClientCertificates; n >= 0 {
		r.ClientCertificates = &n
	}
	return &ok, r
}

// Report builds a flow's JSON form.
func Report(f *Flow) FlowReport {
	t := f.TLS
	r := FlowReport{
		ID: f.ID, Client: f.Client.String(), Server: f.Server.String(), ClientBy: f.ClientBasis.String(),
		Start: stamp(f.First), End: stamp(f.Last), Packets: f.Packets(), Bytes: f.Bytes,
		Outcome: f.Outcome, Badge: f.Badge, Stage: f.Stage, Diagnosis: Text(f.Diagnosis),
		History: History(f.Flow), JA4: t.JA4(), JA3: t.JA3Hash(), JA3S: t.JA3SHash(),
		Resumed: f.Outcome == Resumed, Alerts: []AlertReport{}, Certs: []CertReport{}, Problems: []Text{},
	}
	r.Who = optional(f.Who)
	r.StartTLS = optional(t.StartTLS)
	r.NotTLS = optional(t.NotTLS)
	if ch := t.ClientHello; ch != nil {
		r.ClientHello = clientHelloReport(ch, t)
	}
	if sh := t.ServerHello; sh != nil || t.HelloRetry != nil {
		r.ServerHello = serverHelloReport(sh, t.HelloRetry)
	}
	for _, a := range t.Alerts {
		r.Alerts = append(r.Alerts, alertReport(a))
	}
	if d, ok := endedBy(f.Flow, decode.EvRST); ok {
		r.ResetBy = optional(d.String())
	}
	for _, c := range t.Certificates {
		r.Certs = append(r.Certs, certReport(c))
	}
	if ms, ok := f.HandshakeTime(); ok {
		v := float64(ms) / 1e6
		r.HandshakeMS = &v
	}
	r.Network = Network(f.Flow)
	r.Timings = timingsReport(PhaseTimings(f.Flow))
	if o, ok := closeOrigin(f.Flow, f.Outcome); ok {
		r.CloseOrigin = &o
	}
	for _, p := range t.Problem {
		if p != "" {
			r.Problems = append(r.Problems, Text(p))
		}
	}
	if t.NotKept != "" {
		r.Problems = append(r.Problems, Text(t.NotKept))
	}
	r.Decrypted, r.Decryption = decryptionReport(t.Decrypt)
	return r
}

func clientHelloReport(ch *decode.ClientHello, t *decode.TLSFacts) *ClientHelloReport {
	r := &ClientHelloReport{
		LegacyVersion: registry.Version(ch.LegacyVersion), Versions: []string{},
		CipherSuites: codeNames(ch.CipherSuites, registry.CipherSuite),
		Extensions:   codeNames(ch.Extensions, registry.Extension),
		SNI:          Text(ch.SNI), ALPN: []Text{},
		Groups:    codeNames(ch.SupportedGroups, registry.Group),
		KeyShares: codeNames(ch.KeyShares, registry.Group),
		SigAlgs:   codeNames(ch.SignatureAlgorithms, registry.SignatureScheme),
		SessionID: hex.EncodeToString(t.SessionID(decode.FromClient)), SSLv2: ch.SSLv2, Truncated: ch.Truncated,
		Length: int(t.ClientHelloLen), Segments: int(t.ClientHelloSegments),
	}
	if n, ok := helloAckedBytes(t); ok {
		r.AckedBytes = &n
	}
	for _, v := range ch.SupportedVersions {
		r.Versions = append(r.Versions, registry.Version(v))
	}
	for _, a := range ch.ALPN {
		r.ALPN = append(r.ALPN, Text(a))
	}
	return r
}

func serverHelloReport(sh, hrr *tlswire.ServerHello) *ServerHelloReport {
	r := &ServerHelloReport{HelloRetry: hrr != nil}
	if hrr != nil {
		r.RetryGroup = &CodeName{hrr.KeyShareGroup, registry.Group(hrr.KeyShareGroup)}
	}
	if sh == nil {
		return r
	}
	r.Version = registry.Version(sh.Version())
	r.CipherSuite = CodeName{sh.CipherSuite, registry.CipherSuite(sh.CipherSuite)}
	r.ALPN = Text(sh.ALPN)
	if sh.KeyShareGroup != 0 {
		r.Group = &CodeName{sh.KeyShareGroup, registry.Group(sh.KeyShareGroup)}
	}
	return r
}

func alertReport(a decode.AlertFact) AlertReport {
	r := AlertReport{From: a.From.String(), Encrypted: a.Encrypted, After: a.After, Time: stamp(a.At), Decrypted: a.Decrypted}
	if a.Encrypted {
		r.Level, r.Description, r.Code = "unknown", "encrypted", -1
		return r
	}
	r.Level = "warning"
	if a.Level == 2 {
		r.Level = "fatal"
	}
	r.Description, r.Code = registry.Alert(a.Description), int(a.Description)
	return r
}

func certReport(c tlswire.Certificate) CertReport {
	r := CertReport{Subject: Text(c.Subject), Issuer: Text(c.Issuer), SANs: []Text{}, KeyType: c.KeyType, Error: Text(c.Error),
		SignatureNotChecked: c.SignatureNotChecked}
	for _, s := range c.SANs {
		r.SANs = append(r.SANs, Text(s))
	}
	if c.Error == "" {
		r.NotBefore, r.NotAfter = stamp(c.NotBefore), stamp(c.NotAfter)
	}
	return r
}

func codeNames(vs []uint16, name func(uint16) string) []CodeName {
	out := make([]CodeName, len(vs))
	for i, v := range vs {
		out[i] = CodeName{v, name(v)}
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// WriteJSONLines writes one JSON object per flow per line, one flow at a
// time (a loaded capture is written on every core by Loader.WriteJSONLines).
func WriteJSONLines(w io.Writer, flows []Flow) error {
	var lists codeListCache
	var b []byte
	for i := range flows {
		b = appendFlow(b, &flows[i], &lists)
		if len(b) >= 256<<10 || i == len(flows)-1 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	return nil
}
