package flowlist

import "slices"

// colID names a column; the display order is the order of columns below.
type colID int

const (
	colID_ colID = iota
	colTime
	colClient
	colServer
	colSNI
	colBadge
	colVersion
	colCipher
	colAlert
	colHandshake
	colPackets
	colBytes
	numCols
)

// Column is a column spec. Its width comes from the data on screen (the
// widest value, at most Max); a column that may be Cut gives up cells down
// to Min, cut in the middle, when the line is short. When even that does not
// fit, the lowest Priority drops first; 0 means never drop.
type Column struct {
	ID         colID
	Title      string
	Min, Max   int
	Priority   int
	AlignRight bool
	Cut        bool // text that may lose its middle; numbers and badges are never cut
	Lends      bool // may give a few cells to a more important column that misses by a few
}

// Col is a column laid out at a width.
type Col struct {
	Column
	Width int
}

// columns in display order. Priorities follow what a user came for: the
// badge and the id stay, then the SNI, the alert, the server, the time;
// the cipher goes first.
var columns = []Column{
	{ID: colID_, Title: "ID", Min: 2, Max: 8, AlignRight: true},
	{ID: colTime, Title: "TIME", Min: 8, Max: 12, Priority: 70},
	{ID: colClient, Title: "CLIENT", Min: 15, Max: 47, Priority: 60, Cut: true, Lends: true},
	{ID: colServer, Title: "SERVER", Min: 15, Max: 47, Priority: 80, Cut: true, Lends: true},
	{ID: colSNI, Title: "SNI", Min: 16, Max: 64, Priority: 90, Cut: true, Lends: true},
	{ID: colBadge, Title: "BADGE", Min: 5, Max: 10},
	{ID: colVersion, Title: "VER", Min: 3, Max: 7, Priority: 30},
	{ID: colCipher, Title: "CIPHER", Min: 12, Max: 40, Priority: 10, Cut: true, Lends: true},
	{ID: colAlert, Title: "ALERT", Min: 12, Max: 32, Priority: 85, Cut: true},
	{ID: colHandshake, Title: "HS TIME", Min: 7, Max: 9, Priority: 40, AlignRight: true},
	{ID: colPackets, Title: "PKTS", Min: 4, Max: 10, Priority: 20, AlignRight: true},
	{ID: colBytes, Title: "BYTES", Min: 5, Max: 14, Priority: 15, AlignRight: true},
}

// gap is the space between columns.
const gap = 1

// shrinkFor is the lowest priority a column may have to make columns that
// are already placed and Lend give up cells for it, at most maxTake of them
// and none below a column's Min: the time is worth a few cells of a long
// name (cut in its domain, its first label kept), the client is not, and an
// alert name is never cut for another column.
const (
	shrinkFor = 70
	maxTake   = 4
)

// want is each column's wanted width: the widest value on screen or the
// title, within [Min, Max] (the time wants its milliseconds).
type want [numCols]int

// fitColumns lays the columns out in width cells, by priority: each column
// gets its wanted width if it fits, else what is left if that is at least
// its Min and it may be cut; an important column (priority >= shrinkFor)
// that misses by a few cells takes them from cuttable columns already
// placed, lowest priority first, down to their Min. The rest drop. Columns keep
// their display order; cells left over stay blank at the right. Pure, so
// it is table-tested.
func fitColumns(width int, w want) []Col {
	order := make([]int, len(columns))
	for i := range order {
		order[i] = i
	}
	rank := func(c Column) int {
		if c.Priority == 0 {
			return 1 << 30
		}
		return c.Priority
	}
	slices.SortStableFunc(order, func(a, b int) int { return rank(columns[b]) - rank(columns[a]) })
	var placed []Col
	used := 0
	for _, i := range order {
		c := columns[i]
		sep := 0
		if len(placed) > 0 {
			sep = gap
		}
		left := width - used - sep
		if col, ok := place(c, w, left); ok {
			placed = append(placed, col)
			used += sep + col.Width
			continue
		}
		if c.Priority == 0 || c.Priority >= shrinkFor {
			need := c.Min - left
			if c.Priority == 0 {
				need = w[c.ID] - left
			}
			if need > spare(placed) || c.Priority > 0 && need > maxTake {
				continue
			}
			for need > 0 {
				j := lowestCuttable(placed)
				give := min(need, placed[j].Width-placed[j].Min)
				placed[j].Width -= give
				used -= give
				need -= give
			}
			cw := width - used - sep
			if c.Priority == 0 {
				cw = w[c.ID]
			}
			placed = append(placed, Col{Column: c, Width: cw})
			used += sep + cw
		}
	}
	slices.SortFunc(placed, func(a, b Col) int { return int(a.ID) - int(b.ID) })
	return placed
}

// scrolledColumns lays out the columns from the first-th on (after the id,
// which stays), in display order, each at its wanted width, until the line
// is full; the last one is cut when it may be. This is the sideways view.
func scrolledColumns(width int, w want, first int) []Col {
	out := []Col{{Column: columns[0], Width: w[colID_]}}
	used := w[colID_]
	for _, c := range columns[1+first:] {
		col, ok := place(c, w, width-used-gap)
		if !ok {
			return out
		}
		out = append(out, col)
		if col.Width < w[c.ID] { // cut: the line is full
			return out
		}
		used += gap + col.Width
	}
	return out
}

// place gives c its wanted width when left has room for it, else left when
// c may be cut and left is at least its Min; ok is false when neither.
func place(c Column, w want, left int) (col Col, ok bool) {
	switch {
	case w[c.ID] <= left:
		return Col{Column: c, Width: w[c.ID]}, true
	case c.Cut && c.Min <= left:
		return Col{Column: c, Width: left}, true
	}
	return Col{}, false
}

// spare is how many cells the cuttable placed columns can still give.
func spare(placed []Col) int {
	n := 0
	for _, p := range placed {
		if p.Lends {
			n += max(0, p.Width-p.Min)
		}
	}
	return n
}

func lowestCuttable(placed []Col) int {
	j := -1
	for i, p := range placed {
		if p.Lends && p.Width > p.Min && (j < 0 || p.Priority < placed[j].Priority) {
			j = i
		}
	}
	return j
}
