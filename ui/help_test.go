package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestHelpScrollsToTheFilterLanguage: at 80x24 help no longer ends before
// "Everywhere": scrolling keys reach every group and the whole filter
// language (every field, every example), and only esc, q and ? close it
// (q closes help, it does not quit). At 200x50 and under NO_COLOR too.
func TestHelpScrollsToTheFilterLanguage(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"200x50", 200, 50}, {"NO_COLOR", 80, 24}} {
		t.Run(sz.name+"/help", func(t *testing.T) {
			m := loaded(t, sz.w, sz.h, mix(t), Options{Path: "mix40.pcap"})
			m = press(t, m, "?")
			first := screen(m)
			if sz.name == "NO_COLOR" {
				first = noColor(t, m)
			}
			assertSize(t, first, sz.w, sz.h)
			golden.RequireEqual(t, first)
			if !strings.Contains(first, "help 1-") {
				t.Errorf("the status line does not say which help lines show:\n%s", first)
			}
			// down moves one line; page down reads the rest, collecting every line seen.
			m = press(t, m, "down")
			if got, want := strings.Split(screen(m), "\n")[1], strings.Split(first, "\n")[2]; got != want && sz.name != "NO_COLOR" {
				t.Errorf("down did not scroll one line: %q, want %q", got, want)
			}
			seen := first
			for range 12 {
				m = press(t, m, "pgdown")
				s := screen(m)
				assertSize(t, s, sz.w, sz.h)
				seen += "\n" + s
			}
			if m.mode != modeHelp {
				t.Fatal("scrolling closed help")
			}
			want := []string{"Flow list", "Flow pane", "Filter input", "Export dialog", "Help screen", "Everywhere",
				"Filter language", "Examples:"}
			for _, f := range model.FilterFields() {
				want = append(want, f.Syntax)
			}
			for _, e := range model.FilterExamples {
				want = append(want, e.Expr)
			}
			for _, w := range want {
				if !strings.Contains(seen, w) {
					t.Errorf("scrolling help never shows %q", w)
				}
			}
			end := screen(m)
			m = press(t, m, "home")
			if screen(m) != first {
				t.Error("home does not go back to the top")
			}
			m = press(t, m, "G")
			if screen(m) != end {
				t.Error("G does not go to the end")
			}
			m = press(t, m, "esc")
			for _, k := range []string{"q", "?", "esc"} {
				m = press(t, m, "?")
				m = press(t, m, "x", "enter")
				if m.mode != modeHelp {
					t.Fatalf("x or enter closed help")
				}
				m = press(t, m, k)
				if m.mode != modeList {
					t.Errorf("%s does not close help (mode %v)", k, m.mode)
				}
			}
		})
	}
}

// TestHelpFromThePane: help over the flow pane goes back to the pane.
func TestHelpFromThePane(t *testing.T) {
	flows := mix(t)
	m := loaded(t, 80, 24, flows, Options{Path: "mix40.pcap"})
	m = press(t, m, "enter")
	if m.mode != modeDetail {
		t.Fatal("enter does not open the pane")
	}
	m = press(t, m, "?", "pgdown", "q")
	if m.mode != modeDetail {
		t.Errorf("closing help from the pane lands in mode %v", m.mode)
	}
}
