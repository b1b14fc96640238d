package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

const (
	client = decode.FromClient
	server = decode.FromServer
)

// Classify reads a flow's facts and says how its handshake ended, where, who
// acted, and why in one line. It is pure: the same facts give the same verdict.
func Classify(f *decode.Flow) Verdict {
	v := classify(f)
	if sh := f.TLS.ServerHello; sh != nil {
		v.Version = sh.Version()
	}
	if v.Badge == "" {
		v.Badge = badgeText(v)
	}
	if st := f.TLS.StartTLS; st != "" {
		if to := f.TLS.Tunnel; to != "" { // HTTP CONNECT, SOCKS5: where the proxy was asked to go
			st += " to " + Printable(to)
		}
		v.Diagnosis = "STARTTLS (" + st + "): " + v.Diagnosis
	}
	if n := f.TLS.NotKept; n != "" {
		v.Diagnosis += "; " + n
	}
	if s := blackHoleAtSender(f, v); s != "" {
		v.Diagnosis = s
	}
	if s := slowServerNote(f); s != "" {
		v.Diagnosis += "; " + s
	}
	if s := originNote(f, v); s != "" {
		v.Diagnosis += "; " + s
	}
	return v
}

func classify(f *decode.Flow) Verdict {
	tcp, t := &f.TCP, f.TLS
	switch {
	case tcp.RefusedByRST && f.TCP.Payload[client] == 0:
		return Verdict{Outcome: Refused, Stage: StageTCP, Who: "server", Diagnosis: refusedText(f.Server.Port())}
	case tcp.SYN && !tcp.SYNACK && f.PacketsDir[server] == 0 && f.TCP.Payload[client] == 0 && !tcp.ACK:
		if onlySYNs(f) {
			return Verdict{Outcome: NoSYNACK, Stage: StageTCP, Who: "server", Diagnosis: noSYNACKText(f)}
		}
	}
	if side, missing := oneSided(f); missing {
		return Verdict{Outcome: OneSided, Stage: StageUnknown,
			Diagnosis: fmt.Sprintf("only the %s's packets were captured (likely asymmetric routing or a one-way span port); the capture cannot show whether the handshake worked", side)}
	}
	// Unrecognised server bytes count as a plaintext answer only when the
	// server's stream start was seen (its SYN-ACK): otherwise they may be the
	// middle of a record whose start the capture missed.
	if t.NotTLS != "" && t.ClientHello != nil && (t.NotTLS != "unknown" || tcp.SYNACK) {
		return plaintextReply(f)
	}
	if v, ok := bytesMissing(f); ok {
		if bh, ok := blackHoleAtReceiver(f); ok {
			return bh // the client's ACKs say the path lost them, not the capture
		}
		return v
	}
	if t.NotTLS != "" {
		return notTLSVerdict(f)
	}
	if t.ClientHello == nil {
		return noClientHello(f)
	}
	if t.SSLv2 != nil {
		return sslv2Verdict(f)
	}
	if completed(f) {
		return completedVerdict(f)
	}
	if a := firstFatal(f); a != nil {
		return Verdict{Outcome: Alert, Stage: stageAfter(f), Who: a.From.String(), Diagnosis: alertDiagnosis(f, a)}
	}
	if a := firstEncryptedAlert(f); a != nil {
		return Verdict{Outcome: EncryptedAlert, Stage: stageAfter(f), Who: a.From.String(), Diagnosis: encryptedAlertText(f, a)}
	}
	if t.ServerHello == nil && t.HelloRetry == nil {
		return noServerHello(f)
	}
	return stoppedMidHandshake(f)
}

// onlySYNs reports a client that sent nothing but SYNs.
func onlySYNs(f *decode.Flow) bool {
	for _, e := range f.Events {
		if e.Kind != decode.EvSYN {
			return false
		}
	}
	return true
}

