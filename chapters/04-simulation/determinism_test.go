package simulation

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// busyRun is a run that uses every source of randomness and every fault
// the simulator has, and returns the SHA-256 of its trace.
func busyRun(t *testing.T, seed uint64) string {
	t.Helper()
	h := sha256.New()
	net, err := New(Config{
		Nodes:    300,
		Seed:     seed,
		Topology: RandomRegular(6),
		Latency:  LogNormal{Median: 60 * time.Millisecond, Sigma: 0.6},
		Loss:     0.05,
		Trace:    h,
	}, func(id NodeID, r *rand.Rand) Machine {
		cfg := RumorConfig{Round: 200 * time.Millisecond, Fanout: 2}
		if id == 0 {
			cfg.Rumor = rumor(1)
		}
		return NewRumor(cfg, r)
	})
	require.NoError(t, err)
	require.NoError(t, net.RunFor(500*time.Millisecond))
	require.NoError(t, net.Partition([]NodeID{1, 2, 3, 4, 5}))
	require.NoError(t, net.Crash(7))
	require.NoError(t, net.RunFor(time.Second))
	net.Heal()
	require.NoError(t, net.Restart(7))
	require.NoError(t, net.Act(9, Dial{Addr: SimAddr(200)}))
	require.NoError(t, net.RunFor(2*time.Second))
	fmt.Fprintf(h, "%+v", net.Stats().Sent)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// docs:begin determinism-test

// TestDeterminism: the same seed gives a byte-identical trace; another
// seed gives another.
func TestDeterminism(t *testing.T) {
	first := busyRun(t, 42)
	assert.Equal(t, first, busyRun(t, 42), "same seed, same run")
	assert.NotEqual(t, first, busyRun(t, 43), "another seed, another run")
}

// docs:end determinism-test
