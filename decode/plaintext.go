package decode

import (
	"bytes"
	"cmp"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// postgresSSLRequest is the 8-byte message a PostgreSQL client sends to ask for TLS.
var postgresSSLRequest = []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}

// sniff decides what a direction's first bytes are. It waits for five bytes
// (a record header) unless fewer can already decide. It returns the bytes
// left for the chosen mode.
func (fs *flowState) sniff(s *dirState, b []byte) []byte {
	d := fs.dirOf(s)
	if d == FromServer && fs.asked && fs.plain == "PostgreSQL" && len(s.line) == 0 {
		if b[0] == 'S' {
			fs.upgrade(s)
			return b[1:]
		}
		fs.notTLS("PostgreSQL")
		return nil
	}
	if len(s.line) == 0 && len(b) >= 5 {
		return fs.decide(s, d, b)
	}
	// Too few bytes to decide: keep them until five have come (or the capture ends).
	s.line = append(s.line, b...)
	if len(s.line) < 5 {
		return nil
	}
	all := s.line
	s.line = nil
	return fs.decide(s, d, all)
}

// decide picks the mode from at least five bytes (or all there will be).
func (fs *flowState) decide(s *dirState, d Dir, b []byte) []byte {
	switch {
	case tlswire.PlausibleRecordHeader(b):
		s.mode = modeTLS
		fs.f.TLS.Seen = true
		return b
	case tlswire.IsSSLv2ClientHello(b):
		s.mode = modeSSLv2
		return b
	case d == FromServer && tlswire.IsSSLv2ServerHello(b):
		s.mode = modeSSLv2Records
		fs.f.TLS.Seen = true
		return b
	}
	proto := fs.plain
	if proto == "" {
		proto = tlswire.SniffProtocol(b, d == FromClient)
		fs.plain = proto
	}
	if fs.f.TLS.NotTLS == "" && fs.f.TLS.StartTLS == "" {
		fs.event(d, EvPlaintext, 0, len(b))
	}
	if d == FromServer && fs.f.TLS.ServerPlain == "" && fs.f.TLS.StartTLS == "" {
		fs.rare().ServerPlain = fs.shared.intern.str(string(plainReplyLine(b)))
	}
	if !tlswire.CanStartTLS(proto) {
		if d == FromServer && fs.dir(FromClient) == nil {
			// A banner before the client said anything: keep the client's
			// side open, since a ClientHello sent into it is the finding.
			fs.rare().NotTLS = cmp.Or(proto, "unknown")
			fs.stop(FromServer)
			return nil
		}
		fs.notTLS(proto)
		return nil
	}
	if fs.f.TLS.StartTLS == "" {
		fs.rare().NotTLS = proto
	}
	if proto == "PostgreSQL" {
		if d == FromClient && bytes.HasPrefix(b, postgresSSLRequest) {
			fs.asked = true
			s.mode = modeMaybeTLS
			return b[len(postgresSSLRequest):]
		}
		fs.notTLS(proto)
		return nil
	}
	s.mode = modePlain
	if tlswire.IsMessageProtocol(proto) {
		s.mode = modePlainMsg
	}
	return b
}

// maxPlainReply bounds the server's first plaintext line kept per flow.
const maxPlainReply = 64

// plainReplyLine is the first line of b, at most maxPlainReply bytes.
func plainReplyLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return bytes.TrimRight(b[:min(len(b), maxPlainReply)], "\r")
}

// notTLS ends decoding of both directions: the connection carries another protocol.
func (fs *flowState) notTLS(proto string) {
	if proto == "" {
		proto = "unknown"
	}
	fs.rare().NotTLS = proto
	fs.stop(FromClient)
	fs.stop(FromServer)
}

// plainLines scans plaintext lines for a STARTTLS command and its acceptance.
func (fs *flowState) plainLines(s *dirState, b []byte) []byte {
	d := fs.dirOf(s)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if len(s.line)+len(b) > maxPlainLineLen {
				fs.problem(d, "plaintext line too long while looking for STARTTLS")
				return nil
			}
			s.line = append(s.line, b...)
			return nil
		}
		line := b[:i]
		if len(s.line) > 0 {
			line = append(s.line, line...)
		}
		b = b[i+1:]
		s.line = s.line[:0]
		line = bytes.TrimRight(line, "\r")
		s.lines++
		if s.lines > maxPlainLines {
			fs.notTLS(fs.plain)
			return nil
		}
		switch {
		case d == FromClient && tlswire.IsStartTLSCommand(fs.plain, line):
			fs.asked = true
			s.mode = modeMaybeTLS
			return b
		case d == FromServer && fs.asked && tlswire.IsStartTLSAccept(fs.plain, line):
			fs.upgrade(s)
			return b
		}
	}
	return nil
}

// upgrade switches to TLS after an accepted STARTTLS.
func (fs *flowState) upgrade(s *dirState) {
	r := fs.rare()
	r.StartTLS = fs.plain
	r.NotTLS = ""
	s.mode = modeTLS
	s.line = nil
	fs.event(fs.dirOf(s), EvStartTLS, 0, 0)
}

// sslv2 collects an SSLv2-compatible ClientHello record and parses it.
func (fs *flowState) sslv2(s *dirState, b []byte) []byte {
	if s.v2need == 0 {
		if len(s.v2)+len(b) < 2 {
			s.v2 = append(s.v2, b...)
			return nil
		}
		hdr := append(bytes.Clone(s.v2), b[:2-len(s.v2)]...)
		_, length := tlswire.SSLv2RecordHeader(hdr) // 2-byte form: decide saw the high bit
		s.v2need = length + 2
	}
	n := min(len(b), s.v2need-len(s.v2))
	s.v2 = append(s.v2, b[:n]...)
	b = b[n:]
	if len(s.v2) < s.v2need {
		return nil
	}
	d := fs.dirOf(s)
	ch, err := tlswire.ParseSSLv2ClientHello(s.v2)
	s.v2 = nil
	s.mode = modeTLS
	fs.f.TLS.Seen = true
	fs.rare().SSLv2Hello = true
	if err != nil {
		fs.problem(d, "SSLv2-compatible ClientHello unreadable: "+err.Error())
		return nil
	}
	fs.event(d, EvSSLv2Hello, 0, s.v2need)
	fs.clientHello(s, ch, s.v2need)
	if ch.LegacyVersion == tlswire.VersionSSL20 {
		// A client that offers only SSL 2.0 goes on in SSL 2.0 records.
		s.mode = modeSSLv2Records
	}
	s.v2need = 0
	return b
}
