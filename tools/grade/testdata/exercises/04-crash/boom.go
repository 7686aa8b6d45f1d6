//go:build !solution

// Fixture for tools/grade's tests: see grade_test.go.
package crash

import "peerchain/tools/exercise"

func Boom(x int) int {
	exercise.NotAttempted()
	return 0
}
