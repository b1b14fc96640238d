// Package groupview is the explorer's group view: the flows the filter
// keeps, counted by one key (server, SNI, client, JA4 ...), most failures
// first, each with its failures over the capture's time as a sparkline.
package groupview

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// OpenMsg asks for the flows of one group: the parent puts the group's
// filter in the filter bar and shows the list.
type OpenMsg struct {
	By  []model.GroupKey
	Key []string
}

// RegroupMsg asks the parent to group by another key.
type RegroupMsg struct{ By model.GroupKey }

// Model is the group view: a plain component the root routes keys to.
type Model struct {
	keys          keymap.GroupView
	st            styles.Styles
	width, height int
	by            []model.GroupKey
	groups        []model.Group
	flows         int // flows grouped, for the title line
	word          func(model.Outcome) string
	cursor, top   int
	col           model.GroupColumn // the sort order
	span          model.Span        // the sparklines' axis
	keyMax        int               // the widest key value, so short keys leave room for the words
	counting      bool              // a grouping is on its way
	loc           *time.Location    // where times are shown; nil is UTC
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
	from, to := m.span.From.In(loc), m.span.To.In(loc)
	layout := "15:04:05"
	if from.Format("2006-01-02") != to.Format("2006-01-02") {
		layout = "2006-01-02 15:04:05"
	}
	return from.Format(layout) + "-" + to.Format(layout) + " " + to.Format("MST")
}

// New builds an empty view.
// word names an outcome in the counts ("rst", "no-sh"): the parent's words.
func New(keys keymap.GroupView, st styles.Styles, word func(model.Outcome) string) Model {
	return Model{keys: keys, st: st, by: []model.GroupKey{model.ByServer}, word: word}
}

// Column is the sort order the groups are in.
func (m Model) Column() model.GroupColumn { return m.col }

// Position is "sort failures  3/12": the order, the group under the
// cursor, of how many.
func (m Model) Position() string {
	pos := "0/0"
	if len(m.groups) > 0 {
		pos = strconv.Itoa(m.cursor+1) + "/" + strconv.Itoa(len(m.groups))
	}
	return "sort " + m.col.String() + "  " + pos
}

// sort puts the groups (and each one's second level) in the view's order.
func (m *Model) sort() {
	model.SortGroups(m.groups, m.col)
	for i := range m.groups {
		model.SortGroups(m.groups[i].Sub, m.col)
	}
}

// counts is the group's outcomes in words, failures first so a narrow
// screen keeps them: "10 alert 1 rst 12 ok".
func (m Model) counts(g *model.Group) string {
	var parts []string
	for _, failed := range []bool{true, false} {
		for _, o := range model.Outcomes {
			if n := g.Count(o); n > 0 && o.Failed() == failed {
				w := string(o)
				if m.word != nil && m.word(o) != "" {
					w = m.word(o)
				}
				parts = append(parts, strconv.Itoa(n)+" "+w)
			}
		}
	}
	return strings.Join(parts, " ")
}

// SetSize gives the view its rows (a title, a column head, then groups).
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(w, 0), max(h, 0)
	m.clamp()
}

// SetStyles follows the terminal's background.
func (m *Model) SetStyles(st styles.Styles) { m.st = st }

// By is the key the view groups by.
func (m Model) By() []model.GroupKey { return m.by }

// SetGroups shows groups of flows made by by; a new key starts at the top.
func (m *Model) SetGroups(by []model.GroupKey, groups []model.Group, flows int, span model.Span) {
	m.span = span
	if !slices.Equal(by, m.by) {
		m.cursor, m.top = 0, 0
	}
	m.by, m.groups, m.flows = slices.Clone(by), groups, flows
	m.keyMax = ansi.StringWidth(model.GroupTitle(by))
	for i := range groups {
		m.keyMax = max(m.keyMax, ansi.StringWidth(model.GroupKeyText(groups[i].Key[len(groups[i].Key)-1])))
	}
	if m.col != model.GroupByFailures { // the grouper sorts by failures
		m.sort()
	}
	m.clamp()
}

// Selected is the group under the cursor, nil when there is none.
func (m Model) Selected() *model.Group {
	if m.cursor < 0 || m.cursor >= len(m.groups) {
		return nil
	}
	return &m.groups[m.cursor]
}

// rows is what is left after the title, the column head and the note line.
func (m Model) rows() int { return max(1, m.height-3) }

