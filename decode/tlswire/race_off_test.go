//go:build !race

package tlswire

const raceEnabled = false
