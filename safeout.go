package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// say writes a message for a person. Every argument that is text (a path, a
// flag value, an error that embeds one) goes through model.Printable first:
// a capture named with ESC ] 52 or ESC [ 6 n would otherwise set the
// clipboard or make the terminal type into standard input. Our own format
// text is written as it is.
func say(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, format, safeArgs(a)...)
}

func safeArgs(a []any) []any {
	out := make([]any, len(a))
	for i, v := range a {
		switch v := v.(type) {
		case string:
			out[i] = model.Printable(v)
		case error:
			out[i] = model.Printable(v.Error())
		case fmt.Stringer:
			out[i] = model.Printable(v.String())
		default:
			out[i] = v
		}
	}
	return out
}

// printableLines is where the flag package writes its own errors ("flag
// provided but not defined: -x", "invalid value ... for flag"), which quote
// what was typed: each line is sanitised, the line breaks and tabs kept.
type printableLines struct{ w io.Writer }

func (p printableLines) Write(b []byte) (int, error) {
	var out strings.Builder
	for i, line := range strings.Split(string(b), "\n") {
		if i > 0 {
			out.WriteByte('\n')
		}
		for j, field := range strings.Split(line, "\t") {
			if j > 0 {
				out.WriteByte('\t')
			}
			out.WriteString(model.Printable(field))
		}
	}
	if _, err := io.WriteString(p.w, out.String()); err != nil {
		return 0, err
	}
	return len(b), nil
}
