// Package keymap is the only place that spells a key. The UI matches keys
// through these bindings, the help screen and the README table are generated
// from them, and tests keep the modes free of duplicates.
package keymap

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding, grouped by the mode that uses it.
type KeyMap struct {
	Global    Global
	List      List
	Detail    Detail
	Filter    Filter
	Export    Export
	Help      Help
	GroupView GroupView
	Compare   Compare
	KeyLog    KeyLog
}

// Global bindings work in every mode (? only while no text input has focus).
type Global struct {
	ForceQuit key.Binding
	Help      key.Binding
}

// List is the flow list. q quits only here: in the pane it goes back to the
// list (as in less, tig, k9s), in an input it is text.
type List struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Left, Right                             key.Binding
	Open, Filter, Failures, Sort, Reverse   key.Binding
	Copy, Export, ExportAll, Quit           key.Binding
	Groups                                  key.Binding // to the group view
	Compare, Mark                           key.Binding // compare with the closest working flow; mark two to compare
	Pause                                   key.Binding // live input only: freeze the list, keep reading
	KeyLog                                  key.Binding // load a key log file and re-analyse the capture with it
}

// GroupView is the group view: flows counted by a key, Enter lists a
// group's flows.
type GroupView struct {
	Up, Down, PageUp, PageDown, Top, Bottom  key.Binding
	Open, NextKey, PrevKey, Sort, Back, Quit key.Binding
	// The second level: which key splits each group, and showing it.
	NextKey2, PrevKey2, Expand, Collapse key.Binding
}

// Detail is the flow pane.
type Detail struct {
	Up, Down, PageUp, PageDown, HalfUp, HalfDown, Top, Bottom key.Binding
	Next, Prev, Copy, Export, Back                            key.Binding
	Compare, Mark                                             key.Binding
}

// Compare is the comparison of two flows: it scrolls, and Back returns to
// the list or pane it was opened from. Open and Mark are the list's and the
// pane's keys that open it, listed here in help (the list's and the pane's
// help columns keep their length).
type Compare struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Back key.Binding
	Open, Mark                                    key.Binding
}

// Filter is the filter input; every other key edits the text.
type Filter struct {
	Apply, Clear, Complete, Prev, Next key.Binding
}

// KeyLog is the key log prompt; every other key edits the path. Open is
// the list's key that opens it, listed here in help (as Compare does, so
// the list's help column keeps its length).
type KeyLog struct {
	Open, Load, Cancel key.Binding
}

// Help is the help screen: it scrolls, and only these keys close it.
type Help struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Close key.Binding
}

// Export is the export dialog. Overwrite and Keep are enabled only while it
// asks before overwriting, so they never steal letters from the path input;
// Close only once the result is on show, when any key closes it.
type Export struct {
	Toggle, Confirm, Cancel, Overwrite, Keep, Close key.Binding
	// Secrets embeds the flows' TLS secrets (pcapng); a control key, since
	// letters go to the path.
	Secrets key.Binding
}

