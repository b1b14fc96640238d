package tlswire

import (
	"crypto/tls"
	"slices"
	"testing"
)

// serverConfig returns a server config that serves cert (plus chain).
func serverConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}}
}

func mustClientHello(t *testing.T, body []byte) *ClientHello {
	t.Helper()
	ch, err := ParseClientHello(body)
	if err != nil {
		t.Fatalf("ParseClientHello: %v", err)
	}
	if ch.Truncated {
		t.Fatalf("real ClientHello reported truncated")
	}
	return ch
}

func mustServerHello(t *testing.T, body []byte) *ServerHello {
	t.Helper()
	sh, err := ParseServerHello(body)
	if err != nil {
		t.Fatalf("ParseServerHello: %v", err)
	}
	if sh.Truncated {
		t.Fatalf("real ServerHello reported truncated")
	}
	return sh
}

// only returns the single message of a type, failing otherwise.
func only(t *testing.T, msgs []testMessage, typ uint8) []byte {
	t.Helper()
	bodies := messagesOfType(msgs, typ)
	if len(bodies) != 1 {
		t.Fatalf("want one message of type %d, got %d", typ, len(bodies))
	}
	return bodies[0]
}

func sameSet(a, b []uint16) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestTLS12ECDHEECDSA(t *testing.T) {
	f := certFixtures(t)
	suites := []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}
	cc := &tls.Config{
		ServerName:       "api.example.test",
		RootCAs:          rootPool(t),
		MaxVersion:       tls.VersionTLS12,
		CipherSuites:     suites,
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256},
		NextProtos:       []string{"h2", "http/1.1"},
		// A session cache makes Go offer the session_ticket extension.
		ClientSessionCache: tls.NewLRUClientSessionCache(1),
	}
	tr := runHandshake(t, cc, serverConfig(f.ecLeaf.tlsCert(f.root)))
	if tr.err != nil {
		t.Fatal(tr.err)
	}
	cm := handshakeMessages(t, tr.client, true)
	sm := handshakeMessages(t, tr.server, true)

	ch := mustClientHello(t, only(t, cm, ClientHelloType))
	if ch.LegacyVersion != VersionTLS12 || ch.SSLv2 {
		t.Errorf("legacy version %#x sslv2 %v", ch.LegacyVersion, ch.SSLv2)
	}
	if !sameSet(ch.CipherSuites, suites) {
		t.Errorf("suites %x, config %x", ch.CipherSuites, suites)
	}
	if ch.SNI != cc.ServerName {
		t.Errorf("SNI %q", ch.SNI)
	}
	if !slices.Equal(ch.ALPN, cc.NextProtos) {
		t.Errorf("ALPN %q", ch.ALPN)
	}
	if !slices.Equal(ch.SupportedGroups, []uint16{uint16(tls.X25519), uint16(tls.CurveP256)}) {
		t.Errorf("groups %v", ch.SupportedGroups)
	}
	if !slices.Equal(ch.ECPointFormats, []uint8{0}) || !slices.Equal(ch.Compression, []uint8{0}) {
		t.Errorf("point formats %v compression %v", ch.ECPointFormats, ch.Compression)
	}
	if slices.Contains(ch.SupportedVersions, VersionTLS13) || len(ch.KeyShares) != 0 {
		t.Errorf("TLS 1.2-only client offers versions %x key shares %v", ch.SupportedVersions, ch.KeyShares)
	}
	if !slices.Contains(ch.SignatureAlgorithms, uint16(tls.ECDSAWithP256AndSHA256)) {
		t.Errorf("signature algorithms %x", ch.SignatureAlgorithms)
	}
	if !ch.SessionTicket || ch.SessionTicketLen != 0 {
		t.Errorf("session ticket %v len %d, want an empty request", ch.SessionTicket, ch.SessionTicketLen)
	}
	for _, e := range []uint16{extServerName, extSupportedGroups, extECPointFormats, extSignatureAlgorithms, extALPN, extSessionTicket} {
		if !slices.Contains(ch.Extensions, e) {
			t.Errorf("extension %d missing from %v", e, ch.Extensions)
		}
	}

	sh := mustServerHello(t, only(t, sm, ServerHelloType))
	if sh.Version() != VersionTLS12 || sh.CipherSuite != tr.state.CipherSuite || sh.ALPN != tr.state.NegotiatedProtocol || sh.ALPN != "h2" {
		t.Errorf("server hello %+v, state suite %#x alpn %q", sh, tr.state.CipherSuite, tr.state.NegotiatedProtocol)
	}
	// The server could do TLS 1.3 but the client capped at 1.2: RFC 8446 sentinel.
	if sh.DowngradeSentinel != "TLS12" || sh.HelloRetry || sh.SelectedPSK != -1 || !sh.SessionTicketAck {
		t.Errorf("sentinel %q hrr %v psk %d ticket ack %v", sh.DowngradeSentinel, sh.HelloRetry, sh.SelectedPSK, sh.SessionTicketAck)
	}

	ske := ParseServerKeyExchange(only(t, sm, ServerKeyExchange))
	if ske.NamedGroup != uint16(tr.state.CurveID) || ske.DHE {
		t.Errorf("SKE %+v, negotiated curve %v", ske, tr.state.CurveID)
	}
	if lifetime, ok := ParseNewSessionTicket(only(t, sm, NewSessionTicket), false); !ok || lifetime != 0 {
		t.Errorf("NewSessionTicket lifetime %d ok %v (Go sends a zero hint)", lifetime, ok)
	}

	certs, total, err := ParseCertificates(only(t, sm, CertificateType), false, 10)
	if err != nil || total != 2 || len(certs) != 2 {
		t.Fatalf("certificates: %d of %d, %v", len(certs), total, err)
	}
	checkCert(t, certs[0], f.ecLeaf)
	checkCert(t, certs[1], f.root)
	if certs[0].KeyType != "ECDSA P-256" || certs[1].KeyType != "ECDSA P-384" {
		t.Errorf("key types %q %q", certs[0].KeyType, certs[1].KeyType)
	}
	if certs[0].SelfSigned || certs[0].IsCA || !certs[1].SelfSigned || !certs[1].IsCA {
		t.Errorf("leaf self-signed %v CA %v; root self-signed %v CA %v",
			certs[0].SelfSigned, certs[0].IsCA, certs[1].SelfSigned, certs[1].IsCA)
	}
	want := []string{"api.example.test", "*.api.example.test", "192.0.2.7", "2001:db8::7", "ops@example.test", "spiffe://example.test/api"}
	if !slices.Equal(certs[0].SANs, want) {
		t.Errorf("SANs %q", certs[0].SANs)
	}
	if certs[0].Serial != "0123456789abcdef0123" {
		t.Errorf("serial %q", certs[0].Serial)
	}
	// Only the first certificate when max is 1, but both counted.
	certs, total, err = ParseCertificates(only(t, sm, CertificateType), false, 1)
	if err != nil || total != 2 || len(certs) != 1 {
		t.Errorf("max 1: %d of %d, %v", len(certs), total, err)
	}
}

