//go:build race

package pow

// raceEnabled: the race detector makes the hasher's buffers escape.
const raceEnabled = true