func noSYNACKText(f *decode.Flow) string {
	k := noSYNACKKey{tries: int(f.TCP.SYNRetries) + 1, span: roundedDur(f.Last.Sub(f.First))}
	return noSYNACKTexts.get(k, func() string {
		return fmt.Sprintf("SYN sent %d time%s over %s, never answered: likely routing, a firewall dropping it, or the host is down; not a TLS problem",
			k.tries, plural(k.tries), k.span)
	})
}

func refusedText(port uint16) string {
	return refusedTexts.get(port, func() string {
		return fmt.Sprintf("SYN answered by RST: likely nothing listens on port %d, or a firewall rejects it", port)
	})
}

// oneSided reports a connection seen from one side only, and which side was seen.
func oneSided(f *decode.Flow) (seen string, ok bool) {
	tcp := &f.TCP
	switch {
	case f.PacketsDir[server] == 0 && f.TCP.Payload[client] > 0:
		return "client", true
	case f.PacketsDir[client] == 0 && f.TCP.Payload[server] > 0:
		return "server", true
	case f.PacketsDir[server] == 0 && tcp.SYN && tcp.ACK:
		return "client", true
	}
	return "", false
}

func notTLSVerdict(f *decode.Flow) Verdict {
	proto := f.TLS.NotTLS
	opening := "TCP established, but"
	if !f.TCP.SYN || !f.TCP.SYNACK {
		opening = "the capture starts mid-connection (no TCP handshake seen), and"
	}
	if proto == "unknown" {
		if f.TCP.MidStream {
			side := "its first bytes are"
			for _, e := range f.Events {
				if e.Kind == decode.EvPlaintext {
					side = "the first bytes captured from the " + e.Dir.String() + " are"
					break
				}
			}
			return Verdict{Outcome: Partial, Stage: StageUnknown,
				Diagnosis: "the capture starts mid-connection (no TCP handshake seen) and " + side + " neither the start of a TLS record nor a protocol we recognise: likely the middle of a stream whose start was not captured"}
		}
		return Verdict{Outcome: NotTLS, Stage: StagePlaintext,
			Diagnosis: opening + " the first bytes are not TLS (protocol not recognised)"}
	}
	if to := f.TLS.Tunnel; to != "" && tlswire.CanStartTLS(proto) { // HTTP CONNECT, SOCKS5
		d := proto + " to " + Printable(to) + " seen, then no TLS: "
		// The proxy's status line says which of the two it was.
		switch line := f.TLS.ServerPlain; {
		case proto != tlswire.ProtoHTTPConnect || line == "":
			d += "the proxy refused the tunnel, or the client sent no TLS through it"
		case connectAccepted(line):
			d += "the proxy accepted the tunnel (it answered " + strconv.Quote(Printable(line)) + "), but the client sent no TLS through it"
		default:
			d += "the proxy refused the tunnel (it answered " + strconv.Quote(Printable(line)) + ")"
		}
		return Verdict{Outcome: NotTLS, Stage: StagePlaintext, Diagnosis: d}
	}
	if tlswire.CanStartTLS(proto) {
		return Verdict{Outcome: NotTLS, Stage: StagePlaintext,
			Diagnosis: proto + " in plaintext: no STARTTLS upgrade was seen (not offered, not asked for, or refused)"}
	}
	return Verdict{Outcome: NotTLS, Stage: StagePlaintext,
		Diagnosis: fmt.Sprintf("%s the connection speaks %s, not TLS", opening, proto)}
}

// noClientHello covers TLS flows whose ClientHello we never read.
func noClientHello(f *decode.Flow) Verdict {
	t, tcp := f.TLS, &f.TCP
	switch {
	case t.Problem[client] != "":
		return Verdict{Outcome: Partial, Stage: StageUnknown, Diagnosis: "client's bytes not decodable: " + t.Problem[client]}
	case t.ServerHello != nil || t.Seen || tcp.MidStream && f.TCP.Payload[client]+f.TCP.Payload[server] > 0:
		return Verdict{Outcome: Partial, Stage: StageUnknown,
			Diagnosis: "the capture starts after the ClientHello: the handshake's start is missing"}
	case tcp.MidStream:
		return Verdict{Outcome: Partial, Stage: StageTCP, Diagnosis: "the capture starts mid-connection and shows no data"}
	}
	who, how := closer(f)
	if who == "" {
		// Nothing ended the connection: the capture did, so it may simply be short.
		return Verdict{Outcome: Partial, Stage: StageTCP,
			Diagnosis: "the capture ends after the TCP handshake, before any data was sent"}
	}
	return Verdict{Outcome: NoClientHello, Stage: StageTCP, Who: who,
		Diagnosis: fmt.Sprintf("TCP established, then the %s %s before any data: likely a health check, port scan, or a client that gave up", who, how)}
}

