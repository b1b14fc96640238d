package flowlist

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
)

// Column is a column spec: it shrinks to Min, grows to Max, and columns with
// the lowest Priority drop first when even the minimums do not fit.
// Priority 0 means never drop.
type Column struct {
	ID         colID
	Title      string
	Min, Max   int
	Priority   int
	AlignRight bool
}

// Col is a column laid out at a width.
type Col struct {
	Column
	Width int
}

// columns in display order. Badge is wide enough for "NO SYN-ACK"; the id
// column fits seven digits (a million flows).
var columns = []Column{
	{ID: colID_, Title: "ID", Min: 7, Max: 7, AlignRight: true},
	{ID: colTime, Title: "TIME", Min: 8, Max: 12, Priority: 60},
	{ID: colClient, Title: "CLIENT", Min: 15, Max: 47, Priority: 50},
	{ID: colServer, Title: "SERVER", Min: 21, Max: 47, Priority: 80},
	{ID: colSNI, Title: "SNI", Min: 16, Max: 64, Priority: 90},
	{ID: colBadge, Title: "BADGE", Min: 10, Max: 10},
	{ID: colVersion, Title: "VER", Min: 3, Max: 7, Priority: 30},
	{ID: colCipher, Title: "CIPHER", Min: 12, Max: 40, Priority: 10},
	{ID: colAlert, Title: "ALERT", Min: 16, Max: 28, Priority: 85},
	{ID: colHandshake, Title: "HS TIME", Min: 7, Max: 9, Priority: 40, AlignRight: true},
}

// gap is the space between columns.
const gap = 1

// fitColumns lays the columns out in width cells: drop the lowest priority
// until the minimums fit, grow every kept column a cell at a time in priority
// order up to its Max, then give what is left to the SNI. Pure, so it is
// table-tested.
func fitColumns(width int) []Col {
	kept := make([]Col, 0, len(columns))
	for _, c := range columns {
		kept = append(kept, Col{Column: c, Width: c.Min})
	}
	total := func() int {
		n := 0
		for _, c := range kept {
			n += c.Width
		}
		return n + gap*max(0, len(kept)-1)
	}
	for total() > width {
		low := -1
		for i, c := range kept {
			if c.Priority > 0 && (low < 0 || c.Priority < kept[low].Priority) {
				low = i
			}
		}
		if low < 0 {
			break // only id and badge left: they never drop
		}
		kept = append(kept[:low], kept[low+1:]...)
	}
	extra := width - total()
	order := byPriority(kept)
	for extra > 0 {
		grew := false
		for _, i := range order {
			if extra > 0 && kept[i].Width < kept[i].Max {
				kept[i].Width++
				extra--
				grew = true
			}
		}
		if !grew {
			break
		}
	}
	if extra > 0 {
		for i := range kept {
			if kept[i].ID == colSNI {
				kept[i].Width += extra
			}
		}
	}
	return kept
}

// byPriority returns indices of cols, never-drop first, then by priority.
func byPriority(cols []Col) []int {
	idx := make([]int, len(cols))
	for i := range idx {
		idx[i] = i
	}
	rank := func(c Col) int {
		if c.Priority == 0 {
			return 1 << 30
		}
		return c.Priority
	}
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && rank(cols[idx[j]]) > rank(cols[idx[j-1]]); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}
