package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// Alert descriptions (RFC 8446 §6, RFC 5246 §7.2).
const (
	alertHandshakeFailure     = 40
	alertBadCertificate       = 42
	alertUnsupportedCert      = 43
	alertCertificateRevoked   = 44
	alertCertificateExpired   = 45
	alertCertificateUnknown   = 46
	alertIllegalParameter     = 47
	alertUnknownCA            = 48
	alertAccessDenied         = 49
	alertDecodeError          = 50
	alertDecryptError         = 51
	alertProtocolVersion      = 70
	alertInsufficientSecurity = 71
	alertInternalError        = 80
	alertInappropriateFalback = 86
	alertUnrecognizedName     = 112
	alertCertificateRequired  = 116
	alertNoApplicationProto   = 120
	alertBadRecordMAC         = 20
)

// alertDiagnosis explains a fatal alert in clear from who sent it, what it
// says, and what had happened before it.
func alertDiagnosis(f *decode.Flow, a *decode.AlertFact) string {
	name := registry.Alert(a.Description)
	head := fmt.Sprintf("%s sent fatal %s after the %s", a.From, name, afterWords(a.After))
	if a.Decrypted {
		head = fmt.Sprintf("%s sent fatal %s (encrypted; decrypted with the key log) after the %s", a.From, name, afterWords(a.After))
	}
	// In TLS 1.3 the server's Finished ends its flight: the client judges
	// the certificate after it, before its own Finished.
	serverFlight := !f.TLS.Finished[server] ||
		f.TLS.ServerHello != nil && f.TLS.ServerHello.TLS13() && !f.TLS.Finished[client]
	why := ""
	switch {
	case a.From == server && (a.After == "ClientHello" || a.After == "HelloRetryRequest"):
		why = serverRejectsHello(f, a.Description)
	case a.From == client && f.TLS.ServerHello != nil && serverFlight:
		why = clientRejectsServer(f, a.Description)
	case a.From == server:
		why = serverRejectsClientFlight(f, a.Description)
	}
	if why == "" {
		return head
	}
	return head + ": " + why
}

func afterWords(msg string) string {
	if msg == "" {
		return "TCP handshake"
	}
	return msg
}

// serverRejectsHello explains a server alert sent in answer to a ClientHello.
func serverRejectsHello(f *decode.Flow, desc uint8) string {
	ch := f.TLS.ClientHello
	switch desc {
	case alertProtocolVersion:
		return fmt.Sprintf("no common TLS version; the client offered %s", offeredVersions(ch))
	case alertHandshakeFailure, alertInsufficientSecurity:
		return fmt.Sprintf("no common cipher suite or group, or a server policy (SNI, client certificate); the client offered %d suites (%s) and groups %s",
			countNonGREASE(ch.CipherSuites), shortSuites(ch.CipherSuites, 4), names(ch.SupportedGroups, registry.Group, 5))
	case alertNoApplicationProto:
		return fmt.Sprintf("no common application protocol; the client offered ALPN %s", quoteList(ch.ALPN))
	case alertUnrecognizedName:
		return fmt.Sprintf("the server does not serve the name %q", Printable(ch.SNI))
	case alertDecodeError, alertIllegalParameter:
		return "the server could not parse the ClientHello: likely a buggy client or a middlebox altering it"
	case alertInappropriateFalback:
		return "the client retried with a lower version (fallback) and the server refused the downgrade"
	case alertAccessDenied:
		return "server policy refused this client"
	case alertInternalError:
		return "the server failed internally (likely its configuration, a missing key or certificate)"
	}
	return "the server rejected the ClientHello"
}

