// Package groupview is the explorer's group view: the flows the filter
// keeps, counted by one key (server, SNI, client, JA4 ...) and optionally
// split by a second, most failures first, each with its outcomes as a bar
// and in words and its failures over the capture's time as a sparkline.
package groupview

import (
	"fmt"
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
	"github.com/pcapsurgery/pcapsurgery/ui/flowlist"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// OpenMsg asks for the flows of one group: the parent puts the group's
// filter in the filter bar and shows the list.
type OpenMsg struct {
	By  []model.GroupKey
	Key []string
}

// RegroupMsg asks the parent to group by other keys, or in another order.
type RegroupMsg struct {
	By  []model.GroupKey
	Col model.GroupColumn
}

// Model is the group view: a plain component the root routes keys to.
// Rows are built from the set as they are shown: a million groups cost
// the view nothing until they scroll into sight.
type Model struct {
	keys          keymap.GroupView
	st            styles.Styles
	width, height int
	by            []model.GroupKey // the keys shown: one, or two with a second level
	set           *model.GroupSet
	flows         int // flows grouped, for the title line
	word          func(model.Outcome) string
	cursor, top   int               // rows: first-level groups and the open group's second level
	open          int               // the first-level group whose second level shows; -1 none
	col           model.GroupColumn // the sort order
	keyMax        int               // the widest key value, so short keys leave room for the words
	counting      bool              // a grouping is on its way
	loc           *time.Location    // where times are shown; nil is UTC
	note          string            // where the selected group's failures concentrate
}

// SetCounting says a grouping is on its way (the title says so).
func (m *Model) SetCounting(on bool) { m.counting = on }

// SetLocation shows times in loc (UTC when nil), as the list does.
func (m *Model) SetLocation(loc *time.Location) { m.loc = loc }

func (m Model) clock(t time.Time) string {
	if m.loc == nil {
		return t.UTC().Format("15:04:05")
	}
	return t.In(m.loc).Format("15:04:05")
}

// axis is "12:25:43-12:28:03 UTC": the span the sparklines divide, with
// the dates when it crosses midnight.
func (m Model) axis() string {
	loc := m.loc
	if loc == nil {
		loc = time.UTC
	}
	span := m.set.Span()
	from, to := span.From.In(loc), span.To.In(loc)
	layout := "15:04:05"
	if from.Format("2006-01-02") != to.Format("2006-01-02") {
		layout = "2006-01-02 15:04:05"
	}
	return from.Format(layout) + "-" + to.Format(layout) + " " + to.Format("MST")
}

// New builds an empty view.
// word names an outcome in the counts ("rst", "no-sh"): the parent's words.
func New(keys keymap.GroupView, st styles.Styles, word func(model.Outcome) string) Model {
	return Model{keys: keys, st: st, by: []model.GroupKey{model.ByServer}, word: word, open: -1}
}

// Column is the sort order the groups are in.
func (m Model) Column() model.GroupColumn { return m.col }

// Position is "sort failures  3/12": the order, the group under the
// cursor, of how many.
func (m Model) Position() string {
	pos := "0/0"
	if n := m.set.Len(); n > 0 {
		top, sub := m.rowAt(m.cursor)
		pos = strconv.Itoa(top+1) + "/" + strconv.Itoa(n)
		if sub >= 0 {
			pos += " (" + strconv.Itoa(sub+1) + "/" + strconv.Itoa(m.set.SubLen(top)) + ")"
		}
	}
	return "sort " + m.col.String() + "  " + pos
}

// SetSize gives the view its rows (a title, a column head, then groups).
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(w, 0), max(h, 0)
	m.clamp()
}

// SetStyles follows the terminal's background.
func (m *Model) SetStyles(st styles.Styles) { m.st = st }

// By is the keys the view groups by.
func (m Model) By() []model.GroupKey { return m.by }

// keySample bounds the groups whose width sizes the key column: the
// first screens decide it, not a million rows.
const keySample = 4096

// SetGroups shows a grouping by by (its set may carry a hidden second
// level for the note); new keys start at the top.
func (m *Model) SetGroups(by []model.GroupKey, set *model.GroupSet, flows int) {
	if !slices.Equal(by, m.by) {
		m.cursor, m.top, m.open = 0, 0, -1
	}
	if m.open >= set.Len() || len(by) < 2 {
		m.open = -1
	}
	m.by, m.set, m.flows, m.col = slices.Clone(by), set, flows, set.Column()
	m.keyMax = ansi.StringWidth(model.GroupTitle(by))
	for i := range min(set.Len(), keySample) {
		m.keyMax = max(m.keyMax, ansi.StringWidth(model.GroupKeyText(set.Key(i))))
	}
	if len(by) > 1 {
		m.keyMax += 2 // the second level is indented
	}
	m.clamp()
}

