package ui

import (
	"testing"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// A word the header shows for an outcome is one the user can type back
// into the filter bar and get exactly those flows.
func TestHeaderOutcomeWordsFilter(t *testing.T) {
	for o, word := range shortOutcome {
		f, err := model.ParseFilter("outcome:" + word)
		if err != nil {
			t.Errorf("header word %q for %s: filter refuses it: %v", word, o, err)
			continue
		}
		for _, other := range model.Outcomes {
			fl := model.Flow{Verdict: &model.Verdict{Outcome: other}}
			if got, want := f.Match(&fl), other == o; got != want {
				t.Errorf("outcome:%s on a %s flow: match %v, want %v", word, other, got, want)
			}
		}
	}
}