func b(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// Default returns the bindings. Help texts are ASCII so they read on any terminal.
func Default() KeyMap {
	k := KeyMap{
		Global: Global{
			ForceQuit: b("ctrl+c", "quit", "ctrl+c"),
			Help:      b("?", "help", "?"),
		},
		List: List{
			Up:        b("up/k", "up", "up", "k"),
			Down:      b("down/j", "down", "down", "j"),
			PageUp:    b("pgup/b", "page up", "pgup", "b"),
			PageDown:  b("pgdn/space", "page down", "pgdown", "space"),
			Top:       b("home/g", "first flow", "home", "g"),
			Bottom:    b("end/G", "last flow", "end", "G"),
			Left:      b("left/h", "columns left", "left", "h"),
			Right:     b("right/l", "columns right", "right", "l"),
			Open:      b("enter", "open flow", "enter"),
			Filter:    b("/", "filter", "/"),
			Failures:  b("f", "failures only", "f"),
			Sort:      b("s", "next sort", "s"),
			Reverse:   b("S", "reverse sort", "S"),
			Copy:      b("y", "copy summary", "y"),
			Export:    b("e", "export flow", "e"),
			ExportAll: b("E", "export matching", "E"),
			Quit:      b("q", "quit", "q"),
			Groups:    b("tab", "group view", "tab"),
			Compare:   b("c", "compare to working", "c"),
			Mark:      b("m", "mark / compare two", "m"),
			Pause:     b("p", "pause/resume (live input)", "p"),
			KeyLog:    b("K", "load key log", "K"),
		},
		GroupView: GroupView{
			Up:       b("up/k", "up", "up", "k"),
			Down:     b("down/j", "down", "down", "j"),
			PageUp:   b("pgup/b", "page up", "pgup", "b"),
			PageDown: b("pgdn/space", "page down", "pgdown", "space"),
			Top:      b("home/g", "first group", "home", "g"),
			Bottom:   b("end/G", "last group", "end", "G"),
			Open:     b("enter", "its flows", "enter"),
			NextKey:  b("K", "next key", "K"),
			PrevKey:  b("J", "previous key", "J"),
			Sort:     b("s", "next sort", "s"),
			NextKey2: b("L", "next second key", "L"),
			PrevKey2: b("H", "previous second key", "H"),
			Expand:   b("right/l", "show second level", "right", "l"),
			Collapse: b("left/h", "hide second level", "left", "h"),
			Back:     b("tab/esc", "flow list", "tab", "esc"),
			Quit:     b("q", "quit", "q"),
		},
		Detail: Detail{
			Up:       b("up/k", "scroll up", "up", "k"),
			Down:     b("down/j", "scroll down", "down", "j"),
			PageUp:   b("pgup/b", "page up", "pgup", "b"),
			PageDown: b("pgdn/space", "page down", "pgdown", "space"),
			HalfUp:   b("ctrl+u", "half page up", "ctrl+u"),
			HalfDown: b("ctrl+d", "half page down", "ctrl+d"),
			Top:      b("home/g", "top", "home", "g"),
			Bottom:   b("end/G", "bottom", "end", "G"),
			Next:     b("n", "next flow", "n"),
			Prev:     b("p", "previous flow", "p"),
			Copy:     b("y", "copy summary", "y"),
			Export:   b("e", "export flow", "e"),
			Back:     b("esc/q", "back to list", "esc", "q"),
			Compare:  b("c", "compare to working", "c"),
			Mark:     b("m", "mark / compare two", "m"),
		},
		Compare: Compare{
			Up:       b("up/k", "scroll up", "up", "k"),
			Down:     b("down/j", "scroll down", "down", "j"),
			PageUp:   b("pgup/b", "page up", "pgup", "b"),
			PageDown: b("pgdn/space", "page down", "pgdown", "space"),
			Top:      b("home/g", "top", "home", "g"),
			Bottom:   b("end/G", "bottom", "end", "G"),
			Back:     b("esc/q", "back", "esc", "q"),
			Open:     b("c", "compare to working", "c"),
			Mark:     b("m", "mark / compare two", "m"),
		},
		Filter: Filter{
			Apply:    b("enter", "apply filter (if valid)", "enter"),
			Clear:    b("esc", "clear filter", "esc"),
			Complete: b("tab", "complete field or value", "tab"),
			Prev:     b("up", "older filter (history)", "up"),
			Next:     b("down", "newer filter (history)", "down"),
		},
		KeyLog: KeyLog{
			Open:   b("K", "open (flow list)", "K"),
			Load:   b("enter", "load and re-analyse", "enter"),
			Cancel: b("esc", "cancel", "esc"),
		},
		Export: Export{
			Toggle:    b("tab", "whole / evidence", "tab"),
			Secrets:   b("ctrl+s", "TLS secrets", "ctrl+s"),
			Confirm:   b("enter", "export", "enter"),
			Cancel:    b("esc", "cancel", "esc"),
			Overwrite: b("y", "overwrite", "y"),
			Keep:      b("n", "keep existing file", "n"),
			Close:     b("any key", "close", "enter", "esc", "space"),
		},
		Help: Help{
			Up:       b("up/k", "scroll up", "up", "k"),
			Down:     b("down/j", "scroll down", "down", "j"),
			PageUp:   b("pgup/b", "page up", "pgup", "b"),
			PageDown: b("pgdn/space", "page down", "pgdown", "space"),
			Top:      b("home/g", "top", "home", "g"),
			Bottom:   b("end/G", "bottom", "end", "G"),
			Close:    b("esc/q/?", "close help", "esc", "q", "?"),
		},
	}
	k.Export.SetState(ExportEditing)
	return k
}

// ExportState is what the export dialog is doing, which decides its keys.
type ExportState int

const (
	ExportEditing    ExportState = iota // editing the path: tab, enter, esc
	ExportRunning                       // writing: no key does anything
	ExportConfirming                    // asking before overwriting: y, n, esc
	ExportDone                          // the result is on show: any key closes
)

// SetState enables exactly the bindings the dialog accepts in state s, so
// its footer and its own hint line say what it accepts.
func (e *Export) SetState(s ExportState) {
	e.Toggle.SetEnabled(s == ExportEditing)
	e.Secrets.SetEnabled(s == ExportEditing)
	e.Confirm.SetEnabled(s == ExportEditing)
	e.Cancel.SetEnabled(s == ExportEditing || s == ExportConfirming)
	e.Overwrite.SetEnabled(s == ExportConfirming)
	e.Keep.SetEnabled(s == ExportConfirming)
	e.Close.SetEnabled(s == ExportDone)
}

// SetConfirming switches the export dialog between editing the path and
// asking before overwriting.
func (e *Export) SetConfirming(on bool) {
	if on {
		e.SetState(ExportConfirming)
	} else {
		e.SetState(ExportEditing)
	}
}

// ShortHelp implements help.KeyMap.
func (g Global) ShortHelp() []key.Binding { return []key.Binding{g.Help, g.ForceQuit} }

// FullHelp implements help.KeyMap.
func (g Global) FullHelp() [][]key.Binding { return [][]key.Binding{{g.Help, g.ForceQuit}} }

// ShortHelp implements help.KeyMap; the footer keeps its last binding (how
// to quit) at every width.
func (l List) ShortHelp() []key.Binding {
	return []key.Binding{l.Open, l.Filter, l.Failures, l.Sort, l.Groups, l.Compare, l.Export, l.Copy, l.Quit}
}

// FullHelp implements help.KeyMap.
func (l List) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom, l.Left, l.Right},
		{l.Open, l.Filter, l.Failures, l.Sort, l.Reverse, l.Groups, l.Copy, l.Export, l.ExportAll, l.Pause, l.Quit},
	}
}

