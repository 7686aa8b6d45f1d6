package peers

import (
	"net"
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

// stubPeer is a peer that never shook hands, enough for the set: it has
// a direction and can be disconnected.
func stubPeer(t *testing.T, s *NonceSet, inbound bool) *Peer {
	t.Helper()
	ours, theirs := net.Pipe()
	t.Cleanup(func() { ours.Close(); theirs.Close() })
	return &Peer{conn: ours, cfg: Config{Connected: s},
		info: Info{Inbound: inbound}, quit: make(chan struct{})}
}

// TestNonceSetSettles adds connections to one node, theirNonce, in the
// order of each row, and checks what the set refuses, which peer it
// closes, and what it holds at the end: the rule is that the connection
// the lower nonce dialed is kept, and each node closes only its own
// outbound.
func TestNonceSetSettles(t *testing.T) {
	const (
		lower  = theirNonce - 1 // our nonce, below theirs
		higher = theirNonce + 1 // our nonce, above theirs
		none   = -1
	)
	type op struct {
		inbound bool
		wantErr error // nil: added
		closes  int   // the op whose peer this one closes, or none
	}
	in := func(wantErr error, closes int) op { return op{inbound: true, wantErr: wantErr, closes: closes} }
	out := func(wantErr error, closes int) op { return op{wantErr: wantErr, closes: closes} }
	tests := []struct {
		name    string
		self    uint64
		ops     []op
		wantIn  int // the op whose peer the set holds inbound, or none
		wantOut int
	}{
		{name: "one inbound", self: lower, ops: []op{in(nil, none)}, wantIn: 0, wantOut: none},
		{name: "one outbound", self: higher, ops: []op{out(nil, none)}, wantIn: none, wantOut: 0},
		{name: "two inbound", self: lower, ops: []op{in(nil, none), in(ErrDuplicateConnection, none)}, wantIn: 0, wantOut: none},
		{name: "two outbound", self: lower, ops: []op{out(nil, none), out(ErrDuplicateConnection, none)}, wantIn: none, wantOut: 0},
		{name: "two inbound, higher", self: higher, ops: []op{in(nil, none), in(ErrDuplicateConnection, none)}, wantIn: 0, wantOut: none},
		{name: "two outbound, higher", self: higher, ops: []op{out(nil, none), out(ErrDuplicateConnection, none)}, wantIn: none, wantOut: 0},
		{name: "lower: ours, then theirs: both kept", self: lower, ops: []op{out(nil, none), in(nil, none)}, wantIn: 1, wantOut: 0},
		{name: "lower: theirs, then ours: both kept", self: lower, ops: []op{in(nil, none), out(nil, none)}, wantIn: 0, wantOut: 1},
		{name: "higher: ours, then theirs: ours closed", self: higher, ops: []op{out(nil, none), in(nil, 0)}, wantIn: 1, wantOut: none},
		{name: "higher: theirs, then ours: ours refused", self: higher, ops: []op{in(nil, none), out(ErrDuplicateConnection, none)}, wantIn: 0, wantOut: none},
		{name: "higher: a third after the swap", self: higher, ops: []op{out(nil, none), in(nil, 0), out(ErrDuplicateConnection, none), in(ErrDuplicateConnection, none)}, wantIn: 1, wantOut: none},
		{name: "lower: a third after both", self: lower, ops: []op{out(nil, none), in(nil, none), in(ErrDuplicateConnection, none), out(ErrDuplicateConnection, none)}, wantIn: 1, wantOut: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewNonceSet(10)
			peers := make([]*Peer, len(tt.ops))
			for i, o := range tt.ops {
				p := stubPeer(t, s, o.inbound)
				peers[i] = p
				err := s.add(tt.self, theirNonce, p)
				if o.wantErr != nil {
					assert.ErrorIs(t, err, o.wantErr, "op %d", i)
					continue
				}
				require.NoError(t, err, "op %d", i)
				p.nonce, p.added = theirNonce, true // as register does
				for j, q := range peers[:i] {
					if j == o.closes {
						assert.ErrorIs(t, q.Err(), ErrDuplicateConnection, "op %d closes op %d's peer", i, j)
					} else if q.Err() != nil && tt.ops[j].closes == none {
						assert.Fail(t, "a peer closed", "op %d closed op %d's peer", i, j)
					}
				}
			}
			gotIn, gotOut := s.lookup(theirNonce)
			assert.Equal(t, at(peers, tt.wantIn), gotIn, "inbound")
			assert.Equal(t, at(peers, tt.wantOut), gotOut, "outbound")
			assert.Equal(t, 1, s.Len())

			for _, p := range peers {
				p.Disconnect(nil)
			}
			assert.Zero(t, s.Len(), "each peer's Disconnect removes it, and only it")
		})
	}
}

func at(peers []*Peer, i int) *Peer {
	if i < 0 {
		return nil
	}
	return peers[i]
}

// TestNonceSetRemoveOnlyItsOwn checks that a peer that lost its place
// cannot take the winner's out of the set when it disconnects.
func TestNonceSetRemoveOnlyItsOwn(t *testing.T) {
	s := NewNonceSet(10)
	ours := stubPeer(t, s, false)
	require.NoError(t, s.add(theirNonce+1, theirNonce, ours))
	theirs := stubPeer(t, s, true)
	require.NoError(t, s.add(theirNonce+1, theirNonce, theirs))
	s.remove(theirNonce, ours) // the loser, late
	in, out := s.lookup(theirNonce)
	assert.Same(t, theirs, in)
	assert.Nil(t, out)
	s.remove(theirNonce, stubPeer(t, s, true)) // a stranger
	assert.Equal(t, 1, s.Len())
}

func TestNonceSetFull(t *testing.T) {
	tests := []struct {
		name    string
		prefill func(s *NonceSet)
		wantErr error
	}{
		{name: "full of others", prefill: func(s *NonceSet) { s.Add(0x99) }, wantErr: ErrTooManyPeers},
		{name: "added by Add", prefill: func(s *NonceSet) { s.Add(theirNonce) }, wantErr: ErrDuplicateConnection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewNonceSet(1)
			tt.prefill(s)
			for _, inbound := range []bool{true, false} {
				assert.ErrorIs(t, s.add(ourNonce, theirNonce, stubPeer(t, s, inbound)), tt.wantErr, "inbound %v", inbound)
			}
			assert.Equal(t, 1, s.Len())
		})
	}
}
