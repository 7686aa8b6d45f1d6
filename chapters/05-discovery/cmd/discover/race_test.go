//go:build race

package main

// raceEnabled builds the five processes with the race detector too.
const raceEnabled = true
