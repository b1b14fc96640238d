package detail

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

func loadAll(t *testing.T) []model.Flow {
	t.Helper()
	files, _ := filepath.Glob("../../testdata/captures/*.pcap*")
	files = append(files, "../../testdata/demo.pcapng")
	var out []model.Flow
	for _, p := range files {
		src, err := capture.Open(p)
		if err != nil {
			continue
		}
		l := model.NewLoader(src)
		_ = l.Run(context.Background(), nil) // damaged captures still give flows
		src.Close()
		out = append(out, l.Flows()...)
	}
	if len(out) < 50 {
		t.Skipf("only %d flows in testdata/captures", len(out))
	}
	return out
}

// TestPaneCutsNothing: every line of the pane fits its width by wrapping,
// so no value is cut with "~" (a group list once ended in "ffdhe409~", the
// facts line and the title lost their ends at 80 columns).
func TestPaneCutsNothing(t *testing.T) {
	st := styles.New(true)
	for _, f := range loadAll(t) {
		for _, w := range []int{80, 120, 200} {
			for _, line := range Render(&f, w, st) {
				plain := ansi.Strip(line)
				if ansi.StringWidth(plain) > w {
					t.Errorf("flow %d at %d: line is %d wide: %q", f.ID, w, ansi.StringWidth(plain), plain)
				}
				if strings.Contains(plain, "~") && !strings.Contains(f.SNI(), "~") {
					t.Errorf("flow %d at %d: value cut: %q", f.ID, w, plain)
				}
			}
		}
	}
}

func TestMSSNote(t *testing.T) {
	for _, tt := range []struct {
		mss  [2]uint16
		want string
	}{
		{[2]uint16{1460, 1400}, "MSS client 1460, server 1400"},
		{[2]uint16{1460, 0}, "MSS client 1460 (none seen from the server)"},
		{[2]uint16{0, 536}, "MSS server 536 (none seen from the client)"},
		{[2]uint16{0, 0}, ""},
	} {
		var m [2]uint16
		m[decode.FromClient], m[decode.FromServer] = tt.mss[0], tt.mss[1]
		if got := mssNote(m); got != tt.want {
			t.Errorf("mssNote(%v) = %q, want %q", tt.mss, got, tt.want)
		}
	}
}

// TestNoEmptyFingerprints: a flow without a hello has no fingerprints, and
// then no heading either.
func TestNoEmptyFingerprints(t *testing.T) {
	st := styles.New(true)
	seenBare, seenHello := false, false
	for _, f := range loadAll(t) {
		full := ansi.Strip(strings.Join(Render(&f, 80, st), "\n"))
		has := strings.Contains(full, "\nFingerprints\n")
		switch {
		case f.TLS.ClientHello == nil && f.TLS.ServerHello == nil && model.History(f.Flow) == "":
			seenBare = true
			if has {
				t.Errorf("flow %d (%s) has no hello but a Fingerprints heading", f.ID, f.Badge)
			}
		case f.TLS.ClientHello != nil:
			seenHello = true
			if !has || !strings.Contains(full, "JA4") {
				t.Errorf("flow %d has a ClientHello but no fingerprints", f.ID)
			}
		}
	}
	if !seenBare || !seenHello {
		t.Fatalf("fixture lacks a flow without a hello (%v) or with one (%v)", seenBare, seenHello)
	}
}
