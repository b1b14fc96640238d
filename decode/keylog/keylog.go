// Package keylog reads TLS secrets in the NSS key log format (what
// SSLKEYLOGFILE makes curl, browsers, OpenSSL, GnuTLS, Go and Java write, and
// what a pcapng Decryption Secrets Block holds) and finds them by client
// random. Secrets are bytes to decrypt with, never text to show: nothing here
// prints one, and Secrets formats as a redacted placeholder.
package keylog

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// Bounds on hostile input: a key log is a file anyone could hand us.
const (
	// MaxLine is the longest line read; the longest real one (a 48-byte
	// secret under the longest label) is under 250 bytes.
	MaxLine = 1024
	// MaxRandoms bounds the connections one Log holds secrets for
	// (about 300 bytes each): past it, lines are counted and dropped.
	MaxRandoms = 1 << 18
)

// Label is a kind of secret, by its NSS key log label.
type Label uint8

const (
	MasterSecret           Label = iota // CLIENT_RANDOM: the TLS <= 1.2 master secret (48 bytes)
	ClientEarlyTraffic                  // CLIENT_EARLY_TRAFFIC_SECRET
	ClientHandshakeTraffic              // CLIENT_HANDSHAKE_TRAFFIC_SECRET
	ServerHandshakeTraffic              // SERVER_HANDSHAKE_TRAFFIC_SECRET
	ClientTraffic0                      // CLIENT_TRAFFIC_SECRET_0
	ServerTraffic0                      // SERVER_TRAFFIC_SECRET_0
	ExporterSecret                      // EXPORTER_SECRET
	numLabels
)

var labelNames = [numLabels]string{
	"CLIENT_RANDOM",
	"CLIENT_EARLY_TRAFFIC_SECRET",
	"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
	"SERVER_HANDSHAKE_TRAFFIC_SECRET",
	"CLIENT_TRAFFIC_SECRET_0",
	"SERVER_TRAFFIC_SECRET_0",
	"EXPORTER_SECRET",
}

func (l Label) String() string {
	if l < numLabels {
		return labelNames[l]
	}
	return fmt.Sprintf("label %d", uint8(l))
}

// ignoredLabels are real key log labels we have no use for: counted, not malformed.
var ignoredLabels = map[string]bool{"EARLY_EXPORTER_SECRET": true, "RSA": true}

// Secrets are what a key log holds for one connection (one client random).
// A missing secret is nil.
type Secrets struct {
	s [numLabels][]byte
}

// Get returns the secret under label l, or nil.
func (s *Secrets) Get(l Label) []byte {
	if s == nil || l >= numLabels {
		return nil
	}
	return s.s[l]
}

// Has reports whether the secret under l is known.
func (s *Secrets) Has(l Label) bool { return len(s.Get(l)) > 0 }

// String never shows a secret.
func (s *Secrets) String() string { return "[secrets redacted]" }

// GoString never shows a secret either (%#v).
func (s *Secrets) GoString() string { return s.String() }

// MarshalJSON keeps a secret out of any JSON a caller builds by reflection.
func (s *Secrets) MarshalJSON() ([]byte, error) { return []byte(`"redacted"`), nil }

// Lines writes the secrets of client random cr back in key log format, for
// a capture's Decryption Secrets Block: the only way a secret leaves.
func (s *Secrets) Lines(cr [32]byte) []byte {
	var b bytes.Buffer
	for l := Label(0); l < numLabels; l++ {
		if v := s.Get(l); len(v) > 0 {
			fmt.Fprintf(&b, "%s %x %x\n", l, cr[:], v)
		}
	}
	return b.Bytes()
}

// Stats says what reading key logs found: every line that was not used is
// counted with the reason, never fatal.
type Stats struct {
	Lines     int // lines read (comments and blanks included)
	Secrets   int // secrets kept
	Randoms   int // connections (client randoms) with at least one secret
	Ignored   int // real labels we do not use (EARLY_EXPORTER_SECRET, RSA)
	Malformed int // lines that are not key log lines
	BadHex    int // a random or secret that is not hex
	BadLength int // a random that is not 32 bytes, or a secret of the wrong size for its label
	TooLong   int // lines over MaxLine bytes, skipped
	Dropped   int // lines past MaxRandoms connections
	Duplicate int // a secret already known with a different value (the first is kept)
}

// Since is what was counted after before: the account of one more file
// read into the same Log.
func (s Stats) Since(before Stats) Stats {
	return Stats{Lines: s.Lines - before.Lines, Secrets: s.Secrets - before.Secrets, Randoms: s.Randoms - before.Randoms,
		Ignored: s.Ignored - before.Ignored, Malformed: s.Malformed - before.Malformed, BadHex: s.BadHex - before.BadHex,
		BadLength: s.BadLength - before.BadLength, TooLong: s.TooLong - before.TooLong, Dropped: s.Dropped - before.Dropped,
		Duplicate: s.Duplicate - before.Duplicate}
}

