package model

import (
	"strconv"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// appendNetwork and appendTimings write what encoding/json writes for
// Network(f) and timingsReport(PhaseTimings(f)), straight from the facts
// and without the reports' pointers (TestAppendFlowMatchesEncodingJSON).
func appendNetwork(b []byte, f *decode.Flow) []byte {
	b = append(b, `{"client":`...)
	b = appendNetSide(b, f.TCP.Net[decode.FromClient], f.TCP.MSS[decode.FromClient], f.TCP.Sizes[decode.FromClient])
	b = append(b, `,"server":`...)
	b = appendNetSide(b, f.TCP.Net[decode.FromServer], f.TCP.MSS[decode.FromServer], f.TCP.Sizes[decode.FromServer])
	return append(b, '}')
}

func appendNetSide(b []byte, n decode.NetSide, mss uint16, z decode.SegSizes) []byte {
	if !n.Has(decode.NetSeen) {
		return append(b, "null"...)
	}
	syn := n.Has(decode.NetFromSYN)
	if syn {
		b = append(b, `{"from":"syn","ip_version":`...)
	} else {
		b = append(b, `{"from":"first_packet","ip_version":`...)
	}
	v6 := n.Has(decode.NetIPv6)
	if v6 {
		b = append(b, '6')
	} else {
		b = append(b, '4')
	}
	initial, hops := InitialTTL(n.TTL)
	b = appendKeyInt(b, "ttl", int64(n.TTL))
	b = appendKeyInt(b, "initial_ttl", int64(initial))
	b = appendKeyInt(b, "hops", int64(hops))
	b = appendKey(b, "df")
	if v6 {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendBool(b, n.Has(decode.NetDF))
	}
	if !syn {
		b = append(b, `,"mss":null,"window_scale":null,"sack_permitted":null,"timestamps":null`...)
		return appendSegments(b, z)
	}
	b = appendKey(b, "mss")
	if mss > 0 {
		b = strconv.AppendInt(b, int64(mss), 10)
	} else {
		b = append(b, "null"...)
	}
	b = appendKey(b, "window_scale")
	if n.Has(decode.NetWScale) {
		b = strconv.AppendInt(b, int64(n.WScale), 10)
	} else {
		b = append(b, "null"...)
	}
	b = appendKeyBool(b, "sack_permitted", n.Has(decode.NetSACK))
	b = appendKeyBool(b, "timestamps", n.Has(decode.NetTimestamps))
	return appendSegments(b, z)
}

// appendSegments ends a side's object with its "segments".
func appendSegments(b []byte, z decode.SegSizes) []byte {
	b = strconv.AppendInt(append(b, `,"segments":{"max":`...), int64(z.Max), 10)
	b = appendKeyInt(b, "max_acked", int64(z.MaxAcked))
	b = appendKeyInt(b, "max_unacked_resent", int64(z.UnackedRetrans))
	b = appendKeyInt(b, "resent", int64(z.Resent))
	b = appendKeyBool(b, "hole_never_acked", z.GapUnacked)
	return append(b, "}}"...)
}

func appendTimings(b []byte, t Timings) []byte {
	b = appendPhase(append(b, `{"syn_to_syn_ack_ms":`...), t.NetworkRTT)
	b = appendPhase(appendKey(b, "client_hello_to_server_hello_ms"), t.ServerThink)
	b = appendPhase(appendKey(b, "server_flight_to_client_ms"), t.ClientAnswer)
	b = appendPhase(appendKey(b, "first_app_data_ms"), t.FirstAppData)
	b = appendPhase(appendKey(b, "close_wait_ms"), t.CloseWait)
	b = appendKey(b, "closed_by")
	if !t.CloseWait.Known {
		return append(b, "null}"...)
	}
	return append(appendString(b, t.CloseBy.String()), '}')
}

func appendPhase(b []byte, p Phase) []byte {
	if !p.Known {
		return append(b, "null"...)
	}
	return appendFloat(b, float64(p.NS)/1e6)
}
