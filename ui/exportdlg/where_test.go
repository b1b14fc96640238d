package exportdlg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
