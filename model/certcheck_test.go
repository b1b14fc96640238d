package model

import (
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

func TestHostMatches(t *testing.T) {
	cert := &tlswire.Certificate{SANs: []string{"www.example.com", "*.api.example.com", "192.0.2.7"}, CommonName: "ignored.example"}
	for host, want := range map[string]bool{
		"www.example.com": true, "WWW.Example.com.": true, "a.api.example.com": true,
		"a.b.api.example.com": false, "api.example.com": false, "ignored.example": false,
		"192.0.2.7": true, "192.0.2.8": false, "mail.example.org": false,
	} {
		if got := hostMatches(host, cert); got != want {
			t.Errorf("hostMatches(%q) = %v, want %v", host, got, want)
		}
	}
	cnOnly := &tlswire.Certificate{CommonName: "legacy.example"}
	if !hostMatches("legacy.example", cnOnly) {
		t.Error("CN not used when there are no SANs")
	}
	if hostMatches("x.com", &tlswire.Certificate{SANs: []string{"*.com"}}) {
		t.Error("wildcard over a public suffix matched")
	}
}

func TestCheckLeafExpiry(t *testing.T) {
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	certs := []tlswire.Certificate{{NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(0, 0, -35),
		SANs: []string{"stale.example.test"}, Issuer: "CN=CA"}, {Subject: "CN=CA"}}
	c, ok := CheckLeaf(certs, "stale.example.test", now)
	if !ok || !c.Expired || c.NotYetValid || !c.NameMatch || !c.ChainOrder {
		t.Errorf("got %+v ok=%v", c, ok)
	}
}
