package model

import "github.com/pcapsurgery/pcapsurgery/decode"

// NetworkReport is each side as the network saw it (JSON "network").
type NetworkReport struct {
	Client *NetSideReport `json:"client"`
	Server *NetSideReport `json:"server"`
}

// NetSideReport is one side: IP TTL and the TCP options of its SYN or
// SYN-ACK. Options are null when that side's SYN was not captured.
type NetSideReport struct {
	From          string         `json:"from"` // "syn" (its SYN or SYN-ACK) or "first_packet"
	IPVersion     int            `json:"ip_version"`
	TTL           int            `json:"ttl"`         // IPv4 TTL or IPv6 hop limit as captured
	InitialTTL    int            `json:"initial_ttl"` // the usual start value at or above it (32, 64, 128, 255): inference
	Hops          int            `json:"hops"`        // initial_ttl - ttl
	DF            *bool          `json:"df"`          // null for IPv6 (no such bit)
	MSS           *int           `json:"mss"`
	WindowScale   *int           `json:"window_scale"`
	SACKPermitted *bool          `json:"sack_permitted"`
	Timestamps    *bool          `json:"timestamps"`
	Segments      SegmentsReport `json:"segments"`
}

// SegmentsReport is one side's payload segment sizes (for path MTU black
// holes): the largest captured, the largest the peer is known to have
// acknowledged (a lower bound), the largest resent and never acknowledged,
// how many were resent, and whether a hole in its bytes was never
// acknowledged by the peer (the path lost them, not the capture).
type SegmentsReport struct {
	Max            int  `json:"max"`
	MaxAcked       int  `json:"max_acked"`
	UnackedResent  int  `json:"max_unacked_resent"`
	Resent         int  `json:"resent"`
	HoleNeverAcked bool `json:"hole_never_acked"`
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
		Client: netSideReport(f.TCP.Net[decode.FromClient], f.TCP.MSS[decode.FromClient], f.TCP.Sizes[decode.FromClient]),
		Server: netSideReport(f.TCP.Net[decode.FromServer], f.TCP.MSS[decode.FromServer], f.TCP.Sizes[decode.FromServer]),
	}
}

func netSideReport(n decode.NetSide, mss uint16, z decode.SegSizes) *NetSideReport {
	if !n.Has(decode.NetSeen) {
		return nil
	}
	r := &NetSideReport{From: "first_packet", IPVersion: 4, TTL: int(n.TTL), Segments: SegmentsReport{
		Max: int(z.Max), MaxAcked: int(z.MaxAcked), UnackedResent: int(z.UnackedRetrans), Resent: int(z.Resent), HoleNeverAcked: z.GapUnacked}}
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
