package capture

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Several capture files read as one: rotated files (tcpdump -G or -C), a
// directory of them, pcap, pcapng and gzip mixed. They are read one after
// the other in the order of their first packet, into one stream of packets:
// packet numbers run on across files, each file's interfaces get the next
// global indexes, and a connection that spans two files is one flow.

// ExpandPaths lists the capture files that paths name: a directory stands
// for the regular files in it (not those whose name starts with a dot),
// a file for itself.
func ExpandPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			out = append(out, p) // Open says what is wrong with it
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		n := len(out)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") || !e.Type().IsRegular() {
				continue
			}
			out = append(out, filepath.Join(p, e.Name()))
		}
		if len(out) == n {
			return nil, fmt.Errorf("%s: no files in the directory", p)
		}
	}
	return out, nil
}

// OpenMany opens captures to be read as one Source, in the order of their
// first packet's time (ties and files without packets keep the order
// given). One path is Open. Every file must be a regular file whose header
// reads; a file that is damaged further on is reported at the end, after
// the files that follow it have been read.
func OpenMany(paths []string) (*Source, error) {
	if len(paths) == 1 {
		return Open(paths[0])
	}
	if len(paths) == 0 {
		return nil, errors.New("no capture files")
	}
	type file struct {
		path  string
		first time.Time
		size  int64
	}
	files := make([]file, len(paths))
	for i, p := range paths {
		if p == "-" {
			return nil, errors.New("standard input cannot be read with other files")
		}
		first, size, err := firstPacket(p)
		if err != nil {
			return nil, err
		}
		files[i] = file{p, first, size}
	}
	slices.SortStableFunc(files, func(a, b file) int { return a.first.Compare(b.first) })
	s, err := Open(files[0].path)
	if err != nil {
		return nil, err
	}
	s.current = files[0].path
	s.size = 0
	for _, f := range files {
		s.size += f.size
		s.paths = append(s.paths, f.path)
		if f.path != s.current {
			s.rest = append(s.rest, f.path)
		}
	}
	s.hasIdentity = false // export reads one file: it refuses a Source of several
	return s, nil
}

// Files reports whether the source reads several files.
func (s *Source) Files() bool { return s.current != "" }

// Paths lists the files a source of several reads, in the order it reads
// them (nil for one file).
func (s *Source) Paths() []string { return slices.Clone(s.paths) }

// ReadRecordsIn is ReadRecords for the files a Source of several read (in
// that order; one path is ReadRecords): packets are found by the offsets
// that Source gave them, reading the files through once.
func ReadRecordsIn(paths []string, refs []Ref, fn func(Packet) error) error {
	if len(paths) == 1 {
		return ReadRecords(paths[0], refs, fn)
	}
	if len(refs) == 0 {
		return nil
	}
	refs = slices.Clone(refs)
	slices.SortFunc(refs, func(a, b Ref) int { return cmp.Compare(a.Offset, b.Offset) })
	missed := 0
	err := walkMany(paths, refs[len(refs)-1].Offset, func(p Packet) (bool, error) {
		for len(refs) > 0 && refs[0].Offset < p.Offset {
			refs, missed = refs[1:], missed+1
		}
		if len(refs) == 0 || refs[0].Offset != p.Offset {
			return len(refs) > 0, nil
		}
		refs = refs[1:]
		return len(refs) > 0, fn(p)
	})
	if err == nil && missed+len(refs) > 0 {
		err = fmt.Errorf("%d packets were not found again in the files: they changed since they were read", missed+len(refs))
	}
	return err
}

// ScanRecordsIn is ScanRecords for the files a Source of several read.
func ScanRecordsIn(paths []string, from Ref, to int64, fn func(Packet) error) error {
	if len(paths) == 1 {
		return ScanRecords(paths[0], from, to, fn)
	}
	return walkMany(paths, to, func(p Packet) (bool, error) {
		if p.Offset < from.Offset {
			return true, nil
		}
		return true, fn(p)
	})
}

// walkMany reads the files as one Source up to offset last, calling fn
// with each packet until it says to stop or fails.
func walkMany(paths []string, last int64, fn func(Packet) (more bool, err error)) error {
	s, err := OpenMany(paths)
	if err != nil {
		return err
	}
	defer s.Close()
	for {
		p, err := s.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			var d *DamageError
			if errors.As(err, &d) {
				return nil // the first read met it too: what it listed lies before
			}
			return err
		}
		if p.Offset > last {
			return nil
		}
		more, err := fn(p)
		if err != nil || !more {
			return err
		}
	}
}

// firstPacket opens a capture and reads the time of its first packet (zero
// when it has none) and its size.
func firstPacket(path string) (time.Time, int64, error) {
	s, err := Open(path)
	if err != nil {
		return time.Time{}, 0, err
	}
	defer s.Close()
	if s.size < 0 {
		return time.Time{}, 0, fmt.Errorf("%s: not a regular file (several captures are read one after the other, each from its start)", path)
	}
	p, err := s.Next()
	if err != nil {
		return time.Time{}, s.size, nil
	}
	return p.TS, s.size, nil
}

// advance moves to the next file when the current one has ended (err is
// io.EOF, nil, or the damage that ended it). It reports whether there is a
// next file to read; damage is kept, named by file, for the end.
func (s *Source) advance(err error) bool {
	if err != nil && !errors.Is(err, io.EOF) && s.current != "" {
		s.keepDamage(s.current, err)
	}
	for len(s.rest) > 0 {
		path := s.rest[0]
		s.rest = s.rest[1:]
		f, err := os.Open(path)
		if err != nil {
			s.keepDamage(path, err)
			continue
		}
		if s.file != nil {
			s.file.Close()
		}
		if s.gz != nil {
			s.gz.Close()
		}
		s.file, s.current = f, path
		s.count.r = f // the same counter: BytesRead adds up over the files
		// Offsets run on as if the files' streams were one, so every packet's
		// offset is unique and export can find it again (ReadRecordsIn).
		s.base += s.off
		if err := s.start(readBufSize); err != nil {
			s.keepDamage(path, err)
			continue
		}
		return true
	}
	return false
}

func (s *Source) keepDamage(path string, err error) {
	if s.damaged == nil {
		s.damaged = fmt.Errorf("%s: %w", path, err)
	}
}

// endErr is the error the last packet read ends with: the damage kept from
// an earlier file when this one ended cleanly.
func (s *Source) endErr(err error) error {
	if (err == nil || errors.Is(err, io.EOF)) && s.damaged != nil {
		return s.damaged
	}
	return err
}
