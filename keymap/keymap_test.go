package keymap

import (
	"os"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
)

// modes lists what is live at once: the mode's bindings plus the global ones
// (? is typed text while an input has focus, so it is left out there).
func modes(k KeyMap) map[string][]key.Binding {
	g := k.Global
	typing := []key.Binding{g.ForceQuit}
	all := []key.Binding{g.ForceQuit, g.Help}
	confirming := k
	confirming.Export.SetConfirming(true)
	done := k
	done.Export.SetState(ExportDone)
	flat := func(base []key.Binding, rows [][]key.Binding) []key.Binding {
		out := append([]key.Binding(nil), base...)
		for _, r := range rows {
			out = append(out, r...)
		}
		return out
	}
	return map[string][]key.Binding{
		"list":           flat(all, k.List.FullHelp()),
		"detail":         flat(all, k.Detail.FullHelp()),
		"filter":         flat(typing, k.Filter.FullHelp()),
		"export":         flat(typing, k.Export.FullHelp()),
		"export-confirm": flat(all, confirming.Export.FullHelp()),
		"help":           flat(typing, k.Help.FullHelp()), // the help screen takes q and ? itself
		"export-done":    flat(all, done.Export.FullHelp()),
	}
}

func TestNoDuplicateKeys(t *testing.T) {
	for mode, bs := range modes(Default()) {
		seen := map[string]string{}
		for _, b := range bs {
			if !b.Enabled() {
				continue
			}
			for _, k := range b.Keys() {
				if prev, ok := seen[k]; ok {
					t.Errorf("%s: key %q bound to %q and %q", mode, k, prev, b.Help().Desc)
				}
				seen[k] = b.Help().Desc
			}
		}
	}
}

func TestEveryBindingHasHelpAndASCII(t *testing.T) {
	for _, g := range Default().Groups() {
		for _, b := range g.Bindings {
			h := b.Help()
			if h.Key == "" || h.Desc == "" || len(b.Keys()) == 0 {
				t.Errorf("%s: binding %v lacks help", g.Title, b.Keys())
			}
			for _, r := range h.Key + h.Desc {
				if r > 0x7e {
					t.Errorf("%s: non-ASCII help %q", g.Title, h.Key)
				}
			}
			for _, k := range b.Keys() {
				if k == " " {
					t.Errorf("%s: write \"space\", not \" \"", g.Title)
				}
			}
		}
	}
}

func TestExportConfirmToggles(t *testing.T) {
	k := Default()
	if k.Export.Overwrite.Enabled() {
		t.Fatal("overwrite must start disabled")
	}
	k.Export.SetConfirming(true)
	if !k.Export.Overwrite.Enabled() || k.Export.Confirm.Enabled() {
		t.Fatal("confirming must enable y/n and disable enter")
	}
	if Default().Export.Overwrite.Enabled() {
		t.Fatal("Default must return fresh bindings")
	}
}

func TestReadmeKeyTable(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("README.md not readable (%v); generated table:\n%s", err, MarkdownTable())
	}
	const start, end = "<!-- keys:start -->", "<!-- keys:end -->"
	s := string(data)
	i, j := strings.Index(s, start), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %s ... %s block; paste this table between them:\n%s", start, end, MarkdownTable())
	}
	got := strings.TrimSpace(s[i+len(start) : j])
	want := strings.TrimSpace(MarkdownTable())
	if got != want {
		t.Errorf("README key table is stale; replace the block with:\n%s", want)
	}
}

// TestQuitKeys: q quits from the list and goes back from the pane; ctrl+c
// quits everywhere, so every mode's footer can say how to leave.
func TestQuitKeys(t *testing.T) {
	k := Default()
	if !slices.Contains(k.List.Quit.Keys(), "q") || k.List.Quit.Help().Desc != "quit" {
		t.Errorf("list: q must quit, got %v %q", k.List.Quit.Keys(), k.List.Quit.Help().Desc)
	}
	if !slices.Contains(k.Detail.Back.Keys(), "q") || !slices.Contains(k.Detail.Back.Keys(), "esc") {
		t.Errorf("pane: q and esc must go back, got %v", k.Detail.Back.Keys())
	}
	if !slices.Contains(k.Global.ForceQuit.Keys(), "ctrl+c") {
		t.Error("ctrl+c must quit everywhere")
	}
	if last := k.List.ShortHelp(); last[len(last)-1].Help().Key != "q" {
		t.Error("the list's short help must end with how to quit (the footer keeps the last item)")
	}
}
