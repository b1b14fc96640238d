package ui

import (
	"errors"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/exportdlg"
	"github.com/pcapsurgery/pcapsurgery/ui/statusbar"
)

// openExport shows the dialog for ids; one is the single flow whose
// default name is suggested (0 for a filtered set).
func (m Model) openExport(ids []int, what string, one int) (Model, tea.Cmd) {
	spooled := false
	if l, ok := m.refs.(*model.Loader); ok && l.Spool() != nil {
		spooled = true // live input: the newest packets are kept for export
	}
	if m.opts.Iface != "" && !spooled {
		return m, m.status.Flash(statusbar.Error, "export needs a capture file: capture with -w FILE, then export from that file")
	}
	if (m.opts.Path == "-" || m.opts.Path == "") && !spooled {
		return m, m.status.Flash(statusbar.Error, "export needs a capture file: standard input cannot be read a second time")
	}
	if m.refs == nil {
		return m, m.status.Flash(statusbar.Error, "export is not available: no capture loaded")
	}
	name := "pcapsurgery_" + strconv.Itoa(len(ids)) + "_flows.pcap"
	if f := m.flowByID(one); f != nil {
		name = model.DefaultExportName(f)
	}
	m.back, m.mode = m.mode, modeExport
	m.relayout(m.lay.width, m.lay.height)
	return m, m.dlg.Open(ids, what, name, evidenceName(name))
}

// evidenceName is the suggested name for the handshake evidence of what
// name holds whole: its own file, so the second export asks nothing.
func evidenceName(name string) string {
	return strings.TrimSuffix(name, ".pcap") + "_evidence.pcap"
}

// runExport writes the file in a command; the dialog hears DoneMsg.
func (m Model) runExport(r exportdlg.RequestMsg) tea.Cmd {
	refs, jobs := m.refs, m.exports
	req := model.ExportRequest{Input: m.opts.Path, Flows: r.Flows, Mode: r.Mode, Out: r.Out, Overwrite: r.Overwrite}
	if r.Secrets {
		var flows []*model.Flow
		for _, id := range r.Flows {
			if f := m.flowByID(id); f != nil {
				flows = append(flows, f)
			}
		}
		if req.Secrets = model.ExportSecrets(flows); req.Secrets == nil {
			return func() tea.Msg {
				return exportdlg.DoneMsg{Err: errors.New("no key log has secrets for these flows: start with --keylog FILE or SSLKEYLOGFILE, or untick the TLS secrets")}
			}
		}
	}
	return func() tea.Msg {
		res, err := jobs.run(refs, req)
		return exportdlg.DoneMsg{Path: res.Path, Packets: res.Packets, Err: err, Missing: res.Missing}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
