package simulation

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"peerchain/tools/testseed"
)

// TestQueueOrder drives the queue as the network does, pushes never
// earlier than the last item handed out mixed with pops, and checks that
// every item comes out in (at, seq) order: never before the one popped
// before it.
func TestQueueOrder(t *testing.T) {
	testseed.Run(t, 20, func(t *testing.T, seed uint64) {
		r := rand.New(rand.NewPCG(seed, 7))
		var q queue
		var now time.Duration
		var seq uint64
		var last *item
		pushed, popped := 0, 0
		for step := range 20_000 {
			if q.len() == 0 || r.IntN(3) > 0 && step < 15_000 {
				// Many at the same instant, some far ahead.
				ahead := time.Duration(r.IntN(4)) * time.Duration(r.Int64N(int64(time.Second)))
				q.push(item{at: now + ahead, seq: seq})
				seq++
				pushed++
				continue
			}
			it := q.pop()
			popped++
			if last != nil {
				require.False(t, it.before(last), "item %d (at %v) came out after %d (at %v)", it.seq, it.at, last.seq, last.at)
			}
			now, last = it.at, &it
		}
		for q.len() > 0 {
			it := q.pop()
			popped++
			require.False(t, it.before(last))
			last = &it
		}
		require.Equal(t, pushed, popped)
	})
}
