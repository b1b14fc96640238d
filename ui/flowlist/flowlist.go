// Package flowlist is the flow table. It renders only the rows on screen
// from the root's flow slice and a list of visible indices, so a key press
// costs the same with ten flows or a million (bubbles table materialises
// every row: STYLE §4).
package flowlist

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/ui/cells"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// OpenMsg asks the parent to open a flow in the pane.
type OpenMsg struct{ ID int }

// rowKey identifies a rendered row: a flow changes version when a batch
// updates it, and a resize changes the width.
type rowKey struct {
	id      int // the flow's ID, not its place: places move when live input drops flows
	version uint32
	width   int
	layout  int // bumped whenever the columns change
}

const maxCache = 4096 // a few screens; dropped wholesale when full

// Model is the list. It does not own the flows: SetData hands it the
// root's slices, which it only reads.
type Model struct {
	keys    keymap.List
	st      styles.Styles
	flows   []model.Flow
	visible []int32

	width, height int // height includes the column header
	cols          []Col
	hidden        int // columns not on screen
	beyond        int // sideways view: columns (or the rest of one) past the right edge
	layout        int // generation of cols, part of the row cache key
	first         int // sideways view: columns skipped after the id; 0 = fit by priority
	cursor        int // index into visible
	offset        int // first visible row shown
	cache         map[rowKey]string
	fitted        fitted // what the columns were last fitted to

	loc  *time.Location // times are shown in this zone
	zone string         // and the header says which, once
}

// New returns an empty list showing times in UTC.
func New(keys keymap.List, st styles.Styles) Model {
	return Model{keys: keys, st: st, cache: map[rowKey]string{}, loc: time.UTC, zone: "UTC"}
}

// SetLocation shows times in loc (UTC by default); the TIME column's title
// names the zone.
func (m *Model) SetLocation(loc *time.Location) {
	if loc == nil {
		loc = time.UTC
	}
	m.loc = loc
	clear(m.cache)
	m.fit()
}

// SetStyles swaps the palette and drops rendered rows.
func (m *Model) SetStyles(st styles.Styles) {
	m.st = st
	clear(m.cache)
}

// SetSize lays the columns out again; a width change drops the cache.
func (m *Model) SetSize(w, h int) {
	if w == m.width && h == m.height {
		return // the same size (opening the pane re-lays everything out)
	}
	if w != m.width {
		clear(m.cache)
	}
	m.width, m.height = w, h
	m.clamp()
	m.fit()
}

// SetData hands the list the flows and the visible order. cursor is where
// the selection should be in the new order (-1 keeps the current index).
func (m *Model) SetData(flows []model.Flow, visible []int32, cursor int) {
	m.flows, m.visible = flows, visible
	if cursor >= 0 {
		m.cursor = cursor
	}
	if len(m.cache) > maxCache {
		clear(m.cache)
	}
	m.clamp()
	m.fit()
}

// Visible is the current order (shared, read-only).
func (m Model) Visible() []int32 { return m.visible }

// Cursor is the selected position in Visible.
func (m Model) Cursor() int { return m.cursor }

// Selected is the selected flow's ID, 0 when the list is empty.
func (m Model) Selected() int {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return 0
	}
	return m.flows[m.visible[m.cursor]].ID
}

// SetCursor moves the selection to position i.
func (m *Model) SetCursor(i int) {
	m.cursor = i
	m.clamp()
	m.fit()
}

// fit sizes the columns from the rows on screen. Only those rows are read,
// so it costs the same with ten flows or a million; a key that leaves the
// rows on screen unchanged leaves the columns unchanged too.
func (m *Model) fit() {
	if m.fitted.same(m) {
		return // each batch of a load: the rows on screen are mostly the same flows
	}
	defer m.fitted.keep(m)
	var w want
	for _, c := range columns {
		w[c.ID] = max(c.Min, ansi.StringWidth(c.Title))
	}
	zone := "UTC"
	rows := m.rows()
	for i := 0; i < rows && m.offset+i < len(m.visible); i++ {
		f := &m.flows[m.visible[m.offset+i]]
		if i == 0 {
			zone, _ = f.First.In(m.loc).Zone()
		}
		for _, c := range columns {
			tw := ansi.StringWidth(m.text(f, c.ID, c.Max))
			w[c.ID] = max(w[c.ID], min(tw, c.Max))
		}
	}
	m.zone = zone
	w[colTime] = max(w[colTime], len("TIME ")+len(zone))
	var cols []Col
	if m.first > 0 {
		cols = scrolledColumns(m.width, w, m.first)
	} else {
		cols = fitColumns(m.width, w)
	}
	if !slices.Equal(cols, m.cols) {
		m.cols = cols
		m.layout++
	}
	m.hidden = len(columns) - len(cols)
	m.beyond = 0
	if m.first > 0 && len(cols) > 0 {
		last := cols[len(cols)-1]
		m.beyond = len(columns) - 1 - int(last.ID)
		if last.Width < w[last.ID] {
			m.beyond++
		}
	}
}

