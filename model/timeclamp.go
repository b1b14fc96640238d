package model

import (
	"math"
	"time"
)

// Nanosecond counts since 1970 fit an int64 only from 1678 to 2262;
// time.UnixNano is undefined outside, and a pcapng file can say any time.
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// unixNanoClamped is t.UnixNano, saturated outside the years int64
// nanoseconds can hold, so orders and comparisons stay right: a flow
// stamped in year 3000 sorts after every representable time.
func unixNanoClamped(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}