func TestTLS12ECDHERSAExpiredLeaf(t *testing.T) {
	f := certFixtures(t)
	cc := &tls.Config{
		ServerName:         "old.example.test",
		InsecureSkipVerify: true, // the leaf is expired on purpose
		MaxVersion:         tls.VersionTLS12,
		CipherSuites:       []uint16{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384},
		CurvePreferences:   []tls.CurveID{tls.CurveP384},
	}
	sc := serverConfig(f.rsaLeaf.tlsCert())
	sc.MaxVersion = tls.VersionTLS12 // no downgrade sentinel this time
	tr := runHandshake(t, cc, sc)
	if tr.err != nil {
		t.Fatal(tr.err)
	}
	cm := handshakeMessages(t, tr.client, true)
	sm := handshakeMessages(t, tr.server, true)
	ch := mustClientHello(t, only(t, cm, ClientHelloType))
	if !slices.Equal(ch.CipherSuites, cc.CipherSuites) || ch.SNI != "old.example.test" || len(ch.ALPN) != 0 {
		t.Errorf("hello suites %x sni %q alpn %q", ch.CipherSuites, ch.SNI, ch.ALPN)
	}
	sh := mustServerHello(t, only(t, sm, ServerHelloType))
	if sh.CipherSuite != tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 || sh.DowngradeSentinel != "" || sh.ALPN != "" {
		t.Errorf("server hello %+v", sh)
	}
	if ske := ParseServerKeyExchange(only(t, sm, ServerKeyExchange)); ske.NamedGroup != uint16(tls.CurveP384) {
		t.Errorf("SKE %+v", ske)
	}
	certs, total, err := ParseCertificates(only(t, sm, CertificateType), false, 10)
	if err != nil || total != 1 || len(certs) != 1 {
		t.Fatalf("certificates: %d of %d, %v", len(certs), total, err)
	}
	checkCert(t, certs[0], f.rsaLeaf)
	if certs[0].KeyType != "RSA-2048" || certs[0].SelfSigned || !certs[0].NotAfter.Before(certs[0].NotBefore.Add(30*24*3600e9)) {
		t.Errorf("rsa leaf %+v", certs[0])
	}
}

