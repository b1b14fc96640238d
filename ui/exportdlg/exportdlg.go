// Package exportdlg is the small export dialog: an editable path, whole flow
// or handshake evidence, a question before overwriting, then the result.
// It never writes a file itself: it asks the parent with RequestMsg.
package exportdlg

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/pcapsurgery/pcapsurgery/ui/lineedit"

	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// RequestMsg asks the parent to run the export.
type RequestMsg struct {
	Flows     []int
	Mode      model.ExportMode
	Out       string
	Overwrite bool
	Secrets   bool // embed the flows' TLS secrets (pcapng Decryption Secrets Block)
}

// DoneMsg is the export's result, sent back by the parent.
type DoneMsg struct {
	Path    string
	Packets int
	Err     error
	Missing string // packets that had left a live input's export spool
}

type state int

const (
	editing state = iota
	running
	confirming
	done
	closed // finished with: the parent puts back what was under it
)

// Model is the dialog.
type Model struct {
	keys    keymap.Export
	st      styles.Styles
	ti      lineedit.Model
	flows   []int
	what    string    // "flow 12" or "37 flows matching the filter"
	names   [2]string // the suggested file name for each mode
	mode    model.ExportMode
	secrets bool // embed the flows' TLS secrets
	state   state
	msg     string
	note    string // after an evidence export: why the file looks cut
	err     bool
	width   int

	home, cwd string // to show where a path will go, read when the dialog opens
	dir       string // the absolute directory the path writes to
	dirErr    string // why that directory will not do, "" when it will
}

// New returns a closed dialog.
func New(keys keymap.Export, st styles.Styles) Model {
	ti := lineedit.New("path: ")
	ti.SetMuted(st.Muted)
	return Model{keys: keys, st: st, ti: ti, state: closed}
}

// Open starts the dialog for flows with suggested file names for the whole
// flow and for the handshake evidence (distinct, so exporting one and then
// the other asks no overwrite question).
func (m *Model) Open(flows []int, what, whole, evidence string) tea.Cmd {
	m.flows, m.what, m.state, m.msg, m.note, m.err = flows, what, editing, "", "", false
	m.names = [2]string{whole, evidence}
	m.mode = model.ExportWhole
	m.secrets = false
	m.home, _ = os.UserHomeDir()
	m.cwd, _ = os.Getwd()
	m.ti.SetValue(whole)
	m.ti.CursorEnd()
	m.keys.SetState(keymap.ExportEditing)
	m.ti.Focus()
	m.where()
	return nil
}

// Path is where the export will be written: ~ expanded, relative to the
// working directory.
func (m Model) Path() string { return Resolve(m.ti.Value(), m.home, m.cwd) }

// Resolve expands a leading ~ (the user's home) and makes path absolute
// against cwd. ~user is left as typed: it names a file called that.
func Resolve(path, home, cwd string) string {
	path = strings.TrimSpace(path)
	if path == "" {
		return ""
	}
	if home != "" && (path == "~" || strings.HasPrefix(path, "~/")) {
		path = filepath.Join(home, path[1:])
	}
	if !filepath.IsAbs(path) && cwd != "" {
		path = filepath.Join(cwd, path)
	}
	return filepath.Clean(path)
}

// where works out the directory the path writes to and whether it will do.
func (m *Model) where() {
	m.dir, m.dirErr = "", ""
	p := m.Path()
	if p == "" {
		return
	}
	m.dir = filepath.Dir(p)
	if strings.HasSuffix(strings.TrimSpace(m.ti.Value()), "/") {
		m.dir, m.dirErr = p, "ends in /: give a file name"
		return
	}
	switch st, err := os.Stat(m.dir); {
	case errors.Is(err, fs.ErrNotExist):
		m.dirErr = "does not exist"
	case err != nil: // permission denied, a file on the way: say what the system said
		var pe *fs.PathError
		m.dirErr = "cannot be used"
		if errors.As(err, &pe) {
			m.dirErr = pe.Err.Error()
		}
	case !st.IsDir():
		m.dirErr = "not a directory"
	}
}

