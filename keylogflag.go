package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pcapsurgery/pcapsurgery/decode/keylog"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// keyLogFiles is the repeatable --keylog flag.
type keyLogFiles []string

func (k *keyLogFiles) String() string     { return fmt.Sprint([]string(*k)) }
func (k *keyLogFiles) Set(s string) error { *k = append(*k, s); return nil }

// keyLogFlag adds --keylog to a command's flags.
func keyLogFlag(fs *flag.FlagSet) *keyLogFiles {
	k := &keyLogFiles{}
	fs.Var(k, "keylog", "TLS key log file (NSS format, as SSLKEYLOGFILE writes it); repeatable")
	return k
}

// readKeyLogs reads every --keylog file and SSLKEYLOGFILE when set. It
// returns nil when there is nothing to read. A --keylog file that cannot be
// read is an error (exit 1); an SSLKEYLOGFILE that cannot is only noted,
// since browsers set it for a file they have not written yet. Lines it could
// not use are counted on stderr, never fatal; secrets are never printed.
func readKeyLogs(files keyLogFiles, stderr io.Writer) (*keylog.Log, int) {
	env := os.Getenv("SSLKEYLOGFILE")
	if len(files) == 0 && env == "" {
		return nil, exitOK
	}
	l := keylog.New()
	read := func(path string, required bool) bool {
		before := l.Stats()
		f, err := os.Open(path)
		if err == nil {
			err = l.Read(f)
			f.Close()
		}
		if err != nil {
			if required {
				say(stderr, "pcapsurgery: key log: %v\n", err)
				return false
			}
			say(stderr, "pcapsurgery: note: SSLKEYLOGFILE: %v; going on without it\n", err)
			return true
		}
		after := l.Stats()
		if p := after.Since(before).Problems(); p != "" {
			say(stderr, "pcapsurgery: warning: key log %s: %s\n", path, p)
		}
		if after.Secrets == before.Secrets && after.Lines > before.Lines {
			say(stderr, "pcapsurgery: warning: key log %s holds no usable secret\n", path)
		}
		return true
	}
	for _, p := range files {
		if !read(p, true) {
			return nil, exitCapture
		}
	}
	if env != "" && !contains(files, env) {
		read(env, false)
	}
	return l, exitOK
}

// diffStats is what one file added to the counts.
func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// exportSecrets is the key log text of the flows with these IDs only.
func exportSecrets(l *model.Loader, ids []int) []byte {
	want := make(map[int]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	var flows []*model.Flow
	l.Each(func(f *model.Flow) {
		if want[f.ID] {
			c := *f
			flows = append(flows, &c)
		}
	})
	return model.ExportSecrets(flows)
}
