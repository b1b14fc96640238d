package ui

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/filterbar"
)

// header is the screen's first line.
func header(m Model) string { return strings.Split(screen(m), "\n")[0] }

// noColor renders the screen as a NO_COLOR terminal gets it and fails on
// any colour that survives.
func noColor(t *testing.T, m Model) string {
	t.Helper()
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.ASCII}
	if _, err := w.Write([]byte(m.View().Content)); err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`\x1b\[[0-9;]*(38;|48;|3[0-7]|9[0-7])[0-9;]*m`).Match(buf.Bytes()) {
		t.Errorf("colour survives NO_COLOR: %q", buf.String())
	}
	return ansi.Strip(buf.String())
}

// TestFilterEnterRefusesInvalid: Enter on a filter that does not parse
// applies nothing. The bar stays open and says NOT APPLIED with the error
// and its suggestion, the list goes back to the filter in force before the
// edit (not the last prefix that parsed), and the header names that filter.
func TestFilterEnterRefusesInvalid(t *testing.T) {
	flows := mix(t)
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"200x50", 200, 50}, {"NO_COLOR", 80, 24}} {
		t.Run(sz.name+"/refused", func(t *testing.T) {
			m := loaded(t, sz.w, sz.h, flows, Options{Path: "mix40.pcap"})
			m = press(t, m, "/")
			m = typeText(t, m, "outcome:alert")
			m = press(t, m, "enter")
			before := slices.Clone(m.list.Visible())
			if len(before) != 4 || m.mode != modeList {
				t.Fatalf("outcome:alert: %d flows, mode %v; want 4 in the list", len(before), m.mode)
			}
			m = press(t, m, "/")
			m = typeText(t, m, " alert:unkown_ca") // "alert:unk" parses on the way
			m = press(t, m, "enter")
			if m.mode != modeFilter || !m.fbar.Rejected() {
				t.Fatalf("Enter on an invalid filter left the bar (mode %v, rejected %v)", m.mode, m.fbar.Rejected())
			}
			if got := m.list.Visible(); !slices.Equal(got, before) {
				t.Errorf("the list changed: %d flows, want the %d of outcome:alert", len(got), len(before))
			}
			var s string
			if sz.name == "NO_COLOR" {
				s = noColor(t, m)
			} else {
				s = screen(m)
			}
			assertSize(t, s, sz.w, sz.h)
			head := strings.Split(s, "\n")[0]
			if !strings.HasSuffix(strings.TrimRight(head, " "), "/outcome:alert") || strings.Contains(head, "unk") {
				t.Errorf("header must name the filter in force, outcome:alert: %q", head)
			}
			for _, want := range []string{"NOT APPLIED", `unknown alert "unkown_ca": did you mean "unknown_ca"?`} {
				if !strings.Contains(s, want) {
					t.Errorf("screen lacks %q:\n%s", want, s)
				}
			}
			golden.RequireEqual(t, s)

			// Fixing the text applies it, closes the bar and clears the error.
			m = press(t, m, "backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
			m = typeText(t, m, "nown_ca")
			m = press(t, m, "enter")
			if m.mode != modeList || m.fbar.Err() != "" || len(m.list.Visible()) != 1 {
				t.Errorf("the fixed filter: mode %v, error %q, %d flows; want the list, no error, 1 flow", m.mode, m.fbar.Err(), len(m.list.Visible()))
			}
			if !strings.HasSuffix(strings.TrimRight(header(m), " "), "/outcome:alert alert:unknown_ca") {
				t.Errorf("header: %q", header(m))
			}
		})
	}
}

// TestFilterTypedPrefixNotApplied: "outcome:bogus" passes through the bare
// word "outcome" while typed; Enter must not leave that applied.
func TestFilterTypedPrefixNotApplied(t *testing.T) {
	m := loaded(t, 80, 24, mix(t), Options{Path: "mix40.pcap"})
	m = press(t, m, "/")
	m = typeText(t, m, "outcome:bogus")
	m = press(t, m, "enter")
	if n := len(m.list.Visible()); n != 40 {
		t.Errorf("%d flows shown after a refused filter, want all 40", n)
	}
	if strings.Contains(header(m), "/outcome") {
		t.Errorf("header names a filter that is not in force: %q", header(m))
	}
	if !strings.Contains(screen(m), `NOT APPLIED at 1: unknown outcome "bogus"`) {
		t.Errorf("no refusal on screen:\n%s", screen(m))
	}
}

// TestFilterPlaceholderParses: the empty bar teaches only syntax that parses.
func TestFilterPlaceholderParses(t *testing.T) {
	if _, err := model.ParseFilter(filterbar.PlaceholderExample); err != nil {
		t.Fatalf("placeholder %q: %v", filterbar.PlaceholderExample, err)
	}
	m := loaded(t, 200, 50, mix(t), Options{Path: "mix40.pcap"})
	m = press(t, m, "/")
	if !strings.Contains(screen(m), "/ "+filterbar.PlaceholderExample) && !strings.Contains(screen(m), filterbar.PlaceholderExample) {
		t.Errorf("the empty bar does not show the placeholder:\n%s", screen(m))
	}
}

