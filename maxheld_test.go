package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestMaxHeldFlag: six clients each park 252 KB behind a one-byte hole;
// with --max-held 1M some are stopped, marked PARTIAL with the reason, and
// one warning line says so. A size below 1M is a usage error.
func TestMaxHeldFlag(t *testing.T) {
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	var frames []frame
	for i := range 6 {
		src := fmt.Sprintf("10.0.0.%d", i+1)
		frames = append(frames, frame{at, tcpFrame(t, src, "10.0.1.1", 40000, 443, true, false, false, 1000, nil)},
			frame{at, tcpFrame(t, "10.0.1.1", src, 443, 40000, true, true, false, 5000, nil)})
		for k := range 180 {
			seq := uint32(1002 + k*1400) // byte 1001 never comes
			frames = append(frames, frame{at, tcpFrame(t, src, "10.0.1.1", 40000, 443, false, true, false, seq, make([]byte, 1400))})
		}
	}
	file := pcapFile(1, 65535, frames)

	code, stdout, stderr := summarize(t, file, "--json", "--max-held", "1M")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: IN: the memory budget for held bytes (--max-held 1M) was reached; ") {
		t.Errorf("stderr %q", stderr)
	}
	dropped := 0
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var f struct {
			Outcome, Diagnosis string
			Problems           []string
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatal(err)
		}
		if len(f.Problems) > 0 && strings.HasPrefix(f.Problems[0], "held bytes dropped: memory budget") {
			dropped++
			if f.Outcome != "partial" || !strings.Contains(f.Diagnosis, "--max-held") {
				t.Errorf("dropped flow: %s: %s", f.Outcome, f.Diagnosis)
			}
		}
	}
	if dropped < 3 {
		t.Errorf("%d flows dropped at a 1M budget with 6 x 252 KB held", dropped)
	}

	// The default budget holds all six.
	code, _, stderr = summarize(t, file)
	if code != exitOK || strings.Contains(stderr, "memory budget") {
		t.Errorf("default budget: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr = summarize(t, file, "--max-held", "100K"); code != exitUsage || !strings.Contains(stderr, "below the 1M minimum") {
		t.Errorf("--max-held 100K: exit %d, stderr %q", code, stderr)
	}
}
