// Command pcapsurgery opens a packet capture and tells, per TCP connection,
// where its TLS handshake stopped and why; it cuts the evidence out into a
// small new capture. main only parses flags and wires the engine to a front
// end: the explorer when standard output is a terminal, text or JSON otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"golang.org/x/term"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui"
)

// Exit statuses.
const (
	exitOK      = 0
	exitCapture = 1 // the capture could not be read at all
	exitUsage   = 2
)

func main() {
	if os.Getenv("GOGC") == "" {
		// The flow table is the live heap; letting garbage reach half of it
		// (not all of it, Go's default) cuts peak memory by a third on a
		// 1 GB capture at no measurable cost in time (README, Speed).
		debug.SetGCPercent(50)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "-help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	case "--version", "-version", "version":
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	case "help":
		return help(args[1:], stdout, stderr)
	case "summary":
		return summary(args[1:], stdout, stderr)
	case "export":
		return export(args[1:], stdout, stderr)
	case "diff":
		return diff(args[1:], stdout, stderr)
	case "capture":
		return captureIface(args[1:], stdout, stderr)
	case "completion":
		return completion(args[1:], stdout, stderr)
	}
	args, local := takeLocal(args)
	if len(args) == 0 {
		return usageError(stderr, "--local needs a capture FILE")
	}
	if isMaxHeldFlag(args[0]) || isKeyLogFlag(args[0]) || isLiveFlag(args[0]) {
		return exploreWithFlags(args, local, stdout, stderr)
	}
	if len(args[0]) > 1 && args[0][0] == '-' {
		return usageError(stderr, "unknown flag %s", args[0])
	}
	if _, err := os.Stat(args[0]); len(args) > 1 && err != nil {
		return usageError(stderr, "unknown command %q (commands: summary, export, diff, capture, completion, help)", args[0])
	}
	return explore(args, local, stdout, stderr, decode.DefaultMaxHeld, nil, defaultLiveLimits())
}

// takeLocal removes the explorer's --local flag. Times are UTC unless it is
// given or TZ is set in the environment (a zone the user chose); the list's
// TIME column names the zone either way.
func takeLocal(args []string) ([]string, *time.Location) {
	loc := time.UTC
	if os.Getenv("TZ") != "" {
		loc = time.Local
	}
	var rest []string
	for _, a := range args {
		if a == "--local" || a == "-local" {
			loc = time.Local
			continue
		}
		rest = append(rest, a)
	}
	return rest, loc
}

func usageError(stderr io.Writer, format string, a ...any) int {
	say(stderr, "pcapsurgery: "+format+"\nRun 'pcapsurgery --help' for usage.\n", a...)
	return exitUsage
}

// explore opens the explorer, or prints the summary table when standard
// output is not a terminal (pcapsurgery FILE | cat).
func explore(paths []string, loc *time.Location, stdout, stderr io.Writer, maxHeld int64, keyFiles keyLogFiles, live liveLimits) int {
	if files, err := capture.ExpandPaths(paths); err == nil {
		paths = files // a directory stands for its files
	}
	if f, ok := stdout.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		args := append([]string{"--max-held", strconv.FormatInt(maxHeld, 10)}, retainArgs(live.retain)...)
		for _, k := range keyFiles {
			args = append(args, "--keylog", k)
		}
		return summary(append(args, paths...), stdout, stderr)
	}
	keys, code := readKeyLogs(keyFiles, stderr)
	if code != exitOK {
		return code
	}
	src, err := openInput(paths)
	if err != nil {
		say(stderr, "pcapsurgery: %v\n", err)
		return exitCapture
	}
	defer src.Close()
	l := model.NewLoader(src)
	l.SetMaxHeld(maxHeld)
	l.SetKeyLog(keys)
	startLive(l, live, stderr)
	// The spool goes whatever ends the explorer: q, SIGINT, SIGTERM, SIGHUP.
	defer l.Close()
	var reopen model.Reopener // K in the explorer re-reads the capture with a key log
	if !contains(paths, "-") {
		reopen = func() (*capture.Source, error) { return openInput(paths) }
	}
	if err := ui.Run(ui.Options{Path: inputLabel(paths), Loader: l, Stderr: stderr, Location: loc, Reopen: reopen}); err != nil {
		say(stderr, "pcapsurgery: %v\n", err)
		return exitCapture
	}
	return exitOK
}

