// Package detail is the flow pane: one flow's diagnosis, timeline, hellos,
// certificates and fingerprints in a scrolling viewport.
package detail

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// Model is the pane. It keeps a copy of the flow it shows, so a batch that
// updates the root's slice cannot change it behind the viewport's back.
type Model struct {
	keys   keymap.Detail
	st     styles.Styles
	vp     viewport.Model
	flow   model.Flow
	has    bool
	width  int
	height int
}

// New returns an empty pane.
func New(keys keymap.Detail, st styles.Styles) Model {
	vp := viewport.New()
	vp.KeyMap = viewportKeys(keys)
	return Model{keys: keys, st: st, vp: vp}
}

// viewportKeys starts from bubbles' pager keys and replaces every binding
// with ours, so f, b, d, u never scroll behind our back (STYLE §1.15).
func viewportKeys(k keymap.Detail) viewport.KeyMap {
	km := viewport.DefaultKeyMap()
	km.Up.SetKeys(k.Up.Keys()...)
	km.Down.SetKeys(k.Down.Keys()...)
	km.PageUp.SetKeys(k.PageUp.Keys()...)
	km.PageDown.SetKeys(k.PageDown.Keys()...)
	km.HalfPageUp.SetKeys(k.HalfUp.Keys()...)
	km.HalfPageDown.SetKeys(k.HalfDown.Keys()...)
	km.Left.SetEnabled(false)
	km.Right.SetEnabled(false)
	return km
}

// SetFlow shows a flow from the top.
func (m *Model) SetFlow(f *model.Flow) {
	m.flow, m.has = *f, true
	m.render()
	m.vp.GotoTop()
}

// Refresh re-renders the same flow (after a batch updated it) keeping the scroll.
func (m *Model) Refresh(f *model.Flow) {
	if !m.has || f.ID != m.flow.ID || f.Flow.Version == m.flow.Flow.Version {
		return
	}
	y := m.vp.YOffset()
	m.flow = *f
	m.render()
	m.vp.SetYOffset(y)
}

// FlowID is the flow on show, 0 for none.
func (m Model) FlowID() int {
	if !m.has {
		return 0
	}
	return m.flow.ID
}

// Flow is the flow on show.
func (m Model) Flow() *model.Flow { return &m.flow }

// SetSize re-lays the content out for the new width.
func (m *Model) SetSize(w, h int) {
	resized := w != m.width
	m.width, m.height = w, h
	m.vp.SetWidth(w)
	m.vp.SetHeight(h)
	if resized && m.has {
		y := m.vp.YOffset()
		m.render()
		m.vp.SetYOffset(y)
	}
}

// SetStyles swaps the palette.
func (m *Model) SetStyles(st styles.Styles) {
	m.st = st
	if m.has {
		m.render()
	}
}

func (m *Model) render() {
	m.vp.SetContentLines(Render(&m.flow, m.width, m.st))
}

// Update scrolls. Next, previous, copy, export and back belong to the parent.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.keys.Top):
			m.vp.GotoTop()
			return m, nil
		case key.Matches(k, m.keys.Bottom):
			m.vp.GotoBottom()
			return m, nil
		}
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

// ScrollPercent is how far down the pane is, for the status bar.
func (m Model) ScrollPercent() float64 { return m.vp.ScrollPercent() }

// YOffset is the first line shown.
func (m Model) YOffset() int { return m.vp.YOffset() }

// View is exactly the pane's height.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	return m.vp.View()
}

// Lines is the whole rendered content, for tests and copying.
func (m Model) Lines() []string { return Render(&m.flow, m.width, m.st) }