// Running reports whether an export is being written (q then quits, and
// the quit removes the partial file).
func (m Model) Running() bool { return m.state == running }

// Typing reports whether keys go to the path input (q then types a q).
func (m Model) Typing() bool { return m.state == editing }

// Keys are the dialog's live bindings, for the help line: exactly what it
// accepts in its state.
func (m Model) Keys() keymap.Export { return m.keys }

// SetWidth sizes the dialog.
func (m *Model) SetWidth(w int) {
	m.width = w
	m.ti.SetWidth(max(20, min(w-12, 70)))
}

// SetStyles follows the background.
func (m *Model) SetStyles(st styles.Styles) {
	m.st = st
	m.ti.SetMuted(st.Muted)
}

func (m Model) request(overwrite bool) tea.Cmd {
	r := RequestMsg{Flows: m.flows, Mode: m.mode, Out: m.Path(), Overwrite: overwrite, Secrets: m.secrets}
	return func() tea.Msg { return r }
}

// toggle switches whole flow / evidence, and the file name with it while it
// is still the suggested one (a name the user typed stays).
func (m *Model) toggle() {
	old := m.mode
	m.mode = 1 - m.mode
	v := m.ti.Value()
	if base := filepath.Base(v); base == m.names[old] {
		m.ti.SetValue(v[:len(v)-len(base)] + m.names[m.mode])
		m.ti.CursorEnd()
		m.where()
	}
}

// Closed reports that the dialog is finished with. The parent checks it
// right after each update, so the keys that follow already go to what was
// under the dialog (a close sent as a message arrived after them).
func (m Model) Closed() bool { return m.state == closed }

// Update handles keys and the result.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case DoneMsg:
		switch {
		case errors.Is(msg.Err, model.ErrExists):
			m.state = confirming
			m.keys.SetState(keymap.ExportConfirming)
			m.ti.Blur()
			m.msg, m.err = model.Printable(filepath.Base(m.Path()))+" exists: overwrite? y/n", true
		case msg.Err != nil:
			m.state, m.msg, m.err = editing, model.Printable(msg.Err.Error()), true
			m.keys.SetState(keymap.ExportEditing)
			m.ti.Focus()
			return m, nil
		default:
			m.state, m.err = done, false
			m.keys.SetState(keymap.ExportDone)
			m.msg = fmt.Sprintf("wrote %d packets to %s", msg.Packets, model.Printable(msg.Path))
			if msg.Missing != "" {
				m.msg += ", not all: see below"
				m.note = "Missing: " + model.Printable(msg.Missing)
			} else if m.mode == model.ExportEvidence {
				m.note = "Handshake evidence only: bulk application data is left out on purpose, " +
					"so Wireshark's \"Previous segment not captured\" on this file is expected."
			}
		}
		return m, nil
	case tea.KeyPressMsg:
		switch m.state {
		case running:
			return m, nil
		case done:
			m.state = closed
			return m, nil
		case confirming:
			switch {
			case key.Matches(msg, m.keys.Overwrite):
				m.state, m.msg, m.err = running, "writing...", false
				m.keys.SetState(keymap.ExportRunning)
				return m, m.request(true)
			case key.Matches(msg, m.keys.Keep):
				m.state, m.msg, m.err = editing, "choose another path", false
				m.keys.SetState(keymap.ExportEditing)
				m.ti.Focus()
				return m, nil
			case key.Matches(msg, m.keys.Cancel):
				m.state = closed
				return m, nil
			}
			return m, nil
		}
		switch {
		case key.Matches(msg, m.keys.Cancel):
			m.state = closed
			return m, nil
		case key.Matches(msg, m.keys.Toggle):
			m.toggle()
			return m, nil
		case key.Matches(msg, m.keys.Secrets):
			m.secrets = !m.secrets
			m.msg, m.err = "", false
			return m, nil
		case key.Matches(msg, m.keys.Confirm):
			switch {
			case strings.TrimSpace(m.ti.Value()) == "":
				m.msg, m.err = "give a path", true
				return m, nil
			case m.dirErr != "":
				m.msg, m.err = "cannot write to "+model.Printable(m.dir)+": "+m.dirErr, true
				return m, nil
			case m.secrets && !model.IsPcapngName(m.Path()):
				m.msg, m.err = "TLS secrets go only in pcapng: name the file .pcapng", true
				return m, nil
			}
			m.state, m.msg, m.err = running, "writing...", false
			m.keys.SetState(keymap.ExportRunning)
			m.ti.Blur()
			return m, m.request(false)
		}
	}
	before := m.ti.Value()
	var cmd tea.Cmd
	m.ti, cmd = m.ti.Update(msg)
	if m.ti.Value() != before {
		m.where()
	}
	return m, cmd
}

