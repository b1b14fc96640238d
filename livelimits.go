package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// liveLimits bound live input (a pipe, an interface): the flows kept
// (retention) and, in the explorer, the raw packets spooled for export.
type liveLimits struct {
	spool  int64 // bytes; 0: no spool, export refused
	retain model.Retention
}

func defaultLiveLimits() liveLimits {
	return liveLimits{spool: model.DefaultSpool, retain: model.DefaultRetention}
}

// spoolSize is --spool: a size, or 0 to keep no packets.
type spoolSize int64

func (b *spoolSize) String() string { return model.SizeWord(int64(*b)) }

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
		return fmt.Errorf("%s is below the 1M minimum (0 turns the spool off)", model.SizeWord(n))
	}
	*b = spoolSize(n)
	return nil
}

// liveFlags adds the explorer's live input limits (retention and spool).
func liveFlags(fs *flag.FlagSet) *liveLimits {
	l := defaultLiveLimits()
	fs.Var((*spoolSize)(&l.spool), "spool", "live input: keep the newest SIZE of raw packets in a temporary directory so flows can be exported (0: none)")
	retainFlags(fs, &l.retain)
	return &l
}

// retainFlags adds the retention flags, which set r.
func retainFlags(fs *flag.FlagSet, r *model.Retention) {
	fs.Func("retain-flows", "live input: finished flows kept at most; successes go first while they hold over half (0: no count limit; default 20000)", func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return fmt.Errorf("want a count of flows, 0 for no limit")
		}
		r.Flows = n
		return nil
	})
	ageFlag(fs, "retain-ok", "live input: drop a finished flow that did not fail this long after its last packet (0: keep; default 10m)", &r.OKAge)
	ageFlag(fs, "retain-failed", "live input: drop a failed flow this long after its last packet (0: keep; default 1h)", &r.FailAge)
	ageFlag(fs, "idle", "live input: a connection with no packet for this long counts as finished (0: only a close finishes it; default 2m)", &r.Idle)
}

func ageFlag(fs *flag.FlagSet, name, usage string, d *time.Duration) {
	fs.Func(name, usage, func(s string) error {
		v, err := time.ParseDuration(strings.TrimSpace(s))
		if strings.TrimSpace(s) == "0" {
			v, err = 0, nil
		}
		if err != nil || v < 0 {
			return fmt.Errorf("want a duration such as 30s, 10m or 2h, or 0")
		}
		*d = v
		return nil
	})
}

// retainArgs are the flags that give r to another command line (the
// explorer hands its flags to summary when output is not a terminal).
func retainArgs(r model.Retention) []string {
	return []string{"--retain-flows", strconv.Itoa(r.Flows), "--retain-ok", r.OKAge.String(),
		"--retain-failed", r.FailAge.String(), "--idle", r.Idle.String()}
}

// isLiveFlag reports the live input's flags, which the explorer takes
// before FILE.
func isLiveFlag(arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if len(arg)-len(name) > 2 || len(name) == len(arg) {
		return false
	}
	name, _, _ = strings.Cut(name, "=")
	switch name {
	case "spool", "retain-flows", "retain-ok", "retain-failed", "idle":
		return true
	}
	return false
}

// startLive gives a live input's loader its limits; where the temporary
// directory cannot take the spool, export is refused and a warning says why.
func startLive(l *model.Loader, lim liveLimits, stderr io.Writer) {
	l.SetRetention(lim.retain)
	if err := l.SetSpool("", lim.spool); err != nil {
		say(stderr, "pcapsurgery: warning: %v; flows cannot be exported\n", err)
	}
}