// closer says who ended the connection first, by RST or FIN.
// connectAccepted reports an HTTP status line with a 2xx code, the proxy's
// yes to a CONNECT.
func connectAccepted(line string) bool {
	fields := strings.Fields(line)
	return len(fields) >= 2 && strings.HasPrefix(fields[0], "HTTP/") && len(fields[1]) == 3 && fields[1][0] == '2'
}

func closer(f *decode.Flow) (who, how string) {
	e, ok := firstClose(f)
	switch {
	case !ok:
		return "", ""
	case e.Kind == decode.EvRST:
		return e.Dir.String(), "reset the connection"
	}
	return e.Dir.String(), "closed the connection"
}

func completedVerdict(f *decode.Flow) Verdict {
	t := f.TLS
	if a := firstFatal(f); a != nil {
		if a.Decrypted && a.From == server && t.ServerHello.TLS13() {
			// The key log shows what size alone only guessed: the server
			// refused the client's flight right after the client's Finished.
			return Verdict{Outcome: Alert, Stage: StageClientFlight, Who: a.From.String(), Diagnosis: alertDiagnosis(f, a)}
		}
		return Verdict{Outcome: Alert, Stage: StageDone, Who: a.From.String(),
			Diagnosis: fmt.Sprintf("handshake completed, then the %s sent fatal %s", a.From, registry.Alert(a.Description))}
	}
	if who, ok := tls13PostHandshakeAlert(f); ok {
		why := "likely a fatal alert refusing the client's certificate or its Finished, though a close_notify looks the same; TLS 1.3 hides which, a key log would show it"
		switch seen, empty := clientEncryptedCertificate(f); {
		case seen && empty:
			why = "the client's first encrypted record has the size of an empty Certificate (asked for one, it had none), so the server most likely refused to go on without one (certificate_required; encrypted, a key log would confirm it)"
		case seen:
			why = "the client's first encrypted records are larger than a Finished, so they are a Certificate and CertificateVerify (known by size): the server asked for a client certificate, got one, and most likely rejected it (e.g. unknown_ca or bad_certificate; encrypted, a key log would confirm it)"
		}
		return Verdict{Outcome: EncryptedAlert, Stage: StageClientFlight, Who: who,
			Diagnosis: "the server answered the client's Finished with a short encrypted record and closed: " + why}
	}
	k := completedKey{resumed: resumed(f), version: t.ServerHello.Version(), suite: t.ServerHello.CipherSuite, alpn: t.ServerHello.ALPN}
	out := OK
	if k.resumed {
		out = Resumed
	}
	if t.HelloRetry != nil {
		k.retry, k.retryGroup = true, t.HelloRetry.KeyShareGroup
	}
	v := Verdict{Outcome: out, Stage: StageDone, Diagnosis: completedTexts.get(k, k.text)}
	v.Diagnosis += earlyDataNote(f)
	return v
}

// completedKey is what a completed handshake's diagnosis says (early data
// aside): most flows of a capture share one of a few.
type completedKey struct {
	resumed    bool
	retry      bool
	version    uint16
	suite      uint16
	retryGroup uint16
	alpn       string
}

func (k completedKey) text() string {
	what := "handshake completed"
	if k.resumed {
		what = "abbreviated handshake: session resumed"
	}
	d := what + " with " + registry.Version(k.version) + ", " + registry.CipherSuite(k.suite) + alpnNote(k.alpn)
	if k.retry {
		d += " after a HelloRetryRequest for " + registry.Group(k.retryGroup)
	}
	return d
}