// fitted is what fit read last: the same flows (a published flow never
// changes; a batch's update is a new one), in the same width, sideways
// view and zone, fit to the same columns.
type fitted struct {
	flows []model.Flow // the rows on screen; never written, only replaced (models are copied)
	width int
	first int
	loc   *time.Location
	ok    bool
}

// onScreen is how many rows fit reads.
func (m *Model) onScreen() int { return max(0, min(m.rows(), len(m.visible)-m.offset)) }

func (k *fitted) same(m *Model) bool {
	n := m.onScreen()
	if !k.ok || k.width != m.width || k.first != m.first || k.loc != m.loc || len(k.flows) != n {
		return false
	}
	for i, f := range k.flows {
		if m.flows[m.visible[m.offset+i]] != f {
			return false
		}
	}
	return true
}

func (k *fitted) keep(m *Model) {
	flows := make([]model.Flow, m.onScreen())
	for i := range flows {
		flows[i] = m.flows[m.visible[m.offset+i]]
	}
	*k = fitted{flows: flows, width: m.width, first: m.first, loc: m.loc, ok: true}
}

// scroll moves the sideways view by step columns. 0 is the view fitted by
// priority; to its right the columns follow in display order from the
// first-th, until the last one is on screen.
func (m *Model) scroll(step int) {
	if step > 0 && (m.first == 0 && m.hidden == 0 || m.first > 0 && m.beyond == 0) {
		return // nothing more to the right
	}
	m.first = max(0, min(m.first+step, len(columns)-2))
	m.fit()
}

// OffScreen is how many columns are not on screen: dropped by the fitted
// view, or left and right of the sideways view.
func (m Model) OffScreen() (left, right int) {
	if m.first > 0 {
		return m.first, m.beyond
	}
	return 0, m.hidden
}

func (m Model) rows() int { return max(0, m.height-1) }

// clamp keeps the cursor inside the list and on screen.
func (m *Model) clamp() {
	n := len(m.visible)
	m.cursor = max(0, min(m.cursor, n-1))
	rows := m.rows()
	if rows <= 0 {
		m.offset = 0
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(0, min(m.offset, n-rows))
}

// Update moves the selection; enter opens. Other list keys belong to the parent.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	page := max(1, m.rows())
	offset := m.offset
	switch {
	case key.Matches(k, m.keys.Up):
		m.cursor--
	case key.Matches(k, m.keys.Down):
		m.cursor++
	case key.Matches(k, m.keys.PageUp):
		m.cursor -= page
		m.offset -= page
	case key.Matches(k, m.keys.PageDown):
		m.cursor += page
		m.offset += page
	case key.Matches(k, m.keys.Top):
		m.cursor = 0
	case key.Matches(k, m.keys.Bottom):
		m.cursor = len(m.visible) - 1
	case key.Matches(k, m.keys.Right):
		m.scroll(1)
		return m, nil
	case key.Matches(k, m.keys.Left):
		m.scroll(-1)
		return m, nil
	case key.Matches(k, m.keys.Open):
		if id := m.Selected(); id > 0 {
			return m, func() tea.Msg { return OpenMsg{ID: id} }
		}
	}
	m.clamp()
	if m.offset != offset {
		m.fit()
	}
	return m, nil
}

// View renders the column header and the rows on screen, exactly height lines.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.st.ColumnHead.Render(m.header()))
	rows := m.rows()
	for i := 0; i < rows; i++ {
		b.WriteByte('\n')
		p := m.offset + i
		if p >= len(m.visible) {
			if p == 0 && i == 0 {
				b.WriteString(m.st.Muted.Render(cells.Pad("no flows match", m.width)))
			}
			continue
		}
		b.WriteString(m.row(m.visible[p], p == m.cursor))
	}
	return b.String()
}

