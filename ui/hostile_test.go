package ui

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
	"github.com/pcapsurgery/pcapsurgery/internal/hostile"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/detail"
	"github.com/pcapsurgery/pcapsurgery/ui/exportdlg"
)

// TestHostileTextOnScreen puts each hostile class in the capture's file
// name and in a flow's SNI, ALPN and certificate, and checks every screen
// the explorer can show for them: the window title, the list (with the
// hostile flow selected, where soft hyphens once overwrote the next row),
// the pane, the status bar's damage warning, and the export dialog's error
// and success messages. None may hold a raw control byte, an escape other
// than colour, or an invisible or disputed-width character, and every line
// must fit the width.
func TestHostileTextOnScreen(t *testing.T) {
	l, base := loadTestdata(t, "mix40.pcap")
	src, err := os.ReadFile(filepath.Join("testdata", "mix40.pcap"))
	if err != nil {
		t.Skip(err)
	}
	const w, h = 120, 40
	for _, c := range hostile.Classes {
		t.Run(c.Name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, hostile.FileName(c.Text)+".pcap")
			if err := os.WriteFile(path, src, 0o600); err != nil {
				t.Skipf("the file system refuses the name: %v", err)
			}
			flows := append([]model.Flow(nil), base...)
			f := find(t, flows, "ALERT")
			ch := f.TLS.ClientHello.Copy()
			ch.SNI, ch.ALPN = c.Text, []string{c.Text, "h2"}
			f.TLS.ClientHello = ch
			f.TLS.Certificates = []tlswire.Certificate{{Subject: "CN=" + c.Text, Issuer: "O=" + c.Text,
				CommonName: c.Text, SANs: []string{c.Text}, KeyType: "ECDSA P-256"}}

			m := loaded(t, w, h, flows, Options{Path: path})
			m.refs = l
			check := func(where string, m Model) {
				t.Helper()
				v := m.View()
				if err := hostile.Check(v.WindowTitle, false); err != nil {
					t.Errorf("%s: window title: %v", where, err)
				}
				if err := hostile.CheckStyled(v.Content); err != nil {
					t.Errorf("%s: %v", where, err)
				}
				assertSize(t, screen(m), w, h)
			}
			if title := m.View().WindowTitle; !strings.Contains(title, model.Printable(filepath.Base(path))) {
				t.Errorf("the title does not name the file: %q", title)
			}
			check("list", m)
			m = openFlow(t, m, f.ID)
			check("pane", m)
			if !strings.Contains(screen(m), string([]rune(model.Printable(c.Text))[:10])) {
				t.Errorf("the pane does not show the SNI escaped:\n%s", screen(m))
			}
			if err := hostile.Check(detail.Summary(f), false); err != nil {
				t.Errorf("the summary y copies to the clipboard: %v", err)
			}
			m = press(t, m, "esc")
			check("list, hostile flow selected", m)

			// The capture changed or went away: the export error names it.
			os.Remove(path)
			m = press(t, m, "e", "ctrl+u")
			m = typeText(t, m, filepath.Join(dir, "out.pcap"))
			m = pressExport(t, m, "enter")
			check("export error", m)
			if !strings.Contains(screen(m), "cannot read the source capture") {
				t.Errorf("no export error shown:\n%s", screen(m))
			}
			// Whatever the path and error say, the dialog shows them escaped.
			m = drive(t, m, exportdlg.DoneMsg{Err: &fs.PathError{Op: "open", Path: path, Err: errors.New(c.Text)}})
			check("export error from the file system", m)
			m = drive(t, m, exportdlg.DoneMsg{Path: path, Packets: 3})
			check("export done", m)
			if !strings.Contains(screen(m), "wrote 3 packets") {
				t.Errorf("no export message:\n%s", screen(m))
			}
			m = press(t, m, "x")

			// A damaged capture: the status bar quotes the error.
			m = drive(t, m, loadBatchMsg{Batch: model.Batch{Done: true, Err: &fs.PathError{Op: "read", Path: path, Err: errors.New(c.Text)}}})
			check("damage warning", m)
			if !strings.Contains(m.status.Flashing(), "capture damaged") {
				t.Errorf("no damage warning: %q", m.status.Flashing())
			}
		})
	}
}
