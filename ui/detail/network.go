package detail

import (
	"fmt"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/flowlist"
)

// network shows each side as the network saw it (TTL, DF, SYN options) and
// how long each phase of the handshake took; what was not seen says so.
func (r *renderer) network(f *model.Flow) {
	r.section("Network")
	n := model.Network(f.Flow)
	r.add(kv("client", []string{netSide(n.Client)}, r.w)...)
	r.add(kv("server", []string{netSide(n.Server)}, r.w)...)
	t := model.PhaseTimings(f.Flow)
	r.add(kv("network RTT", []string{phaseText(t.NetworkRTT, "SYN -> SYN-ACK")}, r.w)...)
	r.add(kv("server answer", []string{phaseText(t.ServerThink, "ClientHello -> ServerHello")}, r.w)...)
	r.add(kv("client answer", []string{phaseText(t.ClientAnswer, "server flight -> client's next flight")}, r.w)...)
	r.add(kv("first app data", []string{phaseText(t.FirstAppData, "first packet -> first application data")}, r.w)...)
	wait := "not seen"
	if t.CloseWait.Known {
		wait = fmt.Sprintf("%s (the %s closed first, after the %s's last packet)", dur(t.CloseWait.NS), t.CloseBy, t.CloseBy.Other())
	}
	r.add(kv("close wait", []string{wait}, r.w)...)
}

func netSide(s *model.NetSideReport) string {
	if s == nil {
		return "not seen"
	}
	var b strings.Builder
	label := "TTL"
	if s.IPVersion == 6 {
		label = "hop limit"
	}
	fmt.Fprintf(&b, "%s %d (%d hops from %d, likely)", label, s.TTL, s.Hops, s.InitialTTL)
	if s.DF != nil && *s.DF {
		b.WriteString(", DF")
	}
	if s.From != "syn" {
		b.WriteString(", options not seen (no SYN captured)")
		return b.String()
	}
	b.WriteString(", MSS ")
	if s.MSS != nil {
		fmt.Fprintf(&b, "%d", *s.MSS)
	} else {
		b.WriteString("not seen")
	}
	if s.WindowScale != nil {
		fmt.Fprintf(&b, ", wscale %d", *s.WindowScale)
	} else {
		b.WriteString(", no wscale")
	}
	b.WriteString(yesNo(*s.SACKPermitted, ", SACK", ", no SACK"))
	b.WriteString(yesNo(*s.Timestamps, ", timestamps", ", no timestamps"))
	return b.String()
}

func phaseText(p model.Phase, what string) string {
	if !p.Known {
		return "not seen"
	}
	return dur(p.NS) + " (" + what + ")"
}

func dur(ns int64) string { return flowlist.Duration(time.Duration(ns)) }

func yesNo(v bool, yes, no string) string {
	if v {
		return yes
	}
	return no
}
