package main

import (
	"bufio"
	"io"
	"iter"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// groupBatch is how many groups summary --by builds ahead of the writer: a
// few batches at a time, so memory follows the slots, not every group's
// second level at once (the table's tabwriter holds its rows' text anyway).
const groupBatch = 256

// writeGroups writes set's groups as the table or as JSON lines, building
// the next groups (each with its second level) on another goroutine while
// these are written: two steps of about equal cost that ran one after the
// other.
func writeGroups(w io.Writer, set *model.GroupSet, by []model.GroupKey, span model.Span, asJSON bool) error {
	batches := make(chan []model.Group, 2)
	done := make(chan struct{})
	defer close(done) // a writer that stops early lets the builder end
	go func() {
		defer close(batches)
		for i := 0; i < set.Len(); i += groupBatch {
			b := make([]model.Group, 0, min(groupBatch, set.Len()-i))
			for j := i; j < i+cap(b); j++ {
				b = append(b, set.Full(j))
			}
			select {
			case batches <- b:
			case <-done:
				return
			}
		}
	}()
	if !asJSON {
		return model.WriteGroupTable(w, groupsOf(batches), by, span, model.GroupBuckets)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	for b := range batches {
		if err := model.WriteGroupJSON(bw, b, by, span); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// groupsOf is the groups of the batches, one at a time.
func groupsOf(batches <-chan []model.Group) iter.Seq[model.Group] {
	return func(yield func(model.Group) bool) {
		for b := range batches {
			for _, g := range b {
				if !yield(g) {
					return
				}
			}
		}
	}
}