func TestTLS13(t *testing.T) {
	f := certFixtures(t)
	cc := &tls.Config{ServerName: "api.example.test", RootCAs: rootPool(t), NextProtos: []string{"h2"}}
	tr := runHandshake(t, cc, serverConfig(f.ecLeaf.tlsCert(f.root)))
	if tr.err != nil {
		t.Fatal(tr.err)
	}
	cm := handshakeMessages(t, tr.client, false)
	sm := handshakeMessages(t, tr.server, false)
	if len(cm) != 1 || len(sm) != 1 {
		t.Fatalf("clear messages: client %d server %d, want 1 each", len(cm), len(sm))
	}
	ch := mustClientHello(t, only(t, cm, ClientHelloType))
	if ch.LegacyVersion != VersionTLS12 || !slices.Contains(ch.SupportedVersions, VersionTLS13) || !slices.Contains(ch.SupportedVersions, VersionTLS12) {
		t.Errorf("versions legacy %#x supported %x", ch.LegacyVersion, ch.SupportedVersions)
	}
	for _, s := range []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_AES_256_GCM_SHA384, tls.TLS_CHACHA20_POLY1305_SHA256} {
		if !slices.Contains(ch.CipherSuites, s) {
			t.Errorf("suite %#x missing", s)
		}
	}
	if len(ch.KeyShares) == 0 {
		t.Errorf("no key shares")
	}
	for _, g := range ch.KeyShares {
		if !slices.Contains(ch.SupportedGroups, g) {
			t.Errorf("key share %#x not among groups %x", g, ch.SupportedGroups)
		}
	}
	// Without a session cache Go offers no PSK at all.
	if len(ch.PSKModes) != 0 || ch.PSKIdentities != 0 || len(ch.SessionID) != 32 {
		t.Errorf("psk modes %v identities %d sid %d", ch.PSKModes, ch.PSKIdentities, len(ch.SessionID))
	}
	if ch.SNI != "api.example.test" || !slices.Equal(ch.ALPN, []string{"h2"}) {
		t.Errorf("sni %q alpn %q", ch.SNI, ch.ALPN)
	}
	sh := mustServerHello(t, only(t, sm, ServerHelloType))
	if sh.LegacyVersion != VersionTLS12 || sh.SupportedVersion != VersionTLS13 || sh.Version() != VersionTLS13 {
		t.Errorf("versions %#x %#x", sh.LegacyVersion, sh.SupportedVersion)
	}
	if sh.CipherSuite != tr.state.CipherSuite || sh.KeyShareGroup != uint16(tr.state.CurveID) {
		t.Errorf("suite %#x group %#x, state %#x %v", sh.CipherSuite, sh.KeyShareGroup, tr.state.CipherSuite, tr.state.CurveID)
	}
	if sh.ALPN != "" || sh.HelloRetry || sh.SelectedPSK != -1 || sh.DowngradeSentinel != "" {
		t.Errorf("ALPN belongs in EncryptedExtensions in 1.3: %+v", sh)
	}
	if string(sh.SessionID) != string(ch.SessionID) {
		t.Errorf("session id not echoed")
	}
}

