package model

import (
	"fmt"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// Verdicts on who sent a close (JSON "close_origin.verdict").
const (
	OriginGenuine  = "genuine"         // its TTL (and IP ID, when comparable) match the side's other packets
	OriginInjected = "likely_injected" // a mark only a device on the path leaves: fewer hops, the side's packets after it
	OriginSuspect  = "suspect"         // a weak mark (IP ID out of sequence, odd sequence number, more hops)
)

// CloseOrigin judges whether the close that ended a flow (the alert of an
// ALERT verdict, else its first RST or FIN) came from the side it claims, by
// comparing its TTL and IP ID with that side's other packets (JSON
// "close_origin"). The tests of a RST follow Weaver, Sommer and Paxson,
// "Detecting Forged TCP Reset Packets" (NDSS 2009); a FIN or alert gets the
// TTL test only.
type CloseOrigin struct {
	Kind       string `json:"kind"` // "rst", "fin", "alert"
	From       string `json:"from"` // the side the packet claims to come from
	Verdict    string `json:"verdict"`
	TTL        int    `json:"ttl"`          // the close packet's TTL (hop limit)
	SideTTLMin int    `json:"side_ttl_min"` // the TTL range of that side's other packets
	SideTTLMax int    `json:"side_ttl_max"`
	DeviceHops *int   `json:"device_hops"`   // when the TTL says injected: hops from the capture point to the device (inference)
	IPID       *int   `json:"ip_id"`         // rst: its IPv4 ID (null when 0 or IPv6)
	IPIDStep   *int   `json:"ip_id_step"`    // rst: its ID minus the side's previous nonzero one, when the side's IDs count up
	After      *int   `json:"packets_after"` // rst: the side's packets captured after it
	SeqOffset  *int   `json:"seq_offset"`    // rst: its sequence number minus the next one the side was known to send
}

// closeOrigin finds the close to judge and judges it; ok is false when
// there is none, or nothing of its side to compare it with.
func closeOrigin(f *decode.Flow, out Outcome) (CloseOrigin, bool) {
	if a := firstFatal(f); a != nil && out == Alert {
		if m := &f.TCP.Origin[a.From]; m.Has(decode.MarkAlert) {
			return ttlOrigin(a.From, "alert", m.AlertTTL, m)
		}
		return CloseOrigin{}, false
	}
	e, ok := firstClose(f)
	if !ok {
		return CloseOrigin{}, false
	}
	m := &f.TCP.Origin[e.Dir]
	if e.Kind == decode.EvFIN {
		if !m.Has(decode.MarkFIN) {
			return CloseOrigin{}, false
		}
		return ttlOrigin(e.Dir, "fin", m.FINTTL, m)
	}
	if !m.Has(decode.MarkRST) {
		return CloseOrigin{}, false
	}
	o, ok := ttlOrigin(e.Dir, "rst", m.RSTTTL, m)
	if !ok {
		return o, false // a RST alone: nothing of that side to compare it with
	}
	if m.RSTID != 0 {
		o.IPID = ptr(int(m.RSTID))
	}
	if m.RSTID != 0 && m.Has(decode.MarkRSTIDs) && !m.Has(decode.MarkIDJump) {
		o.IPIDStep = ptr(int(m.RSTIDStep))
	}
	o.After = ptr(int(m.AfterRST))
	if m.Has(decode.MarkRSTSeq) {
		o.SeqOffset = ptr(int(m.RSTSeqOff))
	}
	switch {
	case o.Verdict == OriginInjected, m.AfterRST > 0:
		o.Verdict = OriginInjected
	case o.idOdd(), o.SeqOffset != nil && *o.SeqOffset != 0:
		o.Verdict = OriginSuspect
	}
	return o, true
}

// idOdd reports a RST whose IP ID does not follow its side's counter.
func (o *CloseOrigin) idOdd() bool {
	return o.IPIDStep != nil && (*o.IPIDStep == 0 || *o.IPIDStep > decode.MaxIDStep)
}

// ttlOrigin is the TTL test: a close whose TTL says it passed fewer routers
// than the side's other packets (or started from another initial TTL) was
// likely sent by a device between the capture point and that side.
func ttlOrigin(d decode.Dir, kind string, ttl uint8, m *decode.OriginMarks) (CloseOrigin, bool) {
	if !m.Has(decode.MarkSeen) {
		return CloseOrigin{}, false
	}
	o := CloseOrigin{Kind: kind, From: d.String(), Verdict: OriginGenuine, TTL: int(ttl),
		SideTTLMin: int(m.TTLMin), SideTTLMax: int(m.TTLMax)}
	if ttl >= m.TTLMin && ttl <= m.TTLMax {
		return o, true
	}
	init, hops := InitialTTL(ttl)
	sideInit, nearHops := InitialTTL(m.TTLMax)
	switch {
	case init != sideInit || hops < nearHops:
		// The device is one hop past the routers its packet passed.
		o.Verdict, o.DeviceHops = OriginInjected, ptr(hops+1)
	default:
		o.Verdict = OriginSuspect // farther than the side: a route change, or a device beyond it
	}
	return o, true
}

// originNote is the diagnosis's sentence on the close the verdict names:
// always for a reset, for a FIN or alert only when it looks forged.
func originNote(f *decode.Flow, v Verdict) string {
	o, ok := closeOrigin(f, v.Outcome)
	if !ok || v.Who != o.From || o.Kind != "rst" && o.Verdict == OriginGenuine {
		return ""
	}
	what := map[string]string{"rst": "reset", "fin": "FIN", "alert": "alert"}[o.Kind]
	ev := strings.Join(o.evidence(), "; ")
	switch o.Verdict {
	case OriginInjected:
		return injectedWords(f, o, what) + ": " + ev
	case OriginSuspect:
		return fmt.Sprintf("the %s may not come from the %s (inference): %s", what, o.From, ev)
	}
	return "the " + what + " looks genuine (from the " + o.From + "'s distance): " + ev
}

// resetSender is who a diagnosis says reset the connection: side d, or,
// when its RST was likely injected, a RST in its name (the flow shows the
// address, not who sent it). Verdict.Who stays the side the packet names.
func resetSender(f *decode.Flow, d decode.Dir, article string) string {
	if injectedReset(f, d) {
		return "a RST in the " + d.String() + "'s name"
	}
	return article + d.String()
}

// injectedReset reports a RST in side d's name that was likely injected:
// then no cause on d's side (its policy, its certificate check) may be
// named for it.
func injectedReset(f *decode.Flow, d decode.Dir) bool {
	o, ok := closeOrigin(f, Reset)
	return ok && o.Kind == "rst" && o.From == d.String() && o.Verdict == OriginInjected
}

// evidence words the comparisons that were made.
func (o *CloseOrigin) evidence() []string {
	side := fmt.Sprintf("TTL %d", o.SideTTLMin)
	if o.SideTTLMax != o.SideTTLMin {
		side = fmt.Sprintf("TTL %d-%d", o.SideTTLMin, o.SideTTLMax)
	}
	var ev []string
	if o.TTL >= o.SideTTLMin && o.TTL <= o.SideTTLMax {
		ev = append(ev, fmt.Sprintf("its TTL %d matches the %s's other packets (%s)", o.TTL, o.From, side))
	} else {
		_, hops := InitialTTL(uint8(o.TTL))
		_, sideHops := InitialTTL(uint8(o.SideTTLMax))
		ev = append(ev, fmt.Sprintf("its TTL %d (%d router%s passed) against %s (%d router%s) on the %s's other packets",
			o.TTL, hops, plural(hops), side, sideHops, plural(sideHops), o.From))
	}
	if s := o.IPIDStep; s != nil {
		prev := (*o.IPID - *s) & 0xffff
		if o.idOdd() {
			ev = append(ev, fmt.Sprintf("its IP ID %d is out of the %s's sequence (%d before it)", *o.IPID, o.From, prev))
		} else {
			ev = append(ev, fmt.Sprintf("its IP ID %d follows the %s's %d", *o.IPID, o.From, prev))
		}
	}
	if o.After != nil && *o.After > 0 {
		ev = append(ev, fmt.Sprintf("%d more packet%s from the %s arrived after it", *o.After, plural(*o.After), o.From))
	}
	if o.SeqOffset != nil && *o.SeqOffset != 0 {
		ev = append(ev, fmt.Sprintf("its sequence number is %d bytes off the next one the %s was to send", *o.SeqOffset, o.From))
	}
	return ev
}

// injectedWords is the inference, placed from where the capture was taken:
// a peer whose TTL is an initial value sits at the capture point.
func injectedWords(f *decode.Flow, o CloseOrigin, what string) string {
	d := decode.FromServer
	if o.From == "client" {
		d = decode.FromClient
	}
	if o.DeviceHops == nil {
		return fmt.Sprintf("%s likely injected by a device on the path, not by the %s", what, d)
	}
	from := "the capture point"
	if n := f.TCP.Net[d.Other()]; n.Has(decode.NetSeen) {
		if _, h := InitialTTL(n.TTL); h == 0 {
			from = "the " + d.Other().String()
		}
	}
	return fmt.Sprintf("%s likely injected by a device %d hop%s from %s, not by the %s", what, *o.DeviceHops, plural(*o.DeviceHops), from, d)
}