// ShortHelp implements help.KeyMap.
func (g GroupView) ShortHelp() []key.Binding {
	return []key.Binding{g.Open, g.NextKey, g.Sort, g.Back, g.Quit}
}

// FullHelp implements help.KeyMap.
func (g GroupView) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{g.Up, g.Down, g.PageUp, g.PageDown, g.Top, g.Bottom},
		{g.Open, g.NextKey, g.PrevKey, g.Sort, g.Back, g.Quit},
		{g.NextKey2, g.PrevKey2, g.Expand, g.Collapse},
	}
}

// ShortHelp implements help.KeyMap.
func (d Detail) ShortHelp() []key.Binding {
	return []key.Binding{d.Back, d.Next, d.Prev, d.Compare, d.Mark, d.Copy, d.Export}
}

// FullHelp implements help.KeyMap.
func (d Detail) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{d.Up, d.Down, d.PageUp, d.PageDown, d.HalfUp, d.HalfDown, d.Top, d.Bottom},
		{d.Next, d.Prev, d.Copy, d.Export, d.Back},
	}
}

// ShortHelp implements help.KeyMap.
func (c Compare) ShortHelp() []key.Binding { return []key.Binding{c.Back, c.Down, c.Up, c.PageDown} }

// FullHelp implements help.KeyMap.
func (c Compare) FullHelp() [][]key.Binding {
	return [][]key.Binding{{c.Open, c.Mark, c.Up, c.Down, c.PageUp, c.PageDown, c.Top, c.Bottom, c.Back}}
}

// ShortHelp implements help.KeyMap.
func (f Filter) ShortHelp() []key.Binding { return []key.Binding{f.Apply, f.Clear, f.Complete, f.Prev} }

// FullHelp implements help.KeyMap.
func (f Filter) FullHelp() [][]key.Binding {
	return [][]key.Binding{{f.Apply, f.Clear, f.Complete, f.Prev, f.Next}}
}

// ShortHelp implements help.KeyMap.
func (k KeyLog) ShortHelp() []key.Binding { return []key.Binding{k.Load, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyLog) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Open, k.Load, k.Cancel}} }

// ShortHelp implements help.KeyMap.
func (h Help) ShortHelp() []key.Binding { return []key.Binding{h.Close, h.Down, h.Up, h.PageDown} }

// FullHelp implements help.KeyMap.
func (h Help) FullHelp() [][]key.Binding {
	return [][]key.Binding{{h.Up, h.Down, h.PageUp, h.PageDown, h.Top, h.Bottom, h.Close}}
}

// ShortHelp implements help.KeyMap.
func (e Export) ShortHelp() []key.Binding {
	return []key.Binding{e.Toggle, e.Confirm, e.Overwrite, e.Keep, e.Cancel, e.Close}
}

// FullHelp implements help.KeyMap.
func (e Export) FullHelp() [][]key.Binding {
	return [][]key.Binding{{e.Toggle, e.Secrets, e.Confirm, e.Cancel, e.Overwrite, e.Keep, e.Close}}
}

// Group is one mode's bindings with its title, in help and README order.
type Group struct {
	Title    string
	Bindings []key.Binding
}

// Groups lists every mode with all its bindings (enabled or not), flattened
// from FullHelp.
func (k KeyMap) Groups() []Group {
	flat := func(rows [][]key.Binding) []key.Binding {
		var out []key.Binding
		for _, r := range rows {
			out = append(out, r...)
		}
		return out
	}
	all := k
	all.Export.Overwrite.SetEnabled(true)
	all.Export.Keep.SetEnabled(true)
	all.Export.Close.SetEnabled(true)
	return []Group{
		{"Flow list", flat(all.List.FullHelp())},
		{"Flow pane", flat(all.Detail.FullHelp())},
		{"Filter input", flat(all.Filter.FullHelp())},
		{"Export dialog", flat(all.Export.FullHelp())},
		{"Group view", flat(all.GroupView.FullHelp())},
		{"Comparison", flat(all.Compare.FullHelp())},
		{"Key log prompt", flat(all.KeyLog.FullHelp())},
		{"Help screen", flat(all.Help.FullHelp())},
		{"Everywhere", flat(all.Global.FullHelp())},
	}
}
