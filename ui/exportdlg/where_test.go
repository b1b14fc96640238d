package exportdlg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

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

// TestDialogTextFitsInCells: wide characters take two cells, so the
// dialog's wrapped lines and cut directory are measured in cells, not runes.
func TestDialogTextFitsInCells(t *testing.T) {
	long := strings.Repeat("出力", 20)
	for _, l := range wrapWords("cannot write to /tmp/"+long+" "+long+": not a directory", 30) {
		if w := ansi.StringWidth(l); w > 30 {
			t.Errorf("wrapped line %q is %d cells, want at most 30", l, w)
		}
	}
	if got := cutLeft("/tmp/"+long, 30); ansi.StringWidth(got) > 30 || !strings.HasSuffix(got, "出力") {
		t.Errorf("cutLeft = %q (%d cells), want the end in at most 30 cells", got, ansi.StringWidth(got))
	}
}
