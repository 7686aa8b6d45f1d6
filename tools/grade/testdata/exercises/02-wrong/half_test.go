// Fixture for tools/grade's tests: see grade_test.go.
package wrong

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestHalf(t *testing.T) {
	for _, x := range []int{1, 2, 3} {
		t.Run("", func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Equal(t, x/2, Half(x))
		})
	}
}
