package model

import (
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// A certificate_expired alert about a leaf that is valid at the capture's
// time must not be worded as a name mismatch or an expiry the flow does not
// show: it points at the client's clock, as a likely cause.
func TestCertificateExpiredOnValidLeafBlamesTheClock(t *testing.T) {
	f := *mustLoad(t, "../testdata/captures/untrusted-ca-tls12-openssl-gnutls.pcap").Flows()[0].Flow
	if len(f.TLS.Alerts) == 0 || len(f.TLS.Certificates) == 0 {
		t.Fatal("capture lost its alert or certificate")
	}
	f.TLS.Alerts[0].Description = alertCertificateExpired
	d := Classify(&f).Diagnosis
	if !strings.Contains(d, "valid at the capture's time: likely the client's clock is wrong") ||
		strings.Contains(d, "out of its validity:") {
		t.Errorf("diagnosis: %s", d)
	}
}

// A handshake_failure names no reason: after a client certificate was sent,
// the rejected certificate is only the likely cause.
func TestHandshakeFailureAfterClientCertIsLikely(t *testing.T) {
	f := *mustLoad(t, "../testdata/captures/client-cert-missing-tls12-openssl.pcap").Flows()[0].Flow
	if f.TLS.CertRequest == nil || len(f.TLS.Alerts) == 0 {
		t.Fatal("capture lost its CertificateRequest or alert")
	}
	events := f.Timeline.Events()
	for i, e := range events {
		if e.Dir == client && e.Kind == decode.EvHandshake && e.Code == tlswire.CertificateType {
			events[i].Len = 900 // as if the client had sent a certificate
		}
	}
	f.Timeline = decode.MakeTimeline(events...)
	d := Classify(&f).Diagnosis
	if !strings.Contains(d, "most likely it rejected that certificate") {
		t.Errorf("diagnosis: %s", d)
	}
}
