package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrNotCapture is wrapped by every "this is not a capture file" error, so
// callers can tell a wrong file from a damaged one with errors.Is.
var ErrNotCapture = errors.New("not a capture file")

// Magic numbers as they appear when read big-endian from the first 4 bytes.
const (
	magicMicro        = 0xa1b2c3d4
	magicNano         = 0xa1b23c4d
	magicMicroSwapped = 0xd4c3b2a1
	magicNanoSwapped  = 0x4d3cb2a1
	magicPcapng       = 0x0a0d0d0a // the SHB block type reads the same in both orders
)

type fileKind uint8

const (
	kindUnknown fileKind = iota
	kindPcap
	kindPcapng
	kindGzip
)

func kindOf(head []byte) fileKind {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		return kindGzip
	}
	if len(head) < 4 {
		return kindUnknown
	}
	switch binary.BigEndian.Uint32(head) {
	case magicMicro, magicNano, magicMicroSwapped, magicNanoSwapped:
		return kindPcap
	case magicPcapng:
		return kindPcapng
	}
	return kindUnknown
}

// knownMagics names file types people mistake for captures, so the error
// says what the file is rather than just that it is not a capture.
var knownMagics = []struct {
	prefix string
	what   string
}{
	{"\xff\xd8\xff", "a JPEG image"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"GIF8", "a GIF image"},
	{"%PDF", "a PDF document"},
	{"PK\x03\x04", "a ZIP archive"},
	{"BZh", "a bzip2 archive (decompress it first)"},
	{"\xfd7zXZ\x00", "an xz archive (decompress it first)"},
	{"\x28\xb5\x2f\xfd", "a zstd archive (decompress it first)"},
	{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{"\x7fELF", "an ELF executable"},
	{"\xa1\xb2\xcd\x34", "a Kuznetzov-modified pcap (not supported; convert it with editcap)"},
	{"\x34\xcd\xb2\xa1", "a Kuznetzov-modified pcap (not supported; convert it with editcap)"},
	{"snoop\x00\x00\x00", "a Solaris snoop capture (convert it with editcap)"},
	{"GMBU", "a Microsoft Network Monitor capture (convert it with editcap)"},
}

// describe explains what a non-capture file looks like from its first bytes.
func describe(head []byte) string {
	if len(head) == 0 {
		return "empty (0 bytes)"
	}
	for _, m := range knownMagics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			return "looks like " + m.what
		}
	}
	if looksLikeText(head) {
		return "looks like text"
	}
	if len(head) < 4 {
		return fmt.Sprintf("too short (%d %s)", len(head), plural(len(head), "byte"))
	}
	return fmt.Sprintf("unknown magic 0x%08x", binary.BigEndian.Uint32(head))
}

func looksLikeText(b []byte) bool {
	// A rune may be cut at the end of the sample; drop up to 3 trailing bytes of it.
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	if len(b) == 0 || !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
			return false
		}
	}
	return true
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
