package model

import (
	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/fingerprint"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
)

// Flow is a decoded connection with the model's verdict on it.
type Flow struct {
	decode.Flow
	Verdict
}

// NewFlow classifies a decoded flow.
func NewFlow(f decode.Flow) Flow {
	return Flow{Flow: f, Verdict: Classify(&f)}
}

// SNI is the ClientHello's server name, printable ("" when none).
func (f *Flow) SNI() string {
	if ch := f.TLS.ClientHello; ch != nil {
		return Printable(ch.SNI)
	}
	return ""
}

// CipherName is the chosen suite's IANA name, or "".
func (f *Flow) CipherName() string {
	if sh := f.TLS.ServerHello; sh != nil {
		return registry.CipherSuite(sh.CipherSuite)
	}
	return ""
}

// CipherShort is the chosen suite's compact name, or "".
func (f *Flow) CipherShort() string {
	if sh := f.TLS.ServerHello; sh != nil {
		return registry.CipherSuiteShort(sh.CipherSuite)
	}
	return ""
}

// VersionShort is "1.3", "1.2", ... for the negotiated version, or "".
func (f *Flow) VersionShort() string { return shortVersion(f.Verdict.Version) }

// ALPN is the server's chosen protocol, printable.
func (f *Flow) ALPN() string {
	if sh := f.TLS.ServerHello; sh != nil {
		return Printable(sh.ALPN)
	}
	return ""
}

// AlertName names the first alert that ended the handshake ("" when none);
// an encrypted one is "encrypted".
func (f *Flow) AlertName() string {
	if a := firstFatal(&f.Flow); a != nil {
		return registry.Alert(a.Description)
	}
	if f.Outcome == EncryptedAlert {
		return "encrypted"
	}
	return ""
}

// HandshakeTime is from the first SYN (or first packet) to the end of the
// handshake, or to where it stopped; zero when nothing happened.
func (f *Flow) HandshakeTime() (d int64, ok bool) {
	end := f.First
	for _, e := range f.Events {
		switch e.Kind {
		case decode.EvAppData:
			continue
		case decode.EvHandshake, decode.EvEncryptedHandshake, decode.EvHelloRetry, decode.EvAlert,
			decode.EvEncryptedAlert, decode.EvChangeCipherSpec, decode.EvRST:
			end = e.Time()
		}
	}
	if !end.After(f.First) {
		return 0, false
	}
	return int64(end.Sub(f.First)), true
}

// JA3String is the unhashed JA3 (computed on demand: not kept per flow).
func (f *Flow) JA3String() string {
	if ch := f.TLS.ClientHello; ch != nil {
		s, _ := fingerprint.JA3(ch)
		return s
	}
	return ""
}
