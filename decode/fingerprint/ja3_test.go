package fingerprint

import (
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// Examples from Salesforce's JA3 README.
func TestJA3SalesforceExamples(t *testing.T) {
	cases := []struct {
		ch         tlswire.ClientHello
		full, hash string
	}{
		{
			tlswire.ClientHello{
				LegacyVersion:   769,
				CipherSuites:    []uint16{47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4},
				Extensions:      []uint16{0, 10, 11},
				SupportedGroups: []uint16{23, 24, 25},
				ECPointFormats:  []uint8{0},
			},
			"769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0",
			"ada70206e40642a3e4461f35503241d5",
		},
		{ // no extensions: the last three fields are empty
			tlswire.ClientHello{
				LegacyVersion: 769,
				CipherSuites:  []uint16{4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99},
			},
			"769,4-5-10-9-100-98-3-6-19-18-99,,,",
			"de350869b8c85de67a350c8d186f11e6",
		},
	}
	for _, c := range cases {
		full, hash := JA3(&c.ch)
		if full != c.full || hash != c.hash {
			t.Errorf("JA3 = %q %s, want %q %s", full, hash, c.full, c.hash)
		}
	}
}

// GREASE is removed from ciphers, extensions and groups (browserleaks'
// published ja3_text/ja3_hash for Chrome 143, with GREASE put back in).
func TestJA3GREASE(t *testing.T) {
	ch := chrome143()
	full, hash := JA3(ch)
	const want = "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0"
	if full != want || hash != "98487aa16281980e7d1120d399efb6a4" {
		t.Errorf("JA3 = %q %s", full, hash)
	}
}

func TestJA3S(t *testing.T) {
	sh := &tlswire.ServerHello{LegacyVersion: 769, CipherSuite: 47, Extensions: []uint16{65281, 0, 11, 35, 5, 16}}
	full, hash := JA3S(sh)
	if full != "769,47,65281-0-11-35-5-16" || hash != "836ce314215654b5b1f85f97c73e506f" {
		t.Errorf("JA3S = %q %s", full, hash)
	}
	// TLS 1.3 server: legacy_version stays 0x0303.
	sh = &tlswire.ServerHello{LegacyVersion: 0x0303, CipherSuite: 0x1301, SupportedVersion: 0x0304, Extensions: []uint16{43, 51}}
	if full, _ := JA3S(sh); full != "771,4865,43-51" {
		t.Errorf("JA3S = %q", full)
	}
	sh = &tlswire.ServerHello{LegacyVersion: 0x0303, CipherSuite: 0xc02f}
	if full, _ := JA3S(sh); full != "771,49199," {
		t.Errorf("JA3S without extensions = %q", full)
	}
}
