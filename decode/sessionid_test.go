package decode

import (
	"bytes"
	"testing"
)

// TestSessionIDsKeptWhole: a flow shows each session ID as sent, whatever
// its length (TLS allows 32 bytes; a hostile hello may send up to 255) and
// whether the server echoed the client's, sent its own or none, in either
// order; and a copy of the flow that records another ID leaves the first
// alone (copy-on-write, as flowState.own does).
func TestSessionIDsKeptWhole(t *testing.T) {
	id := func(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }
	check := func(what string, f *TLSFacts, client, server []byte) {
		t.Helper()
		if got := f.SessionID(FromClient); !bytes.Equal(got, client) || (len(client) == 0) != (got == nil) {
			t.Errorf("%s: client session id %x, want %x", what, got, client)
		}
		if got := f.SessionID(FromServer); !bytes.Equal(got, server) || (len(server) == 0) != (got == nil) {
			t.Errorf("%s: server session id %x, want %x", what, got, server)
		}
	}
	for _, n := range []int{0, 1, 32, 33, 255} {
		for _, echo := range []bool{false, true} {
			for _, serverFirst := range []bool{false, true} {
				client, server := id(n, 1), id(n, 2)
				if echo {
					server = client
				}
				f := &TLSFacts{TLSRare: emptyRare}
				if serverFirst {
					f.SetSessionID(FromServer, server)
					f.SetSessionID(FromClient, client)
				} else {
					f.SetSessionID(FromClient, client)
					f.SetSessionID(FromServer, server)
				}
				check("set", f, client, server)
				if n > 32 == (f.TLSRare == emptyRare) {
					t.Errorf("%d-byte session ids: kept in the shared empty TLSRare, or a TLSRare made for nothing", n)
				}
				if *emptyRare != (TLSRare{}) {
					t.Fatal("the shared empty TLSRare was written")
				}
				c := *f
				if f.TLSRare != emptyRare {
					r := *f.TLSRare
					c.TLSRare = &r
				}
				c.SetSessionID(FromClient, id(n, 4)) // the server's stays what it was
				check("copy, new client id", &c, id(n, 4), server)
				c.SetSessionID(FromServer, id(n, 3))
				check("copy, new server id", &c, id(n, 4), id(n, 3))
				check("original after its copy changed", f, client, server)
			}
		}
	}
}
