package main

import (
	"io"
	"os"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// liveInput reports whether path is a stream that may stay open for hours
// (standard input or a FIFO that is not a regular file: tcpdump -U -w - |
// pcapsurgery summary -). summary then prints each flow as it settles
// instead of all of them at the end.
func liveInput(path string) bool {
	var st os.FileInfo
	var err error
	if path == "-" {
		st, err = os.Stdin.Stat()
	} else {
		st, err = os.Stat(path)
	}
	return err == nil && !st.Mode().IsRegular() && st.Mode()&os.ModeDir == 0
}

// summaryLive is summary on live input: a line per flow as its outcome
// becomes known (JSON lines with --json), the flows still open when the
// input ends after them. SIGINT, SIGTERM or SIGHUP stop the reading: the
// open flows are printed as they stand, then the totals (on standard error
// with --json, so standard output stays one JSON object a line).
func summaryLive(path string, asJSON bool, keep func(*model.Flow) bool, maxHeld int64, keys *keylog.Log, retain model.Retention, stdout, stderr io.Writer) int {
	src, err := capture.Open(path)
	if err != nil {
		say(stderr, "pcapsurgery: %v\n", err)
		return exitCapture
	}
	defer src.Close()
	in := catchInterrupts(stderr)
	defer in.stop()
	l := model.NewLoader(src)
	l.SetMaxHeld(maxHeld)
	l.SetRetention(retain)
	if keys != nil {
		l.SetKeyLog(keys)
	}
	lw := model.NewLiveWriter(stdout, asJSON, keep)
	var werr error
	damage := l.Run(in.ctx, func(b model.Batch) {
		if werr == nil {
			werr = lw.Batch(b)
		}
	})
	sig := in.caught()
	if sig == nil && damage != nil {
		say(stderr, "pcapsurgery: warning: %s: %v; showing the %d packets read before it\n", path, damage, l.Stats().Packets)
	}
	if werr == nil {
		werr = lw.Finish(l, l.Stats())
	}
	if werr != nil {
		say(stderr, "pcapsurgery: %v\n", werr)
		return exitCapture
	}
	if sig != nil {
		if asJSON {
			say(stderr, "pcapsurgery: interrupted (%s): %s\n", sig, lw.Totals())
		} else {
			say(stderr, "pcapsurgery: interrupted (%s)\n", sig)
		}
		return in.status()
	}
	return exitOK
}
