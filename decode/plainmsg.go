package decode

import "github.com/pcapsurgery/pcapsurgery/decode/tlswire"

// plainMsgs follows the plaintext start of a message protocol (LDAP, XMPP,
// MySQL, HTTP CONNECT, SOCKS5) to its TLS upgrade, one message at a time
// (tlswire.PlainStep). A message split over segments is held in s.line, at
// most maxPlainMsgBytes, and at most maxPlainLines messages are read.
func (fs *flowState) plainMsgs(s *dirState, b []byte) []byte {
	d := fs.dirOf(s)
	buf := b
	if len(s.line) > 0 {
		s.line = append(s.line, b...)
		buf = s.line
	}
	for {
		n, ev, target := tlswire.PlainStep(fs.plain, d == FromClient, fs.asked, s.lines, buf)
		switch ev {
		case tlswire.PlainMore:
			if len(buf) > maxPlainMsgBytes {
				fs.problem(d, "plaintext message too long while looking for the TLS upgrade")
				fs.notTLS(fs.plain)
				return nil
			}
			if len(s.line) == 0 || &buf[0] != &s.line[0] {
				s.line = append(s.line[:0], buf...)
			}
			return nil
		case tlswire.PlainRefuse:
			fs.notTLS(fs.plain)
			return nil
		}
		buf = buf[n:]
		s.lines++
		if target != "" && fs.f.TLS.Tunnel == "" {
			fs.rare().Tunnel = fs.shared.intern.str(target)
		}
		switch ev {
		case tlswire.PlainAsk:
			fs.asked = true
			s.line = nil
			s.mode = modeMaybeTLS
			return buf
		case tlswire.PlainAccept:
			fs.upgrade(s) // drops s.line; buf still points at the bytes after the message
			return buf
		}
		if s.lines > maxPlainLines {
			fs.notTLS(fs.plain)
			return nil
		}
		if len(buf) == 0 {
			s.line = s.line[:0]
			return nil
		}
	}
}
