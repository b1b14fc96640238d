package detail

import (
	"strconv"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// messageNames are the names engineers read in Wireshark and the RFCs.
var messageNames = map[uint16]string{
	tlswire.HelloRequest: "HelloRequest", tlswire.ClientHelloType: "ClientHello",
	tlswire.ServerHelloType: "ServerHello", tlswire.NewSessionTicket: "NewSessionTicket",
	tlswire.EndOfEarlyData: "EndOfEarlyData", tlswire.EncryptedExtensions: "EncryptedExtensions",
	tlswire.CertificateType: "Certificate", tlswire.ServerKeyExchange: "ServerKeyExchange",
	tlswire.CertificateRequest: "CertificateRequest", tlswire.ServerHelloDone: "ServerHelloDone",
	tlswire.CertificateVerify: "CertificateVerify", tlswire.ClientKeyExchange: "ClientKeyExchange",
	tlswire.Finished: "Finished", tlswire.CertificateStatus: "CertificateStatus",
	tlswire.KeyUpdate: "KeyUpdate",
}

func messageName(code uint16) string {
	if n, ok := messageNames[code]; ok {
		return n
	}
	return registry.HandshakeType(uint8(code))
}

// EventName says what a timeline entry was, with who sent it where it matters.
func EventName(e decode.Event) string {
	switch e.Kind {
	case decode.EvSYN:
		return "SYN"
	case decode.EvSYNACK:
		return "SYN-ACK"
	case decode.EvACK:
		return "ACK"
	case decode.EvFIN:
		return "FIN from " + e.Dir.String()
	case decode.EvRST:
		return "RST from " + e.Dir.String()
	case decode.EvHandshake:
		return messageName(e.Code) + size(e.Len)
	case decode.EvHelloRetry:
		return "HelloRetryRequest" + size(e.Len)
	case decode.EvChangeCipherSpec:
		return "ChangeCipherSpec"
	case decode.EvAlert:
		level := "warning"
		if e.Code>>8 == 2 {
			level = "fatal"
		}
		return "Alert " + level + " " + registry.Alert(uint8(e.Code)) + " from " + e.Dir.String()
	case decode.EvEncryptedAlert:
		return "encrypted Alert from " + e.Dir.String() + size(e.Len)
	case decode.EvEncryptedHandshake:
		if e.Code == tlswire.Finished || e.Code == tlswire.EncryptedExtensions || e.Code == tlswire.EndOfEarlyData {
			return messageName(e.Code) + " (encrypted)" + size(e.Len)
		}
		return "encrypted handshake" + size(e.Len)
	case decode.EvAppData:
		return "first application data" + size(e.Len)
	case decode.EvEarlyData:
		return "early data (0-RTT)" + size(e.Len)
	case decode.EvHeartbeat:
		return "Heartbeat" + size(e.Len)
	case decode.EvUnknownRecord:
		return "record of unknown type " + strconv.Itoa(int(e.Code)) + size(e.Len)
	case decode.EvPlaintext:
		return "plaintext" + size(e.Len)
	case decode.EvStartTLS:
		return "STARTTLS accepted"
	case decode.EvGap:
		if e.Len < 0 {
			return "gap in the capture: bytes missing"
		}
		return "gap in the capture: " + strconv.Itoa(int(e.Len)) + " bytes missing"
	case decode.EvSSLv2Hello:
		return "SSLv2 ClientHello" + size(e.Len)
	case decode.EvSSLv2:
		switch e.Code {
		case tlswire.SSLv2ServerHelloType:
			return "SSLv2 SERVER-HELLO" + size(e.Len)
		case tlswire.SSLv2ClientMasterKey:
			return "SSLv2 CLIENT-MASTER-KEY" + size(e.Len)
		case 3:
			return "SSLv2 CLIENT-FINISHED (encrypted)" + size(e.Len)
		}
		return "SSLv2 encrypted record from " + e.Dir.String() + size(e.Len)
	case decode.EvRetransmit:
		n := ""
		if e.Len > 0 {
			n = " (" + strconv.Itoa(int(e.Len)) + " B segment)"
		}
		return "retransmission from " + e.Dir.String() + n // a TCP segment's length, not a message's
	}
	return "event " + strconv.Itoa(int(e.Kind))
}

func size(n int32) string {
	if n <= 0 {
		return ""
	}
	return " (" + strconv.Itoa(int(n)) + " B)"
}

// codes names a list of code points, GREASE as GREASE.
func codes(vs []uint16, name func(uint16) string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = name(v)
	}
	return out
}

// printable routes raw packet strings through model.Printable.
func printable(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = model.Printable(s)
	}
	return out
}

var pskModes = map[uint8]string{0: "psk_ke", 1: "psk_dhe_ke"}

func pskModeNames(ms []uint8) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		if n, ok := pskModes[m]; ok {
			out[i] = n
		} else {
			out[i] = strconv.Itoa(int(m))
		}
	}
	return out
}

func compressionNames(cs []uint8) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		switch c {
		case 0:
			out[i] = "null"
		case 1:
			out[i] = "DEFLATE"
		default:
			out[i] = strconv.Itoa(int(c))
		}
	}
	return out
}
