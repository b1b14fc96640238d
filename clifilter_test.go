package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestFilterTyposExitTwo: a filter the parser rejects is a usage error on
// the command line (status 2, the message with its suggestion), never a
// run that quietly matches nothing.
func TestFilterTyposExitTwo(t *testing.T) {
	capPath := filepath.Join("testdata", "captures", "expired-tls12-go.pcap")
	out := filepath.Join(t.TempDir(), "out.pcap")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"summary", "--filter", "alert:unkown_ca", capPath}, `did you mean "unknown_ca"?`},
		{[]string{"summary", "--json", "--filter", "outcome:bogus", capPath}, `unknown outcome "bogus"`},
		{[]string{"summary", "--filter", "sni~example.com badge=ALERT", capPath}, `"~" is not filter syntax: write sni:VALUE`},
		{[]string{"summary", "--filter", "port:8443 outcom:ok", capPath}, `unknown filter key "outcom": did you mean "outcome"?`},
		{[]string{"export", capPath, "--filter", "by:clinet", "-o", out}, `did you mean "client"?`},
		{[]string{"export", capPath, "--filter", "hs>1", "-o", out}, `bad duration ">1"`},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		if code := run(c.args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", c.args, code, exitUsage, stderr.String())
		}
		if !strings.Contains(stderr.String(), c.want) || stdout.Len() != 0 {
			t.Errorf("%v: stderr %q lacks %q (stdout %q)", c.args, stderr.String(), c.want, stdout.String())
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a rejected filter still wrote the export")
	}
	// The caret points at the term, and the expression is escaped.
	var stdout, stderr bytes.Buffer
	run([]string{"summary", "--filter", "api \x1b[31m outcome:nope", capPath}, &stdout, &stderr)
	const shown = `  api \x1b[31m outcome:nope`
	caret := strings.Repeat(" ", strings.Index(shown, "outcome")) + "^"
	if strings.Contains(stderr.String(), "\x1b") || !strings.Contains(stderr.String(), "\n"+shown+"\n"+caret+"\n") {
		t.Errorf("error does not point at the term, escaped:\n%s", stderr.String())
	}
	// Comma lists are OR: the exit status says the filter was fine.
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"summary", "--filter", "port:8443,443", capPath}, &stdout, &stderr); code != exitOK {
		t.Errorf("port:8443,443: exit %d: %s", code, stderr.String())
	}
}

// TestFilterExamplesInDocsParse parses every filter the README and the
// command-line help show: --filter arguments, the explorer's "filter:"
// lines in screenshots, and the examples of the filter section.
func TestFilterExamplesInDocsParse(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{"README.md": string(readme), "usage": usageText}
	for topic, text := range commandHelp {
		texts["help "+topic] = text
	}
	flagArg := regexp.MustCompile(`--filter[ =](?:'([^']*)'|"([^"]*)"|([^\s'"]+))`)
	shown := regexp.MustCompile(`(?m)^filter: (.+?)\s*$`)
	example := regexp.MustCompile("(?m)^- `([^`]+)`: ")
	n := 0
	for where, text := range texts {
		var exprs []string
		for _, m := range flagArg.FindAllStringSubmatch(text, -1) {
			if e := m[1] + m[2] + m[3]; e != "EXPR" {
				exprs = append(exprs, e)
			}
		}
		for _, m := range shown.FindAllStringSubmatch(text, -1) {
			exprs = append(exprs, m[1])
		}
		for _, m := range example.FindAllStringSubmatch(text, -1) {
			if !strings.HasSuffix(m[1], ":") { // "- `outcome:` ok, ..." lists values
				exprs = append(exprs, m[1])
			}
		}
		for _, e := range exprs {
			n++
			if _, err := model.ParseFilter(e); err != nil {
				t.Errorf("%s shows the filter %q, which does not parse: %v", where, e, err)
			}
		}
	}
	if n < 10 {
		t.Errorf("found only %d filter examples in the docs; the patterns no longer see them", n)
	}
}
