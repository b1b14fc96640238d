package decode

import (
	"bytes"
	"testing"
)

// TestSessionIDsKeptWhole: a flow shows each session ID as sent, whatever
// its length (TLS allows 32 bytes; a hostile hello may send up to 255),
// and a copy of the flow that records another ID leaves the first alone.
func TestSessionIDsKeptWhole(t *testing.T) {
	id := func(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }
	for _, n := range []int{0, 1, 32, 33, 255} {
		f := &TLSFacts{TLSRare: emptyRare}
		f.SetSessionID(FromClient, id(n, 1))
		f.SetSessionID(FromServer, id(n, 2))
		if got := f.SessionID(FromClient); !bytes.Equal(got, id(n, 1)) || (n == 0) != (got == nil) {
			t.Errorf("%d-byte client session id read back as %x", n, got)
		}
		if got := f.SessionID(FromServer); !bytes.Equal(got, id(n, 2)) {
			t.Errorf("%d-byte server session id read back as %x", n, got)
		}
		if n > 32 == (f.TLSRare == emptyRare) {
			t.Errorf("%d-byte session ids: kept in the shared empty TLSRare, or a TLSRare made for nothing", n)
		}
		if *emptyRare != (TLSRare{}) {
			t.Fatal("the shared empty TLSRare was written")
		}
		// Copy-on-write, as flowState.own does: the copy's change must not
		// reach the published flow.
		published := id(n, 2)
		c := *f
		r := *c.TLSRare
		c.TLSRare = &r
		c.SetSessionID(FromServer, id(n, 3))
		if got := f.SessionID(FromServer); !bytes.Equal(got, published) {
			t.Errorf("%d bytes: the copy's new session id changed the original's to %x", n, got)
		}
	}
}
