package model

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// evFlow builds a flow's facts from a timeline: (milliseconds, direction, kind, code).
type ev struct {
	ms   float64
	dir  decode.Dir
	kind decode.EventKind
	code uint16
}

var t0 = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

func evFlow(events ...ev) *decode.Flow {
	f := &decode.Flow{TLS: &decode.TLSFacts{TLSRare: &decode.TLSRare{}}, TCP: decode.TCPFacts{StreamFacts: &decode.StreamFacts{}}, ID: 1, Client: netip.MustParseAddrPort("10.0.0.1:40000"),
		Server: netip.MustParseAddrPort("10.0.0.2:443"), First: t0, Last: t0}
	for _, e := range events {
		at := t0.Add(time.Duration(e.ms * float64(time.Millisecond)))
		f.Timeline = f.Timeline.Append(decode.Event{At: at.UnixNano(), Dir: e.dir, Kind: e.kind, Code: e.code})
		f.Last = at
		f.PacketsDir[e.dir]++
		switch e.kind {
		case decode.EvSYN:
			f.TCP.SYN = true
		case decode.EvSYNACK:
			f.TCP.SYNACK = true
		case decode.EvACK:
			f.TCP.ACK = true
		case decode.EvFIN:
			f.TCP.FIN[e.dir] = true
		case decode.EvRST:
			f.TCP.RST[e.dir] = true
		case decode.EvHandshake:
			if e.code == tlswire.ClientHelloType {
				f.TLS.Seen = true
				f.TLS.ClientHello = decode.NewClientHello(&tlswire.ClientHello{SNI: "svc.example"})
				f.TLS.ClientHelloLen, f.TLS.ClientHelloSegments = 512, 1
				s := *f.TCP.StreamFacts // the shared empty one until a flow has data
				s.Payload[client] += 517
				f.TCP.StreamFacts = &s
			}
		}
	}
	return f
}

func tcpOpen(rttMS float64) []ev {
	return []ev{{0, client, decode.EvSYN, 0}, {rttMS / 2, server, decode.EvSYNACK, 0}, {rttMS, client, decode.EvACK, 0}}
}

func hello(ms float64) ev { return ev{ms, client, decode.EvHandshake, tlswire.ClientHelloType} }

func TestSilentServerSaysTheClientClosedFirst(t *testing.T) {
	f := evFlow(append(tcpOpen(1), hello(2), ev{4002, client, decode.EvFIN, 0}, ev{4003, server, decode.EvFIN, 0})...)
	f.TLS.ClientHelloAcked = true
	v := Classify(f)
	if v.Outcome != NoServerHello || v.Who != "client" {
		t.Fatalf("got %s by %q, want no_server_hello by the client, who closed first", v.Outcome, v.Who)
	}
	for _, want := range []string{"sent nothing for 4s", "the client gave up and closed the connection (FIN) first"} {
		if !strings.Contains(v.Diagnosis, want) {
			t.Errorf("diagnosis %q lacks %q", v.Diagnosis, want)
		}
	}
	if strings.Contains(v.Diagnosis, "server closed") {
		t.Errorf("diagnosis %q says the server closed; the client's FIN came first", v.Diagnosis)
	}
}

func TestServerFINFirstIsTheServerClosing(t *testing.T) {
	f := evFlow(append(tcpOpen(1), hello(2), ev{52, server, decode.EvFIN, 0}, ev{53, client, decode.EvFIN, 0})...)
	v := Classify(f)
	if v.Outcome != NoServerHello || !strings.Contains(v.Diagnosis, "the server closed the connection (FIN) 50ms after the ClientHello") {
		t.Fatalf("got %s: %q", v.Outcome, v.Diagnosis)
	}
}

func TestCaptureEndingBeforeAnAnswerCouldComeIsPartial(t *testing.T) {
	cases := []struct {
		name   string
		rtt    float64 // TCP handshake round trip, ms
		after  float64 // the capture's last packet, ms after the ClientHello
		want   Outcome
		wantIn string
	}{
		{"35µs after, LAN", 0.1, 0.035, Partial, "ends 35µs after the ClientHello, the connection still open: sooner than the server could be expected to answer (we wait 1s)"},
		{"900ms after, LAN", 0.1, 900, Partial, "we wait 1s"},
		{"1.5s after, LAN", 0.1, 1500, NoServerHello, "the capture ends with the connection still open"},
		{"1.5s after, 600ms RTT", 600, 1500, Partial, "we wait 1.8s"},
		{"2s after, 600ms RTT", 600, 2000, NoServerHello, "no answer to the ClientHello for 2s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := evFlow(append(tcpOpen(c.rtt), hello(c.rtt+2))...)
			f.Last = t0.Add(time.Duration((c.rtt + 2 + c.after) * float64(time.Millisecond)))
			v := Classify(f)
			if v.Outcome != c.want || !strings.Contains(v.Diagnosis, c.wantIn) {
				t.Fatalf("got %s: %q; want %s with %q", v.Outcome, v.Diagnosis, c.want, c.wantIn)
			}
		})
	}
}

