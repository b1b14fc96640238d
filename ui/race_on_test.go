//go:build race

package ui

// raceEnabled: tests that run one goroutine over a large input skip under
// -race, which would only make them slower (the plain run covers them).
const raceEnabled = true
