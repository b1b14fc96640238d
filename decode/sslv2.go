package decode

import (
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// sslv2Records reads pure SSL 2.0 records after the CLIENT-HELLO. Each
// side's first record may be in clear (the server's SERVER-HELLO, the
// client's CLIENT-MASTER-KEY) and is kept, at most 32 KB; every later one is
// encrypted and only counted.
func (fs *flowState) sslv2Records(s *dirState, b []byte) []byte {
	for len(b) > 0 && s.mode == modeSSLv2Records {
		switch {
		case s.v2skip > 0:
			k := min(s.v2skip, len(b))
			s.v2skip -= k
			b = b[k:]
		case s.v2need > 0:
			n := min(len(b), s.v2need-len(s.v2))
			s.v2 = append(s.v2, b[:n]...)
			b = b[n:]
			if len(s.v2) == s.v2need {
				body := s.v2
				s.v2, s.v2need = nil, 0
				fs.sslv2Message(s, body)
			}
		default:
			first := b[0]
			if s.v2hdrN > 0 {
				first = s.v2hdr[0]
			}
			need := 2
			if first&0x80 == 0 {
				need = 3
			}
			n := copy(s.v2hdr[s.v2hdrN:need], b)
			s.v2hdrN += n
			b = b[n:]
			if s.v2hdrN < need {
				return nil
			}
			_, length := tlswire.SSLv2RecordHeader(s.v2hdr[:need])
			s.v2hdrN = 0
			s.v2recs++
			switch {
			case s.v2recs == 1 && need == 2 && length > 0:
				s.v2need = length
				s.v2 = make([]byte, 0, length)
			default:
				s.v2skip = length
				fs.sslv2Encrypted(s, length)
			}
		}
	}
	return b
}

// sslv2Facts returns the flow's SSL 2.0 facts, made on first use.
func (fs *flowState) sslv2Facts() *SSLv2Facts {
	if fs.f.TLS.SSLv2 == nil {
		fs.rare().SSLv2 = &SSLv2Facts{}
	}
	return fs.f.TLS.SSLv2
}

// sslv2Message handles a side's first SSL 2.0 record after the hellos.
func (fs *flowState) sslv2Message(s *dirState, body []byte) {
	d := fs.dirOf(s)
	switch {
	case d == FromServer && body[0] == tlswire.SSLv2ServerHelloType:
		sh, err := tlswire.ParseSSLv2ServerHello(body)
		if err != nil {
			fs.problem(d, "SSLv2 SERVER-HELLO unreadable: "+err.Error())
			return
		}
		v2 := fs.sslv2Facts()
		v2.ServerHello, v2.SessionIDHit = true, sh.SessionIDHit
		v2.ServerCiphers = append([]uint32(nil), sh.CipherSpecs...)
		if len(sh.Certificate) > 0 && fs.f.TLS.Certificates == nil {
			// One certificate, no chain: parse it as a one-entry TLS list.
			n := len(sh.Certificate)
			list := append([]byte{byte((n + 3) >> 16), byte((n + 3) >> 8), byte(n + 3), byte(n >> 16), byte(n >> 8), byte(n)}, sh.Certificate...)
			fs.f.TLS.Certificates, fs.f.TLS.CertificateTotal = fs.shared.certs.parse(list, false)
		}
		fs.event(d, EvSSLv2, tlswire.SSLv2ServerHelloType, len(body))
		fs.lastMsg = lastSSLv2ServerHello
	case d == FromClient && body[0] == tlswire.SSLv2ClientMasterKey && (fs.f.TLS.SSLv2 == nil || !fs.f.TLS.SSLv2.SessionIDHit):
		kind, _ := tlswire.ParseSSLv2ClientMasterKey(body)
		fs.sslv2Facts().Cipher = kind
		fs.event(d, EvSSLv2, tlswire.SSLv2ClientMasterKey, len(body))
		fs.lastMsg = lastSSLv2ClientMasterKey
	default:
		fs.sslv2Encrypted(s, len(body))
	}
}

// sslv2ClientFinished is the SSL 2.0 CLIENT-FINISHED message type: the
// client's first encrypted record can only be it.
const sslv2ClientFinished = 3

// sslv2Encrypted counts an encrypted SSL 2.0 record. The handshake is over
// once the client has sent its CLIENT-FINISHED and the server two records
// (SERVER-VERIFY, then SERVER-FINISHED, or a REQUEST-CERTIFICATE first).
func (fs *flowState) sslv2Encrypted(s *dirState, length int) {
	d := fs.dirOf(s)
	v2 := fs.sslv2Facts()
	v2.Encrypted[d]++
	n := v2.Encrypted[d]
	switch {
	case d == FromClient && n == 1:
		fs.event(d, EvSSLv2, sslv2ClientFinished, length)
		fs.lastMsg = lastSSLv2ClientFinished
	case n <= 2:
		fs.event(d, EvSSLv2, 0, length)
	}
	if v2.Encrypted[FromClient] >= 1 && v2.Encrypted[FromServer] >= 2 {
		fs.hsDone = true
		fs.stop(FromClient)
		fs.stop(FromServer)
	}
}
