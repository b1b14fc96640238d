package exportdlg

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// TestSecretsChoice: ctrl+s ticks "with the flows' TLS secrets"; a .pcap
// name is then refused with the reason, and a .pcapng one asks for an
// export that carries the secrets.
func TestSecretsChoice(t *testing.T) {
	dir := t.TempDir()
	m := New(keymap.Default().Export, styles.New(true))
	m.width = 200 // one line per row of the box
	m.Open([]int{4}, "flow 4", filepath.Join(dir, "f.pcap"), filepath.Join(dir, "f_evidence.pcap"))
	if v := m.View(); !strings.Contains(v, "[ ] with the flows' TLS secrets") {
		t.Fatalf("the choice is not shown:\n%s", v)
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	if v := m.View(); !strings.Contains(v, "[x] with the flows' TLS secrets") {
		t.Fatalf("ctrl+s did not tick it:\n%s", v)
	}
	m, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd != nil || !strings.Contains(m.View(), "TLS secrets go only in pcapng") {
		t.Fatalf("a .pcap name with secrets was not refused:\n%s", m.View())
	}
	m.ti.SetValue(filepath.Join(dir, "f.pcapng"))
	m.where()
	_, cmd = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd == nil {
		t.Fatal("no export requested")
	}
	if r, ok := cmd().(RequestMsg); !ok || !r.Secrets || r.Flows[0] != 4 {
		t.Fatalf("request %+v", r)
	}
}
