package model

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// errStop ends ReadFlowPackets when the export's context is done.
var errStop = errors.New("stop")

// partial holds the temporary files of exports in progress, so that a
// process interrupted mid-export can remove them on its way out even when
// it cannot wait for the export to notice (a write stuck on a slow disk).
var partial struct {
	sync.Mutex
	files map[string]bool
}

func notePartial(name string) {
	partial.Lock()
	defer partial.Unlock()
	if partial.files == nil {
		partial.files = map[string]bool{}
	}
	partial.files[name] = true
}

func forgetPartial(name string) {
	partial.Lock()
	defer partial.Unlock()
	delete(partial.files, name)
}

// RemovePartialExports removes the temporary file of every export still in
// progress and returns their names. The exports then fail (their rename
// finds nothing); call it only on the way out.
func RemovePartialExports() []string {
	partial.Lock()
	defer partial.Unlock()
	var removed []string
	for name := range partial.files {
		if os.Remove(name) == nil {
			removed = append(removed, name)
		}
		delete(partial.files, name)
	}
	return removed
}

// checkInput refuses to export when req.Input is no longer the file the
// flows were read from (replaced by another capture of the same layout, cut
// short, changed in place), or when it was never a file that can be read
// twice (a pipe). A RefLister that read no file (tests) is not checked.
func checkInput(refs RefLister, input string) error {
	s, ok := refs.(sourcer)
	if !ok || s.Source() == nil {
		return nil
	}
	if s.Source().Files() {
		// Rotated files: each is read again whole and its packets found by
		// the offsets of the first read; a file that changed since then
		// shows as packets not found (capture.ReadRecordsIn).
		return nil
	}
	id, ok := s.Source().Identity()
	if !ok {
		return fmt.Errorf("cannot export from %s: it was not a regular file, or could not be read, when it was opened, so its packets cannot be read a second time; save the capture to a file and open that", input)
	}
	if err := capture.CheckUnchanged(input, id); err != nil {
		return fmt.Errorf("refusing to export from %s: %w; its packets would not be the flows shown. Open it again", input, err)
	}
	return nil
}
