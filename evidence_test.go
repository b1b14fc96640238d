package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// loadFlows classifies every flow of a capture with the engine the command
// line and the explorer use.
func loadFlows(t *testing.T, path string) []model.Flow {
	t.Helper()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	l := model.NewLoader(src)
	l.Run(context.Background(), nil) // damage is reported by the golden tests; the flows read before it count
	return l.Flows()
}

// TestThinEvidenceCaptures checks the captures of testdata/gen/verdicts.sh
// (and the older snap length and silent server ones): where bytes are missing
// or the server spoke plaintext, the outcome, stage, who and the diagnosis's
// key words are what the capture supports.
func TestThinEvidenceCaptures(t *testing.T) {
	type want struct {
		id           int
		outcome      model.Outcome
		stage        model.Stage
		who          string
		has, hasNot  []string
		handshakeMin time.Duration // at least this long (the wait is part of the handshake)
	}
	cases := map[string][]want{
		"snaplen60.pcap": {{1, model.Partial, model.StageUnknown, "",
			[]string{"snap length", "kept only its first 58 bytes", "re-capture with tcpdump -s 0", "TCP shows 380 bytes from the client and 1958 from the server"},
			[]string{"health check", "TCP established, then"}, 0}},
		"snaplen96.pcap": {{1, model.Partial, model.StageUnknown, "",
			[]string{"snap length", "kept only its first 96 bytes", "tcpdump -s 0"}, nil, 0}},
		"ends-after-client-hello.pcap": {{1, model.Partial, model.StageClientHello, "",
			[]string{"the capture ends with the ClientHello, the connection still open", "we wait 1s"}, []string{"silent", "firewall"}, 0}},
		"dropped-server-data.pcap": {{1, model.Partial, model.StageClientFlight, "",
			[]string{"the client acknowledged 1958 bytes from the server that are not in the capture",
				"likely the capture point dropped them", "the client went on to send its key exchange", "so the server most likely did answer"},
			[]string{"TCP established", "encrypted alert"}, 0}},
		"midstream.pcap": {{1, model.Partial, model.StageUnknown, "",
			[]string{"the capture starts mid-connection (no TCP handshake seen) and the first bytes captured from the server are neither"}, []string{"TCP established"}, 0}},
		"tls-to-plaintext.pcap": {
			{1, model.PlaintextReply, model.StageClientHello, "server",
				[]string{"the client sent a ClientHello for www.pcapsurgery.test", `in plaintext HTTP ("<!DOCTYPE HTML>")`, "TLS sent to a plaintext port"}, nil, 0},
			{2, model.PlaintextReply, model.StageClientHello, "server",
				[]string{"the server answered in plaintext HTTP (400 Bad Request): TLS sent to a plaintext port"}, nil, 0},
			{3, model.PlaintextReply, model.StageClientHello, "server",
				[]string{`plaintext SMTP ("220 mail.pcapsurgery.test ESMTP"): TLS sent to a plaintext port`}, []string{"STARTTLS ("}, 0},
			{4, model.PlaintextReply, model.StageClientHello, "server",
				[]string{`plaintext SSH ("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")`}, nil, 0},
			{5, model.NotTLS, model.StagePlaintext, "", []string{"speaks HTTP, not TLS"}, []string{"ClientHello"}, 0},
		},
		"tls-after-banner.pcap": {
			{1, model.PlaintextReply, model.StageClientHello, "server",
				[]string{`the server had already greeted it in plaintext SMTP ("220 mail.pcapsurgery.test ESMTP"): TLS sent to a plaintext port`}, nil, 0},
			{2, model.PlaintextReply, model.StageClientHello, "server",
				[]string{`the server had already greeted it in plaintext SSH ("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")`}, nil, 0},
		},
		"client-hello-dropped.pcap": {{1, model.NoServerHello, model.StageClientHello, "server",
			[]string{"the ClientHello (325 bytes, 1 segment) was retransmitted 6 times and never answered", "likely packet loss or a middlebox"}, nil,
			6 * time.Second}},
		"silent-server.pcap": {{1, model.NoServerHello, model.StageClientHello, "client",
			[]string{"the server acknowledged the ClientHello (TCP) but sent nothing for 3s", "then the client gave up and closed the connection (FIN) first"},
			[]string{"server closed"}, 2900 * time.Millisecond}},
	}
	for name, wants := range cases {
		t.Run(name, func(t *testing.T) {
			flows := loadFlows(t, filepath.Join("testdata", "captures", name))
			if len(flows) != len(wants) {
				t.Fatalf("%d flows, want %d", len(flows), len(wants))
			}
			for _, w := range wants {
				f := flows[w.id-1]
				if f.Outcome != w.outcome || f.Stage != w.stage || f.Who != w.who {
					t.Errorf("flow %d: %s at %s by %q, want %s at %s by %q (%s)", w.id, f.Outcome, f.Stage, f.Who, w.outcome, w.stage, w.who, f.Diagnosis)
				}
				for _, s := range w.has {
					if !strings.Contains(f.Diagnosis, s) {
						t.Errorf("flow %d: diagnosis %q lacks %q", w.id, f.Diagnosis, s)
					}
				}
				for _, s := range w.hasNot {
					if strings.Contains(f.Diagnosis, s) {
						t.Errorf("flow %d: diagnosis %q says %q", w.id, f.Diagnosis, s)
					}
				}
				if w.handshakeMin > 0 {
					if d, ok := f.HandshakeTime(); !ok || time.Duration(d) < w.handshakeMin {
						t.Errorf("flow %d: handshake time %v, want at least %v (the client waited)", w.id, time.Duration(d), w.handshakeMin)
					}
				}
			}
		})
	}
}

