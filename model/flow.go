package model

import (
	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/fingerprint"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"math"
)

// Flow is a decoded connection with the model's verdict on it. The decoded
// part is the analyzer's own flow, shared and never written again once
// handed out (decode.Analyzer.TakeDirty), and the verdict is shared by
// every flow with the same one (internVerdict): copying a Flow copies two
// pointers, not a kilobyte of facts. Never write through either.
type Flow struct {
	*decode.Flow
	*Verdict
}

// NewFlow classifies a decoded flow (a copy of f is kept).
// Its verdict is its own, not shared: tests change it.
func NewFlow(f decode.Flow) Flow {
	v := Classify(&f)
	return Flow{Flow: &f, Verdict: &v}
}

// classified is df with its verdict, shared (internVerdict).
func classified(df *decode.Flow, cross map[int]string) Flow {
	return Flow{Flow: df, Verdict: internVerdict(withCrossNote(df, cross))}
}

// empty is a place with no flow in it yet (ID 0): shared, read only.
var empty = Flow{Flow: decode.NoFlow(), Verdict: noVerdict}

// Copy returns f with its own copy of the decoded facts and verdict, which
// can then be changed without touching f (what-if tests; hellos and
// certificates stay shared, as they are never changed).
func (f Flow) Copy() Flow {
	c, v := *f.Flow, *f.Verdict
	return Flow{Flow: &c, Verdict: &v}
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
	if a := firstFatal(f.Flow); a != nil {
		return registry.Alert(a.Description)
	}
	if f.Outcome == EncryptedAlert {
		return "encrypted"
	}
	return ""
}

// HandshakeTime is from the first packet to the end of the handshake: its
// last message when it completed; otherwise what ended it (an alert, the
// first RST or FIN) or, when nothing did, the flow's last packet, so a
// client that waited 7 s for an answer shows 7 s. A flow with no TLS
// handshake has none (ok is false).
func (f *Flow) HandshakeTime() (d int64, ok bool) {
	end, started := f.First, false
	done := f.Stage == StageDone
	ended := false
	for _, e := range f.Events {
		if !e.TimeKnown() {
			return 0, false // outside 1678-2262: no duration rather than a wrong one
		}
		switch e.Kind {
		case decode.EvHandshake, decode.EvSSLv2Hello, decode.EvEncryptedHandshake, decode.EvHelloRetry,
			decode.EvChangeCipherSpec:
			end, started = e.Time(), true
		case decode.EvAlert, decode.EvEncryptedAlert:
			if !done { // after a completed handshake an alert is the connection's end, not the handshake's
				end, ended = e.Time(), true
			}
		case decode.EvRST, decode.EvFIN:
			if !done && started {
				end, ended = e.Time(), true
			}
		}
		if ended {
			break
		}
	}
	if !started {
		return 0, false
	}
	if !done && !ended {
		end = f.Last
	}
	span := end.Sub(f.First)
	if span <= 0 || span == math.MaxInt64 { // Sub saturates past 292 years
		return 0, false
	}
	return int64(span), true
}

// JA3String is the unhashed JA3 (computed on demand: not kept per flow).
func (f *Flow) JA3String() string {
	if ch := f.TLS.ClientHello; ch != nil {
		s, _ := fingerprint.JA3(ch.ClientHello) // JA3 has no server name in it
		return s
	}
	return ""
}
