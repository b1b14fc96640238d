package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/detail"
)

func mix(t *testing.T) []model.Flow {
	t.Helper()
	_, flows := loadTestdata(t, "mix40.pcap")
	return flows
}

// find returns the first flow with a badge prefix.
func find(t *testing.T, flows []model.Flow, badge string) *model.Flow {
	t.Helper()
	for i := range flows {
		if strings.HasPrefix(flows[i].Badge, badge) {
			return &flows[i]
		}
	}
	t.Fatalf("no %s flow in the fixture", badge)
	return nil
}

func TestLoadingProgress(t *testing.T) {
	flows := mix(t)
	m := New(Options{Path: "big.pcap"})
	m = drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: flows[:10], BytesRead: 512 << 10, Total: 1 << 20, Packets: 1234}, Elapsed: 1500e6})
	s := screen(m)
	for _, want := range []string{"50%", "512.0 KB/1.0 MB", "1,234 pkts", "10 flows", "1.5s", "auth-40.example"} {
		if !strings.Contains(s, want) {
			t.Errorf("loading screen lacks %q:\n%s", want, s)
		}
	}
	if m.spinning {
		t.Error("spinner must not tick when the size is known")
	}
	if v := m.View(); v.ProgressBar == nil || v.ProgressBar.Value != 50 {
		t.Errorf("terminal progress bar = %+v, want 50", v.ProgressBar)
	}
	// Progress never goes backwards.
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{BytesRead: 100, Total: 1 << 20, Packets: 1300}})
	if !strings.Contains(screen(m), "50%") {
		t.Error("progress went backwards")
	}
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: flows[10:], BytesRead: 1 << 20, Total: 1 << 20, Packets: 2000, Done: true}})
	s = screen(m)
	if strings.Contains(s, "loading") || m.loading {
		t.Errorf("progress line still there after the load:\n%s", s)
	}
	if len(m.list.Visible()) != len(flows) {
		t.Errorf("%d flows visible, want %d", len(m.list.Visible()), len(flows))
	}
	assertSize(t, s, 80, 24)
}

func TestLoadingStdinSpins(t *testing.T) {
	m := New(Options{Path: "-"})
	m = drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{BytesRead: 3 << 20, Total: -1, Packets: 77}})
	s := screen(m)
	if !m.spinning || !strings.Contains(s, "reading stdin: 3.0 MB") || strings.Contains(s, "%") {
		t.Errorf("stdin load should spin and count, not show a percentage:\n%s", s)
	}
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{BytesRead: 4 << 20, Total: -1, Done: true}})
	if m.spinning {
		t.Error("spinner still ticking after the load")
	}
	if _, cmd := m.Update(m.spin.Tick()); cmd != nil {
		t.Error("an idle spinner tick must not re-arm")
	}
}

func TestQuitMidLoad(t *testing.T) {
	l, _ := loadTestdata(t, "mix40.pcap")
	m := New(Options{Path: "x.pcap", Loader: l})
	for _, k := range []string{"q", "ctrl+c"} {
		_, cmd := m.Update(keyMsg(k))
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s does not quit", k)
		}
		if m.ctx.Err() == nil {
			t.Errorf("%s did not cancel the load", k)
		}
	}
}

func TestLoaderStreamsIntoList(t *testing.T) {
	src := filepath.Join("testdata", "mix40.pcap")
	m := New(Options{Path: src, Loader: newLoader(t, src)})
	m = drive(t, m, tea.WindowSizeMsg{Width: 120, Height: 30})
	m = driveCmd(t, m, m.Init()) // runs the load, re-arming the batch wait, to the end
	if m.loading || len(m.flows) != 40 {
		t.Fatalf("loading=%v flows=%d, want done with 40", m.loading, len(m.flows))
	}
}

func TestListGolden(t *testing.T) {
	flows := mix(t)
	for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
		t.Run(sizeName(sz.w, sz.h)+"/list", func(t *testing.T) {
			m := loaded(t, sz.w, sz.h, flows, Options{Path: "mix40.pcap"})
			s := screen(m)
			assertSize(t, s, sz.w, sz.h)
			golden.RequireEqual(t, s)
		})
	}
	t.Run("resize", func(t *testing.T) {
		m := loaded(t, 200, 50, flows, Options{Path: "mix40.pcap"})
		m = drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		assertSize(t, screen(m), 80, 24)
		if strings.Contains(screen(m), "CIPHER") {
			t.Error("cipher column kept at 80 columns")
		}
	})
}

