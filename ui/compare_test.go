package ui

import (
	"regexp"
	"strings"
	"testing"
)

// flat joins a screen's words with single spaces, so text wrapped at any
// width can be searched for.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// onFlow puts the list's cursor on flow id.
func onFlow(t *testing.T, m Model, id int) Model {
	t.Helper()
	for i, v := range m.list.Visible() {
		if int(v)+1 == id {
			m.list.SetCursor(i)
			return m
		}
	}
	t.Fatalf("flow %d not in the list", id)
	return m
}

// scrollAll pages through the comparison and returns every screen's text.
func scrollAll(t *testing.T, m Model) string {
	t.Helper()
	var all strings.Builder
	for i := 0; i < 40; i++ {
		all.WriteString(screen(m) + "\n")
		before := m.cmp.Position()
		m = press(t, m, "pgdown")
		if m.cmp.Position() == before {
			break
		}
	}
	return all.String()
}

func TestCompareFromTheListAt80x24(t *testing.T) {
	_, flows := loadCapture(t, "contrast.pcap")
	m := loaded(t, 80, 24, flows, Options{Path: "contrast.pcap"})
	m = onFlow(t, m, 7)
	m = press(t, m, "?")
	var help string
	for i := 0; i < 3; i++ {
		help += screen(m)
		m = press(t, m, "pgdown")
	}
	if !strings.Contains(help, "Comparison") || !regexp.MustCompile(`\bc +compare to working`).MatchString(help) ||
		!regexp.MustCompile(`\bm +mark / compare two`).MatchString(help) {
		t.Errorf("help does not name the comparison keys:\n%s", help)
	}
	m = press(t, m, "esc")
	m = press(t, m, "c")
	if m.mode != modeCompare {
		t.Fatalf("c left mode %v", m.mode)
	}
	s := screen(m)
	assertSize(t, s, 80, 24)
	for _, want := range []string{
		"flow #7 (ALERT) compared with flow #8 (OK 1.2), the closest working flow: same server address",
		"Reading - the failing client sends no SNI; the working one sends contrast.pcapsurgery.test: likely the server requires a server name",
	} {
		if !strings.Contains(flat(s), want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	all := scrollAll(t, m)
	// Stacked below 120 columns: the field, then each flow's value on its own line.
	if !regexp.MustCompile(`(?m)^\* SNI +\n +#7: \(none\) *\n +#8: contrast\.pcapsurgery\.test`).MatchString(all) {
		t.Errorf("the SNI row is not stacked and marked:\n%s", all)
	}
	for _, want := range []string{"ClientHello", "ServerHello", "Certificates", "Alerts", "Timings", "fatal unrecognized_name from server"} {
		if !strings.Contains(all, want) {
			t.Errorf("scrolling never shows %q", want)
		}
	}
	m = press(t, m, "esc")
	if m.mode != modeList || m.list.Selected() != 7 {
		t.Errorf("esc: mode %v on flow %d, want the list on flow 7", m.mode, m.list.Selected())
	}
}

func TestCompareSideBySideAt200x50(t *testing.T) {
	_, flows := loadCapture(t, "contrast.pcap")
	m := loaded(t, 200, 50, flows, Options{Path: "contrast.pcap"})
	m = onFlow(t, m, 4)
	if s := screen(m); !strings.Contains(s, "c compare to working") {
		t.Errorf("the footer does not offer the comparison at 200 columns:\n%s", s)
	}
	m = press(t, m, "c")
	all := scrollAll(t, m)
	assertSize(t, screen(m), 200, 50)
	if !strings.Contains(flat(all), "the server chose TLS 1.2 with ECDHE-RSA-AES128-GCM-SHA256 for the working client") {
		t.Errorf("no reading of the suite:\n%s", all)
	}
	// Two columns: the field, flow #4's value and flow #3's on one line.
	if !regexp.MustCompile(`(?m)^\* version +\(none\) +TLS 1\.2|^\* ServerHello +\(none\) +seen`).MatchString(all) {
		t.Errorf("the ServerHello row is not side by side and marked:\n%s", all)
	}
	if !regexp.MustCompile(`(?m)^  SNI +contrast\.pcapsurgery\.test +contrast\.pcapsurgery\.test`).MatchString(all) {
		t.Errorf("an equal row is marked or not side by side:\n%s", all)
	}
}

func TestCompareUnderNoColor(t *testing.T) {
	_, flows := loadCapture(t, "contrast.pcap")
	m := loaded(t, 80, 24, flows, Options{Path: "contrast.pcap"})
	m = onFlow(t, m, 5)
	m = press(t, m, "c")
	m = press(t, m, "pgdown")
	s := noColor(t, m)
	assertSize(t, s, 80, 24)
	if !regexp.MustCompile(`(?m)^\* [a-z]`).MatchString(s) {
		t.Errorf("no difference marked with * without colour:\n%s", s)
	}
}

func TestCompareTwoMarkedFlowsFromThePane(t *testing.T) {
	_, flows := loadCapture(t, "contrast.pcap")
	m := loaded(t, 80, 24, flows, Options{Path: "contrast.pcap"})
	m = onFlow(t, m, 1)
	m = press(t, m, "m")
	if !strings.Contains(screen(m), "flow 1 marked") {
		t.Errorf("no word on the mark:\n%s", screen(m))
	}
	m = onFlow(t, m, 6)
	m = press(t, m, "enter")
	if !strings.Contains(screen(m), "marked #1  flow 6") {
		t.Errorf("the pane's status line does not name the marked flow:\n%s", screen(m))
	}
	m = press(t, m, "m")
	if m.mode != modeCompare {
		t.Fatalf("m on a second flow left mode %v", m.mode)
	}
	if s := flat(screen(m)); !strings.Contains(s, "flow #6 (ALERT) compared with flow #1 (OK 1.2), chosen by hand") ||
		!strings.Contains(s, "this client offers only TLS 1.3") {
		t.Errorf("the marked pair is not compared:\n%s", screen(m))
	}
	m = press(t, m, "?")
	m = press(t, m, "esc")
	if m.mode != modeCompare {
		t.Fatalf("help over the comparison returned to mode %v", m.mode)
	}
	m = press(t, m, "q")
	if strings.Contains(screen(m), "marked #") {
		t.Errorf("the mark outlived the comparison it made:\n%s", screen(m))
	}
	if m.mode != modeDetail || m.detail.FlowID() != 6 {
		t.Errorf("q: mode %v on flow %d, want the pane on flow 6", m.mode, m.detail.FlowID())
	}
	m = press(t, m, "c")
	if m.mode != modeCompare || !strings.Contains(screen(m), "flow #6 (ALERT) compared with flow #3") {
		t.Errorf("c in the pane does not compare with the closest working flow:\n%s", screen(m))
	}
}

func TestCompareSaysWhenNoFlowWorked(t *testing.T) {
	_, flows := loadCapture(t, "cipher-mismatch-openssl.pcap")
	m := loaded(t, 80, 24, flows, Options{Path: "cipher-mismatch-openssl.pcap"})
	m = press(t, m, "c")
	if m.mode != modeList || !strings.Contains(flat(screen(m)), "no flow completed its handshake to the same server") {
		t.Errorf("mode %v:\n%s", m.mode, screen(m))
	}
}
