package flowlist

import "testing"

func TestFitColumns(t *testing.T) {
	ids := func(cols []Col) map[colID]int {
		out := map[colID]int{}
		for _, c := range cols {
			out[c.ID] = c.Width
		}
		return out
	}
	total := func(cols []Col) int {
		n := gap * (len(cols) - 1)
		for _, c := range cols {
			n += c.Width
		}
		return n
	}
	tests := []struct {
		width      int
		want, gone []colID
	}{
		{80, []colID{colID_, colServer, colSNI, colBadge, colAlert}, []colID{colCipher, colVersion, colHandshake, colClient, colTime}},
		{100, []colID{colID_, colTime, colClient, colServer, colSNI, colBadge, colAlert}, []colID{colCipher, colVersion, colHandshake}},
		{120, []colID{colID_, colTime, colClient, colServer, colSNI, colBadge, colVersion, colAlert, colHandshake}, []colID{colCipher}},
		{200, []colID{colID_, colTime, colClient, colServer, colSNI, colBadge, colVersion, colCipher, colAlert, colHandshake}, nil},
		{20, []colID{colID_, colBadge}, []colID{colSNI, colServer}},
	}
	for _, tt := range tests {
		cols := fitColumns(tt.width)
		got := ids(cols)
		for _, id := range tt.want {
			if _, ok := got[id]; !ok {
				t.Errorf("width %d: column %d dropped, want kept", tt.width, id)
			}
		}
		for _, id := range tt.gone {
			if _, ok := got[id]; ok {
				t.Errorf("width %d: column %d kept, want dropped", tt.width, id)
			}
		}
		if tt.width >= 40 && total(cols) != tt.width {
			t.Errorf("width %d: columns fill %d cells, want all of them", tt.width, total(cols))
		}
		for _, c := range cols {
			if c.Width < c.Min {
				t.Errorf("width %d: %s is %d wide, below its minimum %d", tt.width, c.Title, c.Width, c.Min)
			}
		}
	}
}

func TestCipherDropsFirst(t *testing.T) {
	full := 0
	for _, c := range columns {
		full += c.Min + gap
	}
	cols := fitColumns(full - 2)
	for _, c := range cols {
		if c.ID == colCipher {
			t.Fatalf("cipher kept at %d cells; it must drop first", full-2)
		}
	}
	if len(cols) != len(columns)-1 {
		t.Fatalf("dropped %d columns, want only the cipher", len(columns)-len(cols))
	}
}
