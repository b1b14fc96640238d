package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Spool keeps the newest packets of a live input (a pipe, an interface) in
// files under a temporary directory, at most a set number of bytes in all,
// so export can find a flow's packets again after they have left the pipe.
// Packets keep the Index and Offset the Source gave them: the flows' packet
// references need no translation. The bytes are kept in a few segment
// files; when the newest is full and the total is over the cap, the oldest
// is deleted, so what is kept is always the newest stretch of the input.
//
// Write belongs to the reading goroutine; Read, Kept and Close may be called
// from any goroutine.
type Spool struct {
	dir    string
	max    int64
	segMax int64

	mu      sync.Mutex
	segs    []*spoolSeg // oldest first; the last one is written
	w       *bufio.Writer
	total   int64 // bytes in every segment
	next    int   // number of the next segment file
	gone    Ref   // the first packet still kept once some have left (zero: none left)
	goneAt  time.Time
	err     error // what stopped the spool (a write error, Close)
	stopped Ref   // the first packet not written after err
	hdr     [spoolHeaderLen]byte
}

type spoolSeg struct {
	path        string
	f           *os.File // open for writing while it is the newest; nil after
	size        int64
	first, last Ref
	firstTS     time.Time
}

// spoolSegments is how many files the cap is split into: the oldest eighth
// goes at a time.
const spoolSegments = 8

// A spooled record: offset, index, seconds, nanoseconds, link type,
// interface, captured and original length, then the data.
const spoolHeaderLen = 8 + 8 + 8 + 4 + 2 + 4 + 4 + 4

// NewSpool makes a spool of at most max bytes in a new directory under
// dir ("" for the system's temporary directory). Close removes it.
// A limit below 512 KiB still keeps 64 KiB segments.
func NewSpool(dir string, limit int64) (*Spool, error) {
	if limit <= 0 {
		return nil, errors.New("the spool needs a size above zero")
	}
	d, err := os.MkdirTemp(dir, "pcapsurgery-spool-")
	if err != nil {
		return nil, fmt.Errorf("cannot make the export spool: %w", err)
	}
	return &Spool{dir: d, max: limit, segMax: max(limit/spoolSegments, 64<<10)}, nil
}

// Dir is the spool's directory.
func (s *Spool) Dir() string { return s.dir }

// Max is the spool's size cap in bytes.
func (s *Spool) Max() int64 { return s.max }

// Write appends packets, in input order, deleting the oldest segment when
// the cap is passed. A write error stops the spool for good (Read then says
// which packets it lacks); it is not returned: the input goes on being read.
func (s *Spool) Write(pkts []Packet) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range pkts {
		if s.err != nil {
			return
		}
		p := &pkts[i]
		if err := s.write(p); err != nil {
			s.stop(Ref{Index: p.Index, Offset: p.Offset}, fmt.Errorf("writing the export spool failed: %w", err))
		}
	}
}

func (s *Spool) write(p *Packet) error {
	n := int64(spoolHeaderLen + len(p.Data))
	if len(s.segs) == 0 || s.segs[len(s.segs)-1].size > 0 && s.segs[len(s.segs)-1].size+n > s.segMax {
		if err := s.rotate(); err != nil {
			return err
		}
	}
	seg := s.segs[len(s.segs)-1]
	h := s.hdr[:]
	binary.LittleEndian.PutUint64(h[0:], uint64(p.Offset))
	binary.LittleEndian.PutUint64(h[8:], uint64(p.Index))
	binary.LittleEndian.PutUint64(h[16:], uint64(p.TS.Unix()))
	binary.LittleEndian.PutUint32(h[24:], uint32(p.TS.Nanosecond()))
	binary.LittleEndian.PutUint16(h[28:], uint16(p.LinkType))
	binary.LittleEndian.PutUint32(h[30:], uint32(p.Interface))
	binary.LittleEndian.PutUint32(h[34:], uint32(len(p.Data)))
	binary.LittleEndian.PutUint32(h[38:], uint32(p.OrigLen))
	if _, err := s.w.Write(h); err != nil {
		return err
	}
	if _, err := s.w.Write(p.Data); err != nil {
		return err
	}
	if seg.size == 0 {
		seg.first, seg.firstTS = Ref{Index: p.Index, Offset: p.Offset}, p.TS
	}
	seg.last = Ref{Index: p.Index, Offset: p.Offset}
	seg.size += n
	s.total += n
	return nil
}

// rotate closes the newest segment, starts another, and deletes the oldest
// while the others hold more than the cap allows.
func (s *Spool) rotate() error {
	if err := s.closeNewest(); err != nil {
		return err
	}
	for len(s.segs) > 0 && s.total+s.segMax > s.max {
		old := s.segs[0]
		s.segs = s.segs[1:]
		s.total -= old.size
		os.Remove(old.path) // a reader that opened it keeps reading it
		if len(s.segs) > 0 {
			s.gone, s.goneAt = s.segs[0].first, s.segs[0].firstTS
		} else {
			s.gone, s.goneAt = Ref{Index: old.last.Index + 1, Offset: old.last.Offset + 1}, time.Time{}
		}
	}
	s.next++
	path := filepath.Join(s.dir, fmt.Sprintf("segment-%06d", s.next))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	s.segs = append(s.segs, &spoolSeg{path: path, f: f})
	if s.w == nil {
		s.w = bufio.NewWriterSize(f, 64<<10)
	} else {
		s.w.Reset(f)
	}
	return nil
}