// rowCount is the first-level groups plus the open one's second level.
func (m Model) rowCount() int {
	n := m.set.Len()
	if m.open >= 0 {
		n += m.set.SubLen(m.open)
	}
	return n
}

// rowAt is the group at row r: its first-level index and, on a
// second-level row, its index there (else -1).
func (m Model) rowAt(r int) (top, sub int) {
	if m.open < 0 || r <= m.open {
		return r, -1
	}
	n := m.set.SubLen(m.open)
	if r <= m.open+n {
		return m.open, r - m.open - 1
	}
	return r - n, -1
}

func (m Model) groupAt(r int) model.Group {
	top, sub := m.rowAt(r)
	if sub >= 0 {
		return m.set.Sub(top, sub)
	}
	return m.set.At(top)
}

// Selected is the group under the cursor (a second-level one on its
// rows), nil when there is none.
func (m Model) Selected() *model.Group {
	if m.cursor < 0 || m.cursor >= m.rowCount() {
		return nil
	}
	g := m.groupAt(m.cursor)
	return &g
}

// rows is what is left after the title, the column head and the note line.
func (m Model) rows() int { return max(1, m.height-3) }

func (m *Model) clamp() {
	m.cursor = min(max(m.cursor, 0), max(m.rowCount()-1, 0))
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+m.rows() {
		m.top = m.cursor - m.rows() + 1
	}
	m.top = max(m.top, 0)
	m.note = ""
	if m.set.Len() == 0 {
		return
	}
	// The note: where the selected group's failures concentrate on one
	// value of the second key (model.Group.Concentration).
	top, _ := m.rowAt(m.cursor)
	if line, ok := m.set.Concentration(top); ok {
		m.note = model.GroupKeyText(m.set.Key(top)) + ": " + line
	}
}

// Update moves the cursor, opens a group, or asks for other keys or order.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	gk := m.keys
	switch {
	case key.Matches(k, gk.Up):
		m.cursor--
	case key.Matches(k, gk.Down):
		m.cursor++
	case key.Matches(k, gk.PageUp):
		m.cursor -= m.rows()
	case key.Matches(k, gk.PageDown):
		m.cursor += m.rows()
	case key.Matches(k, gk.Top):
		m.cursor = 0
	case key.Matches(k, gk.Bottom):
		m.cursor = m.rowCount() - 1
	case key.Matches(k, gk.Open):
		if g := m.Selected(); g != nil {
			msg := OpenMsg{By: slices.Clone(m.by[:len(g.Key)]), Key: slices.Clone(g.Key)}
			return m, func() tea.Msg { return msg }
		}
	case key.Matches(k, gk.Expand):
		if top, _ := m.rowAt(m.cursor); len(m.by) > 1 && m.set.Len() > 0 {
			m.open, m.cursor = top, top
		}
	case key.Matches(k, gk.Collapse):
		if top, _ := m.rowAt(m.cursor); m.open >= 0 {
			m.open, m.cursor = -1, top
		}
	case key.Matches(k, gk.Sort):
		i := slices.Index(model.GroupColumns, m.col)
		m.col = model.GroupColumns[(i+1)%len(model.GroupColumns)]
		m.cursor, m.top, m.open = 0, 0, -1 // the open group moves in the new order
		return m, m.regroup(m.by)
	case key.Matches(k, gk.NextKey), key.Matches(k, gk.PrevKey):
		step := 1
		if key.Matches(k, gk.PrevKey) {
			step = -1
		}
		by := []model.GroupKey{cycle(m.by[0], step)}
		if len(m.by) > 1 && m.by[1] != by[0] {
			by = append(by, m.by[1])
		}
		return m, m.regroup(by)
	case key.Matches(k, gk.NextKey2), key.Matches(k, gk.PrevKey2):
		step := 1
		if key.Matches(k, gk.PrevKey2) {
			step = -1
		}
		return m, m.regroup(secondKey(m.by, step))
	}
	m.clamp()
	return m, nil
}

func (m Model) regroup(by []model.GroupKey) tea.Cmd {
	msg := RegroupMsg{By: by, Col: m.col}
	return func() tea.Msg { return msg }
}

// cycle is the key step places after k in model.GroupKeys.
func cycle(k model.GroupKey, step int) model.GroupKey {
	n := len(model.GroupKeys)
	i := slices.Index(model.GroupKeys, k)
	return model.GroupKeys[((i+step)%n+n)%n]
}

// secondKey steps the second level through every key but the first, and
// none (one level) between the last and the first.
func secondKey(by []model.GroupKey, step int) []model.GroupKey {
	choices := []model.GroupKey{""} // none
	for _, k := range model.GroupKeys {
		if k != by[0] {
			choices = append(choices, k)
		}
	}
	cur := model.GroupKey("")
	if len(by) > 1 {
		cur = by[1]
	}
	n := len(choices)
	next := choices[((slices.Index(choices, cur)+step)%n+n)%n]
	if next == "" {
		return by[:1:1]
	}
	return []model.GroupKey{by[0], next}
}