// Problems is a one-line account of the lines not used, or "" when every
// line was: "skipped 1 not in key log form, 2 with bad hex".
func (s Stats) Problems() string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(s.Malformed, "not in key log form")
	add(s.BadHex, "with bad hex")
	add(s.BadLength, "with a wrong length")
	add(s.TooLong, fmt.Sprintf("over %d bytes", MaxLine))
	add(s.Dropped, fmt.Sprintf("past the %d-connection cap", MaxRandoms))
	add(s.Duplicate, "contradicting an earlier line")
	if len(parts) == 0 {
		return ""
	}
	return "skipped " + strings.Join(parts, ", ")
}

// Log holds secrets by client random. Build it with Read, then share it
// read-only: Lookup is safe from many goroutines once reading is done.
type Log struct {
	m     map[[32]byte]*Secrets
	stats Stats
}

// New returns an empty log.
func New() *Log { return &Log{m: make(map[[32]byte]*Secrets)} }

// Stats returns what reading found so far.
func (l *Log) Stats() Stats { return l.stats }

// Len is the number of connections with secrets.
func (l *Log) Len() int {
	if l == nil {
		return 0
	}
	return len(l.m)
}

// Clone returns a log with the same secrets that more can be read into
// without changing l (the secrets themselves are shared: never written).
func (l *Log) Clone() *Log {
	c := New()
	if l != nil {
		for k, v := range l.m {
			s := *v
			c.m[k] = &s
		}
		c.stats = l.stats
	}
	return c
}

// Lookup returns the secrets for client random cr, or nil.
func (l *Log) Lookup(cr [32]byte) *Secrets {
	if l == nil {
		return nil
	}
	return l.m[cr]
}

// Read adds every line of r. Only a read error is returned; bad lines are
// counted in Stats. Memory stays bounded whatever r holds: lines over
// MaxLine are skipped unread, connections past MaxRandoms dropped.
func (l *Log) Read(r io.Reader) error {
	br := bufio.NewReaderSize(r, MaxLine+2)
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			l.stats.Lines++
			l.stats.TooLong++
			if err = skipLine(br); err != nil {
				return eof(err)
			}
			continue
		}
		if len(line) > 0 {
			l.stats.Lines++
			l.Add(line)
		}
		if err != nil {
			return eof(err)
		}
	}
}

func eof(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// skipLine reads past the rest of an overlong line.
func skipLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if err != bufio.ErrBufferFull {
			return err
		}
	}
}

// Add reads one line (its line ending may be there or not). It does not
// count the line in Stats.Lines.
func (l *Log) Add(line []byte) {
	if len(line) > MaxLine+2 {
		l.stats.TooLong++
		return
	}
	line = bytes.TrimRight(line, "\r\n")
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] == '#' {
		return
	}
	fields := bytes.Fields(line)
	if len(fields) != 3 {
		if len(fields) > 0 && ignoredLabels[string(fields[0])] {
			l.stats.Ignored++
			return
		}
		l.stats.Malformed++
		return
	}
	label, ok := parseLabel(fields[0])
	if !ok {
		if ignoredLabels[string(fields[0])] {
			l.stats.Ignored++
		} else {
			l.stats.Malformed++
		}
		return
	}
	var cr [32]byte
	if hex.DecodedLen(len(fields[1])) != 32 {
		l.stats.BadLength++
		return
	}
	if _, err := hex.Decode(cr[:], fields[1]); err != nil {
		l.stats.BadHex++
		return
	}
	n := hex.DecodedLen(len(fields[2]))
	if len(fields[2])%2 != 0 || !secretLen(label, n) {
		l.stats.BadLength++
		return
	}
	secret := make([]byte, n)
	if _, err := hex.Decode(secret, fields[2]); err != nil {
		l.stats.BadHex++
		return
	}
	l.put(cr, label, secret)
}

// put stores one secret.
func (l *Log) put(cr [32]byte, label Label, secret []byte) {
	s := l.m[cr]
	if s == nil {
		if len(l.m) >= MaxRandoms {
			l.stats.Dropped++
			return
		}
		s = &Secrets{}
		l.m[cr] = s
		l.stats.Randoms++
	}
	switch old := s.s[label]; {
	case old == nil:
		s.s[label] = secret
		l.stats.Secrets++
	case !bytes.Equal(old, secret):
		l.stats.Duplicate++
	}
}

func parseLabel(b []byte) (Label, bool) {
	for i, n := range labelNames {
		if string(b) == n {
			return Label(i), true
		}
	}
	return 0, false
}

// secretLen reports whether n bytes fit the label: a master secret is 48
// bytes; TLS 1.3 secrets are as long as the suite's hash (SHA-256 or SHA-384).
func secretLen(l Label, n int) bool {
	if l == MasterSecret {
		return n == 48
	}
	return n == 32 || n == 48
}