// loadUse is what a command does with the flows it loads, which decides
// what the load keeps.
type loadUse int

const (
	forReport      loadUse = iota // print them (summary, diff): no packet lists
	forExport                     // export them: every flow's packets listed
	forPacketsOnly                // export whole flows by ID: packets, no TLS decoding
)

// loadKeyed reads a whole capture for the command-line front ends, with a
// key log to decrypt TLS handshakes with (nil: none), keeping what use
// needs. When ctx ends first it returns no loader and says nothing: the
// caller knows why.
func loadKeyed(ctx context.Context, path string, stderr io.Writer, use loadUse, maxHeld int64, keys *keylog.Log) (*model.Loader, int) {
	return loadInputs(ctx, []string{path}, stderr, use, maxHeld, keys)
}

// loadInputs is loadKeyed for one or several captures read as one (files,
// directories: inputs.go).
func loadInputs(ctx context.Context, paths []string, stderr io.Writer, use loadUse, maxHeld int64, keys *keylog.Log) (*model.Loader, int) {
	path := inputLabel(paths)
	src, err := openInput(paths)
	if err != nil {
		say(stderr, "pcapsurgery: %v\n", err)
		return nil, exitCapture
	}
	defer src.Close()
	var l *model.Loader
	switch use {
	case forReport:
		l = model.NewReportLoader(src)
	case forExport:
		l = model.NewLoader(src)
	case forPacketsOnly:
		l = model.NewPacketLoader(src)
	}
	l.SetMaxHeld(maxHeld)
	if keys != nil && use != forPacketsOnly {
		l.SetKeyLog(keys)
	}
	damage := l.Run(ctx, nil)
	if ctx.Err() != nil {
		return nil, exitCapture
	}
	if damage != nil {
		if l.Stats().Packets == 0 {
			say(stderr, "pcapsurgery: %s: no packet could be read: %v\n", path, damage)
			return nil, exitCapture
		}
		say(stderr, "pcapsurgery: warning: %s: %v; showing the %d packets read before it\n",
			path, damage, l.Stats().Packets)
	}
	if n := l.Stats().HeldDropped; n > 0 {
		say(stderr, "pcapsurgery: warning: %s: the memory budget for held bytes (--max-held %s) was reached; %d flow direction%s stopped being decoded and show PARTIAL\n",
			path, model.SizeWord(maxHeld), n, plural(n))
	}
	return l, exitOK
}

// matching streams the flows keep accepts.
func matching(l *model.Loader, keep func(*model.Flow) bool, fn func(*model.Flow)) {
	l.Each(func(f *model.Flow) {
		if keep(f) {
			fn(f)
		}
	})
}

// selected accepts the flows that pass the filter (and, with failures, only failed ones).
func selected(filter model.Filter, failures bool) func(*model.Flow) bool {
	return func(f *model.Flow) bool { return filter.Match(f) && (!failures || f.Outcome.Failed()) }
}

