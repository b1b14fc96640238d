package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// filterUsageError reports a --filter the parser rejected: the message
// (with its suggestion), the expression and a caret under the offending
// term; the exit status is 2, as for any usage error, so a script never
// takes "nothing matched" from a typo.
func filterUsageError(stderr io.Writer, expr string, err error) int {
	var fe *model.FilterError
	if !errors.As(err, &fe) {
		return usageError(stderr, "--filter: %v", err)
	}
	shown := model.Printable(expr)
	pad := ansi.StringWidth(model.Printable(expr[:min(fe.Pos, len(expr))]))
	fmt.Fprintf(stderr, "pcapsurgery: --filter: %s\n  %s\n  %s^\nRun 'pcapsurgery help filter' for the filter language.\n",
		model.Printable(fe.Msg), shown, strings.Repeat(" ", pad))
	return exitUsage
}
