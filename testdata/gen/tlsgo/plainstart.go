package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"time"
)

// Servers that speak a plaintext start, then TLS (issue 10 item 12). The
// STARTTLS kinds finish the handshake themselves with crypto/tls and answer
// one line; the proxies relay the tunnel to -upstream (a TLS server).

// ldapServer answers an LDAP StartTLS extended request with success.
func ldapServer(c net.Conn, cfg *tls.Config) {
	c.SetDeadline(time.Now().Add(15 * time.Second))
	br := bufio.NewReader(c)
	msg, err := readBER(br)
	if err != nil {
		log.Printf("ldap: %v", err)
		c.Close()
		return
	}
	if !bytes.Contains(msg, []byte("1.3.6.1.4.1.1466.20037")) {
		log.Printf("ldap: not a StartTLS request: % x", msg)
		c.Close()
		return
	}
	id := msg[4] // 30 LL 02 01 ID: openssl's message id is one byte
	// ExtendedResponse: resultCode success, matchedDN "", diagnosticMessage "", responseName the OID
	oid := "1.3.6.1.4.1.1466.20037"
	op := append([]byte{0x0a, 1, 0, 0x04, 0, 0x04, 0, 0x8a, byte(len(oid))}, oid...)
	body := append([]byte{0x02, 1, id, 0x78, byte(len(op))}, op...)
	c.Write(append([]byte{0x30, byte(len(body))}, body...))
	finishTLS(c, br, cfg, "ldap")
}

// readBER reads one BER element (definite length, at most 3 length bytes).
func readBER(br *bufio.Reader) ([]byte, error) {
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return nil, err
	}
	n := int(hdr[1])
	if n&0x80 != 0 {
		k := n & 0x7f
		ext := make([]byte, k)
		if _, err := io.ReadFull(br, ext); err != nil {
			return nil, err
		}
		hdr = append(hdr, ext...)
		n = 0
		for _, b := range ext {
			n = n<<8 | int(b)
		}
	}
	body := make([]byte, n)
	_, err := io.ReadFull(br, body)
	return append(hdr, body...), err
}

