package exportdlg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// TestWhereSaysWhatTheSystemSaid: a directory that is missing is said to
// not exist, but one under a plain file is "not a directory", not missing.
func TestWhereSaysWhatTheSystemSaid(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "plain")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{filepath.Join(tmp, "missing", "out.pcap"), "(does not exist)"},
		{filepath.Join(file, "sub", "out.pcap"), "(not a directory)"},
	} {
		m := New(keymap.Default().Export, styles.New(true))
		m.Open([]int{1}, "flow 1", c.path, c.path)
		if got := m.View(); !strings.Contains(got, c.want) {
			t.Errorf("%s: the dialog does not say %q:\n%s", c.path, c.want, got)
		}
	}
}

// TestRefusedPathIsPrintable: the "cannot write to" line escapes the
// directory as the line above it does (a pasted path may hold escapes).
func TestRefusedPathIsPrintable(t *testing.T) {
	m := New(keymap.Default().Export, styles.New(true))
	p := filepath.Join(t.TempDir(), "evil\x1b]52;c;aGk=\x07", "out.pcap")
	m.Open([]int{1}, "flow 1", p, p)
	m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if !strings.Contains(m.msg, "cannot write to") || strings.Contains(m.msg, "\x1b") {
		t.Fatalf("message %q: want the refusal with the escape shown, not sent", m.msg)
	}
}
