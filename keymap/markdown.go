package keymap

import (
	"strings"
)

// MarkdownTable renders every binding as the README's key table.
func MarkdownTable() string {
	var s strings.Builder
	s.WriteString("| Where | Key | Action |\n|---|---|---|\n")
	for _, g := range Default().Groups() {
		for _, bnd := range g.Bindings {
			h := bnd.Help()
			s.WriteString("| " + g.Title + " | `" + h.Key + "` | " + h.Desc + " |\n")
		}
	}
	return s.String()
}
