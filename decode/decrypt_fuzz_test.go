package decode_test

import (
	"bytes"
	"crypto/tls"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/decode/tlsdecrypt"
)

// FuzzDecryptedRecords feeds arbitrary plaintext, under an arbitrary inner
// content type, to the decoder through a real TLS 1.3 handshake's server
// keys: the first record after a real ServerHello is sealed with the key
// log's server handshake secret, so the decoder opens it and parses what
// the fuzzer wrote (handshake messages, alerts, data). Never a panic, and
// the flow stays decrypted.
func FuzzDecryptedRecords(f *testing.F) {
	cert, _ := synth.Cert(synth.New("10.0.0.1:40000", "10.0.0.2:443").TS, "www.example.test")
	var kl bytes.Buffer
	chunks, _ := synth.Transcript(&tls.Config{ServerName: "www.example.test", InsecureSkipVerify: true, KeyLogWriter: &kl},
		&tls.Config{Certificates: []tls.Certificate{cert}}, false)
	server := synth.Concat(chunks, false)
	var secret []byte
	for _, line := range strings.Split(kl.String(), "\n") {
		if fl := strings.Fields(line); len(fl) == 3 && fl[0] == "SERVER_HANDSHAKE_TRAFFIC_SECRET" {
			secret, _ = hex.DecodeString(fl[2])
		}
	}
	// The ServerHello and change_cipher_spec records, then the first encrypted one.
	var head []byte
	rest := server
	for len(rest) >= 5 && rest[0] != 23 {
		n := 5 + (int(rest[3])<<8 | int(rest[4]))
		head, rest = append(head, rest[:n]...), rest[n:]
	}
	if len(rest) < 5 || secret == nil {
		f.Fatal("no encrypted server record or no secret")
	}
	var suite *tlsdecrypt.Suite
	for _, id := range []uint16{0x1301, 0x1302, 0x1303} {
		s := tlsdecrypt.Suite13(id)
		k, err := tlsdecrypt.NewKeys13(s, secret)
		if err != nil {
			continue
		}
		var hdr [5]byte
		copy(hdr[:], rest)
		if _, _, err := k.Open(nil, hdr, rest[5:5+(int(rest[3])<<8|int(rest[4]))]); err == nil {
			suite = s
		}
	}
	if suite == nil {
		f.Fatal("the server's first record does not open with its secret")
	}
	f.Add(uint8(22), []byte{8, 0, 0, 2, 0, 0})             // an empty EncryptedExtensions
	f.Add(uint8(21), []byte{2, 42})                        // an alert
	f.Add(uint8(22), []byte{11, 0, 0, 4, 0, 0, 0, 0})      // an empty Certificate
	f.Add(uint8(22), []byte{24, 0, 0, 1, 1, 20, 0, 0, 32}) // KeyUpdate, then half a Finished
	f.Add(uint8(23), []byte("GET / HTTP/1.1\r\n"))         // data
	f.Fuzz(func(t *testing.T, typ uint8, plain []byte) {
		if len(plain) > 1<<14 || typ == 0 {
			return
		}
		k, _ := tlsdecrypt.NewKeys13(suite, secret)
		c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
		c.Send(true, synth.Concat(chunks[:1], true), 1400)
		c.Send(false, append(append([]byte(nil), head...), k.Seal(typ, plain)...), 1400)
		c.Close(true, false).Close(false, false)
		flows := loadKeyed(t, synth.Pcap(c.Frames, 0), kl.Bytes())
		if len(flows) != 1 || flows[0].TLS.Decrypt == nil || flows[0].TLS.Decrypt.Records[1] != 1 {
			t.Fatalf("the sealed record was not opened: %+v", flows[0].TLS.Decrypt)
		}
	})
}