// View is the boxed dialog.
func (m Model) View() string {
	format := "pcap"
	if strings.HasSuffix(strings.ToLower(strings.TrimSpace(m.ti.Value())), ".pcapng") {
		format = "pcapng"
	}
	whole, evidence := "( ) whole flow", "( ) handshake evidence only"
	if m.mode == model.ExportWhole {
		whole = "(x) whole flow"
	} else {
		evidence = "(x) handshake evidence only"
	}
	w := max(30, min(m.width-2, 90))
	inner := w - 4 // border and padding
	dir := "directory: " + model.Printable(m.dir)
	if m.dirErr != "" {
		dir += " (" + m.dirErr + ")"
	}
	lines := []string{
		m.st.Title.Render("Export " + m.what),
		m.ti.View(),
		m.st.Muted.Render(cutLeft(dir, inner)),
		whole + "   " + evidence,
		secretsLine(m.secrets),
		"format: " + format + " (by extension: .pcapng gives pcapng)",
	}
	if m.msg != "" {
		st := m.st.Good
		if m.err {
			st = m.st.Error
		}
		for _, l := range wrapWords(m.msg, inner) { // printable already
			lines = append(lines, st.Render(l))
		}
	}
	for _, l := range wrapWords(m.note, inner) {
		lines = append(lines, l)
	}
	if h := hint(m.keys.ShortHelp()); h != "" {
		lines = append(lines, m.st.Muted.Render(h))
	}
	return m.st.Dialog.Width(w).Render(strings.Join(lines, "\n"))
}

// hint is the dialog's own key line, from the same bindings as the footer.
func hint(bs []key.Binding) string {
	var parts []string
	for _, b := range bs {
		if b.Enabled() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(parts, "   ")
}

// cutLeft keeps the end of a long path (the directory's own name), in
// cells: a wide character takes two.
func cutLeft(s string, w int) string {
	if sw := ansi.StringWidth(s); sw > w && w > 1 {
		end := ansi.TruncateLeft(s, sw-w+1, "")
		for ansi.StringWidth(end) > w-1 { // a wide character straddled the cut
			_, n := utf8.DecodeRuneInString(end)
			end = end[n:]
		}
		return "…" + end
	}
	return s
}

// wrapWords breaks text at spaces into lines of at most w cells (a longer
// word is broken hard).
func wrapWords(s string, w int) []string {
	if s == "" {
		return nil
	}
	w = max(w, 10)
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		for ansi.StringWidth(word) > w {
			if line != "" {
				out, line = append(out, line), ""
			}
			out, word = append(out, ansi.Truncate(word, w, "")), ansi.TruncateLeft(word, w, "")
		}
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
			line += " " + word
		default:
			out, line = append(out, line), word
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// secretsLine shows whether the flows' TLS secrets go into the file.
func secretsLine(on bool) string {
	if on {
		return "[x] with the flows' TLS secrets (only theirs; pcapng)"
	}
	return "[ ] with the flows' TLS secrets (ctrl+s; pcapng)"
}
