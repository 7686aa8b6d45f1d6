package sockets

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/exercise"
)

func TestPeerSet(t *testing.T) {
	// op is one call on the set, and what it should return.
	type op struct {
		call    string // "add" or "remove"
		addr    string
		wantErr error // add
		wantOK  bool  // remove
	}
	tests := []struct {
		name     string
		max      int
		ops      []op
		wantList []string
	}{
		{name: "empty", max: 2, wantList: []string{}},
		{name: "adds are listed sorted", max: 3, ops: []op{{call: "add", addr: "b"}, {call: "add", addr: "a"}}, wantList: []string{"a", "b"}},
		{name: "duplicate", max: 3, ops: []op{{call: "add", addr: "a"}, {call: "add", addr: "a", wantErr: ErrDuplicate}}, wantList: []string{"a"}},
		{name: "full", max: 1, ops: []op{{call: "add", addr: "a"}, {call: "add", addr: "b", wantErr: ErrFull}}, wantList: []string{"a"}},
		{name: "duplicate of a full set", max: 1, ops: []op{{call: "add", addr: "a"}, {call: "add", addr: "a", wantErr: ErrDuplicate}}, wantList: []string{"a"}},
		{name: "remove makes room", max: 1, ops: []op{{call: "add", addr: "a"}, {call: "remove", addr: "a", wantOK: true}, {call: "add", addr: "b"}}, wantList: []string{"b"}},
		{name: "remove a stranger", max: 1, ops: []op{{call: "remove", addr: "a", wantOK: false}}, wantList: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			s := NewPeerSet(tt.max)
			for i, o := range tt.ops {
				switch o.call {
				case "add":
					err := s.Add(o.addr)
					if o.wantErr == nil {
						assert.NoError(t, err, "op %d: add %s", i, o.addr)
					} else {
						assert.ErrorIs(t, err, o.wantErr, "op %d: add %s", i, o.addr)
					}
				case "remove":
					assert.Equal(t, o.wantOK, s.Remove(o.addr), "op %d: remove %s", i, o.addr)
				}
			}
			assert.ElementsMatch(t, tt.wantList, s.List())
			assert.IsNonDecreasing(t, s.List())
		})
	}
}

// TestPeerSet_Concurrent adds and lists from many goroutines at once, as
// a node's connections do. Without a lock, the race detector (which the
// grader turns on when it can) reports a race, and even without it the Go
// runtime usually stops the test with "concurrent map writes".
func TestPeerSet_Concurrent(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	const (
		goroutines = 8
		each       = 500
		max        = 2000
	)
	s := NewPeerSet(max)
	var (
		wg             sync.WaitGroup
		mu             sync.Mutex
		added, refused int
	)
	start := make(chan struct{}) // lines the goroutines up, to collide
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range each {
				err := s.Add(fmt.Sprintf("10.0.%d.%d:8333", g, i))
				if i%50 == 0 {
					s.List()
				}
				mu.Lock()
				if err == nil {
					added++
				} else if assert.ErrorIs(t, err, ErrFull) {
					refused++
				}
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Equal(t, max, added, "adds that succeeded")
	assert.Equal(t, goroutines*each-max, refused, "adds refused as full")
	assert.Len(t, s.List(), max)
}
