package capture

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
)

const (
	readBufSize = 1 << 20   // big reads keep syscalls and gzip calls rare
	maxCapLen   = 256 << 10 // a record claiming more than this is lying
	maxBlockLen = 16 << 20  // a pcapng block claiming more than this is lying
	sniffLen    = 512       // bytes looked at to name a non-capture file
)

// Source reads one capture as a stream of packets. Next, Close and the
// accessors other than BytesRead, Size and Interfaces belong to the goroutine
// that calls Next; BytesRead and Interfaces may be called from any goroutine.
type Source struct {
	count  *countingReader // under gzip and bufio: file bytes consumed
	br     *bufio.Reader   // the uncompressed stream
	gz     *gzip.Reader
	file   io.Closer // set by Open
	seeker io.Seeker // set by ReadRecords on plain files, to jump over data
	size   int64
	kind   fileKind
	order  byteOrder

	off   int64  // offset of the next unread byte of the uncompressed stream
	n     int    // packets returned so far
	done  bool   // io.EOF or damage was returned
	spare []byte // holds records larger than the bufio buffer

	// Prefetch of pcap (prefetchpcap.go): bytes of a record cut by the end
	// of the last batch, and how far the current batch has been parsed.
	carry     []byte
	parsed    int
	batchSize int // 0: prefetchBytes

	// pcap
	tsMul     int64 // nanoseconds per unit of the record's fraction field
	linkType  LinkType
	pcapIface int // the file's interface, as a global index

	// pcapng
	section int         // sections seen so far
	local   []int       // current section's interface id → global index
	state   []ifaceTime // by global index; read on the hot path without locking

	mu     sync.Mutex // guards ifaces and nano for readers on other goroutines
	ifaces []Interface
	nano   bool

	secrets        [][]byte // TLS key logs from Decryption Secrets Blocks, not yet taken (secrets.go; under mu)
	secretBytes    int
	secretsDropped int

	// Several files read as one (many.go): the files still to read, the one
	// being read, and the first damage met (reported at the end).
	rest    []string
	current string
	damaged error
	paths   []string // every file, in the order read
	base    int64    // added to offsets: where this file starts in the files read as one stream

	identity    Identity // the file opened, for export to check (identity.go)
	hasIdentity bool
}

type ifaceTime struct {
	conv     tsConv
	linkType LinkType
}

// Open opens a capture file ("-" reads stdin) and reads its file header.
func Open(path string) (*Source, error) {
	if path == "-" {
		return NewSource(os.Stdin, -1)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	s, err := NewSource(f, size)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.file = f
	s.identity, s.hasIdentity = identify(f)
	return s, nil
}

// NewSource reads a capture from r; size is its length in bytes, or -1 when
// unknown (a pipe). The format is found from the first bytes, never a name.
func NewSource(r io.Reader, size int64) (*Source, error) {
	return newSource(r, size, readBufSize)
}

func newSource(r io.Reader, size int64, bufSize int) (*Source, error) {
	s := &Source{size: size, count: &countingReader{r: r}}
	if err := s.start(bufSize); err != nil {
		return nil, err
	}
	return s, nil
}

// start reads a file's header from s.count's reader, clearing what belongs
// to the file before (several files read as one: many.go).
func (s *Source) start(bufSize int) error {
	s.gz, s.seeker, s.off, s.done, s.parsed = nil, nil, 0, false, 0
	s.carry = s.carry[:0]
	raw := bufio.NewReaderSize(s.count, bufSize)
	s.br = raw
	head, err := sniff(raw, bufSize)
	kind := kindOf(head)
	if kind == kindUnknown && err != nil && err != io.EOF {
		return err // a read error before we could even tell what this is
	}
	if kind == kindGzip {
		if s.gz, err = gzip.NewReader(raw); err != nil {
			return fmt.Errorf("gzip-compressed file, but unreadable: %w", err)
		}
		s.br = bufio.NewReaderSize(s.gz, bufSize)
		head, err = sniff(s.br, bufSize)
		if len(head) < 4 && err != nil && err != io.EOF {
			return fmt.Errorf("gzip-compressed file, but unreadable: %w", err)
		}
		if kind = kindOf(head); kind == kindUnknown || kind == kindGzip {
			return fmt.Errorf("%w: gzip-compressed, and the content %s", ErrNotCapture, describe(head))
		}
	}
	s.kind = kind
	switch kind {
	case kindPcap:
		err = s.readPcapHeader()
	case kindPcapng:
		err = s.readSectionHeader()
	default:
		return fmt.Errorf("%w: %s", ErrNotCapture, describe(head))
	}
	return err
}

// sniff peeks at the first bytes: the 4 of a magic number, and only when
// they name no capture format the sniffLen that describe reads. Waiting for
// sniffLen bytes first would stall a live pipe whose writer has sent only
// the 24-byte file header and is waiting for traffic.
func sniff(br *bufio.Reader, bufSize int) ([]byte, error) {
	head, err := br.Peek(4)
	if k := kindOf(head); k != kindUnknown || err != nil {
		return head, err
	}
	return br.Peek(min(sniffLen, bufSize))
}

// Next returns the next packet. At the end it returns io.EOF; where the file
// stops making sense it returns a *DamageError once, then io.EOF.
// Packet.Data is valid until the next call.
func (s *Source) Next() (Packet, error) {
	if s.done {
		return Packet{}, io.EOF
	}
	var p Packet
	var err error
	if s.kind == kindPcap {
		p, err = s.nextPcap()
	} else {
		p, err = s.nextPcapng(-1)
	}
	if err != nil {
		if s.advance(err) {
			return s.Next()
		}
		s.done = true
		return Packet{}, s.endErr(err)
	}
	return p, nil
}

// BytesRead is how many bytes of the underlying file have been consumed
// (compressed bytes for gzip). Safe to call from any goroutine.
func (s *Source) BytesRead() int64 { return s.count.n.Load() }

// Size is the file's size in bytes, or -1 when unknown (stdin, a pipe).
func (s *Source) Size() int64 { return s.size }

// Format is "pcap", "pcapng", "pcap+gzip" or "pcapng+gzip".
func (s *Source) Format() string {
	f := "pcap"
	if s.kind == kindPcapng {
		f = "pcapng"
	}
	if s.Compressed() {
		f += "+gzip"
	}
	return f
}

// Compressed reports whether the file is gzipped.
func (s *Source) Compressed() bool { return s.gz != nil }

// Interfaces returns a copy of the interfaces seen so far, indexed by global
// index (Packet.Interface). A pcap file has exactly one. In pcapng, each
// section's interface ids start again at 0; every (section, id) pair gets the
// next global index in file order. Safe to call from any goroutine.
func (s *Source) Interfaces() []Interface {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ifaces)
}

