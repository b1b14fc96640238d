package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// stopGrace is how long an interrupted export has to notice and remove its
// partial file before the process removes it and exits by itself.
const stopGrace = 5 * time.Second

// interrupt turns SIGINT, SIGTERM and SIGHUP (an SSH session hanging up)
// into a cancelled context, so an export in progress removes its temporary
// file (hundreds of MB of .pcapsurgery-*.tmp otherwise stay behind) and the
// command says so. A second signal, or an export that does not stop within
// stopGrace, removes what is left and exits at once.
type interrupt struct {
	ctx    context.Context
	cancel context.CancelFunc
	sigs   chan os.Signal
	done   chan struct{}
	stderr io.Writer

	mu  sync.Mutex
	sig os.Signal
}

func catchInterrupts(stderr io.Writer) *interrupt {
	ctx, cancel := context.WithCancel(context.Background())
	in := &interrupt{ctx: ctx, cancel: cancel, sigs: make(chan os.Signal, 2), done: make(chan struct{}), stderr: stderr}
	signal.Notify(in.sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go in.watch()
	return in
}

func (in *interrupt) watch() {
	var grace <-chan time.Time
	for {
		select {
		case <-in.done:
			return
		case s := <-in.sigs:
			in.mu.Lock()
			first := in.sig == nil
			if first {
				in.sig = s
			}
			in.mu.Unlock()
			in.cancel()
			if !first {
				in.exitNow()
			}
			grace = time.After(stopGrace)
		case <-grace:
			in.exitNow()
		}
	}
}

// exitNow is the last resort: the export did not stop in time.
func (in *interrupt) exitNow() {
	for _, name := range model.RemovePartialExports() {
		say(in.stderr, "pcapsurgery: interrupted (%s): removed the partial file %s\n", in.caught(), name)
	}
	say(in.stderr, "pcapsurgery: interrupted (%s)\n", in.caught())
	os.Exit(in.status())
}

// stop ends the watch; signals have their default effect again.
func (in *interrupt) stop() {
	signal.Stop(in.sigs)
	close(in.done)
	in.cancel()
}

// caught is the first signal received, nil before.
func (in *interrupt) caught() os.Signal {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.sig
}

// status is the shell's convention for a process ended by a signal: 128+N.
func (in *interrupt) status() int {
	if s, ok := in.caught().(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitCapture
}
