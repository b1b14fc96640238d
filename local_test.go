package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestLocalFlag: --local (before or after FILE) picks local time for the
// explorer; without it times are UTC unless TZ names a zone.
func TestLocalFlag(t *testing.T) {
	t.Setenv("TZ", "")
	for _, tt := range []struct {
		args []string
		tz   string
		want *time.Location
	}{
		{[]string{"x.pcap"}, "", time.UTC},
		{[]string{"--local", "x.pcap"}, "", time.Local},
		{[]string{"x.pcap", "--local"}, "", time.Local},
		{[]string{"x.pcap"}, "Europe/Berlin", time.Local},
	} {
		t.Setenv("TZ", tt.tz)
		rest, loc := takeLocal(tt.args)
		if loc != tt.want || len(rest) != 1 || rest[0] != "x.pcap" {
			t.Errorf("takeLocal(%v) with TZ=%q = %v, %v", tt.args, tt.tz, rest, loc)
		}
	}
	// Not a terminal: --local is taken and the summary printed.
	var out, errb bytes.Buffer
	if code := run([]string{"--local", "testdata/demo.pcapng"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "flows") {
		t.Errorf("--local FILE | cat: exit %d, %q %q", code, out.String(), errb.String())
	}
	if code := run([]string{"--local"}, &out, &errb); code != exitUsage {
		t.Errorf("--local alone: exit %d, want %d", code, exitUsage)
	}
}
