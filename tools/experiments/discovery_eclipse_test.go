package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEclipseRun: with the most addresses, the naive list is taken
// over, and the full book keeps the attacker to a few connections.
func TestEclipseRun(t *testing.T) {
	t.Parallel() // seeded, and shares nothing with the other tests
	if testing.Short() {
		t.Skip("two simulated attacks")
	}
	size := eclipseSizes[len(eclipseSizes)-1]
	naive, err := eclipseRun(eclipseVariants[0], size, 1)
	require.NoError(t, err)
	full, err := eclipseRun(eclipseVariants[len(eclipseVariants)-1], size, 1)
	require.NoError(t, err)
	assert.Greater(t, naive, 0.5, "the naive victim is mostly the attacker's")
	assert.LessOrEqual(t, full, float64(eclipseGroups)/8, "one per group: at most a connection per attacker group")
}
