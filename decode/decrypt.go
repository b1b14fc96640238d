package decode

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlsdecrypt"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// DecryptFacts is what a key log unlocked on a flow: set only when the
// key log had secrets for its client random. It holds facts, never a secret
// or application data.
type DecryptFacts struct {
	Records            [2]int32 // records decrypted per direction
	Failed             string   // why decryption stopped, e.g. a tag check failed (wrong key); "" when it did not
	EncExt             *tlswire.EncryptedExtensionsInfo
	ClientCertificates int32     // certificates in the client's Certificate (TLS 1.3), -1 when it sent none
	AppProtocol        [2]string // the application protocol named from the first decrypted bytes ("HTTP/1.x", "h2")

	secrets      *keylog.Secrets
	clientRandom [32]byte
}

// KeyLogLines are this flow's secrets in key log format, for an export that
// embeds them (a pcapng Decryption Secrets Block). Never shown.
func (d *DecryptFacts) KeyLogLines() []byte {
	if d == nil || d.secrets == nil {
		return nil
	}
	return d.secrets.Lines(d.clientRandom)
}

// Decrypted reports whether any record of the flow was decrypted.
func (d *DecryptFacts) Decrypted() bool { return d != nil && d.Records[0]+d.Records[1] > 0 }

func (d *DecryptFacts) clone() *DecryptFacts {
	if d == nil {
		return nil
	}
	c := *d
	return &c
}

// SetKeyLog gives the analyzer secrets to decrypt with. Set it before the
// first packet; flows whose client random it lacks decode as without one.
// The analyzer never writes to l.
func (a *Analyzer) SetKeyLog(l *keylog.Log) { a.shared.keys, a.ownKeys = l, false }

// AddKeyLogText adds key log text found in the capture itself (pcapng
// Decryption Secrets Blocks) to the secrets: flows whose ClientHello comes
// after it can be decrypted.
func (a *Analyzer) AddKeyLogText(logs [][]byte) {
	if len(logs) == 0 {
		return
	}
	if !a.ownKeys {
		a.shared.keys, a.ownKeys = a.shared.keys.Clone(), true
	}
	for _, t := range logs {
		a.shared.keys.Read(bytes.NewReader(t)) // a bytes.Reader cannot fail
	}
}

// KeyLog is the secrets the analyzer decrypts with, the capture's own
// included (nil when none). Use once feeding has finished.
func (a *Analyzer) KeyLog() *keylog.Log { return a.shared.keys }

// Record-layer stages of one TLS 1.3 direction, in the order they come.
const (
	stageEarly = iota // client 0-RTT data (CLIENT_EARLY_TRAFFIC_SECRET)
	stageHandshake
	stageApp
	numStages
)

// decryptState is a flow's decryption machinery: made only when the key
// log holds its client random, so flows without one cost a nil pointer.
type decryptState struct {
	suite        *tlsdecrypt.Suite
	keys         [2][numStages]*tlsdecrypt.Keys
	stage        [2]int
	failed       [2]bool
	hs           [2][]byte             // decrypted handshake bytes waiting for a whole message
	buf          []byte                // plaintext scratch, reused record to record
	v12          [2]*tlsdecrypt.Keys12 // TLS 1.2 keys, from the first ChangeCipherSpec on
	started12    bool
	serverRandom [32]byte // the ServerHello's (shared hellos drop theirs)
	opened       [2]bool  // a record of this direction was opened: its secrets are this connection's
	early        uint64   // client 0-RTT records sent before the ServerHello named the suite
}

// matchKeys looks the flow's client random up in the key log.
func (fs *flowState) matchKeys(random [32]byte) {
	sec := fs.shared.keys.Lookup(random)
	if sec == nil {
		return
	}
	fs.dec = &decryptState{stage: [2]int{stageHandshake, stageHandshake}}
	fs.rare().Decrypt = &DecryptFacts{secrets: sec, clientRandom: random, ClientCertificates: -1}
}

