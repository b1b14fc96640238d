package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// exportWait is how long leaving the explorer waits for an export it
// interrupted to remove its partial file, before removing it itself.
const exportWait = 5 * time.Second

// exportJobs follows the exports the explorer runs in commands, so that
// leaving it (q, ctrl+c, SIGINT, SIGTERM, SIGHUP) mid-export cancels them
// and waits for their partial files to be removed: otherwise the process
// ends under a goroutine still writing, and hundreds of MB of
// .pcapsurgery-*.tmp stay behind. It is shared by every copy of the Model.
type exportJobs struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu          sync.Mutex
	closed      bool
	interrupted []error // ErrInterrupted results, for the line after the screen is restored
}

func newExportJobs() *exportJobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &exportJobs{ctx: ctx, cancel: cancel}
}

// run exports req unless the explorer is already leaving.
func (j *exportJobs) run(refs model.RefLister, req model.ExportRequest) (model.ExportResult, error) {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return model.ExportResult{}, fmt.Errorf("%w: the explorer is closing", model.ErrInterrupted)
	}
	j.wg.Add(1)
	j.mu.Unlock()
	defer j.wg.Done()
	res, err := model.ExportContext(j.ctx, refs, req)
	if errors.Is(err, model.ErrInterrupted) {
		j.mu.Lock()
		j.interrupted = append(j.interrupted, err)
		j.mu.Unlock()
	}
	return res, err
}

// stop cancels every export in progress and refuses new ones.
func (j *exportJobs) stop() {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	j.cancel()
}

// finish stops the exports, waits up to wait for them to clean up (then
// removes what is left itself), and writes one line per interrupted export
// to w.
func (j *exportJobs) finish(w io.Writer, wait time.Duration) {
	j.stop()
	ended := make(chan struct{})
	go func() { j.wg.Wait(); close(ended) }()
	select {
	case <-ended:
	case <-time.After(wait):
		for _, name := range model.RemovePartialExports() {
			fmt.Fprintf(w, "pcapsurgery: export interrupted: removed its partial file %s\n", model.Printable(name))
		}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, err := range j.interrupted {
		fmt.Fprintf(w, "pcapsurgery: %s (the explorer was closed)\n", model.Printable(err.Error()))
	}
}
