package main

import (
	"crypto/tls"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

// synackTwoISNs: flow 1, a server (or two load-balanced ones) answers the
// SYN twice with different ISNs and the client acknowledges the second; its
// data counts from that ISN. Flow 2: the client acknowledges the first SYN-ACK,
// a stray second one follows; the first stays the anchor.
func synackTwoISNs() []synth.Frame {
	cert, _ := synth.Cert(start, "isn.edge.test")
	a := conn(1, "192.0.2.10:%d")
	a.Append(a.Segment(true, synth.SYN, 999, nil))
	a.Append(a.Segment(false, synth.SYN|synth.ACK, 0x6b8b4567, nil))
	a.Append(a.Segment(false, synth.SYN|synth.ACK, 4999, nil))
	a.Append(a.Segment(true, synth.ACK, 1000, nil)) // acknowledges 4999+1
	exchange(a, transcript("isn.edge.test", 0, cert))

	b := conn(2, "192.0.2.10:%d")
	b.Append(b.Segment(true, synth.SYN, 999, nil))
	b.Append(b.Segment(false, synth.SYN|synth.ACK, 4999, nil))
	b.Append(b.Segment(true, synth.ACK, 1000, nil))
	b.Append(b.Segment(false, synth.SYN|synth.ACK, 0x2f1d0c11, nil))
	exchange(b, transcript("isn2.edge.test", 0, cert))
	return merge(a, b)
}

// bigCertificate: a real TLS 1.2 handshake whose Certificate message is
// grown to 340 KB (the leaf repeated) and cut into 16 KB records, as a
// server with a huge chain would send it. The client's flight is the one the
// real client sent for the small chain: only the server's bytes are edited.
func bigCertificate() []synth.Frame {
	cert, _ := synth.Cert(start, "big.edge.test")
	chunks := transcript("big.edge.test", tls.VersionTLS12, cert)
	for i, ch := range chunks {
		if !ch.FromClient {
			chunks[i].Data = inflateCertificate(ch.Data, cert.Certificate[0], 340<<10)
			break
		}
	}
	c := conn(1, "192.0.2.10:%d").Handshake()
	exchange(c, chunks)
	return c.Frames
}

// inflateCertificate rewrites the handshake records at the start of a
// server flight, replacing the Certificate message's list by copies of der
// until it holds at least size bytes.
func inflateCertificate(flight, der []byte, size int) []byte {
	var hs []byte
	rest := flight
	for len(rest) >= 5 && rest[0] == 22 {
		n := int(rest[3])<<8 | int(rest[4])
		hs = append(hs, rest[5:5+n]...)
		rest = rest[5+n:]
	}
	var msgs []byte
	for len(hs) >= 4 {
		n := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
		msg := hs[:4+n]
		hs = hs[4+n:]
		if msg[0] == 11 {
			var list []byte
			for len(list) < size {
				list = append(append(list, u24(len(der))...), der...)
			}
			msg = hsMsg(11, append(u24(len(list)), list...))
		}
		msgs = append(msgs, msg...)
	}
	return append(records(22, 0x0303, msgs), rest...)
}
