//go:build !solution

// Fixture for tools/grade's tests: see grade_test.go.
package partly

import "peerchain/tools/exercise"

func One() int {
	exercise.NotAttempted()
	return 0
}
