package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// keyLogModel is the explorer over a bundled capture, loaded to the end,
// that K can reload (reopen nil: as from standard input).
func keyLogModel(t *testing.T, name string, reopenable bool) Model {
	t.Helper()
	path := capturePath(t, name)
	opts := Options{Path: path, Loader: newLoader(t, path)}
	if reopenable {
		opts.Reopen = func() (*capture.Source, error) { return capture.Open(path) }
	}
	m := New(opts)
	t.Cleanup(m.reloads.close)
	m = drive(t, m, tea.WindowSizeMsg{Width: 160, Height: 30})
	m = driveCmd(t, m, m.Init())
	if m.loading {
		t.Fatal("load did not end")
	}
	return m
}

// lastLine is the status line.
func lastLine(s string) string { return s[strings.LastIndex(s, "\n")+1:] }

func TestKeyLogKeyDecrypts(t *testing.T) {
	keys, err := os.ReadFile(filepath.Join("..", "testdata", "captures", "keylog", "untrusted-ca-tls13-go-openssl.keys"))
	if err != nil {
		t.Skip(err)
	}
	// A key log with a line that is not one: counted, not fatal.
	file := filepath.Join(t.TempDir(), "keys.log")
	if err := os.WriteFile(file, append([]byte("this is not a key log line\n"), keys...), 0o600); err != nil {
		t.Fatal(err)
	}
	m := keyLogModel(t, "untrusted-ca-tls13-go-openssl.pcap", true)
	m = press(t, m, "s") // a sort the reload keeps
	before := screen(m)
	if !strings.Contains(before, "ALERT?") || strings.Contains(before, "bad_certificate") {
		t.Fatalf("without the key log, want ALERT? and no alert name:\n%s", before)
	}
	sortWord := lastLine(before)[strings.LastIndex(lastLine(before), "sort "):]

	m = press(t, m, "K")
	if s := screen(m); !strings.Contains(s, "key log file:") || !strings.Contains(s, "enter load and re-analyse") {
		t.Fatalf("K shows no key log prompt:\n%s", s)
	}
	m = typeText(t, m, file)
	m = press(t, m, "enter")
	after := screen(m)
	if m.mode != modeList || m.loading {
		t.Fatalf("mode %v loading %v after the reload", m.mode, m.loading)
	}
	if strings.Contains(after, "ALERT?") || !strings.Contains(after, " ALERT ") || !strings.Contains(after, "bad_certificate") {
		t.Errorf("with the key log, want ALERT bad_certificate:\n%s", after)
	}
	status := lastLine(after)
	for _, want := range []string{"3 lines read, 2 secrets", "1 flow newly decrypted", "skipped 1 not in key log form", sortWord} {
		if !strings.Contains(status, want) {
			t.Errorf("status line lacks %q: %s", want, status)
		}
	}
	secret := strings.Fields(strings.SplitN(string(keys), "\n", 2)[0])[2]
	if strings.Contains(after, secret[:16]) {
		t.Error("a secret is on screen")
	}
	m = press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "client sent fatal bad_certificate (encrypted; decrypted with the key log)") {
		t.Errorf("the pane does not say the alert was decrypted:\n%s", s)
	}
}

func TestKeyLogMissingFileChangesNothing(t *testing.T) {
	m := keyLogModel(t, "untrusted-ca-tls13-go-openssl.pcap", true)
	before := screen(m)
	m = press(t, m, "K")
	m = typeText(t, m, filepath.Join(t.TempDir(), "no-such.keys"))
	m = press(t, m, "enter")
	after := screen(m)
	cut := strings.LastIndex(before, "\n")
	if after[:cut] != before[:cut] {
		t.Errorf("a missing key log changed the screen:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if st := lastLine(after); !strings.Contains(st, "key log not loaded") || !strings.Contains(st, "no such file") || !strings.Contains(st, "nothing changed") {
		t.Errorf("status line: %s", st)
	}
	if m.loader != m.opts.Loader {
		t.Error("the load was replaced")
	}
}

func TestKeyLogRefusedWithoutReopen(t *testing.T) {
	m := keyLogModel(t, "untrusted-ca-tls13-go-openssl.pcap", false)
	m = press(t, m, "K")
	if m.mode != modeList {
		t.Errorf("mode %v, want the list: the capture cannot be re-read", m.mode)
	}
	if st := lastLine(screen(m)); !strings.Contains(st, "cannot be read again") || !strings.Contains(st, "--keylog") {
		t.Errorf("status line: %s", st)
	}
}

func TestKeyLogPromptCancels(t *testing.T) {
	m := keyLogModel(t, "untrusted-ca-tls13-go-openssl.pcap", true)
	before := screen(m)
	m = press(t, m, "K")
	m = typeText(t, m, "q?x") // text, not keys: q does not quit, ? opens no help
	if m.mode != modeKeyLog || m.klIn.Value() != "q?x" {
		t.Fatalf("mode %v value %q", m.mode, m.klIn.Value())
	}
	m = press(t, m, "esc")
	if m.mode != modeList || screen(m) != before {
		t.Errorf("esc left mode %v or changed the screen:\n%s", m.mode, screen(m))
	}
}

func TestKeyLogReloadKeepsCursorAndFilter(t *testing.T) {
	m := keyLogModel(t, "contrast.pcap", true)
	m = press(t, m, "S", "g", "j", "j", "j") // reversed: a cursor index that differs from its flow's ID
	want := m.list.Selected()
	if want <= 0 || m.list.Cursor() != 3 {
		t.Fatalf("cursor %d on flow %d", m.list.Cursor(), want)
	}
	m = press(t, m, "K")
	m = typeText(t, m, filepath.Join("..", "testdata", "captures", "keylog", "contrast.keys"))
	m = press(t, m, "enter")
	if m.loading || !m.reverse {
		t.Fatalf("loading %v reverse %v after the reload", m.loading, m.reverse)
	}
	if got := m.list.Selected(); got != want || m.list.Cursor() != 3 {
		t.Errorf("cursor on flow %d at %d after the reload, want flow %d at 3", got, m.list.Cursor(), want)
	}
	if st := lastLine(screen(m)); !strings.Contains(st, "lines read") {
		t.Errorf("status line: %s", st)
	}
}