func sizeName(w, h int) string { return itoa(w) + "x" + itoa(h) }

func TestHeaderTotals(t *testing.T) {
	m := loaded(t, 200, 50, mix(t), Options{Path: "mix40.pcap"})
	head := strings.Split(screen(m), "\n")[0]
	for _, want := range []string{"mix40.pcap", "40 flows", "ok", "4 alert", "3 rst", "2 no-sh"} {
		if !strings.Contains(head, want) {
			t.Errorf("header lacks %q: %s", want, head)
		}
	}
}

func TestFilterLive(t *testing.T) {
	m := loaded(t, 80, 24, mix(t), Options{Path: "mix40.pcap"})
	m = press(t, m, "/")
	if m.mode != modeFilter {
		t.Fatal("/ does not open the filter")
	}
	m = typeText(t, m, "sni:old-126.example.test")
	if n := len(m.list.Visible()); n != 1 {
		t.Fatalf("%d flows match while typing, want 1", n)
	}
	if !strings.Contains(screen(m), "old-126.example.test") {
		t.Error("matching flow not shown")
	}
	m = press(t, m, "enter")
	s := screen(m)
	if m.mode != modeList || !strings.Contains(s, "/sni:old-126.example.test") {
		t.Errorf("enter must keep the filter visible in the header:\n%s", s)
	}
	// q quits only outside the input: typed, it is text.
	m = press(t, m, "/")
	m = typeText(t, m, "q")
	if !strings.HasSuffix(m.fbar.Value(), "q") {
		t.Error("q was not typed into the filter")
	}
	m = press(t, m, "esc")
	if !m.filter.Empty() || m.fbar.Value() != "" || len(m.list.Visible()) != 40 {
		t.Errorf("esc must clear the filter: %q, %d visible", m.fbar.Value(), len(m.list.Visible()))
	}
}

func TestFilterInvalidKeepsText(t *testing.T) {
	m := loaded(t, 80, 24, mix(t), Options{Path: "mix40.pcap"})
	m = press(t, m, "/")
	m = typeText(t, m, "outcome:alert")
	if n := len(m.list.Visible()); n != 4 {
		t.Fatalf("outcome:alert gives %d flows, want 4", n)
	}
	m = drive(t, m, tea.PasteMsg{Content: " nosuchkey:x"})
	s := screen(m)
	if m.fbar.Err() == "" || !strings.Contains(s, "error") {
		t.Fatalf("invalid filter shows no error:\n%s", s)
	}
	if m.fbar.Value() != "outcome:alert nosuchkey:x" {
		t.Errorf("text lost: %q", m.fbar.Value())
	}
	if n := len(m.list.Visible()); n != 4 {
		t.Errorf("an invalid filter must keep the last good result, got %d flows", n)
	}
	assertSize(t, s, 80, 24)
}

func TestFailuresAndSort(t *testing.T) {
	flows := mix(t)
	m := loaded(t, 120, 40, flows, Options{Path: "mix40.pcap"})
	m = press(t, m, "f")
	for _, i := range m.list.Visible() {
		if !flows[i].Outcome.Failed() {
			t.Errorf("failures only shows %s", flows[i].Badge)
		}
	}
	if !strings.Contains(screen(m), "failures only") {
		t.Error("failures-only not shown in the header")
	}
	m = press(t, m, "f", "s")
	if m.sortKey != model.SortSNI || !strings.Contains(screen(m), "sort sni asc") {
		t.Fatalf("s does not sort by SNI:\n%s", screen(m))
	}
	vis := m.list.Visible()
	if flows[vis[0]].SNI() > flows[vis[1]].SNI() {
		t.Errorf("not sorted by SNI: %q before %q", flows[vis[0]].SNI(), flows[vis[1]].SNI())
	}
	m = press(t, m, "S")
	if !m.reverse || !strings.Contains(screen(m), "sort sni desc") {
		t.Error("S does not reverse")
	}
	// The cursor follows the selected flow across a re-sort.
	m = press(t, m, "down", "down")
	id := m.list.Selected()
	m = press(t, m, "S")
	if m.list.Selected() != id {
		t.Errorf("selection moved from flow %d to %d on re-sort", id, m.list.Selected())
	}
}