// TestPlaintextReplyIsAFailure: `summary --failures` lists the ClientHellos
// answered in plaintext and leaves out the plain HTTP client.
func TestPlaintextReplyIsAFailure(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"summary", "--failures", "testdata/captures/tls-to-plaintext.pcap"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if n := strings.Count(stdout.String(), "PLAINTEXT"); n != 4 {
		t.Errorf("%d PLAINTEXT rows among the failures, want 4:\n%s", n, stdout.String())
	}
	if strings.Contains(stdout.String(), "NOT TLS") {
		t.Errorf("the plain HTTP client is listed as a failure:\n%s", stdout.String())
	}
}

// TestNoDiagnosisContradictsItsFlow walks every flow of every bundled
// capture and fails when a diagnosis names a cause its own flow's evidence
// contradicts.
func TestNoDiagnosisContradictsItsFlow(t *testing.T) {
	n := 0
	for _, path := range goldenCaptures(t) {
		for _, f := range loadFlows(t, path) {
			n++
			for _, c := range contradictions(&f) {
				t.Errorf("%s flow %d (%s): %s\n  diagnosis: %s", filepath.Base(path), f.ID, f.Outcome, c, f.Diagnosis)
			}
		}
	}
	if n < 100 {
		t.Fatalf("walked only %d flows", n)
	}
}