// earlyDataNote tells what became of 0-RTT data the client sent.
func earlyDataNote(f *decode.Flow) string {
	e := f.TLS.EarlyData
	if e.Records == 0 {
		return ""
	}
	what := fmt.Sprintf("; 0-RTT: the client sent early data (%d record%s, %d bytes)",
		e.Records, plural(int(e.Records)), e.Bytes)
	switch sh := f.TLS.ServerHello; {
	case hasEvent(f, client, decode.EvEncryptedHandshake, tlswire.EndOfEarlyData):
		return what + ", and its EndOfEarlyData (known by size) says the server accepted it"
	case sh != nil && sh.SelectedPSK < 0, f.TLS.HelloRetry != nil:
		// Early data rides on the first PSK (RFC 8446 4.2.10): a full
		// handshake or a HelloRetryRequest means it was not read.
		return what + "; the server did not take the PSK, so the early data was skipped, not read"
	}
	return what + "; whether the server accepted it is only in the encrypted EncryptedExtensions"
}

// clientEncryptedCertificate reports a TLS 1.3 client Certificate known by
// the size of its encrypted record, and whether it was the empty one (its
// event holds the 3-byte body decode knows it by).
func clientEncryptedCertificate(f *decode.Flow) (seen, empty bool) {
	for _, e := range f.Events {
		if e.Dir == client && e.Kind == decode.EvEncryptedHandshake && e.Code == tlswire.CertificateType {
			return true, e.Len <= 3
		}
	}
	return false, false
}

// tls13PostHandshakeAlert spots a TLS 1.3 server that answered the client's
// Finished at once with one alert-sized record (19 bytes, a little more if
// padded) and closed: it rejected the client's certificate, or its absence.
func tls13PostHandshakeAlert(f *decode.Flow) (string, bool) {
	t := f.TLS
	if !t.ServerHello.TLS13() {
		return "", false
	}
	s := t.AppData[server]
	// One short record, then the server closed: checked before the
	// timeline's scans below, where most flows stop.
	closed := f.TCP.FIN[server] || f.TCP.RST[server]
	if s.Records != 1 || s.FirstLen <= 0 || s.FirstLen > 24 || !closed {
		return "", false
	}
	finished := eventTime(f, decode.EvEncryptedHandshake, tlswire.Finished)
	prompt := s.FirstTime().Sub(finished) < time.Second
	// A client that sent data first may have got a tiny answer, not an
	// alert, unless it had sent an empty Certificate (it was asked for one).
	// A client that sent a certificate is also past that doubt when the
	// record is exactly an alert's size (2 bytes under a 16- or 8-byte tag).
	c := t.AppData[client]
	certSent, emptyCert := clientEncryptedCertificate(f)
	alertSized := s.FirstLen == 2+1+16 || s.FirstLen == 2+1+8
	unasked := c.Records == 0 || c.FirstAt > s.FirstAt || emptyCert || certSent && alertSized
	if prompt && unasked {
		return "server", true
	}
	return "", false
}

func alpnNote(alpn string) string {
	if alpn == "" {
		return ""
	}
	return ", ALPN " + Printable(alpn)
}

