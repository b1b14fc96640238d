package model

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DiffMark marks a field that differs, so the difference reads without colour.
const DiffMark = "*"

// DifferCount is "1 field differs", "12 fields differ".
func DifferCount(n int) string {
	if n == 1 {
		return "1 field differs"
	}
	return strconv.Itoa(n) + " fields differ"
}

// Header says which two flows are compared and why the second was chosen.
func (c *Comparison) Header() string {
	s := "flow #" + strconv.Itoa(c.A.ID) + " (" + c.A.Badge + ") compared with flow #" + strconv.Itoa(c.B.ID) + " (" + c.B.Badge + ")"
	if c.Rule == MatchPicked || c.Rule == "" {
		return s + ", chosen by hand"
	}
	return s + ", the closest working flow: " + string(c.Rule) + ", " + timeApart(c.B.First.Sub(c.A.First))
}

func timeApart(d time.Duration) string {
	switch {
	case d < 0:
		return roundDur(-d) + " earlier"
	case d > 0:
		return roundDur(d) + " later"
	}
	return "at the same time"
}

// Endpoint is "client -> server SNI" for a flow of the comparison.
func compareEndpoint(f *Flow) string {
	s := f.Client.String() + " -> " + f.Server.String()
	if sni := f.SNI(); sni != "" {
		s += " " + sni
	}
	return s
}

// Column widths of the text form: a row whose values fit sits on one line,
// a longer one is written under its field, one flow per line.
const (
	textFieldWidth = 22
	textValueWidth = 32
)

// WriteComparisonText writes the comparison for a ticket: the header, the
// reading, then every section with differing fields marked DiffMark.
func WriteComparisonText(w io.Writer, c *Comparison) error {
	bw := bufio.NewWriter(w)
	idA, idB := "#"+strconv.Itoa(c.A.ID), "#"+strconv.Itoa(c.B.ID)
	fmt.Fprintf(bw, "%s\n  %-5s %s\n  %-5s %s\n\nReading:\n", c.Header(), idA, compareEndpoint(&c.A), idB, compareEndpoint(&c.B))
	for _, r := range c.Reading {
		fmt.Fprintf(bw, "  %s\n", r)
	}
	fmt.Fprintf(bw, "\n%s (marked %s)\n", DifferCount(c.Differences()), DiffMark)
	for _, s := range c.Sections {
		fmt.Fprintf(bw, "\n  %-*s %-*s %s\n", textFieldWidth, s.Title, textValueWidth, idA, idB)
		for _, r := range s.Rows {
			mark := " "
			if r.Differs {
				mark = DiffMark
			}
			if utf8.RuneCountInString(r.A) < textValueWidth && utf8.RuneCountInString(r.B) < textValueWidth*2 {
				fmt.Fprintf(bw, "%s %-*s %s%s%s\n", mark, textFieldWidth, r.Field, r.A,
					strings.Repeat(" ", textValueWidth+1-utf8.RuneCountInString(r.A)), r.B)
				continue
			}
			fmt.Fprintf(bw, "%s %s\n      %-5s %s\n      %-5s %s\n", mark, r.Field, idA+":", r.A, idB+":", r.B)
		}
	}
	return bw.Flush()
}

// comparisonJSON is the --json form of a comparison.
type comparisonJSON struct {
	A           diffFlowJSON      `json:"a"`
	B           diffFlowJSON      `json:"b"`
	Rule        string            `json:"rule"`
	Reading     []string          `json:"reading"`
	Differences int               `json:"differences"`
	Sections    []diffSectionJSON `json:"sections"`
}

type diffFlowJSON struct {
	ID      int    `json:"id"`
	Outcome string `json:"outcome"`
	Badge   string `json:"badge"`
}

type diffSectionJSON struct {
	Title string        `json:"title"`
	Rows  []diffRowJSON `json:"rows"`
}

type diffRowJSON struct {
	Field   string `json:"field"`
	A       string `json:"a"`
	B       string `json:"b"`
	Differs bool   `json:"differs"`
}

// WriteComparisonJSON writes the comparison as one JSON object and a newline.
func WriteComparisonJSON(w io.Writer, c *Comparison) error {
	rule := string(c.Rule)
	if rule == "" {
		rule = string(MatchPicked)
	}
	out := comparisonJSON{
		A:    diffFlowJSON{c.A.ID, string(c.A.Outcome), c.A.Badge},
		B:    diffFlowJSON{c.B.ID, string(c.B.Outcome), c.B.Badge},
		Rule: rule, Reading: c.Reading, Differences: c.Differences(),
	}
	for _, s := range c.Sections {
		so := diffSectionJSON{Title: s.Title, Rows: make([]diffRowJSON, len(s.Rows))}
		for i, r := range s.Rows {
			so.Rows[i] = diffRowJSON{r.Field, r.A, r.B, r.Differs}
		}
		out.Sections = append(out.Sections, so)
	}
	return json.NewEncoder(w).Encode(out)
}
