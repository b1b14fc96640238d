package main

import (
	"crypto/tls"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

const (
	v4client = "10.20.0.7:%d"
	v6client = "[2001:db8:20::7]:%d"
)

// handshake runs a real handshake between cc and sc on a new connection,
// then closes it the usual way (the side that failed, or the client).
func (b *builder) handshake(server string, cc, sc *tls.Config, closeBy bool) {
	c, err := b.tlsFlow(v4client, server, cc, sc, true)
	if err == nil {
		c.Close(true, false).Close(false, false)
		return
	}
	c.Close(closeBy, false).Close(!closeBy, false)
}

func ok(sni string) expect { return expect{outcome: "ok", sni: sni} }

var scenarios = []scenario{
	{"tls13-pq-h2", func(b *builder) expect {
		cc := b.pki.client("www.demo.example")
		cc.NextProtos = []string{"h2", "http/1.1"}
		sc := b.pki.server(b.pki.good)
		sc.NextProtos = []string{"h2"}
		b.handshake("192.0.2.10:443", cc, sc, true)
		return ok("www.demo.example")
	}},
	{"tls13-x25519-http1", func(b *builder) expect {
		cc := b.pki.client("api.demo.example")
		cc.CurvePreferences = []tls.CurveID{tls.X25519}
		cc.NextProtos = []string{"http/1.1"}
		b.handshake("192.0.2.10:443", cc, b.pki.server(b.pki.good), true)
		return ok("api.demo.example")
	}},
	{"tls12-ecdsa", func(b *builder) expect {
		cc := b.pki.client("shop.demo.example")
		cc.MaxVersion = tls.VersionTLS12
		b.handshake("192.0.2.11:443", cc, b.pki.server(b.pki.good), true)
		return ok("shop.demo.example")
	}},
	{"tls12-rsa", func(b *builder) expect {
		cc := b.pki.client("legacy.demo.example")
		cc.MaxVersion = tls.VersionTLS12
		b.handshake("192.0.2.12:8443", cc, b.pki.server(b.pki.rsa), true)
		return ok("legacy.demo.example")
	}},
	{"tls13-hello-retry", func(b *builder) expect {
		cc := b.pki.client("hrr.demo.example")
		cc.CurvePreferences = []tls.CurveID{tls.X25519, tls.CurveP256}
		sc := b.pki.server(b.pki.good)
		sc.CurvePreferences = []tls.CurveID{tls.CurveP256}
		b.handshake("192.0.2.10:443", cc, sc, true)
		return ok("hrr.demo.example")
	}},
	{"tls13-resumed", func(b *builder) expect { return b.resumed(tls.VersionTLS13, "app.demo.example") }},
	{"tls12-resumed", func(b *builder) expect { return b.resumed(tls.VersionTLS12, "shop.demo.example") }},
	{"srv-alert-protocol_version", func(b *builder) expect {
		cc := b.pki.client("old.demo.example")
		cc.MaxVersion = tls.VersionTLS12
		sc := b.pki.server(b.pki.good)
		sc.MinVersion = tls.VersionTLS13
		b.handshake("192.0.2.13:443", cc, sc, false)
		return expect{"alert", "server", "protocol_version", "old.demo.example"}
	}},
	{"srv-alert-handshake_failure", func(b *builder) expect {
		cc := b.pki.client("pay.demo.example")
		cc.MaxVersion = tls.VersionTLS12
		cc.CipherSuites = []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384}
		b.handshake("192.0.2.14:443", cc, b.pki.server(b.pki.good), false)
		return expect{"alert", "server", "handshake_failure", "pay.demo.example"}
	}},
	{"srv-alert-no_application_protocol", func(b *builder) expect {
		cc := b.pki.client("grpc.demo.example")
		cc.NextProtos = []string{"h2"}
		sc := b.pki.server(b.pki.good)
		sc.NextProtos = []string{"http/1.1"}
		b.handshake("192.0.2.15:443", cc, sc, false)
		return expect{"alert", "server", "no_application_protocol", "grpc.demo.example"}
	}},
	{"cli-alert-untrusted-tls12", func(b *builder) expect {
		cc := b.pki.client("intranet.demo.example")
		cc.RootCAs, cc.MaxVersion = b.pki.other, tls.VersionTLS12
		b.handshake("192.0.2.16:443", cc, b.pki.server(b.pki.good), true)
		return expect{"alert", "client", "bad_certificate", "intranet.demo.example"}
	}},
	{"cli-alert-expired-tls12", func(b *builder) expect {
		cc := b.pki.client("stale.demo.example")
		cc.MaxVersion = tls.VersionTLS12
		b.handshake("192.0.2.17:443", cc, b.pki.server(b.pki.expired), true)
		return expect{"alert", "client", "bad_certificate", "stale.demo.example"}
	}},
	{"cli-alert-name-mismatch-tls12", func(b *builder) expect {
		cc := b.pki.client("mail.other.example")
		cc.MaxVersion = tls.VersionTLS12
		b.handshake("192.0.2.18:443", cc, b.pki.server(b.pki.good), true)
		return expect{"alert", "client", "bad_certificate", "mail.other.example"}
	}},
	{"cli-alert-untrusted-tls13", func(b *builder) expect {
		cc := b.pki.client("intranet.demo.example")
		cc.RootCAs = b.pki.other
		b.handshake("192.0.2.16:443", cc, b.pki.server(b.pki.good), true)
		return expect{"encrypted_alert", "client", "", "intranet.demo.example"}
	}},
	{"srv-alert-client-cert-required-tls12", func(b *builder) expect {
		cc := b.pki.client("vpn.demo.example")
		cc.MaxVersion = tls.VersionTLS12
		sc := b.pki.server(b.pki.good)
		sc.ClientAuth = tls.RequireAnyClientCert
		b.handshake("192.0.2.19:443", cc, sc, false)
		// Go's server answers an empty client Certificate with handshake_failure.
		return expect{"alert", "server", "handshake_failure", "vpn.demo.example"}
	}},
	{"srv-alert-client-cert-required-tls13", func(b *builder) expect {
		sc := b.pki.server(b.pki.good)
		sc.ClientAuth = tls.RequireAnyClientCert
		b.handshake("192.0.2.19:443", b.pki.client("vpn.demo.example"), sc, false)
		return expect{"encrypted_alert", "server", "", "vpn.demo.example"}
	}},
	{"tls12-client-cert-ok", func(b *builder) expect {
		cc := b.pki.client("vpn.demo.example")
		cc.MaxVersion = tls.VersionTLS12
		cc.Certificates = []tls.Certificate{b.pki.clientID}
		sc := b.pki.server(b.pki.good)
		sc.ClientAuth = tls.RequireAnyClientCert
		b.handshake("192.0.2.19:443", cc, sc, true)
		return ok("vpn.demo.example")
	}},
	{"rst-after-clienthello", func(b *builder) expect {
		c := b.helloOnly("192.0.2.20:443", "blocked.demo.example")
		c.TS = c.TS.Add(2 * time.Millisecond)
		c.Close(false, true)
		return expect{"reset", "server", "", "blocked.demo.example"}
	}},
	{"no-serverhello-silent", func(b *builder) expect {
		c := b.helloOnly("192.0.2.21:443", "slow.demo.example")
		c.Append(c.Segment(false, synth.ACK, serverSeq(c), nil))
		c.TS = c.TS.Add(10 * time.Second)
		c.Close(true, false)
		return expect{"no_server_hello", "client", "", "slow.demo.example"}
	}},
	{"no-serverhello-mtu", func(b *builder) expect {
		hello := b.clientHello("big.demo.example")
		c := b.conn(v4client, "192.0.2.22:443")
		c.Handshake()
		segs := c.Segments(true, hello, 1448)
		c.Append(segs...)
		for _, wait := range []time.Duration{200, 400, 800} {
			c.TS = c.TS.Add(wait * time.Millisecond)
			c.Append(segs...)
		}
		c.TS = c.TS.Add(time.Second)
		c.Close(true, true)
		return expect{"no_server_hello", "client", "", "big.demo.example"}
	}},
	{"syn-unanswered", func(b *builder) expect {
		c := b.conn(v4client, "192.0.2.23:443")
		syn := c.Segment(true, synth.SYN, 999, nil)
		c.Append(syn)
		c.TS = c.TS.Add(time.Second)
		c.Append(syn)
		c.TS = c.TS.Add(2 * time.Second)
		c.Append(syn)
		return expect{"no_syn_ack", "server", "", ""}
	}},
	{"refused", func(b *builder) expect {
		c := b.conn(v4client, "192.0.2.24:443")
		c.Append(c.Segment(true, synth.SYN, 999, nil), c.Segment(false, synth.RST|synth.ACK, 0, nil))
		return expect{"refused", "server", "", ""}
	}},
	{"http-plaintext", func(b *builder) expect {
		c := b.conn(v4client, "192.0.2.25:80").Handshake()
		c.Send(true, []byte("GET / HTTP/1.1\r\nHost: www.demo.example\r\n\r\n"), 0)
		c.Send(false, []byte("HTTP/1.1 301 Moved Permanently\r\nLocation: https://www.demo.example/\r\nContent-Length: 0\r\n\r\n"), 0)
		c.Close(true, false).Close(false, false)
		return expect{"not_tls", "", "", ""}
	}},
	{"starttls-smtp", func(b *builder) expect {
		chunks, _ := synth.Transcript(b.pki.client("mail.demo.example"), b.pki.server(b.pki.good), true)
		c := b.conn(v4client, "192.0.2.26:25").Handshake()
		c.Send(false, []byte("220 mail.demo.example ESMTP Postfix\r\n"), 0)
		c.Send(true, []byte("EHLO client.demo.example\r\n"), 0)
		c.Send(false, []byte("250-mail.demo.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n"), 0)
		c.Send(true, []byte("STARTTLS\r\n"), 0)
		c.Send(false, []byte("220 2.0.0 Ready to start TLS\r\n"), 0)
		for _, ch := range chunks {
			c.Send(ch.FromClient, ch.Data, 1448)
		}
		c.Close(true, false).Close(false, false)
		return ok("mail.demo.example")
	}},
	{"tls13-ipv6", func(b *builder) expect {
		c, _ := b.tlsFlow(v6client, "[2001:db8:443::10]:443", b.pki.client("v6.demo.example"), b.pki.server(b.pki.good), true)
		c.Close(true, false).Close(false, false)
		return ok("v6.demo.example")
	}},
	{"ssh-not-tls", func(b *builder) expect {
		c := b.conn(v4client, "192.0.2.27:22").Handshake()
		c.Send(false, []byte("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"), 0)
		c.Send(true, []byte("SSH-2.0-OpenSSH_9.6\r\n"), 0)
		c.Close(true, false).Close(false, false)
		return expect{"not_tls", "", "", ""}
	}},
	{"one-sided-span-port", func(b *builder) expect {
		// Only the client's direction was captured (asymmetric routing).
		chunks, _ := synth.Transcript(b.pki.client("asym.demo.example"), b.pki.server(b.pki.good), true)
		c := b.conn(v4client, "192.0.2.28:443")
		c.Append(c.Segment(true, synth.SYN, 999, nil), c.Segment(true, synth.ACK, 1000, nil))
		c.Send(true, synth.Concat(chunks, true), 1448)
		c.Frames = onlyFrom(c, true)
		return expect{"one_sided", "", "", "asym.demo.example"}
	}},
	{"partial-mid-stream", func(b *builder) expect {
		// The capture starts after the handshake: application data only.
		chunks, _ := synth.Transcript(b.pki.client("late.demo.example"), b.pki.server(b.pki.good), true)
		c := b.conn(v4client, "192.0.2.29:443")
		last := chunks[len(chunks)-2:]
		for _, ch := range last {
			c.Send(ch.FromClient, ch.Data, 1448)
		}
		return expect{"partial", "", "", ""}
	}},
	{"tls13-ok-nosni", func(b *builder) expect {
		cc := b.pki.client("")
		cc.InsecureSkipVerify = true
		b.handshake("192.0.2.10:443", cc, b.pki.server(b.pki.good), true)
		return ok("")
	}},
}