func (m Model) header() string {
	var b strings.Builder
	for i, c := range m.cols {
		if i > 0 {
			b.WriteString(" ")
		}
		title := c.Title
		if c.ID == colTime {
			title += " " + m.zone // the zone, said once
		}
		b.WriteString(cell(title, c.Width, c.AlignRight))
	}
	s := strings.TrimRight(b.String(), " ")
	// Say what is off screen, and which way it is.
	var more string
	switch {
	case m.first > 0 && m.beyond > 0:
		more = "<- " + strconv.Itoa(m.first) + " | " + strconv.Itoa(m.beyond) + " ->"
	case m.first > 0:
		more = "<- " + strconv.Itoa(m.first)
	case m.hidden > 0:
		more = "+" + strconv.Itoa(m.hidden) + " cols ->"
	}
	if more != "" && ansi.StringWidth(s)+2+len(more) <= m.width {
		s += strings.Repeat(" ", m.width-ansi.StringWidth(s)-len(more)) + more
	}
	return cells.Pad(s, m.width)
}

// row renders one flow; unselected rows come from the cache. The selected
// row is plain text in reverse video so it reads without colour.
func (m Model) row(idx int32, selected bool) string {
	f := &m.flows[idx]
	if selected {
		return m.st.Selected.Render(cells.Pad(m.cells(f, false), m.width))
	}
	k := rowKey{id: f.ID, version: f.Flow.Version, width: m.width, layout: m.layout}
	if s, ok := m.cache[k]; ok {
		return s
	}
	s := cells.Pad(m.cells(f, true), m.width)
	m.cache[k] = s // the map is shared by value copies: a cache, not state
	return s
}

func (m Model) cells(f *model.Flow, colour bool) string {
	var b strings.Builder
	for i, c := range m.cols {
		if i > 0 {
			b.WriteString(" ")
		}
		t := m.text(f, c.ID, c.Width)
		switch {
		case c.ID == colSNI:
			t = CutHost(t, c.Width)
		case c.Cut:
			t = CutMiddle(t, c.Width)
		}
		t = cell(t, c.Width, c.AlignRight)
		if colour && c.ID == colBadge {
			t = m.st.Badge(f.Outcome, t)
		}
		b.WriteString(t)
	}
	return b.String()
}

// text is a flow's text in a column of width w: the time loses its
// milliseconds when there is no room for them.
func (m Model) text(f *model.Flow, id colID, w int) string {
	if id == colTime {
		t := f.First.In(m.loc)
		if w < 12 {
			return t.Format("15:04:05")
		}
		return t.Format("15:04:05.000")
	}
	return Text(f, id)
}

// Text is a flow's plain text in a column; every packet string is already
// printable (model sanitises SNI, ALPN and certificate fields).
func Text(f *model.Flow, id colID) string {
	switch id {
	case colID_:
		return strconv.Itoa(f.ID)
	case colTime:
		return f.First.UTC().Format("15:04:05.000")
	case colClient:
		return f.Client.String()
	case colServer:
		return f.Server.String()
	case colSNI:
		return dash(f.SNI())
	case colBadge:
		return f.Badge
	case colVersion:
		return dash(f.VersionShort())
	case colCipher:
		return dash(f.CipherShort())
	case colAlert:
		return dash(f.AlertName())
	case colHandshake:
		if d, ok := f.HandshakeTime(); ok {
			return Duration(time.Duration(d))
		}
		return "-"
	case colPackets:
		return strconv.Itoa(f.Packets())
	case colBytes:
		return strconv.FormatInt(f.Bytes, 10)
	}
	return ""
}

// Duration is a compact human duration: 850us, 12.3ms, 1.52s.
func Duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return strconv.FormatInt(d.Microseconds(), 10) + "us"
	case d < 100*time.Millisecond:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + "ms"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	case d < 100*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	case d < 100*time.Hour:
		return d.Round(time.Second).String()
	}
	// Days: an absurd span (clocks set wrong, a crafted file) stays short
	// and reads as what it is.
	return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cell clips or pads s to exactly w cells.
func cell(s string, w int, right bool) string {
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, w, "~")
	}
	p := strings.Repeat(" ", w-ansi.StringWidth(s))
	if right {
		return p + s
	}
	return s + p
}