func openFlow(t *testing.T, m Model, id int) Model {
	t.Helper()
	m = press(t, m, "g")
	for i := 0; m.list.Selected() != id; i++ {
		if i > len(m.flows) {
			t.Fatalf("flow %d not in the list", id)
		}
		m = press(t, m, "down")
	}
	return press(t, m, "enter")
}

func TestDetailAlert(t *testing.T) {
	flows := mix(t)
	f := find(t, flows, "ALERT")
	for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
		t.Run(sizeName(sz.w, sz.h)+"/detail-alert", func(t *testing.T) {
			m := loaded(t, sz.w, sz.h, flows, Options{Path: "mix40.pcap"})
			m = openFlow(t, m, f.ID)
			if m.mode != modeDetail || m.detail.FlowID() != f.ID {
				t.Fatalf("flow %d not open (mode %d, flow %d)", f.ID, m.mode, m.detail.FlowID())
			}
			s := screen(m)
			assertSize(t, s, sz.w, sz.h)
			for _, want := range []string{"[ALERT]", f.Diagnosis[:20], "Timeline", "ClientHello"} {
				if !strings.Contains(s, want) {
					t.Errorf("pane lacks %q", want)
				}
			}
			golden.RequireEqual(t, s)
			full := strings.Join(m.detail.Lines(), "\n")
			for _, want := range []string{"Alert fatal", "from the server", "JA4", "Zeek history", "ClientHello offers"} {
				if !strings.Contains(full, want) {
					t.Errorf("pane content lacks %q", want)
				}
			}
			m = press(t, m, "esc")
			if m.mode != modeList || m.list.Selected() != f.ID {
				t.Errorf("esc must return to the same row (got flow %d)", m.list.Selected())
			}
		})
	}
}

func TestDetailOKAndNextPrev(t *testing.T) {
	flows := mix(t)
	m := loaded(t, 200, 50, flows, Options{Path: "mix40.pcap"})
	m = openFlow(t, m, 2) // OK 1.2 with its certificate in clear
	full := strings.Join(m.detail.Lines(), "\n")
	for _, want := range []string{"[OK 1.2]", "<- chosen", "ServerHello chooses", "Certificate"} {
		if !strings.Contains(full, want) {
			t.Errorf("OK pane lacks %q", want)
		}
	}
	m = press(t, m, "n")
	if m.detail.FlowID() != 3 || m.mode != modeDetail {
		t.Errorf("n shows flow %d, want 3", m.detail.FlowID())
	}
	m = press(t, m, "p", "p")
	if m.detail.FlowID() != 1 {
		t.Errorf("p p shows flow %d, want 1", m.detail.FlowID())
	}
	// Scrolling keys are ours: f must not page the viewport.
	m = openFlow(t, press(t, m, "esc"), 2)
	y := m.detail.YOffset()
	m = press(t, m, "f")
	if m.detail.YOffset() != y {
		t.Error("f scrolled the pane (viewport default keys leak)")
	}
	m = press(t, m, "pgdown")
	if m.detail.YOffset() == y {
		t.Error("pgdown did not scroll")
	}
}

func TestSummary(t *testing.T) {
	f := find(t, mix(t), "ALERT")
	s := detail.Summary(f)
	if !strings.Contains(s, "ALERT") || !strings.Contains(s, f.Server.String()) || strings.Contains(s, "\n") {
		t.Errorf("summary: %q", s)
	}
}

