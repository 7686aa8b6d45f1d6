package forkchoice

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
)

// runSim mines for cfg.MineFor, settles, and returns the network.
func runSim(t *testing.T, cfg SimConfig) *SimNet {
	t.Helper()
	s, err := NewSimNet(cfg)
	require.NoError(t, err)
	require.NoError(t, s.Run(cfg.MineFor))
	agree, err := s.Settle(time.Hour)
	require.NoError(t, err)
	require.True(t, agree, "every node on one tip")
	return s
}

func TestSimNetDeterministic(t *testing.T) {
	base := SimConfig{Nodes: 12, Degree: 4, Seed: 7, Interval: time.Second,
		Latency: simulation.LogNormal{Median: 100 * time.Millisecond, Sigma: 0.5},
		MineFor: 60 * time.Second}
	other := base
	other.Seed = 8
	tests := []struct {
		name     string
		a, b     SimConfig
		wantSame bool
	}{
		{"same seed, same run", base, base, true},
		{"another seed, another run", base, other, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := runSim(t, tt.a), runSim(t, tt.b)
			require.Positive(t, a.Stats().Mined)
			same := a.Trees[0].Tip().Hash == b.Trees[0].Tip().Hash &&
				a.Stats() == b.Stats()
			assert.Equal(t, tt.wantSame, same, "a %+v\nb %+v", a.Stats(), b.Stats())
		})
	}
}

// TestSimNetSettles: once mining stops and blocks arrive, every node
// follows one tip, every block reached every node, and the record adds
// up: each block of the main chain is one mined, the rest stale.
func TestSimNetSettles(t *testing.T) {
	tests := []struct {
		name string
		cfg  SimConfig
	}{
		{"equal shares, constant latency", SimConfig{Nodes: 10, Degree: 4, Seed: 1,
			Interval: 2 * time.Second}},
		{"big blocks on slow links", SimConfig{Nodes: 16, Seed: 2, Interval: 2 * time.Second,
			BlockSize: 1 << 20, Bandwidth: 4 << 20,
			Latency: simulation.LogNormal{Median: 50 * time.Millisecond, Sigma: 1}}},
		{"uneven shares, MostWork given", SimConfig{Nodes: 10, Degree: 3, Seed: 3,
			Interval: time.Second, Hash: []float64{5, 1, 1, 1, 1, 1, 0, 0, 0, 2},
			Choice: MostWork{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.MineFor = 100 * tt.cfg.Interval
			s := runSim(t, tt.cfg)
			st := s.Stats()
			require.Greater(t, st.Mined, 50, "%+v", st)
			assert.Zero(t, st.Missing, "every block reached every node")
			assert.Equal(t, st.Mined, st.Main+st.Stale)
			assert.Equal(t, uint64(st.Main), s.Trees[0].Tip().Height,
				"every main-chain block was mined in the run")
			for id, tr := range s.Trees {
				assert.Equal(t, s.Trees[0].Tip().Hash, tr.Tip().Hash, "node %d", id)
			}
			assert.Positive(t, st.MeanDelay)
			if tt.cfg.Hash != nil {
				for _, b := range s.Blocks() {
					assert.False(t, b.Miner >= 6 && b.Miner <= 8,
						"node %d has no hash power", b.Miner)
				}
			}
		})
	}
}

// TestStaleRateRises: the same network with blocks ever closer together
// loses ever more of them, near 1 − e^(−Δ/T).
func TestStaleRateRises(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration
	}{
		{"T 20 s", 20 * time.Second},
		{"T 2 s", 2 * time.Second},
		{"T 0.5 s", 500 * time.Millisecond},
	}
	last := -1.0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := runSim(t, SimConfig{Nodes: 12, Degree: 4, Seed: 5, Interval: tt.interval,
				Latency: simulation.Exponential{Mean: 100 * time.Millisecond},
				MineFor: 400 * tt.interval})
			st := s.Stats()
			assert.Greater(t, st.StaleRate, last, "%+v", st)
			model := StaleModel(st.MeanDelay, tt.interval)
			assert.InDelta(t, model, st.StaleRate, 0.02+model/3, "%+v", st)
			last = st.StaleRate
		})
	}
}

// TestPartitionHeal: two halves mine apart, each on a branch of its
// own; at the heal, the half with less hash power, and so less work,
// takes its blocks off for the other's, and the other keeps its own.
func TestPartitionHeal(t *testing.T) {
	heavy := []float64{3, 3, 3, 3, 3, 1, 1, 1, 1, 1} // nodes 0-4, then 5-9
	const split, heal = 20 * time.Second, 140 * time.Second
	reorgs := make(map[simulation.NodeID]int) // the deepest after the heal
	s, err := NewSimNet(SimConfig{Nodes: 10, Degree: 4, Seed: 4, Hash: heavy, Interval: 2 * time.Second,
		MineFor: 200 * time.Second,
		OnEmit: func(e simulation.Emitted) {
			if r, ok := e.Value.(SimReorg); ok && e.At.Sub(simulation.Epoch) > heal {
				reorgs[e.Node] = max(reorgs[e.Node], r.Off)
			}
		}})
	require.NoError(t, err)
	require.NoError(t, s.Run(split))
	require.NoError(t, s.Split())
	require.NoError(t, s.Run(heal-split))

	half := func(id int) int { return id / 5 }
	minedAt := make(map[blocks.Hash]time.Duration)
	for _, b := range s.Blocks() {
		minedAt[b.Hash] = b.At
	}
	atHeal := make([]*Node, len(s.Trees))
	for id, tr := range s.Trees {
		atHeal[id] = tr.Tip()
		require.Greater(t, minedAt[tr.Tip().Hash], split, "node %d mined on", id)
		for other, o := range s.Trees {
			if half(id) != half(other) {
				_, known := o.Node(tr.Tip().Hash)
				assert.False(t, known, "node %d's tip crossed to node %d", id, other)
			}
		}
	}
	require.Greater(t, atHeal[0].Work.Cmp(atHeal[9].Work), 0, "the heavy half has more work")

	s.Heal()
	require.NoError(t, s.Run(60*time.Second))
	agree, err := s.Settle(time.Hour)
	require.NoError(t, err)
	require.True(t, agree)
	for id, tr := range s.Trees {
		old := atHeal[id]
		lost := int(old.Height - FindFork(old, tr.Tip()).Height)
		if half(id) == 1 {
			require.GreaterOrEqual(t, lost, 2, "node %d: a long fork", id)
			assert.GreaterOrEqual(t, reorgs[simulation.NodeID(id)], lost,
				"light node %d took its branch off", id)
		} else {
			assert.LessOrEqual(t, lost, 1, "heavy node %d kept its branch", id)
		}
	}
	for _, b := range s.Blocks() {
		if b.Miner >= 5 && b.At > split && b.At < heal {
			n, ok := s.Trees[0].Node(b.Hash)
			assert.True(t, ok && !s.Trees[0].OnMain(n), "light block #%d is stale", b.Height)
		}
	}
}
