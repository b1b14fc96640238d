package model

import (
	"fmt"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// sslv2Risk is what an SSL 2.0 handshake means, whatever its outcome.
const sslv2Risk = "SSL 2.0 is broken and prohibited (RFC 6176): this server still speaks it"

// sslv2Verdict covers a pure SSL 2.0 handshake. Its badge says SSLv2
// whether or not it finished: that the server speaks it is the finding.
func sslv2Verdict(f *decode.Flow) Verdict {
	v2 := f.TLS.SSLv2
	cipher := ""
	if v2.Cipher != 0 {
		cipher = ", " + tlswire.SSLv2CipherName(v2.Cipher)
	}
	v := Verdict{Badge: "SSLv2", Version: tlswire.VersionSSL20}
	if v2.Encrypted[client] >= 1 && v2.Encrypted[server] >= 2 {
		v.Outcome, v.Stage = OK, StageDone
		what := "CLIENT-HELLO, SERVER-HELLO, CLIENT-MASTER-KEY"
		if v2.SessionIDHit {
			what = "CLIENT-HELLO, SERVER-HELLO resuming the session"
		}
		// SSL 2.0 encrypts its last messages, so their kinds are read from
		// their count: a REQUEST-CERTIFICATE the client never answered
		// would look the same, hence "most likely".
		v.Diagnosis = fmt.Sprintf("SSL 2.0 handshake most likely completed (%s%s, then encrypted messages, %d from the client and %d from the server, taken for its finished messages by their count); %s",
			what, cipher, v2.Encrypted[client], v2.Encrypted[server], sslv2Risk)
		return v
	}
	v.Outcome, v.Stage = Partial, StageServerHello
	if !v2.ServerHello {
		v.Stage = StageClientHello
	}
	seen := "the server answered in SSL 2.0 (SERVER-HELLO)"
	if !v2.ServerHello {
		seen = "the client went on in SSL 2.0 (CLIENT-MASTER-KEY" + cipher + ") with no SERVER-HELLO captured"
	}
	end := ", and the capture ends before the handshake finishes"
	if who, how := closer(f); who != "" {
		v.Who = who
		end = fmt.Sprintf(", then the %s %s before the handshake finished", who, how)
	}
	v.Diagnosis = seen + end + "; " + sslv2Risk
	return v
}
