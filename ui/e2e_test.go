package ui

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// TestE2ETmux builds the real binary, drives it in a detached tmux session
// at 120x40 as a user would (filter to one SNI, compare a failing flow with
// a working one, open, export, quit), and
// checks the exported file with our reader and, when installed, tshark.
func TestE2ETmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped under -short")
	}
	tmux, dir, bin := e2eBinary(t)
	capPath, _ := filepath.Abs(filepath.Join("testdata", "mix40.pcap"))
	out := filepath.Join(dir, "old126.pcap")
	sess := startTmux(t, tmux, "e2e", dir, "env", "TERM=xterm-256color", "NO_COLOR=1", bin, capPath)
	screenHas, send := sess.screenHas, sess.send

	screenHas("40 flows")

	// An invalid filter + Enter changes nothing but the bar: the list keeps
	// the filter in force, the header names it, the error says what was meant.
	send("/")
	send("-l", "outcome:alert")
	send("Enter")
	applied := screenHas("filter: outcome:alert")
	send("/")
	send("-l", " alert:unkown_ca")
	send("Enter")
	refused := screenHas("NOT APPLIED")
	if !strings.Contains(refused, `did you mean "unknown_ca"?`) {
		t.Errorf("the refusal lacks its suggestion:\n%s", refused)
	}
	for _, s := range []string{applied, refused} {
		if head := strings.SplitN(s, "\n", 2)[0]; !strings.HasSuffix(strings.TrimRight(head, " "), "/outcome:alert") {
			t.Errorf("header does not name the filter in force: %q", head)
		}
	}
	if a, r := flowRows(applied), flowRows(refused); len(a) != 4 || !slices.Equal(a, r) {
		t.Errorf("the list changed on a refused filter:\n%s\nthen\n%s", strings.Join(a, "\n"), strings.Join(r, "\n"))
	}
	send("Escape")
	screenHas("/40\n") // esc cleared the filter: all 40 listed

	// Help scrolls to the filter language at the end; q closes help, it does not quit.
	send("?")
	screenHas("Keys (")
	send("G")
	screenHas("version<1.2 by:server")
	send("q")
	screenHas("? help")

	// c on a failing flow compares it with the closest working flow to its
	// server, side by side at 120 columns; esc returns to the list.
	send("/")
	send("-l", "sni:grpc-66")
	screenHas("1/1")
	send("Enter")
	send("c")
	cmp := screenHas("compared with flow #13")
	for _, want := range []string{"the server answered no_application_protocol to this client", "ClientHello"} {
		if !strings.Contains(cmp, want) {
			t.Errorf("the comparison lacks %q:\n%s", want, cmp)
		}
	}
	send("G")
	screenHas("* alerts")
	send("Escape")
	screenHas("1/1")
	send("/")
	send("Escape")
	screenHas("/40\n")

	send("/")
	send("-l", "sni:old-126.example.test")
	screenHas("1/1")
	send("Enter")
	send("Enter")
	screenHas("Timeline")
	send("e")
	screenHas("handshake evidence")
	send("C-u")
	send("-l", out)
	send("Enter")
	screenHas("packets to")
	send("x")
	send("q") // in the pane q goes back to the list, where q quits
	screenHas("q quit")
	send("q")
	quit := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if exec.Command(tmux, "has-session", "-t", sess.name).Run() != nil {
			quit = true // the program quit and took the session with it
			break
		}
	}
	if !quit {
		t.Error("q did not quit the program")
	}

	// Every packet of that flow, and only those.
	_, flows := loadCapture(t, capPath)
	want := 0
	for _, f := range flows {
		if f.SNI() == "old-126.example.test" {
			want = f.Packets()
		}
	}
	_, got := loadCapture(t, out)
	if len(got) != 1 || got[0].Packets() != want || want == 0 {
		t.Fatalf("export holds %d flows, %d packets; want 1 flow of %d", len(got), packets(got), want)
	}
	src, err := capture.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, err := src.Next(); err != nil {
			break
		}
		n++
	}
	src.Close()
	if n != want {
		t.Errorf("capture.Open reads %d packets, want %d", n, want)
	}
	if tshark, err := exec.LookPath("tshark"); err == nil {
		o, err := exec.Command(tshark, "-r", out, "-T", "fields", "-e", "tls.handshake.extensions_server_name").Output()
		if err != nil {
			t.Fatalf("tshark cannot read the export: %v", err)
		}
		if !strings.Contains(string(o), "old-126.example.test") {
			t.Errorf("tshark does not see the SNI in the export:\n%s", o)
		}
	}
}

// flowRows are the list's rows on a captured screen (they start with an ID).
func flowRows(screen string) []string {
	var rows []string
	for _, l := range strings.Split(screen, "\n") {
		if f := strings.Fields(l); len(f) > 3 && strings.Trim(f[0], "0123456789") == "" {
			rows = append(rows, strings.TrimRight(l, " "))
		}
	}
	return rows
}

func packets(fs []model.Flow) int {
	n := 0
	for _, f := range fs {
		n += f.Packets()
	}
	return n
}
