package model

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// TestInjectedResetNamesItsEvidence: through a router that rejects one SNI
// with a TCP reset (testdata/gen/middlebox.sh), the router's RST reaches the
// client with TTL 64 while the server's packets arrive with 63: the
// diagnosis says the reset was likely injected one hop from the client, with
// both TTLs; the server's own reset through the same router is genuine.
func TestInjectedResetNamesItsEvidence(t *testing.T) {
	flows := loadWith(t, "../testdata/captures/middlebox-sni-reset.pcap", NewLoader).Flows()
	if len(flows) != 3 {
		t.Fatalf("%d flows, want 3", len(flows))
	}
	if f := flows[0]; f.Outcome != OK || strings.Contains(f.Diagnosis, "inject") {
		t.Errorf("allowed SNI: %s %q, want OK and no injection", f.Outcome, f.Diagnosis)
	}
	blocked := flows[1]
	for _, want := range []string{"a RST in the server's name reset the connection", "reset likely injected by a device 1 hop from the client, not by the server",
		"its TTL 64 (0 routers passed) against TTL 63 (1 router) on the server's other packets"} {
		if blocked.Outcome != Reset || !strings.Contains(blocked.Diagnosis, want) {
			t.Errorf("blocked SNI: %s %q, want RST with %q", blocked.Outcome, blocked.Diagnosis, want)
		}
	}
	// A reset the server never sent names no cause on the server's side.
	if strings.Contains(blocked.Diagnosis, "server policy") || strings.Contains(blocked.Diagnosis, "nothing TLS behind") {
		t.Errorf("blocked SNI: the diagnosis blames the server for a reset it likely did not send: %q", blocked.Diagnosis)
	}
	o, ok := closeOrigin(blocked.Flow, blocked.Outcome)
	if !ok || o.Verdict != OriginInjected || o.TTL != 64 || o.SideTTLMin != 63 || o.DeviceHops == nil || *o.DeviceHops != 1 {
		t.Errorf("blocked SNI close_origin %+v, want likely_injected, TTL 64 against 63, 1 hop", o)
	}
	genuine := flows[2]
	if want := "the reset looks genuine (from the server's distance): its TTL 63 matches the server's other packets (TTL 63); its IP ID"; genuine.Outcome != Reset ||
		!strings.Contains(genuine.Diagnosis, want) || strings.Contains(genuine.Diagnosis, "inject") {
		t.Errorf("server's own reset: %s %q, want RST with %q", genuine.Outcome, genuine.Diagnosis, want)
	}
}

// TestBundledResetsLookGenuine: every other bundled capture was taken on
// one link between real stacks, so no close in them was forged: each RST is
// judged genuine and no diagnosis says injected or forged.
func TestBundledResetsLookGenuine(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	rsts := 0
	for _, path := range paths {
		if strings.HasPrefix(filepath.Base(path), "middlebox-") {
			continue // made through a router that forges on purpose
		}
		for _, f := range loadWith(t, path, NewLoader).Flows() {
			o, ok := closeOrigin(f.Flow, f.Outcome)
			if ok && o.Verdict != OriginGenuine {
				t.Errorf("%s flow %d: close_origin %+v, want genuine", filepath.Base(path), f.ID, o)
			}
			if ok && o.Kind == "rst" {
				rsts++
			}
			if strings.Contains(f.Diagnosis, "injected") || strings.Contains(f.Diagnosis, "may not come from") {
				t.Errorf("%s flow %d: %q", filepath.Base(path), f.ID, f.Diagnosis)
			}
		}
	}
	if rsts < 2 {
		t.Fatalf("only %d resets judged: the walk found no captures", rsts)
	}
}

// TestCloseOriginTests: each mark of a forged close on its own, from facts.
func TestCloseOriginTests(t *testing.T) {
	base := func() decode.Flow {
		var f decode.Flow
		f.TLS = &decode.TLSFacts{TLSRare: &decode.TLSRare{}}
		f.TCP.StreamFacts = &decode.StreamFacts{}
		f.TCP.SYN, f.TCP.SYNACK, f.TCP.RST[server] = true, true, true
		f.TCP.Net[client] = decode.NetSide{TTL: 64, Bits: decode.NetSeen}
		f.Timeline = decode.MakeTimeline([]decode.Event{{Kind: decode.EvSYN}, {Kind: decode.EvSYNACK, Dir: server}, {Kind: decode.EvRST, Dir: server}}...)
		m := &f.TCP.Origin[server]
		m.TTLMin, m.TTLMax, m.LastID = 52, 52, 1000
		m.RSTTTL, m.RSTID, m.RSTIDStep = 52, 1001, 1
		m.Bits = decode.MarkSeen | decode.MarkIDs | decode.MarkIDRun | decode.MarkRST | decode.MarkRSTIDs | decode.MarkRSTSeq
		return f
	}
	cases := []struct {
		name    string
		change  func(m *decode.OriginMarks)
		verdict string
		words   string
	}{
		{"same TTL, next ID", func(m *decode.OriginMarks) {}, OriginGenuine, "its IP ID 1001 follows the server's 1000"},
		{"fewer hops", func(m *decode.OriginMarks) { m.RSTTTL = 60 }, OriginInjected, "a device 5 hops from the client"},
		{"other initial TTL", func(m *decode.OriginMarks) { m.RSTTTL = 250 }, OriginInjected, "TTL 250 (5 routers passed)"},
		{"more hops", func(m *decode.OriginMarks) { m.RSTTTL = 50 }, OriginSuspect, "may not come from the server (inference)"},
		{"ID out of sequence", func(m *decode.OriginMarks) { m.RSTID, m.RSTIDStep = 40000, 39000 }, OriginSuspect, "IP ID 40000 is out of the server's sequence (1000 before it)"},
		{"server data after it", func(m *decode.OriginMarks) { m.AfterRST = 3 }, OriginInjected, "3 more packets from the server arrived after it"},
		{"odd sequence number", func(m *decode.OriginMarks) { m.RSTSeqOff = -1448 }, OriginSuspect, "1448 bytes off"},
		{"shared ID counter says nothing", func(m *decode.OriginMarks) { m.RSTID, m.RSTIDStep, m.Bits = 40000, 39000, m.Bits|decode.MarkIDJump }, OriginGenuine, "looks genuine"},
	}
	for _, c := range cases {
		f := base()
		c.change(&f.TCP.Origin[server])
		o, ok := closeOrigin(&f, Reset)
		note := originNote(&f, Verdict{Outcome: Reset, Who: "server"})
		if !ok || o.Verdict != c.verdict || !strings.Contains(note, c.words) {
			t.Errorf("%s: %s %q, want %s with %q", c.name, o.Verdict, note, c.verdict, c.words)
		}
	}
	// A RST with nothing else from its side cannot be compared.
	f := base()
	f.TCP.Origin[server].Bits &^= decode.MarkSeen
	if _, ok := closeOrigin(&f, Reset); ok {
		t.Error("a lone RST judged")
	}
}