// closeNewest flushes and closes the segment being written.
func (s *Spool) closeNewest() error {
	if len(s.segs) == 0 || s.segs[len(s.segs)-1].f == nil {
		return nil
	}
	seg := s.segs[len(s.segs)-1]
	err := s.w.Flush()
	if cerr := seg.f.Close(); err == nil {
		err = cerr
	}
	seg.f = nil
	return err
}

// stop ends spooling: the packet at at and those after it are not kept.
func (s *Spool) stop(at Ref, err error) {
	if s.err == nil {
		s.err, s.stopped = err, at
	}
	if len(s.segs) > 0 {
		if seg := s.segs[len(s.segs)-1]; seg.f != nil {
			s.w.Flush()
			seg.f.Close()
			seg.f = nil
		}
	}
}

// SpoolState says what the spool holds: packets from First on (a zero
// First when nothing has left yet); Stopped, when Err is set, is the first
// packet it does not hold.
type SpoolState struct {
	Max      int64
	Bytes    int64
	Left     bool      // packets have left: those before First
	First    Ref       // the oldest packet kept, once some have left
	FirstAt  time.Time // its time
	Err      error
	Stopped  Ref
	Segments int
}

// State reports what the spool holds now.
func (s *Spool) State() SpoolState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return SpoolState{Max: s.max, Bytes: s.total, Left: s.gone != (Ref{}), First: s.gone, FirstAt: s.goneAt,
		Err: s.err, Stopped: s.stopped, Segments: len(s.segs)}
}

// Read calls fn with every kept packet whose offset lies in [from, to], in
// input order (Data is valid during the call only). Packets that have left
// are skipped without a word: State says which those are.
func (s *Spool) Read(from, to int64, fn func(Packet) error) error {
	files, sizes, err := s.open(from, to)
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	if err != nil {
		return err
	}
	for i, f := range files {
		if err := readSegment(io.NewSectionReader(f, 0, sizes[i]), from, to, fn); err != nil {
			return err
		}
	}
	return nil
}

// open opens the segments that may hold offsets from..to, with their
// sizes as written so far (the newest is flushed first).
func (s *Spool) open(from, to int64) ([]*os.File, []int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w != nil && len(s.segs) > 0 && s.segs[len(s.segs)-1].f != nil {
		if err := s.w.Flush(); err != nil {
			s.stop(s.segs[len(s.segs)-1].last, fmt.Errorf("writing the export spool failed: %w", err))
		}
	}
	var files []*os.File
	var sizes []int64
	for _, seg := range s.segs {
		if seg.size == 0 || seg.last.Offset < from || seg.first.Offset > to {
			continue
		}
		f, err := os.Open(seg.path)
		if err != nil {
			return files, sizes, fmt.Errorf("reading the export spool: %w", err)
		}
		files, sizes = append(files, f), append(sizes, seg.size)
	}
	return files, sizes, nil
}

// readSegment reads one segment's records.
func readSegment(r io.Reader, from, to int64, fn func(Packet) error) error {
	br := bufio.NewReaderSize(r, 256<<10)
	var h [spoolHeaderLen]byte
	var data []byte
	for {
		if _, err := io.ReadFull(br, h[:]); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("reading the export spool: %w", err)
		}
		n := int(binary.LittleEndian.Uint32(h[34:]))
		if n > maxCapLen {
			return errors.New("reading the export spool: a record is damaged")
		}
		off := int64(binary.LittleEndian.Uint64(h[0:]))
		if off < from || off > to {
			if _, err := br.Discard(n); err != nil {
				return fmt.Errorf("reading the export spool: %w", err)
			}
			continue
		}
		if cap(data) < n {
			data = make([]byte, n, max(n, 2048))
		}
		data = data[:n]
		if _, err := io.ReadFull(br, data); err != nil {
			return fmt.Errorf("reading the export spool: %w", err)
		}
		p := Packet{
			Offset:    off,
			Index:     int(binary.LittleEndian.Uint64(h[8:])),
			TS:        time.Unix(int64(binary.LittleEndian.Uint64(h[16:])), int64(binary.LittleEndian.Uint32(h[24:]))),
			LinkType:  LinkType(binary.LittleEndian.Uint16(h[28:])),
			Interface: int(binary.LittleEndian.Uint32(h[30:])),
			CapLen:    n,
			OrigLen:   int(binary.LittleEndian.Uint32(h[38:])),
			Data:      data,
		}
		if err := fn(p); err != nil {
			return err
		}
	}
}

// Close stops the spool and removes its directory and files.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop(Ref{}, errors.New("the export spool is closed"))
	s.segs, s.total = nil, 0
	return os.RemoveAll(s.dir)
}

// ReadRecords is ReadRecords on the spool: the kept packets among refs.
func (s *Spool) ReadRecords(refs []Ref, fn func(Packet) error) error {
	if len(refs) == 0 {
		return nil
	}
	lo, hi := refs[0].Offset, refs[0].Offset
	want := make(map[int64]bool, len(refs))
	for _, r := range refs {
		lo, hi = min(lo, r.Offset), max(hi, r.Offset)
		want[r.Offset] = true
	}
	return s.Read(lo, hi, func(p Packet) error {
		if !want[p.Offset] {
			return nil
		}
		return fn(p)
	})
}

// ScanRecords is ScanRecords on the spool: the kept packets from from to to.
func (s *Spool) ScanRecords(from Ref, to int64, fn func(Packet) error) error {
	return s.Read(from.Offset, to, fn)
}
