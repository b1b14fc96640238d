package model

import (
	"strings"
)

// The filter language's documentation, made from filterFields so that the
// README, `pcapsurgery help filter` and the explorer's help screen say what
// the parser does. Tests parse every example and keep the README in sync.

// FilterExample is a whole expression with what it finds.
type FilterExample struct{ Expr, Finds string }

// FilterExamples are the examples every help shows; each parses.
var FilterExamples = []FilterExample{
	{"outcome:fail sni:api", `failures for names containing "api"`},
	{"alert:unknown_ca|certificate_expired", "handshakes the client ended over the certificate"},
	{"!outcome:ok port:8443,9443", "everything but OK on either port"},
	{"hs>1s after:12:00", "slow handshakes that started at noon UTC or later"},
	{"version<1.2 by:server", "old versions the server ended"},
}

// filterRules is the prose: how terms combine, what is strict, times and
// sizes. Backticks mark the language's tokens for Markdown; plain text drops them.
var filterRules = []string{
	"Space-separated terms are ANDed; `!term` negates a term; `a|b` or `a,b` ORs the values of one term " +
		"(`port:8443,9443`). There is no OR between different fields and no grouping. " +
		"Double quotes keep spaces, `|` and `,` inside a value (`sni:\"my host\"`).",
	"The parser is strict: an unknown field, a value outside a closed set (outcome, alert, version, by, " +
		"starttls) or `field=value` is an error that suggests what was meant (did you mean unknown_ca?). " +
		"`summary` and `export` then exit with status 2.",
	"In the explorer's filter bar the list follows the text while it parses. Enter applies a filter only if it " +
		"parses; otherwise the bar stays open and says NOT APPLIED, and the list goes back to the filter in force, " +
		"which the header names. The bar completes field names and closed-set values and recalls this session's " +
		"filters (kept in memory only, never written to disk); the keys are in the key table.",
	"Comparisons: `<`, `<=`, `>`, `>=` right after the field (`hs>1s`) or after its colon (`hs:>1s`); `N-M` is an " +
		"inclusive range. A flow without a handshake time or a negotiated version never matches `hs` or `version`.",
	"Times: `after:` and `before:` take a time of day (`12:00`, `12:00:30.5`), compared with each flow's start " +
		"time of day in UTC, as the explorer shows times (so a capture across midnight needs a date), " +
		"or a date with an optional time (`2024-05-01`, `2024-05-01T12:00`, `2024-05-01T12:00:00+02:00`). " +
		"`after:` includes the time, `before:` does not.",
	"Sizes: `B`, `KB`, `MB`, `GB`, 1024-based (`1KB` is 1024 bytes), as the explorer prints them.",
}

// filterBareWord is the row for a term without a field.
var filterBareWord = FilterField{Name: "", Syntax: "word", Matches: "SNI, addresses and ports containing `word`", Example: "api"}

// closedSetLine says which values a closed field takes, for the docs.
func closedSetLine(f FilterField) string {
	switch f.key {
	case fkAlert:
		return "any part of a TLS alert name (`unknown_ca`, `handshake_failure`, `protocol_version`, ...) or `encrypted`"
	case fkOutcome, fkVersion, fkBy, fkStartTLS:
		return "`" + strings.Join(FilterValues(f.Name), "`, `") + "`"
	}
	return ""
}

// FilterMarkdown is the README's filter section (between its markers).
func FilterMarkdown() string {
	var b strings.Builder
	b.WriteString("`/` in the explorer, `--filter` on the command line: one language.\n\n")
	for _, r := range filterRules {
		b.WriteString(r + "\n\n")
	}
	b.WriteString("| term | matches | example |\n|---|---|---|\n")
	for _, f := range append([]FilterField{filterBareWord}, filterFields...) {
		forms := strings.Split(f.Syntax, ", ")
		for i := range forms {
			forms[i] = "`" + forms[i] + "`"
		}
		b.WriteString("| " + mdCell(strings.Join(forms, ", ")) + " | " + mdCell(f.Matches) + " | " + mdCell("`"+f.Example+"`") + " |\n")
	}
	b.WriteString("\nClosed sets (Tab completes them in the explorer's filter bar):\n\n")
	for _, f := range filterFields {
		if l := closedSetLine(f); l != "" && !f.alias {
			b.WriteString("- `" + f.Name + ":` " + l + "\n")
		}
	}
	b.WriteString("\nExamples:\n\n")
	for _, e := range FilterExamples {
		b.WriteString("- `" + e.Expr + "`: " + e.Finds + "\n")
	}
	return b.String()
}

// mdCell escapes a table cell's pipes (GitHub splits cells at them even in code).
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// plain drops the Markdown backticks.
func plain(s string) string { return strings.ReplaceAll(s, "`", "") }

// FilterHelpText is the language as plain text at most width cells wide
// (at least 60), for `pcapsurgery help filter` and the explorer's help.
func FilterHelpText(width int) string {
	width = max(width, 60)
	var b strings.Builder
	for _, r := range filterRules {
		for _, l := range wrapWords(plain(r), width) {
			b.WriteString(l + "\n")
		}
		b.WriteString("\n")
	}
	const col = 26
	row := func(left, right string) {
		lines := wrapWords(right, width-col)
		for i, l := range lines {
			if i == 0 && len(left) < col-1 {
				b.WriteString(left + strings.Repeat(" ", col-len(left)) + l + "\n")
				continue
			}
			if i == 0 {
				b.WriteString(left + "\n")
			}
			b.WriteString(strings.Repeat(" ", col) + l + "\n")
		}
	}
	b.WriteString("Fields:\n")
	for _, f := range append([]FilterField{filterBareWord}, filterFields...) {
		right := plain(f.Matches)
		if l := closedSetLine(f); l != "" && !f.alias && f.key != fkAlert {
			right += ". Values: " + plain(l)
		}
		row("  "+f.Syntax, right)
	}
	b.WriteString("\nExamples:\n")
	for _, e := range FilterExamples {
		row("  "+e.Expr, e.Finds)
	}
	return b.String()
}

// wrapWords breaks s into lines of at most width bytes at spaces (a word
// longer than width gets a line of its own).
func wrapWords(s string, width int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case len(cur)+1+len(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