// clientRejectsServer explains a client alert after the server's hello or certificates.
func clientRejectsServer(f *decode.Flow, desc uint8) string {
	leaf := leafSummary(f)
	switch desc {
	case alertUnknownCA:
		return "the client does not trust the certificate's issuer" + leaf
	case alertCertificateExpired:
		// Only validity words here: a name mismatch is not what this alert says.
		c, ok := alertLeafCheck(f)
		switch why := validityProblems(f, c); {
		case why != nil:
			return "the certificate is out of its validity: " + strings.Join(why, ", ") + leaf
		case ok:
			return "the client says the certificate is out of its validity, but it is valid at the capture's time: likely the client's clock is wrong" + leaf
		}
		return "the certificate has expired or is not yet valid" + leaf
	case alertCertificateRevoked:
		return "the certificate was revoked" + leaf
	case alertBadCertificate, alertCertificateUnknown, alertUnsupportedCert:
		if why := certProblems(f); why != "" {
			return "the client rejected the certificate; a likely reason: " + why + leaf
		}
		if leafLooksValid(f) {
			return "the certificate is within its validity and matches the name, so the client most likely does not trust its issuer" + leaf
		}
		return "the client rejected the certificate (trust chain, hostname or expiry)" + leaf
	case alertProtocolVersion, alertInappropriateFalback:
		return fmt.Sprintf("the client refused the server's choice of %s (policy or downgrade protection)",
			registry.Version(f.TLS.ServerHello.Version()))
	case alertHandshakeFailure, alertIllegalParameter, alertInsufficientSecurity:
		return fmt.Sprintf("the client refused the server's parameters (%s, %s)",
			registry.CipherSuite(f.TLS.ServerHello.CipherSuite), registry.Version(f.TLS.ServerHello.Version()))
	case alertDecryptError:
		return "the client could not verify the server's key exchange signature"
	case alertNoApplicationProto:
		return "the client did not accept the server's application protocol"
	}
	return ""
}

// serverRejectsClientFlight explains a server alert after the client's key exchange or certificate.
func serverRejectsClientFlight(f *decode.Flow, desc uint8) string {
	sentCert := clientSentCertificate(f)
	switch {
	case desc == alertCertificateRequired:
		return "the server requires a client certificate and the client sent none"
	case f.TLS.CertRequest != nil && desc == alertHandshakeFailure && !sentCert:
		// handshake_failure names no reason: the missing certificate is our inference.
		return "the server asked for a client certificate and the client sent none: most likely the server requires one"
	case f.TLS.CertRequest != nil && desc == alertHandshakeFailure:
		// handshake_failure names no reason: the certificate is our inference.
		return "the server asked for a client certificate and got one: most likely it rejected that certificate"
	case f.TLS.CertRequest != nil && (desc == alertBadCertificate || desc == alertUnknownCA ||
		desc == alertCertificateUnknown || desc == alertCertificateExpired):
		return "the server rejected the client's certificate"
	case desc == alertDecryptError || desc == alertBadRecordMAC:
		return "the server could not verify the client's key exchange or Finished (likely mismatched keys, a broken middlebox, or a PSK mismatch)"
	}
	return ""
}

// clientSentCertificate reports a client Certificate message with at least
// one certificate (an empty one is 3 bytes: the zero list length).
func clientSentCertificate(f *decode.Flow) bool {
	for _, e := range f.Events {
		if e.Dir == client && e.Kind == decode.EvHandshake && e.Code == tlswire.CertificateType && e.Len > 3 {
			return true
		}
	}
	return false
}

// leafLooksValid reports a visible leaf certificate that is in its validity
// period at capture time and matches the SNI (when there is one).
func leafLooksValid(f *decode.Flow) bool {
	sni := ""
	if ch := f.TLS.ClientHello; ch != nil {
		sni = ch.SNI
	}
	c, ok := CheckLeaf(f.TLS.Certificates, sni, f.First)
	return ok && !c.Expired && !c.NotYetValid && (!c.NameChecked || c.NameMatch) && !c.SelfSigned &&
		c.SelfIssuedUnchecked == ""
}

// encryptedAlertText explains an alert we know only by its size.
func encryptedAlertText(f *decode.Flow, a *decode.AlertFact) string {
	if a.From == client && f.TLS.ServerHello != nil && f.TLS.ServerHello.TLS13() && certificateSent(f) {
		return "after the server's flight the client sent a short encrypted record and closed: most likely the client rejecting the certificate (untrusted issuer, hostname mismatch or expiry); TLS 1.3 hides which, a key log would confirm it"
	}
	return fmt.Sprintf("the %s sent an encrypted alert (%d-byte record) %s; encryption hides its reason (a key log would show it)",
		a.From, a.Length, stageWords(f, stageAfter(f)))
}

// certProblems lists what is wrong with the leaf certificate, if visible.
func certProblems(f *decode.Flow) string {
	c, ok := alertLeafCheck(f)
	if !ok {
		return ""
	}
	why := validityProblems(f, c)
	if c.NameChecked && !c.NameMatch {
		why = append(why, fmt.Sprintf("name %q not in the certificate", Printable(f.TLS.ClientHello.SNI)))
	}
	if c.SelfSigned {
		why = append(why, "self-signed")
	}
	if c.SelfIssuedUnchecked != "" {
		why = append(why, "issued by itself (signature not checked: "+c.SelfIssuedUnchecked+")")
	}
	return strings.Join(why, ", ")
}

