package decode

import "testing"

// TestLastMessageNames: an alert says what it came after in the same words
// as when the flow kept them as a string: every handshake type by its name
// (an unknown one by number), every phrase its own.
func TestLastMessageNames(t *testing.T) {
	for typ := range 256 {
		if got, want := lastType(uint8(typ)).String(), messageName(uint8(typ)); got != want {
			t.Errorf("type %d: %q, want %q", typ, got, want)
		}
	}
	seen := map[string]bool{"": true}
	for m := lastClientCert; m <= lastSSLv2ClientFinished; m++ {
		if s := m.String(); seen[s] {
			t.Errorf("phrase %d reads %q: empty or another's", m, s)
		}
		seen[m.String()] = true
	}
	if lastMsg(0).String() != "" || (lastSSLv2ClientFinished+1).String() != "" {
		t.Error("no message yet, or past the phrases, must read empty")
	}
	if lastType(200).String() != "handshake message 200" {
		t.Errorf("unknown type: %q", lastType(200).String())
	}
}