// Column widths; the key takes what is left, the words the rest of the line.
const (
	timeW    = 8   // 15:04:05
	wideFrom = 120 // columns from which first and last times show
	shareW   = 5
	wordsW   = 16
	barW     = 6 // the outcome bar; wider from wideFrom
	barWide  = 10
	answerW  = 15 // "12.3ms/1.52s"
)

// TimingsFrom is the width from which the rows show the server's answer
// time (ClientHello to ServerHello) p50/p90, when the grouping kept timings.
const TimingsFrom = 160

// View is the title line, the column head and one line per row.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	spark := model.GroupBuckets
	wide := m.width >= wideFrom // room for the first and last times
	numW := max(5, len(strconv.Itoa(m.flows)))
	bw := barW
	if wide {
		bw = barWide
	}
	fixed := 2*numW + shareW + spark + bw + 6
	if wide {
		fixed += 2 * (timeW + 1)
	}
	timed := m.width >= TimingsFrom && m.set.Timed()
	if timed {
		fixed += answerW + 1
	}
	keyW := min(40, m.keyMax, max(12, m.width-fixed-wordsW))
	title := "counting groups by " + model.GroupTitle(m.by) + "..."
	if !m.counting && m.set != nil {
		title = fmt.Sprintf("%s of %s flows by %s  failures over %s", plural(m.set.Len(), "group"),
			strconv.Itoa(m.flows), model.GroupTitle(m.by), m.axis())
	}
	lines := []string{m.st.Title.Render(cells.Pad(title, m.width))}
	cols := []string{cells.Pad(model.GroupTitle(m.by), keyW), padLeft("FLOWS", numW), padLeft("FAILS", numW),
		padLeft("SHARE", shareW), cells.Pad("FAILURES OVER TIME", spark)}
	if wide {
		cols = append(cols, cells.Pad("FIRST", timeW), cells.Pad("LAST", timeW))
	}
	if timed {
		cols = append(cols, cells.Pad("ANSWER P50/P90", answerW))
	}
	head := strings.Join(append(cols, "OUTCOMES"), " ")
	lines = append(lines, m.st.ColumnHead.Render(cells.Pad(head, m.width)))
	if m.set.Len() == 0 && !m.counting {
		lines = append(lines, "no flows match the filter")
	}
	for r := m.top; r < m.rowCount() && r < m.top+m.rows(); r++ {
		_, sub := m.rowAt(r)
		g := m.groupAt(r)
		name := model.GroupKeyText(g.Key[len(g.Key)-1])
		switch {
		case sub >= 0:
			name = "  " + name
		case r == m.open:
			name = "▾ " + name
		case len(m.by) > 1:
			name = "▸ " + name
		}
		row := []string{cells.Pad(model.Clip(name, keyW), keyW),
			padLeft(strconv.Itoa(g.Flows), numW), padLeft(strconv.Itoa(g.Failures), numW),
			padLeft(model.SharePercent(g.Share()), shareW), model.Sparkline(g.Buckets)}
		if wide {
			row = append(row, m.clock(g.First), m.clock(g.Last))
		}
		if timed {
			row = append(row, cells.Pad(answer(g.Timings), answerW))
		}
		plain := strings.Join(append(row, m.bar(&g, bw, false), m.counts(&g)), " ")
		if r == m.cursor {
			lines = append(lines, m.st.Selected.Render(cells.Pad(plain, m.width)))
			continue
		}
		// The bar in its badges' colours: the glyphs alone still tell
		// failures (█) from successes (░) and the rest (▒).
		left := strings.Join(row, " ") + " "
		if ansi.StringWidth(left) >= m.width {
			lines = append(lines, cells.Pad(plain, m.width))
			continue
		}
		rest := cells.Pad(" "+m.counts(&g), m.width-ansi.StringWidth(left)-bw)
		lines = append(lines, left+m.bar(&g, bw, true)+rest)
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	if m.note != "" && m.height >= 4 {
		lines = append(lines[:m.height-1], m.st.Warn.Render(cells.Pad(m.note, m.width)))
	}
	return strings.Join(lines, "\n")
}

// answer is the server's answer time (ClientHello to ServerHello) p50/p90
// over the group's flows that showed one, "-" when none did.
func answer(t *model.GroupTimings) string {
	if t == nil || t[model.PhaseServerAnswer].N == 0 {
		return "-"
	}
	a := t[model.PhaseServerAnswer]
	return flowlist.Duration(a.P50) + "/" + flowlist.Duration(a.P90)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func padLeft(s string, w int) string {
	if sw := ansi.StringWidth(s); sw < w {
		return strings.Repeat(" ", w-sw) + s
	}
	return s
}
