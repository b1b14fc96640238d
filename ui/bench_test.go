package ui

import (
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/filterbar"
)

// million is a synthetic 1M-flow list: the fixture's 40 flows repeated with
// fresh IDs and client addresses (facts shared, which is fine for reading).
func million(b *testing.B) Model {
	b.Helper()
	_, base := loadTestdata(b, "mix40.pcap")
	const n = 1_000_000
	flows := make([]model.Flow, n)
	facts := make([]decode.Flow, n)
	for i := range flows {
		b := base[i%len(base)]
		facts[i] = *b.Flow
		flows[i] = model.Flow{Flow: &facts[i], Verdict: b.Verdict}
		flows[i].ID = i + 1
		flows[i].Client = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), uint16(i))
	}
	b.Logf("model.Flow is %d bytes", unsafe.Sizeof(model.Flow{}))
	m := New(Options{Path: "million.pcap"})
	m = drive(b, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = drive(b, m, loadBatchMsg{Batch: model.Batch{Flows: flows, Done: true}})
	if len(m.list.Visible()) != n {
		b.Fatalf("%d visible", len(m.list.Visible()))
	}
	return m
}

func step(m Model, msg tea.Msg) (Model, tea.Cmd) {
	next, cmd := m.Update(msg)
	return next.(Model), cmd
}

func BenchmarkList1MCursorMove(b *testing.B) {
	m := million(b)
	down := keyMsg("down")
	for b.Loop() {
		m, _ = step(m, down)
		_ = m.View()
	}
}

func BenchmarkList1MPageDown(b *testing.B) {
	m := million(b)
	pg := keyMsg("pgdown")
	for b.Loop() {
		m, _ = step(m, pg)
		_ = m.View()
	}
}

func BenchmarkList1MOpenFlow(b *testing.B) {
	m := million(b)
	m, _ = step(m, keyMsg("G")) // the last flow: no advantage from the top
	enter, esc := keyMsg("enter"), keyMsg("esc")
	for b.Loop() {
		var cmd tea.Cmd
		m, cmd = step(m, enter)
		m, _ = step(m, cmd())
		_ = m.View()
		m, _ = step(m, esc)
	}
}

// BenchmarkList1MRefilter is one keystroke in the filter bar: parse, filter
// and sort a million flows in the command, swap the result in, render.
func BenchmarkList1MRefilter(b *testing.B) {
	m := million(b)
	exprs := []string{"outcome:alert", "sni:api", "!outcome:ok port:443"}
	i := 0
	for b.Loop() {
		m.fbar.SetValue(exprs[i%len(exprs)]) // as typed: a ChangedMsg for other text is stale
		m, cmd := step(m, filterbar.ChangedMsg{Expr: exprs[i%len(exprs)]})
		i++
		m, _ = step(m, cmd())
		_ = m.View()
	}
	_ = fmt.Sprint(i)
}

// BenchmarkFilterFlows1MOnly is the filter alone, one sub-benchmark per form
// of the filter language ("sni:api" is the original).
func BenchmarkFilterFlows1MOnly(b *testing.B) {
	m := million(b)
	runtime.GC() // the setup's garbage is not the filter's cost
	for _, expr := range []string{
		"sni:api", "sni:*.example.test", "api", "example", "10.16.1", "443", "ip:203.0.113.0/24", "port:443",
		"outcome:alert", "!outcome:ok port:443", "alert:unknown_ca", "version:>=1.3", "cipher:aes128",
		"alpn:h2", "ja4:t13", "ja3:e694", "by:server", "starttls:yes",
	} {
		f, err := model.ParseFilter(expr)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.ReplaceAll(expr, " ", "_"), func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = len(model.FilterFlows(m.flows, f, false))
			}
			b.ReportMetric(float64(n), "matches")
		})
	}
}
