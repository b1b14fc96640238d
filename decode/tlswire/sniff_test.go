package tlswire

import "testing"

func TestSniffProtocol(t *testing.T) {
	for _, tc := range []struct {
		first      string
		fromClient bool
		want       string
	}{
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", true, ProtoHTTP},
		{"CONNECT example.test:443 HTTP/1.1\r\n", true, ProtoHTTPConnect},
		{"HTTP/1.1 400 Bad Request\r\n", false, ProtoHTTP},
		{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12\x04", true, ProtoHTTP2},
		{"PRI * HTTP", true, ProtoHTTP2},
		{"\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64", false, ProtoHTTP2},
		{"SSH-2.0-OpenSSH_9.6\r\n", true, ProtoSSH},
		{"SSH-2.0-OpenSSH_9.6p1 Ubuntu\r\n", false, ProtoSSH},
		{"220 mx.example.test ESMTP Postfix\r\n", false, ProtoSMTP},
		{"220-mail.example.test Microsoft ESMTP MAIL Service ready\r\n", false, ProtoSMTP},
		{"220 mail.example.test ready\r\n", false, ProtoSMTP},
		{"220 (vsFTPd 3.0.5)\r\n", false, ProtoFTP},
		{"220 ProFTPD Server (Debian)\r\n", false, ProtoFTP},
		{"220 Welcome\r\n", false, ""},
		{"EHLO client.example.test\r\n", true, ProtoSMTP},
		{"* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n", false, ProtoIMAP},
		{"a001 CAPABILITY\r\n", true, ProtoIMAP},
		{"+OK Dovecot ready.\r\n", false, ProtoPOP3},
		{"CAPA\r\n", true, ProtoPOP3},
		{"AUTH TLS\r\n", true, ProtoFTP},
		{"USER anonymous\r\n", true, ""}, // POP3 or FTP: cannot tell
		{"\x00\x00\x00\x08\x04\xd2\x16\x2f", true, ProtoPostgreSQL},
		{"\x00\x00\x00\x54\x00\x03\x00\x00user\x00postgres\x00", true, ProtoPostgreSQL},
		{"R\x00\x00\x00\x08\x00\x00\x00\x03", false, ProtoPostgreSQL},
		{"\x4a\x00\x00\x00\x0a8.0.36\x00\x0b\x00\x00\x00", false, ProtoMySQL},
		{"\x0a\x00\x00\x00\x0a5.7\x00\x01", false, ProtoMySQL},
		{"*1\r\n$4\r\nPING\r\n", true, ProtoRedis},
		{"-NOAUTH Authentication required.\r\n", false, ProtoRedis},
		{"\x16\x03\x01\x02\x00\x01", true, ""},
		{"", true, ""},
		{"", false, ""},
		{"\x00", false, ""},
	} {
		if got := SniffProtocol([]byte(tc.first), tc.fromClient); got != tc.want {
			t.Errorf("%q (client %v): %q, want %q", tc.first, tc.fromClient, got, tc.want)
		}
	}
}

func TestStartTLS(t *testing.T) {
	for _, tc := range []struct {
		proto, line string
		want        bool
	}{
		{ProtoSMTP, "STARTTLS\r\n", true},
		{ProtoSMTP, "starttls", true},
		{ProtoSMTP, "STARTTLS now\r\n", false},
		{ProtoIMAP, "a1 STARTTLS\r\n", true},
		{ProtoIMAP, "A0002 starttls", true},
		{ProtoIMAP, "STARTTLS\r\n", false},
		{ProtoPOP3, "STLS\r\n", true},
		{ProtoPOP3, "STARTTLS\r\n", false},
		{ProtoFTP, "AUTH TLS\r\n", true},
		{ProtoFTP, "auth ssl\r\n", true},
		{ProtoFTP, "AUTH GSSAPI\r\n", false},
		{ProtoPostgreSQL, "\x00\x00\x00\x08\x04\xd2\x16\x2f", true},
		{ProtoPostgreSQL, "\x00\x00\x00\x08\x04\xd2\x16\x30", false},
		{"HTTP", "STARTTLS", false},
	} {
		if got := IsStartTLSCommand(tc.proto, []byte(tc.line)); got != tc.want {
			t.Errorf("command %s %q: %v", tc.proto, tc.line, got)
		}
	}
	for _, tc := range []struct {
		proto, line string
		want        bool
	}{
		{ProtoSMTP, "220 2.0.0 Ready to start TLS\r\n", true},
		{ProtoSMTP, "220", true},
		{ProtoSMTP, "2200 odd", false},
		{ProtoSMTP, "454 4.7.0 TLS not available\r\n", false},
		{ProtoIMAP, "a1 OK Begin TLS negotiation now\r\n", true},
		{ProtoIMAP, "a1 ok", true},
		{ProtoIMAP, "* OK still here\r\n", false},
		{ProtoIMAP, "a1 BAD\r\n", false},
		{ProtoPOP3, "+OK Begin TLS\r\n", true},
		{ProtoPOP3, "-ERR no\r\n", false},
		{ProtoFTP, "234 AUTH TLS successful\r\n", true},
		{ProtoFTP, "534 no\r\n", false},
		{ProtoPostgreSQL, "S", true},
		{ProtoPostgreSQL, "N", false},
		{ProtoPostgreSQL, "SS", false},
	} {
		if got := IsStartTLSAccept(tc.proto, []byte(tc.line)); got != tc.want {
			t.Errorf("accept %s %q: %v", tc.proto, tc.line, got)
		}
	}
}