// TestFilterHistory: Up and Down walk this session's applied filters, the
// list following each, and come back to what was being typed.
func TestFilterHistory(t *testing.T) {
	m := loaded(t, 80, 24, mix(t), Options{Path: "mix40.pcap"})
	for _, f := range []string{"outcome:alert", "outcome:rst", "sni:nope|"} { // the last is refused: not remembered
		m = press(t, m, "/", "ctrl+u")
		m = typeText(t, m, f)
		m = press(t, m, "enter")
	}
	m = press(t, m, "ctrl+u")
	m = typeText(t, m, "draft")
	steps := []struct {
		key, value string
		flows      int
	}{{"up", "outcome:rst", 3}, {"up", "outcome:alert", 4}, {"up", "outcome:alert", 4}, {"down", "outcome:rst", 3}, {"down", "draft", 0}}
	for _, s := range steps {
		m = press(t, m, s.key)
		if m.fbar.Value() != s.value || len(m.list.Visible()) != s.flows {
			t.Errorf("%s: bar %q with %d flows, want %q with %d", s.key, m.fbar.Value(), len(m.list.Visible()), s.value, s.flows)
		}
	}
}

// TestFilterTabCompletion: Tab writes out a single completion and lists
// several, at both sizes.
func TestFilterTabCompletion(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
		t.Run(sizeName(sz.w, sz.h)+"/candidates", func(t *testing.T) {
			m := loaded(t, sz.w, sz.h, mix(t), Options{Path: "mix40.pcap"})
			m = press(t, m, "/")
			m = typeText(t, m, "outc")
			m = press(t, m, "tab")
			if m.fbar.Value() != "outcome:" {
				t.Fatalf("tab on outc: %q", m.fbar.Value())
			}
			m = typeText(t, m, "al")
			m = press(t, m, "tab")
			if m.fbar.Value() != "outcome:alert" || len(m.list.Visible()) != 4 {
				t.Errorf("tab on outcome:al: %q, %d flows", m.fbar.Value(), len(m.list.Visible()))
			}
			s := screen(m)
			assertSize(t, s, sz.w, sz.h)
			if !strings.Contains(s, "tab: alert  alert?") {
				t.Errorf("candidates not listed:\n%s", s)
			}
			golden.RequireEqual(t, s)
			m = typeText(t, m, "?")
			if strings.Contains(screen(m), "tab: ") || m.fbar.Value() != "outcome:alert?" {
				t.Errorf("the next key must type and drop the list: %q\n%s", m.fbar.Value(), screen(m))
			}
		})
	}
}

// uiRandomFilter writes filter-like text: fields, values, typos and stray
// syntax, about half of which parse.
func uiRandomFilter(rng *rand.Rand) string {
	pieces := []string{"api", "example", "443", "10.0", "sni:*.example.test", "sni:old", "outcome:alert", "outcome:ok,rst",
		"!outcome:ok", "alert:unknown_ca", "alert:protocol", "version>=1.3", "version:1.2", "port:443,8443", "hs>1ms",
		"bytes>1KB", "packets<12", "after:00:00", "by:server", "badge:nosh", "outcome:bogus", "alert:unkown_ca",
		"sni~x", "badge=ALERT", "outcom:ok", "hs>1", "port:1,,2", `"a b`, "!", "by:clinet", "version:1.4", "x|"}
	var parts []string
	for n := rng.IntN(3) + 1; n > 0; n-- {
		parts = append(parts, pieces[rng.IntN(len(pieces))])
	}
	return strings.Join(parts, " ")
}

// TestFilterProperty: for random filter text put in the bar, Enter either
// applies it (the list is exactly the flows Match accepts, which
// model.TestFilterProperty ties to the reference matcher) or refuses it
// (the list and the header are what they were). Half the texts are typed
// key by key, so the live preview of their prefixes runs too.
func TestFilterProperty(t *testing.T) {
	flows := mix(t)
	m := loaded(t, 80, 24, flows, Options{Path: "mix40.pcap"})
	rng := rand.New(rand.NewPCG(3, 4))
	accepted, refused := 0, 0
	for i := range 120 {
		expr := uiRandomFilter(rng)
		before, head := slices.Clone(m.list.Visible()), header(m)
		m = press(t, m, "/", "ctrl+u")
		if i%2 == 0 {
			m = typeText(t, m, expr)
		} else {
			m = drive(t, m, tea.PasteMsg{Content: expr})
		}
		m = press(t, m, "enter")
		f, err := model.ParseFilter(expr)
		if err != nil {
			refused++
			if got := m.list.Visible(); !slices.Equal(got, before) || header(m) != head || !m.fbar.Rejected() {
				t.Fatalf("%q refused, but the list or header changed (%d -> %d flows; %q -> %q)", expr, len(before), len(got), head, header(m))
			}
			m = press(t, m, "esc") // clears: the next round starts from everything
			continue
		}
		accepted++
		var want []int32
		for j := range m.flows {
			if f.Match(&m.flows[j]) {
				want = append(want, int32(j))
			}
		}
		if got := m.list.Visible(); !slices.Equal(got, want) || m.mode != modeList {
			t.Fatalf("%q applied: %d flows (mode %v), Match says %d", expr, len(got), m.mode, len(want))
		}
		// A long filter is cut in the middle ("…") in the header.
		if !f.Empty() && !strings.Contains(header(m), "/"+f.String()) && !strings.Contains(header(m), "…") {
			t.Fatalf("%q applied, header does not name it: %q", expr, header(m))
		}
	}
	if accepted < 20 || refused < 20 {
		t.Errorf("lopsided: %d accepted, %d refused", accepted, refused)
	}
}