func summary(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("summary", stderr)
	asJSON := fs.Bool("json", false, "one JSON object per flow per line")
	expr := fs.String("filter", "", "only flows matching this filter expression")
	failures := fs.Bool("failures", false, "only failed flows")
	byKeys := fs.String("by", "", "one line per group of flows: KEY or KEY,KEY2")
	maxHeld := maxHeldFlag(fs)
	keyFiles := keyLogFlag(fs)
	retain := model.DefaultRetention
	retainFlags(fs, &retain)
	paths, code, ok := parseFiles(fs, args, stderr)
	if !ok {
		return code
	}
	path := paths[0]
	filter, err := model.ParseFilter(*expr)
	if err != nil {
		return filterUsageError(stderr, *expr, err)
	}
	keys, code := readKeyLogs(*keyFiles, stderr)
	if code != exitOK {
		return code
	}
	var by []model.GroupKey
	if *byKeys != "" {
		if by, err = model.ParseGroupKeys(*byKeys); err != nil {
			return usageError(stderr, "--by: %v", err)
		}
	}
	if by == nil && len(paths) == 1 && liveInput(path) {
		return summaryLive(path, *asJSON, selected(filter, *failures), int64(*maxHeld), keys, retain, stdout, stderr)
	}
	l, code := loadInputs(context.Background(), paths, stderr, forReport, int64(*maxHeld), keys)
	if l == nil {
		return code
	}
	if by != nil {
		err = groupSummary(stdout, l, by, selected(filter, *failures), *asJSON)
	} else if *asJSON {
		err = l.WriteJSONLines(stdout, selected(filter, *failures))
	} else {
		err = l.WriteTable(stdout, selected(filter, *failures))
	}
	if err != nil {
		say(stderr, "pcapsurgery: %v\n", err)
		return exitCapture
	}
	return code
}

// groupSummary prints summary --by: the flows kept, grouped, one group at a time.
func groupSummary(stdout io.Writer, l *model.Loader, by []model.GroupKey, keep func(*model.Flow) bool, asJSON bool) error {
	// Classifying each flow (its diagnosis text) makes garbage by the flow
	// while the loaded flows are still held: at the default GOGC the heap
	// would grow by as much again before a collection. Collect sooner
	// while they are taken in.
	gcPercent := debug.SetGCPercent(25)
	defer debug.SetGCPercent(gcPercent)
	span := l.Span()
	// The flows go into a group index of the columns this grouping reads
	// (25 bytes a flow, and the phase timings for --json); the loader is
	// not used after, so its flows are
	// garbage before the groups are counted, and the groups' memory is not
	// added to the flows'.
	total := l.Stats().Flows
	x := model.NewGroupIndexFor(by)
	x.Reserve(total)
	var times []model.Timings
	if asJSON {
		times = make([]model.Timings, 0, total)
	}
	n := 0
	l.EachClassified(func(f *model.Flow) {
		if !keep(f) {
			return
		}
		x.Set(n, f)
		if asJSON {
			times = append(times, model.TimingsOf(f))
		}
		n++
	})
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	var timings func(int32) model.Timings
	if asJSON { // percentiles per group in the JSON
		timings = func(i int32) model.Timings { return times[i] }
	}
	set := x.Group(all, by, span, model.GroupBuckets, model.GroupByFailures, timings)
	// The flows are garbage now and what is left is small: collecting
	// every 25% of it would run the collector every few milliseconds
	// while the groups are written (37 times on the 1 GB file).
	debug.SetGCPercent(gcPercent)
	return model.WriteGroupSet(stdout, set, asJSON)
}