// Interface returns interface i (a global index, as in Packet.Interface)
// if it has been seen: one entry, where Interfaces copies them all.
func (s *Source) Interface(i int) (Interface, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || i >= len(s.ifaces) {
		return Interface{}, false
	}
	return s.ifaces[i], true
}

// NanoResolution reports whether any interface seen so far has timestamps
// finer than 1µs (so an exported pcap should use nanoseconds).
func (s *Source) NanoResolution() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nano
}

// Close releases the file opened by Open (stdin is left open).
func (s *Source) Close() error {
	var err error
	if s.gz != nil {
		err = s.gz.Close()
	}
	if s.file != nil {
		err = errors.Join(err, s.file.Close())
		s.file = nil
	}
	return err
}

func (s *Source) addInterface(ifc Interface, conv tsConv) {
	ifc.Section, ifc.ID = s.section-1, len(s.local)
	ifc.TSResol = conv.duration()
	s.local = append(s.local, len(s.state))
	s.state = append(s.state, ifaceTime{conv: conv, linkType: ifc.LinkType})
	s.mu.Lock()
	s.ifaces = append(s.ifaces, ifc)
	s.nano = s.nano || conv.finerThanMicro()
	s.mu.Unlock()
}

// take consumes the next n bytes and returns them. They alias the bufio
// buffer (or s.spare when n exceeds it) and stay valid until the next read.
// On a short read it returns what there was and the error.
func (s *Source) take(n int) ([]byte, error) {
	if n > s.br.Size() {
		return s.takeLarge(n)
	}
	b, err := s.br.Peek(n)
	if len(b) < n {
		return b, orUnexpectedEOF(err)
	}
	s.br.Discard(n)
	s.off += int64(n)
	return b, nil
}

// takeLarge copies a record bigger than the bufio buffer into s.spare,
// growing it only as far as bytes actually arrive.
func (s *Source) takeLarge(n int) ([]byte, error) {
	s.spare = s.spare[:0]
	for len(s.spare) < n {
		chunk := min(n-len(s.spare), s.br.Size())
		b, err := s.br.Peek(chunk)
		s.spare = append(s.spare, b...)
		s.br.Discard(len(b))
		s.off += int64(len(b))
		if len(b) < chunk {
			return s.spare, orUnexpectedEOF(err)
		}
	}
	return s.spare, nil
}

// skip consumes n bytes without looking at them, seeking when it can and
// the jump is longer than the buffer.
func (s *Source) skip(n int) (int, error) {
	if s.seeker != nil && n-s.br.Buffered() > s.br.Size() {
		to := s.off + int64(n)
		if _, err := s.seeker.Seek(to, io.SeekStart); err != nil {
			return 0, err
		}
		s.br.Reset(s.count)
		s.off = to
		return n, nil
	}
	d, err := s.br.Discard(n)
	s.off += int64(d)
	if d < n {
		return d, orUnexpectedEOF(err)
	}
	return d, nil
}

func orUnexpectedEOF(err error) error {
	if err == nil || err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// damage builds the error for the record starting at start.
func (s *Source) damage(start int64, format string, args ...any) error {
	return &DamageError{Offset: start, Packet: s.n + 1, Reason: fmt.Sprintf(format, args...)}
}

// cut reports a short read inside a structure of want bytes starting at start.
func (s *Source) cut(start int64, what string, got, want int, err error) error {
	if err == io.ErrUnexpectedEOF || err == io.EOF || err == nil {
		return s.damage(start, "file ends %d bytes into a %d-byte %s", got, want, what)
	}
	return &DamageError{Offset: start, Packet: s.n + 1, Reason: fmt.Sprintf("read error in %s: %v", what, err), Err: err}
}
