package flowlist

import (
	"math"
	"testing"
	"time"
)

// An absurd span (a crafted file, clocks decades apart) reads as days, not
// as Go's "2562047h47m16.854775807s".
func TestDurationStaysShort(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{850 * time.Microsecond, "850us"},
		{12300 * time.Microsecond, "12.3ms"},
		{1520 * time.Millisecond, "1.52s"},
		{3*time.Hour + 2*time.Second, "3h0m2s"},
		{56 * 365 * 24 * time.Hour, "20440d"},
		{math.MaxInt64, "106751d"},
	} {
		if got := Duration(tc.d); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
