// Package styles builds every lipgloss style once, from the background
// (dark or light). Colour only reinforces text: badges, errors and the
// selected row read the same without it (NO_COLOR keeps bold and reverse).
package styles

import (
	"charm.land/lipgloss/v2"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// Styles is the whole palette.
type Styles struct {
	IsDark bool

	Header, HeaderFile, Muted, Title, Section lipgloss.Style
	ColumnHead, Selected, Cursor              lipgloss.Style
	Error, Warn, Good, Key, Dialog            lipgloss.Style
	Client, Server                            lipgloss.Style // timeline arrows
	Chosen                                    lipgloss.Style // the server's pick among the client's offers

	badges map[model.Outcome]lipgloss.Style
}

// New builds the styles for a dark or light background.
func New(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	red := ld(lipgloss.Color("1"), lipgloss.Color("9"))
	green := ld(lipgloss.Color("2"), lipgloss.Color("10"))
	yellow := ld(lipgloss.Color("3"), lipgloss.Color("11"))
	blue := ld(lipgloss.Color("4"), lipgloss.Color("12"))
	magenta := ld(lipgloss.Color("5"), lipgloss.Color("13"))
	cyan := ld(lipgloss.Color("6"), lipgloss.Color("14"))
	grey := ld(lipgloss.Color("8"), lipgloss.Color("7"))

	s := Styles{
		IsDark:     isDark,
		Header:     lipgloss.NewStyle().Bold(true),
		HeaderFile: lipgloss.NewStyle().Bold(true).Foreground(cyan),
		Muted:      lipgloss.NewStyle().Foreground(grey),
		Title:      lipgloss.NewStyle().Bold(true),
		Section:    lipgloss.NewStyle().Bold(true),
		ColumnHead: lipgloss.NewStyle().Bold(true),
		Selected:   lipgloss.NewStyle().Reverse(true),
		Cursor:     lipgloss.NewStyle().Bold(true),
		Error:      lipgloss.NewStyle().Bold(true).Foreground(red),
		Warn:       lipgloss.NewStyle().Foreground(yellow),
		Good:       lipgloss.NewStyle().Foreground(green),
		Key:        lipgloss.NewStyle().Bold(true),
		Dialog:     lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1),
		Client:     lipgloss.NewStyle().Foreground(blue),
		Server:     lipgloss.NewStyle().Foreground(magenta),
		Chosen:     lipgloss.NewStyle().Bold(true).Foreground(green),
	}
	bad := lipgloss.NewStyle().Bold(true).Foreground(red)
	warn := lipgloss.NewStyle().Foreground(yellow)
	ok := lipgloss.NewStyle().Foreground(green)
	info := lipgloss.NewStyle().Foreground(grey)
	s.badges = map[model.Outcome]lipgloss.Style{
		model.OK: ok, model.Resumed: ok,
		model.Alert: bad, model.EncryptedAlert: bad, model.Reset: bad,
		model.NoServerHello: bad, model.PlaintextReply: bad, model.NoClientHello: warn,
		model.NoSYNACK: warn, model.Refused: warn,
		model.NotTLS: info, model.OneSided: info, model.Partial: info,
	}
	return s
}

// Badge styles an outcome's badge text (the text carries the meaning).
func (s Styles) Badge(o model.Outcome, text string) string {
	if st, ok := s.badges[o]; ok {
		return st.Render(text)
	}
	return text
}

// BadgeStyle is the style for an outcome.
func (s Styles) BadgeStyle(o model.Outcome) lipgloss.Style { return s.badges[o] }
