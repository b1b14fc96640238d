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
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := newSource(f, -1, recordsBufSize)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer s.Close()
	if !s.Compressed() {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			s.seeker = f
		}
	}
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
