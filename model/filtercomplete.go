package model

import (
	"slices"
	"strings"
)

// Completion is what Tab does to the text before the cursor, as shells do:
// a single candidate is written out; several extend the word to their
// common prefix and are listed.
type Completion struct {
	Expr       string   // the text after completing
	Pos        int      // the cursor (a byte offset into Expr)
	Candidates []string // what the word could become, when more than one
}

// CompleteFilter completes the word that ends at byte offset pos of expr:
// a field name (written with its ':'), or a value of a field with a closed
// set (outcome, badge, alert, version, by, starttls), after ':', '|' or ','.
// Open values (sni, ip, ...) and quoted words are left alone.
func CompleteFilter(expr string, pos int) Completion {
	pos = max(0, min(pos, len(expr)))
	keep := Completion{Expr: expr, Pos: pos}
	start := pos
	for start > 0 && !isFilterSpace(expr[start-1]) {
		start--
	}
	word := expr[start:pos]
	if strings.ContainsRune(word, '"') {
		return keep
	}
	word = strings.TrimPrefix(word, "!")
	from := pos - len(word) // where the part being completed starts
	var cands []string
	suffix := ""
	if n, sep := fieldRef(word); n > 0 && sep == ":" {
		f := filterFieldByName(asciiLower(word[:n]))
		if f == nil {
			return keep
		}
		val := word[n+1:]
		if k := strings.LastIndexAny(val, "|,"); k >= 0 {
			val = val[k+1:]
		}
		from = pos - len(val)
		cands = withPrefix(FilterValues(f.Name), asciiLower(val))
	} else if strings.Trim(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "" {
		cands = withPrefix(filterFieldNames(), asciiLower(word))
		suffix = ":"
	}
	switch len(cands) {
	case 0:
		return keep
	case 1:
		ins := cands[0] + suffix
		return Completion{Expr: expr[:from] + ins + expr[pos:], Pos: from + len(ins)}
	}
	common := cands[0]
	for _, c := range cands[1:] {
		for !strings.HasPrefix(c, common) {
			common = common[:len(common)-1]
		}
	}
	list := cands
	if suffix != "" {
		list = make([]string, len(cands))
		for i, c := range cands {
			list[i] = c + suffix
		}
	}
	return Completion{Expr: expr[:from] + common + expr[pos:], Pos: from + len(common), Candidates: list}
}

// withPrefix keeps the words that start with p, in order, once each.
func withPrefix(words []string, p string) []string {
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, p) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}
