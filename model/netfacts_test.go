package model

import (
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

func TestInitialTTL(t *testing.T) {
	for _, tt := range []struct{ seen, initial, hops int }{
		{64, 64, 0}, {52, 64, 12}, {117, 128, 11}, {240, 255, 15}, {30, 32, 2}, {33, 64, 31}, {255, 255, 0}, {1, 32, 31},
	} {
		if i, h := InitialTTL(uint8(tt.seen)); i != tt.initial || h != tt.hops {
			t.Errorf("InitialTTL(%d) = %d, %d hops; want %d, %d", tt.seen, i, h, tt.initial, tt.hops)
		}
	}
}

// ms is a phase in milliseconds rounded to the capture's microseconds, or -1
// when not seen.
func ms(p Phase) float64 {
	if !p.Known {
		return -1
	}
	return float64(p.NS/1000) / 1000
}

// TestNetworkAndPhasesOnRealCaptures: what a user reads of each side and
// of each phase, checked against tshark on the same packets (ip.ttl,
// ipv6.hlim, tcp.options.mss_val, tcp.options.wscale.shift,
// tcp.time_relative).
func TestNetworkAndPhasesOnRealCaptures(t *testing.T) {
	type side struct {
		ipv, ttl, hops, mss, wscale int
		df                          bool
	}
	for _, tt := range []struct {
		file                             string
		client, server                   side
		rtt, think, answer, data, waited float64
		closer                           string
	}{
		// Go client, Go server with a small MSS: the ServerHello 6.641 ms after the ClientHello.
		{"tls13-go-h2-3seg.pcap", side{4, 64, 0, 1460, 10, true}, side{4, 64, 0, 600, 10, true},
			0.109, 6.641, 1.550, 15.682, 0.158, "server"},
		// IPv6: a hop limit, no DF.
		{"ipv6.pcap", side{6, 64, 0, 1440, 10, false}, side{6, 64, 0, 1440, 10, false},
			0.069, 0.459, 5.869, 12.543, 536.223, "client"},
		// A real slow server (tlsgo -think 4800ms): the ServerHello 4.806 s after the ClientHello.
		{"slow-server.pcap", side{4, 64, 0, 1460, 10, true}, side{4, 64, 0, 1460, 10, true},
			0.061, 4805.956, 0.862, 4807.945, 0.138, "client"},
		// The server never answers the ClientHello: the client gives up 2.98 s after the server's ACK.
		{"silent-server.pcap", side{4, 64, 0, 1460, 10, true}, side{4, 64, 0, 1460, 10, true},
			0.039, -1, -1, -1, 2981.679, "client"},
	} {
		l := loadWith(t, "../testdata/captures/"+tt.file, NewLoader)
		f := l.Flows()[0]
		n := Network(f.Flow)
		for i, want := range []side{tt.client, tt.server} {
			got := []*NetSideReport{n.Client, n.Server}[i]
			if got == nil || got.From != "syn" || got.IPVersion != want.ipv || got.TTL != want.ttl || got.Hops != want.hops ||
				got.MSS == nil || *got.MSS != want.mss || got.WindowScale == nil || *got.WindowScale != want.wscale ||
				(got.DF == nil) != (want.ipv == 6) || (got.DF != nil && *got.DF != want.df) {
				t.Errorf("%s side %d: %+v, want %+v", tt.file, i, got, want)
			}
		}
		p := PhaseTimings(f.Flow)
		if got := [...]float64{ms(p.NetworkRTT), ms(p.ServerThink), ms(p.ClientAnswer), ms(p.FirstAppData), ms(p.CloseWait)}; got !=
			[...]float64{tt.rtt, tt.think, tt.answer, tt.data, tt.waited} {
			t.Errorf("%s phases (rtt, think, answer, data, waited) = %v, want %v", tt.file, got,
				[...]float64{tt.rtt, tt.think, tt.answer, tt.data, tt.waited})
		}
		if p.CloseBy.String() != tt.closer {
			t.Errorf("%s: closed by the %s, want the %s", tt.file, p.CloseBy, tt.closer)
		}
	}
}

// TestMidstreamSidesFromFirstPacket: without SYNs the TTL comes from each
// side's first packet and the options are unknown, not zero.
func TestMidstreamSidesFromFirstPacket(t *testing.T) {
	f := loadWith(t, "../testdata/captures/midstream.pcap", NewLoader).Flows()[0]
	n := Network(f.Flow)
	for _, s := range []*NetSideReport{n.Client, n.Server} {
		if s == nil || s.From != "first_packet" || s.TTL != 64 || s.MSS != nil || s.WindowScale != nil || s.SACKPermitted != nil || s.Timestamps != nil {
			t.Errorf("midstream side %+v, want TTL 64 from its first packet and no options", s)
		}
	}
	if p := PhaseTimings(f.Flow); p.NetworkRTT.Known || p.FirstAppData.Known {
		t.Errorf("midstream: round trip or first data known without the connection's start: %+v", p)
	}
}

// delayed is a real flow with its timeline stretched: every event from the
// first of kind (from the server) on happens later by d.
func delayed(f decode.Flow, kind decode.EventKind, code uint16, d time.Duration) decode.Flow {
	events := f.Timeline.Events()
	on := false
	for i, e := range events {
		on = on || e.Dir == decode.FromServer && e.Kind == kind && e.Code == code
		if on {
			events[i].At += int64(d)
		}
	}
	f.Timeline = decode.MakeTimeline(events...)
	f.Last = f.Last.Add(d)
	return f
}

// TestSlowServerIsNamed: a server that takes seconds to answer the
// ClientHello over a fast network is named with both times; a slow network
// or a short wait is not called a slow server.
func TestSlowServerIsNamed(t *testing.T) {
	f := loadWith(t, "../testdata/captures/slow-server.pcap", NewLoader).Flows()[0]
	if want := "the server took 4.8s to answer the ClientHello (network round trip 61µs)"; !strings.Contains(f.Diagnosis, want) || f.Outcome != OK {
		t.Errorf("slow-server.pcap: %s %q, want OK with %q", f.Outcome, f.Diagnosis, want)
	}
	real := *loadWith(t, "../testdata/captures/tls13-go-h2-3seg.pcap", NewLoader).Flows()[0].Flow
	if v := Classify(&real); strings.Contains(v.Diagnosis, "to answer the ClientHello") {
		t.Fatalf("a 6.6 ms answer called slow: %q", v.Diagnosis)
	}
	slow := delayed(real, decode.EvHandshake, tlswire.ServerHelloType, 4800*time.Millisecond)
	v := Classify(&slow)
	if want := "the server took 4.8s to answer the ClientHello (network round trip 109µs)"; !strings.Contains(v.Diagnosis, want) || v.Outcome != OK {
		t.Errorf("4.8 s server: %s %q, want OK with %q", v.Outcome, v.Diagnosis, want)
	}
	short := delayed(real, decode.EvHandshake, tlswire.ServerHelloType, 900*time.Millisecond)
	farAway := delayed(delayed(real, decode.EvSYNACK, 0, 500*time.Millisecond), decode.EvHandshake, tlswire.ServerHelloType, 1500*time.Millisecond)
	for name, f := range map[string]decode.Flow{"0.9 s answer": short, "1.5 s answer over a 0.5 s round trip": farAway} {
		if v := Classify(&f); strings.Contains(v.Diagnosis, "to answer the ClientHello") {
			t.Errorf("%s called a slow server: %q", name, v.Diagnosis)
		}
	}
}
