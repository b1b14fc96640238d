package model

import (
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// A proxy tunnel names where it went: in the STARTTLS prefix when TLS
// followed, and in the not-TLS diagnosis (with the proxy's answer) when the
// proxy refused it.
func TestProxyTunnelDiagnosis(t *testing.T) {
	refused := evFlow(append(tcpOpen(1), ev{2, client, decode.EvPlaintext, 0}, ev{3, server, decode.EvFIN, 0})...)
	refused.TLS.NotTLS, refused.TLS.Tunnel, refused.TLS.ServerPlain = "HTTP CONNECT", "pay.example:443", "HTTP/1.1 403 Forbidden"
	v := Classify(refused)
	want := `HTTP CONNECT to pay.example:443 seen, then no TLS: the proxy refused the tunnel (it answered "HTTP/1.1 403 Forbidden")`
	if v.Outcome != NotTLS || v.Diagnosis != want {
		t.Errorf("refused CONNECT: got %s %q", v.Outcome, v.Diagnosis)
	}

	// A 200 is the proxy's yes: the tunnel was open, and the client sent no TLS.
	accepted := evFlow(append(tcpOpen(1), ev{2, client, decode.EvPlaintext, 0}, ev{3, server, decode.EvFIN, 0})...)
	accepted.TLS.NotTLS, accepted.TLS.Tunnel, accepted.TLS.ServerPlain = "HTTP CONNECT", "pay.example:443", "HTTP/1.1 200 Connection established"
	v = Classify(accepted)
	want = `HTTP CONNECT to pay.example:443 seen, then no TLS: the proxy accepted the tunnel (it answered "HTTP/1.1 200 Connection established"), but the client sent no TLS through it`
	if v.Outcome != NotTLS || v.Diagnosis != want || strings.Contains(v.Diagnosis, "refused") {
		t.Errorf("accepted CONNECT: got %s %q", v.Outcome, v.Diagnosis)
	}

	socks := evFlow(append(tcpOpen(1), ev{2, client, decode.EvPlaintext, 0}, ev{3, server, decode.EvFIN, 0})...)
	socks.TLS.NotTLS, socks.TLS.Tunnel, socks.TLS.ServerPlain = "SOCKS5", "db.example\x1b[2J:443", "\x05\x04"
	v = Classify(socks)
	if v.Outcome != NotTLS || !strings.HasPrefix(v.Diagnosis, `SOCKS5 to db.example\x1b[2J:443 seen, then no TLS`) || strings.Contains(v.Diagnosis, "answered") {
		t.Errorf("refused SOCKS5: got %s %q", v.Outcome, v.Diagnosis)
	}
}
