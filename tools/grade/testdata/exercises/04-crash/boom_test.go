// Fixture for tools/grade's tests: see grade_test.go.
package crash

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestBoom(t *testing.T) {
	for _, x := range []int{1, 2, 3} {
		t.Run("", func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Equal(t, 2*x, Boom(x))
		})
	}
}
