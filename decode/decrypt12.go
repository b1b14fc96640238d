package decode

import (
	"fmt"
	"slices"

	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlsdecrypt"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// extEncryptThenMAC is RFC 7366's extension: CBC records carry their MAC
// after the ciphertext.
const extEncryptThenMAC = 22

// start12 derives a TLS 1.2 connection's record keys from the key log's
// master secret when the first ChangeCipherSpec is seen. Extended master
// secret changes nothing here: the key log holds the master secret itself.
func (fs *flowState) start12() {
	dec, t := fs.dec, fs.f.TLS
	facts := t.Decrypt
	sh := t.ServerHello
	if dec.started12 || sh == nil {
		// No ServerHello yet: a TLS 1.3 client's compatibility
		// change_cipher_spec before its 0-RTT data. TLS 1.2 has none there.
		return
	}
	dec.started12 = true
	switch {
	case sh.Version() != tlswire.VersionTLS12:
		facts.Failed = fmt.Sprintf("%s records are not decrypted (only TLS 1.2 and 1.3)", registry.Version(sh.Version()))
		return
	}
	master := facts.secrets.Get(keylog.MasterSecret)
	if master == nil {
		facts.Failed = "the key log has no CLIENT_RANDOM line (master secret) for this connection"
		return
	}
	s := tlsdecrypt.Suite12Named(sh.CipherSuite, registry.CipherSuite(sh.CipherSuite))
	if s == nil {
		facts.Failed = "cannot decrypt cipher suite " + registry.CipherSuite(sh.CipherSuite)
		return
	}
	c, sv, err := tlsdecrypt.NewKeys12(s, master, facts.clientRandom, dec.serverRandom, slices.Contains(sh.Extensions, extEncryptThenMAC))
	if err != nil {
		facts.Failed = "cannot derive the TLS 1.2 keys: " + err.Error()
		return
	}
	dec.v12 = [2]*tlsdecrypt.Keys12{c, sv}
}

// decrypting12 reports whether direction d's TLS 1.2 records after its
// ChangeCipherSpec are opened.
func (fs *flowState) decrypting12(d Dir) bool {
	return fs.dec != nil && fs.dec.v12[d] != nil && !fs.dec.failed[d] && fs.f.TLS.Encrypted[d]
}

// decrypted12 opens one TLS 1.2 record after ChangeCipherSpec: the
// Finished, an alert, a renegotiation's hellos, the first application data.
// It reports false when the record did not open, to be judged by its size
// as without a key log.
func (fs *flowState) decrypted12(s *dirState, d Dir, r record) bool {
	f, dec := fs.f, fs.dec
	hdr := [5]byte{r.typ, byte(r.version >> 8), byte(r.version), byte(r.length >> 8), byte(r.length)}
	plain, err := dec.v12[d].Open(dec.buf[:0], hdr, r.body)
	if err != nil {
		dec.failed[d] = true
		if f.TLS.Decrypt.Failed == "" {
			f.TLS.Decrypt.Failed = fmt.Sprintf("the %s's record %d after its ChangeCipherSpec did not decrypt (%v): the key log's master secret is not this connection's, or the record was damaged",
				d, f.TLS.Decrypt.Records[d]+1, err)
		}
		return false
	}
	dec.buf = plain[:0]
	f.TLS.Decrypt.Records[d]++
	switch r.typ {
	case tlswire.ContentHandshake:
		s.encRecords++
		if s.encRecords == 1 {
			f.TLS.FirstEncrypted[d] = recordLen(r.length)
		}
		fs.decryptedHandshake(s, d, plain)
	case tlswire.ContentAlert:
		fs.decryptedAlert(d, plain, r.length)
	case tlswire.ContentApplicationData:
		if f.TLS.Decrypt.AppProtocol[d] == "" {
			f.TLS.Decrypt.AppProtocol[d] = appProtocol(plain)
		}
		fs.appData(s, d, r.length)
	}
	return true
}
