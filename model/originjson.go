package model

import (
	"strconv"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// appendCloseOrigin writes what encoding/json writes for the report's
// close_origin (TestAppendFlowMatchesEncodingJSON).
func appendCloseOrigin(b []byte, f *decode.Flow, out Outcome) []byte {
	o, ok := closeOrigin(f, out)
	if !ok {
		return append(b, "null"...)
	}
	b = append(b, `{"kind":`...)
	b = appendString(b, o.Kind)
	b = appendKeyString(b, "from", o.From)
	b = appendKeyString(b, "verdict", o.Verdict)
	b = appendKeyInt(b, "ttl", int64(o.TTL))
	b = appendKeyInt(b, "side_ttl_min", int64(o.SideTTLMin))
	b = appendKeyInt(b, "side_ttl_max", int64(o.SideTTLMax))
	b = appendOptInt(appendKey(b, "device_hops"), o.DeviceHops)
	b = appendOptInt(appendKey(b, "ip_id"), o.IPID)
	b = appendOptInt(appendKey(b, "ip_id_step"), o.IPIDStep)
	b = appendOptInt(appendKey(b, "packets_after"), o.After)
	b = appendOptInt(appendKey(b, "seq_offset"), o.SeqOffset)
	return append(b, '}')
}

func appendOptInt(b []byte, v *int) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*v), 10)
}