// alertLeafCheck checks the leaf certificate, if visible, at the client's
// alert against the ClientHello's SNI.
func alertLeafCheck(f *decode.Flow) (CertCheck, bool) {
	sni := ""
	if ch := f.TLS.ClientHello; ch != nil {
		sni = ch.SNI
	}
	return CheckLeaf(f.TLS.Certificates, sni, eventTimeDir(f, decode.EvAlert, client))
}

// validityProblems words a leaf certificate used outside its validity period.
func validityProblems(f *decode.Flow, c CertCheck) []string {
	var why []string
	if c.Expired {
		why = append(why, "expired on "+f.TLS.Certificates[0].NotAfter.UTC().Format("2006-01-02"))
	}
	if c.NotYetValid {
		why = append(why, "not valid before "+f.TLS.Certificates[0].NotBefore.UTC().Format("2006-01-02"))
	}
	return why
}

// leafSummary names the leaf certificate and its issuer, when visible.
func leafSummary(f *decode.Flow) string {
	certs := f.TLS.Certificates
	if len(certs) == 0 || certs[0].Error != "" {
		return ""
	}
	return fmt.Sprintf(" (certificate %s, issued by %s)", Printable(certs[0].Subject), Printable(certs[0].Issuer))
}

// offeredVersions describes the versions a ClientHello offers.
func offeredVersions(ch *decode.ClientHello) string {
	vs := slices.DeleteFunc(slices.Clone(ch.SupportedVersions), registry.IsGREASE)
	if len(vs) == 0 {
		return "up to " + registry.Version(ch.LegacyVersion)
	}
	slices.Sort(vs)
	if len(vs) == 1 {
		return "only " + registry.Version(vs[0])
	}
	return registry.Version(vs[0]) + " to " + registry.Version(vs[len(vs)-1])
}

func countNonGREASE(vs []uint16) int {
	n := 0
	for _, v := range vs {
		if !registry.IsGREASE(v) {
			n++
		}
	}
	return n
}

func shortSuites(vs []uint16, max int) string { return names(vs, registry.CipherSuiteShort, max) }

// names lists up to max non-GREASE code point names.
func names(vs []uint16, name func(uint16) string, max int) string {
	var out []string
	for _, v := range vs {
		if registry.IsGREASE(v) {
			continue
		}
		if len(out) == max {
			out = append(out, "...")
			break
		}
		out = append(out, name(v))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func quoteList(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = Printable(s)
	}
	return strings.Join(q, ", ")
}

// badgeText is the short word shown in lists; it carries the meaning without colour.
func badgeText(v Verdict) string {
	switch v.Outcome {
	case OK:
		switch v.Version { // the common ones without a string made per flow
		case tlswire.VersionTLS13:
			return "OK 1.3"
		case tlswire.VersionTLS12:
			return "OK 1.2"
		}
		return "OK " + shortVersion(v.Version)
	case Resumed:
		return "RESUMED"
	case Alert:
		return "ALERT"
	case EncryptedAlert:
		return "ALERT?"
	case Reset:
		return "RST"
	case NoServerHello:
		return "NO SH"
	case NoClientHello:
		return "NO CH"
	case NotTLS:
		return "NOT TLS"
	case NoSYNACK:
		return "NO SYN-ACK"
	case Refused:
		return "REFUSED"
	case OneSided:
		return "ONE-SIDED"
	case PlaintextReply:
		return "PLAINTEXT"
	}
	return "PARTIAL"
}

// shortVersion is "1.3", "1.2", "SSL3" for badges and columns.
func shortVersion(v uint16) string {
	switch v {
	case tlswire.VersionTLS13:
		return "1.3"
	case tlswire.VersionTLS12:
		return "1.2"
	case tlswire.VersionTLS11:
		return "1.1"
	case tlswire.VersionTLS10:
		return "1.0"
	case tlswire.VersionSSL30:
		return "SSL3"
	case tlswire.VersionSSL20:
		return "SSL2"
	case 0:
		return ""
	}
	if v>>8 == 0x7f {
		return "1.3-d" + strconv.Itoa(int(v&0xff)) // a TLS 1.3 draft
	}
	return registry.Version(v)
}
