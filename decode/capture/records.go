package capture

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
)

// recordsBufSize is small because ReadRecords jumps around: a seek refills
// the buffer, and records larger than it are copied instead of aliased.
const recordsBufSize = 64 << 10

// Ref names one record to re-read: its Packet.Index and Packet.Offset from
// the first read.
type Ref struct {
	Index  int
	Offset int64
}

// ReadRecords re-reads the records refs point at and calls fn with each, in
// offset order, carrying the same Index, TS, LinkType, Interface, OrigLen and
// Data as the first read (Data is valid only during the call). A plain file is
// read by seeking to each record (pcap) or by walking block headers and seeking
// over long runs of packets (pcapng, which must see every section and interface
// block before the record to know its interface). A gzipped file is streamed
// through up to the last record. An error from fn stops the walk and is returned.
func ReadRecords(path string, refs []Ref, fn func(Packet) error) error {
	s, err := openForRecords(path, recordsBufSize)
	if err != nil {
		return err
	}
	defer s.Close()
	byOffset := func(a, b Ref) int { return cmp.Compare(a.Offset, b.Offset) }
	if !slices.IsSortedFunc(refs, byOffset) {
		refs = slices.Clone(refs)
		slices.SortFunc(refs, byOffset)
	}
	for i, ref := range refs {
		if i > 0 && ref.Offset == refs[i-1].Offset {
			continue
		}
		p, err := s.recordAt(ref)
		if err == io.EOF {
			return fmt.Errorf("%s: no record at byte offset %d: the file ends before it", path, ref.Offset)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (s *Source) recordAt(ref Ref) (Packet, error) {
	s.n = ref.Index - 1 // so the packet (and any damage report) carries the first read's number
	if s.kind == kindPcapng {
		return s.nextPcapng(ref.Offset)
	}
	if ref.Offset < pcapFileHeaderLen || ref.Offset < s.off {
		return Packet{}, fmt.Errorf("no pcap record at byte offset %d", ref.Offset)
	}
	if _, err := s.skip(int(ref.Offset - s.off)); err == io.ErrUnexpectedEOF {
		return Packet{}, io.EOF
	} else if err != nil {
		return Packet{}, err
	}
	return s.nextPcap()
}

// ScanRecords calls fn with every record from the one at from to the last
// one starting at or before offset to, in file order: how export finds a
// flow's packets that were known only by the range they span. It seeks to
// from like ReadRecords, then reads on with a large buffer.
func ScanRecords(path string, from Ref, to int64, fn func(Packet) error) error {
	s, err := openForRecords(path, readBufSize)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := s.recordAt(from)
	for ; err == nil && p.Offset <= to; p, err = s.Next() {
		if err := fn(p); err != nil {
			return err
		}
	}
	switch {
	case err == io.EOF && s.n == from.Index-1:
		return fmt.Errorf("%s: no record at byte offset %d: the file ends before it", path, from.Offset)
	case err == io.EOF || err == nil:
		return nil
	}
	return fmt.Errorf("%s: %w", path, err)
}

// openForRecords opens path for re-reading records: seekable when it is a
// plain file. Closing the source closes the file.
func openForRecords(path string, bufSize int) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s, err := newSource(f, -1, bufSize)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.file = f
	if !s.Compressed() {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			s.seeker = f
		}
	}
	return s, nil
}