func TestExport(t *testing.T) {
	l, flows := loadTestdata(t, "mix40.pcap")
	m := loaded(t, 120, 30, flows, Options{Path: filepath.Join("testdata", "mix40.pcap")})
	m.refs = l
	f := find(t, flows, "OK 1.3") // application data: evidence-only is smaller
	m = openFlow(t, m, f.ID)
	m = press(t, m, "e")
	if m.mode != modeExport || !strings.Contains(screen(m), model.DefaultExportName(f)) {
		t.Fatalf("export dialog missing or without the default name:\n%s", screen(m))
	}
	out := filepath.Join(t.TempDir(), "flow.pcapng")
	m = press(t, m, "ctrl+u")
	m = typeText(t, m, out)
	if !strings.Contains(screen(m), "format: pcapng") {
		t.Error("format does not follow the extension")
	}
	m = pressExport(t, m, "enter")
	s := screen(m)
	if !regexp.MustCompile(`wrote \d+ packets to`).MatchString(s) {
		t.Fatalf("no result shown:\n%s", s)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("export file: %v", err)
	}
	m = press(t, m, "x") // any key closes
	if m.mode != modeDetail {
		t.Fatalf("closing the dialog returns to mode %d, want the pane", m.mode)
	}

	// Again to the same path: asks first, n keeps the file, y overwrites.
	before, _ := os.ReadFile(out)
	m = press(t, m, "e", "ctrl+u")
	m = typeText(t, m, out)
	m = pressExport(t, m, "tab", "enter")
	if !strings.Contains(screen(m), "overwrite? y/n") {
		t.Fatalf("no overwrite question:\n%s", screen(m))
	}
	m = press(t, m, "n")
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Fatal("n changed the file")
	}
	m = pressExport(t, pressExport(t, m, "enter"), "y")
	if !strings.Contains(screen(m), "wrote") {
		t.Fatalf("y did not overwrite:\n%s", screen(m))
	}
	if after, _ := os.ReadFile(out); bytes.Equal(before, after) {
		t.Error("evidence-only export wrote the same bytes as the whole flow")
	}
}

func TestExportStdinRefused(t *testing.T) {
	m := loaded(t, 80, 24, mix(t), Options{Path: "-"})
	m = press(t, m, "e")
	if m.mode == modeExport || !strings.Contains(screen(m), "standard input") {
		t.Errorf("export from stdin must be refused with a message:\n%s", screen(m))
	}
}

func TestExportAllMatching(t *testing.T) {
	l, flows := loadTestdata(t, "mix40.pcap")
	m := loaded(t, 120, 30, flows, Options{Path: filepath.Join("testdata", "mix40.pcap")})
	m.refs = l
	m = press(t, m, "/")
	m = typeText(t, m, "outcome:alert")
	m = press(t, m, "enter", "E")
	if !strings.Contains(screen(m), "4 flows matching") {
		t.Fatalf("E dialog:\n%s", screen(m))
	}
	out := filepath.Join(t.TempDir(), "alerts.pcap")
	m = press(t, m, "ctrl+u")
	m = typeText(t, m, out)
	m = pressExport(t, m, "enter")
	if !strings.Contains(screen(m), "wrote") {
		t.Fatalf("E export failed:\n%s", screen(m))
	}
}

func TestNoColor(t *testing.T) {
	m := loaded(t, 80, 24, mix(t), Options{Path: "mix40.pcap"})
	m = press(t, m, "down")
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.ASCII}
	if _, err := w.Write([]byte(m.View().Content)); err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`\x1b\[[0-9;]*(38;|48;|3[0-7]|9[0-7])[0-9;]*m`).Match(buf.Bytes()) {
		t.Errorf("colour SGR survives the ASCII profile: %q", buf.String())
	}
	s := screen(m)
	for _, badge := range []string{"OK 1.3", "ALERT", "RST", "NO SH", "NOT TLS"} {
		if !strings.Contains(s, badge) {
			t.Errorf("badge %q not readable without colour", badge)
		}
	}
	t.Run("NO_COLOR/list", func(t *testing.T) { golden.RequireEqual(t, s) })
}

