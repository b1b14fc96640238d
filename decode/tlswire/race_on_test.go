//go:build race

package tlswire

// raceEnabled: the race detector allocates, so allocation counts mean nothing.
const raceEnabled = true