func TestHelloRetryRequest(t *testing.T) {
	f := certFixtures(t)
	cc := &tls.Config{
		ServerName:       "api.example.test",
		RootCAs:          rootPool(t),
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256},
	}
	sc := serverConfig(f.ecLeaf.tlsCert(f.root))
	sc.CurvePreferences = []tls.CurveID{tls.CurveP256}
	tr := runHandshake(t, cc, sc)
	if tr.err != nil {
		t.Fatal(tr.err)
	}
	hellos := messagesOfType(handshakeMessages(t, tr.client, false), ClientHelloType)
	servers := messagesOfType(handshakeMessages(t, tr.server, false), ServerHelloType)
	if len(hellos) != 2 || len(servers) != 2 {
		t.Fatalf("%d client hellos, %d server hellos; want 2 and 2", len(hellos), len(servers))
	}
	ch1, ch2 := mustClientHello(t, hellos[0]), mustClientHello(t, hellos[1])
	if !slices.Equal(ch1.KeyShares, []uint16{uint16(tls.X25519)}) || !slices.Equal(ch2.KeyShares, []uint16{uint16(tls.CurveP256)}) {
		t.Errorf("key shares %x then %x", ch1.KeyShares, ch2.KeyShares)
	}
	hrr, sh := mustServerHello(t, servers[0]), mustServerHello(t, servers[1])
	if !hrr.HelloRetry || hrr.KeyShareGroup != uint16(tls.CurveP256) || hrr.Version() != VersionTLS13 {
		t.Errorf("HRR %+v", hrr)
	}
	if sh.HelloRetry || sh.KeyShareGroup != uint16(tls.CurveP256) || sh.CipherSuite != hrr.CipherSuite {
		t.Errorf("ServerHello after HRR %+v", sh)
	}
}

func TestResumptionTLS13PSK(t *testing.T) {
	f := certFixtures(t)
	cc := &tls.Config{ServerName: "api.example.test", RootCAs: rootPool(t), ClientSessionCache: tls.NewLRUClientSessionCache(4)}
	sc := serverConfig(f.ecLeaf.tlsCert(f.root))
	if tr := runHandshake(t, cc, sc); tr.err != nil || tr.state.DidResume {
		t.Fatalf("first handshake: %v resumed %v", tr.err, tr.state.DidResume)
	}
	tr := runHandshake(t, cc, sc)
	if tr.err != nil || !tr.state.DidResume {
		t.Fatalf("second handshake: %v resumed %v", tr.err, tr.state.DidResume)
	}
	ch := mustClientHello(t, only(t, handshakeMessages(t, tr.client, false), ClientHelloType))
	if ch.PSKIdentities != 1 || !slices.Equal(ch.PSKModes, []uint8{1}) || ch.Extensions[len(ch.Extensions)-1] != extPreSharedKey {
		t.Errorf("psk identities %d modes %v extensions %v (pre_shared_key must be last)", ch.PSKIdentities, ch.PSKModes, ch.Extensions)
	}
	sh := mustServerHello(t, only(t, handshakeMessages(t, tr.server, false), ServerHelloType))
	if sh.SelectedPSK != 0 || sh.Version() != VersionTLS13 {
		t.Errorf("selected psk %d version %#x", sh.SelectedPSK, sh.Version())
	}
}

func TestResumptionTLS12Ticket(t *testing.T) {
	f := certFixtures(t)
	cc := &tls.Config{ServerName: "api.example.test", RootCAs: rootPool(t), MaxVersion: tls.VersionTLS12,
		ClientSessionCache: tls.NewLRUClientSessionCache(4)}
	sc := serverConfig(f.ecLeaf.tlsCert(f.root))
	first := runHandshake(t, cc, sc)
	if first.err != nil {
		t.Fatal(first.err)
	}
	nst := only(t, handshakeMessages(t, first.server, true), NewSessionTicket)
	ticketLen := int(nst[4])<<8 | int(nst[5])

	tr := runHandshake(t, cc, sc)
	if tr.err != nil || !tr.state.DidResume {
		t.Fatalf("second handshake: %v resumed %v", tr.err, tr.state.DidResume)
	}
	ch := mustClientHello(t, only(t, handshakeMessages(t, tr.client, true), ClientHelloType))
	if !ch.SessionTicket || ch.SessionTicketLen != ticketLen || ticketLen == 0 {
		t.Errorf("ticket offered %v len %d, issued %d", ch.SessionTicket, ch.SessionTicketLen, ticketLen)
	}
	sm := handshakeMessages(t, tr.server, true)
	if len(messagesOfType(sm, CertificateType)) != 0 {
		t.Errorf("abbreviated handshake carried a Certificate")
	}
	sh := mustServerHello(t, only(t, sm, ServerHelloType))
	if string(sh.SessionID) != string(ch.SessionID) || len(sh.SessionID) == 0 {
		t.Errorf("resumed session id not echoed")
	}
}
