package model

import (
	"fmt"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// bytesMissing makes PARTIAL a flow whose verdict would otherwise rest on
// bytes the capture does not hold: the snap length cut them, a hole
// swallowed them, or the peer acknowledged bytes that were never captured.
// What was read in clear still stands: a completed handshake, a fatal alert,
// a plaintext protocol recognised from its first bytes.
func bytesMissing(f *decode.Flow) (Verdict, bool) {
	t, tcp := f.TLS, &f.TCP
	if completed(f) || firstFatal(f) != nil || t.NotTLS != "" && t.NotTLS != "unknown" {
		return Verdict{}, false
	}
	stage := StageUnknown
	if t.ClientHello != nil {
		stage = stageAfter(f)
	}
	switch {
	case tcp.HeldDropped[client] > 0 || tcp.HeldDropped[server] > 0:
		return Verdict{Outcome: Partial, Stage: stage, Diagnosis: heldDroppedText(f)}, true
	case tcp.TruncatedPayload[client] || tcp.TruncatedPayload[server]:
		return Verdict{Outcome: Partial, Stage: stage, Diagnosis: snapText(f)}, true
	case tcp.Gap[client] > 0 || tcp.Gap[server] > 0 || tcp.Uncaptured[client] > 0 || tcp.Uncaptured[server] > 0:
		return Verdict{Outcome: Partial, Stage: stage, Diagnosis: uncapturedText(f)}, true
	}
	return Verdict{}, false
}

// snapText says the packets were cut by the snap length (or by damage, when
// the record claims no cut), what TCP still shows, and how to re-capture.
func snapText(f *decode.Flow) string {
	tcp := &f.TCP
	var seen string
	if tcp.SnapLen > 0 {
		seen = fmt.Sprintf("the capture's snap length cut the packets (packet %d kept only its first %d bytes), so the TLS bytes are not in the file",
			tcp.SnapPacket, tcp.SnapLen)
	} else {
		seen = "a packet is shorter than its headers claim (a damaged capture), so some TLS bytes are not in the file"
	}
	what := "the capture cannot show how the handshake went"
	if ch := f.TLS.ClientHello; ch != nil {
		what = "the capture cannot show how the handshake went on after the ClientHello"
	}
	fix := "; re-capture with tcpdump -s 0 (whole packets) to see it"
	if tcp.SnapLen == 0 {
		fix = ""
	}
	return seen + "; " + tcpStory(f) + ": " + what + fix
}

// uncapturedText says which side's bytes are missing and what the rest of
// the flow suggests they held.
func uncapturedText(f *decode.Flow) string {
	tcp, t := &f.TCP, f.TLS
	var parts []string
	for _, d := range []decode.Dir{server, client} {
		switch {
		case tcp.Uncaptured[d] > 0:
			parts = append(parts, fmt.Sprintf("the %s acknowledged %d bytes from the %s that are not in the capture",
				d.Other(), tcp.Uncaptured[d], d))
		case tcp.Gap[d] > 0:
			parts = append(parts, fmt.Sprintf("%d bytes from the %s are missing from the capture (a hole in its sequence numbers)",
				tcp.Gap[d], d))
		}
	}
	seen := strings.Join(parts, "; ")
	cause := "likely the capture point dropped them"
	if tcp.MidStream {
		cause = "likely the capture started mid-connection or its capture point dropped them"
	}
	var guess string
	switch {
	case t.ClientHello != nil && t.ServerHello == nil && t.HelloRetry == nil && (tcp.Uncaptured[server] > 0 || tcp.Gap[server] > 0):
		guess = "the server's answer (its ServerHello) is likely among them"
		if went := clientWentOn(f); went != "" {
			guess += "; the client went on to send " + went + ", so the server most likely did answer"
		}
	case t.ClientHello == nil && (tcp.Uncaptured[client] > 0 || tcp.Gap[client] > 0):
		guess = "the client's ClientHello is likely among them"
	default:
		guess = "the capture cannot show how the handshake went on"
	}
	return fmt.Sprintf("%s, so they were sent but not captured: %s; %s. A capture that holds every packet would show the handshake", seen, cause, guess)
}

// clientWentOn names what the client sent after its ClientHello that only
// a ServerHello could have prompted ("" when nothing).
func clientWentOn(f *decode.Flow) string {
	var what []string
	add := func(s string) {
		for _, w := range what {
			if w == s {
				return
			}
		}
		what = append(what, s)
	}
	pastHello := false
	for _, e := range f.Events {
		if e.Dir != client {
			continue
		}
		switch {
		case e.Kind == decode.EvHandshake && e.Code == tlswire.ClientHelloType:
			pastHello = true
		case !pastHello:
		case e.Kind == decode.EvHandshake && e.Code == tlswire.ClientKeyExchange:
			add("its key exchange")
		case e.Kind == decode.EvHandshake && e.Code == tlswire.CertificateType:
			add("its certificate")
		case e.Kind == decode.EvChangeCipherSpec:
			add("ChangeCipherSpec")
		case e.Kind == decode.EvEncryptedHandshake:
			add("its Finished (encrypted)")
		case e.Kind == decode.EvAppData:
			add("application data")
		}
	}
	if len(what) > 1 {
		return strings.Join(what[:len(what)-1], ", ") + " and " + what[len(what)-1]
	}
	return strings.Join(what, "")
}

// tcpStory is what TCP shows whatever the payload: bytes each way and how
// the connection ended, first close first.
func tcpStory(f *decode.Flow) string {
	s := fmt.Sprintf("TCP shows %d bytes from the client and %d from the server", f.TCP.Payload[client], f.TCP.Payload[server])
	if e, ok := firstClose(f); ok {
		how := "closed the connection first (FIN)"
		if e.Kind == decode.EvRST {
			how = "reset the connection (RST)"
		}
		return s + ", then the " + e.Dir.String() + " " + how
	}
	return s + ", and the capture ends with the connection open"
}

// firstClose is the first FIN or RST in the timeline: who ended the connection.
func firstClose(f *decode.Flow) (decode.Event, bool) {
	for _, e := range f.Events {
		if e.Kind == decode.EvFIN || e.Kind == decode.EvRST {
			return e, true
		}
	}
	return decode.Event{}, false
}

// Waiting for a ServerHello: a capture that stops sooner than this after the
// ClientHello, with nothing closing the connection, may simply have stopped
// before the answer came. The wait is three round trips of the TCP handshake
// (SYN to the client's ACK, which is one round trip wherever the capture was
// taken), and never less than a second: servers that answer in more are rare,
// and a second is long against a capture that stopped early.
const (
	minAnswerWait     = time.Second
	answerWaitPerRTTs = 3
)

// answerWait is how long a server may reasonably take to answer a ClientHello.
func answerWait(f *decode.Flow) time.Duration {
	if rtt, ok := handshakeRTT(f); ok {
		return max(minAnswerWait, answerWaitPerRTTs*rtt)
	}
	return minAnswerWait
}

// handshakeRTT is the TCP handshake's round trip, SYN to the client's ACK.
func handshakeRTT(f *decode.Flow) (time.Duration, bool) {
	var syn, ack time.Time
	for _, e := range f.Events {
		switch {
		case e.Kind == decode.EvSYN && syn.IsZero():
			syn = e.Time()
		case e.Kind == decode.EvACK && ack.IsZero():
			ack = e.Time()
		}
	}
	if syn.IsZero() || ack.IsZero() || ack.Before(syn) {
		return 0, false
	}
	return ack.Sub(syn), true
}

// plaintextReply covers a client that sent a ClientHello and got plaintext
// back: TLS sent to a port that does not speak it.
func plaintextReply(f *decode.Flow) Verdict {
	t := f.TLS
	proto := t.NotTLS
	what := "in plaintext " + proto
	if proto == "unknown" {
		what = "with bytes that are not TLS (protocol not recognised)"
	}
	if line := t.ServerPlain; line != "" {
		what += " (" + plainLineWords(proto, line) + ")"
	}
	order := "answered"
	if serverSpokeFirst(f) {
		order = "had already greeted it"
	}
	return Verdict{Outcome: PlaintextReply, Stage: StageClientHello, Who: "server",
		Diagnosis: fmt.Sprintf("the client sent a ClientHello%s; the server %s %s: TLS sent to a plaintext port (the client likely needs the port that speaks TLS, or STARTTLS)",
			sniNote(f), order, what)}
}

// serverSpokeFirst reports server plaintext (a banner) before the ClientHello.
func serverSpokeFirst(f *decode.Flow) bool {
	for _, e := range f.Events {
		switch {
		case e.Kind == decode.EvPlaintext && e.Dir == server:
			return true
		case e.Kind == decode.EvHandshake || e.Kind == decode.EvSSLv2Hello:
			return false
		}
	}
	return false
}

// plainLineWords quotes the server's first line; an HTTP status line is
// shown as its status ("400 Bad Request").
func plainLineWords(proto, line string) string {
	if proto == tlswire.ProtoHTTP && strings.HasPrefix(line, "HTTP/") {
		if _, status, ok := strings.Cut(line, " "); ok && status != "" {
			return Printable(status)
		}
	}
	return `"` + Printable(line) + `"`
}

// certificateSent reports evidence that the server sent a certificate: one
// read in clear, or a TLS 1.3 full handshake (no PSK accepted) whose server
// flight is encrypted. A diagnosis names a certificate cause only then.
func certificateSent(f *decode.Flow) bool {
	t := f.TLS
	if len(t.Certificates) > 0 || hasEvent(f, server, decode.EvHandshake, tlswire.CertificateType) {
		return true
	}
	sh := t.ServerHello
	return sh != nil && sh.TLS13() && sh.SelectedPSK < 0 && t.FirstEncrypted[server] > 0
}

// clientHelloTime is when the first ClientHello (TLS or SSLv2-format) was
// captured; the flow's first packet when none was.
func clientHelloTime(f *decode.Flow) time.Time {
	for _, e := range f.Events {
		if e.Kind == decode.EvHandshake && e.Code == tlswire.ClientHelloType || e.Kind == decode.EvSSLv2Hello {
			return e.Time()
		}
	}
	return f.First
}
