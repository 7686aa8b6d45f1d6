// Package simulation holds the exercises of chapter 04. Each exercise is
// in a file of its own with a stub to replace; the tests say whether it is
// solved. The tasks are in docs/chapters/04-simulation.md, section
// Exercises; check your work with `go run ./tools/grade 04`.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package simulation

import "time"

// ParetoCap is the longest latency Pareto.Sample returns: its tail is so
// heavy that a draw could overflow a time.Duration.
const ParetoCap = time.Hour