// resumed runs a full handshake to fill a session cache, then a second
// connection that resumes; only the second is laid out.
func (b *builder) resumed(version uint16, sni string) expect {
	cc := b.pki.client(sni)
	cc.MaxVersion = version
	cc.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	sc := b.pki.server(b.pki.good)
	synth.Transcript(cc, sc, true)
	b.handshake("192.0.2.30:443", cc, sc, true)
	return expect{outcome: "resumed", sni: sni}
}

// clientHello records a real ClientHello by running a handshake.
func (b *builder) clientHello(sni string) []byte {
	chunks, _ := synth.Transcript(b.pki.client(sni), b.pki.server(b.pki.good), false)
	return chunks[0].Data
}

// helloOnly lays out a TCP handshake and a ClientHello with no answer yet.
func (b *builder) helloOnly(server, sni string) *synth.Conn {
	hello := b.clientHello(sni)
	c := b.conn(v4client, server).Handshake()
	c.Send(true, hello, 1448)
	return c
}

// serverSeq is the server's next sequence number (the first data byte).
func serverSeq(c *synth.Conn) uint32 { return 5000 }

// onlyFrom keeps the frames one side sent (the client's: they carry its port
// as the source).
func onlyFrom(c *synth.Conn, fromClient bool) []synth.Frame {
	var out []synth.Frame
	for _, f := range c.Frames {
		// Ethernet (14) + IPv4 (20): the TCP source port is at byte 34.
		src := uint16(f.Data[34])<<8 | uint16(f.Data[35])
		if (src == c.Client.Port()) == fromClient {
			out = append(out, f)
		}
	}
	return out
}
