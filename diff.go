package main

import (
	"context"
	"io"
	"strconv"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// diff prints the comparison of two flows, or of one with the closest flow
// that completed its handshake to the same server.
func diff(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("diff", stderr)
	asJSON := fs.Bool("json", false, "the comparison as one JSON object")
	maxHeld := maxHeldFlag(fs)
	keyFiles := keyLogFlag(fs)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) < 2 || len(pos) > 3 {
		return usageError(stderr, "diff needs a capture FILE and one or two flow IDs (got %d arguments)", len(pos))
	}
	path := pos[0]
	var ids []int
	for _, s := range pos[1:] {
		id, err := strconv.Atoi(s)
		if err != nil || id < 1 {
			return usageError(stderr, "diff: flow ID %q is not a positive number", s)
		}
		ids = append(ids, id)
	}
	if len(ids) == 2 && ids[0] == ids[1] {
		return usageError(stderr, "diff: give two different flow IDs (got %d twice)", ids[0])
	}
	keys, code := readKeyLogs(*keyFiles, stderr)
	if code != exitOK {
		return code
	}
	l, code := loadKeyed(context.Background(), path, stderr, forReport, int64(*maxHeld), keys)
	if l == nil {
		return code
	}
	flows := make([]model.Flow, len(ids))
	for i, id := range ids {
		if n := l.Stats().Flows; id > n {
			say(stderr, "pcapsurgery: no flow %d (the capture has %d)\n", id, n)
			return exitCapture
		}
		flows[i] = flowByID(l, id)
	}
	var c model.Comparison
	if len(ids) == 2 {
		c = model.Compare(flows[0], flows[1], model.MatchPicked)
	} else {
		oid, rule, found := model.BuildClosestIndex(l.Each).Closest(&flows[0])
		if !found {
			say(stderr, "pcapsurgery: no flow completed its handshake to the same server address or SNI as flow %d; give a second flow ID to compare it with any flow\n", ids[0])
			return exitCapture
		}
		c = model.Compare(flows[0], flowByID(l, oid), rule)
	}
	var err error
	if *asJSON {
		err = model.WriteComparisonJSON(stdout, &c)
	} else {
		err = model.WriteComparisonText(stdout, &c)
	}
	if err != nil {
		say(stderr, "pcapsurgery: %v\n", err)
		return exitCapture
	}
	return code
}

// flowByID copies flow id out of the loader (Each reuses its *Flow).
func flowByID(l *model.Loader, id int) model.Flow {
	var out model.Flow
	l.Each(func(f *model.Flow) {
		if f.ID == id {
			out = *f
		}
	})
	return out
}