// note is the line under the rows: where the selected group's failures
// concentrate, when they do (model.Group.Concentration).
func (m Model) note() string {
	g := m.Selected()
	if g == nil || len(g.Sub) == 0 {
		return ""
	}
	if line, ok := g.Concentration(m.by[0].Contrast()); ok {
		return model.GroupKeyText(g.Key[0]) + ": " + line
	}
	return ""
}

func (m *Model) clamp() {
	m.cursor = min(max(m.cursor, 0), max(len(m.groups)-1, 0))
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+m.rows() {
		m.top = m.cursor - m.rows() + 1
	}
	m.top = max(m.top, 0)
}

// Update moves the cursor, opens a group, or asks for the next key.
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
		m.cursor = len(m.groups) - 1
	case key.Matches(k, gk.Open):
		if g := m.Selected(); g != nil {
			msg := OpenMsg{By: slices.Clone(m.by[:len(g.Key)]), Key: slices.Clone(g.Key)}
			return m, func() tea.Msg { return msg }
		}
	case key.Matches(k, gk.Sort):
		i := slices.Index(model.GroupColumns, m.col)
		m.col = model.GroupColumns[(i+1)%len(model.GroupColumns)]
		m.sort()
		m.cursor, m.top = 0, 0
	case key.Matches(k, gk.NextKey), key.Matches(k, gk.PrevKey):
		step := 1
		if key.Matches(k, gk.PrevKey) {
			step = -1
		}
		next := cycle(m.by[0], step)
		return m, func() tea.Msg { return RegroupMsg{By: next} }
	}
	m.clamp()
	return m, nil
}

// cycle is the key step places after k in model.GroupKeys.
func cycle(k model.GroupKey, step int) model.GroupKey {
	n := len(model.GroupKeys)
	i := slices.Index(model.GroupKeys, k)
	return model.GroupKeys[((i+step)%n+n)%n]
}

// Column widths; the key takes what is left, the words the rest of the line.
const (
	timeW    = 8   // 15:04:05
	wideFrom = 120 // columns from which first and last times show
	numW     = 7
	shareW   = 5
	wordsW   = 16
)

// View is the title line, the column head and one line per group.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	spark := model.GroupBuckets
	wide := m.width >= wideFrom // room for the first and last times
	fixed := 2*numW + shareW + spark + 5
	if wide {
		fixed += 2 * (timeW + 1)
	}
	keyW := min(40, m.keyMax, max(12, m.width-fixed-wordsW))
	title := fmt.Sprintf("%s of %s flows by %s  failures over %s", plural(len(m.groups), "group"),
		strconv.Itoa(m.flows), model.GroupTitle(m.by), m.axis())
	if m.counting {
		title = "counting groups by " + model.GroupTitle(m.by) + "..."
	}
	lines := []string{m.st.Title.Render(pad(title, m.width))}
	cols := []string{pad(model.GroupTitle(m.by), keyW), padLeft("FLOWS", numW), padLeft("FAILS", numW),
		padLeft("SHARE", shareW), pad("FAILURES OVER TIME", spark)}
	if wide {
		cols = append(cols, pad("FIRST", timeW), pad("LAST", timeW))
	}
	head := strings.Join(append(cols, "OUTCOMES"), " ")
	lines = append(lines, m.st.ColumnHead.Render(pad(head, m.width)))
	if len(m.groups) == 0 {
		lines = append(lines, "no flows match the filter")
	}
	for i := m.top; i < len(m.groups) && i < m.top+m.rows(); i++ {
		g := &m.groups[i]
		cells := []string{pad(model.Clip(model.GroupKeyText(g.Key[len(g.Key)-1]), keyW), keyW),
			padLeft(strconv.Itoa(g.Flows), numW), padLeft(strconv.Itoa(g.Failures), numW),
			padLeft(model.SharePercent(g.Share()), shareW), model.Sparkline(g.Buckets)}
		if wide {
			cells = append(cells, m.clock(g.First), m.clock(g.Last))
		}
		row := strings.Join(append(cells, m.counts(g)), " ")
		row = pad(row, m.width)
		if i == m.cursor {
			row = m.st.Selected.Render(row)
		}
		lines = append(lines, row)
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	if n := m.note(); n != "" && m.height >= 4 {
		lines = append(lines[:m.height-1], m.st.Warn.Render(pad(n, m.width)))
	}
	return strings.Join(lines, "\n")
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

func pad(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "")
	}
	return s + strings.Repeat(" ", w-sw)
}