// start13 derives the TLS 1.3 record keys once the ServerHello named the suite.
func (fs *flowState) start13(suite uint16) {
	dec, facts := fs.dec, fs.f.TLS.Decrypt
	s := tlsdecrypt.Suite13(suite)
	if s == nil {
		facts.Failed = "cannot decrypt cipher suite " + registry.CipherSuite(suite)
		dec.failed = [2]bool{true, true}
		return
	}
	dec.suite = s
	sec := facts.secrets
	labels := [2][numStages]keylog.Label{
		{keylog.ClientEarlyTraffic, keylog.ClientHandshakeTraffic, keylog.ClientTraffic0},
		{keylog.ServerHandshakeTraffic, keylog.ServerHandshakeTraffic, keylog.ServerTraffic0},
	}
	for d := range labels {
		for st, l := range labels[d] {
			if d == int(FromServer) && st == stageEarly {
				continue
			}
			if secret := sec.Get(l); secret != nil {
				k, err := tlsdecrypt.NewKeys13(s, secret)
				if err != nil {
					facts.Failed = fmt.Sprintf("%s does not fit %s: %v", l, registry.CipherSuite(suite), err)
					continue
				}
				dec.keys[d][st] = k
			}
		}
	}
	if k := dec.keys[FromClient][stageEarly]; k != nil && fs.f.TLS.ClientHello != nil && fs.f.TLS.ClientHello.EarlyData {
		// 0-RTT records sent before the ServerHello were counted, not
		// opened (the suite was not known yet); they used up sequence numbers.
		dec.stage[FromClient] = stageEarly
		k.Seq = dec.early
	}
	if dec.keys[FromServer][stageHandshake] == nil && facts.Failed == "" {
		facts.Failed = "the key log has no handshake traffic secrets for this connection"
	}
}

// decrypting reports whether direction d's application_data records are
// opened: TLS 1.3 with keys that have not failed.
func (fs *flowState) decrypting(d Dir) bool {
	return fs.dec != nil && fs.dec.suite != nil && !fs.dec.failed[d]
}

// errNoSecret is a record past the stages the key log has secrets for: a
// client that gave up mid-handshake never wrote its application secrets.
var errNoSecret = errors.New("no secret for it in the key log")

// open decrypts one record with the direction's current keys, or a later
// stage's (a stage can end unseen: 0-RTT the server skipped, a capture
// that missed a record). It returns the stage that opened it.
func (dec *decryptState) open(d Dir, r record) ([]byte, uint8, int, error) {
	hdr := [5]byte{r.typ, byte(r.version >> 8), byte(r.version), byte(r.length >> 8), byte(r.length)}
	err := tlsdecrypt.ErrTag
	for st := dec.stage[d]; st < numStages; st++ {
		k := dec.keys[d][st]
		if k == nil {
			if dec.opened[d] {
				err = errNoSecret // the keys before proved right: the next ones are missing, not wrong
			}
			continue
		}
		var plain []byte
		var typ uint8
		plain, typ, err = k.Open(dec.buf[:0], hdr, r.body)
		if err == nil {
			dec.opened[d] = true
			dec.buf = plain[:0]
			dec.stage[d] = st
			return plain, typ, st, nil
		}
	}
	return nil, 0, 0, err
}

// decrypted handles a TLS 1.3 application_data record with the key log.
func (fs *flowState) decrypted(s *dirState, d Dir, r record) {
	f := fs.f
	plain, typ, st, err := fs.dec.open(d, r)
	if err != nil {
		fs.dec.failed[d] = true
		if err == errNoSecret {
			// Not a wrong key: the key log stops where the client stopped.
			if f.TLS.Decrypt.Failed == "" {
				label := keylog.ClientTraffic0
				if d == FromServer {
					label = keylog.ServerTraffic0
				}
				f.TLS.Decrypt.Failed = fmt.Sprintf("the %s's records from its record %d on stay encrypted: the key log has no %s for this connection (likely the client stopped before writing it)",
					d, f.TLS.Decrypt.Records[d]+1, label)
			}
			fs.appData(s, d, r.length)
			return
		}
		if f.TLS.Decrypt.Failed == "" {
			f.TLS.Decrypt.Failed = fmt.Sprintf("the %s's record %d did not decrypt (%v): the key log's secrets are not this connection's, or the record was damaged",
				d, f.TLS.Decrypt.Records[d]+1, err)
		}
		fs.appData(s, d, r.length) // judged by its size, as without a key log
		return
	}
	f.TLS.Decrypt.Records[d]++
	s.encRecords++
	if f.TLS.FirstEncrypted[d] == 0 {
		f.TLS.FirstEncrypted[d] = recordLen(r.length)
	}
	switch typ {
	case tlswire.ContentHandshake:
		fs.decryptedHandshake(s, d, plain)
	case tlswire.ContentAlert:
		fs.decryptedAlert(d, plain, r.length)
	case tlswire.ContentApplicationData:
		if st == stageEarly {
			e := &fs.rare().EarlyData
			e.Records++
			e.Bytes += int64(len(plain))
			if e.Records == 1 {
				e.FirstAt, e.FirstLen = unixNanos(f.Last), int32(r.length)
				fs.event(d, EvEarlyData, 0, r.length)
			}
			return
		}
		if f.TLS.Decrypt.AppProtocol[d] == "" {
			f.TLS.Decrypt.AppProtocol[d] = appProtocol(plain)
		}
		a := &f.TLS.AppData[d]
		a.Records++
		a.Bytes += int64(r.length)
		if a.Records == 1 {
			a.FirstAt, a.FirstLen = unixNanos(f.Last), int32(r.length)
			fs.event(d, EvAppData, 0, r.length)
		}
		if fs.hsDone {
			fs.stop(d)
		}
	default:
		fs.event(d, EvUnknownRecord, uint16(typ), r.length)
	}
}

