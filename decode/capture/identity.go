package capture

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// identityBlock is how much of the file's start, and of its end as it was
// opened, is hashed: enough to tell two captures of the same layout apart
// (timestamps, addresses and sequence numbers sit in the first packets).
const identityBlock = 64 << 10

// Identity tells the file a Source read from one that took its name later:
// the file itself (device and inode, by os.SameFile), its size and
// modification time when opened, and a SHA-256 of its first 64 KiB and of
// the 64 KiB ending at that size. Export checks it before re-reading packets
// by offset, which from another file would be another capture's packets.
type Identity struct {
	info    os.FileInfo
	Size    int64
	ModTime time.Time
	Head    [sha256.Size]byte
	Tail    [sha256.Size]byte
}

// ErrInputChanged is wrapped by CheckUnchanged's errors.
var ErrInputChanged = errors.New("the capture changed since it was read")

// identify reads f's identity without moving its read offset (ReadAt).
func identify(f *os.File) (Identity, bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return Identity{}, false
	}
	id := Identity{info: st, Size: st.Size(), ModTime: st.ModTime()}
	var err2 error
	if id.Head, id.Tail, err2 = hashEnds(f, id.Size); err2 != nil {
		return Identity{}, false
	}
	return id, true
}

// hashEnds hashes [0, 64 KiB) and [size-64 KiB, size), clipped to size.
func hashEnds(r io.ReaderAt, size int64) (head, tail [sha256.Size]byte, err error) {
	part := func(from, to int64) ([sha256.Size]byte, error) {
		from = max(from, 0)
		b := make([]byte, max(to-from, 0))
		if _, err := r.ReadAt(b, from); err != nil && !(err == io.EOF && len(b) == 0) {
			return [sha256.Size]byte{}, err
		}
		return sha256.Sum256(b), nil
	}
	if head, err = part(0, min(size, identityBlock)); err != nil {
		return
	}
	tail, err = part(size-identityBlock, size)
	return
}

// Identity is the identity of the file the Source was opened from; false
// for standard input, a pipe or anything else that cannot be read twice.
func (s *Source) Identity() (Identity, bool) {
	return s.identity, s.hasIdentity
}

// CheckUnchanged reports, wrapping ErrInputChanged, when path no longer
// names the file that was read: another file took its name, it is shorter,
// its first or last read bytes differ, or it was modified in place. A file
// that only grew (a capture still being written) is accepted: the packets
// read are still where they were.
func CheckUnchanged(path string, was Identity) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInputChanged, err)
	}
	defer f.Close()
	st, err := f.Stat()
	switch {
	case err != nil:
		return fmt.Errorf("%w: %w", ErrInputChanged, err)
	case was.info == nil || !os.SameFile(was.info, st):
		return fmt.Errorf("%w: another file now has its name (replaced, moved or written anew)", ErrInputChanged)
	case st.Size() < was.Size:
		return fmt.Errorf("%w: it is %d bytes, %d when it was read", ErrInputChanged, st.Size(), was.Size)
	}
	head, tail, err := hashEnds(f, was.Size)
	switch {
	case err != nil:
		return fmt.Errorf("%w: %w", ErrInputChanged, err)
	case !bytes.Equal(head[:], was.Head[:]) || !bytes.Equal(tail[:], was.Tail[:]):
		return fmt.Errorf("%w: its content is not what was read", ErrInputChanged)
	case st.Size() == was.Size && !st.ModTime().Equal(was.ModTime):
		return fmt.Errorf("%w: it was modified (%s, %s when it was read)", ErrInputChanged,
			st.ModTime().Format(time.RFC3339Nano), was.ModTime.Format(time.RFC3339Nano))
	}
	return nil
}
