package model

import (
	"slices"
	"testing"
)

func TestCompleteFilter(t *testing.T) {
	cases := []struct {
		expr  string
		pos   int // -1: the end
		want  string
		cands []string
	}{
		{"outc", -1, "outcome:", nil},
		{"api !outc", -1, "api !outcome:", nil},
		{"OUTC", -1, "outcome:", nil},
		{"a", -1, "a", []string{"alert:", "alpn:", "after:"}},
		{"al", -1, "al", []string{"alert:", "alpn:"}},
		{"b", -1, "b", []string{"badge:", "by:", "bytes:", "before:"}},
		{"by:c", -1, "by:client", nil},
		{"outcome:no_s", -1, "outcome:no_s", []string{"no_server_hello", "no_syn_ack"}},
		{"outcome:no_se", -1, "outcome:no_server_hello", nil},
		{"outcome:ok|re", -1, "outcome:ok|re", []string{"resumed", "reset", "refused"}},
		{"outcome:ok,res", -1, "outcome:ok,res", []string{"resumed", "reset"}},
		{"alert:unknown_c", -1, "alert:unknown_ca", nil},
		{"alert:cert", -1, "alert:certificate_", []string{"certificate_revoked", "certificate_expired", "certificate_unknown", "certificate_unobtainable", "certificate_required"}},
		{"starttls:sm", -1, "starttls:smtp", nil},
		{"version:1", -1, "version:1.", []string{"1.3", "1.2", "1.1", "1.0"}},
		{"sni:ap", -1, "sni:ap", nil},     // open set: nothing to offer
		{"nosuch:x", -1, "nosuch:x", nil}, // unknown field
		{`"out`, -1, `"out`, nil},         // quoted
		{"outc port:443", 4, "outcome: port:443", nil},
	}
	for _, c := range cases {
		pos := c.pos
		if pos < 0 {
			pos = len(c.expr)
		}
		got := CompleteFilter(c.expr, pos)
		if got.Expr != c.want {
			t.Errorf("CompleteFilter(%q, %d) = %q, want %q", c.expr, pos, got.Expr, c.want)
		}
		if c.cands != nil && !slices.Equal(got.Candidates, c.cands) {
			t.Errorf("CompleteFilter(%q): candidates %q, want %q", c.expr, got.Candidates, c.cands)
		}
		if c.cands == nil && len(got.Candidates) > 0 {
			t.Errorf("CompleteFilter(%q): candidates %q, want none", c.expr, got.Candidates)
		}
	}
	if got := CompleteFilter("", 0); len(got.Candidates) != len(filterFields) {
		t.Errorf("tab on nothing offers %d fields, want all %d", len(got.Candidates), len(filterFields))
	}
}