// TestContradictionCheckerCatches keeps the walk honest: the diagnoses the
// issue quotes as wrong must be caught on the flows they were wrong for.
func TestContradictionCheckerCatches(t *testing.T) {
	silent := loadFlows(t, "testdata/captures/silent-server.pcap")[0].Copy() // its own verdict: verdicts are shared
	silent.Diagnosis = "server closed the connection after the ClientHello without answering: server policy, SNI not served, or a load balancer with no healthy backend; the client gave up after 3s"
	noCert := loadFlows(t, "testdata/captures/dropped-server-data.pcap")[0].Copy() // its own verdict: verdicts are shared
	noCert.Diagnosis = "after the server's flight the client sent a short encrypted record and closed: almost always the client rejecting the certificate"
	retrans := loadFlows(t, "testdata/captures/silent-server.pcap")[0].Copy() // its own verdict: verdicts are shared
	retrans.Diagnosis = "ClientHello retransmitted 6 times and never answered"
	plain := loadFlows(t, "testdata/captures/tls-to-plaintext.pcap")[1].Copy() // its own verdict: verdicts are shared
	plain.Outcome = model.NotTLS
	wait := loadFlows(t, "testdata/captures/silent-server.pcap")[0].Copy() // its own verdict: verdicts are shared
	wait.Diagnosis = "the server acknowledged the ClientHello (TCP) but sent nothing for 2ms; then the client gave up and closed the connection (FIN) first"
	midstream := loadFlows(t, "testdata/captures/midstream.pcap")[0].Copy() // its own verdict: verdicts are shared
	midstream.Diagnosis = "TCP established, but the first bytes are not TLS (protocol not recognised)"
	noSNI := loadFlows(t, "testdata/edge/sslv2.pcap")[1].Copy() // its own verdict: verdicts are shared
	noSNI.Diagnosis = "server reset the connection 300µs after the ClientHello: likely a firewall or IPS rejecting the SNI"
	think := loadFlows(t, "testdata/captures/tls13-go-h2-3seg.pcap")[0].Copy() // its own verdict: verdicts are shared
	think.Diagnosis += "; the server took 4.8s to answer the ClientHello (network round trip 109µs)"
	for name, f := range map[string]model.Flow{"a server think time the timeline does not show": think, "wrong closer": silent, "certificate without one": noCert, "SNI without one": noSNI,
		"retransmissions not in the timeline": retrans, "ClientHello called not TLS": plain,
		"TCP established without a SYN": midstream, "a wait the timeline does not show": wait} {
		if len(contradictions(&f)) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}

var (
	closeWords   = regexp.MustCompile(`\b(client|server) (?:gave up and )?(closed|reset) the connection`)
	retransWords = regexp.MustCompile(`retransmitted (\d+) times?`)
	ackedWords   = regexp.MustCompile(`the (client|server) acknowledged (\d+) bytes from the (client|server)`)
	sentWords    = regexp.MustCompile(`\b(client|server) sent fatal`)
	// waits the diagnosis measures from the ClientHello: to the first close, or to the capture's end
	thinkWords = regexp.MustCompile(`server took ([0-9.]+(?:µs|ms|s|m)) to answer the ClientHello`)
	waitWords  = regexp.MustCompile(`(?:sent nothing for|no answer to the ClientHello for|connection \(FIN\)|reset the connection) ([0-9.]+(?:µs|ms|s|m))(?: after the ClientHello)?`)
)

// contradictions lists what a flow's diagnosis (and outcome) says that its
// own facts and timeline do not support. It reads the facts directly, not
// through the model's helpers, so a helper's mistake cannot hide here.
func contradictions(f *model.Flow) []string {
	var out []string
	d := f.Diagnosis
	low := strings.ToLower(d)
	t := f.TLS

	// A certificate cause needs a certificate: one in clear, or a TLS 1.3
	// full handshake (no PSK) whose encrypted server flight carried it.
	serverCert := len(t.Certificates) > 0
	for _, e := range f.Events {
		if e.Dir == decode.FromServer && e.Kind == decode.EvHandshake && e.Code == tlswire.CertificateType {
			serverCert = true
		}
	}
	if sh := t.ServerHello; sh != nil && sh.Version() == tlswire.VersionTLS13 && sh.SelectedPSK < 0 && t.FirstEncrypted[decode.FromServer] > 0 {
		serverCert = true
	}
	rest := strings.NewReplacer("client certificate", "", "client's certificate", "").Replace(low)
	if strings.Contains(rest, "certificate") && !serverCert {
		out = append(out, "names a certificate cause, but no server certificate was sent")
	}

	// An SNI cause needs an SNI.
	if ch := t.ClientHello; (ch == nil || ch.SNI == "") && strings.Contains(low, "the sni") {
		out = append(out, "names the SNI as a cause, but the ClientHello carried none")
	}

	// Who closed first: the timeline's first FIN or RST.
	var first *decode.Event
	for _, e := range f.Events {
		if e.Kind == decode.EvFIN || e.Kind == decode.EvRST {
			first = &e
			break
		}
	}
	if m := closeWords.FindStringSubmatch(d); m != nil {
		kind := decode.EvFIN
		if m[2] == "reset" {
			kind = decode.EvRST
		}
		switch {
		case first == nil:
			out = append(out, fmt.Sprintf("says the %s %s the connection; the timeline has no FIN or RST", m[1], m[2]))
		case first.Dir.String() != m[1] || first.Kind != kind:
			out = append(out, fmt.Sprintf("says the %s %s the connection first; the timeline's first close is %s", m[1], m[2], closeName(first)))
		}
	}
	if f.Outcome == model.Reset && (first == nil || f.Who != first.Dir.String()) {
		out = append(out, fmt.Sprintf("%s by %q, but the first close in the timeline is %s", f.Badge, f.Who, closeName(first)))
	}
	if strings.Contains(d, "connection still open") || strings.Contains(d, "with the connection open") {
		if first != nil {
			out = append(out, "says the connection is still open; the timeline has "+closeName(first))
		}
	}

	// Counted evidence must be in the timeline.
	if m := retransWords.FindStringSubmatch(d); m != nil {
		n, _ := strconv.Atoi(m[1])
		got := 0
		for _, e := range f.Events {
			if e.Kind == decode.EvRetransmit {
				got++
			}
		}
		if got < min(n, 20) {
			out = append(out, fmt.Sprintf("says retransmitted %d times; the timeline shows %d retransmissions", n, got))
		}
	}
	if m := ackedWords.FindStringSubmatch(d); m != nil {
		dir := decode.FromClient
		if m[3] == "server" {
			dir = decode.FromServer
		}
		if n, _ := strconv.ParseInt(m[2], 10, 64); f.TCP.Uncaptured[dir] != n {
			out = append(out, fmt.Sprintf("says %s bytes were acknowledged but not captured; the flow counts %d", m[2], f.TCP.Uncaptured[dir]))
		}
	}
	if m := sentWords.FindStringSubmatch(d); m != nil {
		found := false
		for _, a := range t.Alerts {
			if a.From.String() == m[1] && a.Level == 2 && !a.Encrypted {
				found = true
			}
		}
		if !found {
			out = append(out, "names a fatal alert from the "+m[1]+" that is not in the flow")
		}
	}
	if m := waitWords.FindStringSubmatch(d); m != nil && t.ClientHello != nil {
		said, err := time.ParseDuration(m[1])
		var chAt time.Time
		for _, e := range f.Events {
			if e.Kind == decode.EvHandshake && e.Code == tlswire.ClientHelloType || e.Kind == decode.EvSSLv2Hello {
				chAt = e.Time()
				break
			}
		}
		end := f.Last
		if first != nil {
			end = first.Time()
		}
		real := end.Sub(chAt)
		// The diagnosis rounds (3 significant places at most); allow for it.
		if tol := max(real/20, time.Millisecond); err != nil || chAt.IsZero() || said < real-tol || said > real+tol {
			out = append(out, fmt.Sprintf("says %s after the ClientHello; the timeline has %v", m[1], real))
		}
	}
	if m := thinkWords.FindStringSubmatch(d); m != nil {
		said, err := time.ParseDuration(m[1])
		var chAt, shAt time.Time
		for _, e := range f.Events {
			switch {
			case e.Kind == decode.EvHandshake && e.Code == tlswire.ClientHelloType && chAt.IsZero():
				chAt = e.Time()
			case (e.Kind == decode.EvHandshake && e.Code == tlswire.ServerHelloType || e.Kind == decode.EvHelloRetry) &&
				e.Dir == decode.FromServer && shAt.IsZero() && !chAt.IsZero():
				shAt = e.Time()
			}
		}
		real := shAt.Sub(chAt)
		if tol := max(real/20, time.Millisecond); err != nil || chAt.IsZero() || shAt.IsZero() || said < real-tol || said > real+tol {
			out = append(out, fmt.Sprintf("says the server took %s to answer the ClientHello; the timeline has %v", m[1], real))
		}
	}
	if f.Outcome == model.Alert {
		if a := firstFatalClear(t); a != nil && f.Who != a.From.String() {
			out = append(out, fmt.Sprintf("ALERT by %q, but the fatal alert came from the %s", f.Who, a.From))
		}
	}
	if strings.Contains(d, "acknowledged the ClientHello") && !t.ClientHelloAcked {
		out = append(out, "says the server acknowledged the ClientHello; no ACK covers it")
	}
	if strings.Contains(d, "not even a TCP acknowledgement") && t.ClientHelloAcked {
		out = append(out, "says the ClientHello was not acknowledged; an ACK covers it")
	}
	if strings.Contains(d, "the client sent a ClientHello") && t.ClientHello == nil {
		out = append(out, "says the client sent a ClientHello; none was read")
	}
	if strings.Contains(d, "went on to send its key exchange") && !clientSent(f, tlswire.ClientKeyExchange) {
		out = append(out, "says the client sent its key exchange; the timeline has none")
	}
	if strings.Contains(d, "had already greeted it") {
		greeted := false
		for _, e := range f.Events {
			if e.Kind == decode.EvPlaintext && e.Dir == decode.FromServer {
				greeted = true
			}
			if e.Kind == decode.EvHandshake && e.Code == tlswire.ClientHelloType {
				break
			}
		}
		if !greeted {
			out = append(out, "says the server spoke first; its plaintext is not before the ClientHello in the timeline")
		}
	}
	if strings.Contains(d, "snap length") && f.TCP.SnapLen == 0 {
		out = append(out, "names the snap length, but no packet was cut by it")
	}
	if strings.Contains(d, "TCP established") && !(f.TCP.SYN && f.TCP.SYNACK) {
		out = append(out, "says TCP established, but the TCP handshake was not captured")
	}

	// Outcomes that contradict the facts.
	if f.Outcome == model.NotTLS && t.ClientHello != nil {
		out = append(out, "NOT TLS, but the client sent a ClientHello")
	}
	if f.Outcome == model.Alert && firstFatalClear(t) == nil {
		out = append(out, "ALERT without a fatal alert in clear")
	}

	// The handshake time covers the wait: an unfinished handshake lasts at
	// least until what ended it (an alert, a FIN or a RST).
	if f.Stage != model.StageDone && t.ClientHello != nil {
		for _, e := range f.Events {
			if e.Kind != decode.EvAlert && e.Kind != decode.EvEncryptedAlert && e.Kind != decode.EvFIN && e.Kind != decode.EvRST {
				continue
			}
			if hs, ok := f.HandshakeTime(); !ok || time.Duration(hs) < e.Time().Sub(f.First) {
				out = append(out, fmt.Sprintf("handshake time %v ends before what ended it, at %v", time.Duration(hs), e.Time().Sub(f.First)))
			}
			break
		}
	}
	return out
}

func firstFatalClear(t *decode.TLSFacts) *decode.AlertFact {
	for i := range t.Alerts {
		if a := &t.Alerts[i]; !a.Encrypted && a.Level == 2 {
			return a
		}
	}
	return nil
}

func closeName(e *decode.Event) string {
	if e == nil {
		return "none"
	}
	k := "FIN"
	if e.Kind == decode.EvRST {
		k = "RST"
	}
	return k + " from the " + e.Dir.String()
}

func clientSent(f *model.Flow, msg uint16) bool {
	for _, e := range f.Events {
		if e.Dir == decode.FromClient && e.Kind == decode.EvHandshake && e.Code == msg {
			return true
		}
	}
	return false
}
