package model

import (
	"fmt"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// Path MTU black holes: a hop with a smaller MTU drops the server's
// full-size packets (DF set, so it may not fragment them) and the ICMP
// "fragmentation needed" that would tell the server never arrives, so
// small packets get through and large ones never do. What the capture
// can show depends on where it was taken:
//   - at the sender (or before the hop): the large segments resent again
//     and again, never acknowledged, while smaller ones were;
//   - at the receiver (after the hop): a stretch of the server's bytes
//     missing, which the receiver's ACKs never pass (so the path lost it,
//     not the capture), while smaller segments after it arrived.

// minBlackHoleSegment is the smallest segment read as "large": below it a
// loss is more likely congestion or a filter than an MTU (IPv4's minimum
// reassembly size is 576).
const minBlackHoleSegment = 576

// headerBytes is roughly what IP and TCP add to a payload (timestamps on).
func headerBytes(f *decode.Flow) int {
	n := 40 // IPv4 20 + TCP 20
	if f.TCP.Net[server].Has(decode.NetIPv6) {
		n = 60
	}
	if f.TCP.Net[client].Has(decode.NetTimestamps) && f.TCP.Net[server].Has(decode.NetTimestamps) {
		n += 12
	}
	return n
}

// dfNote is ", DF set" when the sender forbade fragmentation (IPv6 always does).
func dfSet(f *decode.Flow, d decode.Dir) bool {
	n := f.TCP.Net[d]
	return n.Has(decode.NetIPv6) || n.Has(decode.NetDF)
}

func mssWords(f *decode.Flow) string {
	m := func(d decode.Dir) string {
		if v := f.TCP.MSS[d]; v > 0 {
			return fmt.Sprint(v)
		}
		return "not seen"
	}
	return fmt.Sprintf("MSS announced: client %s, server %s", m(client), m(server))
}

// blackHoleAtSender rewrites a failed flow's diagnosis when the server's
// large segments were resent and never acknowledged while its path
// carried smaller packets ("" when that is not what the flow shows).
func blackHoleAtSender(f *decode.Flow, v Verdict) string {
	z := f.TCP.Sizes[server]
	big := int(z.UnackedRetrans)
	if v.Outcome == OK || v.Outcome == Resumed || v.Outcome == Alert || big < minBlackHoleSegment ||
		z.Resent < 2 || z.UnackedRetrans <= z.MaxAcked || !dfSet(f, server) || !f.TLS.ClientHelloAcked {
		return ""
	}
	h := headerBytes(f)
	seen := fmt.Sprintf("the server's %d-byte segments (packets of about %d bytes, DF set) were resent %d times and never acknowledged", big, big+h, z.Resent)
	limit := "packets of about " + fmt.Sprint(big+h) + " bytes"
	if z.MaxAcked > 0 {
		seen += fmt.Sprintf(", while its segments of up to %d bytes were", z.MaxAcked)
		limit = fmt.Sprintf("packets above about %d bytes", int(z.MaxAcked)+h)
	} else {
		seen += " (the client's ACKs stop before them), while its small packets and the client's ClientHello got through"
	}
	seen += "; " + mssWords(f)
	where := ""
	if _, hops := InitialTTL(f.TCP.Net[server].TTL); hops == 0 {
		where = "; captured at the server, the capture shows them leaving, not where they were lost"
	}
	return fmt.Sprintf("%s: likely %s do not arrive: path MTU black hole (ICMP fragmentation-needed blocked?)%s%s",
		seen, limit, where, closeWords(f))
}

// blackHoleAtReceiver reads a hole in the server's bytes that the client
// never acknowledged (so the path, not the capture, lost them), larger than
// any server segment that did arrive, as a black hole.
func blackHoleAtReceiver(f *decode.Flow) (Verdict, bool) {
	z, gap := f.TCP.Sizes[server], f.TCP.Gap[server]
	if gap < minBlackHoleSegment || !z.GapUnacked || gap <= int64(z.Max) || f.TCP.Uncaptured[server] > 0 ||
		f.TLS.ClientHello == nil || !f.TLS.ClientHelloAcked || !dfSet(f, server) {
		return Verdict{}, false
	}
	h := headerBytes(f)
	lost := int(gap) // the server cut its bytes to the client's MSS: the lost packets were at most that
	if mss := int(f.TCP.MSS[client]); mss > 0 {
		lost = min(lost, mss+40-h)
	}
	seen := fmt.Sprintf("%d bytes of the server's answer never reached the client: its ACKs stop before them, while later server segments of up to %d bytes (packets of about %d bytes, DF set) arrived; %s",
		gap, z.Max, int(z.Max)+h, mssWords(f))
	where := ""
	if _, hops := InitialTTL(f.TCP.Net[client].TTL); hops == 0 {
		where = "; captured at the client, the capture cannot show the server resending them"
	}
	v := Verdict{Outcome: NoServerHello, Stage: StageClientHello, Who: "server",
		Diagnosis: fmt.Sprintf("%s: likely packets above about %d bytes do not arrive (the limit lies between the %d-byte packets that arrived and full %d-byte ones): path MTU black hole (ICMP fragmentation-needed blocked?)%s%s",
			seen, int(z.Max)+h, int(z.Max)+h, lost+h, where, closeWords(f))}
	if f.TLS.ServerHello != nil {
		v.Outcome, v.Stage = Partial, stageAfter(f)
	}
	return v, true
}

// closeWords says who ended the connection, and when.
func closeWords(f *decode.Flow) string {
	e, ok := firstClose(f)
	if !ok {
		return "; the capture ends with the connection still open"
	}
	how := "closed the connection (FIN)"
	if e.Kind == decode.EvRST {
		how = "reset the connection (RST)"
	}
	return fmt.Sprintf("; the %s %s %s after the ClientHello", e.Dir, how, roundDur(e.Time().Sub(clientHelloTime(f))))
}
