package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pcapsurgery/pcapsurgery/internal/hostile"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// hostileCapture is a capture whose only flow's SNI is sni, cut short in
// its last record so the warning line (which names the file) is printed.
func hostileCapture(t *testing.T, sni string) []byte {
	ts := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	c, s := "10.0.0.1", "10.0.0.2"
	frames := []frame{
		{ts, tcpFrame(t, c, s, 40000, 443, true, false, false, 999, nil)},
		{ts.Add(time.Millisecond), tcpFrame(t, s, c, 443, 40000, true, true, false, 4999, nil)},
		{ts.Add(2 * time.Millisecond), tcpFrame(t, c, s, 40000, 443, false, true, false, 1000, clientHello(sni))},
		{ts.Add(3 * time.Millisecond), tcpFrame(t, s, c, 443, 40000, false, true, true, 5000, nil)},
	}
	b := pcapFile(1, 262144, frames)
	late := lateFrame(t)
	return append(b, pcapRecord(nil, late, len(late.data))[:20]...)
}

// TestHostileNamesNeverReachTheTerminal runs every command-line output on
// files named with each hostile class (and flows whose SNI is that class):
// the table, JSON, warnings, errors, usage errors and export messages hold
// no raw control byte and no raw invisible or disputed-width character,
// and still show the name, escaped.
func TestHostileNamesNeverReachTheTerminal(t *testing.T) {
	for _, c := range hostile.Classes {
		t.Run(c.Name, func(t *testing.T) {
			dir := t.TempDir()
			name := hostile.FileName(c.Text)
			in := filepath.Join(dir, name+".pcap")
			if err := os.WriteFile(in, hostileCapture(t, c.Text), 0o600); err != nil {
				t.Skipf("the file system refuses the name: %v", err)
			}
			check := func(what string, code int, stdout, stderr string) {
				t.Helper()
				for stream, out := range map[string]string{"stdout": stdout, "stderr": stderr} {
					if err := hostile.Check(out, true); err != nil {
						t.Errorf("%s (exit %d), %s: %v", what, code, stream, err)
					}
				}
			}
			cmd := func(args ...string) (int, string, string) {
				var out, errb bytes.Buffer
				code := run(args, &out, &errb)
				return code, out.String(), errb.String()
			}

			code, stdout, stderr := cmd("summary", in)
			check("summary", code, stdout, stderr)
			if shown := model.Printable(in); !strings.Contains(stderr, shown) {
				t.Errorf("the warning does not name the file (escaped as %q): %q", shown, stderr)
			}
			if want := model.Clip(model.Printable(c.Text), 40); !strings.Contains(stdout, want) {
				t.Errorf("the table does not show the SNI as %q:\n%s", want, stdout)
			}

			code, stdout, stderr = cmd("summary", "--json", in)
			check("summary --json", code, stdout, stderr)
			var r struct {
				ClientHello struct{ SNI string } `json:"client_hello"`
			}
			if err := json.Unmarshal([]byte(strings.SplitN(stdout, "\n", 2)[0]), &r); err != nil {
				t.Fatalf("JSON: %v: %q", err, stdout)
			}
			if utf8.ValidString(c.Text) && r.ClientHello.SNI != c.Text {
				t.Errorf("JSON SNI reads back as %q, want %q", r.ClientHello.SNI, c.Text)
			}

			out := filepath.Join(dir, "out-"+name+".pcap")
			code, stdout, stderr = cmd("export", in, "--flow", "1", "-o", out)
			check("export", code, stdout, stderr)
			if code != 0 || !strings.Contains(stdout, model.Printable(out)) {
				t.Errorf("export: exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			code, stdout, stderr = cmd("export", in, "--flow", "1", "-o", out)
			check("export onto an existing file", code, stdout, stderr)
			missing := filepath.Join(dir, name, "x.pcap")
			code, stdout, stderr = cmd("export", in, "--flow", "1", "-o", missing)
			check("export into a missing directory", code, stdout, stderr)
			if code != exitCapture || !strings.Contains(stderr, model.Printable(missing)) {
				t.Errorf("export into a missing directory: exit %d, stderr %q", code, stderr)
			}
			code, stdout, stderr = cmd("export", in, "--filter", "sni:"+strings.Trim(c.Text, " "), "-o", out+"2")
			check("export --filter", code, stdout, stderr)

			missing = filepath.Join(dir, name+".missing")
			code, stdout, stderr = cmd("summary", missing)
			check("missing file", code, stdout, stderr)
			if code != exitCapture || !strings.Contains(stderr, model.Printable(missing)) {
				t.Errorf("missing file: exit %d, stderr %q", code, stderr)
			}
			notCapture := filepath.Join(dir, name+".txt")
			os.WriteFile(notCapture, []byte("hello "+c.Text+"\n"), 0o600)
			code, stdout, stderr = cmd("summary", notCapture)
			check("not a capture", code, stdout, stderr)

			for _, args := range [][]string{
				{"summary", "-" + c.Text, in},
				{"summary", "--filter", c.Text + ":x", in},
				{"summary", "--filter=" + c.Text, in},
				{"export", in, "--flow", c.Text, "-o", out},
				{"diff", in, c.Text},
				{"diff", in, "1"},
				{"diff", missing, "1", "--json"},
				{"-" + c.Text},
				{c.Text, in},
				{"help", c.Text},
				{"completion", c.Text},
			} {
				code, stdout, stderr = cmd(args...)
				check(strings.Join(args, " "), code, stdout, stderr)
			}
		})
	}
}