// decryptedAlert records an alert the key log opened.
func (fs *flowState) decryptedAlert(d Dir, plain []byte, length int) {
	f := fs.f
	a, ok := tlswire.ParseAlert(plain)
	if !ok {
		fs.event(d, EvUnknownRecord, tlswire.ContentAlert, length)
		return
	}
	if len(f.TLS.Alerts) < maxAlerts {
		f.TLS.Alerts = append(f.TLS.Alerts, AlertFact{From: d, At: f.Last, Level: a.Level,
			Description: a.Description, Length: length, After: fs.lastMsg.String(), Decrypted: true})
	}
	fs.event(d, EvAlert, uint16(a.Level)<<8|uint16(a.Description), length)
	if a.Level == 2 {
		fs.stop(d)
	}
}

// decryptedHandshake gathers decrypted handshake messages, which may span records.
func (fs *flowState) decryptedHandshake(s *dirState, d Dir, plain []byte) {
	dec := fs.dec
	buf := append(dec.hs[d], plain...)
	for len(buf) >= 4 && fs.active(d) {
		n := int(buf[1])<<16 | int(buf[2])<<8 | int(buf[3])
		if n > maxHandshakeBuf {
			fs.problem(d, fmt.Sprintf("decrypted %s claims %d bytes, over the %d-byte cap", messageName(buf[0]), n, maxHandshakeBuf))
			dec.hs[d] = nil
			return
		}
		if len(buf) < 4+n {
			break
		}
		fs.decryptedMessage(s, d, buf[0], buf[4:4+n])
		buf = buf[4+n:]
	}
	if fs.dec == nil || !fs.active(d) {
		return
	}
	dec.hs[d] = append(dec.hs[d][:0], buf...)
	if len(dec.hs[d]) == 0 {
		dec.hs[d] = nil
	}
}

// decryptedMessage handles one handshake message the key log opened, then
// moves the direction's keys on when the message ends a stage.
func (fs *flowState) decryptedMessage(s *dirState, d Dir, typ uint8, body []byte) {
	f, dec := fs.f, fs.dec
	switch typ {
	case tlswire.EncryptedExtensions:
		f.TLS.Decrypt.EncExt = tlswire.ParseEncryptedExtensions(body)
	case tlswire.CertificateType:
		if d == FromClient {
			_, total, _ := tlswire.ParseCertificates(body, true, 0)
			f.TLS.Decrypt.ClientCertificates = int32(total)
		}
	case tlswire.EndOfEarlyData:
		fs.earlyDone = true
		dec.stage[d] = stageHandshake
	case tlswire.KeyUpdate:
		if k := dec.keys[d][stageApp]; k != nil && dec.stage[d] == stageApp {
			if next, err := k.Update(); err == nil {
				dec.keys[d][stageApp] = next
			}
		}
	}
	fs.message(s, typ, body)
	if typ == tlswire.Finished {
		fs.lastMsg = lastClientFinished // both sides' Finished are read: say whose
		if d == FromServer {
			fs.lastMsg = lastServerFinished
		}
	}
	if typ == tlswire.Finished {
		dec.stage[d] = stageApp
	}
}

// appProtocol names an application protocol from its first bytes, without
// keeping them: an HTTP/1.x request or status line, or the HTTP/2 preface.
func appProtocol(b []byte) string {
	const h2 = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	switch {
	case len(b) >= len(h2) && string(b[:len(h2)]) == h2:
		return "h2"
	case len(b) >= 8 && string(b[:7]) == "HTTP/1.":
		return "HTTP/1.x"
	}
	for _, m := range []string{"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT "} {
		if len(b) >= len(m) && string(b[:len(m)]) == m {
			return "HTTP/1.x"
		}
	}
	return "unknown"
}
