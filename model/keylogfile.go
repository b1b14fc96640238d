package model

import (
	"fmt"
	"os"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// KeyLogRead is what one key log file added: counts only, never a secret.
type KeyLogRead struct {
	Lines    int    // lines read
	Secrets  int    // secrets kept
	Problems string // the lines not used, as keylog.Stats.Problems says them ("" when none)
}

// Reopener opens the capture a loader read once more (nil where it cannot
// be read again: standard input, a pipe).
type Reopener func() (*capture.Source, error)

// WithKeyLogFile reads the key log at path and prepares a new load of src
// (the same capture, reopened) with l's secrets and the file's. l's own
// secrets are never written: its load may still share them. A file that
// cannot be read is an error and src is left to the caller; bad lines are
// only counted.
func (l *Loader) WithKeyLogFile(path string, reopen Reopener) (*Loader, KeyLogRead, error) {
	keys := l.keys.Clone()
	before := keys.Stats()
	// Only a regular file: a FIFO would block the read for good, a
	// directory or a device says nothing useful.
	if st, err := os.Stat(path); err != nil {
		return nil, KeyLogRead{}, err
	} else if !st.Mode().IsRegular() {
		return nil, KeyLogRead{}, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, KeyLogRead{}, err
	}
	err = keys.Read(f)
	f.Close()
	if err != nil {
		return nil, KeyLogRead{}, err
	}
	after := keys.Stats()
	read := KeyLogRead{Lines: after.Lines - before.Lines, Secrets: after.Secrets - before.Secrets}
	read.Problems = after.Since(before).Problems()
	src, err := reopen()
	if err != nil {
		return nil, read, fmt.Errorf("reopening the capture: %w", err)
	}
	n := NewLoader(src)
	n.SetMaxHeld(l.held)
	n.SetKeyLog(keys)
	return n, read, nil
}

// DecryptedFlows is the IDs of the flows a key log decrypted records of, to
// say how many a newly loaded one unlocked. Call after Run has returned.
func (l *Loader) DecryptedFlows() map[int]bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[int]bool{}
	for _, f := range l.an.Flows() {
		if f.TLS.Decrypt.Decrypted() {
			out[f.ID] = true
		}
	}
	return out
}