func TestHostileSNI(t *testing.T) {
	flows := mix(t)
	f := find(t, flows, "ALERT")
	ch := f.TLS.ClientHello.Copy()
	ch.SNI = "evil\x1b]52;c;aGVsbG8=\x07.example\x9b31m"
	ch.ALPN = []string{"h2\x1b[2J"}
	f.TLS.ClientHello = ch
	m := loaded(t, 200, 50, flows, Options{Path: "mix40.pcap"})
	check := func(where, raw string) {
		if strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "\x07") || strings.Contains(raw, "\x1b[2J") {
			t.Errorf("%s: raw escape from the SNI/ALPN reached the screen", where)
		}
		if !strings.Contains(raw, `evil\x1b]52`) {
			t.Errorf("%s: escaped SNI not shown", where)
		}
	}
	check("list", m.View().Content)
	m = openFlow(t, m, f.ID)
	check("pane", strings.Join(m.detail.Lines(), "\n"))
	if !strings.Contains(strings.Join(m.detail.Lines(), "\n"), `h2\x1b[2J`) {
		t.Error("ALPN not escaped in the pane")
	}
}

func TestHelp(t *testing.T) {
	m := loaded(t, 80, 24, mix(t), Options{Path: "mix40.pcap"})
	m = press(t, m, "?")
	s := screen(m)
	for _, want := range []string{"Flow list", "Flow pane", "Export dialog", "export matching"} {
		if !strings.Contains(s, want) {
			t.Errorf("help lacks %q:\n%s", want, s)
		}
	}
	assertSize(t, s, 80, 24)
	// Issue 11: any key used to close help; now only its close keys do.
	m = press(t, m, "x")
	if m.mode != modeHelp {
		t.Error("a key that is not a help key closed help")
	}
	m = press(t, m, "esc")
	if m.mode != modeList {
		t.Error("esc does not close help")
	}
	if !strings.Contains(strings.Split(screen(m), "\n")[23], "? help") {
		t.Error("no short help line at the bottom")
	}
}

func TestZeroSize(t *testing.T) {
	m := New(Options{Path: "x.pcap"})
	if s := screen(m); s == "" {
		t.Error("no view before the window size arrives")
	}
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: mix(t), Done: true}})
	_ = screen(m)
}

// TestEnterAppliesTheTypedFilterAtOnce: each key launches a filter whose
// result may arrive late (a million flows, a slow machine). Enter keeps the
// filter and applies the newest one at once, so the Enter after it opens a
// flow that matches what was typed, not one of an older filter's list.
func TestEnterAppliesTheTypedFilterAtOnce(t *testing.T) {
	m := loaded(t, 80, 24, mix(t), Options{Path: "mix40.pcap"})
	m = press(t, m, "/")
	var late []tea.Msg // filter results, held back
	feed := func(msg tea.Msg) {
		var cmd tea.Cmd
		m, cmd = step(m, msg)
		for _, out := range run(cmd) {
			if _, ok := out.(filterResultMsg); ok {
				late = append(late, out)
				continue
			}
			var more tea.Cmd
			m, more = step(m, out)
			for _, r := range run(more) {
				if _, ok := r.(filterResultMsg); ok {
					late = append(late, r)
				}
			}
		}
	}
	for _, r := range "sni:old-126.example.test" {
		feed(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if len(late) == 0 || len(m.list.Visible()) != 40 {
		t.Fatalf("fixture: %d results held back, %d flows visible; want results pending and all 40 shown", len(late), len(m.list.Visible()))
	}
	feed(keyMsg("enter"))
	if vis := m.list.Visible(); len(vis) != 1 || !strings.Contains(m.flows[vis[0]].SNI(), "old-126") {
		t.Fatalf("after enter %d flows visible, want only old-126", len(vis))
	}
	for _, msg := range late { // the old results arrive at last and change nothing
		m, _ = step(m, msg)
	}
	if len(m.list.Visible()) != 1 || m.inflight != 0 {
		t.Errorf("stale results changed the list (%d visible, %d in flight)", len(m.list.Visible()), m.inflight)
	}
}

// TestExportInterfaceCaptureRefused: during `capture IFACE` the header
// names the interface and export points to -w instead of trying to reread
// a file named like the interface.
func TestExportInterfaceCaptureRefused(t *testing.T) {
	m := loaded(t, 100, 24, mix(t), Options{Iface: "eth0 port 443"})
	if !strings.Contains(screen(m), "eth0 port 443") {
		t.Errorf("the header does not name the captured interface:\n%s", screen(m))
	}
	m = press(t, m, "e")
	if m.mode == modeExport || !strings.Contains(screen(m), "capture with -w FILE") {
		t.Errorf("export during an interface capture must point to -w:\n%s", screen(m))
	}
}