func export(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("export", stderr)
	flowID := fs.Int("flow", 0, "the flow ID to export (from summary or the explorer)")
	expr := fs.String("filter", "", "export every flow matching this filter expression")
	evidence := fs.Bool("evidence", false, "only the handshake evidence: TCP handshake, handshake records, alerts, resets, FINs, first data each way")
	out := fs.String("o", "", "output file (.pcapng for pcapng, else pcap)")
	force := fs.Bool("force", false, "overwrite the output file if it exists")
	maxHeld := maxHeldFlag(fs)
	keyFiles := keyLogFlag(fs)
	withSecrets := fs.Bool("with-secrets", false, "embed the exported flows' TLS secrets (only theirs) in the pcapng")
	paths, code, ok := parseFiles(fs, args, stderr)
	if !ok {
		return code
	}
	path := inputLabel(paths)
	switch {
	case *out == "":
		return usageError(stderr, "export needs -o OUT")
	case *withSecrets && !model.IsPcapngName(*out):
		return usageError(stderr, "--with-secrets needs a pcapng output (-o NAME.pcapng): pcap has no place for secrets")
	case (*flowID == 0) == (*expr == ""):
		return usageError(stderr, "export needs exactly one of --flow ID or --filter EXPR")
	}
	filter, err := model.ParseFilter(*expr)
	if err != nil {
		return filterUsageError(stderr, *expr, err)
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			continue // its files, read as one with the others
		}
		if msg := notRereadable(p); msg != "" {
			return usageError(stderr, "export reads the capture twice (once to find the flows, once to copy their packets): %s; save it to a file and give that", msg)
		}
	}
	keys, code := readKeyLogs(*keyFiles, stderr)
	if code != exitOK {
		return code
	}
	in := catchInterrupts(stderr)
	defer in.stop()
	use := forExport
	if *flowID != 0 && !*evidence && !*withSecrets {
		use = forPacketsOnly
	}
	l, code := loadInputs(in.ctx, paths, stderr, use, int64(*maxHeld), keys)
	if sig := in.caught(); sig != nil {
		say(stderr, "pcapsurgery: interrupted (%s) while reading %s: nothing was written\n", sig, path)
		return in.status()
	}
	if l == nil {
		return code
	}
	var ids []int
	if *flowID != 0 {
		if n := l.Stats().Flows; *flowID < 1 || *flowID > n {
			say(stderr, "pcapsurgery: no flow %d (the capture has %d)\n", *flowID, n)
			return exitCapture
		}
		ids = []int{*flowID}
	} else {
		matching(l, selected(filter, false), func(f *model.Flow) { ids = append(ids, f.ID) })
		if len(ids) == 0 {
			say(stderr, "pcapsurgery: no flow matches %q\n", *expr)
			return exitCapture
		}
	}
	mode := model.ExportWhole
	if *evidence {
		mode = model.ExportEvidence
	}
	req := model.ExportRequest{Input: path, Flows: ids, Mode: mode, Out: *out, Overwrite: *force}
	if *withSecrets {
		if req.Secrets = exportSecrets(l, ids); req.Secrets == nil {
			say(stderr, "pcapsurgery: note: no key log (--keylog, SSLKEYLOGFILE or the capture's own) has secrets for the exported flows; writing them without\n")
		}
	}
	res, err := model.ExportContext(in.ctx, l, req)
	if sig := in.caught(); errors.Is(err, model.ErrInterrupted) && sig != nil {
		say(stderr, "pcapsurgery: %v (%s)\n", err, sig)
		return in.status()
	}
	if errors.Is(err, model.ErrExists) {
		say(stderr, "pcapsurgery: %s exists; use --force to overwrite it\n", *out)
		return exitCapture
	}
	if err != nil {
		say(stderr, "pcapsurgery: export: %v\n", err)
		return exitCapture
	}
	say(stdout, "wrote %s: %d packets from %d flow%s\n", res.Path, res.Packets, len(ids), plural(len(ids)))
	return exitOK
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(printableLines{stderr})
	fs.Usage = func() { fmt.Fprint(stderr, commandHelp[name]) }
	return fs
}

// parseFiles parses flags given before, between or after one or more FILE
// (or directory) arguments, read as one capture.
func parseFiles(fs *flag.FlagSet, args []string, stderr io.Writer) (paths []string, code int, ok bool) {
	files, code, ok := parseArgs(fs, args)
	if !ok {
		return nil, code, false
	}
	if len(files) == 0 {
		return nil, usageError(stderr, "%s needs a capture FILE (or several, or a directory)", fs.Name()), false
	}
	if files, err := capture.ExpandPaths(files); err == nil {
		return files, exitOK, true // a directory stands for its files
	}
	return files, exitOK, true // openInput says what is wrong
}

// parseArgs parses flags given before, between or after the positional
// arguments. When ok is false the caller exits with code.
func parseArgs(fs *flag.FlagSet, args []string) (files []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitUsage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		files = append(files, args[0])
		args = args[1:]
	}
	return files, exitOK, true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// notRereadable says why path cannot be read a second time (standard
// input, a pipe, a device), or "" for a regular file or one that does not
// exist (load then says so).
func notRereadable(path string) string {
	if path == "-" {
		return "standard input cannot be read again"
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().IsRegular() {
		return ""
	}
	return path + " is not a regular file and cannot be read again"
}
