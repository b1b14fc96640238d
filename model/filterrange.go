package model

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Values of the ordered fields (hs, bytes, packets) and of after:/before:.

// parseFilterRange reads "N", "N-M", "<N", "<=N", ">N" or ">=N" into an
// inclusive range of non-negative numbers, with its normalised text.
func parseFilterRange(s string, num func(string) (int64, bool), format func(int64) string) (from, to int64, text string, ok bool) {
	one := func(op string) (int64, bool) { return num(s[len(op):]) }
	var n int64
	switch {
	case strings.HasPrefix(s, "<="):
		if n, ok = one("<="); ok {
			return 0, n, "<=" + format(n), true
		}
	case strings.HasPrefix(s, ">="):
		if n, ok = one(">="); ok {
			return n, math.MaxInt64, ">=" + format(n), true
		}
	case strings.HasPrefix(s, "<"):
		if n, ok = one("<"); ok {
			return 0, n - 1, "<" + format(n), true // <0 is an empty range: it matches nothing
		}
	case strings.HasPrefix(s, ">"):
		if n, ok = one(">"); ok && n < math.MaxInt64 {
			return n + 1, math.MaxInt64, ">" + format(n), true
		}
	default:
		a, b, isRange := strings.Cut(s, "-")
		lo, ok1 := num(a)
		hi, ok2 := lo, true
		if isRange {
			hi, ok2 = num(b)
		}
		if ok1 && ok2 && lo <= hi {
			text = format(lo)
			if hi != lo {
				text += "-" + format(hi)
			}
			return lo, hi, text, true
		}
	}
	return 0, 0, "", false
}

// unsigned reports text that starts with a digit or a dot: no sign, no space.
func unsigned(s string) bool { return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '.') }

// parseDurationNs reads a Go duration ("100ms", "1.5s", "2m"), not negative.
func parseDurationNs(s string) (int64, bool) {
	if !unsigned(s) {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	return int64(d), err == nil && d >= 0
}

func formatDurationNs(n int64) string { return time.Duration(n).String() }

// sizeUnits are the byte units, 1024-based as the explorer prints sizes.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"tb", 1 << 40},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1},
}

// ParseSize reads a byte size as the filter's bytes: field does ("1500",
// "1.5MB", "64KiB", "512m"); the units are powers of 1024.
func ParseSize(s string) (int64, bool) { return parseSize(asciiLower(s)) }

// parseSize reads "1500", "1.5MB", "64k" (lower case) as bytes.
func parseSize(s string) (int64, bool) {
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = s[:len(s)-len(u.suffix)], u.mult
			break
		}
	}
	if !unsigned(s) {
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > math.MaxInt64/mult {
			return 0, false
		}
		return n * mult, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f*float64(mult) >= 1<<62 {
		return 0, false
	}
	return int64(math.Round(f * float64(mult))), true
}

func formatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

func parseCount(s string) (int64, bool) {
	if !unsigned(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func formatCount(n int64) string { return strconv.FormatInt(n, 10) }

// Time layouts after: and before: accept. A time of day compares with each
// flow's start time of day; a date (with or without a time) is an instant.
var (
	todLayouts   = []string{"15:04", "15:04:05", "15:04:05.999999999"}
	dateLayouts  = []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999"}
	zonedLayouts = []string{"2006-01-02T15:04Z07:00", time.RFC3339Nano}
)

// parseFilterTime reads a time of day (tod, at = ns into the day) or an
// instant (at = Unix ns), with its normalised text.
func parseFilterTime(raw string, loc *time.Location) (at int64, tod bool, text string, ok bool) {
	s := strings.ToUpper(raw)
	if len(s) > 64 {
		return 0, false, "", false
	}
	for _, l := range todLayouts {
		if t, err := time.Parse(l, s); err == nil {
			h, m, sec := t.Clock()
			at = int64(h)*int64(time.Hour) + int64(m)*int64(time.Minute) + int64(sec)*int64(time.Second) + int64(t.Nanosecond())
			text = t.Format("15:04")
			if sec != 0 || t.Nanosecond() != 0 {
				text = t.Format("15:04:05.999999999")
			}
			return at, true, text, true
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UnixNano(), false, t.UTC().Format(time.RFC3339Nano), t.Year() >= 1678 && t.Year() <= 2261
		}
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UnixNano(), false, t.UTC().Format(time.RFC3339Nano), t.Year() >= 1678 && t.Year() <= 2261
		}
	}
	return 0, false, "", false
}