// xmppServer opens an XMPP stream offering STARTTLS and proceeds when asked.
func xmppServer(c net.Conn, cfg *tls.Config) {
	c.SetDeadline(time.Now().Add(15 * time.Second))
	br := bufio.NewReader(c)
	if _, err := readUntil(br, "<stream:stream"); err != nil {
		log.Printf("xmpp: %v", err)
		c.Close()
		return
	}
	br.ReadString('>')
	io.WriteString(c, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"+
		" id='pcs-1' from='xmpp.pcapsurgery.test' version='1.0'><stream:features>"+
		"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>")
	if _, err := readUntil(br, "<starttls"); err != nil {
		log.Printf("xmpp: %v", err)
		c.Close()
		return
	}
	br.ReadString('>')
	io.WriteString(c, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
	finishTLS(c, br, cfg, "xmpp")
}

// readUntil reads until s has been read (at most 64 KiB).
func readUntil(br *bufio.Reader, s string) (string, error) {
	var got strings.Builder
	for got.Len() < 64<<10 {
		b, err := br.ReadByte()
		if err != nil {
			return got.String(), err
		}
		got.WriteByte(b)
		if strings.HasSuffix(got.String(), s) {
			return got.String(), nil
		}
	}
	return got.String(), fmt.Errorf("%q not seen", s)
}

// mysqlServer greets as MySQL 8 with CLIENT_SSL and expects an SSL request.
func mysqlServer(c net.Conn, cfg *tls.Config) {
	c.SetDeadline(time.Now().Add(15 * time.Second))
	caps := uint32(0x0000_0800 | 0x0000_0200 | 0x0000_8000 | 0x0008_0000 | 0x0000_0008 | 0x0000_0001 | 0x0000_0004)
	var p []byte
	p = append(p, 10)
	p = append(p, "8.0.36-pcapsurgery\x00"...)
	p = binary.LittleEndian.AppendUint32(p, 42) // connection id
	p = append(p, "abcdefgh"...)                // auth-plugin-data part 1
	p = append(p, 0)
	p = binary.LittleEndian.AppendUint16(p, uint16(caps))
	p = append(p, 0xff)                        // utf8mb4_0900_ai_ci
	p = binary.LittleEndian.AppendUint16(p, 2) // SERVER_STATUS_AUTOCOMMIT
	p = binary.LittleEndian.AppendUint16(p, uint16(caps>>16))
	p = append(p, 21)
	p = append(p, make([]byte, 10)...)
	p = append(p, "ijklmnopqrst\x00"...) // auth-plugin-data part 2
	p = append(p, "caching_sha2_password\x00"...)
	c.Write(append([]byte{byte(len(p)), byte(len(p) >> 8), byte(len(p) >> 16), 0}, p...))
	br := bufio.NewReader(c)
	hdr := make([]byte, 4)
	if _, err := io.ReadFull(br, hdr); err != nil {
		log.Printf("mysql: %v", err)
		c.Close()
		return
	}
	req := make([]byte, int(hdr[0])|int(hdr[1])<<8|int(hdr[2])<<16)
	io.ReadFull(br, req)
	if len(req) != 32 || binary.LittleEndian.Uint32(req)&0x800 == 0 {
		log.Printf("mysql: not an SSL request (%d bytes)", len(req))
		c.Close()
		return
	}
	finishTLS(c, br, cfg, "mysql")
}

// finishTLS runs the server handshake on c (with what br already buffered),
// answers one line, and closes.
func finishTLS(c net.Conn, br *bufio.Reader, cfg *tls.Config, what string) {
	tc := tls.Server(&bufConn{Conn: c, r: br}, cfg)
	if err := tc.Handshake(); err != nil {
		log.Printf("%s tls: %v", what, err)
		c.Close()
		return
	}
	st := tc.ConnectionState()
	log.Printf("%s: %s %s", what, tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	buf := make([]byte, 4096)
	if m, _ := tc.Read(buf); m > 0 {
		tc.Write(buf[:m])
	}
	tc.Close()
}

type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// connectProxy answers an HTTP CONNECT with 200 and relays to upstream.
// With auth ("user:password") it first wants Basic credentials: a CONNECT
// without them gets 407 on a connection kept open for the retry.
func connectProxy(c net.Conn, upstream, auth string) {
	c.SetDeadline(time.Now().Add(15 * time.Second))
	br := bufio.NewReader(c)
	want := ""
	if auth != "" {
		want = "Basic " + base64.StdEncoding.EncodeToString([]byte(auth))
	}
	for tries := 0; tries < 3; tries++ {
		line, _ := br.ReadString('\n')
		creds := ""
		for {
			l, err := br.ReadString('\n')
			if err != nil || l == "\r\n" || l == "\n" {
				break
			}
			if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Proxy-Authorization") {
				creds = strings.TrimSpace(v)
			}
		}
		if !strings.HasPrefix(line, "CONNECT ") {
			io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
			c.Close()
			return
		}
		log.Printf("proxy: %s (credentials: %v)", strings.TrimSpace(line), creds != "")
		if creds != want {
			io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"pcapsurgery\"\r\n"+
				"Content-Length: 0\r\n\r\n")
			continue
		}
		io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
		relay(&bufConn{Conn: c, r: br}, c, upstream)
		return
	}
	c.Close()
}

// socksProxy speaks SOCKS5 without authentication and relays to upstream.
func socksProxy(c net.Conn, upstream string) {
	c.SetDeadline(time.Now().Add(15 * time.Second))
	br := bufio.NewReader(c)
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(br, hdr); err != nil || hdr[0] != 5 {
		c.Close()
		return
	}
	io.ReadFull(br, make([]byte, hdr[1]))
	c.Write([]byte{5, 0})
	req := make([]byte, 4)
	if _, err := io.ReadFull(br, req); err != nil || req[1] != 1 {
		c.Close()
		return
	}
	switch req[3] {
	case 1:
		io.ReadFull(br, make([]byte, 4+2))
	case 3:
		n, _ := br.ReadByte()
		name := make([]byte, int(n)+2)
		io.ReadFull(br, name)
		log.Printf("socks: CONNECT %s:%d", name[:n], binary.BigEndian.Uint16(name[n:]))
	case 4:
		io.ReadFull(br, make([]byte, 16+2))
	}
	c.Write([]byte{5, 0, 0, 1, 192, 0, 2, 20, 0x04, 0x38}) // bound 192.0.2.20:1080
	relay(&bufConn{Conn: c, r: br}, c, upstream)
}

// relay copies both ways between the client and a new connection to upstream.
func relay(from io.Reader, to net.Conn, upstream string) {
	u, err := net.DialTimeout("tcp", upstream, 5*time.Second)
	if err != nil {
		log.Printf("relay: %v", err)
		to.Close()
		return
	}
	done := make(chan struct{})
	go func() { io.Copy(u, from); u.(*net.TCPConn).CloseWrite(); close(done) }()
	io.Copy(to, u)
	to.(*net.TCPConn).CloseWrite()
	<-done
	to.Close()
	u.Close()
}
