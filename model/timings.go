package model

import (
	"fmt"
	"math"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// Timings are the phases of a flow's handshake, in nanoseconds, measured at
// the capture point; a phase not seen is not known (never 0).
type Timings struct {
	// NetworkRTT: the last SYN before the SYN-ACK to the SYN-ACK (the
	// network round trip as seen from the capture point; exact on the client).
	NetworkRTT Phase
	// ServerThink: the ClientHello complete to the server's answer
	// (ServerHello or HelloRetryRequest).
	ServerThink Phase
	// ClientAnswer: the server's last handshake record before the client
	// answered to the client's first record after the ServerHello (its key
	// exchange, Finished, or an alert).
	ClientAnswer Phase
	// FirstAppData: the flow's first packet to the first application data
	// record either way (not known when the capture starts mid-connection).
	FirstAppData Phase
	// CloseWait: how long the side that closed first (FIN or RST) had heard
	// nothing from its peer; CloseBy says which side that was.
	CloseWait Phase
	CloseBy   decode.Dir
}

// Phase is one duration, or not known.
type Phase struct {
	NS    int64
	Known bool
}

func phase(from, to int64) Phase {
	if from == math.MinInt64 || from == math.MaxInt64 || to == math.MinInt64 || to == math.MaxInt64 || to < from {
		return Phase{} // outside 1678-2262 or out of order: no duration rather than a wrong one
	}
	return Phase{NS: to - from, Known: true}
}

// PhaseTimings reads a flow's phases from its timeline and TCP facts.
func PhaseTimings(f *decode.Flow) Timings {
	var t Timings
	const none = math.MinInt64
	syn, ch, sh, serverLast := int64(none), int64(none), int64(none), int64(none)
	synack, answered, data := false, false, false
	for _, e := range f.Events {
		switch {
		case e.Kind == decode.EvSYN && e.Dir == decode.FromClient && !synack:
			syn = e.At
		case e.Kind == decode.EvSYNACK && e.Dir == decode.FromServer && !synack:
			synack = true
			if syn != none {
				t.NetworkRTT = phase(syn, e.At)
			}
		case e.Kind == decode.EvHandshake && e.Dir == decode.FromClient && e.Code == tlswire.ClientHelloType && ch == none:
			ch = e.At
		case (e.Kind == decode.EvHandshake && e.Code == tlswire.ServerHelloType || e.Kind == decode.EvHelloRetry) &&
			e.Dir == decode.FromServer && sh == none && ch != none:
			sh, serverLast = e.At, e.At
			t.ServerThink = phase(ch, e.At)
		case e.Kind == decode.EvAppData && !data:
			data = true
			if d := e.Time().Sub(f.First); !f.TCP.MidStream && e.TimeKnown() && d >= 0 && d != math.MaxInt64 {
				t.FirstAppData = Phase{NS: int64(d), Known: true}
			}
		}
		if sh == none || answered || e.At < sh {
			continue
		}
		switch e.Kind {
		case decode.EvHandshake, decode.EvEncryptedHandshake, decode.EvChangeCipherSpec, decode.EvAlert, decode.EvEncryptedAlert:
			if e.Dir == decode.FromServer {
				serverLast = e.At
			} else {
				answered = true
				t.ClientAnswer = phase(serverLast, e.At)
			}
		}
	}
	if f.TCP.CloseWaitKnown {
		t.CloseWait = Phase{NS: f.TCP.CloseWait, Known: true}
		t.CloseBy = f.TCP.CloseBy
	}
	return t
}

// slowServerNote names a server whose think time dominates the handshake:
// over a second and over ten network round trips between its ClientHello
// and its answer. Both are measured, so it is stated, not inferred.
func slowServerNote(f *decode.Flow) string {
	t := PhaseTimings(f)
	if !t.ServerThink.Known || !t.NetworkRTT.Known {
		return ""
	}
	think, rtt := time.Duration(t.ServerThink.NS), time.Duration(t.NetworkRTT.NS)
	if think <= time.Second || think <= 10*rtt {
		return ""
	}
	return fmt.Sprintf("the server took %s to answer the ClientHello (network round trip %s)", roundDur(think), roundDur(rtt))
}
