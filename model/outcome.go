package model

import (
	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// Outcome is how a connection's handshake ended. The values are the JSON
// names; the list is fixed by the command-line contract.
type Outcome string

const (
	OK             Outcome = "ok"
	Resumed        Outcome = "resumed"
	Alert          Outcome = "alert"
	EncryptedAlert Outcome = "encrypted_alert"
	Reset          Outcome = "reset"
	NoServerHello  Outcome = "no_server_hello"
	NoClientHello  Outcome = "no_client_hello"
	NotTLS         Outcome = "not_tls"
	NoSYNACK       Outcome = "no_syn_ack"
	Refused        Outcome = "refused"
	OneSided       Outcome = "one_sided"
	Partial        Outcome = "partial"
	PlaintextReply Outcome = "plaintext_reply" // a ClientHello answered in plaintext (HTTP 400, a banner)
)

// Outcomes lists every outcome, in the order totals are shown.
var Outcomes = []Outcome{OK, Resumed, Alert, EncryptedAlert, Reset, NoServerHello, PlaintextReply,
	NoClientHello, NotTLS, NoSYNACK, Refused, OneSided, Partial}

// Failed reports whether the outcome is a failure worth looking at.
// ONE-SIDED and PARTIAL are not failures: the capture, not the connection, is short.
func (o Outcome) Failed() bool {
	switch o {
	case OK, Resumed, OneSided, Partial, NotTLS:
		return false
	}
	return true
}

// Stage says where the handshake stopped.
type Stage string

const (
	StageTCP          Stage = "tcp"           // the TCP handshake
	StagePlaintext    Stage = "plaintext"     // before any TLS (not TLS, or STARTTLS refused)
	StageClientHello  Stage = "client_hello"  // waiting for or right after the ClientHello
	StageHelloRetry   Stage = "hello_retry"   // after a HelloRetryRequest
	StageServerHello  Stage = "server_hello"  // after the ServerHello
	StageServerFlight Stage = "server_flight" // after the server's certificate flight
	StageClientFlight Stage = "client_flight" // after the client's key exchange / Finished
	StageDone         Stage = "done"          // the handshake completed
	StageUnknown      Stage = "unknown"       // the capture does not show it
)

// Verdict is the model's reading of one flow.
type Verdict struct {
	Outcome   Outcome
	Badge     string // short text that carries the meaning without colour
	Version   uint16 // negotiated version, 0 when unknown
	Stage     Stage
	Who       string // "client" or "server": who sent the alert, reset or close that ended it
	Diagnosis string // one line, plain language, already printable
}

// stageAfter maps the last handshake message seen to a stage.
func stageAfter(f *decode.Flow) Stage {
	t := f.TLS
	switch {
	case t.Finished[decode.FromClient]:
		return StageClientFlight
	case t.Finished[decode.FromServer] && !(t.ServerHello != nil && t.ServerHello.TLS13()):
		// A TLS 1.3 server's Finished (read with a key log) ends its own
		// flight: what follows it is still the answer to that flight.
		return StageClientFlight
	case hasEvent(f, decode.FromClient, decode.EvHandshake, tlswire.ClientKeyExchange),
		hasEvent(f, decode.FromClient, decode.EvHandshake, tlswire.CertificateType):
		return StageClientFlight
	case t.FirstEncrypted[decode.FromServer] > 0,
		hasEvent(f, decode.FromServer, decode.EvHandshake, tlswire.CertificateType),
		hasEvent(f, decode.FromServer, decode.EvHandshake, tlswire.ServerHelloDone):
		return StageServerFlight
	case t.ServerHello != nil:
		return StageServerHello
	case t.HelloRetry != nil:
		return StageHelloRetry
	case t.ClientHello != nil:
		return StageClientHello
	}
	return StageTCP
}

func hasEvent(f *decode.Flow, d decode.Dir, kind decode.EventKind, code uint16) bool {
	for _, e := range f.Events {
		if e.Dir == d && e.Kind == kind && e.Code == code {
			return true
		}
	}
	return false
}

// firstFatal returns the first fatal clear-text alert, or nil.
func firstFatal(f *decode.Flow) *decode.AlertFact {
	for i := range f.TLS.Alerts {
		if a := &f.TLS.Alerts[i]; !a.Encrypted && a.Level == 2 {
			return a
		}
	}
	return nil
}

// firstEncryptedAlert returns the first encrypted alert sent before the handshake completed.
func firstEncryptedAlert(f *decode.Flow) *decode.AlertFact {
	for i := range f.TLS.Alerts {
		if a := &f.TLS.Alerts[i]; a.Encrypted {
			return a
		}
	}
	return nil
}

// completed reports whether the handshake finished from both sides.
func completed(f *decode.Flow) bool {
	t := f.TLS
	if t.ServerHello == nil {
		return false
	}
	if t.ServerHello.TLS13() {
		return t.Finished[decode.FromClient]
	}
	both := t.Finished[decode.FromClient] && t.Finished[decode.FromServer]
	data := t.AppData[decode.FromClient].Records > 0 && t.AppData[decode.FromServer].Records > 0
	return both || data
}

// resumed reports an abbreviated handshake.
func resumed(f *decode.Flow) bool {
	t := f.TLS
	ch, sh := t.ClientHello, t.ServerHello
	if ch == nil || sh == nil {
		return false
	}
	if sh.TLS13() {
		return sh.SelectedPSK >= 0
	}
	if sid := t.SessionID(decode.FromServer); len(sid) > 0 && string(sid) == string(t.SessionID(decode.FromClient)) {
		return true
	}
	// Ticket resumption may use an empty session id: no certificate and the
	// server's change_cipher_spec right after its hello.
	return ch.SessionTicketLen > 0 && t.CCS[decode.FromServer] &&
		!hasEvent(f, decode.FromServer, decode.EvHandshake, tlswire.CertificateType) &&
		!hasEvent(f, decode.FromServer, decode.EvHandshake, tlswire.ServerHelloDone)
}

// endedBy finds who reset or closed first, for flows that stopped without an alert.
func endedBy(f *decode.Flow, kind decode.EventKind) (decode.Dir, bool) {
	for _, e := range f.Events {
		if e.Kind == kind {
			return e.Dir, true
		}
	}
	return 0, false
}
