package peers

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNonceSet(t *testing.T) {
	type op struct {
		add    bool // add, or else remove
		nonce  uint64
		wantOK bool // what Add returns
	}
	tests := []struct {
		name    string
		max     int
		ops     []op
		wantLen int
	}{
		{name: "empty", max: 2},
		{name: "adds", max: 3, ops: []op{{add: true, nonce: 1, wantOK: true}, {add: true, nonce: 2, wantOK: true}}, wantLen: 2},
		{name: "a duplicate", max: 3, ops: []op{{add: true, nonce: 1, wantOK: true}, {add: true, nonce: 1}}, wantLen: 1},
		{name: "full", max: 1, ops: []op{{add: true, nonce: 1, wantOK: true}, {add: true, nonce: 2}}, wantLen: 1},
		{name: "remove makes room", max: 1, ops: []op{{add: true, nonce: 1, wantOK: true}, {nonce: 1}, {add: true, nonce: 2, wantOK: true}}, wantLen: 1},
		{name: "remove then add again", max: 2, ops: []op{{add: true, nonce: 1, wantOK: true}, {nonce: 1}, {add: true, nonce: 1, wantOK: true}}, wantLen: 1},
		{name: "remove a stranger", max: 1, ops: []op{{nonce: 9}}},
		{name: "no room at all", max: 0, ops: []op{{add: true, nonce: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewNonceSet(tt.max)
			for i, o := range tt.ops {
				if o.add {
					assert.Equal(t, o.wantOK, s.Add(o.nonce), "op %d: add %d", i, o.nonce)
				} else {
					s.Remove(o.nonce)
				}
			}
			assert.Equal(t, tt.wantLen, s.Len())
		})
	}
}

func TestNonceSetBound(t *testing.T) {
	s := NewNonceSet(MaxNonceSetSize + 10)
	for n := range uint64(MaxNonceSetSize) {
		require.True(t, s.Add(n+1))
	}
	assert.False(t, s.Add(0), "full at MaxNonceSetSize")
}

// TestNonceSetConcurrent adds one nonce from many goroutines at once, as
// two connections from the same node would: exactly one wins.
func TestNonceSetConcurrent(t *testing.T) {
	const goroutines = 16
	s := NewNonceSet(10)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	start := make(chan struct{})
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if s.Add(42) {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	assert.Equal(t, 1, wins)
	assert.Equal(t, 1, s.Len())
}

func TestRandomNonce(t *testing.T) {
	seen := map[uint64]bool{}
	for range 1000 {
		n := RandomNonce()
		require.NotZero(t, n)
		require.False(t, seen[n], "%#x twice in 1000 draws", n)
		seen[n] = true
	}
}
