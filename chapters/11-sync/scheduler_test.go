package sync

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
)

// wantedFrom is the blocks from to to, each hash naming its height.
func wantedFrom(from, to uint64) []Wanted {
	var out []Wanted
	for h := from; h <= to; h++ {
		out = append(out, Wanted{Height: h, Hash: blocks.Hash{byte(h), byte(h >> 8), 1}})
	}
	return out
}

// hashesOf is the hashes of ws.
func hashesOf(ws []Wanted) []blocks.Hash {
	var out []blocks.Hash
	for _, w := range ws {
		out = append(out, w.Hash)
	}
	return out
}

func TestInOrder(t *testing.T) {
	w := wantedFrom(1, 40)
	tests := []struct {
		name  string
		want  []Wanted
		peers []PeerLoad
		out   []Request
	}{
		{"nothing wanted", nil, []PeerLoad{{Peer: 1, Has: 50}}, nil},
		{"no peers", w, nil, nil},
		{"each in turn, the next blocks it has room for", w,
			[]PeerLoad{{Peer: 1, Has: 50}, {Peer: 2, InFlight: 10, Has: 50}, {Peer: 3, Has: 50}},
			[]Request{{Peer: 1, Hashes: hashesOf(w[:16])}, {Peer: 2, Hashes: hashesOf(w[16:22])},
				{Peer: 3, Hashes: hashesOf(w[22:38])}}},
		{"a full peer gets none", w[:4],
			[]PeerLoad{{Peer: 1, InFlight: MaxInFlightPerPeer, Has: 50}, {Peer: 2, Has: 50}},
			[]Request{{Peer: 2, Hashes: hashesOf(w[:4])}}},
		{"a peer behind gets what it has; the next the rest", w[:8],
			[]PeerLoad{{Peer: 1, Has: 3}, {Peer: 2, Has: 50}},
			[]Request{{Peer: 1, Hashes: hashesOf(w[:3])}, {Peer: 2, Hashes: hashesOf(w[3:8])}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := InOrder{}.Schedule(tt.want, tt.peers, MaxInFlightPerPeer)

			assert.Equal(t, tt.out, got)
			kept, err := followable(tt.want, tt.peers, MaxInFlightPerPeer, got)
			assert.NoError(t, err)
			assert.Equal(t, tt.out, kept)
		})
	}
}

func TestFollowable(t *testing.T) {
	w := wantedFrom(1, 20)
	peers := []PeerLoad{{Peer: 1, InFlight: 14, Has: 50}, {Peer: 2, Has: 5}}
	tests := []struct {
		name    string
		reqs    []Request
		kept    []Request
		wantErr string
	}{
		{"all followable", []Request{{Peer: 1, Hashes: hashesOf(w[:2])}},
			[]Request{{Peer: 1, Hashes: hashesOf(w[:2])}}, ""},
		{"a peer not offered", []Request{{Peer: 9, Hashes: hashesOf(w[:1])}}, nil, "peer 9: not offered"},
		{"a block not wanted", []Request{{Peer: 2, Hashes: []blocks.Hash{{9}}}}, nil, "not wanted"},
		{"a block twice", []Request{{Peer: 1, Hashes: hashesOf(w[:1])}, {Peer: 2, Hashes: hashesOf(w[:2])}},
			[]Request{{Peer: 1, Hashes: hashesOf(w[:1])}, {Peer: 2, Hashes: hashesOf(w[1:2])}}, "asked twice"},
		{"a block the peer lacks", []Request{{Peer: 2, Hashes: hashesOf(w[4:6])}},
			[]Request{{Peer: 2, Hashes: hashesOf(w[4:5])}}, "peer 2 has only to #5"},
		{"past the peer's room", []Request{{Peer: 1, Hashes: hashesOf(w[:3])}},
			[]Request{{Peer: 1, Hashes: hashesOf(w[:2])}}, "peer 1 has 16 in flight, the most"},
		{"many mistakes: a few listed", []Request{{Peer: 1, Hashes: hashesOf(w)}},
			[]Request{{Peer: 1, Hashes: hashesOf(w[:2])}}, "and 14 more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, err := followable(w, peers, MaxInFlightPerPeer, tt.reqs)

			assert.Equal(t, tt.kept, kept)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrSchedule)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

// greedy asks every peer for every block wanted: a Scheduler that
// breaks every rule it can.
type greedy struct{}

func (greedy) Schedule(want []Wanted, peers []PeerLoad, _ int) []Request {
	var out []Request
	for _, p := range peers {
		out = append(out, Request{Peer: p.Peer, Hashes: hashesOf(want)})
	}
	return out
}

// TestSchedulerSeam: the download follows a Scheduler's answer as far
// as it may and reports the rest; with greedy, every block still comes
// once, no peer has more than MaxInFlightPerPeer in flight, and
// Faults say why.
func TestSchedulerSeam(t *testing.T) {
	var faults []error
	s, err := NewSim(SimConfig{Blocks: 300, Peers: 3, Seed: 1,
		OnEmit: func(e simulation.Emitted) {
			if f, ok := e.Value.(Fault); ok && e.Node == 0 {
				faults = append(faults, f.Err)
			}
		}})
	require.NoError(t, err)
	s.Syncs[0].SetScheduler(greedy{})
	most := 0
	inFlight := map[simulation.NodeID]int{}
	s.Net.SetHook(func(m *simulation.InFlight) {
		switch msg := m.Msg.(type) {
		case *MsgGetBlockData:
			if m.From == 0 {
				inFlight[m.To] += len(msg.Hashes)
				most = max(most, inFlight[m.To])
			}
		case *blocks.MsgBlock:
			if m.To == 0 {
				inFlight[m.From]--
			}
		}
	})

	done, err := s.Run(time.Minute)

	require.NoError(t, err)
	assert.True(t, done)
	assert.LessOrEqual(t, most, MaxInFlightPerPeer)
	require.NotEmpty(t, faults)
	assert.True(t, errors.Is(faults[0], ErrSchedule), "%v", faults[0])
}
