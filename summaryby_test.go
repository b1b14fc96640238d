package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// groupLine is the part of a summary --by --json line the tests read.
type groupLine struct {
	By       []string       `json:"by"`
	Key      []string       `json:"key"`
	Flows    int            `json:"flows"`
	Failures int            `json:"failures"`
	Share    float64        `json:"failure_share"`
	Outcomes map[string]int `json:"outcomes"`
	Buckets  []int          `json:"failures_over_time"`
}

func summaryBy(t *testing.T, args ...string) (string, []groupLine) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{"summary"}, args...), &stdout, &stderr); code != exitOK {
		t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
	}
	var lines []groupLine
	if !strings.Contains(strings.Join(args, " "), "--json") {
		return stdout.String(), nil
	}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var g groupLine
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("%v: %v in %q", args, err, sc.Text())
		}
		lines = append(lines, g)
	}
	return "", lines
}

// TestSummaryByOutcomeMatchesTotals: grouped by outcome, the JSON lines
// are the counts the plain summary's totals line gives, most failures
// first, each failure counted once in failures_over_time.
func TestSummaryByOutcomeMatchesTotals(t *testing.T) {
	const capture = "testdata/synth-mix.pcapng"
	plain, _ := summaryBy(t, capture)
	_, groups := summaryBy(t, "--by", "outcome", "--json", capture)
	var totals string
	for _, l := range strings.Split(plain, "\n") {
		if strings.Contains(l, " flows: ") {
			totals = l
		}
	}
	flows := 0
	for i, g := range groups {
		flows += g.Flows
		if len(g.Key) != 1 || g.By[0] != "outcome" || g.Outcomes[g.Key[0]] != g.Flows {
			t.Errorf("group %+v is not one outcome's", g)
		}
		if !strings.Contains(totals, " "+itoa(g.Flows)+" "+g.Key[0]) {
			t.Errorf("group %s has %d flows; the totals say %q", g.Key[0], g.Flows, totals)
		}
		sum := 0
		for _, n := range g.Buckets {
			sum += n
		}
		if sum != g.Failures || len(g.Buckets) != 20 {
			t.Errorf("group %s: %d failures, %d in %d buckets", g.Key[0], g.Failures, sum, len(g.Buckets))
		}
		if i > 0 && groups[i-1].Failures < g.Failures {
			t.Errorf("%s (%d failures) after %s (%d)", g.Key[0], g.Failures, groups[i-1].Key[0], groups[i-1].Failures)
		}
	}
	if !strings.HasPrefix(totals, itoa(flows)+" flows: ") {
		t.Errorf("groups hold %d flows; totals %q", flows, totals)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestSummaryByTwoKeysWithFilter: --by server,ja4a with --failures prints
// the second level indented under each server, only failures counted, and
// the JSON gives one line per pair whose sums are the server's.
func TestSummaryByTwoKeysWithFilter(t *testing.T) {
	const capture = "testdata/demo.pcapng"
	text, _ := summaryBy(t, "--by", "server,ja4a", "--failures", capture)
	lines := strings.Split(text, "\n")
	if !strings.HasPrefix(lines[0], "SERVER / JA4A  ") || !strings.Contains(lines[0], "FAILURES OVER TIME") {
		t.Errorf("header %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "192.0.2.") || !strings.HasPrefix(lines[2], "  t1") {
		t.Errorf("want a server then an indented JA4 first section:\n%s", text)
	}
	if strings.Contains(text, " ok") || !strings.Contains(text, "100%") {
		t.Errorf("--failures still counts OK flows or shows a share under 100%%:\n%s", text)
	}
	_, pairs := summaryBy(t, "--by", "server,ja4a", "--filter", "outcome:alert", "--json", capture)
	if len(pairs) < 2 {
		t.Fatalf("%d pairs", len(pairs))
	}
	for _, p := range pairs {
		if len(p.Key) != 2 || p.Outcomes["alert"] != p.Flows || p.Share != 1 {
			t.Errorf("pair %+v: want two keys and only alerts", p)
		}
	}
}

func TestSummaryByUnknownKeyIsUsageError(t *testing.T) {
	for _, by := range []string{"host", "server,ja4,sni"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{"summary", "--by", by, "testdata/demo.pcapng"}, &stdout, &stderr)
		if code != exitUsage || stdout.Len() != 0 {
			t.Errorf("--by %s: exit %d, stdout %q", by, code, stdout.String())
		}
		if by == "host" && !strings.Contains(stderr.String(), "server, sni, client, clientnet, ja4, ja4a, outcome, alert, version, cipher, issuer") {
			t.Errorf("--by host: %q does not name the keys", stderr.String())
		}
	}
}

// TestSummaryBySparklineIsBlocks: the text table draws failures over time
// with block characters only (no colour, no escape sequences), so it reads
// the same under NO_COLOR and in a file.
func TestSummaryBySparklineIsBlocks(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	text, _ := summaryBy(t, "--by", "sni", "testdata/demo.pcapng")
	if strings.Contains(text, "\x1b") || !strings.ContainsAny(text, "▁▂▃▄▅▆▇█") {
		t.Errorf("sparkline:\n%s", text)
	}
}

// TestSummaryByKeysDocumented: help and every shell's completion name
// every group key the parser accepts.
func TestSummaryByKeysDocumented(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range model.GroupKeys {
		if !strings.Contains(commandHelp["summary"], " "+string(k)) {
			t.Errorf("help summary does not name key %s", k)
		}
		if !strings.Contains(string(readme), "| `"+string(k)+"` |") {
			t.Errorf("README does not list key %s", k)
		}
	}
	var keys []string
	for _, k := range model.GroupKeys {
		keys = append(keys, string(k))
	}
	for sh, script := range map[string]string{"zsh": zshCompletion, "fish": fishCompletion} {
		if !strings.Contains(script, strings.Join(keys, " ")) {
			t.Errorf("%s completion does not offer the keys %v", sh, keys)
		}
	}
}

// TestSummaryByNamesWhereFailuresConcentrate: with two keys, a group whose
// failures all share one second-level value that never succeeds there
// gets its line under the table (synth-mix: the flows without SNI).
func TestSummaryByNamesWhereFailuresConcentrate(t *testing.T) {
	text, _ := summaryBy(t, "--by", "sni,ja4a", "testdata/synth-mix.pcapng")
	want := "Where the failures concentrate:\n  (none): both failures have ja4a (none), which never succeeded here (5 flows); the one successful flow has another ja4a\n"
	if !strings.Contains(text, want) {
		t.Errorf("want %q in:\n%s", want, text)
	}
	if one, _ := summaryBy(t, "--by", "sni", "testdata/synth-mix.pcapng"); strings.Contains(one, "concentrate") {
		t.Errorf("one key has no second level to concentrate on:\n%s", one)
	}
}