// noServerHello covers a ClientHello that got no ServerHello. Who closed
// first, and when, comes from the timeline's first FIN or RST.
func noServerHello(f *decode.Flow) Verdict {
	t := f.TLS
	if t.Problem[server] != "" {
		return Verdict{Outcome: Partial, Stage: StageClientHello, Diagnosis: "server's answer not decodable: " + t.Problem[server]}
	}
	chAt := clientHelloTime(f)
	end, ended := firstClose(f)
	waited := f.Last.Sub(chAt)
	if ended {
		waited = end.Time().Sub(chAt)
	}
	if ended && end.Kind == decode.EvRST {
		if end.Dir == server {
			means := "likely a firewall or IPS rejecting %s, server policy, or nothing TLS behind the port"
			if injectedReset(f, server) {
				means = "likely a firewall or IPS on the path rejecting %s"
			}
			return Verdict{Outcome: Reset, Stage: StageClientHello, Who: "server", Diagnosis: fmt.Sprintf(
				"%s reset the connection %s after the ClientHello%s: "+means,
				resetSender(f, server, ""), roundDur(waited), sniNote(f), rejectedPart(f))}
		}
		if t.ClientHelloRetrans == 0 && waited < time.Second {
			return Verdict{Outcome: Reset, Stage: StageClientHello, Who: "client",
				Diagnosis: fmt.Sprintf("client reset the connection %s after its own ClientHello, before any answer", roundDur(waited))}
		}
	}
	if !ended && t.ClientHelloRetrans == 0 && waited < answerWait(f) {
		// Nothing ended the connection: the capture did, sooner than a
		// server could be expected to answer.
		ends := "the capture ends " + roundDur(waited) + " after the ClientHello"
		if waited < time.Microsecond {
			ends = "the capture ends with the ClientHello"
		}
		return Verdict{Outcome: Partial, Stage: StageClientHello, Diagnosis: fmt.Sprintf(
			"%s, the connection still open: sooner than the server could be expected to answer (we wait %s), so the capture likely stopped too early; a longer capture would show the answer",
			ends, roundDur(answerWait(f)))}
	}
	v := Verdict{Outcome: NoServerHello, Stage: StageClientHello, Who: "server"}
	var seen, means string
	switch {
	case ended && end.Dir == server:
		seen = fmt.Sprintf("the server closed the connection (FIN) %s after the ClientHello without answering", roundDur(waited))
		means = "likely server policy, the SNI not served, or a load balancer with no healthy backend"
	case t.ClientHelloRetrans > 0:
		n := retransRounds(t)
		seen = fmt.Sprintf("the ClientHello (%d bytes, %d segment%s%s) was retransmitted %d time%s and never answered%s",
			t.ClientHelloLen, t.ClientHelloSegments, plural(int(t.ClientHelloSegments)), helloKeyShareWords(f), n, plural(n), helloAckWords(f))
		if z := f.TCP.Sizes[client]; t.ClientHelloSegments > 1 && z.Resent > 0 && int32(z.Resent) == t.ClientHelloRetrans {
			// Every resend was of its largest segment: the rest got through.
			seen = fmt.Sprintf("the ClientHello (%d bytes, %d segments%s) was never answered: its %d-byte segment was resent %d times, the rest not%s",
				t.ClientHelloLen, t.ClientHelloSegments, helloKeyShareWords(f), z.Max, z.Resent, helloAckWords(f))
		}
		means = "likely packet loss or a middlebox dropping it"
		if mtuSuspect(f) {
			means = "it is larger than one MSS, so a path MTU problem is likely (a middlebox dropping large segments)"
		}
	case t.ClientHelloAcked:
		seen = fmt.Sprintf("the server acknowledged the ClientHello (TCP) but sent nothing for %s", roundDur(waited))
		means = "likely the server application or a TLS-terminating middlebox hung"
	default:
		seen = fmt.Sprintf("no answer to the ClientHello for %s, not even a TCP acknowledgement", roundDur(waited))
		means = "likely a firewall or middlebox dropping it, or a server that is overloaded"
	}
	switch {
	case ended && end.Dir == client:
		// The client ended it: who says so, the diagnosis says why.
		v.Who = "client"
		how := "closed the connection (FIN)"
		if end.Kind == decode.EvRST {
			how = "reset the connection (RST)"
		}
		seen += fmt.Sprintf("; then the client gave up and %s first", how)
	case !ended:
		seen += "; the capture ends with the connection still open"
	}
	v.Diagnosis = seen + ": " + means
	return v
}

// retransRounds turns retransmitted segments into retransmissions of the
// whole ClientHello (a two-segment hello resent three times is six segments).
func retransRounds(t *decode.TLSFacts) int {
	segs := max(t.ClientHelloSegments, 1)
	return int((t.ClientHelloRetrans + segs - 1) / segs)
}

