package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/detail"
)

// A screen the tests of issue #11 run on: 80x24 and 200x50 in colour, and
// 80x24 under NO_COLOR (the ASCII profile: no colour may survive, and the
// text must say everything).
type screenCase struct {
	name    string
	w, h    int
	noColor bool
}

var screens = []screenCase{{"80x24", 80, 24, false}, {"200x50", 200, 50, false}, {"NO_COLOR", 80, 24, true}}

var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(38;|48;|3[0-7]|9[0-7])[0-9;]*m`)

// forScreens runs fn on every screen with a view function for it.
func forScreens(t *testing.T, fn func(t *testing.T, sc screenCase, show func(Model) string)) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			show := func(m Model) string {
				t.Helper()
				raw := m.View().Content
				if sc.noColor {
					var buf bytes.Buffer
					w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.ASCII}
					if _, err := w.Write([]byte(raw)); err != nil {
						t.Fatal(err)
					}
					if colourSGR.Match(buf.Bytes()) {
						t.Errorf("colour survives NO_COLOR: %q", buf.String())
					}
					raw = buf.String()
				}
				s := ansi.Strip(raw)
				assertSize(t, s, sc.w, sc.h)
				return s
			}
			fn(t, sc, show)
		})
	}
}

func lines(s string) []string { return strings.Split(s, "\n") }

// footerLine is the status line.
func footerLine(s string) string { l := lines(s); return l[len(l)-1] }

// spread gives the fixture's flows every outcome in turn, so the header has
// more kinds of failure than fit in 80 columns.
func spread(t *testing.T) []model.Flow {
	flows := slices.Clone(mix(t))
	for i := range flows {
		v := *flows[i].Verdict // its own: verdicts are shared
		v.Outcome = model.Outcomes[i%len(model.Outcomes)]
		flows[i].Verdict = &v
	}
	return flows
}

// headerSum checks the header's counts: the flows it says there are (of how
// many), the failures, and that the listed parts plus "+N more" add up.
var (
	leadRe = regexp.MustCompile(`  (?:(\d+) of )?(\d+) flows?(?: match)?(?:, (\d+) failed)?(?:: (.*?))?(?:  |$)`)
	partRe = regexp.MustCompile(`^(\d+) (\S+)$`)
	moreRe = regexp.MustCompile(`^\+(\d+) more$`)
)

func headerCounts(t *testing.T, head string) (shown, total, failed, listed int, more bool) {
	t.Helper()
	m := leadRe.FindStringSubmatch(head)
	if m == nil {
		t.Fatalf("header has no counts: %q", head)
	}
	total, _ = strconv.Atoi(m[2])
	shown = total
	if m[1] != "" {
		shown, _ = strconv.Atoi(m[1])
	}
	failed = -1
	if m[3] != "" {
		failed, _ = strconv.Atoi(m[3])
	}
	if m[4] != "" {
		for _, p := range strings.Split(m[4], " · ") {
			if mm := moreRe.FindStringSubmatch(p); mm != nil {
				n, _ := strconv.Atoi(mm[1])
				listed += n
				more = true
				continue
			}
			mm := partRe.FindStringSubmatch(p)
			if mm == nil {
				t.Fatalf("header part %q is not a count (%q)", p, head)
			}
			n, _ := strconv.Atoi(mm[1])
			listed += n
		}
	}
	return
}

// TestHeaderCountsAddUp: the parts listed in the header, with "+N more" for
// what did not fit, add up to the number of failures (or flows) it claims;
// with a filter on, every number is about the matching flows.
func TestHeaderCountsAddUp(t *testing.T) {
	flows := spread(t)
	failed := 0
	for _, f := range flows {
		if f.Outcome.Failed() {
			failed++
		}
	}
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		m := loaded(t, sc.w, sc.h, flows, Options{Path: "mix40.pcap"})
		head := lines(show(m))[0]
		shown, total, f, listed, more := headerCounts(t, head)
		if shown != 40 || total != 40 {
			t.Errorf("header counts %d of %d flows, want 40: %q", shown, total, head)
		}
		switch {
		case f >= 0 && (f != failed || listed != failed):
			t.Errorf("header says %d failed and lists %d, want %d both: %q", f, listed, failed, head)
		case f < 0 && listed != 40:
			t.Errorf("header lists %d of 40 flows: %q", listed, head)
		}
		if sc.w == 80 && !more {
			t.Errorf("80 columns cannot list every failure kind; want +N more: %q", head)
		}

		// Failures only: the matching set first, its own counts.
		m = press(t, m, "f")
		head = lines(show(m))[0]
		shown, total, f, listed, _ = headerCounts(t, head)
		if shown != failed || total != 40 || !strings.Contains(head, strconv.Itoa(failed)+" of 40 flows match") {
			t.Errorf("failures only: header %q, want %d of 40 flows match", head, failed)
		}
		if f >= 0 && listed != f || f < 0 && listed != shown {
			t.Errorf("failures only: parts add up to %d: %q", listed, head)
		}

		// A filter: two flows match, one failed.
		m = press(t, m, "f", "/")
		m = typeText(t, m, "sni:old-")
		m = press(t, m, "enter")
		head = lines(show(m))[0]
		if !strings.Contains(head, "2 of 40 flows match") {
			t.Errorf("filtered header: %q, want 2 of 40 flows match", head)
		}
		if _, _, f, listed, _ := headerCounts(t, head); f >= 0 && listed != f || f < 0 && listed != 2 {
			t.Errorf("filtered header parts add up to %d: %q", listed, head)
		}
	})
}

// TestOneFlow: "1 flow", never "1 flows".
func TestOneFlow(t *testing.T) {
	flows := mix(t)[:1]
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		m := loaded(t, sc.w, sc.h, flows, Options{Path: "one.pcap"})
		s := show(m)
		if strings.Contains(s, "1 flows") || !strings.Contains(lines(s)[0], "1 flow") {
			t.Errorf("header: %q", lines(s)[0])
		}
		m = press(t, m, "f", "f", "E")
		if strings.Contains(show(m), "1 flows") {
			t.Errorf("export dialog says 1 flows:\n%s", show(m))
		}
	})
}

// TestLongFilterKeepsTheSortOnScreen: a long filter is cut in the middle in
// the header, and the sort (in the footer) stays on screen.
func TestLongFilterKeepsTheSortOnScreen(t *testing.T) {
	long := "example.test !www-119.example.test !www-616.example.test !api-26296.example.test !api-10152"
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		m := loaded(t, sc.w, sc.h, mix(t), Options{Path: "mix40.pcap"})
		m = press(t, m, "/")
		m = typeText(t, m, long)
		m = press(t, m, "enter", "s", "S")
		s := show(m)
		if !strings.Contains(footerLine(s), "sort sni desc") {
			t.Errorf("sort label not on screen: %q", footerLine(s))
		}
		head := lines(s)[0]
		if !strings.Contains(head, "/example.t") || !strings.Contains(head, "10152") {
			t.Errorf("header loses an end of the filter: %q", head)
		}
		if !strings.Contains(head, " of 40 flows match") {
			t.Errorf("filter pushed the counts off: %q", head)
		}
	})
}

// TestColumnsAt80: the SNI whole, the time with its zone, columns sized from
// the data, sideways scrolling to what did not fit.
func TestColumnsAt80(t *testing.T) {
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		m := loaded(t, sc.w, sc.h, mix(t), Options{Path: "mix40.pcap"})
		s := show(m)
		for _, want := range []string{"TIME UTC", "intranet-175.example.test", "api-87369.example.test", "ALERT", "SERVER", "unknown_ca"} {
			if !strings.Contains(s, want) {
				t.Errorf("list lacks %q:\n%s", want, s)
			}
		}
		if strings.Count(s, "UTC") != 1 {
			t.Errorf("the zone should be said once:\n%s", s)
		}
		for _, l := range lines(s)[2 : sc.h-1] {
			if strings.Contains(l, "~") {
				t.Errorf("value cut at its end: %q", l)
			}
		}
		// Server values are 16-22 cells: no gap of 8 spaces after one.
		if regexp.MustCompile(`:443 {8,}\S`).MatchString(s) {
			t.Errorf("server column padded far beyond its data:\n%s", s)
		}
		if sc.w == 80 {
			if strings.Contains(s, "CLIENT") || !regexp.MustCompile(`right \+\d+ columns`).MatchString(footerLine(s)) {
				t.Fatalf("80 columns: client should be one key away, and the header say so:\n%s", s)
			}
			m = press(t, m, "right")
			s = show(m)
			if !strings.Contains(lines(s)[1], "CLIENT") || !strings.Contains(s, "10.16.21.190:37499") || !strings.Contains(footerLine(s), "left/right more columns") {
				t.Errorf("right does not show the client:\n%s", s)
			}
			for range 12 {
				m = press(t, m, "right")
			}
			if s = show(m); !strings.Contains(lines(s)[1], "BYTES") {
				t.Errorf("scrolling right never reaches the last column:\n%s", lines(s)[1])
			}
			m = press(t, m, "left")
			for range 12 {
				m = press(t, m, "left")
			}
			if s = show(m); strings.Contains(s, "CLIENT") || !strings.Contains(s, "intranet-175.example.test") {
				t.Errorf("left does not come back to the fitted view:\n%s", s)
			}
		} else if sc.w == 200 {
			for _, want := range []string{"CLIENT", "CIPHER", "HS TIME", "PKTS", "BYTES", "14:00:00.035"} {
				if !strings.Contains(s, want) {
					t.Errorf("200 columns lack %q", want)
				}
			}
		}
	})
}

// TestTimeZone: --local (or TZ) shows local time, and the header says so.
func TestTimeZone(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		m := loaded(t, sc.w, sc.h, mix(t), Options{Path: "mix40.pcap", Location: cet})
		s := show(m)
		if !strings.Contains(s, "TIME CET") || !strings.Contains(s, "15:00:00") || strings.Contains(s, "14:00:00") {
			t.Errorf("times not in CET:\n%s", s)
		}
	})
}

// TestSortByAnyColumn: s walks every column's order, S flips it, and the
// footer says which at every width.
func TestSortByAnyColumn(t *testing.T) {
	flows := mix(t)
	checks := map[string]func(a, b *model.Flow) int{
		"server":  func(a, b *model.Flow) int { return a.Server.Compare(b.Server) },
		"client":  func(a, b *model.Flow) int { return a.Client.Compare(b.Client) },
		"bytes":   func(a, b *model.Flow) int { return int(a.Bytes - b.Bytes) },
		"packets": func(a, b *model.Flow) int { return a.Packets() - b.Packets() },
	}
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		m := loaded(t, sc.w, sc.h, flows, Options{Path: "mix40.pcap"})
		seen := map[string]bool{}
		for range 11 {
			key := m.sortKey.String()
			seen[key] = true
			for _, dir := range []string{"asc", "desc"} {
				if !strings.Contains(footerLine(show(m)), "sort "+key+" "+dir) {
					t.Errorf("footer lacks sort %s %s: %q", key, dir, footerLine(show(m)))
				}
				if cmp := checks[key]; cmp != nil {
					vis := m.list.Visible()
					for i := 1; i < len(vis); i++ {
						c := cmp(&m.flows[vis[i-1]], &m.flows[vis[i]])
						if dir == "asc" && c > 0 || dir == "desc" && c < 0 {
							t.Errorf("sort %s %s: flow %d before %d", key, dir, vis[i-1]+1, vis[i]+1)
						}
					}
				}
				m = press(t, m, "S")
			}
			m = press(t, m, "s")
		}
		for _, k := range []string{"time", "sni", "outcome", "alert", "handshake", "server", "client", "version", "cipher", "packets", "bytes"} {
			if !seen[k] {
				t.Errorf("s never sorts by %s", k)
			}
		}
		if m.sortKey != model.SortTime {
			t.Errorf("the cycle does not come back to time: %s", m.sortKey)
		}
	})
}

// TestQuitAndBack: q in the pane goes back to the list, q in the list
// quits, ctrl+c quits from anywhere, and the footer says how at every width.
func TestQuitAndBack(t *testing.T) {
	l, flows := loadTestdata(t, "mix40.pcap")
	quits := func(m Model, k string) bool {
		_, cmd := m.Update(keyMsg(k))
		if cmd == nil {
			return false
		}
		_, ok := cmd().(tea.QuitMsg)
		return ok
	}
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		m := loaded(t, sc.w, sc.h, flows, Options{Path: filepath.Join("testdata", "mix40.pcap")})
		m.refs = l
		if !strings.Contains(footerLine(show(m)), "q quit") {
			t.Errorf("list footer: %q", footerLine(show(m)))
		}
		if !quits(m, "q") {
			t.Error("q in the list does not quit")
		}
		m = press(t, m, "enter")
		if m.mode != modeDetail || !strings.Contains(footerLine(show(m)), "ctrl+c quit") || !strings.Contains(footerLine(show(m)), "q back") {
			t.Errorf("pane footer: %q", footerLine(show(m)))
		}
		if quits(m, "q") {
			t.Error("q in the pane quits; it must go back to the list")
		}
		if !quits(m, "ctrl+c") {
			t.Error("ctrl+c in the pane does not quit")
		}
		back := press(t, m, "q")
		if back.mode != modeList || back.list.Selected() != m.detail.FlowID() {
			t.Errorf("q in the pane: mode %d, flow %d", back.mode, back.list.Selected())
		}
		for _, open := range [][]string{{"e"}, {"/"}} {
			in := press(t, back, open...)
			if !strings.Contains(footerLine(show(in)), "ctrl+c quit") {
				t.Errorf("after %v the footer does not say how to quit: %q", open, footerLine(show(in)))
			}
			if !quits(in, "ctrl+c") {
				t.Errorf("ctrl+c after %v does not quit", open)
			}
		}
	})
	for _, w := range []int{30, 40, 60} { // narrow: help and quit still there
		m := loaded(t, w, 12, flows, Options{Path: "mix40.pcap"})
		if f := footerLine(screen(m)); !strings.Contains(f, "? help") || !strings.Contains(f, "q quit") {
			t.Errorf("at %d columns the footer is %q", w, f)
		}
	}
}

// TestCopyIsHonest: y sends OSC 52 and says only that it was sent, and
// writes the summary to a file whose path it shows whole, in the list and
// in the pane.
func TestCopyIsHonest(t *testing.T) {
	flows := mix(t)
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		dir := t.TempDir()
		t.Setenv("TMPDIR", dir)
		m := loaded(t, sc.w, sc.h, flows, Options{Path: "mix40.pcap"})
		for _, where := range []string{"list", "pane"} {
			if where == "pane" {
				m = press(t, m, "down", "enter")
			}
			id := m.list.Selected()
			m = press(t, m, "y")
			flash := m.status.Flashing()
			if strings.Contains(flash, "copied") || !strings.Contains(flash, "sent to the terminal's clipboard (OSC 52)") {
				t.Errorf("%s: y says %q", where, flash)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "pcapsurgery-flow"+strconv.Itoa(id)+"-*.txt"))
			if len(files) != 1 {
				t.Fatalf("%s: %d summary files for flow %d in %s", where, len(files), id, dir)
			}
			data, _ := os.ReadFile(files[0])
			if strings.TrimSpace(string(data)) != detail.Summary(&m.flows[id-1]) {
				t.Errorf("%s: file holds %q", where, data)
			}
			s := show(m)
			if !strings.Contains(strings.ReplaceAll(s, "\n", " "), files[0]) {
				t.Errorf("%s: the file's path is not on screen whole:\n%s", where, s)
			}
			os.Remove(files[0])
		}
	})
}

// TestExportDialog: distinct default names for whole flow and evidence (no
// overwrite question the second time), ~ expands, the directory is shown,
// the footer offers what the dialog accepts, and an evidence export says
// its file is trimmed on purpose.
func TestExportDialog(t *testing.T) {
	l, flows := loadTestdata(t, "mix40.pcap")
	capPath, _ := filepath.Abs(filepath.Join("testdata", "mix40.pcap"))
	f := find(t, flows, "OK 1.3")
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		dir := t.TempDir()
		t.Chdir(dir)
		m := loaded(t, sc.w, sc.h, flows, Options{Path: capPath})
		m.refs = l
		m = openFlow(t, m, f.ID)
		m = press(t, m, "e")
		s := show(m)
		if !strings.Contains(s, "directory: "+dir) {
			t.Errorf("dialog does not show the directory %s:\n%s", dir, s)
		}
		for _, want := range []string{"tab whole / evidence", "enter export", "esc cancel", "ctrl+c quit"} {
			if !strings.Contains(footerLine(s), want) {
				t.Errorf("editing: footer lacks %q: %q", want, footerLine(s))
			}
		}
		running, _ := m.Update(keyMsg("enter")) // the request, not yet its result
		if f := footerLine(show(running.(Model))); !strings.Contains(f, "q quit") || strings.Contains(f, "enter") {
			t.Errorf("writing: footer %q, want only how to quit", f)
		}
		m = pressExport(t, m, "enter")
		if s = show(m); !strings.Contains(s, "wrote") || !strings.Contains(footerLine(s), "any key close") {
			t.Fatalf("whole export:\n%s", s)
		}
		if strings.Contains(s, "Previous segment not captured") {
			t.Error("a whole-flow export is not trimmed")
		}
		m = press(t, m, "x", "e", "tab")
		if got := m.dlg.Path(); !strings.HasSuffix(got, "_evidence.pcap") {
			t.Errorf("evidence default name = %q", got)
		}
		m = pressExport(t, m, "enter")
		s = show(m)
		if strings.Contains(s, "overwrite?") || !strings.Contains(s, "wrote") {
			t.Fatalf("second export (evidence) asked or failed:\n%s", s)
		}
		if !strings.Contains(strings.ReplaceAll(s, "\n", " "), "Previous segment not captured") {
			t.Errorf("evidence export does not say the file is trimmed on purpose:\n%s", s)
		}
		whole := filepath.Join(dir, model.DefaultExportName(f))
		for _, p := range []string{whole, strings.TrimSuffix(whole, ".pcap") + "_evidence.pcap"} {
			if st, err := os.Stat(p); err != nil || st.Size() == 0 {
				t.Errorf("export %s: %v", p, err)
			}
		}

		// ~ is the home directory.
		home := t.TempDir()
		t.Setenv("HOME", home)
		m = press(t, m, "x", "e", "ctrl+u")
		m = typeText(t, m, "~/ticket.pcap")
		if s = show(m); !strings.Contains(s, "directory: "+home) {
			t.Errorf("~ not expanded in the dialog:\n%s", s)
		}
		m = pressExport(t, m, "enter")
		if _, err := os.Stat(filepath.Join(home, "ticket.pcap")); err != nil {
			t.Errorf("~/ticket.pcap not written to HOME: %v\n%s", err, show(m))
		}

		// Again: the question, and the footer offers its answers.
		m = press(t, m, "x", "e", "ctrl+u")
		m = typeText(t, m, "~/ticket.pcap")
		m = pressExport(t, m, "enter")
		s = show(m)
		for _, want := range []string{"y overwrite", "n keep", "esc cancel"} {
			if !strings.Contains(footerLine(s), want) {
				t.Errorf("confirming: footer lacks %q: %q", want, footerLine(s))
			}
		}
		if strings.Contains(footerLine(s), "enter export") {
			t.Errorf("confirming: footer offers enter, which the question ignores: %q", footerLine(s))
		}
		m = press(t, m, "esc")
		if m.mode != modeDetail {
			t.Errorf("esc leaves mode %d", m.mode)
		}
	})
}

func TestOutcomeCountsHaveRoom(t *testing.T) {
	var c outcomeCounts
	if len(model.Outcomes) > len(c) {
		t.Fatalf("%d outcomes, room to count %d", len(model.Outcomes), len(c))
	}
	for i, o := range model.Outcomes {
		if int(outcomeIndex(o)) != i || shortOutcome[o] == "" {
			t.Errorf("outcome %s: index %d, short word %q", o, outcomeIndex(o), shortOutcome[o])
		}
	}
}

// TestPaneSmallThings: in the pane, at every size and under NO_COLOR, no
// "Fingerprints" heading over nothing, no "server 0" MSS, and no value cut
// with "~" where the text wraps anyway.
func TestPaneSmallThings(t *testing.T) {
	flows := mix(t)
	forScreens(t, func(t *testing.T, sc screenCase, show func(Model) string) {
		m := loaded(t, sc.w, sc.h, flows, Options{Path: "mix40.pcap"})
		for _, f := range flows {
			m = openFlow(t, m, f.ID)
			_ = show(m) // size and colour checks
			full := ansi.Strip(strings.Join(m.detail.Lines(), "\n"))
			hello := f.TLS.ClientHello != nil
			if has := strings.Contains(full, "\nFingerprints\n"); has != hello && model.History(f.Flow) == "" {
				t.Errorf("flow %d (%s): Fingerprints heading %v with hello %v", f.ID, f.Badge, has, hello)
			}
			if strings.Contains(full, "server 0") || strings.Contains(full, "client 0") {
				t.Errorf("flow %d: an MSS of 0 shown", f.ID)
			}
			if strings.Contains(full, "~") {
				t.Errorf("flow %d: a value cut in the pane:\n%s", f.ID, full)
			}
			m = press(t, m, "q")
		}
	})
}
