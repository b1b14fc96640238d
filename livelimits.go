package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// liveLimits are the explorer's bounds on live input (a pipe, an
// interface): how many raw packets are spooled for export.
type liveLimits struct {
	spool int64 // bytes; 0: no spool, export refused
}

func defaultLiveLimits() liveLimits { return liveLimits{spool: model.DefaultSpool} }

// spoolSize is --spool: a size, or 0 to keep no packets.
type spoolSize int64

func (b *spoolSize) String() string { return formatSize(int64(*b)) }

func (b *spoolSize) Set(s string) error {
	if strings.TrimSpace(s) == "0" {
		*b = 0
		return nil
	}
	n, ok := model.ParseSize(strings.TrimSpace(s))
	if !ok {
		return fmt.Errorf("want a size such as 256M or 1G, or 0 for none")
	}
	if n < 1<<20 {
		return fmt.Errorf("%s is below the 1M minimum (0 turns the spool off)", formatSize(n))
	}
	*b = spoolSize(n)
	return nil
}

// liveFlags adds the live input's limits to a command's flags.
func liveFlags(fs *flag.FlagSet) *liveLimits {
	l := defaultLiveLimits()
	fs.Var((*spoolSize)(&l.spool), "spool", "live input: keep the newest SIZE of raw packets in a temporary directory so flows can be exported (0: none)")
	return &l
}

// isLiveFlag reports the live input's flags, which the explorer takes
// before FILE.
func isLiveFlag(arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if len(arg)-len(name) > 2 || len(name) == len(arg) {
		return false
	}
	name, _, _ = strings.Cut(name, "=")
	return name == "spool"
}

// startSpool gives a live input's loader its export spool; where the
// temporary directory cannot take it, export is refused and a warning says why.
func startSpool(l *model.Loader, lim liveLimits, stderr io.Writer) {
	if err := l.SetSpool("", lim.spool); err != nil {
		say(stderr, "pcapsurgery: warning: %v; flows cannot be exported\n", err)
	}
}
