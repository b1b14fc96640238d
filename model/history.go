package model

import (
	"strings"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// History is the flow's handshake in Zeek's ssl_history letters: one letter
// per message or record kind, upper case from the client, lower case from
// the server (e.g. "CsxknGIFif").
func History(f *decode.Flow) string {
	var b strings.Builder
	for _, e := range f.Events {
		c := historyLetter(e)
		if c == 0 {
			continue
		}
		if e.Dir == decode.FromServer {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// handshakeLetters maps handshake message types to Zeek's letters.
var handshakeLetters = map[uint16]byte{
	tlswire.HelloRequest: 'H', tlswire.ClientHelloType: 'C', tlswire.ServerHelloType: 'S',
	tlswire.NewSessionTicket: 'T', tlswire.EndOfEarlyData: 'E', tlswire.EncryptedExtensions: 'O',
	tlswire.CertificateType: 'X', tlswire.ServerKeyExchange: 'K', tlswire.CertificateRequest: 'R',
	tlswire.ServerHelloDone: 'N', tlswire.CertificateVerify: 'Y', tlswire.ClientKeyExchange: 'G',
	tlswire.Finished: 'F', tlswire.CertificateStatus: 'U', tlswire.KeyUpdate: 'P',
}

func historyLetter(e decode.Event) byte {
	switch e.Kind {
	case decode.EvHandshake:
		return handshakeLetters[e.Code]
	case decode.EvSSLv2Hello:
		return 'C'
	case decode.EvSSLv2:
		// SERVER-HELLO, CLIENT-MASTER-KEY (the key exchange) and the
		// client's first encrypted record, which can only be CLIENT-FINISHED.
		switch e.Code {
		case tlswire.SSLv2ServerHelloType:
			return 'S'
		case tlswire.SSLv2ClientMasterKey:
			return 'G'
		case 3:
			return 'F'
		}
	case decode.EvHelloRetry:
		return 'J'
	case decode.EvEncryptedHandshake:
		// Only what the protocol leaves no doubt about: the first encrypted
		// record after change_cipher_spec (or the client's first in TLS 1.3)
		// is Finished; the server's first TLS 1.3 record is EncryptedExtensions;
		// a 25-byte client record can only be an empty Certificate; after
		// 0-RTT data, the client's 21-byte record is EndOfEarlyData.
		switch e.Code {
		case tlswire.Finished, tlswire.EncryptedExtensions, tlswire.CertificateType, tlswire.EndOfEarlyData:
			return handshakeLetters[e.Code]
		}
	case decode.EvChangeCipherSpec:
		return 'I'
	case decode.EvAlert, decode.EvEncryptedAlert:
		return 'L'
	case decode.EvAppData, decode.EvEarlyData:
		return 'D'
	case decode.EvHeartbeat:
		return 'B'
	case decode.EvUnknownRecord:
		return 'Q'
	}
	return 0
}
