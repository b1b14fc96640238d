package model

import (
	"strconv"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// NetworkReport is each side as the network saw it (JSON "network").
type NetworkReport struct {
	Client *NetSideReport `json:"client"`
	Server *NetSideReport `json:"server"`
}

// NetSideReport is one side: IP TTL and the TCP options of its SYN or
// SYN-ACK. Options are null when that side's SYN was not captured.
type NetSideReport struct {
	From          string `json:"from"` // "syn" (its SYN or SYN-ACK) or "first_packet"
	IPVersion     int    `json:"ip_version"`
	TTL           int    `json:"ttl"`         // IPv4 TTL or IPv6 hop limit as captured
	InitialTTL    int    `json:"initial_ttl"` // the usual start value at or above it (32, 64, 128, 255): inference
	Hops          int    `json:"hops"`        // initial_ttl - ttl
	DF            *bool  `json:"df"`          // null for IPv6 (no such bit)
	MSS           *int   `json:"mss"`
	WindowScale   *int   `json:"window_scale"`
	SACKPermitted *bool  `json:"sack_permitted"`
	Timestamps    *bool  `json:"timestamps"`
}

// InitialTTL is the usual initial TTL a seen TTL most likely started from:
// the next of 32, 64, 128, 255 at or above it. Stacks start at one of
// these, so the difference is the routers passed (an inference: a host
// may be configured otherwise).
func InitialTTL(seen uint8) (initial, hops int) {
	for _, i := range [...]int{32, 64, 128, 255} {
		if int(seen) <= i {
			return i, i - int(seen)
		}
	}
	return 255, 0
}

// Network builds the "network" object from a flow's facts.
func Network(f *decode.Flow) NetworkReport {
	return NetworkReport{
		Client: netSideReport(f.TCP.Net[decode.FromClient], f.TCP.MSS[decode.FromClient]),
		Server: netSideReport(f.TCP.Net[decode.FromServer], f.TCP.MSS[decode.FromServer]),
	}
}

func netSideReport(n decode.NetSide, mss uint16) *NetSideReport {
	if !n.Has(decode.NetSeen) {
		return nil
	}
	r := &NetSideReport{From: "first_packet", IPVersion: 4, TTL: int(n.TTL)}
	r.InitialTTL, r.Hops = InitialTTL(n.TTL)
	if n.Has(decode.NetIPv6) {
		r.IPVersion = 6
	} else {
		r.DF = ptr(n.Has(decode.NetDF))
	}
	if n.Has(decode.NetFromSYN) {
		r.From = "syn"
		if mss > 0 {
			r.MSS = ptr(int(mss))
		}
		if n.Has(decode.NetWScale) {
			r.WindowScale = ptr(int(n.WScale))
		}
		r.SACKPermitted = ptr(n.Has(decode.NetSACK))
		r.Timestamps = ptr(n.Has(decode.NetTimestamps))
	}
	return r
}

func ptr[T any](v T) *T { return &v }

// TimingsReport is the JSON form of Timings, in milliseconds; null = not seen.
type TimingsReport struct {
	SYNToSYNACK       *float64 `json:"syn_to_syn_ack_ms"`
	HelloToHello      *float64 `json:"client_hello_to_server_hello_ms"`
	ServerFlightToCli *float64 `json:"server_flight_to_client_ms"`
	FirstAppData      *float64 `json:"first_app_data_ms"`
	CloseWait         *float64 `json:"close_wait_ms"`
	ClosedBy          *string  `json:"closed_by"`
}

func timingsReport(t Timings) TimingsReport {
	r := TimingsReport{
		SYNToSYNACK: t.NetworkRTT.ms(), HelloToHello: t.ServerThink.ms(), ServerFlightToCli: t.ClientAnswer.ms(),
		FirstAppData: t.FirstAppData.ms(), CloseWait: t.CloseWait.ms(),
	}
	if t.CloseWait.Known {
		r.ClosedBy = ptr(t.CloseBy.String())
	}
	return r
}

func (p Phase) ms() *float64 {
	if !p.Known {
		return nil
	}
	return ptr(float64(p.NS) / 1e6)
}

// appendNetwork and appendTimings write what encoding/json writes for
// NetworkReport and TimingsReport (TestAppendFlowMatchesEncodingJSON).
func appendNetwork(b []byte, n NetworkReport) []byte {
	b = append(b, `{"client":`...)
	b = appendNetSide(b, n.Client)
	b = append(b, `,"server":`...)
	b = appendNetSide(b, n.Server)
	return append(b, '}')
}

func appendNetSide(b []byte, s *NetSideReport) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"from":`...)
	b = appendString(b, s.From)
	b = appendKeyInt(b, "ip_version", int64(s.IPVersion))
	b = appendKeyInt(b, "ttl", int64(s.TTL))
	b = appendKeyInt(b, "initial_ttl", int64(s.InitialTTL))
	b = appendKeyInt(b, "hops", int64(s.Hops))
	b = appendOptionalBool(appendKey(b, "df"), s.DF)
	b = appendOptionalInt(appendKey(b, "mss"), s.MSS)
	b = appendOptionalInt(appendKey(b, "window_scale"), s.WindowScale)
	b = appendOptionalBool(appendKey(b, "sack_permitted"), s.SACKPermitted)
	b = appendOptionalBool(appendKey(b, "timestamps"), s.Timestamps)
	return append(b, '}')
}

func appendTimings(b []byte, t TimingsReport) []byte {
	b = append(b, `{"syn_to_syn_ack_ms":`...)
	b = appendOptionalFloat(b, t.SYNToSYNACK)
	b = appendOptionalFloat(appendKey(b, "client_hello_to_server_hello_ms"), t.HelloToHello)
	b = appendOptionalFloat(appendKey(b, "server_flight_to_client_ms"), t.ServerFlightToCli)
	b = appendOptionalFloat(appendKey(b, "first_app_data_ms"), t.FirstAppData)
	b = appendOptionalFloat(appendKey(b, "close_wait_ms"), t.CloseWait)
	b = appendKey(b, "closed_by")
	if t.ClosedBy == nil {
		return append(b, "null}"...)
	}
	return append(appendString(b, *t.ClosedBy), '}')
}

func appendOptionalBool(b []byte, v *bool) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendBool(b, *v)
}

func appendOptionalInt(b []byte, v *int) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*v), 10)
}

func appendOptionalFloat(b []byte, v *float64) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return appendFloat(b, *v)
}
