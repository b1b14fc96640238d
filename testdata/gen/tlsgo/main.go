// Command tlsgo is the Go side of the test-capture generators: small TLS and TCP
// servers and clients built on crypto/tls and net, each doing one scripted thing.
//
//	tlsgo server  -addr A -cert CHAIN -key KEY [-alpn h2,http/1.1] [-min 1.2] [-max 1.3] [-n 1]
//	tlsgo client  -addr A -sni NAME -ca CA [-alpn h2,http/1.1] [-bind IP:PORT] [-min] [-max] [-keylog F] [-count 2]
//	              [-groups X25519,X25519MLKEM768: key share groups, in order]
//	              [-wait 300ms: pause between connect and ClientHello, so a server's banner comes first]
//	tlsgo rst     -addr A [-n 1]       read the ClientHello, then close with SO_LINGER 0 (RST)
//	tlsgo silent  -addr A [-n 1]       accept and read, never answer; close when the client does
//	tlsgo smtp    -addr A -cert -key [-n 1]  SMTP responder with STARTTLS
//	tlsgo http    -addr A [-n 1]       plain HTTP/1.1 responder (not TLS)
//	tlsgo httpd   -addr A              Go's net/http server, plain HTTP (answers TLS bytes with 400)
//	tlsgo banner  -addr A -banner TEXT -reply TEXT [-n 1]  a plaintext server that speaks first
//	              (SMTP, SSH): send the banner line, read once, send the reply line, close
//	tlsgo connect -addr A [-bind IP:PORT] [-timeout 3s]  TCP connect only, report the result
//	tlsgo ldap|xmpp|mysql -addr A -cert -key [-n 1]  LDAP StartTLS, XMPP STARTTLS, MySQL SSL request
//	tlsgo httpproxy|socks5 -addr A -upstream HOST:PORT [-auth U:P] [-n 1]  HTTP CONNECT or SOCKS5 proxy relaying to upstream
//
// It lives under testdata/ so `go build ./...` ignores it; build it with
// `go build -o DIR/tlsgo ./testdata/gen/tlsgo`.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("tlsgo: ")
	if len(os.Args) < 2 {
		log.Fatal("usage: tlsgo server|client|rst|silent|smtp|http|httpd|banner|connect|ldap|xmpp|mysql|httpproxy|socks5 ...")
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	addr := fs.String("addr", "", "listen or connect address")
	certF := fs.String("cert", "", "certificate chain PEM")
	keyF := fs.String("key", "", "private key PEM")
	caF := fs.String("ca", "", "trusted root PEM (client)")
	sni := fs.String("sni", "", "server name (client)")
	alpn := fs.String("alpn", "", "comma-separated ALPN protocols")
	minV := fs.String("min", "", "minimum TLS version (1.0..1.3)")
	maxV := fs.String("max", "", "maximum TLS version (1.0..1.3)")
	bind := fs.String("bind", "", "local address for the client")
	n := fs.Int("n", 1, "connections to serve (0 = forever)")
	keylog := fs.String("keylog", "", "append TLS secrets here (NSS key log format)")
	send := fs.String("send", "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", "what the client sends after the handshake")
	timeout := fs.Duration("timeout", 5*time.Second, "client timeout")
	clientAuth := fs.Bool("clientauth", false, "server requires a client certificate signed by -ca")
	upstream := fs.String("upstream", "", "proxies: where to relay the tunnel")
	proxyAuth := fs.String("auth", "", "httpproxy: require Basic credentials user:password (407 first)")
	count := fs.Int("count", 1, "client: connections to make, one after another, sharing a session cache (resumption)")
	wait := fs.Duration("wait", 0, "client: pause between connect and the ClientHello")
	groups := fs.String("groups", "", "comma-separated key exchange groups in order (X25519, X25519MLKEM768, P-256...; default Go's)")
	think := fs.Duration("think", 0, "server: pause between reading the ClientHello and answering it (a slow server)")
	banner := fs.String("banner", "220 mail.pcapsurgery.test ESMTP", "banner: the line sent on accept")
	reply := fs.String("reply", "500 5.5.1 Command unrecognized", "banner: the line sent after the client's first bytes")
	suites := fs.String("suites", "", "comma-separated TLS 1.2 cipher suite names (Go's names) to allow")
	requireSNI := fs.Bool("requiresni", false, "server: refuse a ClientHello without SNI (unrecognized_name)")
	fs.Parse(os.Args[2:])

	cfg := &tls.Config{}
	if *alpn != "" {
		cfg.NextProtos = strings.Split(*alpn, ",")
	}
	cfg.MinVersion = version(*minV)
	cfg.MaxVersion = version(*maxV)
	if *keylog != "" {
		f, err := os.OpenFile(*keylog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		cfg.KeyLogWriter = f
	}
	if *certF != "" {
		c, err := tls.LoadX509KeyPair(*certF, *keyF)
		if err != nil {
			log.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{c}
	}
	if *caF != "" {
		pem, err := os.ReadFile(*caF)
		if err != nil {
			log.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		cfg.RootCAs = pool
		if *clientAuth {
			cfg.ClientCAs = pool
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
		}
	}
	cfg.ServerName = *sni
	if *suites != "" {
		cfg.CipherSuites = suiteIDs(*suites)
	}
	if *requireSNI && len(cfg.Certificates) > 0 {
		// With no Certificates and a nil answer from GetCertificate, Go's
		// server sends unrecognized_name: what a server that needs the name sends.
		cert := cfg.Certificates[0]
		cfg.Certificates = nil
		cfg.GetCertificate = func(hi *tls.ClientHelloInfo) (*tls.Certificate, error) {
			if hi.ServerName == "" {
				return nil, nil
			}
			return &cert, nil
		}
	}
	if *groups != "" {
		cfg.CurvePreferences = curves(*groups)
	}

	switch mode {
	case "server":
		if *think > 0 {
			cfg.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
				time.Sleep(*think) // after the ClientHello is read, before the ServerHello is written
				return nil, nil
			}
		}
		serve(*addr, *n, func(c net.Conn) {
			tc := tls.Server(c, cfg)
			tc.SetDeadline(time.Now().Add(10 * time.Second))
			if err := tc.Handshake(); err != nil {
				log.Printf("server handshake: %v", err)
				return
			}
			st := tc.ConnectionState()
			log.Printf("server: %s %s alpn=%q resumed=%v", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite), st.NegotiatedProtocol, st.DidResume)
			buf := make([]byte, 4096)
			m, _ := tc.Read(buf)
			if m > 0 {
				fmt.Fprintf(tc, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
			}
			tc.Close()
		})
	case "client":
		if *count > 1 {
			cfg.ClientSessionCache = tls.NewLRUClientSessionCache(8)
		}
		for i := 0; i < *count; i++ {
			d := net.Dialer{Timeout: *timeout}
			if *bind != "" {
				la, err := net.ResolveTCPAddr("tcp", *bind)
				if err != nil {
					log.Fatal(err)
				}
				la.Port += i // each connection its own source port
				d.LocalAddr = la
			}
			c, err := d.Dial("tcp", *addr)
			if err != nil {
				log.Fatal(err)
			}
			time.Sleep(*wait)
			tc := tls.Client(c, cfg)
			tc.SetDeadline(time.Now().Add(*timeout))
			if err := tc.Handshake(); err != nil {
				tc.Close()
				log.Fatalf("client handshake: %v", err)
			}
			st := tc.ConnectionState()
			log.Printf("client: %s %s alpn=%q resumed=%v", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite), st.NegotiatedProtocol, st.DidResume)
			if strings.Contains(*send, "%s") {
				fmt.Fprintf(tc, *send, *sni)
			} else {
				io.WriteString(tc, *send)
			}
			io.Copy(io.Discard, tc)
			tc.Close()
			if i+1 < *count {
				time.Sleep(300 * time.Millisecond)
			}
		}
	case "rst":
		serve(*addr, *n, func(c net.Conn) {
			readRecord(c)
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		})
	case "silent":
		serve(*addr, *n, func(c net.Conn) {
			c.SetDeadline(time.Now().Add(30 * time.Second))
			io.Copy(io.Discard, c)
			c.Close()
		})
	case "smtp":
		serve(*addr, *n, func(c net.Conn) { smtp(c, cfg) })
	case "httpd":
		srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second,
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "plain HTTP, not TLS") })}
		log.Fatal(srv.ListenAndServe())
	case "banner":
		serve(*addr, *n, func(c net.Conn) {
			c.SetDeadline(time.Now().Add(10 * time.Second))
			fmt.Fprintf(c, "%s\r\n", *banner)
			buf := make([]byte, 4096)
			if _, err := c.Read(buf); err == nil && *reply != "" {
				fmt.Fprintf(c, "%s\r\n", *reply)
			}
			c.Close()
		})
	case "ldap":
		serve(*addr, *n, func(c net.Conn) { ldapServer(c, cfg) })
	case "xmpp":
		serve(*addr, *n, func(c net.Conn) { xmppServer(c, cfg) })
	case "mysql":
		serve(*addr, *n, func(c net.Conn) { mysqlServer(c, cfg) })
	case "httpproxy":
		serve(*addr, *n, func(c net.Conn) { connectProxy(c, *upstream, *proxyAuth) })
	case "socks5":
		serve(*addr, *n, func(c net.Conn) { socksProxy(c, *upstream) })
	case "http":
		serve(*addr, *n, func(c net.Conn) {
			c.SetDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(c)
			for {
				l, err := br.ReadString('\n')
				if err != nil || l == "\r\n" {
					break
				}
			}
			body := "<html><body>plain HTTP, not TLS</body></html>\n"
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
			c.Close()
		})
	case "connect":
		d := net.Dialer{Timeout: *timeout}
		if *bind != "" {
			la, _ := net.ResolveTCPAddr("tcp", *bind)
			d.LocalAddr = la
		}
		c, err := d.Dial("tcp", *addr)
		if err != nil {
			log.Printf("connect: %v", err)
			return
		}
		c.Close()
	default:
		log.Fatalf("unknown mode %q", mode)
	}
}

