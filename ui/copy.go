package ui

import (
	"os"
	"path/filepath"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/detail"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
)

// summarySavedMsg says where a flow's summary was written (or why not).
type summarySavedMsg struct {
	ID   int
	Path string
	Err  error
}

// copySummary sends a flow's summary to the terminal's clipboard with OSC 52
// and writes it to a file. The program cannot know whether the terminal
// took the OSC 52 write (tmux drops it under its default set-clipboard
// external, many terminals ask or refuse), so the status says it was sent,
// never that it was copied, and the file is the copy that always works.
func (m Model) copySummary(f *model.Flow) tea.Cmd {
	sum, id := detail.Summary(f), f.ID
	return tea.Batch(tea.SetClipboard(sum), func() tea.Msg {
		path, err := saveSummary(os.TempDir(), id, sum)
		return summarySavedMsg{ID: id, Path: path, Err: err}
	})
}

// saveSummary writes sum to a new file in dir ($TMPDIR, else /tmp): a fresh
// name every time (never following a planted symlink, never overwriting),
// readable only by the user.
func saveSummary(dir string, id int, sum string) (string, error) {
	f, err := os.CreateTemp(dir, "pcapsurgery-flow"+strconv.Itoa(id)+"-*.txt")
	if err != nil {
		return "", err
	}
	_, err = f.WriteString(sum + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	if abs, aerr := filepath.Abs(f.Name()); aerr == nil {
		return abs, nil
	}
	return f.Name(), nil
}

func (m Model) onSummarySaved(msg summarySavedMsg) (Model, tea.Cmd) {
	head := "flow " + itoa(msg.ID) + " summary sent to the terminal's clipboard (OSC 52)"
	if msg.Err != nil {
		return m, m.status.Flash(statusbar.Error, head+"; saving it to a file failed: "+msg.Err.Error())
	}
	return m, m.status.Flash(statusbar.Info, head+" and saved to "+model.Printable(msg.Path))
}
