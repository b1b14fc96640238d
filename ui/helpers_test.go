package ui

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/exportdlg"
)

// capturePath is a small real capture from testdata/captures.
func capturePath(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join("..", "testdata", "captures", name)
}

// loadCapture reads a capture to the end and returns its loader and flows.
func loadCapture(t testing.TB, name string) (*model.Loader, []model.Flow) {
	t.Helper()
	path := name
	if !strings.Contains(name, "/") {
		path = capturePath(t, name)
	}
	src, err := capture.Open(path)
	if err != nil {
		t.Skipf("capture %s not available: %v", name, err)
	}
	t.Cleanup(func() { src.Close() })
	l := model.NewLoader(src)
	if err := l.Run(context.Background(), nil); err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return l, l.Flows()
}

// drive feeds msg to m and then runs the commands it returns, as the
// program would, until none is left. Commands that wait (ticks, flash
// expiry, the next batch) are dropped after a short wait; spinner ticks are
// dropped so the loop ends.
func drive(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	queue := []tea.Msg{msg}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("drive: too many messages")
		}
		msg, queue = queue[0], queue[1:]
		next, cmd := m.Update(msg)
		m = next.(Model)
		queue = append(queue, runFor(t, cmd)...)
	}
	return m
}

// driveCmd runs cmd and feeds its messages to m, as drive does.
func driveCmd(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for _, msg := range runFor(t, cmd) {
		m = drive(t, m, msg)
	}
	return m
}

// newLoader opens a capture for a loader that has not run yet.
func newLoader(t testing.TB, path string) *model.Loader {
	t.Helper()
	src, err := capture.Open(path)
	if err != nil {
		t.Skipf("capture %s: %v", path, err)
	}
	t.Cleanup(func() { src.Close() })
	return model.NewLoader(src)
}

func run(cmd tea.Cmd) []tea.Msg { return runFor(nil, cmd) }

// late holds, per test, the commands run dropped while they still ran: a
// slow one (an export on a loaded machine) can be awaited with awaitLate
// instead of being lost.
var late = struct {
	sync.Mutex
	chans map[testing.TB][]chan tea.Msg
}{chans: map[testing.TB][]chan tea.Msg{}}

func runFor(t testing.TB, cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		switch msg := msg.(type) {
		case nil, spinner.TickMsg:
			return nil
		case tea.BatchMsg:
			var out []tea.Msg
			for _, c := range msg {
				out = append(out, runFor(t, c)...)
			}
			return out
		}
		return []tea.Msg{msg}
	case <-time.After(300 * time.Millisecond):
		if t != nil {
			late.Lock()
			if late.chans[t] == nil {
				t.Cleanup(func() { late.Lock(); delete(late.chans, t); late.Unlock() })
			}
			late.chans[t] = append(late.chans[t], ch)
			late.Unlock()
		}
		return nil
	}
}

// pressExport presses keys in the export dialog and, when they started an
// export, waits for its result however long a loaded machine takes.
func pressExport(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	m = press(t, m, keys...)
	if strings.Contains(screen(m), "writing...") {
		m = awaitLate[exportdlg.DoneMsg](t, m, 30*time.Second)
	}
	return m
}

// awaitLate waits up to limit for a dropped command of t's to return a T,
// and drives m with it. Other late messages (ticks, flash expiry) are
// left alone.
func awaitLate[T tea.Msg](t testing.TB, m Model, limit time.Duration) Model {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		late.Lock()
		chans := late.chans[t]
		for i, ch := range chans {
			select {
			case msg := <-ch:
				if _, ok := msg.(T); ok {
					late.chans[t] = append(chans[:i:i], chans[i+1:]...)
					late.Unlock()
					return drive(t, m, msg)
				}
				ch <- msg // not ours: leave it for whoever waits for it
			default:
			}
		}
		late.Unlock()
	}
	var zero T
	t.Fatalf("no %T arrived within %v", zero, limit)
	return m
}

// keys sends key presses: runes as typed text, or named keys.
func press(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		m = drive(t, m, keyMsg(k))
	}
	return m
}

func typeText(t testing.TB, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		m = drive(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "S", "G", "E":
		return tea.KeyPressMsg{Code: rune(k[0]) + 32, Text: k, Mod: tea.ModShift}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// loaded is a model at w x h holding flows, with the load finished.
func loaded(t testing.TB, w, h int, flows []model.Flow, opts Options) Model {
	t.Helper()
	m := New(opts)
	m = drive(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = drive(t, m, loadBatchMsg{Batch: model.Batch{Flows: flows, BytesRead: 1000, Total: 1000, Packets: 10 * len(flows), Done: true}})
	return m
}

// screen is the view without escapes.
func screen(m Model) string { return ansi.Strip(m.View().Content) }

// assertSize checks every line fits the width and the height is exact.
func assertSize(t testing.TB, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Errorf("height %d, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d wide, want <= %d: %q", i, lw, w, l)
		}
	}
}

// loadTestdata loads a capture from ui/testdata (made by shared/tools/gencap,
// see testdata/README.md).
func loadTestdata(t testing.TB, name string) (*model.Loader, []model.Flow) {
	t.Helper()
	return loadCapture(t, filepath.Join("testdata", name))
}
