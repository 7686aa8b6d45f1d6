package simulation

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// realCounter is a machine with state to read from outside: how many Local
// events it has had. It has no lock; Query is how others read it.
type realCounter struct{ locals int }

func (c *realCounter) Handle(_ time.Time, ev Event) []Action {
	if is[Local](ev) {
		c.locals++
	}
	return nil
}

// TestQuery: many goroutines read and change a machine through Do and
// Query while events arrive, with no lock in the machine: the race
// detector would see one that was needed. Each Query sees every Inject
// its goroutine made before it.
func TestQuery(t *testing.T) {
	const goroutines, rounds = 8, 50
	m := &realCounter{}
	n := startRealNode(t, m)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				require.NoError(t, n.Inject(ctx, i))
				require.NoError(t, n.Do(ctx, func(Machine) {}))
				got, err := Query(ctx, n.RealNode, func(m Machine) int { return m.(*realCounter).locals })
				require.NoError(t, err)
				assert.GreaterOrEqual(t, got, i+1)
			}
		}()
	}
	wg.Wait()
	got, err := Query(ctx, n.RealNode, func(m Machine) int { return m.(*realCounter).locals })
	require.NoError(t, err)
	assert.Equal(t, goroutines*rounds, got)
}

// TestDo: Do waits for Run if called first; gives up with ctx, and then
// never runs f; and says ErrStopped once the node has stopped.
func TestDo(t *testing.T) {
	t.Run("before Run", func(t *testing.T) {
		n, err := NewRealNode(RealConfig{Peers: testPeersConfig(t)}, &realCounter{})
		require.NoError(t, err)
		ran := make(chan error, 1)
		go func() { ran <- n.Do(context.Background(), func(Machine) {}) }()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- n.Run(ctx, listen(t)) }()
		assert.NoError(t, <-ran)
		cancel()
		assert.NoError(t, <-done)
	})

	t.Run("cancelled", func(t *testing.T) {
		n := startRealNode(t, &realCounter{})
		release := make(chan struct{})
		stalled := make(chan struct{})
		go func() {
			assert.NoError(t, n.Do(context.Background(), func(Machine) { close(stalled); <-release }))
		}()
		<-stalled // the loop is busy: the next Do waits in the lane
		ctx, cancel := context.WithCancel(context.Background())
		ran := false
		result := make(chan error, 1)
		go func() { result <- n.Do(ctx, func(Machine) { ran = true }) }()
		cancel()
		assert.ErrorIs(t, <-result, context.Canceled)
		close(release)
		barrier(t, n) // the abandoned Do's turn has come and gone
		assert.False(t, ran, "an abandoned Do never runs")
	})

	t.Run("stopped", func(t *testing.T) {
		n := startRealNode(t, &realCounter{})
		require.NoError(t, n.stop())
		assert.ErrorIs(t, n.Do(context.Background(), func(Machine) {}), ErrStopped)
		_, err := Query(context.Background(), n.RealNode, func(Machine) int { return 1 })
		assert.ErrorIs(t, err, ErrStopped)
	})
}