func version(s string) uint16 {
	switch s {
	case "":
		return 0
	case "1.0":
		return tls.VersionTLS10
	case "1.1":
		return tls.VersionTLS11
	case "1.2":
		return tls.VersionTLS12
	case "1.3":
		return tls.VersionTLS13
	}
	log.Fatalf("bad version %q", s)
	return 0
}

// serve accepts n connections (0 = forever), one at a time.
func serve(addr string, n int, h func(net.Conn)) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; n == 0 || i < n; i++ {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		h(c)
	}
	ln.Close()
}

// readRecord reads one whole TLS record (the ClientHello) from c.
func readRecord(c net.Conn) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return
	}
	body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	io.ReadFull(c, body)
}

func smtp(c net.Conn, cfg *tls.Config) {
	c.SetDeadline(time.Now().Add(15 * time.Second))
	var conn net.Conn = c
	br := bufio.NewReader(conn)
	say := func(s string) { io.WriteString(conn, s+"\r\n") }
	say("220 mail.pcapsurgery.test ESMTP test responder")
	tlsOn := false
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			if !errors.Is(err, io.EOF) {
				log.Printf("smtp: %v", err)
			}
			break
		}
		cmd := strings.ToUpper(strings.TrimSpace(l))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			if tlsOn {
				say("250-mail.pcapsurgery.test\r\n250 8BITMIME")
			} else {
				say("250-mail.pcapsurgery.test\r\n250-8BITMIME\r\n250 STARTTLS")
			}
		case cmd == "STARTTLS" && !tlsOn:
			say("220 2.0.0 Ready to start TLS")
			tc := tls.Server(c, cfg)
			if err := tc.Handshake(); err != nil {
				log.Printf("smtp tls: %v", err)
				c.Close()
				return
			}
			conn, tlsOn = tc, true
			br = bufio.NewReader(conn)
		case cmd == "QUIT":
			say("221 2.0.0 Bye")
			conn.Close()
			return
		default:
			say("250 2.0.0 OK")
		}
	}
	conn.Close()
}

// suiteIDs looks up Go's cipher suite names.
func suiteIDs(list string) []uint16 {
	var ids []uint16
	for _, name := range strings.Split(list, ",") {
		found := false
		for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
			if cs.Name == name {
				ids, found = append(ids, cs.ID), true
			}
		}
		if !found {
			log.Fatalf("unknown cipher suite %q", name)
		}
	}
	return ids
}

// curves reads -groups: Go's names for key exchange groups.
func curves(list string) []tls.CurveID {
	byName := map[string]tls.CurveID{"X25519": tls.X25519, "X25519MLKEM768": tls.X25519MLKEM768,
		"P-256": tls.CurveP256, "P-384": tls.CurveP384, "P-521": tls.CurveP521}
	var out []tls.CurveID
	for _, n := range strings.Split(list, ",") {
		c, ok := byName[n]
		if !ok {
			log.Fatalf("unknown group %q", n)
		}
		out = append(out, c)
	}
	return out
}
