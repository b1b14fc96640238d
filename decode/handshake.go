package decode

import (
	"fmt"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

const (
	maxAlerts = 8
	// Encrypted TLS 1.3 records are known by size: an alert is 2 bytes +
	// content type + 16-byte tag = 19 (a little more if padded); an
	// EndOfEarlyData is 4 + 1 + 16 = 21; an empty
	// client Certificate (answering a CertificateRequest with nothing) is
	// 8 + 1 + 16 = 25; a Finished is at least 32 + 1 + 16 = 49.
	maxEncryptedAlertLen = 24
	emptyCertificateLen  = 25
	endOfEarlyDataMin    = 19 // EndOfEarlyData is 21 bytes; 19 is an alert's size
	// The shortest encrypted alert: 2 bytes under a CCM_8 tag (8) in TLS 1.3
	// is 11 with its content type; TLS 1.2 stream and AEAD ciphers add at
	// least as much. Shorter odd-sized alert records are malformed, not encrypted.
	minEncryptedAlertLen   = 10
	compressedCertificate  = 25 // RFC 8879
	helloRetryRequestDraft = 6  // TLS 1.3 drafts up to 21: HelloRetryRequest was its own message
)

// onRecord handles one complete record from the direction that owns s. It
// returns false once that direction needs no more bytes.
func (fs *flowState) onRecord(s *dirState, r record) bool {
	d := fs.dirOf(s)
	f := fs.f
	f.TLS.Seen = true
	switch r.typ {
	case tlswire.ContentHandshake:
		if f.TLS.Encrypted[d] {
			if !fs.decrypting12(d) || !fs.decrypted12(s, d, r) {
				fs.encryptedHandshake(s, d, r.length)
			}
		} else {
			fs.handshakeBytes(s, r.body)
		}
	case tlswire.ContentChangeCipherSpec:
		if !f.TLS.CCS[d] {
			f.TLS.CCS[d] = true
			fs.event(d, EvChangeCipherSpec, 0, r.length)
		}
		if !fs.tls13 {
			f.TLS.Encrypted[d] = true
			if fs.dec != nil {
				fs.start12()
			}
		}
	case tlswire.ContentAlert:
		if !fs.decrypting12(d) || !fs.decrypted12(s, d, r) {
			fs.alert(d, r)
		}
	case tlswire.ContentApplicationData:
		switch {
		case fs.decrypting(d):
			fs.decrypted(s, d, r)
		case fs.decrypting12(d) && fs.decrypted12(s, d, r):
		default:
			fs.appData(s, d, r.length)
		}
	case tlswire.ContentHeartbeat:
		fs.event(d, EvHeartbeat, 0, r.length)
	default:
		fs.event(d, EvUnknownRecord, uint16(r.typ), r.length)
	}
	return fs.active(fs.dirOf(s))
}

// handshakeBytes gathers clear handshake messages, which may span records.
// Whole messages are read straight from the record; only a message cut by
// the record's end is copied aside until the rest arrives.
func (fs *flowState) handshakeBytes(s *dirState, body []byte) {
	if s.hsSkip > 0 {
		// Still inside a message too large to keep (see passOver).
		k := min(s.hsSkip, len(body))
		s.hsSkip -= k
		body = body[k:]
	}
	buf := body
	if len(s.hs) > 0 {
		s.hs = append(s.hs, body...)
		buf = s.hs
	}
	for len(buf) >= 4 && fs.active(fs.dirOf(s)) {
		n := int(buf[1])<<16 | int(buf[2])<<8 | int(buf[3])
		if n > maxHandshakeBuf && passable(buf[0]) {
			head := fs.wantsCertHead(s, buf[0])
			if head && len(buf) < 4+certHeadKeep {
				break // gather the head of the chain first: it holds the leaf
			}
			read := ""
			if head {
				read = fs.certHead(buf[4 : 4+certHeadKeep])
			}
			fs.passOver(s, buf[0], n, read)
			if skip := 4 + n; skip <= len(buf) {
				buf = buf[skip:]
				continue
			}
			s.hsSkip = 4 + n - len(buf)
			buf = nil
			break
		}
		if n > maxHandshakeBuf {
			fs.problem(fs.dirOf(s), fmt.Sprintf("%s claims %d bytes, over the %d-byte cap",
				messageName(buf[0]), n, maxHandshakeBuf))
			return
		}
		if len(buf) < 4+n {
			break
		}
		fs.message(s, buf[0], buf[4:4+n])
		buf = buf[4+n:]
	}
	if s.mode == modeDone {
		return
	}
	// Keep the unfinished rest. When no message ended here, buf is s.hs
	// itself and stays as it is: a message sent one byte a record costs an
	// append per record, not a copy of everything gathered so far.
	switch {
	case len(buf) == 0:
		s.hs = nil
	case len(s.hs) == 0:
		s.hs = append(s.hs, buf...) // buf is the record's body: copy it out
	case len(buf) < len(s.hs):
		s.hs = s.hs[:copy(s.hs, buf)] // buf is a suffix of s.hs: move it down
	}
}

// passable reports the handshake messages that may legitimately exceed the
// cap (a certificate chain, a long list of CAs, a stapled OCSP response):
// they are passed over, not kept, and the messages after them still read.
// A hello that large is not TLS.
func passable(typ uint8) bool {
	switch typ {
	case tlswire.CertificateType, tlswire.CertificateRequest, tlswire.CertificateStatus,
		tlswire.ServerKeyExchange, tlswire.NewSessionTicket, compressedCertificate:
		return true
	}
	return false
}

// certHeadKeep is how much of a server Certificate message too large to keep
// is still read: the leaf and the first certificates of the chain.
const certHeadKeep = 64 << 10

// wantsCertHead reports whether an oversized message is a server
// Certificate whose head should be read before the rest is passed over.
func (fs *flowState) wantsCertHead(s *dirState, typ uint8) bool {
	return typ == tlswire.CertificateType && fs.dirOf(s) == FromServer && fs.f.TLS.Certificates == nil
}

// certHead parses the certificates wholly inside the head of an oversized
// Certificate message and says how much was read.
func (fs *flowState) certHead(head []byte) string {
	t := fs.f.TLS
	t.Certificates, t.CertificateTotal = fs.shared.certs.parse(head, fs.tls13)
	return fmt.Sprintf("its first %d bytes were read (%d whole certificates in them, the first %d shown), the rest passed over",
		len(head), t.CertificateTotal, len(t.Certificates))
}

// passOver notes a handshake message too large to keep: it shows in the
// timeline with its real length, its contents are skipped, and its length
// says where the next message starts.
func (fs *flowState) passOver(s *dirState, typ uint8, n int, read string) {
	d := fs.dirOf(s)
	fs.event(d, EvHandshake, uint16(typ), n)
	fs.lastMsg = lastType(typ)
	if d == FromClient && typ == tlswire.CertificateType {
		fs.lastMsg = lastClientCert
	}
	if read == "" {
		read = "passed over, its contents not kept"
	}
	if fs.f.TLS.NotKept == "" {
		fs.rare().NotKept = fmt.Sprintf("the %s's %s message (%d bytes) is over the %d-byte cap: %s",
			d, messageName(typ), n, maxHandshakeBuf, read)
	}
}

// message handles one clear handshake message.
func (fs *flowState) message(s *dirState, typ uint8, body []byte) {
	f := fs.f
	d := fs.dirOf(s)
	switch typ {
	case tlswire.ClientHelloType:
		ch := &fs.shared.intern.scratch // sharedClientHello copies what flows keep
		if err := tlswire.ParseClientHelloInto(ch, body); err != nil {
			fs.event(d, EvHandshake, uint16(typ), len(body))
			fs.problem(d, "ClientHello unreadable: "+err.Error())
			return
		}
		fs.clientHello(s, ch, len(body)+4)
		return
	case tlswire.ServerHelloType:
		fs.serverHello(s, body)
		return
	case helloRetryRequestDraft:
		if sh, err := tlswire.ParseDraftHelloRetryRequest(body); err == nil && d == FromServer {
			fs.helloRetry(d, sh, len(body))
			return
		}
	case tlswire.CertificateType:
		if d == FromServer && f.TLS.Certificates == nil {
			f.TLS.Certificates, f.TLS.CertificateTotal = fs.shared.certs.parse(body, fs.tls13)
		}
	case tlswire.ServerKeyExchange:
		f.TLS.ServerKeyExchange = fs.shared.intern.keyExchange(tlswire.ParseServerKeyExchange(body))
	case tlswire.CertificateRequest:
		info := tlswire.ParseCertificateRequest(body, fs.tls13)
		fs.rare().CertRequest = &info
	case tlswire.NewSessionTicket:
		f.TLS.TicketIssued = true
	case tlswire.Finished:
		f.TLS.Finished[d] = true
		fs.updateDone()
	}
	fs.event(d, EvHandshake, uint16(typ), len(body))
	fs.lastMsg = lastType(typ)
	if d == FromClient && typ == tlswire.CertificateType {
		fs.lastMsg = lastClientCert
	}
}

// clientHello records a ClientHello (the first, or the one after a HelloRetryRequest).
func (fs *flowState) clientHello(s *dirState, ch *tlswire.ClientHello, length int) {
	f := fs.f
	if fs.dirOf(s) == FromServer && (f.ClientBasis == ByPort || f.ClientBasis == 0) {
		fs.flip(ByClientHello)
	}
	if f.ClientBasis == ByPort {
		f.ClientBasis = ByClientHello
	}
	d := fs.dirOf(s)
	if !ch.SSLv2 {
		fs.event(d, EvHandshake, tlswire.ClientHelloType, length)
	}
	fs.lastMsg = lastType(tlswire.ClientHelloType)
	sid := ch.SessionID
	if fs.shared.keys != nil && f.TLS.ClientHello == nil {
		fs.matchKeys(ch.Random)
	}
	hello := fs.shared.intern.sharedClientHello(ch)
	switch {
	case f.TLS.ClientHello == nil:
		f.TLS.SetSessionID(FromClient, sid)
		f.TLS.ClientHello = hello
		f.TLS.ClientHelloLen = int32(length)
		f.TLS.ClientHelloSegments = max(s.chSegs+1, 1)
		s.chDone = true
		fs.chEnd, fs.chEndOK = s.re.next, s.re.started
		if fs.chEndOK && fs.hasISN[FromClient] {
			f.TLS.ClientHelloEnd = max(int32(fs.chEnd-fs.isn[FromClient]-1), 0)
		}
		ja3, ja4 := fs.shared.intern.fingerprints(hello)
		f.TLS.fingerprints = fs.shared.intern.fingerprintSet(Fingerprints{JA3Hash: ja3, JA3SHash: f.TLS.JA3SHash(), JA4: ja4})
	case f.TLS.HelloRetry != nil && f.TLS.ClientHello2 == nil:
		fs.rare().ClientHello2 = hello
	}
}

// serverHello records a ServerHello or HelloRetryRequest.
func (fs *flowState) serverHello(s *dirState, body []byte) {
	f := fs.f
	if fs.dirOf(s) == FromClient && f.TLS.ClientHello == nil && f.ClientBasis == ByPort {
		fs.flip(ByServerHello)
	}
	d := fs.dirOf(s)
	sh := &fs.shared.intern.scratchServer // sharedServerHello copies what flows keep
	if err := tlswire.ParseServerHelloInto(sh, body); err != nil {
		fs.event(d, EvHandshake, tlswire.ServerHelloType, len(body))
		fs.problem(d, "ServerHello unreadable: "+err.Error())
		return
	}
	sid := sh.SessionID
	if fs.dec != nil && !sh.HelloRetry {
		fs.dec.serverRandom = sh.Random
	}
	sh, ja3s := fs.shared.intern.sharedServerHello(sh)
	if sh.HelloRetry {
		fs.helloRetry(d, sh, len(body))
		return
	}
	if f.TLS.ServerHello == nil {
		f.TLS.ServerHello = sh
		f.TLS.SetSessionID(FromServer, sid)
		f.TLS.fingerprints = fs.shared.intern.fingerprintSet(Fingerprints{JA3Hash: f.TLS.JA3Hash(), JA3SHash: ja3s, JA4: f.TLS.JA4()})
	}
	fs.event(d, EvHandshake, tlswire.ServerHelloType, len(body))
	fs.lastMsg = lastType(tlswire.ServerHelloType)
	if sh.TLS13() {
		// From here both sides' handshake records are encrypted and look like
		// application data; only their order and sizes say what they are.
		fs.tls13 = true
		f.TLS.Encrypted = [2]bool{true, true}
		if fs.dec != nil && fs.dec.suite == nil {
			fs.start13(sh.CipherSuite)
		}
	}
}

// helloRetry records a HelloRetryRequest. Only TLS 1.3 has one: the
// client's change_cipher_spec that may follow is the compatibility one, and
// its next ClientHello is in clear.
func (fs *flowState) helloRetry(d Dir, sh *tlswire.ServerHello, length int) {
	fs.tls13 = true
	if fs.f.TLS.HelloRetry == nil {
		fs.rare().HelloRetry = sh
	}
	fs.event(d, EvHelloRetry, sh.CipherSuite, length)
	fs.lastMsg = lastHelloRetry
}

// encryptedHandshake handles a handshake record after change_cipher_spec
// (TLS <= 1.2): the first one must be the Finished message.
func (fs *flowState) encryptedHandshake(s *dirState, d Dir, length int) {
	f := fs.f
	s.encRecords++
	if s.encRecords == 1 {
		f.TLS.Finished[d] = true
		f.TLS.FirstEncrypted[d] = recordLen(length)
		fs.event(d, EvEncryptedHandshake, tlswire.Finished, length)
		fs.lastMsg = lastType(tlswire.Finished)
		fs.updateDone()
		return
	}
	fs.event(d, EvEncryptedHandshake, 0, length)
}

// alert records an alert record, in clear or encrypted.
func (fs *flowState) alert(d Dir, r record) {
	f := fs.f
	if r.length != 2 && (f.TLS.Encrypted[d] || r.length >= minEncryptedAlertLen) {
		// A clear alert is exactly two bytes; a longer one is encrypted, also
		// where the change_cipher_spec was not seen (a capture that starts
		// mid-connection).
		fs.encryptedAlert(d, r.length)
		return
	}
	a, ok := tlswire.ParseAlert(r.body)
	if !ok {
		fs.event(d, EvUnknownRecord, tlswire.ContentAlert, r.length)
		return
	}
	if len(f.TLS.Alerts) < maxAlerts {
		f.TLS.Alerts = append(f.TLS.Alerts, AlertFact{From: d, At: fs.f.Last, Level: a.Level,
			Description: a.Description, Length: r.length, After: fs.lastMsg.String()})
	}
	fs.event(d, EvAlert, uint16(a.Level)<<8|uint16(a.Description), r.length)
	fs.alertMark(d)
	if a.Level == 2 {
		fs.stop(d)
	}
}

func (fs *flowState) encryptedAlert(d Dir, length int) {
	f := fs.f
	if len(f.TLS.Alerts) < maxAlerts {
		f.TLS.Alerts = append(f.TLS.Alerts, AlertFact{From: d, At: fs.f.Last, Encrypted: true,
			Length: length, After: fs.lastMsg.String()})
	}
	fs.event(d, EvEncryptedAlert, 0, length)
}

// appData handles an application_data record. In TLS 1.3 the handshake
// itself travels in such records until the client's Finished.
func (fs *flowState) appData(s *dirState, d Dir, length int) {
	f := fs.f
	if d == FromClient && fs.earlyData(length) {
		if fs.dec != nil && fs.dec.suite == nil {
			fs.dec.early++
		}
		e := &fs.rare().EarlyData
		e.Records++
		e.Bytes += int64(length)
		if e.Records == 1 {
			e.FirstAt = unixNanos(fs.f.Last)
			e.FirstLen = int32(length)
			fs.event(d, EvEarlyData, 0, length)
		}
		return
	}
	if fs.tls13 && !f.TLS.Finished[FromClient] {
		s.encRecords++
		if d == FromServer {
			code := uint16(0)
			if s.encRecords == 1 {
				code = tlswire.EncryptedExtensions
				f.TLS.FirstEncrypted[d] = recordLen(length)
				fs.lastMsg = lastServerFlight
			}
			fs.event(d, EvEncryptedHandshake, code, length)
			return
		}
		if f.TLS.FirstEncrypted[d] == 0 {
			f.TLS.FirstEncrypted[d] = recordLen(length)
		}
		switch {
		case s.encRecords == 1 && fs.endOfEarlyData(length):
			// The server took the early data; the client closes it before its Finished.
			fs.earlyDone = true
			fs.event(d, EvEncryptedHandshake, tlswire.EndOfEarlyData, length)
			fs.lastMsg = lastType(tlswire.EndOfEarlyData)
			return
		case length <= maxEncryptedAlertLen:
			fs.encryptedAlert(d, length)
			fs.stop(d)
			return
		case length == emptyCertificateLen:
			// The client had been asked for a certificate and has none; its
			// Finished follows in the next record.
			fs.event(d, EvEncryptedHandshake, tlswire.CertificateType, 3)
			fs.lastMsg = lastClientEmptyCert
			return
		case fs.clientCertificateRecord(s, length):
			return
		}
		f.TLS.Finished[d] = true
		fs.event(d, EvEncryptedHandshake, tlswire.Finished, length)
		fs.lastMsg = lastType(tlswire.Finished)
		fs.updateDone()
		return
	}
	a := &f.TLS.AppData[d]
	a.Records++
	a.Bytes += int64(length)
	if a.Records == 1 {
		a.FirstAt = unixNanos(fs.f.Last)
		a.FirstLen = int32(length)
		fs.event(d, EvAppData, 0, length)
	}
	if fs.hsDone {
		fs.stop(d)
	}
}

// earlyData reports whether a client application_data record of this length
// is 0-RTT data. The ClientHello must have offered early_data. Before the
// ServerHello (TLS 1.2 has no data there) and before the server's encrypted
// flight (a TLS 1.3 client cannot send its Finished before it has the
// server's), it is. After the flight, with the PSK accepted, some clients
// (GnuTLS) still send it: then it is early data until EndOfEarlyData, or until
// a record of the Finished message's size when the server refused the early
// data and no EndOfEarlyData comes.
func (fs *flowState) earlyData(length int) bool {
	t := fs.f.TLS
	if t.ClientHello == nil || !t.ClientHello.EarlyData || t.Finished[FromClient] || fs.earlyDone || t.HelloRetry != nil {
		return false
	}
	switch sh := t.ServerHello; {
	case sh == nil:
		return true
	case !fs.tls13:
		return false
	case t.FirstEncrypted[FromServer] == 0:
		return true
	default:
		return sh.SelectedPSK >= 0 && !fs.endOfEarlyData(length) && length != finishedRecordLen(sh.CipherSuite)
	}
}

// finishedRecordLen is the size of a TLS 1.3 Finished record without
// padding: 4-byte header, the suite's hash (48 bytes for SHA-384), content
// type, AEAD tag (8 bytes for AES-128-CCM-8, else 16).
func finishedRecordLen(suite uint16) int {
	hash, tag := 32, 16
	switch suite {
	case 0x1302:
		hash = 48
	case 0x1305:
		tag = 8
	}
	return 4 + hash + 1 + tag
}

// endOfEarlyData reports whether the client's first record after the
// server's flight is EndOfEarlyData: early data was offered, the server
// accepted the PSK, and the record has its size, 4 + 1 + 16 = 21 bytes (an
// alert is 19, a Finished at least 49; padding may add a little).
func (fs *flowState) endOfEarlyData(length int) bool {
	t := fs.f.TLS
	return t.ClientHello != nil && t.ClientHello.EarlyData && t.ServerHello != nil &&
		t.ServerHello.SelectedPSK >= 0 && length > endOfEarlyDataMin && length <= maxEncryptedAlertLen
}

// updateDone notes when the handshake has finished from both sides' view.
func (fs *flowState) updateDone() {
	t := fs.f.TLS
	if fs.tls13 {
		fs.hsDone = t.Finished[FromClient]
	} else {
		fs.hsDone = t.Finished[FromClient] && t.Finished[FromServer]
	}
}

// salvage parses a ClientHello that the capture cut short, keeping what it says.
func (fs *flowState) salvage(d Dir) {
	s := fs.dir(d)
	if s == nil || d != FromClient || fs.f.TLS.ClientHello != nil || s.mode != modeTLS {
		return
	}
	partial := append(append([]byte(nil), s.hs...), s.rec.partialBody()...)
	if len(partial) < 4+2+32 || partial[0] != tlswire.ClientHelloType {
		return
	}
	if ch, err := tlswire.ParseClientHello(partial[4:]); err == nil {
		ch.Truncated = true
		fs.clientHello(s, ch, len(partial))
	}
}

// messageName is the RFC name of a handshake message, for diagnoses.
func messageName(typ uint8) string {
	switch typ {
	case tlswire.HelloRequest:
		return "HelloRequest"
	case tlswire.ClientHelloType:
		return "ClientHello"
	case tlswire.ServerHelloType:
		return "ServerHello"
	case tlswire.NewSessionTicket:
		return "NewSessionTicket"
	case tlswire.EndOfEarlyData:
		return "EndOfEarlyData"
	case tlswire.EncryptedExtensions:
		return "EncryptedExtensions"
	case tlswire.CertificateType:
		return "Certificate"
	case tlswire.ServerKeyExchange:
		return "ServerKeyExchange"
	case tlswire.CertificateRequest:
		return "CertificateRequest"
	case tlswire.ServerHelloDone:
		return "ServerHelloDone"
	case tlswire.CertificateVerify:
		return "CertificateVerify"
	case tlswire.ClientKeyExchange:
		return "ClientKeyExchange"
	case tlswire.Finished:
		return "Finished"
	case tlswire.CertificateStatus:
		return "CertificateStatus"
	case tlswire.KeyUpdate:
		return "KeyUpdate"
	}
	return fmt.Sprintf("handshake message %d", typ)
}

// tls13FinishedLen is the size of an unpadded encrypted TLS 1.3 Finished
// under suite: 4-byte header, the suite's hash, content type, AEAD tag
// (RFC 8446 4.4.4); 0 for a suite we do not know.
func tls13FinishedLen(suite uint16) int {
	switch suite {
	case 0x1301, 0x1303, 0x1304: // SHA-256, 16-byte tag
		return 4 + 32 + 1 + 16
	case 0x1302: // SHA-384
		return 4 + 48 + 1 + 16
	case 0x1305: // AES-128-CCM-8: 8-byte tag
		return 4 + 32 + 1 + 8
	}
	return 0
}

// clientCertificateRecord takes a TLS 1.3 client's first two encrypted
// records for the Certificate and CertificateVerify a server asked for
// when they are larger than the suite's fixed-size Finished (known by
// size): otherwise the certificate was taken for the Finished, and the
// real Finished for application data. A third such record is taken for
// the Finished as before, so a padded Finished still ends the handshake.
func (fs *flowState) clientCertificateRecord(s *dirState, length int) bool {
	n := int(s.encRecords)
	if fs.earlyDone {
		n-- // its EndOfEarlyData came first
	}
	sh := fs.f.TLS.ServerHello
	if sh == nil || n > 2 {
		return false
	}
	fin := tls13FinishedLen(sh.CipherSuite)
	if fin == 0 || length <= fin {
		return false
	}
	if n == 1 {
		fs.event(FromClient, EvEncryptedHandshake, tlswire.CertificateType, length)
		fs.lastMsg = lastClientCert13
	} else {
		fs.event(FromClient, EvEncryptedHandshake, tlswire.CertificateVerify, length)
		fs.lastMsg = lastClientCertVerify
	}
	return true
}
