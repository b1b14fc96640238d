package groupview

import (
	"testing"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestBarSegments: cells follow the counts (largest remainders), failures
// first; an outcome present keeps a cell however small its share.
func TestBarSegments(t *testing.T) {
	g := func(counts map[model.Outcome]int) *model.Group {
		var gr model.Group
		for i, o := range model.Outcomes {
			gr.Outcomes[i] = counts[o]
			gr.Flows += counts[o]
		}
		return &gr
	}
	for _, c := range []struct {
		g    *model.Group
		w    int
		want []Segment
	}{
		{g(map[model.Outcome]int{model.OK: 12, model.Alert: 10}), 6, []Segment{{model.Alert, 3}, {model.OK, 3}}},
		{g(map[model.Outcome]int{model.OK: 98, model.Reset: 1, model.Partial: 1}), 6, []Segment{{model.Reset, 1}, {model.OK, 4}, {model.Partial, 1}}},
		{g(map[model.Outcome]int{model.Alert: 3}), 10, []Segment{{model.Alert, 10}}},
		{g(nil), 6, nil},
	} {
		got := BarSegments(c.g, c.w)
		if len(got) != len(c.want) {
			t.Errorf("%v in %d cells: %v, want %v", c.g.Outcomes, c.w, got, c.want)
			continue
		}
		sum := 0
		for i := range got {
			sum += got[i].Cells
			if got[i] != c.want[i] {
				t.Errorf("%v in %d cells: %v, want %v", c.g.Outcomes, c.w, got, c.want)
				break
			}
		}
		if len(got) > 0 && sum != c.w {
			t.Errorf("%v: %d cells, want %d", c.g.Outcomes, sum, c.w)
		}
	}
}
