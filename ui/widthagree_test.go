package ui

import (
	"bufio"
	"bytes"
	"os/exec"
	"strconv"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/model"
)

// glibcWidths reads glibc's wcwidth for every code point through python3's
// ctypes (what tmux and most terminals use), or nil when that cannot run.
func glibcWidths(t *testing.T) []int {
	const dump = `
import ctypes, locale, sys
locale.setlocale(locale.LC_ALL, 'C.UTF-8')
libc = ctypes.CDLL('libc.so.6')
libc.wcwidth.argtypes = [ctypes.c_wchar]
sys.stdout.write('\n'.join('0' if 0xd800 <= c < 0xe000 else str(libc.wcwidth(chr(c))) for c in range(0x110000)))
`
	raw, err := exec.Command("python3", "-c", dump).Output()
	if err != nil {
		t.Logf("glibc wcwidth not available (%v): checking our two width counts against each other only", err)
		return nil
	}
	w := make([]int, 0, 0x110000)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		n, _ := strconv.Atoi(sc.Text())
		w = append(w, n)
	}
	if len(w) != 0x110000 {
		t.Fatalf("read %d widths from glibc", len(w))
	}
	return w
}

// TestSanitisedWidthIsTheTerminalsWidth holds issue 12's property for every
// code point, alone and beside the neighbours grapheme clustering joins it
// to: once through model.Printable, the string is as wide by grapheme (what
// flowlist pads with), by code point (the renderer's default) and by glibc's
// wcwidth (tmux). A disputed character that slipped through would let a
// selected row overwrite the next one's columns.
func TestSanitisedWidthIsTheTerminalsWidth(t *testing.T) {
	if raceEnabled {
		t.Skip("one goroutine over every code point: nothing for -race to find")
	}
	glibc := glibcWidths(t)
	ctx := []struct{ before, after string }{
		{"", ""}, {"a", ""}, {"", "a"}, {"1", ""}, {"क", "क"}, {"", "가"}, {"x", "x"},
	}
	bad := 0
	for r := rune(0); r < 0x110000 && bad < 20; r++ {
		if r >= 0xd800 && r < 0xe000 {
			continue
		}
		cs := ctx
		if r >= 0xa0 && !unicode.IsGraphic(r) {
			cs = ctx[:1] // escaped by category wherever it stands
		}
		for _, c := range cs {
			s := model.Printable(c.before + string(r) + c.after + string(r))
			if isASCII(s) {
				continue // escaped: one cell a byte by every count
			}
			g, wc := ansi.StringWidth(s), ansi.StringWidthWc(s)
			want := wc
			if glibc != nil {
				want = 0
				for _, x := range s {
					want += glibc[x]
				}
			}
			if g != wc || wc != want {
				t.Errorf("%U in %q: Printable gives %q, %d cells by grapheme, %d by code point, %d by glibc", r, c.before+"_"+c.after, s, g, wc, want)
				bad++
			}
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
