package tlswire

import "bytes"

// postgresSSLRequest is the PostgreSQL SSLRequest message; the server
// answers a single 'S' (go ahead with TLS) or 'N'.
var postgresSSLRequest = []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}

// IsStartTLSCommand reports whether line, one line from the client of a
// plaintext protocol named as SniffProtocol does, asks to upgrade to TLS:
// SMTP "STARTTLS", IMAP "<tag> STARTTLS", POP3 "STLS", FTP "AUTH TLS" or
// "AUTH SSL" (case-insensitive), PostgreSQL SSLRequest. A trailing CR LF is
// allowed; for PostgreSQL line is the first client message.
func IsStartTLSCommand(proto string, line []byte) bool {
	if proto == ProtoPostgreSQL {
		return bytes.Equal(line, postgresSSLRequest)
	}
	l := bytes.TrimRight(firstLine(line), " \t")
	switch proto {
	case ProtoSMTP:
		return bytes.EqualFold(l, []byte("STARTTLS"))
	case ProtoPOP3:
		return bytes.EqualFold(l, []byte("STLS"))
	case ProtoIMAP:
		_, cmd, ok := imapTagged(l)
		return ok && bytes.EqualFold(cmd, []byte("STARTTLS"))
	case ProtoFTP:
		if !hasFoldPrefix(l, "AUTH ") {
			return false
		}
		mech := bytes.TrimSpace(l[len("AUTH "):])
		// RFC 4217 names TLS, and TLS-C; SSL and TLS-P are old aliases.
		for _, m := range []string{"TLS", "SSL", "TLS-C", "TLS-P"} {
			if bytes.EqualFold(mech, []byte(m)) {
				return true
			}
		}
	}
	return false
}

// IsStartTLSAccept reports whether line, the server's reply to a STARTTLS
// command, accepts the upgrade: SMTP "220", IMAP "<tag> OK", POP3 "+OK",
// FTP "234", PostgreSQL a single 'S'.
func IsStartTLSAccept(proto string, line []byte) bool {
	if proto == ProtoPostgreSQL {
		return len(line) == 1 && line[0] == 'S'
	}
	l := firstLine(line)
	switch proto {
	case ProtoSMTP:
		return replyCode(l, "220")
	case ProtoFTP:
		return replyCode(l, "234")
	case ProtoPOP3:
		return bytes.HasPrefix(l, []byte("+OK"))
	case ProtoIMAP:
		tag, rest, ok := imapTagged(l)
		return ok && !bytes.Equal(tag, []byte("*")) && !bytes.Equal(tag, []byte("+")) &&
			(bytes.EqualFold(rest, []byte("OK")) || hasFoldPrefix(rest, "OK "))
	}
	return false
}

// replyCode matches an SMTP/FTP reply line starting with code, followed by
// a space, a dash (multi-line reply) or nothing.
func replyCode(l []byte, code string) bool {
	if !bytes.HasPrefix(l, []byte(code)) {
		return false
	}
	return len(l) == len(code) || l[len(code)] == ' ' || l[len(code)] == '-'
}

// imapTagged splits "<tag> <rest>"; the tag is a run of printable
// non-space characters.
func imapTagged(l []byte) (tag, rest []byte, ok bool) {
	sp := bytes.IndexByte(l, ' ')
	if sp <= 0 || sp > 64 {
		return nil, nil, false
	}
	tag = l[:sp]
	for _, c := range tag {
		if c <= 0x20 || c >= 0x7f {
			return nil, nil, false
		}
	}
	return tag, bytes.TrimRight(l[sp+1:], " \t"), true
}

// StartTLSProtocols lists the sniffed plaintext protocols whose STARTTLS
// upgrade the flow engine follows. It is the one list: the filter's
// starttls: values and their completion read it too.
var StartTLSProtocols = []string{ProtoSMTP, ProtoIMAP, ProtoPOP3, ProtoFTP, ProtoPostgreSQL,
	ProtoLDAP, ProtoXMPP, ProtoMySQL, ProtoHTTPConnect, ProtoSOCKS5}

// CanStartTLS reports whether a sniffed plaintext protocol has a STARTTLS
// upgrade that the flow engine follows.
func CanStartTLS(proto string) bool {
	for _, p := range StartTLSProtocols {
		if p == proto {
			return true
		}
	}
	return false
}
