package flowlist

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// typical is what a screen of IPv4 flows wants: the widest value per column.
func typical() want {
	var w want
	for _, c := range columns {
		w[c.ID] = max(c.Min, len(c.Title))
	}
	w[colID_] = 2
	w[colTime] = 12
	w[colClient] = 18 // 10.16.21.190:37499
	w[colServer] = 17 // 198.51.100.17:443
	w[colSNI] = 25    // intranet-175.example.test
	w[colBadge] = 7
	w[colVersion] = 3
	w[colCipher] = 29
	w[colAlert] = 16
	w[colHandshake] = 7
	w[colPackets] = 4
	w[colBytes] = 5
	return w
}

func widths(cols []Col) map[colID]int {
	out := map[colID]int{}
	for _, c := range cols {
		out[c.ID] = c.Width
	}
	return out
}

func total(cols []Col) int {
	n := gap * (len(cols) - 1)
	for _, c := range cols {
		n += c.Width
	}
	return n
}

func TestFitColumns(t *testing.T) {
	w := typical()
	tests := []struct {
		width      int
		want, gone []colID
	}{
		// 80x24: the SNI whole, the alert, the server and the time; the
		// client and the rest one key away (right).
		{80, []colID{colID_, colTime, colServer, colSNI, colBadge, colAlert}, []colID{colCipher, colClient}},
		{100, []colID{colID_, colTime, colClient, colServer, colSNI, colBadge, colAlert}, []colID{colCipher}},
		{200, []colID{colID_, colTime, colClient, colServer, colSNI, colBadge, colVersion, colCipher, colAlert, colHandshake, colPackets, colBytes}, nil},
		{20, []colID{colID_, colBadge}, []colID{colServer, colCipher}},
	}
	for _, tt := range tests {
		cols := fitColumns(tt.width, w)
		got := widths(cols)
		for _, id := range tt.want {
			if _, ok := got[id]; !ok {
				t.Errorf("width %d: %s dropped, want kept", tt.width, columns[id].Title)
			}
		}
		for _, id := range tt.gone {
			if _, ok := got[id]; ok {
				t.Errorf("width %d: %s kept, want dropped", tt.width, columns[id].Title)
			}
		}
		if total(cols) > tt.width {
			t.Errorf("width %d: columns take %d cells", tt.width, total(cols))
		}
		for _, c := range cols {
			if c.Width < c.Min && tt.width >= 40 {
				t.Errorf("width %d: %s is %d wide, below its minimum %d", tt.width, c.Title, c.Width, c.Min)
			}
			if c.Width > w[c.ID] {
				t.Errorf("width %d: %s padded to %d cells for %d-cell values", tt.width, c.Title, c.Width, w[c.ID])
			}
		}
		if tt.width >= 80 && got[colSNI] != w[colSNI] {
			t.Errorf("width %d: SNI cut to %d cells, want its %d", tt.width, got[colSNI], w[colSNI])
		}
		for i := 1; i < len(cols); i++ {
			if cols[i].ID < cols[i-1].ID {
				t.Errorf("width %d: columns out of display order", tt.width)
			}
		}
	}
}

func TestCipherDropsFirst(t *testing.T) {
	w := typical()
	full := 0
	for _, c := range columns {
		full += w[c.ID] + gap
	}
	for _, short := range []int{2, 30} {
		cols := fitColumns(full-gap-short, w)
		got := widths(cols)
		for _, c := range columns {
			if c.ID == colCipher {
				if cw, ok := got[colCipher]; ok && cw > w[colCipher]-short {
					t.Errorf("%d cells short: cipher keeps %d of %d cells", short, got[colCipher], w[colCipher])
				}
				continue
			}
			if got[c.ID] != w[c.ID] {
				t.Errorf("%d cells short: %s has %d cells, want %d (the cipher gives first)", short, c.Title, got[c.ID], w[c.ID])
			}
		}
	}
}

// TestServerSizedByData: a column is as wide as its widest value on screen
// (14-character servers are not padded to 23-36 cells).
func TestServerSizedByData(t *testing.T) {
	w := typical()
	w[colServer] = 15
	for _, width := range []int{80, 120, 200} {
		if got := widths(fitColumns(width, w))[colServer]; got != 15 {
			t.Errorf("width %d: server column %d cells for 15-cell values", width, got)
		}
	}
}

func TestScrolledColumns(t *testing.T) {
	w := typical()
	cols := scrolledColumns(80, w, 2) // past TIME and CLIENT
	if cols[0].ID != colID_ || cols[1].ID != colServer {
		t.Fatalf("sideways view starts with %s, %s; want ID, SERVER", cols[0].Title, cols[1].Title)
	}
	if total(cols) > 80 {
		t.Errorf("sideways view takes %d cells", total(cols))
	}
	last := cols[len(cols)-1]
	if last.ID != colCipher && last.ID != colAlert && last.ID != colVersion {
		t.Logf("last column %s", last.Title)
	}
}

func TestCutMiddle(t *testing.T) {
	a, b := "payments-eu-west-1", "payments-eu-west-2"
	ca, cb := CutMiddle(a, 12), CutMiddle(b, 12)
	if ansi.StringWidth(ca) != 12 || !strings.Contains(ca, "…") {
		t.Fatalf("CutMiddle(%q, 12) = %q", a, ca)
	}
	if !strings.HasPrefix(ca, "payme") || !strings.HasSuffix(ca, "west-1") {
		t.Errorf("both ends must stay: %q", ca)
	}
	if CutMiddle(a, 18) != a {
		t.Error("a value that fits is cut")
	}
	if ca == cb {
		t.Errorf("hosts that differ near the end look the same: %q", ca)
	}
	// A name's first label is kept whole where it can be; the shared domain
	// gives up its middle.
	for _, tt := range []struct {
		in   string
		w    int
		want string
	}{
		{"payments-eu-west-1.example.com", 23, "payments-eu-west-1….com"},
		{"payments-eu-west-1.example.com", 12, "payme…west-1"},
		{"payments-eu-west-1.example.com", 40, "payments-eu-west-1.example.com"},
		{"localhost-with-a-long-name", 10, "loca…-name"},
	} {
		if got := CutHost(tt.in, tt.w); got != tt.want || ansi.StringWidth(got) > tt.w {
			t.Errorf("CutHost(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
	}
	if got := CutMiddle("[2001:db8:443::10]:443", 15); !strings.HasSuffix(got, ":443") {
		t.Errorf("address loses its port: %q", got)
	}
	for _, n := range []int{0, 1, 2} {
		if got := CutMiddle("abcdef", n); ansi.StringWidth(got) > n {
			t.Errorf("CutMiddle at %d = %q", n, got)
		}
	}
}

// TestTimeNeverCutsTheAlert: the time may take a few cells from a long name
// or address, never from the alert (a cut alert name reads worse than a
// dropped time, which is one key away).
func TestTimeNeverCutsTheAlert(t *testing.T) {
	var w want
	for _, c := range columns {
		w[c.ID] = max(c.Min, len(c.Title))
	}
	w[colID_], w[colTime], w[colServer], w[colSNI], w[colBadge], w[colAlert] = 2, 8, 15, 29, 6, 19
	cols := widths(fitColumns(80, w))
	if cols[colAlert] != 19 {
		t.Errorf("alert cut to %d cells for the time", cols[colAlert])
	}
	if _, ok := cols[colTime]; !ok || cols[colSNI] < 25 {
		t.Errorf("time %d cells, SNI %d: want the time, from at most 4 of the SNI's cells", cols[colTime], cols[colSNI])
	}
}
