package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/livecap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui"
)

// captureIface is `pcapsurgery capture IFACE [FILTER]`: packets read from an
// AF_PACKET socket (decode/livecap) are written as a pcap stream into a pipe
// that the same live path as `tcpdump -U -w - | pcapsurgery -` reads: the
// explorer, or summary lines as flows settle when standard output is not a
// terminal. SIGINT, SIGTERM, SIGHUP or --duration end the capture normally.
func captureIface(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("capture", stderr)
	out := fs.String("w", "", "also write the captured packets to this pcap file")
	force := fs.Bool("force", false, "overwrite the -w file if it exists")
	duration := fs.Duration("duration", 0, "stop after this long (e.g. 30s, 5m); 0: until interrupted")
	asJSON := fs.Bool("json", false, "when output is not a terminal: one JSON object per flow per line")
	expr := fs.String("filter", "", "when output is not a terminal: only flows matching this filter expression")
	failures := fs.Bool("failures", false, "when output is not a terminal: only failed flows")
	maxHeld := maxHeldFlag(fs)
	live := liveFlags(fs)
	words, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(words) == 0 {
		return usageError(stderr, "capture needs an interface name (ip link lists them)")
	}
	if *duration < 0 {
		return usageError(stderr, "--duration must not be negative")
	}
	iface := words[0]
	filter, err := livecap.ParseFilter(strings.Join(words[1:], " "))
	if err != nil {
		return usageError(stderr, "%v", err)
	}
	flowFilter, err := model.ParseFilter(*expr)
	if err != nil {
		return filterUsageError(stderr, *expr, err)
	}
	f, isFile := stdout.(*os.File)
	explorer := isFile && term.IsTerminal(int(f.Fd()))
	if explorer && (*expr != "" || *failures) {
		return usageError(stderr, "--filter and --failures choose the lines printed when output is not a terminal; in the explorer, press / to filter")
	}
	if !livecap.Supported {
		say(stderr, "pcapsurgery: %v\n", livecap.ErrUnsupported)
		return exitCapture
	}
	var spool *pcapOut
	if *out != "" {
		if spool, err = createPcapOut(*out, *force); err != nil {
			say(stderr, "pcapsurgery: %v\n", err)
			return exitCapture
		}
		defer spool.abandon()
	}
	c, err := livecap.Open(iface, filter)
	if err != nil {
		say(stderr, "pcapsurgery: %v\n", err)
		return exitCapture
	}
	defer c.Close()

	in := catchInterrupts(stderr)
	defer in.stop()
	ctx, cancel := context.WithCancel(in.ctx)
	defer cancel()
	if *duration > 0 {
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		say(stderr, "pcapsurgery: %v\n", err)
		return exitCapture
	}
	defer pr.Close()
	var dst io.Writer = pw
	if spool != nil {
		dst = io.MultiWriter(pw, spool.f)
	}
	streamed := make(chan error, 1)
	go func() {
		err := c.Stream(ctx, dst)
		pw.Close() // the reader sees the end of the capture
		streamed <- err
	}()
	src, err := capture.NewSource(pr, -1)
	if err != nil {
		cancel()
		<-streamed
		say(stderr, "pcapsurgery: %s: %v\n", iface, err)
		return exitCapture
	}
	l := model.NewLoader(src)
	l.SetMaxHeld(int64(*maxHeld))
	l.SetRetention(live.retain)
	if explorer {
		startLive(l, *live, stderr)
		defer l.Close()
		label := iface // the header says what is captured: LIVE eth0 port 443
		if !filter.Empty() {
			label += " " + strings.Join(strings.Fields(filter.String()), " ")
		}
		err = ui.Run(ui.Options{Iface: label, Loader: l, Stderr: stderr, KernelDrops: c.Dropped})
	} else {
		warn := dropWarner(c.Dropped, iface, stderr)
		err = captureSummary(l, *asJSON, selected(flowFilter, *failures), stdout, warn)
	}
	cancel()
	pr.Close() // a writer still blocked on a full pipe gets EPIPE and stops
	serr := <-streamed
	code = exitOK
	if err != nil {
		say(stderr, "pcapsurgery: %v\n", err)
		code = exitCapture
	}
	if serr != nil && !errors.Is(serr, syscall.EPIPE) {
		say(stderr, "pcapsurgery: capture on %s: %v\n", iface, serr)
		code = exitCapture
	}
	if n := c.Dropped(); n > 0 {
		say(stderr, "pcapsurgery: warning: the kernel dropped %d packet%s on %s because they were not read fast enough\n", n, plural(int(n)), iface)
	}
	if spool != nil {
		if err := spool.finish(*force); err != nil {
			say(stderr, "pcapsurgery: %v\n", err)
			return exitCapture
		}
		say(stderr, "pcapsurgery: wrote %s\n", *out)
	}
	return code
}

// captureSummary prints each flow as its outcome becomes known, then the
// flows still open when the capture ends; after each batch it calls
// afterBatch (nil: nothing).
func captureSummary(l *model.Loader, asJSON bool, keep func(*model.Flow) bool, stdout io.Writer, afterBatch func()) error {
	lw := model.NewLiveWriter(stdout, asJSON, keep)
	var werr error
	damage := l.Run(context.Background(), func(b model.Batch) {
		if werr == nil {
			werr = lw.Batch(b)
		}
		if afterBatch != nil {
			afterBatch()
		}
	})
	if werr == nil {
		werr = lw.Finish(l, l.Stats())
	}
	if werr == nil && damage != nil {
		werr = fmt.Errorf("reading the capture stream: %v", damage)
	}
	return werr
}

// dropWarner says on stderr, while the capture runs, that the kernel
// dropped packets: when the count first grows and then at most every
// dropWarnEvery, so a log shipper fed by stdout is not the only one that
// misses them. The final count is said when the capture ends.
func dropWarner(dropped func() uint64, iface string, stderr io.Writer) func() {
	var said uint64
	var at time.Time
	return func() {
		n := dropped()
		if n == said || time.Since(at) < dropWarnEvery {
			return
		}
		said, at = n, time.Now()
		say(stderr, "pcapsurgery: warning: the kernel has dropped %d packet%s on %s so far (not read fast enough): the flows they belonged to may show gaps\n", n, plural(int(n)), iface)
	}
}

const dropWarnEvery = 10 * time.Second

// pcapOut is the -w file: written under a temporary name next to it and
// renamed at the end, so an existing file is never half overwritten.
type pcapOut struct {
	f    *os.File
	name string
}

func createPcapOut(name string, force bool) (*pcapOut, error) {
	if _, err := os.Lstat(name); err == nil && !force {
		return nil, fmt.Errorf("%s exists; use --force to overwrite it", name)
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".pcapsurgery-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("-w %s: %w", name, err)
	}
	return &pcapOut{f: f, name: name}, nil
}

func (p *pcapOut) finish(force bool) error {
	tmp := p.f.Name()
	if err := p.f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", p.name, err)
	}
	p.f = nil
	if _, err := os.Lstat(p.name); err == nil && !force {
		os.Remove(tmp)
		return fmt.Errorf("%s appeared while capturing; not overwritten (use --force)", p.name)
	}
	if err := os.Rename(tmp, p.name); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", p.name, err)
	}
	return nil
}

// abandon removes the temporary file when finish was not reached.
func (p *pcapOut) abandon() {
	if p.f != nil {
		p.f.Close()
		os.Remove(p.f.Name())
	}
}
