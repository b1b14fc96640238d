//go:build !race

package decode_test

// raceSlowdown scales time bounds: the race detector makes this code 5-10x slower.
const raceSlowdown = 1
