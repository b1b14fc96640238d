package model

import (
	"fmt"
	"net/netip"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
)

// pqKeyShare names the first post-quantum (ML-KEM) key share a ClientHello
// carries: their 1-1.6 KB made ClientHellos larger than one segment.
func pqKeyShare(ch *decode.ClientHello) (string, bool) {
	for _, g := range ch.KeyShares {
		switch g {
		case 0x0200, 0x0201, 0x0202, // MLKEM512, MLKEM768, MLKEM1024
			0x11eb, 0x11ec, 0x11ed, // SecP256r1MLKEM768, X25519MLKEM768, SecP384r1MLKEM1024
			0x6399, 0x639a: // X25519Kyber768Draft00, SecP256r1Kyber768Draft00
			return registry.Group(g), true
		}
	}
	return "", false
}

// helloKeyShareWords is what a post-quantum key share adds to the
// ClientHello's size and segments in a diagnosis.
func helloKeyShareWords(f *decode.Flow) string {
	if ch := f.TLS.ClientHello; ch != nil {
		if g, ok := pqKeyShare(ch); ok {
			return ", " + g + " key share offered"
		}
	}
	return ""
}

// helloAckedBytes is how much of the client's stream up to the end of its
// ClientHello the server acknowledged (record headers and any bytes before
// the hello count); ok is false when the capture cannot tell (no SYN).
func helloAckedBytes(t *decode.TLSFacts) (int, bool) {
	end := t.ClientHelloEnd
	switch {
	case end == 0:
		return 0, false
	case t.ClientHelloAcked:
		return int(end), true
	}
	return int(max(min(t.ClientAckedBytes, end), 0)), true
}

// helloAckWords says how much of a split ClientHello the server
// acknowledged ("" when the capture cannot tell: no SYN, or all of it).
func helloAckWords(f *decode.Flow) string {
	t := f.TLS
	acked, ok := helloAckedBytes(t)
	switch end := int(t.ClientHelloEnd); {
	case !ok || t.ClientHelloSegments < 2:
		return ""
	case acked == 0:
		return "; the server's cumulative ACK covers none of it (SACK blocks are not read)"
	case acked < end:
		return fmt.Sprintf("; the server's cumulative ACK covers only its first %d of %d bytes (SACK blocks are not read)", acked, end)
	}
	return ""
}

// splitHelloNotes is the cross-flow pass for split ClientHellos, run once
// all flows are known: a ClientHello over several segments that the server
// never answered, while another flow to the same server had a one-segment
// ClientHello answered and no flow there had a split one answered, says a
// middlebox on the path drops split ClientHellos. One pass over the flows,
// indexed by server; returns flow ID -> sentence.
func splitHelloNotes(flows []*decode.Flow) map[int]string {
	type served struct {
		oneSeg      int // ID of a flow whose one-segment hello the server answered (0 = none)
		oneSegLen   int32
		splitWorked bool
	}
	var byServer map[netip.AddrPort]*served
	var suspects []*decode.Flow
	for _, f := range flows {
		t := f.TLS
		if t.ClientHello == nil {
			continue
		}
		answered := t.ServerHello != nil || t.HelloRetry != nil
		if !answered && (t.ClientHelloSegments < 2 || t.ClientHelloAcked) {
			continue
		}
		if !answered {
			suspects = append(suspects, f)
			continue
		}
		if byServer == nil {
			byServer = map[netip.AddrPort]*served{}
		}
		s := byServer[f.Server]
		if s == nil {
			s = &served{}
			byServer[f.Server] = s
		}
		if t.ClientHelloSegments > 1 {
			s.splitWorked = true
		} else if s.oneSeg == 0 {
			s.oneSeg, s.oneSegLen = f.ID, t.ClientHelloLen
		}
	}
	var notes map[int]string
	for _, f := range suspects {
		s := byServer[f.Server]
		if s == nil || s.oneSeg == 0 || s.splitWorked {
			continue
		}
		if notes == nil {
			notes = map[int]string{}
		}
		notes[f.ID] = fmt.Sprintf("a middlebox on the path likely drops ClientHellos split over segments; the server never saw it complete (flow %d to the same server sent its %d-byte ClientHello in one segment and was answered)",
			s.oneSeg, s.oneSegLen)
	}
	return notes
}

// withCrossNote is Classify plus what other flows say about this one.
func withCrossNote(df *decode.Flow, notes map[int]string) Verdict {
	v := Classify(df)
	if n, ok := notes[df.ID]; ok && v.Stage == StageClientHello && (v.Outcome == NoServerHello || v.Outcome == Reset) {
		v.Diagnosis += "; " + n
	}
	return v
}