func TestClientHelloAnsweredInPlaintext(t *testing.T) {
	f := evFlow(append(tcpOpen(1), hello(2), ev{3, server, decode.EvPlaintext, 0}, ev{4, server, decode.EvFIN, 0})...)
	f.TLS.NotTLS, f.TLS.ServerPlain = "HTTP", "HTTP/1.1 400 Bad Request"
	v := Classify(f)
	want := "the client sent a ClientHello for svc.example; the server answered in plaintext HTTP (400 Bad Request): TLS sent to a plaintext port"
	if v.Outcome != PlaintextReply || v.Who != "server" || v.Badge != "PLAINTEXT" || !strings.HasPrefix(v.Diagnosis, want) {
		t.Fatalf("got %s %s by %q: %q", v.Outcome, v.Badge, v.Who, v.Diagnosis)
	}
	if !v.Outcome.Failed() {
		t.Error("a ClientHello answered in plaintext is not counted as a failure")
	}

	banner := evFlow(append(tcpOpen(1), ev{2, server, decode.EvPlaintext, 0}, hello(3), ev{5, server, decode.EvFIN, 0})...)
	banner.TLS.NotTLS, banner.TLS.ServerPlain = "SSH", "SSH-2.0-OpenSSH_9.2p1"
	v = Classify(banner)
	if v.Outcome != PlaintextReply || !strings.Contains(v.Diagnosis, `the server had already greeted it in plaintext SSH ("SSH-2.0-OpenSSH_9.2p1")`) {
		t.Fatalf("banner: got %s: %q", v.Outcome, v.Diagnosis)
	}

	plain := evFlow(append(tcpOpen(1), ev{2, client, decode.EvPlaintext, 0}, ev{3, server, decode.EvFIN, 0})...)
	plain.TLS.NotTLS = "HTTP"
	if v := Classify(plain); v.Outcome != NotTLS || v.Outcome.Failed() {
		t.Fatalf("a plaintext client that never tried TLS: got %s", v.Outcome)
	}
}

func TestSnappedPayloadIsPartialNotATCPVerdict(t *testing.T) {
	// What tcpdump -s 60 leaves: the TCP handshake and FINs, payload lengths, no payload.
	f := evFlow(append(tcpOpen(1), ev{2, client, decode.EvGap, 0}, ev{30, client, decode.EvFIN, 0}, ev{31, server, decode.EvFIN, 0})...)
	s := *f.TCP.StreamFacts
	s.Payload = [2]int64{517, 3000}
	f.TCP.StreamFacts = &s
	f.TCP.Truncated, f.TCP.TruncatedPayload[client], f.TCP.SnapLen, f.TCP.SnapPacket = true, true, 60, 4
	v := Classify(f)
	for _, want := range []string{"snap length", "packet 4 kept only its first 60 bytes", "tcpdump -s 0", "then the client closed the connection first (FIN)"} {
		if v.Outcome != Partial || !strings.Contains(v.Diagnosis, want) {
			t.Fatalf("got %s: %q; want partial naming %q", v.Outcome, v.Diagnosis, want)
		}
	}
}

func TestBytesTheServerAcknowledgedButNeverCapturedArePartial(t *testing.T) {
	// The capture point dropped the server's flight; the client went on.
	f := evFlow(append(tcpOpen(1), hello(2), ev{6, client, decode.EvHandshake, tlswire.ClientKeyExchange},
		ev{6, client, decode.EvChangeCipherSpec, 0}, ev{6, client, decode.EvEncryptedHandshake, tlswire.Finished},
		ev{9, client, decode.EvAppData, 0})...)
	f.TCP.Uncaptured[server] = 3120
	v := Classify(f)
	for _, want := range []string{"the client acknowledged 3120 bytes from the server that are not in the capture",
		"ServerHello) is likely among them", "the client went on to send its key exchange, ChangeCipherSpec, its Finished (encrypted) and application data, so the server most likely did answer"} {
		if v.Outcome != Partial || !strings.Contains(v.Diagnosis, want) {
			t.Fatalf("got %s: %q; want partial with %q", v.Outcome, v.Diagnosis, want)
		}
	}
}

func TestUnknownServerBytesWithoutItsStartAreNotAPlaintextReply(t *testing.T) {
	// The capture starts at the ClientHello: no SYN-ACK, so the server's
	// first captured bytes may be the middle of its ServerHello record.
	f := evFlow(hello(0), ev{1, server, decode.EvPlaintext, 0})
	f.TCP.MidStream, f.TLS.NotTLS = true, "unknown"
	if v := Classify(f); v.Outcome != Partial {
		t.Fatalf("got %s: %q, want partial", v.Outcome, v.Diagnosis)
	}
	g := evFlow(append(tcpOpen(1), hello(2), ev{3, server, decode.EvPlaintext, 0})...)
	g.TLS.NotTLS, g.TLS.ServerPlain = "unknown", "\x00\x01garbage"
	if v := Classify(g); v.Outcome != PlaintextReply || !strings.Contains(v.Diagnosis, "not TLS (protocol not recognised)") {
		t.Fatalf("with the server's stream start seen: got %s: %q", v.Outcome, v.Diagnosis)
	}
}