// mtuSuspect reports a ClientHello larger than one segment's MSS.
func mtuSuspect(f *decode.Flow) bool {
	mss := int(f.TCP.MSS[server])
	if mss == 0 {
		mss = int(f.TCP.MSS[client])
	}
	if mss == 0 {
		mss = 1460
	}
	return int(f.TLS.ClientHelloLen)+5 > mss || f.TLS.ClientHelloSegments > 1
}

// stoppedMidHandshake covers a handshake that got past the hellos and then
// stopped with no alert in clear.
func stoppedMidHandshake(f *decode.Flow) Verdict {
	t := f.TLS
	stage := stageAfter(f)
	after := stageWords(f, stage)
	if e, ok := firstClose(f); ok {
		d := e.Dir
		if e.Kind == decode.EvRST {
			return Verdict{Outcome: Reset, Stage: stage, Who: d.String(),
				Diagnosis: fmt.Sprintf("%s reset the connection %s, with no alert%s", resetSender(f, d, "the "), after, resetHint(f, d, stage))}
		}
		return Verdict{Outcome: Reset, Badge: "CLOSED", Stage: stage, Who: d.String(),
			Diagnosis: fmt.Sprintf("the %s closed the connection %s without an alert%s", d, after, resetHint(f, d, stage))}
	}
	for _, d := range []decode.Dir{client, server} {
		if t.Problem[d] != "" {
			return Verdict{Outcome: Partial, Stage: stage, Diagnosis: fmt.Sprintf("%s's bytes not decodable %s: %s", d, after, t.Problem[d])}
		}
	}
	return Verdict{Outcome: Partial, Stage: stage, Diagnosis: "the capture ends mid-handshake, " + after}
}

func resetHint(f *decode.Flow, d decode.Dir, stage Stage) string {
	if d == client && !injectedReset(f, d) && stage == StageServerFlight && certificateSent(f) {
		if why := certProblems(f); why != "" {
			return ": likely the certificate (" + why + ")"
		}
		return ": likely the client rejecting the server's certificate"
	}
	return ""
}

func stageWords(f *decode.Flow, s Stage) string {
	switch s {
	case StageClientHello:
		return "after the ClientHello"
	case StageHelloRetry:
		return "after the HelloRetryRequest"
	case StageServerHello:
		return "after the ServerHello"
	case StageServerFlight:
		if !certificateSent(f) {
			return "after the server's flight" // a PSK handshake sends no certificate
		}
		return "after the server's certificate flight"
	case StageClientFlight:
		return "after the client's key exchange and Finished"
	case StageDone:
		return "after the handshake"
	}
	return "mid-handshake"
}

// rejectedPart names what a middlebox could have rejected: the SNI when the
// ClientHello carried one, else the ClientHello itself.
func rejectedPart(f *decode.Flow) string {
	if ch := f.TLS.ClientHello; ch != nil && ch.SNI != "" {
		return "the SNI"
	}
	return "the ClientHello"
}

func sniNote(f *decode.Flow) string {
	if ch := f.TLS.ClientHello; ch != nil && ch.SNI != "" {
		return " for " + Printable(ch.SNI)
	}
	return ""
}

func eventTime(f *decode.Flow, kind decode.EventKind, code uint16) time.Time {
	for _, e := range f.Events {
		if e.Kind == kind && e.Code == code {
			return e.Time()
		}
	}
	return f.First
}

func eventTimeDir(f *decode.Flow, kind decode.EventKind, d decode.Dir) time.Time {
	for _, e := range f.Events {
		if e.Kind == kind && e.Dir == d {
			return e.Time()
		}
	}
	return f.Last
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// roundDur prints a duration at a precision people read: 1.8ms, 240ms, 3.2s.
func roundDur(d time.Duration) string { return roundedDur(d).String() }

// roundedDur is d rounded as roundDur shows it (a negative span as 0).
func roundedDur(d time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d < time.Second:
		return d.Round(time.Millisecond)
	case d < time.Minute:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
