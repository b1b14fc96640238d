package ui

// layout is where every part of the screen goes, computed in Update from the
// window size and the mode by a pure function; View only reads it.
type layout struct {
	width, height int
	progress      bool // a progress line under the header while loading
	filter        bool // the filter line above the status bar
	filterMsg     bool // and a line under it for its error or completions
	body          int  // rows for the list or the pane
}

func computeLayout(w, h int, loading, filterLine bool) layout {
	l := layout{width: max(w, 0), height: max(h, 0), progress: loading, filter: filterLine}
	fixed := 2 // header and status
	if loading {
		fixed++
	}
	if filterLine {
		fixed++
	}
	l.body = max(0, l.height-fixed)
	return l
}

// relayout recomputes the layout and resizes the children.
func (m *Model) relayout(w, h int) {
	filterLine := m.mode == modeFilter || m.fbar.Value() != "" || m.fbar.Err() != ""
	m.lay = computeLayout(w, h, m.loading, filterLine)
	if m.mode == modeHelp {
		m.keepHelp()
	}
	if filterLine && m.fbar.Lines() > 1 { // the bar's error or completions under it
		m.lay.filterMsg = true
		m.lay.body = max(0, m.lay.body-1)
	}
	m.list.SetSize(m.lay.width, m.lay.body)
	m.groups.SetSize(m.lay.width, m.lay.body)
	m.cmp.SetSize(m.lay.width, m.lay.body)
	m.detail.SetSize(m.lay.width, m.lay.body)
	m.fbar.SetWidth(m.lay.width)
	m.dlg.SetWidth(m.lay.width)
	m.klIn.SetWidth(max(10, m.lay.width-len(keyLogPrompt)-1))
	m.status.SetWidth(m.lay.width)
	m.bar.SetWidth(max(10, min(40, m.lay.width/5)))
}
