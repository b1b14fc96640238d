//go:build race

package main

// raceEnabled: tests that only drive a child process skip under -race,
// which instruments this process and not the child.
const raceEnabled = true
