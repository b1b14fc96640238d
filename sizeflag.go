package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// minMaxHeld is the smallest --max-held accepted: one large handshake
// message must fit.
const minMaxHeld = 1 << 20

// byteSize is a flag value in bytes, written as the filter's bytes: field
// takes it (model.ParseSize: K, M, G, T are powers of 1024; "M", "MB" and
// "MiB" mean the same).
type byteSize int64

func (b *byteSize) String() string { return model.SizeWord(int64(*b)) }

func (b *byteSize) Set(s string) error {
	n, ok := model.ParseSize(strings.TrimSpace(s))
	if !ok {
		return fmt.Errorf("want a size such as 512M or 2G")
	}
	if n < minMaxHeld {
		return fmt.Errorf("%s is below the %s minimum", model.SizeWord(n), model.SizeWord(minMaxHeld))
	}
	*b = byteSize(n)
	return nil
}

// maxHeldFlag adds --max-held to a command's flags.
func maxHeldFlag(fs *flag.FlagSet) *byteSize {
	b := byteSize(decode.DefaultMaxHeld)
	fs.Var(&b, "max-held", "memory budget for bytes held across flows (out-of-order segments, unfinished handshake messages)")
	return &b
}

// isMaxHeldFlag reports the one flag the explorer takes before FILE.
func isMaxHeldFlag(arg string) bool {
	name := strings.TrimLeft(arg, "-")
	return len(arg)-len(name) <= 2 && len(name) < len(arg) &&
		(name == "max-held" || strings.HasPrefix(name, "max-held="))
}

// isKeyLogFlag reports --keylog, which the explorer also takes before FILE.
func isKeyLogFlag(arg string) bool {
	name := strings.TrimLeft(arg, "-")
	return len(arg)-len(name) <= 2 && len(name) < len(arg) &&
		(name == "keylog" || strings.HasPrefix(name, "keylog="))
}

// exploreWithFlags is `pcapsurgery [--max-held SIZE] [--keylog FILE]... [--spool SIZE] FILE`.
func exploreWithFlags(args []string, loc *time.Location, stdout, stderr io.Writer) int {
	fs := newFlagSet("explore", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usageText) }
	maxHeld := maxHeldFlag(fs)
	keyFiles := keyLogFlag(fs)
	live := liveFlags(fs)
	paths, code, ok := parseFiles(fs, args, stderr)
	if !ok {
		return code
	}
	return explore(paths, loc, stdout, stderr, int64(*maxHeld), *keyFiles, *live)
}
